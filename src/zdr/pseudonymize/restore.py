"""Putting values back into answers: whole JSON bodies, and event streams of chat
completions, the Responses API (SSE or WebSocket) and the Realtime API, where a token
may be split across any number of events. Text that could still be the start of a
token is held back (a few dozen characters at most) until the next delta or the end of
its choice or item; nothing else waits. :class:`EventRestorer` works on parsed events
(the WebSocket path feeds it one by one); :class:`StreamRestorer` frames it for SSE.
Audio is never touched: audio delta events and ``audio`` strings pass as they came."""

from __future__ import annotations

import copy
import re
from bisect import bisect_left
from collections.abc import AsyncIterator
from typing import Any, Final

import orjson

from zdr.config import WORKER_THREAD_ABOVE_BYTES
from zdr.detect.model import in_c
from zdr.pseudonymize.offload import off_the_loop_above
from zdr.pseudonymize.tokens import Vault, partial_token_start

# How much of a stream position's earlier text is kept to tell whether a token sits in
# a URL that began in an earlier event.
_CONTEXT_CHARS = 4096
# JSON text inside a string: restored values must be escaped for JSON.
_JSON_TEXT_KEYS = frozenset({"arguments"})
# Base64 audio (a Realtime input_audio part's "audio"): passed as it came.
_AUDIO_KEY = "audio"


def restore_object(value: Any, vault: Vault, json_text: bool = False) -> Any:
    if isinstance(value, str):
        return vault.restore(value, json_escape=json_text)
    if isinstance(value, list):
        return [restore_object(v, vault, json_text) for v in value]
    if isinstance(value, dict):
        # Keys too: the keys of a free-form map (metadata) were examined on the way out.
        return {
            vault.restore(k): v
            if k == _AUDIO_KEY and isinstance(v, str)
            else restore_object(v, vault, k in _JSON_TEXT_KEYS)
            for k, v in value.items()
        }
    return value


def json_strings(body: bytes) -> list[int]:
    """``[start, end, start, end, ...]`` of each string literal of ``body``, from its
    opening quote to after its closing one, read from the start as JSON is read; an
    unterminated literal ends the list. In valid JSON, quotes and backslashes occur only
    in strings, so this finds every one. The reference for
    ``zdr.detect._runs.json_strings``."""
    out: list[int] = []
    i = 0
    while (start := body.find(b'"', i)) >= 0:
        j = start + 1
        while True:
            end = body.find(b'"', j)
            if end < 0:
                return out  # unterminated
            escape = body.find(b"\\", j, end)
            if escape < 0:
                break
            j = escape + 2
        out += (start, end + 1)
        i = end + 1
    return out


_json_strings: Final = in_c("json_strings", json_strings)
_KEY_COLON = re.compile(rb"[ \t\r\n]*:")


def restore_json(body: bytes, vault: Vault) -> bytes:
    """``body`` with this request's tokens put back in its strings (keys too).

    Only the string literals holding a token's hex digits are decoded, restored and
    encoded again; every other byte passes as the upstream wrote it. Parsing, walking
    every string and re-serialising the whole answer cost 444k instructions for a chat
    completion with three tokens, this 316k (callgrind, in process)."""
    at = vault.digits_in(body)
    if not at:
        return body  # nothing to put back: no parse, no re-serialisation
    try:
        orjson.loads(body)  # valid JSON: json_strings finds its literals exactly
    except orjson.JSONDecodeError:
        return vault.restore(body.decode("utf-8", "replace")).encode()
    spans = _json_strings(body)
    out: list[bytes] = []
    last = 0
    i = 0
    for k in range(0, len(spans), 2):
        start, end = spans[k], spans[k + 1]
        i = bisect_left(at, start, i)  # digits before it lie outside strings (a number)
        if i == len(at):
            break
        if at[i] >= end:
            continue  # no digits in this literal
        key = spans[k - 2 : k] if k else None
        done = _restored_literal(body, start, end, key, vault)
        if done is not None:
            out += (body[last:start], done)
            last = end
    if not out:
        return body
    out.append(body[last:])
    return b"".join(out)


def _restored_literal(
    body: bytes, start: int, end: int, before: list[int] | None, vault: Vault
) -> bytes | None:
    """The string literal ``body[start:end]`` restored and encoded again (None:
    unchanged); ``before``: the span of the literal before it, its key when it is the
    value of an object's member."""
    text: str = orjson.loads(body[start:end])
    if _KEY_COLON.match(body, end):
        done = vault.restore(text)  # a key (of a free-form map)
    else:
        key = None
        if before and not body[before[1] : start].strip(b" \t\r\n:"):
            key = orjson.loads(body[before[0] : before[1]])
        if key == _AUDIO_KEY:
            return None
        done = vault.restore(text, json_escape=key in _JSON_TEXT_KEYS)
    return None if done == text else orjson.dumps(done)


