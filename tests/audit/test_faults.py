"""The fast cases of bench/fault_injection.py, with real `zdr serve` processes: no
served request goes without an event after SIGKILL under load, or after SIGTERM with
the store down."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.fault_injection import case_kill9, case_sigterm


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_kill_9_under_load_loses_no_served_event(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("pg_url") if backend == "postgresql" else None
    result = case_kill9(tmp_path, url, workers=2, seconds=1.5)
    assert result["served"] > 0
    assert result["spools left by the killed processes"] == 2
    assert result["served without event"] == 0
    assert result["chain"] == "OK"


def test_sigterm_with_open_streams_and_the_store_down_loses_nothing(tmp_path: Path) -> None:
    result = case_sigterm(tmp_path, None, workers=1, streams=10)
    assert result["exit code"] in (0, -15)  # a single process re-raises SIGTERM
    assert result["spools left at shutdown"] == 1  # the store was down: kept for later
    assert result["streams cut"] > 0
    # Each cut stream ended with the SSE error event and is recorded as cut.
    assert result["cut streams that ended with an SSE error event"] == result["streams cut"]
    assert result["cut streams recorded as 200 without error"] == 0
    assert result["served without event"] == 0
    assert result["cut streams without an event"] == 0
    assert result["chain"] == "OK"
