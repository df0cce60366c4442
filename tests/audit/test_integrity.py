"""What someone with write access to the database can try, done with SQL: columns
outside the chain, purges that would cut recent events, truncation and wholesale
deletion caught by the head anchor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.audit.test_store import event, open_store, sql
from zdr.audit.anchor import DatabaseSink, FileSink, check_anchor, verify_anchored
from zdr.audit.chain import Anchor
from zdr.audit.store import AuditStore, ChainBroken
from zdr.db import open_database

RETENTION = timedelta(days=30)


def _days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def test_a_backdated_ts_column_purges_nothing_and_hides_nothing(db_url: str) -> None:
    store = open_store(db_url)
    store.append([event(i) for i in range(20)])  # all recent
    # The attack: one recent row's ts column set to 2020.
    sql(store, "UPDATE zdr_audit_events SET ts = '2020-01-01T00:00:00+00:00' WHERE seq = 20")
    assert store.purge(datetime.now(UTC) - RETENTION) == 0
    assert store.count() == 20
    # --since reads the chained time: the backdated row is still "recent".
    assert len(list(store.events(since=_days_ago(1)))) == 20
    # And forward-dating the column does not bring an old event into a window.
    store.append([event(99, _days_ago(10))])
    sql(store, "UPDATE zdr_audit_events SET ts = '2999-01-01T00:00:00+00:00' WHERE seq = 21")
    assert len(list(store.events(since=_days_ago(1)))) == 20


def test_purge_stops_at_the_first_event_younger_than_retention(db_url: str) -> None:
    store = open_store(db_url)
    old, young = _days_ago(40), _days_ago(1)
    store.append([event(0, old), event(1, old), event(2, young), event(3, old), event(4, young)])
    # Event 3 is old but comes after a young one in the chain: the cut is a prefix.
    assert store.purge(datetime.now(UTC) - RETENTION) == 2
    assert [e["request_id"] for e in store.events()] == ["r2", "r3", "r4"]
    assert store.verify().ok


def test_purge_refuses_to_cut_a_chain_that_does_not_verify(db_url: str) -> None:
    store = open_store(db_url)
    store.append([event(i, _days_ago(40)) for i in range(5)])
    # An edit to an old event: purging it would destroy the evidence.
    sql(store, "UPDATE zdr_audit_events SET event = replace(event, 'r2', 'rX') WHERE seq = 3")
    with pytest.raises(ChainBroken) as caught:
        store.purge(datetime.now(UTC) - RETENTION)
    assert caught.value.seq == 3
    # Nothing was cut: the edited event and those around it are still there.
    assert [e["seq"] for e in store.events()] == [1, 2, 3, 4, 5]
    assert [p.kind for p in store.verify().problems] == ["edited"]


def test_purge_refuses_a_forged_checkpoint(db_url: str) -> None:
    store = open_store(db_url)
    store.append([event(i, _days_ago(40)) for i in range(3)] + [event(3)])
    assert store.purge(datetime.now(UTC) - RETENTION) == 3
    sql(store, "UPDATE zdr_audit_checkpoints SET purged = 1")
    with pytest.raises(ChainBroken):
        store.purge(datetime.now(UTC))


def _anchored_store(db_url: str, tmp_path: Path) -> tuple[AuditStore, FileSink]:
    store = open_store(db_url)
    store.append([event(i) for i in range(10)])
    sink = FileSink(tmp_path / "anchor.json")
    head = store.head()
    sink.write(Anchor.sign(store.anchor_key, head.seq, head.hash))
    store.append([event(i) for i in range(10, 12)])  # written after the anchor
    return store, sink


def _kinds(store: AuditStore, sink: FileSink) -> list[str]:
    return [p.kind for p in verify_anchored(store, [sink], []).problems]


def test_an_intact_chain_agrees_with_its_anchor(db_url: str, tmp_path: Path) -> None:
    store, sink = _anchored_store(db_url, tmp_path)
    verdict = verify_anchored(store, [sink], [])
    assert verdict.ok and verdict.anchor is not None and verdict.anchor.seq == 10


@pytest.mark.parametrize(
    "attack",
    [
        ["DELETE FROM zdr_audit_events WHERE seq >= 8"],  # the newest events
        ["DELETE FROM zdr_audit_events"],  # every event
        ["DELETE FROM zdr_audit_events", "DELETE FROM zdr_audit_checkpoints"],
    ],
    ids=["newest", "all-events", "everything"],
)
def test_truncation_is_caught_by_the_anchor(db_url: str, tmp_path: Path, attack: list[str]) -> None:
    store, sink = _anchored_store(db_url, tmp_path)
    for statement in attack:
        sql(store, statement)
    assert store.verify().ok  # the chain alone cannot tell
    assert _kinds(store, sink) == ["truncated"]


def test_a_replaced_chain_is_caught_by_the_anchor(db_url: str, tmp_path: Path) -> None:
    store, sink = _anchored_store(db_url, tmp_path)
    # The whole table swapped for another chain signed with the same secret (an
    # older copy of this gateway's data, say) with as many events.
    sql(store, "DELETE FROM zdr_audit_events")
    store.append([event(100 + i) for i in range(12)])
    assert store.verify().ok
    assert _kinds(store, sink) == ["rewritten"]


def test_an_edited_anchor_is_reported(db_url: str, tmp_path: Path) -> None:
    store, sink = _anchored_store(db_url, tmp_path)
    sink.path.write_text(sink.path.read_text().replace('"seq":10', '"seq":3'))
    assert _kinds(store, sink) == ["forged-anchor"]


def test_an_anchor_behind_the_purge_still_checks(db_url: str, tmp_path: Path) -> None:
    store = open_store(db_url)
    store.append([event(i, _days_ago(40)) for i in range(4)])
    head = store.head()
    anchor = Anchor.sign(store.anchor_key, head.seq, head.hash)
    store.append([event(4)])
    assert store.purge(datetime.now(UTC) - RETENTION) == 4
    verdict = store.verify()
    # The anchored event was purged: the checkpoint carries its link.
    assert (
        check_anchor(store.anchor_key, anchor, verdict, verdict.checkpoint, store.link_at) is None
    )
    sql(store, "DELETE FROM zdr_audit_events")
    problem = check_anchor(
        store.anchor_key, anchor, store.verify(), store.checkpoint(), store.link_at
    )
    assert problem is None  # only event 5, after the anchor, went: beyond its reach


def test_database_anchor_sink_keeps_the_newest(tmp_path: Path, pg_url: str) -> None:
    sink = DatabaseSink(open_database(pg_url, Path("unused")))
    for seq in (3, 7, 5):
        sink.write(Anchor.sign(b"k" * 32, seq, f"{seq:064x}"))
    assert max(a.seq for a in sink.read()) == 7
