"""A store that hangs counts as a store that is down: a table locked by someone else
(PostgreSQL and SQLite), and a PostgreSQL server that stops answering mid-session
(a TCP relay that freezes), which only the writer's own watchdog can see."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

from tests.audit.test_gateway_audit import _chat, audit_store, wait_for
from tests.conftest import GatewayFactory, RunningGateway


def _ready(gw: RunningGateway) -> bool:
    return httpx.get(gw.url + "/readyz").status_code == 200


@contextmanager
def _pg_table_locked(gw: RunningGateway) -> Iterator[None]:
    url = gw.settings.storage.database_url
    assert url is not None
    with psycopg.connect(url) as db:
        db.execute("LOCK TABLE zdr_audit_events IN ACCESS EXCLUSIVE MODE")
        yield
        db.rollback()


@contextmanager
def _sqlite_locked(gw: RunningGateway) -> Iterator[None]:
    db = sqlite3.connect(gw.settings.storage.sqlite_path(), isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        db.execute("ROLLBACK")
        db.close()


class FreezingRelay:
    """A TCP relay to PostgreSQL that can stop passing bytes, as a frozen server or a
    dead network does: connections stay open and nothing more arrives."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.frozen = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                while self.frozen.is_set():
                    time.sleep(0.05)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


def _via_relay(pg_url: str, port: int) -> str:
    parts = urlsplit(pg_url)
    netloc = f"{parts.username}@127.0.0.1:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _outage_is_refused_and_nothing_lost(
    gw: RunningGateway, hang: Callable[[], Any], release: Callable[[], None]
) -> None:
    assert _chat(gw) == 200
    wait_for(lambda: audit_store(gw).count() == 1)
    hang()
    try:
        assert _chat(gw) == 200  # served; its event is durable in the spool
        wait_for(lambda: not _ready(gw), timeout=15)
        assert _chat(gw) == 503
    finally:
        release()
    wait_for(lambda: _ready(gw), timeout=15)
    assert _chat(gw) == 200
    gw.server.stop()
    events = list(audit_store(gw).events())
    assert sum(e["status"] == 200 for e in events) == 3
    assert audit_store(gw).verify().ok


_FAST = {"flush_interval_seconds": 0.02, "store_timeout_seconds": 0.5}


def test_a_locked_postgresql_table_is_a_store_failure(
    gateway_factory: GatewayFactory, pg_url: str
) -> None:
    gw = gateway_factory({"storage": {"database_url": pg_url}, "audit": _FAST})
    lock = _pg_table_locked(gw)
    _outage_is_refused_and_nothing_lost(gw, lock.__enter__, lambda: lock.__exit__(None, None, None))


def test_a_locked_sqlite_database_is_a_store_failure(gateway_factory: GatewayFactory) -> None:
    gw = gateway_factory({"audit": _FAST})
    lock = _sqlite_locked(gw)
    _outage_is_refused_and_nothing_lost(gw, lock.__enter__, lambda: lock.__exit__(None, None, None))


def test_a_frozen_postgresql_server_is_a_store_failure(
    gateway_factory: GatewayFactory, pg_url: str
) -> None:
    relay = FreezingRelay(("127.0.0.1", 5432))
    try:
        url = _via_relay(pg_url, relay.port)
        gw = gateway_factory({"storage": {"database_url": url}, "audit": _FAST})
        _outage_is_refused_and_nothing_lost(gw, relay.frozen.set, relay.frozen.clear)
    finally:
        relay.close()
