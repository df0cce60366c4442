"""Build the gateway from settings and run it under uvicorn (``zdr serve``)."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

import uvicorn

from zdr.asgi import ASGIApp
from zdr.audit.anchor import open_sinks
from zdr.audit.store import AuditStore
from zdr.audit.writer import AuditWriter
from zdr.config import Settings, UpstreamSettings
from zdr.db import open_database
from zdr.demo import DEMO_MODEL, DemoUpstream
from zdr.gateway.app import Gateway
from zdr.gateway.protocol import protocol_with_timeouts
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


def uvicorn_config(
    app: ASGIApp,
    host: str,
    port: int,
    graceful: float = 30.0,
    header_timeout: float = 10.0,
    body_timeout: float = 60.0,
    ws_max_bytes: int = 16 * 1024 * 1024,
) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http=protocol_with_timeouts(header_timeout, body_timeout),
        lifespan="on",
        access_log=False,
        log_config=None,
        server_header=False,
        date_header=False,
        timeout_graceful_shutdown=int(graceful),
        # WebSockets (the Realtime API, the Responses WebSocket mode): uvicorn's
        # sans-I/O protocol on the `websockets` library, measured the cheapest per event
        # (bench/ws_libraries.py); a message over the limit closes the session (1009);
        # no compression (the SDK asks for none; it costs CPU on every event).
        ws="websockets-sansio",
        ws_max_size=ws_max_bytes,
        ws_per_message_deflate=False,
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


# How often the gateway looks at its load and memory, and how much the heap must
# have grown since the last trim before freed memory is handed back.
_TRIM_CHECK_SECONDS = 1.0
_TRIM_GROWTH_BYTES = 16 << 20

# Allocations between two collections of the youngest generation (Python's default: 700).
GC_YOUNG_THRESHOLD = 10_000


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None elsewhere (musl, macOS)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def _rss_bytes() -> int:
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


async def return_freed_memory(in_flight: Callable[[], float]) -> None:
    """Hand memory freed after a burst back to the system.

    glibc keeps what a burst freed in its heaps: 500 concurrent large streams took a
    gateway of two workers from 227 to 328 MiB, and three bursts to 429 MiB, never
    returned (bench/fault_injection.py, case streams). Python had freed it; the
    allocator had not given it back. Once the heap grew and the load fell to a
    quarter of its peak, ``malloc_trim`` returns it (231 MiB after the same bursts).
    Under steady load nothing happens: the memory is in use.
    """
    trim = _malloc_trim()
    if trim is None:
        return
    peak, base = 0.0, _rss_bytes()
    while True:
        await asyncio.sleep(_TRIM_CHECK_SECONDS)
        now = in_flight()
        peak = max(peak, now)
        if _rss_bytes() - base > _TRIM_GROWTH_BYTES and now <= peak / 4:
            t0 = time.perf_counter()
            trim(0)
            base, peak = _rss_bytes(), now
            log.debug("memory returned", extra={"ms": round((time.perf_counter() - t0) * 1000, 2)})


async def serve(settings: Settings, sockets: list[socket.socket] | None = None) -> None:
    setup_logging(settings.log.level)
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    demo_server: uvicorn.Server | None = None
    if settings.demo:
        demo_server = await start_side_server(uvicorn_config(DemoUpstream(), "127.0.0.1", 0))
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
    # A young-generation collection walks every container still alive, and 32 requests
    # in flight keep thousands alive (frames, coroutines, headers): at the default
    # threshold (700 allocations) the collector took ~45k of the ~900k instructions a
    # request under 32 concurrent connections (callgrind). Most of what a request makes
    # is freed by reference counting long before 10,000 allocations: ~15k.
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    trimmer = asyncio.ensure_future(return_freed_memory(lambda: gateway.in_flight))
    server = uvicorn.Server(
        uvicorn_config(
            gateway,
            settings.server.host,
            settings.server.port,
            settings.server.graceful_shutdown_seconds,
            settings.server.header_timeout_seconds,
            settings.server.body_timeout_seconds,
            settings.server.max_event_bytes,
        )
    )
    if sockets is None:
        log.info(
            "starting gateway", extra={"host": settings.server.host, "port": settings.server.port}
        )
    try:
        await server.serve(sockets=sockets)
    finally:
        trimmer.cancel()
        if demo_server is not None:
            demo_server.should_exit = True
            await demo_server.shutdown()


def run(settings: Settings, sockets: list[socket.socket] | None = None) -> None:
    """Serve in this process, on ``sockets`` if given (a worker of ``supervise``)."""
    # uvicorn's loop="uvloop" only applies when uvicorn makes the loop itself; this
    # process makes it (the demo upstream shares it), so it asks for uvloop here.
    try:
        import uvloop
    except ImportError:  # not on Windows: the standard loop
        asyncio.run(serve(settings, sockets))
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(serve(settings, sockets))
