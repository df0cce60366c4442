"""The tests' fake upstream: the demo upstream (:mod:`zdr.demo`) with what tests and
benchmarks need on top. It records what it received (``record``), emulates an account
for `zdr verify` (``account``), and misbehaves on request (header ``x-fake-fault``):

``stall`` (headers sent, body never), ``stall-mid-stream``, ``reset-mid-stream`` (half
way through the streamed pieces), ``hold`` (a stream waits after its first piece until
``release`` is set), ``status:<code>``, ``slow-headers:<seconds>``. Header
``x-fake-chunk-chars: N`` streams N characters per piece instead of word by word;
``chunk_delay`` paces every piece (the benchmarks' slow model).
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

from zdr.asgi import Receive, Send
from zdr.demo import DEMO_MODEL, DemoUpstream
from zdr.demo.responses import Sealer
from zdr.demo.wire import JSON_HEADERS, SSE_HEADERS, ApiError, Event, UpstreamRequest, send_json
from zdr.fake.account import FakeAccount

RecordedRequest = UpstreamRequest
# The fake seals reasoning with a fixed key, so that a test can write the encrypted
# content of an item the fake will accept back (the demo's key is random per process).
SEALER = Sealer(b"zdr fake upstream: not a secret")

__all__ = ["DEMO_MODEL", "SEALER", "FakeOpenAI", "RecordedRequest"]


@dataclass
class FakeOpenAI(DemoUpstream):
    """The ASGI app. ``record`` keeps every request in ``requests`` (tests only)."""

    record: bool = False
    chunk_delay: float = 0.0
    requests: list[RecordedRequest] = field(default_factory=list)
    # Fault "hold": after the first streamed piece, wait until a test sets this.
    release: threading.Event = field(default_factory=threading.Event)
    # An emulated account for `zdr verify` (retention settings, admin keys); None: a
    # plain upstream that keeps what it is asked to store.
    account: FakeAccount | None = None
    sealer: Sealer = SEALER

    def _bearer(self, req: UpstreamRequest) -> str | None:
        auth = req.headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else None

    def keeps(self, req: UpstreamRequest) -> bool:
        return self.account is None or self.account.keeps_stored_objects(self._bearer(req))

    def prompt_cache_retention(self) -> str:
        return self.account.default_prompt_cache_retention if self.account else "24h"

    def chunk_chars(self, req: UpstreamRequest) -> int | None:
        return int(req.headers.get("x-fake-chunk-chars", "0")) or None

    async def handle(self, req: UpstreamRequest, send: Send) -> None:
        if self.record:
            self.requests.append(req)
        fault = req.headers.get("x-fake-fault", "")
        if fault.startswith("slow-headers:"):
            await asyncio.sleep(float(fault.split(":", 1)[1]))
        if fault.startswith("status:"):
            status = int(fault.split(":", 1)[1])
            error = ApiError(status, "fake upstream error", "server_error", code=f"fake_{status}")
            await send_json(send, status, error.body())
            return
        if fault == "stall":
            await send({"type": "http.response.start", "status": 200, "headers": JSON_HEADERS})
            await _until_disconnect(req.receive)
            return
        if self.account is not None:
            admin = self.account.admin_response(req.method, req.path, self._bearer(req))
            if admin is not None:
                await send_json(send, admin[0], admin[1])
                return
        await super().handle(req, send)

    async def stream(
        self, send: Send, events: list[Event], req: UpstreamRequest, end: bytes
    ) -> None:
        fault = req.headers.get("x-fake-fault", "")
        pieces = sum(e.delta for e in events)
        await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
        n = 0
        for event in events:
            if event.delta:
                if n == pieces // 2 and fault in ("stall-mid-stream", "reset-mid-stream"):
                    await self._misbehave(fault, req)
                    return
                if n == 1 and fault == "hold":
                    while not self.release.is_set():
                        await asyncio.sleep(0.01)
                if self.chunk_delay:
                    await asyncio.sleep(self.chunk_delay)
                n += 1
            await send({"type": "http.response.body", "body": event.encode(), "more_body": True})
        await send({"type": "http.response.body", "body": end, "more_body": False})

    async def _misbehave(self, fault: str, req: UpstreamRequest) -> None:
        if fault == "stall-mid-stream":
            await _until_disconnect(req.receive)
            return
        # reset: raising makes the server drop the connection without a final chunk.
        # First let what was sent reach the peer, as on a real network: an HTTP client
        # that sees the reset in the same read as the data (aiohttp) drops the data.
        await asyncio.sleep(0.05)
        raise ConnectionResetError("fake upstream reset")


async def _until_disconnect(receive: Receive | None) -> None:
    while receive is not None and (await receive())["type"] != "http.disconnect":
        pass
