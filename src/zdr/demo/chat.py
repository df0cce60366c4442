"""Chat completions: a :class:`~zdr.demo.model.Turn` as a completion or as its chunks."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from zdr.demo.model import DEMO_MODEL, Turn, is_reasoning
from zdr.demo.wire import ApiError, Event, split, tokens


def check(body: Mapping[str, Any]) -> None:
    """Refuse what the provider refuses: a tool message that answers no tool call."""
    called: set[Any] = set()
    for i, msg in enumerate(body.get("messages") or []):
        if not isinstance(msg, dict):
            continue
        called |= {c.get("id") for c in msg.get("tool_calls") or [] if isinstance(c, dict)}
        if msg.get("role") == "tool" and msg.get("tool_call_id") not in called:
            raise ApiError(
                400,
                "Invalid parameter: messages with role 'tool' must be a response to a "
                "preceeding message with 'tool_calls'.",  # sic: the provider's spelling
                param=f"messages.[{i}].role",
            )


def usage(turn: Turn, model: Any) -> dict[str, Any]:
    said = turn.text + (turn.call.arguments if turn.call else "")
    thought = tokens(turn.reasoning) if turn.reasoning else 0
    out = tokens(said) + thought
    return {
        "prompt_tokens": tokens(turn.prompt),
        "completion_tokens": out,
        "total_tokens": tokens(turn.prompt) + out,
        "completion_tokens_details": {"reasoning_tokens": thought} if is_reasoning(model) else None,
    }


def _call(turn: Turn) -> dict[str, Any]:
    assert turn.call is not None
    return {
        "id": "call_1",
        "type": "function",
        "function": {"name": turn.call.name, "arguments": turn.call.arguments},
    }


def completion(cid: str, body: Mapping[str, Any], turn: Turn) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": turn.text, "refusal": None}
    if turn.call is not None:
        message = {**message, "content": None, "tool_calls": [_call(turn)]}
    model = body.get("model", DEMO_MODEL)
    return {
        "id": cid,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if turn.call else "stop",
                "logprobs": None,
            }
        ],
        "usage": usage(turn, model),
    }


def chunks(cid: str, body: Mapping[str, Any], turn: Turn, size: int | None) -> list[Event]:
    model = body.get("model", DEMO_MODEL)
    base = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }

    def chunk(delta: dict[str, Any], finish: str | None = None, piece: bool = False) -> Event:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return Event({**base, "choices": [choice]}, delta=piece)

    events = [chunk({"role": "assistant", "content": ""})]
    if turn.call is not None:
        first = {**_call(turn), "index": 0, "function": {"name": turn.call.name, "arguments": ""}}
        events.append(chunk({"tool_calls": [first]}))
        for piece in split(turn.call.arguments, size):
            call = {"index": 0, "function": {"arguments": piece}}
            events.append(chunk({"tool_calls": [call]}, piece=True))
    else:
        events += [chunk({"content": p}, piece=True) for p in split(turn.text, size)]
    events.append(chunk({}, "tool_calls" if turn.call else "stop"))
    if (body.get("stream_options") or {}).get("include_usage"):
        events.append(Event({**base, "choices": [], "usage": usage(turn, model)}))
    return events
