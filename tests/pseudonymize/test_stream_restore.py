"""Restoring SSE streams when tokens are split anywhere: across deltas and across the
bytes of the stream, per choice and per output item. Property-based."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from zdr.pseudonymize.restore import StreamRestorer, restore_json
from zdr.pseudonymize.tokens import Vault

KEY = b"s" * 32
VALUES = [("PERSON", "Jane Roe"), ("EMAIL", "jane@example.com"), ("SECRET", 'p"w\\x')]


def vault_and_text() -> tuple[Vault, str, str]:
    vault = Vault(KEY)
    tokens = [vault.token_for(label, value) for label, value in VALUES]
    masked = f"Dear {tokens[0]}, we wrote to {tokens[1]} (not {tokens[0]}); key {tokens[2]}."
    plain = "Dear Jane Roe, we wrote to jane@example.com (not Jane Roe); key " + 'p"w\\x.'
    return vault, masked, plain


def split(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    return [text[a:b] for a, b in zip(points, points[1:], strict=False)]


def sse(obj: Any) -> bytes:
    return b"data: " + json.dumps(obj).encode() + b"\n\n"


def chat_stream(pieces_by_choice: dict[int, list[str]], tool_args: list[str]) -> bytes:
    out = b""
    longest = max(len(p) for p in pieces_by_choice.values())
    for i in range(longest):
        for index, pieces in pieces_by_choice.items():
            if i < len(pieces):
                chunk = {
                    "id": "c1",
                    "object": "chat.completion.chunk",
                    "choices": [{"index": index, "delta": {"content": pieces[i]}}],
                }
                out += sse(chunk)
    for piece in tool_args:
        delta = {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}
        out += sse({"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta}]})
    for index in pieces_by_choice:
        out += sse(
            {
                "object": "chat.completion.chunk",
                "choices": [{"index": index, "delta": {}, "finish_reason": "stop"}],
            }
        )
    return out + b"data: [DONE]\n\n"


def run(restorer: StreamRestorer, stream: bytes, byte_cuts: list[int]) -> list[dict[str, Any]]:
    out = b""
    for piece in split(stream.decode("latin-1"), byte_cuts):
        out += restorer.feed(piece.encode("latin-1"))
    out += restorer.end()
    events = []
    for block in out.split(b"\n\n"):
        if block.startswith(b"data: ") and block != b"data: [DONE]":
            events.append(json.loads(block[6:]))
    assert out.endswith(b"data: [DONE]\n\n")
    return events


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 10_000), max_size=30),
    st.lists(st.integers(0, 10_000), max_size=30),
    st.lists(st.integers(0, 10_000), max_size=40),
    st.lists(st.integers(0, 10_000), max_size=12),
)
def test_chat_stream_split_anywhere(
    cuts0: list[int], cuts1: list[int], byte_cuts: list[int], arg_cuts: list[int]
) -> None:
    vault, masked, plain = vault_and_text()
    args_masked = json.dumps({"to": masked})
    stream = chat_stream(
        {0: split(masked, cuts0), 1: split(masked[::-1][::-1], cuts1)},
        split(args_masked, arg_cuts),
    )
    events = run(StreamRestorer(vault), stream, byte_cuts)
    texts: dict[int, str] = {0: "", 1: ""}
    args = ""
    for e in events:
        for choice in e["choices"]:
            delta = choice.get("delta") or {}
            texts[choice["index"]] += delta.get("content") or ""
            for call in delta.get("tool_calls") or ():
                args += call["function"]["arguments"]
    assert texts == {0: plain, 1: plain}
    assert json.loads(args) == {"to": plain}


def responses_stream(pieces: list[str], full: str) -> bytes:
    out = sse({"type": "response.created", "response": {"id": "r1", "output": []}})
    for p in pieces:
        out += sse(
            {
                "type": "response.output_text.delta",
                "item_id": "m1",
                "output_index": 0,
                "content_index": 0,
                "delta": p,
            }
        )
    out += sse(
        {
            "type": "response.output_text.done",
            "item_id": "m1",
            "output_index": 0,
            "content_index": 0,
            "text": full,
        }
    )
    completed = {
        "type": "response.completed",
        "response": {"id": "r1", "output": [{"content": [{"type": "output_text", "text": full}]}]},
    }
    return out + sse(completed) + b"data: [DONE]\n\n"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 10_000), max_size=30), st.lists(st.integers(0, 10_000), max_size=40))
def test_responses_stream_split_anywhere(cuts: list[int], byte_cuts: list[int]) -> None:
    vault, masked, plain = vault_and_text()
    events = run(StreamRestorer(vault), responses_stream(split(masked, cuts), masked), byte_cuts)
    deltas = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
    assert deltas == plain
    done = next(e for e in events if e["type"] == "response.output_text.done")
    assert done["text"] == plain
    completed = next(e for e in events if e["type"] == "response.completed")
    assert completed["response"]["output"][0]["content"][0]["text"] == plain


def test_nothing_is_held_that_cannot_be_a_token() -> None:
    vault, _, _ = vault_and_text()
    restorer = StreamRestorer(vault)
    chunk = {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}}]}
    chunk["choices"][0]["delta"] = {"content": "Hello there, how can I help"}
    out = restorer.feed(sse(chunk))
    assert json.loads(out[6:])["choices"][0]["delta"]["content"] == "Hello there, how can I help"


def test_json_answer_restored_everywhere_with_escaping() -> None:
    vault, masked, plain = vault_and_text()
    body = {
        "choices": [
            {
                "message": {
                    "content": masked,
                    "tool_calls": [{"function": {"arguments": json.dumps({"to": masked})}}],
                }
            }
        ]
    }
    restored = json.loads(restore_json(json.dumps(body).encode(), vault))
    message = restored["choices"][0]["message"]
    assert message["content"] == plain
    assert json.loads(message["tool_calls"][0]["function"]["arguments"]) == {"to": plain}


def test_answer_without_tokens_is_passed_on_byte_for_byte() -> None:
    vault, _, _ = vault_and_text()
    body = b'{"choices": [ {"message": {"content": "nothing to restore"}} ]}'
    assert restore_json(body, vault) is body


_PIECES = st.sampled_from(
    ["Dear ", "see https://x.example/", "![](", 'href="', " and ", "é", '"q"', "\n"]
)


def _json_values(tokens: list[str]) -> st.SearchStrategy[Any]:
    text = st.lists(st.one_of(_PIECES, st.sampled_from(tokens)), max_size=6).map("".join)
    keys = st.one_of(st.sampled_from(["content", "audio", "arguments", "name"]), text)
    return st.recursive(
        st.one_of(text, st.integers(), st.none()),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)
        ),
        max_leaves=12,
    )


def _arguments_as_text(value: Any) -> Any:
    if isinstance(value, list):
        return [_arguments_as_text(v) for v in value]
    if isinstance(value, dict):
        return {
            k: json.dumps(v)
            if k == "arguments" and not isinstance(v, str)
            else _arguments_as_text(v)
            for k, v in value.items()
        }
    return value


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from([None, 2]))
def test_json_answer_restored_like_the_parsed_walk(data: st.DataObject, indent: int | None) -> None:
    """Restoring only the literals that hold a token equals restoring every string of
    the parsed answer (keys, escapes, links, audio passed), however the upstream wrote
    the JSON; "arguments" is JSON text only as a string, as the API sends it."""
    from zdr.pseudonymize.restore import restore_object

    vault, _, _ = vault_and_text()
    tokens = [vault.token_for(label, value) for label, value in VALUES]
    tokens += [t.lower().replace("_", " ") for t in tokens]
    value = _arguments_as_text(data.draw(_json_values(tokens)))
    body = json.dumps({"answer": value}, indent=indent, ensure_ascii=data.draw(st.booleans()))
    restored = restore_json(body.encode(), vault)
    assert json.loads(restored) == restore_object(json.loads(body), vault)


def test_json_answer_keeps_the_upstream_bytes_around_tokens() -> None:
    vault, masked, plain = vault_and_text()
    body = f'{{ "n": 1,\n  "content" : "{masked}" }}'
    restored = restore_json(body.encode(), vault).decode()
    head, tail = body.split('"content" : ')
    assert restored.startswith(head + '"content" : ')
    assert json.loads(restored[len(head) + len('"content" : ') : -2]) == plain
    assert restored.endswith(" }")
