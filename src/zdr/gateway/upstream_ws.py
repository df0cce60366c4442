"""The network seam of WebSocket sessions: opens one session upstream and carries its
messages.

aiohttp's WebSocket client does the I/O (already the HTTP seam's library; it relayed
an event for the least CPU of the clients measured, bench/ws_libraries.py). Its
failures are translated here, once, into ``UpstreamError`` subclasses. What comes
back is untrusted as on HTTP: the handshake's headers are allow-listed, each message
is bounded (``server.max_event_bytes``), and no byte sequence equal to the gateway's
upstream key is ever relayed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

import aiohttp
from aiohttp import WSMsgType

from zdr.asgi import RawHeaders
from zdr.errors import (
    UpstreamAnswerTooLarge,
    UpstreamAuthFailed,
    UpstreamError,
    UpstreamUnavailable,
)
from zdr.gateway.http import relayed
from zdr.gateway.upstream import KEY_MASK, Upstream, map_exception

# A close code the upstream may end a session with that is not a failure.
NORMAL_CLOSES = frozenset({1000, 1001})
# Seconds between the gateway's pings to the upstream; a pong missing for half of
# it ends the session as an upstream failure.
HEARTBEAT_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class Closed:
    """The upstream ended the session with a close frame (``code``)."""

    code: int


class UpstreamSocket:
    """One open upstream session: text messages in and out, bounded and scrubbed."""

    def __init__(
        self, ws: aiohttp.ClientWebSocketResponse[Literal[False]], key: bytes | None, limit: int
    ):
        self._ws = ws
        self._key = key
        self.limit = limit
        self.subprotocol: str | None = ws.protocol
        headers = ws._response.raw_headers if ws._response is not None else ()
        self.headers: RawHeaders = [
            (k.lower(), self._scrub(v)) for k, v in headers if relayed(k.lower())
        ]

    def _scrub(self, data: bytes) -> bytes:
        key = self._key
        return data.replace(key, KEY_MASK) if key and key in data else data

    async def send(self, data: bytes) -> None:
        """Send one text message (UTF-8 JSON, as serialized by the gateway)."""
        try:
            await self._ws.send_frame(data, WSMsgType.TEXT)
        except (aiohttp.ClientError, ConnectionError, RuntimeError) as exc:
            raise UpstreamUnavailable("The upstream connection failed (sending an event).") from exc

    async def receive(self) -> bytes | Closed:
        """The next text message (scrubbed of the upstream key), or ``Closed`` when the
        upstream closed the session. A message over the limit, a binary message (no
        event of these protocols is one), or a connection lost without a close frame
        raise an ``UpstreamError``."""
        msg = await self._ws.receive()
        if msg.type is WSMsgType.TEXT:
            data = msg.data if isinstance(msg.data, bytes) else msg.data.encode()
            return self._scrub(data)
        if msg.type is WSMsgType.CLOSE or (
            msg.type in (WSMsgType.CLOSING, WSMsgType.CLOSED) and self._ws.close_code
        ):
            code = self._ws.close_code or int(msg.data or 1005)
            if code == 1009:
                raise self._too_large()
            if code in NORMAL_CLOSES:
                return Closed(code)
            raise UpstreamUnavailable(f"The upstream ended the session (close code {code}).")
        if msg.type is WSMsgType.ERROR:
            if isinstance(msg.data, aiohttp.WebSocketError) and msg.data.code == 1009:
                raise self._too_large()
            raise UpstreamUnavailable("The upstream connection failed (during the session).")
        if msg.type is WSMsgType.BINARY:
            raise UpstreamUnavailable(
                "The upstream sent a binary message, which is not part of this protocol."
            )
        raise UpstreamUnavailable("The upstream connection was lost (no close frame).")

    def _too_large(self) -> UpstreamAnswerTooLarge:
        return UpstreamAnswerTooLarge(
            f"The upstream sent an event larger than the gateway's limit of {self.limit} "
            "bytes (server.max_event_bytes)."
        )

    async def close(self, code: int = 1000) -> None:
        """Close the session (bounded: an upstream that does not answer the close frame
        is cut)."""
        try:
            async with asyncio.timeout(2.0):
                await self._ws.close(code=code)
        except (TimeoutError, aiohttp.ClientError, ConnectionError, RuntimeError):
            pass


class SocketConnector:
    """Opens upstream sessions; one aiohttp session (connection settings) per gateway."""

    def __init__(self, limit: int):
        self.limit = limit
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                cookie_jar=aiohttp.DummyCookieJar(), skip_auto_headers=("User-Agent",)
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def open(
        self,
        upstream: Upstream,
        subpath: str,
        query: str,
        headers: dict[str, str],
        subprotocols: list[str],
    ) -> UpstreamSocket:
        """Open a session at the canonical ``subpath`` and ``query``, with the
        allow-listed ``headers`` and the gateway's own credentials."""
        auth = upstream.auth_header
        if auth is not None:
            headers[auth[0]] = auth[1]
        s = upstream.settings
        try:
            async with asyncio.timeout(s.connect_timeout + s.read_timeout):
                ws = await self._client().ws_connect(
                    upstream.url_for(subpath, query),
                    protocols=subprotocols,
                    headers=headers,
                    max_msg_size=self.limit,
                    compress=0,
                    heartbeat=HEARTBEAT_SECONDS,
                    decode_text=False,
                    timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=2.0),
                )
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status == 401 and auth is not None:
                raise UpstreamAuthFailed(
                    f"The upstream {upstream.name!r} rejected the gateway's credentials; "
                    "check the configured upstream API key."
                ) from None
            raise UpstreamError(
                f"The upstream refused the WebSocket session (HTTP {exc.status}).",
                code="upstream_refused_session",
            ) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise map_exception(exc, during="opening the session") from exc
        return UpstreamSocket(ws, upstream.key, self.limit)
