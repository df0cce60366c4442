"""The spool: its format, orphans found by their released lock, replay without
duplicates, and a writer process killed with SIGKILL after its events were durable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.audit.test_store import SECRET, open_store
from zdr.audit.spool import SpoolFile, SpoolRecord, decode, encode, orphans
from zdr.audit.writer import replay_orphans


def test_torn_or_corrupt_tail_is_ignored() -> None:
    data = encode([SpoolRecord(1, '{"a":1}'), SpoolRecord(2, '{"b":2}')])
    assert decode(data) == [SpoolRecord(1, '{"a":1}'), SpoolRecord(2, '{"b":2}')]
    assert decode(data[:-3]) == [SpoolRecord(1, '{"a":1}')]  # died inside the write
    corrupt = data.replace(b'{"b":2}', b'{"b":3}')
    assert decode(corrupt) == [SpoolRecord(1, '{"a":1}')]


def test_a_live_spool_is_no_orphan_and_a_closed_one_is(tmp_path: Path) -> None:
    spool = SpoolFile(tmp_path, fsync=False)
    spool.append([SpoolRecord(1, '{"x":1}')])
    assert list(orphans(tmp_path)) == []  # its lock is held
    spool.close(remove=False)  # as a crash would: the lock goes, the file stays
    (orphan,) = orphans(tmp_path)
    assert orphan.id == spool.id and orphan.records() == [SpoolRecord(1, '{"x":1}')]
    orphan.release()
    assert oct(spool.path.stat().st_mode & 0o777) == "0o600"


def test_replay_appends_only_what_the_store_lacks(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'zdr.db'}")
    spool = SpoolFile(tmp_path / "spool", fsync=False)
    records = [SpoolRecord(i, f'{{"request_id":"r{i}"}}') for i in range(1, 6)]
    spool.append(records)
    # The first three reached the store before the process died.
    store.append_json([r.event_json for r in records[:3]], (spool.id, 3))
    spool.close(remove=False)
    assert replay_orphans(store, tmp_path / "spool") == 2
    assert [e["request_id"] for e in store.events()] == ["r1", "r2", "r3", "r4", "r5"]
    assert list((tmp_path / "spool").iterdir()) == []
    assert replay_orphans(store, tmp_path / "spool") == 0
    assert store.verify().ok


_WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from zdr.audit.store import AuditStore
    from zdr.audit.writer import AuditWriter
    from zdr.config import AuditSettings
    from zdr.db import open_database

    async def main(url, spool, n):
        store = AuditStore(open_database(url, Path("unused")), sys.argv[4].encode())
        # The store flush never comes: only the spool can keep these events.
        writer = AuditWriter(store, AuditSettings(flush_interval_seconds=3600), Path(spool))
        await writer.start()
        await asyncio.gather(*(writer.durable({"request_id": f"r{i}"}) for i in range(n)))
        print("durable", flush=True)
        await asyncio.sleep(3600)

    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
    """
)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_events_durable_before_a_kill_9_reach_the_store(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'zdr.db'}"
        if backend == "sqlite"
        else str(request.getfixturevalue("pg_url"))
    )
    open_store(url)
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, url, str(tmp_path / "spool"), "300", SECRET.decode()],
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"durable\n"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    store = open_store(url)
    assert store.count() == 0
    assert replay_orphans(store, tmp_path / "spool") == 300
    assert sorted(e["request_id"] for e in store.events()) == sorted(f"r{i}" for i in range(300))
    assert store.verify().ok
