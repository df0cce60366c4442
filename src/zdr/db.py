"""One database handle for the stores that share it (virtual keys, audit trail).

SQLite (the default, one file in the data directory, WAL) or PostgreSQL by URL for
several replicas. Stores write portable SQL with ``?`` placeholders; ``sql()``
adapts them. ``transaction(lock=True)`` serialises writers across processes and
machines: SQLite's ``BEGIN IMMEDIATE``, PostgreSQL's transaction-scoped advisory lock.
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

    def __init__(self, path: Path, busy_timeout: float = 10.0):
        self.path = path
        self.busy_timeout = busy_timeout
        ensure_private_dir(path.parent)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
        with self._connection() as db:
            db.execute("PRAGMA journal_mode=WAL")

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
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

    def __init__(self, url: str, connect_timeout: float = 5.0):
        import psycopg

        self.url = url
        self.connect_timeout = connect_timeout
        self._psycopg = psycopg
        self.unique_violation = psycopg.errors.UniqueViolation

    def sql(self, query: str) -> str:
        return query.replace("?", "%s")

    @contextmanager
    def transaction(self, lock: bool = False) -> Iterator[Any]:
        with self._psycopg.connect(self.url, connect_timeout=int(self.connect_timeout)) as db:
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


def open_database(url: str | None, sqlite_path: Path) -> Database:
    """``None`` or ``sqlite:///PATH`` for SQLite, ``postgresql://...`` for PostgreSQL."""
    if url is None:
        return SqliteDatabase(sqlite_path)
    if url.startswith("sqlite:///"):
        return SqliteDatabase(Path(url.removeprefix("sqlite:///")))
    if url.startswith(("postgres://", "postgresql://")):
        return PostgresDatabase(url)
    raise ConfigError("database_url must start with sqlite:/// or postgresql://")
