"""Where virtual keys live: SQLite (default, next to the audit store) or PostgreSQL.

Both stores keep the name, the policy name, the key's hash and its dates; never the key.
They are synchronous: the CLI calls them directly, the gateway from a worker thread.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from zdr.errors import ConfigError
from zdr.keys.model import VirtualKey, check_name, generate_key, hash_key

_SCHEMA = """
CREATE TABLE IF NOT EXISTS zdr_virtual_keys (
    name TEXT NOT NULL,
    policy TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS zdr_virtual_keys_active_name
    ON zdr_virtual_keys (name) WHERE revoked_at IS NULL;
"""


class KeyExists(Exception):
    pass


class KeyNotFound(Exception):
    pass


class KeyStore(Protocol):
    def create(self, name: str, policy: str) -> str: ...
    def list(self, include_revoked: bool = False) -> list[VirtualKey]: ...
    def revoke(self, name: str) -> None: ...
    def active_keys(self) -> dict[str, VirtualKey]: ...
    def find(self, key_hash: str) -> VirtualKey | None: ...


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _row_to_key(row: tuple[Any, ...]) -> VirtualKey:
    name, policy, key_hash, created, revoked = row

    def as_dt(v: Any) -> datetime | None:
        if v is None or isinstance(v, datetime):
            return v
        return datetime.fromisoformat(str(v))

    created_dt = as_dt(created)
    assert created_dt is not None
    return VirtualKey(name, policy, key_hash, created_dt, as_dt(revoked))


_COLUMNS = "name, policy, key_hash, created_at, revoked_at"


def ensure_private_dir(path: Path) -> None:
    """Create the data directory readable by its owner only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


class _SqlKeyStore:
    """The queries, shared; subclasses give a connection and the driver's placeholder."""

    _ph = "?"
    _unique_violation: type[Exception] = sqlite3.IntegrityError

    def _connect(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _sql(self, query: str) -> str:
        return query.replace("?", self._ph)

    def create(self, name: str, policy: str) -> str:
        check_name(name)
        key = generate_key()
        try:
            with self._connect() as db:
                db.execute(
                    self._sql(
                        f"INSERT INTO zdr_virtual_keys ({_COLUMNS}) VALUES (?, ?, ?, ?, NULL)"
                    ),
                    (name, policy, hash_key(key), _now()),
                )
        except self._unique_violation:
            raise KeyExists(f"an active key named {name!r} exists") from None
        return key

    def list(self, include_revoked: bool = False) -> list[VirtualKey]:
        where = "" if include_revoked else " WHERE revoked_at IS NULL"
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM zdr_virtual_keys{where} ORDER BY created_at, name"
            ).fetchall()
        return [_row_to_key(r) for r in rows]

    def revoke(self, name: str) -> None:
        with self._connect() as db:
            cur = db.execute(
                self._sql(
                    "UPDATE zdr_virtual_keys SET revoked_at = ? "
                    "WHERE name = ? AND revoked_at IS NULL"
                ),
                (_now(), name),
            )
            if cur.rowcount == 0:
                raise KeyNotFound(f"no active key named {name!r}")

    def active_keys(self) -> dict[str, VirtualKey]:
        return {k.key_hash: k for k in self.list()}

    def find(self, key_hash: str) -> VirtualKey | None:
        with self._connect() as db:
            row = db.execute(
                self._sql(f"SELECT {_COLUMNS} FROM zdr_virtual_keys WHERE key_hash = ?"),
                (key_hash,),
            ).fetchone()
        return _row_to_key(row) if row else None


class SqliteKeyStore(_SqlKeyStore):
    def __init__(self, path: Path):
        self.path = path
        ensure_private_dir(path.parent)
        with self._connect() as db:
            db.executescript(_SCHEMA)
        os.chmod(path, 0o600)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            with db:
                yield db
        finally:
            db.close()


class PostgresKeyStore(_SqlKeyStore):
    _ph = "%s"

    def __init__(self, url: str):
        import psycopg

        self.url = url
        self._psycopg = psycopg
        self._unique_violation = psycopg.errors.UniqueViolation
        with self._connect() as db:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)

    def _connect(self) -> AbstractContextManager[Any]:
        return self._psycopg.connect(self.url)


def open_key_store(database_url: str | None, sqlite_path: Path) -> KeyStore:
    if database_url is None or database_url.startswith("sqlite"):
        path = sqlite_path
        if database_url and database_url.startswith("sqlite:///"):
            path = Path(database_url.removeprefix("sqlite:///"))
        return SqliteKeyStore(path)
    if database_url.startswith(("postgres://", "postgresql://")):
        return PostgresKeyStore(database_url)
    raise ConfigError("storage.database_url must start with sqlite:/// or postgresql://")
