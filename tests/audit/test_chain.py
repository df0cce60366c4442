"""The chain's verification, fed tampered chains directly: each tampering is named."""

from __future__ import annotations

import dataclasses

import pytest

from zdr.audit.chain import GENESIS, Checkpoint, StoredEvent, link, verify_chain
from zdr.audit.event import canonical_json
from zdr.secret import derive_key

KEY = derive_key(b"s" * 32, "audit-chain")


def make_chain(n: int, start_seq: int = 1, prev: str = GENESIS) -> list[StoredEvent]:
    rows = []
    for i in range(n):
        text = canonical_json({"ts": f"2026-01-01T00:00:{i:02d}", "request_id": f"r{i}"})
        h = link(KEY, prev, text)
        rows.append(StoredEvent(start_seq + i, f"t{i}", text, prev, h))
        prev = h
    return rows


def kinds(rows: list[StoredEvent], checkpoint: Checkpoint | None = None) -> list[tuple[int, str]]:
    links = {r.hash: r.seq for r in rows}
    return [(p.seq, p.kind) for p in verify_chain(KEY, rows, checkpoint, links).problems]


def test_intact_chain_verifies() -> None:
    rows = make_chain(5)
    verdict = verify_chain(KEY, rows, None)
    assert verdict.ok
    assert (verdict.events, verdict.first_seq, verdict.last_seq) == (5, 1, 5)
    assert verdict.last_hash == rows[-1].hash


def test_empty_chain_verifies() -> None:
    assert verify_chain(KEY, [], None).ok


def test_edited_event_is_named() -> None:
    rows = make_chain(5)
    rows[2] = dataclasses.replace(rows[2], event_json=rows[2].event_json.replace("r2", "rX"))
    assert kinds(rows) == [(3, "edited")]


def test_deleted_event_is_named() -> None:
    rows = make_chain(5)
    del rows[2]
    problems = verify_chain(KEY, rows, None).problems
    assert [(p.seq, p.kind) for p in problems] == [(4, "missing")]
    assert "1 event(s) missing before event 4" in problems[0].message


def test_deleted_first_events_without_checkpoint() -> None:
    rows = make_chain(5)[2:]
    assert kinds(rows) == [(3, "missing")]


def test_inserted_event_is_named() -> None:
    rows = make_chain(4)
    forged_text = canonical_json({"ts": "x", "request_id": "forged"})
    forged = StoredEvent(3, "x", forged_text, rows[1].hash, "f" * 64)
    # The forger renumbers the events after it to make room.
    shifted = [dataclasses.replace(r, seq=r.seq + 1) for r in rows[2:]]
    assert kinds([*rows[:2], forged, *shifted]) == [(3, "inserted")]


def test_reordered_events_are_named() -> None:
    rows = make_chain(5)
    a, b = rows[1], rows[2]
    rows[1] = dataclasses.replace(b, seq=2)
    rows[2] = dataclasses.replace(a, seq=3)
    assert kinds(rows) == [(2, "reordered"), (3, "reordered"), (4, "reordered")]


def test_wrong_key_fails_every_event() -> None:
    rows = make_chain(3)
    other = derive_key(b"t" * 32, "audit-chain")
    assert [p.kind for p in verify_chain(other, rows, None).problems] == ["edited"] * 3


def test_only_lookbehind_without_links() -> None:
    rows = make_chain(4)
    rows[1], rows[2] = dataclasses.replace(rows[2], seq=2), dataclasses.replace(rows[1], seq=3)
    found = [(p.seq, p.kind) for p in verify_chain(KEY, rows, None).problems]
    assert found[0] == (2, "missing") and (3, "reordered") in found


def test_chain_after_purge_starts_at_signed_checkpoint() -> None:
    rows = make_chain(6)
    kept = rows[3:]
    cp = Checkpoint.sign(KEY, 4, rows[2].hash, "2026-01-02", 3)
    assert verify_chain(KEY, kept, cp).ok
    # Deleting more than the checkpoint says is caught.
    assert kinds(kept[1:], cp) == [(5, "missing")]


def test_forged_checkpoint_is_named() -> None:
    rows = make_chain(6)
    cp = Checkpoint.sign(KEY, 4, rows[2].hash, "2026-01-02", 3)
    forged = dataclasses.replace(cp, first_seq=5)
    # The checkpoint was moved forward to hide the deletion of event 4: both show.
    assert kinds(rows[4:], forged) == [(5, "forged-checkpoint"), (5, "missing")]


@pytest.mark.parametrize("purpose", ["audit-chain", "audit-fingerprint"])
def test_keys_are_separate_per_purpose(purpose: str) -> None:
    assert derive_key(b"s" * 32, purpose) != derive_key(b"s" * 32, "other")
    assert len(derive_key(b"s" * 32, purpose)) == 32
