"""Build the gateway from settings and run it under uvicorn (``zdr serve``)."""

from __future__ import annotations

import asyncio
import logging
import socket

import uvicorn

from zdr.config import Settings, UpstreamSettings
from zdr.fake.openai import DEMO_MODEL, FakeOpenAI
from zdr.gateway.app import Gateway
from zdr.gateway.types import ASGIApp
from zdr.keys.store import open_key_store
from zdr.ops.logs import setup_logging
from zdr.secret import load_secret

log = logging.getLogger("zdr.serve")


def build_gateway(settings: Settings) -> Gateway:
    store = open_key_store(settings.storage.database_url, settings.storage.sqlite_path())
    return Gateway(settings, store, load_secret(settings.storage.data_dir))


def uvicorn_config(app: ASGIApp, host: str, port: int, graceful: float = 30.0) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        lifespan="on",
        access_log=False,
        log_config=None,
        server_header=False,
        date_header=False,
        timeout_graceful_shutdown=int(graceful),
        ws="none",
    )


def bound_port(server: uvicorn.Server) -> int:
    sock: socket.socket = server.servers[0].sockets[0]
    return int(sock.getsockname()[1])


def with_demo_upstream(settings: Settings, port: int) -> Settings:
    """Point the default upstream at the loopback echo model."""
    demo = UpstreamSettings(base_url=f"http://127.0.0.1:{port}/v1", auth="none")
    upstreams = dict(settings.upstreams)
    upstreams[settings.default_upstream] = demo
    return settings.model_copy(update={"upstreams": upstreams})


async def serve(settings: Settings) -> None:
    setup_logging(settings.log.level)
    demo_server: uvicorn.Server | None = None
    if settings.demo:
        demo_server = uvicorn.Server(uvicorn_config(FakeOpenAI(), "127.0.0.1", 0))
        await demo_server.startup()
        port = bound_port(demo_server)
        settings = with_demo_upstream(settings, port)
        log.warning(
            "DEMO MODE: no upstream API key is set, so answers come from a built-in echo "
            "model (%s) on 127.0.0.1:%d, not from a real LLM. Set ZDR_UPSTREAM_API_KEY "
            "or configure upstreams to use a provider.",
            DEMO_MODEL,
            port,
            extra={"demo": True},
        )
    gateway = build_gateway(settings)
    server = uvicorn.Server(
        uvicorn_config(
            gateway,
            settings.server.host,
            settings.server.port,
            settings.server.graceful_shutdown_seconds,
        )
    )
    log.info("starting gateway", extra={"host": settings.server.host, "port": settings.server.port})
    try:
        await server.serve()
    finally:
        if demo_server is not None:
            demo_server.should_exit = True
            await demo_server.shutdown()


def run(settings: Settings) -> None:
    asyncio.run(serve(settings))
