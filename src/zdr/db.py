"""One database handle for the stores that share it (virtual keys, audit trail).

SQLite (the default, one file in the data directory, WAL) or PostgreSQL by URL for
several replicas. Stores write portable SQL with ``?`` placeholders; ``sql()``
adapts them. ``transaction(lock=True)`` serialises writers across processes and
machines: SQLite's ``BEGIN IMMEDIATE``, PostgreSQL's transaction-scoped advisory lock.

Every wait on the database is bounded by ``timeout`` seconds, so a store that hangs
(a table locked by someone else, a frozen server, a lost network) fails like a store
that is down: SQLite's busy timeout; PostgreSQL's connect, statement and lock
timeouts, and a limit on a session left idle inside a transaction (a frozen process
holding the writers' lock).
"""

from __future__ import annotations

import os
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Literal

from zdr.errors import ConfigError

# Any fixed 64-bit number: the advisory lock that serialises zdr's writers.
_PG_LOCK_ID = 0x7A6472
# How long one wait on the database may last by default (seconds).
DEFAULT_TIMEOUT = 2.0


def ensure_private_dir(path: Path) -> None:
    """Create the data directory readable by its owner only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


class Database(ABC):
    dialect: Literal["sqlite", "postgresql"]
    unique_violation: type[Exception]

    def sql(self, query: str) -> str:
        return query

    @abstractmethod
    def transaction(self, lock: bool = False) -> AbstractContextManager[Any]:
        """A connection in a transaction, committed on success; ``lock`` serialises
        writers across processes."""

    def execute_script(self, script: str) -> None:
        with self.transaction() as db:
            for statement in script.split(";"):
                if statement.strip():
                    db.execute(statement)

    @abstractmethod
    def describe(self) -> str:
        """Where the data is, without credentials."""


class SqliteDatabase(Database):
    dialect = "sqlite"
    unique_violation = sqlite3.IntegrityError

    def __init__(self, path: Path, timeout: float = DEFAULT_TIMEOUT):
        self.path = path
        self.timeout = timeout
        ensure_private_dir(path.parent)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
        with self._connection() as db:
            db.execute("PRAGMA journal_mode=WAL")

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        # WAL with NORMAL sync survives a process crash; only power loss may drop the
        # last transactions, which is the usual trade for a log of this kind.
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        db = self._open()
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def transaction(self, lock: bool = False) -> Iterator[sqlite3.Connection]:
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE" if lock else "BEGIN")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def describe(self) -> str:
        return f"sqlite:///{self.path}"


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT):
        import psycopg
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        self.url = url
        self.timeout = timeout
        self._psycopg = psycopg
        self.unique_violation = psycopg.errors.UniqueViolation
        # The server-side limits ride along in the connection's options (kept beside
        # any the URL sets, e.g. a search_path): no extra round trip per transaction.
        ms = max(1, int(timeout * 1000))
        params = conninfo_to_dict(url)
        limits = (
            f"-c statement_timeout={ms} -c lock_timeout={ms} "
            f"-c idle_in_transaction_session_timeout={ms * 3}"
        )
        params["options"] = f"{params.get('options') or ''} {limits}".strip()
        params["connect_timeout"] = max(1, round(timeout))
        self._conninfo = make_conninfo("", **params)

    def sql(self, query: str) -> str:
        return query.replace("?", "%s")

    @contextmanager
    def transaction(self, lock: bool = False) -> Iterator[Any]:
        with self._psycopg.connect(self._conninfo) as db:
            if lock:
                db.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK_ID,))
            yield db

    def describe(self) -> str:
        # Never print a password that may be in the URL.
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        return f"postgresql://{host}{port}{parts.path}"


def open_database(url: str | None, sqlite_path: Path, timeout: float = DEFAULT_TIMEOUT) -> Database:
    """``None`` or ``sqlite:///PATH`` for SQLite, ``postgresql://...`` for PostgreSQL."""
    if url is None:
        return SqliteDatabase(sqlite_path, timeout)
    if url.startswith("sqlite:///"):
        return SqliteDatabase(Path(url.removeprefix("sqlite:///")), timeout)
    if url.startswith(("postgres://", "postgresql://")):
        return PostgresDatabase(url, timeout)
    raise ConfigError("database_url must start with sqlite:/// or postgresql://")
