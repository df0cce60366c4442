"""Pseudonymization of a WebSocket session's events: text on the way out, restored on
the way back.

A session has one vault for its whole life (a value masked in one turn is restored
when the model repeats it turns later), kept in memory only and dropped with the
session. A client event is examined as a request body is (``request.pseudonymize_body``:
every string but the SDK's literals, identifiers such as ``event_id`` and
``item_id``, and opaque data), so instructions, input items, tool outputs and
metadata are masked in every event type, known or new. Server events go through the
same :class:`~zdr.pseudonymize.restore.EventRestorer` as SSE streams, so a token split
across deltas is put back whole. Audio is never read: ``input_audio_buffer.append``
events and every ``audio`` string (base64 of an input_audio part) pass as they came,
and what a user *says* is not masked.
"""

from __future__ import annotations

from typing import Any

from zdr.config import WORKER_THREAD_ABOVE_BYTES
from zdr.detect.engine import DetectorSet
from zdr.pseudonymize.offload import off_the_loop_above
from zdr.pseudonymize.request import pseudonymize_body
from zdr.pseudonymize.restore import EventRestorer
from zdr.pseudonymize.tokens import Vault

# Audio in, as base64: never read.
AUDIO_EVENTS = frozenset(
    {"input_audio_buffer.append", "session.input_audio_buffer.append", "input_audio.append"}
)
_AUDIO_KEY = "audio"

Path = tuple[str | int, ...]


def _audio_paths(value: Any, path: Path = ()) -> list[Path]:
    """Where the event holds audio strings (input_audio parts of items)."""
    found: list[Path] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k == _AUDIO_KEY and isinstance(v, str):
                found.append((*path, k))
            elif isinstance(v, dict | list):
                found.extend(_audio_paths(v, (*path, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, dict | list):
                found.extend(_audio_paths(v, (*path, i)))
    return found


def _at(value: Any, path: Path) -> Any:
    for step in path:
        value = value[step]
    return value


def _mask(event: dict[str, Any], detectors: DetectorSet, vault: Vault) -> dict[str, Any]:
    """``pseudonymize_body`` with the event's audio strings set aside and put back."""
    paths = _audio_paths(event)
    audio = [_at(event, p) for p in paths]
    for p in paths:
        _at(event, p[:-1])[p[-1]] = ""
    masked = pseudonymize_body(event, detectors, vault)
    for p, data in zip(paths, audio, strict=True):
        _at(event, p[:-1])[p[-1]] = data
        _at(masked, p[:-1])[p[-1]] = data
    return masked


class SessionMasker:
    """One session's pseudonymization: its vault, and the restorer of its answers."""

    def __init__(
        self, vault: Vault, detectors: DetectorSet, worker_above: int = WORKER_THREAD_ABOVE_BYTES
    ):
        self.vault = vault
        self.detectors = detectors
        self.restorer = EventRestorer(vault)
        self.worker_above = worker_above

    async def mask(self, event: dict[str, Any], size: int) -> dict[str, Any]:
        """The event with the values detected in its text replaced by tokens; large
        ones are examined off the event loop."""
        if event.get("type") in AUDIO_EVENTS:
            return event
        return await off_the_loop_above(
            size, self.worker_above, _mask, event, self.detectors, self.vault
        )

    def restore(self, event: Any) -> list[Any]:
        """The events to send for one server event (``[event]``, or a released delta
        first); an event is only touched once the session masked something."""
        if not self.vault:
            return [event]
        return self.restorer.restore(event)
