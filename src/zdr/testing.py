"""Helpers for tests and benchmarks: run an ASGI app under uvicorn in a thread, and
make synthetic exchanges for unit tests of the gateway's steps."""

from __future__ import annotations

import asyncio
import threading
import time

import uvicorn

from zdr.asgi import ASGIApp
from zdr.exchange import Exchange
from zdr.serve import bound_port, uvicorn_config


class ServerThread:
    """A real uvicorn server on 127.0.0.1 and a free port, in a background thread."""

    def __init__(
        self,
        app: ASGIApp,
        graceful: float = 5.0,
        header_timeout: float = 10.0,
        body_timeout: float = 60.0,
        ws_max_bytes: int = 16 * 1024 * 1024,
    ):
        self.app = app
        self.server = uvicorn.Server(
            uvicorn_config(
                app, "127.0.0.1", 0, graceful, header_timeout, body_timeout, ws_max_bytes
            )
        )
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.port = 0

    def _run(self) -> None:
        import uvloop

        self.loop = uvloop.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self.server.serve())

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("server thread failed to start")
            time.sleep(0.01)
        self.port = bound_port(self.server)
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def make_exchange(
    method: str = "POST",
    path: bytes = b"/v1/chat/completions",
    body: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    *,
    query: bytes = b"",
    client_addr: str = "127.0.0.1",
) -> Exchange:
    """A synthetic exchange for unit tests of one step: its ``receive`` hands over
    ``body`` in one message, as uvicorn does for a small request."""
    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    all_headers = list(headers if headers is not None else [])
    if body and not any(k == b"content-length" for k, _ in all_headers):
        all_headers.append((b"content-length", str(len(body)).encode()))
    return Exchange(
        request_id="test",
        method=method,
        raw_path=path,
        raw_query=query,
        headers=all_headers,
        started=time.perf_counter(),
        receive=receive,
        client_addr=client_addr,
    )
