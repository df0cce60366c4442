"""The only network seam: forwards one request to an upstream and relays its answer.

aiohttp does the I/O (measured faster than httpx for this proxy workload; see the
README). Its exceptions are translated here, once, into ``UpstreamError`` subclasses.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import aiohttp
from yarl import URL

from zdr.config import UpstreamSettings
from zdr.errors import UpstreamAuthFailed, UpstreamError, UpstreamTimeout, UpstreamUnavailable
from zdr.gateway.http import UPSTREAM_ONLY, connection_tokens
from zdr.gateway.types import RawHeaders

HOP_BY_HOP_RESPONSE = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"content-length",
    }
)


def map_exception(exc: BaseException, *, during: str) -> UpstreamError:
    """Translate an aiohttp/asyncio failure; the message names no host, key or content."""
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return UpstreamTimeout(f"The upstream did not answer in time ({during}).")
    if isinstance(exc, aiohttp.ClientPayloadError):
        return UpstreamUnavailable(f"The upstream closed the connection ({during}).")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return UpstreamUnavailable("The upstream is unreachable (connection failed).")
    return UpstreamUnavailable(f"The upstream connection failed ({during}).")


class UpstreamResponse:
    """An answer whose headers have arrived; its body is read or streamed on demand."""

    __slots__ = ("_resp", "status", "headers", "content_type")

    def __init__(self, resp: aiohttp.ClientResponse):
        self._resp = resp
        self.status = resp.status
        raw = resp.raw_headers
        drop = HOP_BY_HOP_RESPONSE | UPSTREAM_ONLY | connection_tokens(list(raw))
        self.headers: RawHeaders = [(k.lower(), v) for k, v in raw if k.lower() not in drop]
        self.content_type = resp.headers.get("Content-Type", "").lower()

    @property
    def is_event_stream(self) -> bool:
        return self.content_type.startswith("text/event-stream")

    @property
    def is_json(self) -> bool:
        return self.content_type.startswith("application/json")

    async def read(self) -> bytes:
        try:
            return await self._resp.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise map_exception(exc, during="reading the answer") from exc
        finally:
            self._resp.release()

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        """Chunks as they arrive: nothing waits for the whole body."""
        try:
            async for chunk in self._resp.content.iter_any():
                yield chunk
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise map_exception(exc, during="streaming the answer") from exc
        finally:
            self._resp.release()

    def close(self) -> None:
        """Abort: drop the connection instead of draining the rest of the body."""
        self._resp.close()


class Upstream:
    def __init__(self, name: str, settings: UpstreamSettings):
        self.name = name
        self.settings = settings
        self.base_url = settings.base_url
        self._query_suffix = urlencode(settings.query)
        self._auth: tuple[str, str] | None = None
        key = settings.resolved_api_key()
        if key and settings.auth == "bearer":
            self._auth = ("Authorization", f"Bearer {key}")
        elif key and settings.auth == "api-key":
            self._auth = ("api-key", key)
        self._session: aiohttp.ClientSession | None = None

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
        """``subpath`` is the request path after ``/v1`` (already percent-encoded)."""
        qs = "&".join(q for q in (query, self._query_suffix) if q)
        return URL(self.base_url + subpath + ("?" + qs if qs else ""), encoded=True)

    async def send(
        self, method: str, subpath: str, query: str, headers: dict[str, str], body: bytes
    ) -> UpstreamResponse:
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
        return UpstreamResponse(resp)
