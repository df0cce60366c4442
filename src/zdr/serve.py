"""Build the gateway from settings and run it under uvicorn (``zdr serve``)."""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
import sys
from pathlib import Path

import uvicorn

from zdr.audit.anchor import open_sinks
from zdr.audit.store import AuditStore
from zdr.audit.writer import AuditWriter
from zdr.config import Settings, UpstreamSettings
from zdr.db import open_database
from zdr.fake.openai import DEMO_MODEL, FakeOpenAI
from zdr.gateway.app import Gateway
from zdr.gateway.types import ASGIApp
from zdr.keys.store import open_key_store
from zdr.ops.logs import setup_logging
from zdr.secret import load_secret

log = logging.getLogger("zdr.serve")


def open_audit_store(settings: Settings, secret: bytes) -> AuditStore:
    url = settings.audit.database_url or settings.storage.database_url
    db = open_database(url, settings.storage.sqlite_path(), settings.audit.store_timeout_seconds)
    return AuditStore(db, secret)


def spool_dir(settings: Settings) -> Path:
    return settings.audit.spool_dir or settings.storage.data_dir / "spool"


def open_audit_writer(settings: Settings, secret: bytes) -> AuditWriter:
    return AuditWriter(
        open_audit_store(settings, secret),
        settings.audit,
        spool_dir(settings),
        open_sinks(settings.audit.anchor, settings.storage.data_dir),
    )


def build_gateway(settings: Settings) -> Gateway:
    store = open_key_store(settings.storage.database_url, settings.storage.sqlite_path())
    secret = load_secret(settings.storage.data_dir)
    audit = open_audit_writer(settings, secret) if settings.audit.enabled else None
    return Gateway(settings, store, secret, audit=audit)


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


async def start_side_server(config: uvicorn.Config) -> uvicorn.Server:
    """Start a second server in this loop without taking over signals (``serve()`` would)."""
    server = uvicorn.Server(config)
    if not config.loaded:
        config.load()
    server.lifespan = config.lifespan_class(config)
    await server.startup()
    return server


def with_demo_upstream(settings: Settings, port: int) -> Settings:
    """Point the default upstream at the loopback echo model."""
    demo = UpstreamSettings(base_url=f"http://127.0.0.1:{port}/v1", auth="none")
    upstreams = dict(settings.upstreams)
    upstreams[settings.default_upstream] = demo
    return settings.model_copy(update={"upstreams": upstreams})


# How long a thread may hold the interpreter lock while another waits for it (Python's
# default: 5 ms). Hyperscan gives the lock up for each scan and takes it again for
# every match it reports, so while a worker thread examines a large body, each match
# found for a small request on the event loop waited up to the whole interval: small
# requests took 14 ms instead of 1 ms (bench: 1 MB body beside small chat requests),
# 2 ms with 0.1 ms; the large body takes ~10% longer.
SWITCH_INTERVAL_SECONDS = 0.0001


async def serve(settings: Settings) -> None:
    setup_logging(settings.log.level)
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    demo_server: uvicorn.Server | None = None
    if settings.demo:
        demo_server = await start_side_server(uvicorn_config(FakeOpenAI(), "127.0.0.1", 0))
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
    # What start-up built (detector tables, phone metadata of every country, the
    # catalogue) lives as long as the process: frozen, the garbage collector stops
    # walking it on every full collection (measured: small requests 1.50 -> 1.21 ms
    # p50 once every country's phone rules were built at start-up).
    gc.collect()
    gc.freeze()
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
    # uvicorn's loop="uvloop" only applies when uvicorn makes the loop itself; this
    # process makes it (the demo upstream shares it), so it asks for uvloop here.
    try:
        import uvloop
    except ImportError:  # not on Windows: the standard loop
        asyncio.run(serve(settings))
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(serve(settings))
