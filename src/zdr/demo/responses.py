"""The Responses API: a :class:`~zdr.demo.model.Turn` as output items, a response object
and its events, and the provider's rules for the items a request sends back.

The rules, as the provider applies them (the messages are the provider's, from public
reports of them):

* ``store`` false: nothing is kept, so an input item that only names an earlier item
  (an ``item_reference``, or a reasoning item with an id and no ``encrypted_content``)
  is a 404 "Item with id '...' not found. Items are not persisted when `store` is set to
  false." With ``include: ["reasoning.encrypted_content"]`` reasoning items carry their
  content, encrypted, and travel with the request instead;
* ``encrypted_content`` must be one this server sealed (else 400
  ``invalid_encrypted_content``): a gateway that rewrote it would break the next turn;
* a ``function_call_output`` answers a ``function_call`` of the same ``call_id`` in the
  input (else 400 "No tool call found for function call output...").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from zdr.demo.model import DEMO_MODEL, Turn, is_reasoning
from zdr.demo.wire import ApiError, Event, split, tokens

ENCRYPTED = "reasoning.encrypted_content"
_NOT_PERSISTED = (
    "Items are not persisted when `store` is set to false. Try again with `store` set to "
    "true, or remove this item from your input."
)


@dataclass(frozen=True, slots=True)
class Sealer:
    """Seals reasoning into ``encrypted_content`` and checks what comes back: opaque,
    base64 like the provider's (``gAAAAAB...``), verifiable only by the server that
    made it."""

    key: bytes

    def seal(self, item_id: str) -> str:
        payload = item_id.encode() + b"\0" + hashlib.sha512(self.key + item_id.encode()).digest()
        mac = hmac.new(self.key, payload, hashlib.sha256).digest()[:16]
        return "gAAAAAB" + base64.urlsafe_b64encode(mac + payload).decode()

    def opens(self, blob: Any) -> bool:
        if not isinstance(blob, str) or not blob.startswith("gAAAAAB"):
            return False
        try:
            raw = base64.urlsafe_b64decode(blob[7:])
        except ValueError:
            return False
        mac, payload = raw[:16], raw[16:]
        return hmac.compare_digest(mac, hmac.new(self.key, payload, hashlib.sha256).digest()[:16])


def check(body: Mapping[str, Any], known: Callable[[str], bool], sealer: Sealer) -> None:
    """Raise the provider's error for the first input item it would refuse.
    ``known(id)``: whether an item of that id was stored by an earlier request."""
    store = body.get("store", True) is not False
    items = body.get("input")
    if not isinstance(items, list):
        return
    calls = {
        i.get("call_id") for i in items if isinstance(i, dict) and i.get("type") == "function_call"
    }
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        kind, iid = item.get("type"), item.get("id")
        by_id = kind == "item_reference" or (
            kind == "reasoning" and iid is not None and item.get("encrypted_content") is None
        )
        if by_id and not (store and isinstance(iid, str) and known(iid)):
            why = f" {_NOT_PERSISTED}" if not store else ""
            raise ApiError(404, f"Item with id '{iid}' not found.{why}", param="input")
        if kind == "reasoning" and item.get("encrypted_content") is not None:
            if not sealer.opens(item["encrypted_content"]):
                raise ApiError(
                    400,
                    f"The encrypted content for item {iid} could not be verified. Reason: "
                    "Encrypted content could not be decrypted or parsed.",
                    code="invalid_encrypted_content",
                )
        if kind == "function_call_output" and item.get("call_id") not in calls:
            raise ApiError(
                400,
                f"No tool call found for function call output with call_id {item.get('call_id')}.",
                param=f"input[{n}]",
            )


def output_items(
    body: Mapping[str, Any], turn: Turn, new_id: Callable[[str], str], sealer: Sealer
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if turn.reasoning is not None and is_reasoning(body.get("model")):
        rid = new_id("rs")
        wants_summary = (body.get("reasoning") or {}).get("summary") is not None
        summary = [{"type": "summary_text", "text": turn.reasoning}] if wants_summary else []
        reasoning: dict[str, Any] = {"id": rid, "type": "reasoning", "summary": summary}
        if ENCRYPTED in (body.get("include") or ()):
            reasoning["encrypted_content"] = sealer.seal(rid)
        items.append(reasoning)
    if turn.call is not None:
        items.append(
            {
                "id": new_id("fc"),
                "type": "function_call",
                "status": "completed",
                "arguments": turn.call.arguments,
                "call_id": new_id("call"),
                "name": turn.call.name,
            }
        )
    else:
        items.append(
            {
                "id": new_id("msg"),
                "type": "message",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": turn.text, "annotations": []}],
            }
        )
    return items


def response(
    rid: str, body: Mapping[str, Any], turn: Turn, output: list[dict[str, Any]], cache: str
) -> dict[str, Any]:
    said = turn.text + (turn.call.arguments if turn.call else "")
    thought = tokens(turn.reasoning) if turn.reasoning else 0
    return {
        "id": rid,
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "model": body.get("model", DEMO_MODEL),
        "output": output,
        "usage": {
            "input_tokens": tokens(turn.prompt),
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": tokens(said) + thought,
            "output_tokens_details": {"reasoning_tokens": thought},
            "total_tokens": tokens(turn.prompt) + tokens(said) + thought,
        },
        "store": body.get("store", True) is not False,
        "parallel_tool_calls": True,
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": body.get("tools") or [],
        "text": body.get("text") or {"format": {"type": "text"}},
        "reasoning": body.get("reasoning") or {"effort": None, "summary": None},
        "prompt_cache_retention": body.get("prompt_cache_retention", cache),
    }


def events(obj: dict[str, Any], size: int | None) -> list[Event]:
    """The stream of ``obj``: created, each item's parts, completed."""
    seq = itertools.count()
    out: list[Event] = []

    def emit(kind: str, piece: bool = False, **fields: Any) -> None:
        out.append(Event({"type": kind, "sequence_number": next(seq), **fields}, kind, piece))

    pending = {**obj, "status": "in_progress", "output": []}
    emit("response.created", response=pending)
    emit("response.in_progress", response=pending)
    for index, item in enumerate(obj["output"]):
        at = {"item_id": item["id"], "output_index": index}
        if item["type"] == "reasoning":
            emit("response.output_item.added", output_index=index, item={**item, "summary": []})
            for n, part in enumerate(item["summary"]):
                empty = {**part, "text": ""}
                emit("response.reasoning_summary_part.added", **at, summary_index=n, part=empty)
                for p in split(part["text"], size):
                    emit(
                        "response.reasoning_summary_text.delta",
                        True,
                        **at,
                        summary_index=n,
                        delta=p,
                    )
                text = part["text"]
                emit("response.reasoning_summary_text.done", **at, summary_index=n, text=text)
                emit("response.reasoning_summary_part.done", **at, summary_index=n, part=part)
        elif item["type"] == "function_call":
            started = {**item, "arguments": "", "status": "in_progress"}
            emit("response.output_item.added", output_index=index, item=started)
            for p in split(item["arguments"], size):
                emit("response.function_call_arguments.delta", True, **at, delta=p)
            args = item["arguments"]
            emit("response.function_call_arguments.done", **at, name=item["name"], arguments=args)
        else:
            started = {**item, "status": "in_progress", "content": []}
            emit("response.output_item.added", output_index=index, item=started)
            part = item["content"][0]
            where = {**at, "content_index": 0}
            emit("response.content_part.added", **where, part={**part, "text": ""})
            for p in split(part["text"], size):
                emit("response.output_text.delta", True, **where, delta=p, logprobs=[])
            emit("response.output_text.done", **where, text=part["text"], logprobs=[])
            emit("response.content_part.done", **where, part=part)
        emit("response.output_item.done", output_index=index, item=item)
    emit("response.completed", response=obj)
    return out
