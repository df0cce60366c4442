"""Uvicorn's HTTP protocol with header and body read timeouts.

Uvicorn (0.55) starts no timer until a response has been sent, so a connection that
sends nothing, or a request's headers or body a byte at a time, holds a slot for ever
(the "slowloris" attack). This protocol closes a connection whose request headers
have not all arrived within ``header_timeout`` seconds of the connection opening or
of the previous response, or whose body has not within ``body_timeout`` seconds of
its headers (the app then sees the client gone). One timer per connection, re-armed
at each stage: cheaper than a timeout around the app's own read of the body.
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
        self._header_timer: asyncio.TimerHandle | None = None

    def _arm(self, seconds: float | None = None) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(
                self.header_timeout if seconds is None else seconds, self._headers_late
            )

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
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
