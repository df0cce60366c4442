"""Keyed fingerprints of what crossed the gateway, and token usage, read in passing.

The request fingerprint is an HMAC of the exact bytes sent upstream; the answer's is
an HMAC of the bytes the upstream returned, fed chunk by chunk so a stream is never
held. With the gateway's secret a team can later check whether a given request or
answer is the one recorded (``zdr audit fingerprint``); without it the hashes reveal
nothing, not even for short or guessable content.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import orjson

_USAGE_MARK = b'"usage"'


def fingerprint(key: bytes, body: bytes) -> str:
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def usage_numbers(obj: Any) -> dict[str, int] | None:
    """The integer counters of an OpenAI ``usage`` object (chat, responses, embeddings)."""
    if not isinstance(obj, dict):
        return None
    usage = obj.get("usage")
    if usage is None and isinstance(obj.get("response"), dict):
        usage = obj["response"].get("usage")  # Responses API stream: response.completed
    if not isinstance(usage, dict):
        return None
    numbers = {k: v for k, v in usage.items() if isinstance(v, int) and not isinstance(v, bool)}
    return numbers or None


class AnswerTap:
    """Fingerprints an answer and picks up its usage as the bytes go by."""

    __slots__ = ("_mac", "_pending", "usage")

    def __init__(self, key: bytes):
        self._mac = hmac.new(key, digestmod=hashlib.sha256)
        self._pending = b""
        self.usage: dict[str, int] | None = None

    def json_body(self, body: bytes) -> None:
        self._mac.update(body)
        if _USAGE_MARK in body:
            try:
                self.usage = usage_numbers(orjson.loads(body))
            except orjson.JSONDecodeError:
                pass

    def stream_chunk(self, chunk: bytes) -> None:
        self._mac.update(chunk)
        # Only events that mention usage are parsed; an event may span chunks.
        if not self._pending and _USAGE_MARK not in chunk and chunk.endswith(b"\n\n"):
            return
        data = self._pending + chunk
        events = data.split(b"\n\n")
        self._pending = events.pop()
        for event in events:
            if _USAGE_MARK in event:
                self._read_event(event)
        if _USAGE_MARK not in self._pending:
            # Keep only what a usage event could still complete: the tail after the
            # last line break is enough to tell, and nothing else is held.
            self._pending = self._pending[self._pending.rfind(b"\n") + 1 :]

    def _read_event(self, event: bytes) -> None:
        for line in event.split(b"\n"):
            if line.startswith(b"data:"):
                try:
                    usage = usage_numbers(orjson.loads(line[5:]))
                except orjson.JSONDecodeError:
                    continue
                if usage:
                    self.usage = usage

    def hexdigest(self) -> str:
        return self._mac.hexdigest()
