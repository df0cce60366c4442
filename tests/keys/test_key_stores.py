"""Both key stores, against real SQLite and a real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from zdr.db import PostgresDatabase, SqliteDatabase
from zdr.keys.model import hash_key
from zdr.keys.store import KeyExists, KeyNotFound, KeyStore, SqlKeyStore


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> KeyStore:
    if request.param == "sqlite":
        return SqlKeyStore(SqliteDatabase(tmp_path / "zdr.db"))
    return SqlKeyStore(PostgresDatabase(request.getfixturevalue("pg_url")))


def test_create_find_revoke(store: KeyStore) -> None:
    key = store.create("web", "default")
    found = store.find(hash_key(key))
    assert found is not None and found.name == "web" and found.active
    assert set(store.active_keys()) == {hash_key(key)}
    with pytest.raises(KeyExists):
        store.create("web", "default")
    store.revoke("web")
    revoked = store.find(hash_key(key))
    assert revoked is not None and not revoked.active
    assert store.active_keys() == {}
    with pytest.raises(KeyNotFound):
        store.revoke("web")
    # The name can be reused once the old key is revoked; the old key stays dead.
    new = store.create("web", "default")
    assert new != key
    assert [k.name for k in store.list(include_revoked=True)] == ["web", "web"]


def test_sqlite_file_is_private(tmp_path: Path) -> None:
    SqlKeyStore(SqliteDatabase(tmp_path / "d" / "zdr.db"))
    assert (tmp_path / "d").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "d" / "zdr.db").stat().st_mode & 0o777 == 0o600
