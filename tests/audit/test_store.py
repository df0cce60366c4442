"""The audit store on real SQLite and a real PostgreSQL: chaining, tampering done with
SQL as an intruder would, purge with checkpoints, and several writer processes."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from zdr.audit.store import AuditStore
from zdr.db import open_database

SECRET = b"k" * 32


def event(i: int, ts: datetime | None = None) -> dict[str, Any]:
    when = ts or datetime.now(UTC)
    return {"ts": when.isoformat(timespec="microseconds"), "request_id": f"r{i}", "status": 200}


def open_store(url: str) -> AuditStore:
    return AuditStore(open_database(url, Path("unused.db")), SECRET)


def sql(store: AuditStore, query: str, *params: Any) -> None:
    with store.db.transaction() as db:
        db.execute(store.db.sql(query), params)


def test_append_and_verify(db_url: str) -> None:
    store = open_store(db_url)
    store.append([event(i) for i in range(3)])
    store.append([event(3)])
    verdict = store.verify()
    assert verdict.ok and verdict.events == 4 and verdict.last_seq == 4
    assert [e["request_id"] for e in store.events()] == ["r0", "r1", "r2", "r3"]
    assert store.count() == 4


def test_edit_delete_reorder_are_detected(db_url: str) -> None:
    store = open_store(db_url)
    store.append([event(i) for i in range(6)])
    sql(store, "UPDATE zdr_audit_events SET event = replace(event, 'r1', 'rX') WHERE seq = 2")
    sql(store, "DELETE FROM zdr_audit_events WHERE seq = 4")
    found = [(p.seq, p.kind) for p in store.verify().problems]
    assert found == [(2, "edited"), (5, "missing")]


def test_swapped_rows_are_detected(db_url: str) -> None:
    store = open_store(db_url)
    store.append([event(i) for i in range(4)])
    sql(store, "UPDATE zdr_audit_events SET seq = 100 WHERE seq = 2")
    sql(store, "UPDATE zdr_audit_events SET seq = 2 WHERE seq = 3")
    sql(store, "UPDATE zdr_audit_events SET seq = 3 WHERE seq = 100")
    assert {p.kind for p in store.verify().problems} == {"reordered"}


def test_purge_keeps_a_verifiable_chain(db_url: str) -> None:
    store = open_store(db_url)
    old = datetime.now(UTC) - timedelta(days=40)
    store.append([event(i, old) for i in range(5)] + [event(i) for i in range(5, 8)])
    assert store.purge(datetime.now(UTC) - timedelta(days=30)) == 5
    verdict = store.verify()
    assert verdict.ok, verdict.problems
    assert verdict.checkpoint is not None and verdict.checkpoint.first_seq == 6
    assert verdict.events == 3
    # Nothing older than the cutoff remains; purging again is a no-op.
    assert store.purge(datetime.now(UTC) - timedelta(days=30)) == 0
    # Deleting behind the checkpoint's back is still caught.
    sql(store, "DELETE FROM zdr_audit_events WHERE seq = 6")
    assert [(p.seq, p.kind) for p in store.verify().problems] == [(7, "missing")]


def test_chain_continues_after_everything_was_purged(db_url: str) -> None:
    store = open_store(db_url)
    store.append([event(i, datetime.now(UTC) - timedelta(days=90)) for i in range(3)])
    assert store.purge(datetime.now(UTC)) == 3
    store.append([event(3)])
    verdict = store.verify()
    assert verdict.ok and verdict.first_seq == 4 and verdict.events == 1


def test_forged_checkpoint_is_detected(db_url: str) -> None:
    store = open_store(db_url)
    store.append([event(i, datetime.now(UTC) - timedelta(days=90)) for i in range(3)])
    store.append([event(3), event(4)])
    store.purge(datetime.now(UTC) - timedelta(days=1))
    # Hide the deletion of event 4 by moving the checkpoint forward.
    sql(store, "DELETE FROM zdr_audit_events WHERE seq = 4")
    sql(store, "UPDATE zdr_audit_checkpoints SET first_seq = 5")
    kinds = [p.kind for p in store.verify().problems]
    assert "forged-checkpoint" in kinds


def _writer(url: str, worker: int, n: int) -> None:
    store = open_store(url)
    for i in range(n):
        store.append([event(worker * 1000 + i), event(worker * 1000 + i + 500)])


def test_concurrent_writer_processes_keep_one_chain(db_url: str) -> None:
    open_store(db_url)  # create the schema once
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(db_url, w, 40)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    store = open_store(db_url)
    verdict = store.verify()
    assert verdict.ok, verdict.problems[:3]
    assert verdict.events == 4 * 40 * 2
    assert verdict.last_seq == 320
