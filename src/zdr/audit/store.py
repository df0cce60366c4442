"""The audit store: the chain's rows and checkpoints, on SQLite or PostgreSQL.

``append`` links a batch of events to the chain inside one transaction that holds
the writers' lock (``Database.transaction(lock=True)``), so any number of gateway
processes, on one machine or many, extend a single chain that verifies.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from zdr.audit.chain import (
    GENESIS,
    Checkpoint,
    StoredEvent,
    Verdict,
    link,
    verify_chain,
)
from zdr.audit.event import canonical_json, utc_now_iso
from zdr.db import Database
from zdr.secret import derive_key

_SCHEMA = """
CREATE TABLE IF NOT EXISTS zdr_audit_events (
    seq BIGINT PRIMARY KEY,
    ts TEXT NOT NULL,
    event TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS zdr_audit_events_ts ON zdr_audit_events (ts);
CREATE TABLE IF NOT EXISTS zdr_audit_checkpoints (
    first_seq BIGINT PRIMARY KEY,
    prev_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    purged BIGINT NOT NULL,
    signature TEXT NOT NULL
)
"""

_READ_BATCH = 5000


class AuditStore:
    def __init__(self, db: Database, secret: bytes):
        self.db = db
        self.chain_key = derive_key(secret, "audit-chain")
        self.fingerprint_key = derive_key(secret, "audit-fingerprint")
        db.execute_script(_SCHEMA)

    # -- writing -----------------------------------------------------------------------

    def append(self, events: Sequence[dict[str, Any]]) -> None:
        """Link and insert the events, in order, as one transaction."""
        if not events:
            return
        with self.db.transaction(lock=True) as db:
            seq, prev = self._head(db)
            rows = []
            for event in events:
                text = canonical_json(event)
                h = link(self.chain_key, prev, text)
                seq += 1
                rows.append((seq, str(event.get("ts") or utc_now_iso()), text, prev, h))
                prev = h
            db.cursor().executemany(
                self.db.sql(
                    "INSERT INTO zdr_audit_events (seq, ts, event, prev_hash, hash) "
                    "VALUES (?, ?, ?, ?, ?)"
                ),
                rows,
            )

    def _head(self, db: Any) -> tuple[int, str]:
        """The last sequence number and link: from the last event, else the checkpoint."""
        row = db.execute(
            "SELECT seq, hash FROM zdr_audit_events ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        if row is not None:
            return int(row[0]), str(row[1])
        cp = self._latest_checkpoint(db)
        if cp is not None:
            return cp.first_seq - 1, cp.prev_hash
        return 0, GENESIS

    def ping(self) -> None:
        """Raise if the store cannot be reached."""
        with self.db.transaction() as db:
            db.execute("SELECT 1 FROM zdr_audit_events LIMIT 1").fetchall()

    # -- retention ---------------------------------------------------------------------

    def purge(self, before: datetime) -> int:
        """Delete the oldest events, up to the last one stamped before ``before``.

        The chain is cut as a prefix, so a few events written slightly out of time
        order (by another process) may go with it: nothing is kept past retention.
        """
        cutoff = before.astimezone(UTC).isoformat(timespec="microseconds")
        with self.db.transaction(lock=True) as db:
            row = db.execute(
                self.db.sql("SELECT MAX(seq) FROM zdr_audit_events WHERE ts < ?"), (cutoff,)
            ).fetchone()
            if row is None or row[0] is None:
                return 0
            last = int(row[0])
            link_row = db.execute(
                self.db.sql("SELECT hash FROM zdr_audit_events WHERE seq = ?"), (last,)
            ).fetchone()
            cur = db.execute(self.db.sql("DELETE FROM zdr_audit_events WHERE seq <= ?"), (last,))
            purged = int(cur.rowcount)
            cp = Checkpoint.sign(self.chain_key, last + 1, str(link_row[0]), utc_now_iso(), purged)
            db.execute(
                self.db.sql(
                    "INSERT INTO zdr_audit_checkpoints "
                    "(first_seq, prev_hash, created_at, purged, signature) VALUES (?, ?, ?, ?, ?)"
                ),
                (cp.first_seq, cp.prev_hash, cp.created_at, cp.purged, cp.signature),
            )
            # Older checkpoints describe events that are gone; the latest one suffices.
            db.execute(
                self.db.sql("DELETE FROM zdr_audit_checkpoints WHERE first_seq < ?"),
                (cp.first_seq,),
            )
        return purged

    # -- reading -----------------------------------------------------------------------

    def _latest_checkpoint(self, db: Any) -> Checkpoint | None:
        row = db.execute(
            "SELECT first_seq, prev_hash, created_at, purged, signature "
            "FROM zdr_audit_checkpoints ORDER BY first_seq DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        return Checkpoint(int(row[0]), str(row[1]), str(row[2]), int(row[3]), str(row[4]))

    def checkpoint(self) -> Checkpoint | None:
        with self.db.transaction() as db:
            return self._latest_checkpoint(db)

    def rows(self, since: datetime | None = None) -> Iterator[StoredEvent]:
        """Stored events in chain order, read in pages (one short transaction each)."""
        after = 0
        cutoff = since.astimezone(UTC).isoformat(timespec="microseconds") if since else ""
        while True:
            with self.db.transaction() as db:
                page = db.execute(
                    self.db.sql(
                        "SELECT seq, ts, event, prev_hash, hash FROM zdr_audit_events "
                        "WHERE seq > ? AND ts >= ? ORDER BY seq LIMIT ?"
                    ),
                    (after, cutoff, _READ_BATCH),
                ).fetchall()
            for seq, ts, event, prev_hash, h in page:
                yield StoredEvent(int(seq), str(ts), str(event), str(prev_hash), str(h))
            if len(page) < _READ_BATCH:
                return
            after = int(page[-1][0])

    def events(self, since: datetime | None = None) -> Iterator[dict[str, Any]]:
        for row in self.rows(since):
            event: dict[str, Any] = orjson.loads(row.event_json)
            event["seq"] = row.seq
            yield event

    def count(self) -> int:
        with self.db.transaction() as db:
            return int(db.execute("SELECT COUNT(*) FROM zdr_audit_events").fetchone()[0])

    def links(self) -> dict[str, int]:
        links: dict[str, int] = {}
        with self.db.transaction() as db:
            for seq, h in db.execute("SELECT seq, hash FROM zdr_audit_events"):
                links[str(h)] = int(seq)
        return links

    def verify(self) -> Verdict:
        return verify_chain(self.chain_key, self.rows(), self.checkpoint(), self.links())
