"""Uvicorn's HTTP protocol with header and body read timeouts.

Uvicorn (0.55) starts no timer until a response has been sent, so a connection that
sends nothing, or a request's headers or body a byte at a time, holds a slot for ever
(the "slowloris" attack). This protocol closes a connection whose request headers
have not all arrived within ``header_timeout`` seconds of the connection opening or
of the previous response, or whose body has not within ``body_timeout`` seconds of
its headers (the app then sees the client gone). One deadline per connection, moved at
each stage, and one timer that only checks it: a request moves the deadline (a clock
read) instead of starting and cancelling two timers (~10k instructions a request).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class HeaderTimeoutProtocol(HttpToolsProtocol):
    header_timeout: float = 10.0

    def __init__(
        self, *args: Any, header_timeout: float = 10.0, body_timeout: float = 60.0, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        # When the stage waited for (headers, body) is late; None: nothing awaited.
        self._deadline: float | None = None
        # The timer that checks the deadline, and when it fires (never after it).
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0

    def _arm(self, seconds: float | None = None) -> None:
        if self._deadline is not None:
            return
        deadline = self.loop.time() + (self.header_timeout if seconds is None else seconds)
        self._deadline = deadline
        if self._timer is None or self._timer_at > deadline:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = self.loop.call_at(deadline, self._check)
            self._timer_at = deadline

    def _disarm(self) -> None:
        self._deadline = None  # the timer, when it fires, finds nothing due

    def _check(self) -> None:
        self._timer = None
        deadline = self._deadline
        if deadline is None:
            return
        if self.loop.time() < deadline:  # moved since the timer started: wait for it
            self._timer = self.loop.call_at(deadline, self._check)
            self._timer_at = deadline
            return
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._deadline = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        super().connection_lost(exc)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()
        self._arm(self.body_timeout)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request's headers are due within the timeout too


def protocol_with_timeouts(header_seconds: float, body_seconds: float = 60.0) -> Any:
    return functools.partial(
        HeaderTimeoutProtocol, header_timeout=header_seconds, body_timeout=body_seconds
    )
