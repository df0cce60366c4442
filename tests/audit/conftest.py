"""The audit tests' fixture: each store test runs on real SQLite and real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'zdr.db'}"
    return str(request.getfixturevalue("pg_url"))
