"""The few HTTP calls `zdr verify` makes, on aiohttp. Keys go in headers only and are
never printed; errors name the status and the provider's error code, not bodies."""

from __future__ import annotations

from typing import Any

import aiohttp
import orjson


class Unreachable(Exception):
    """The provider could not be reached (DNS, refused, timeout)."""


class ApiClient:
    def __init__(self, base_url: str, key: str, timeout: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self._key = key
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> ApiClient:
        self._session = aiohttp.ClientSession(
            timeout=self._timeout,
            headers={"Authorization": f"Bearer {self._key}", "User-Agent": "zdr-verify"},
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def call(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        assert self._session is not None
        data = orjson.dumps(body) if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        try:
            async with self._session.request(
                method, self.base_url + path, data=data, headers=headers
            ) as r:
                raw = await r.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Unreachable(type(exc).__name__) from None
        try:
            return r.status, orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError:
            return r.status, None


def error_code(payload: Any) -> str:
    if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
        return str(payload["error"].get("code") or payload["error"].get("type") or "error")
    return "no error body"
