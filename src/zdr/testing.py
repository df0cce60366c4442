"""Helpers for tests and benchmarks: run an ASGI app under uvicorn in a thread."""

from __future__ import annotations

import asyncio
import threading
import time

import uvicorn

from zdr.asgi import ASGIApp
from zdr.serve import bound_port, uvicorn_config


class ServerThread:
    """A real uvicorn server on 127.0.0.1 and a free port, in a background thread."""

    def __init__(self, app: ASGIApp, graceful: float = 5.0):
        self.app = app
        self.server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", 0, graceful))
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