class _Held:
    """Text held back for one stream position (a choice's content, an item's text)."""

    __slots__ = ("json_text", "seen", "template", "text")

    def __init__(self, json_text: bool):
        self.text = ""
        self.json_text = json_text
        self.template: dict[str, Any] | None = None
        # The tail of what went out already, read for a URL a later token may sit in.
        self.seen = ""


class EventRestorer:
    """Parsed events in, restored events out (a few more when held text is released)."""

    def __init__(self, vault: Vault):
        self.vault = vault
        self._held: dict[tuple[Any, ...], _Held] = {}

    def restore(self, obj: Any) -> list[Any]:
        """The events to send for ``obj``, in order: ``obj`` restored, after an extra
        delta carrying held text when ``obj`` ends its item or its response."""
        if not isinstance(obj, dict):
            return [restore_object(obj, self.vault)]
        if obj.get("object") == "chat.completion.chunk":
            return [self._chat_chunk(obj)]
        kind = obj.get("type")
        if isinstance(kind, str) and kind.startswith("response."):
            return self._responses_event(obj, kind)
        return [restore_object(obj, self.vault)]

    def flush_all(self) -> list[dict[str, Any]]:
        """Everything still held, as one extra delta per stream position."""
        return [e for key in list(self._held) if (e := self._flush(key)) is not None]

    # -- chat completions ---------------------------------------------------------------

    def _chat_chunk(self, obj: dict[str, Any]) -> Any:
        for choice in obj.get("choices") or ():
            index = choice.get("index", 0)
            delta = choice.get("delta") or {}
            for field in ("content", "refusal"):
                if isinstance(delta.get(field), str):
                    key: tuple[Any, ...] = ("chat", index, field)
                    delta[field] = self._stream_text(key, delta[field], False, obj)
            for call in delta.get("tool_calls") or ():
                function = call.get("function") or {}
                if isinstance(function.get("arguments"), str):
                    key = ("chat", index, "tool", call.get("index", 0))
                    function["arguments"] = self._stream_text(key, function["arguments"], True, obj)
            if choice.get("finish_reason"):
                # The choice is complete: what was held goes out in this last chunk.
                for key in [k for k in self._held if k[:2] == ("chat", index)]:
                    rest = self._release(key)
                    if not rest:
                        continue
                    if key[2] == "tool":
                        delta.setdefault("tool_calls", []).append(
                            {"index": key[3], "function": {"arguments": rest}}
                        )
                    else:
                        delta[key[2]] = rest + (delta.get(key[2]) or "")
                    choice["delta"] = delta
        return obj

    # -- Responses API (SSE and WebSocket) and Realtime API ----------------------------------

    _DELTA_EVENTS = {
        "response.output_text.delta": ("text", False),
        "response.refusal.delta": ("refusal", False),
        "response.function_call_arguments.delta": ("arguments", True),
        "response.reasoning_summary_text.delta": ("summary", False),
        "response.custom_tool_call_input.delta": ("input", False),
        # Realtime (and its beta): what the model says, as text and as a transcript.
        "response.output_audio_transcript.delta": ("transcript", False),
        "response.audio_transcript.delta": ("transcript", False),
        "response.text.delta": ("text", False),
    }
    _DONE_EVENTS = {
        "response.output_text.done": "text",
        "response.refusal.done": "refusal",
        "response.function_call_arguments.done": "arguments",
        "response.reasoning_summary_text.done": "summary",
        "response.custom_tool_call_input.done": "input",
        "response.output_audio_transcript.done": "transcript",
        "response.audio_transcript.done": "transcript",
        "response.text.done": "text",
    }
    # The end of a response: whatever is still held goes out before it.
    _LAST_EVENTS = frozenset(
        {"response.done", "response.completed", "response.failed", "response.incomplete"}
    )
    # Audio (base64): passed as it came.
    _AUDIO_EVENTS = frozenset({"response.output_audio.delta", "response.audio.delta"})

    def _responses_event(self, obj: dict[str, Any], kind: str) -> list[Any]:
        if kind in self._AUDIO_EVENTS:
            return [obj]
        position = (obj.get("item_id"), obj.get("output_index"), obj.get("content_index"))
        if kind in self._DELTA_EVENTS and isinstance(obj.get("delta"), str):
            field, json_text = self._DELTA_EVENTS[kind]
            key = ("resp", *position, field)
            obj["delta"] = self._stream_text(key, obj["delta"], json_text, obj)
            return [obj]
        before: list[Any] = []
        if kind in self._DONE_EVENTS:
            # Release what was held for this item as one more delta, before the done
            # event that repeats the whole (restored) text.
            extra = self._flush(("resp", *position, self._DONE_EVENTS[kind]))
            before = [extra] if extra is not None else []
        elif kind in self._LAST_EVENTS:
            before = self.flush_all()
        return [*before, restore_object(obj, self.vault)]

    # -- the held-back text -------------------------------------------------------------

    def _stream_text(
        self, key: tuple[Any, ...], text: str, json_text: bool, event: dict[str, Any]
    ) -> str:
        held = self._held.get(key)
        if held is None:
            held = self._held[key] = _Held(json_text)
        held.template = event
        pending = held.text + text
        cut = partial_token_start(pending)
        held.text = pending[cut:]
        out = pending[:cut]
        before = held.seen
        held.seen = (before + out)[-_CONTEXT_CHARS:]
        return self.vault.restore(out, json_escape=json_text, before=before)

    def _release(self, key: tuple[Any, ...]) -> str:
        held = self._held.pop(key, None)
        if held is None or not held.text:
            return ""
        return self.vault.restore(held.text, json_escape=held.json_text, before=held.seen)

    def _flush(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        """An extra event carrying what was held for ``key``, shaped like its last one."""
        held = self._held.get(key)
        template = copy.deepcopy(held.template) if held and held.template else None
        rest = self._release(key)
        if not rest or template is None:
            return None
        if key[0] == "resp":
            template["delta"] = rest
        else:
            choice = next(
                (c for c in template.get("choices") or () if c.get("index", 0) == key[1]), None
            )
            if choice is None:
                return None
            delta: dict[str, Any] = {}
            if key[2] == "tool":
                delta["tool_calls"] = [{"index": key[3], "function": {"arguments": rest}}]
            else:
                delta[key[2]] = rest
            choice["delta"] = delta
            choice["finish_reason"] = None
            template["choices"] = [choice]
        return template


class StreamRestorer:
    """Feed SSE bytes in, get restored SSE bytes out, event by event."""

    def __init__(self, vault: Vault):
        self.events = EventRestorer(vault)
        self._buffer = b""

    def feed(self, chunk: bytes) -> bytes:
        self._buffer += chunk
        if b"\n\n" not in self._buffer:
            return b""
        *events, self._buffer = self._buffer.replace(b"\r\n", b"\n").split(b"\n\n")
        return b"".join(self._event(e) for e in events if e)

    def end(self) -> bytes:
        """The stream ended: release everything held, and a trailing partial event."""
        out = _frames(self.events.flush_all())
        if self._buffer:
            out += self._event(self._buffer)
            self._buffer = b""
        return out

    def _event(self, raw: bytes) -> bytes:
        lines = raw.split(b"\n")
        data_lines = [ln[5:].lstrip() for ln in lines if ln.startswith(b"data:")]
        if not data_lines:
            return raw + b"\n\n"
        data = b"\n".join(data_lines)
        if data.strip() == b"[DONE]":
            return _frames(self.events.flush_all()) + raw + b"\n\n"
        try:
            obj = orjson.loads(data)
        except orjson.JSONDecodeError:
            return raw + b"\n\n"
        prefix = b"\n".join(ln for ln in lines if not ln.startswith(b"data:"))
        *before, last = self.events.restore(obj)
        return _frames(before) + _frame(prefix, last)


def _frames(events: list[Any]) -> bytes:
    return b"".join(_frame(b"", e) for e in events)


def _frame(prefix: bytes, obj: Any) -> bytes:
    head = prefix + b"\n" if prefix else b""
    return head + b"data: " + orjson.dumps(obj) + b"\n\n"


class RestoreFilter:
    """The gateway's response filter for one pseudonymized request."""

    def __init__(self, vault: Vault, worker_above: int = WORKER_THREAD_ABOVE_BYTES):
        self.vault = vault
        self.worker_above = worker_above

    async def on_json(self, body: bytes) -> bytes:
        # A long answer full of tokens takes tens of ms (80 ms for 1 MB with 6,600).
        return await off_the_loop_above(
            len(body), self.worker_above, restore_json, body, self.vault
        )

    async def on_stream(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        restorer = StreamRestorer(self.vault)
        async for chunk in chunks:
            out = restorer.feed(chunk)
            if out:
                yield out
        tail = restorer.end()
        if tail:
            yield tail
