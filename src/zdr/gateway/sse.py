"""Server-sent events framed as the spec reads them: lines end in CRLF, LF or CR.

The gateway relays an event stream as whole events, normalized to LF line endings, so
every later reader (the restorer, the audit tap, the client) sees the same events the
framer saw; an unfinished event larger than the configured bound ends the stream.
"""

from __future__ import annotations

from zdr.errors import UpstreamAnswerTooLarge


class SseFramer:
    __slots__ = ("_buffer", "_limit", "_pending_cr")

    def __init__(self, max_event_bytes: int):
        self._buffer = b""
        self._limit = max_event_bytes
        self._pending_cr = False

    def feed(self, chunk: bytes) -> bytes:
        """The complete events found so far (several at once, as they came), or b""."""
        if self._pending_cr:
            chunk = b"\r" + chunk
            self._pending_cr = False
        if b"\r" in chunk:
            if chunk.endswith(b"\r"):
                # A CR at the end may be the first half of a CRLF: wait for the next byte.
                chunk = chunk[:-1]
                self._pending_cr = True
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        buffer = self._buffer + chunk if self._buffer else chunk
        cut = buffer.rfind(b"\n\n") + 2
        if cut == 1:  # no blank line yet: the whole buffer is one unfinished event
            self._buffer = buffer
            self._check(len(buffer))
            return b""
        # Only the unfinished event is held, so only it is bounded here; a finished one
        # arrived inside one read, which the HTTP client bounds.
        self._buffer = buffer[cut:]
        self._check(len(self._buffer))
        return buffer[:cut]

    def end(self) -> bytes:
        """What is left when the stream ends: a last event without its blank line."""
        rest = self._buffer + (b"\n" if self._pending_cr else b"")
        self._buffer = b""
        self._pending_cr = False
        rest = rest.rstrip(b"\n")
        return rest + b"\n\n" if rest else b""

    def _check(self, size: int) -> None:
        if size > self._limit:
            raise UpstreamAnswerTooLarge(
                f"An event of the upstream's stream is larger than the gateway's limit "
                f"of {self._limit} bytes (server.max_event_bytes)."
            )
