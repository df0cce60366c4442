"""The only network seam: sends one canonical request upstream and reads its answer.

aiohttp does the I/O (measured faster than httpx for this proxy workload; see
docs/). Its exceptions are translated here, once, into ``UpstreamError`` subclasses.
An answer is treated as untrusted: its headers are allow-listed, its size and each
event's size are bounded (after decompression), server-sent events are framed with
every line ending the spec allows, and no byte sequence equal to the gateway's own
upstream key is ever relayed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlencode

import aiohttp
from yarl import URL

from zdr.asgi import RawHeaders
from zdr.config import UpstreamSettings
from zdr.errors import (
    UpstreamAnswerTooLarge,
    UpstreamAuthFailed,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from zdr.exchange import Answer, AnswerKind
from zdr.gateway.http import relayed
from zdr.gateway.sse import SseFramer

KEY_MASK = b"[zdr: upstream key removed]"


@dataclass(frozen=True, slots=True)
class AnswerLimits:
    max_answer_bytes: int = 128 * 1024 * 1024
    max_event_bytes: int = 16 * 1024 * 1024


def map_exception(exc: BaseException, *, during: str) -> UpstreamError:
    """Translate an aiohttp/asyncio failure; the message names no host, key or content."""
    if isinstance(exc, UpstreamError):
        return exc
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return UpstreamTimeout(f"The upstream did not answer in time ({during}).")
    if isinstance(exc, aiohttp.ClientPayloadError):
        return UpstreamUnavailable(f"The upstream closed the connection ({during}).")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return UpstreamUnavailable("The upstream is unreachable (connection failed).")
    return UpstreamUnavailable(f"The upstream connection failed ({during}).")


def _kind(content_type: str) -> AnswerKind:
    if content_type.startswith("text/event-stream"):
        return "sse"
    if content_type.startswith("application/json"):
        return "json"
    return "binary"


class _Reader:
    """One answer's body: bounded, scrubbed of the upstream key, framed when SSE."""

    def __init__(self, resp: aiohttp.ClientResponse, key: bytes | None, limits: AnswerLimits):
        self.resp = resp
        self.key = key
        self.limits = limits
        self.size = 0

    def _count(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limits.max_answer_bytes:
            raise UpstreamAnswerTooLarge(
                f"The upstream's answer is larger than the gateway's limit of "
                f"{self.limits.max_answer_bytes} bytes (server.max_answer_bytes)."
            )

    def scrub(self, data: bytes) -> bytes:
        key = self.key
        # find, not ``in``: bytes' ``in`` first tries the key as an int (a TypeError
        # made and dropped, ~1k instructions each time).
        return data.replace(key, KEY_MASK) if key and data.find(key) >= 0 else data

    async def raw(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.resp.content.iter_any():
                self._count(chunk)
                yield chunk
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise map_exception(exc, during="reading the answer") from exc
        finally:
            self.resp.release()

    async def whole(self) -> bytes:
        resp = self.resp
        length = resp.content_length
        if (
            length is not None
            and length <= self.limits.max_answer_bytes
            and "Content-Encoding" not in resp.headers
        ):
            # Its size is declared and nothing inflates it: one read, no chunk loop.
            try:
                return self.scrub(await resp.read())
            except (TimeoutError, aiohttp.ClientError) as exc:
                raise map_exception(exc, during="reading the answer") from exc
            finally:
                resp.release()
        parts = [chunk async for chunk in self.raw()]
        return self.scrub(b"".join(parts))

    async def events(self) -> AsyncIterator[bytes]:
        """Whole events, as many as each read completed (one write each, not one per
        event: a burst of 250 events is a few writes)."""
        framer = SseFramer(self.limits.max_event_bytes)
        async for chunk in self.raw():
            events = framer.feed(chunk)
            if events:
                yield self.scrub(events)
        last = framer.end()
        if last:
            yield self.scrub(last)

    async def binary(self) -> AsyncIterator[bytes]:
        # The key could straddle two chunks: hold back its length minus one byte.
        hold = len(self.key) - 1 if self.key else 0
        tail = b""
        async for chunk in self.raw():
            data = self.scrub(tail + chunk)
            if hold and len(data) > hold:
                tail, data = data[-hold:], data[:-hold]
            elif hold:
                tail, data = data, b""
            if data:
                yield data
        if tail:
            yield self.scrub(tail)


class Upstream:
    def __init__(self, name: str, settings: UpstreamSettings, limits: AnswerLimits | None = None):
        self.name = name
        self.settings = settings
        self.base_url = settings.base_url
        self.limits = limits or AnswerLimits()
        self._query_suffix = urlencode(settings.query)
        self._auth: tuple[str, str] | None = None
        key = settings.resolved_api_key()
        self._key = key.encode("latin-1") if key else None
        if key and settings.auth == "bearer":
            self._auth = ("Authorization", f"Bearer {key}")
        elif key and settings.auth == "api-key":
            self._auth = ("api-key", key)
        self._session: aiohttp.ClientSession | None = None

    @property
    def auth_header(self) -> tuple[str, str] | None:
        """The gateway's own credentials for this upstream (name, value), or None."""
        return self._auth

    @property
    def key(self) -> bytes | None:
        """The upstream key, to scrub from whatever comes back (never relayed)."""
        return self._key

    async def start(self) -> None:
        s = self.settings
        connector = aiohttp.TCPConnector(limit=s.max_connections, ttl_dns_cache=300)
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=s.connect_timeout,
            sock_connect=s.connect_timeout,
            sock_read=s.read_timeout,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=timeout,
            auto_decompress=True,
            skip_auto_headers=("User-Agent",),
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def url_for(self, subpath: str, query: str) -> URL:
        """``subpath``: the canonical path after ``/v1``, already percent-encoded;
        ``query``: the canonical query, without the names the configuration sets (the
        route step left those out), which are appended."""
        qs = "&".join(q for q in (query, self._query_suffix) if q)
        return URL(self.base_url + subpath + ("?" + qs if qs else ""), encoded=True)

    async def send(
        self, method: str, subpath: str, query: str, headers: dict[str, str], body: bytes
    ) -> Answer:
        """Send the request; return once the answer's head (a JSON answer: all of it)
        has arrived."""
        assert self._session is not None, "Upstream.start() was not awaited"
        if self._auth is not None:
            headers[self._auth[0]] = self._auth[1]
        try:
            resp = await self._session.request(
                method,
                self.url_for(subpath, query),
                headers=headers,
                data=body if body else None,
                allow_redirects=False,
            )
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise map_exception(exc, during="waiting for the answer") from exc
        if resp.status == 401 and self._auth is not None:
            # The upstream refused *our* key. Its message may echo part of that key,
            # so it is not relayed; the operator's fix is in the gateway config.
            resp.close()
            raise UpstreamAuthFailed(
                f"The upstream {self.name!r} rejected the gateway's credentials; "
                "check the configured upstream API key."
            )
        reader = _Reader(resp, self._key, self.limits)
        answer_headers: RawHeaders = [
            (k.lower(), reader.scrub(v)) for k, v in resp.raw_headers if relayed(k.lower())
        ]
        kind = _kind(resp.headers.get("Content-Type", "").lower())
        answer = Answer(resp.status, answer_headers, kind, abort=resp.close)
        if kind == "json":
            try:
                answer.body = await reader.whole()
            except BaseException:
                resp.close()
                raise
        elif kind == "sse":
            answer.chunks = reader.events()
        else:
            answer.chunks = reader.binary()
        return answer
