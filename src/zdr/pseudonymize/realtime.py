"""Pseudonymization of a WebSocket session's events: text on the way out, restored on
the way back.

A session has one vault for its whole life (a value masked in one turn is restored
when the model repeats it turns later), kept in memory only and dropped with the
session. Client events are walked by type: the text fields of each event the SDK's
WebSocket clients send are joined and scanned in one pass, as request bodies are
(``request.pseudonymize_fields``). Server events go through the same
:class:`~zdr.pseudonymize.restore.EventRestorer` as SSE streams, so a token split
across deltas is put back whole. Audio is never read: ``input_audio_buffer.append``
and audio deltas pass as they came, and what a user *says* is not masked.
"""

from __future__ import annotations

from typing import Any, Literal

from zdr.config import WORKER_THREAD_ABOVE_BYTES
from zdr.detect.engine import DetectorSet
from zdr.pseudonymize.offload import off_the_loop_above
from zdr.pseudonymize.request import (
    FIELDS,
    Text,
    Walker,
    content_text,
    metadata_text,
    pseudonymize_fields,
)
from zdr.pseudonymize.restore import EventRestorer
from zdr.pseudonymize.tokens import Vault

# Which protocol a connection speaks: the Responses API's WebSocket mode carries
# Responses bodies; the Realtime API (and translations, Live) its own events.
Dialect = Literal["responses", "realtime"]


def _item(item: Any, fn: Text) -> None:
    """A Realtime conversation item: message text parts, a function call's arguments,
    a function's output (an input_audio part's audio is left alone; its client-given
    transcript is text)."""
    if not isinstance(item, dict):
        return
    if "content" in item:
        content = item["content"]
        content_text(content, fn)
        for part in content if isinstance(content, list) else ():
            if isinstance(part, dict) and isinstance(part.get("transcript"), str):
                part["transcript"] = fn(part["transcript"])
    for key in ("arguments", "output"):
        if isinstance(item.get(key), str):
            item[key] = fn(item[key])


def _session(event: dict[str, Any], fn: Text) -> None:
    session = event.get("session")
    if isinstance(session, dict) and isinstance(session.get("instructions"), str):
        session["instructions"] = fn(session["instructions"])


def _conversation_item(event: dict[str, Any], fn: Text) -> None:
    _item(event.get("item"), fn)


def _realtime_response(event: dict[str, Any], fn: Text) -> None:
    response = event.get("response")
    if not isinstance(response, dict):
        return
    if isinstance(response.get("instructions"), str):
        response["instructions"] = fn(response["instructions"])
    metadata_text(response, fn)
    for item in response.get("input") or ():
        _item(item, fn)


def _live_text(event: dict[str, Any], fn: Text) -> None:
    """Live events that append text to a session (instructions, thinking, commentary)."""
    for key in ("content", "text", "instructions"):
        if isinstance(event.get(key), str):
            event[key] = fn(event[key])
    _item(event.get("item"), fn)
    _session(event, fn)


_RESPONSES_BODY: Walker = FIELDS["responses.create"]
# Audio in, as base64: never read, whatever the policy says about unknown events.
AUDIO_EVENTS = frozenset(
    {"input_audio_buffer.append", "session.input_audio_buffer.append", "input_audio.append"}
)

# The client events whose text is content, per dialect. The Responses API's events
# carry POST /v1/responses fields (``input``, ``instructions``, ``metadata``).
EVENT_FIELDS: dict[Dialect, dict[str, Walker]] = {
    "responses": {
        "response.create": _RESPONSES_BODY,
        "response.steer": _RESPONSES_BODY,
        "response.inject": _RESPONSES_BODY,
    },
    "realtime": {
        "session.update": _session,
        "session.start": _session,
        "conversation.item.create": _conversation_item,
        "response.create": _realtime_response,
        "instructions.append": _live_text,
        "thinking.append": _live_text,
        "commentary.append": _live_text,
    },
}


class SessionMasker:
    """One session's pseudonymization: its vault, and the restorer of its answers."""

    def __init__(
        self,
        dialect: Dialect,
        detectors: DetectorSet,
        token_key: bytes,
        unknown_events: bool = False,
        worker_above: int = WORKER_THREAD_ABOVE_BYTES,
    ):
        self.walkers = EVENT_FIELDS[dialect]
        self.detectors = detectors
        self.vault = Vault(token_key)
        self.restorer = EventRestorer(self.vault)
        self.unknown_events = unknown_events
        self.worker_above = worker_above

    async def mask(self, event: dict[str, Any], size: int) -> dict[str, Any]:
        """The event with the values detected in its text replaced by tokens (in place
        where possible); large ones are scanned off the event loop."""
        kind = str(event.get("type"))
        walker = self.walkers.get(kind)
        if (walker is None and not self.unknown_events) or kind in AUDIO_EVENTS:
            return event
        return await off_the_loop_above(
            size,
            self.worker_above,
            pseudonymize_fields,
            walker,
            event,
            self.detectors,
            self.vault,
            self.unknown_events,
        )

    def restore(self, event: Any) -> list[Any]:
        """The events to send for one server event (``[event]``, or a released delta
        first); an event is only touched once the session masked something."""
        if not self.vault:
            return [event]
        return self.restorer.restore(event)
