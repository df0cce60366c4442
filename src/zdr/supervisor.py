"""``zdr serve --workers N``: N gateway processes on one listening socket.

The supervisor prepares what the workers share before any of them starts (the secret
file, the tables of the key store and the audit trail), binds the socket once, and
starts the workers with ``spawn`` (fresh interpreters: no thread or lock of the
parent is inherited). The kernel hands each new connection to one worker's accept.
Keys, policies and the audit chain are shared through the database and the config:
every worker refreshes the same keys, loads the same policies, and appends to one
chain under the database's writers' lock, each from its own spool.

SIGTERM or SIGINT to the supervisor is passed to every worker, which stops taking
connections, finishes its requests (``server.graceful_shutdown_seconds``) and writes
its audit events; a worker still running well past that is killed (its spool is
replayed by the next start). A worker that dies is started again.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from multiprocessing.process import BaseProcess
from types import FrameType

from zdr.config import Settings
from zdr.ops.logs import setup_logging

log = logging.getLogger("zdr.serve")

# What a worker may take beyond the graceful period: writing its audit events.
_AUDIT_STOP_SECONDS = 30.0
_RESTART_PAUSE_SECONDS = 1.0


def default_workers(settings: Settings) -> int:
    """One per core this process may run on; one with the built-in demo upstream."""
    if settings.demo:
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def prepare_shared_state(settings: Settings) -> None:
    """Create what every worker would otherwise race to create."""
    from zdr.keys.store import open_key_store
    from zdr.secret import load_secret
    from zdr.serve import open_audit_store

    secret = load_secret(settings.storage.data_dir)
    open_key_store(settings.storage.database_url, settings.storage.sqlite_path())
    if settings.audit.enabled:
        open_audit_store(settings, secret)


def _worker(settings: Settings, sock: socket.socket) -> None:
    from zdr.serve import run

    run(settings, sockets=[sock])


def supervise(settings: Settings, workers: int) -> None:
    setup_logging(settings.log.level)
    prepare_shared_state(settings)
    sock = bind(settings.server.host, settings.server.port)
    port = sock.getsockname()[1]
    ctx = multiprocessing.get_context("spawn")
    stopping = threading.Event()

    def start(index: int) -> BaseProcess:
        proc = ctx.Process(target=_worker, args=(settings, sock), name=f"zdr-worker-{index}")
        proc.start()
        return proc

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    procs = [start(i) for i in range(workers)]
    log.info(
        "starting gateway workers",
        extra={"workers": workers, "host": settings.server.host, "port": port},
    )
    try:
        while not stopping.wait(0.2):
            for i, proc in enumerate(procs):
                if not proc.is_alive() and not stopping.is_set():
                    log.error(
                        "gateway worker exited; starting another",
                        extra={"worker": i, "exitcode": proc.exitcode},
                    )
                    time.sleep(_RESTART_PAUSE_SECONDS)
                    procs[i] = start(i)
    finally:
        _stop(procs, settings.server.graceful_shutdown_seconds + _AUDIT_STOP_SECONDS)
        sock.close()


def _stop(procs: list[BaseProcess], limit: float) -> None:
    for proc in procs:
        if proc.is_alive() and proc.pid is not None:
            os.kill(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + limit
    for proc in procs:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            log.error("gateway worker did not stop in time; killed", extra={"pid": proc.pid})
            proc.kill()
            proc.join()
