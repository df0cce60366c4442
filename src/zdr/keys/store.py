"""Where virtual keys live: SQLite (default, next to the audit store) or PostgreSQL.

Both stores keep the name, the policy name, the key's hash and its dates; never the key.
They are synchronous: the CLI calls them directly, the gateway from a worker thread.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from zdr.db import Database, open_database
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


class SqlKeyStore:
    """The key store on either database; the SQL is portable."""

    def __init__(self, db: Database):
        self.db = db
        db.execute_script(_SCHEMA)

    def create(self, name: str, policy: str) -> str:
        check_name(name)
        key = generate_key()
        try:
            with self.db.transaction() as db:
                db.execute(
                    self.db.sql(
                        f"INSERT INTO zdr_virtual_keys ({_COLUMNS}) VALUES (?, ?, ?, ?, NULL)"
                    ),
                    (name, policy, hash_key(key), _now()),
                )
        except self.db.unique_violation:
            raise KeyExists(f"an active key named {name!r} exists") from None
        return key

    def list(self, include_revoked: bool = False) -> list[VirtualKey]:
        where = "" if include_revoked else " WHERE revoked_at IS NULL"
        with self.db.transaction() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM zdr_virtual_keys{where} ORDER BY created_at, name"
            ).fetchall()
        return [_row_to_key(r) for r in rows]

    def revoke(self, name: str) -> None:
        with self.db.transaction() as db:
            cur = db.execute(
                self.db.sql(
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
        with self.db.transaction() as db:
            row = db.execute(
                self.db.sql(f"SELECT {_COLUMNS} FROM zdr_virtual_keys WHERE key_hash = ?"),
                (key_hash,),
            ).fetchone()
        return _row_to_key(row) if row else None


def open_key_store(database_url: str | None, sqlite_path: Path) -> KeyStore:
    return SqlKeyStore(open_database(database_url, sqlite_path))
