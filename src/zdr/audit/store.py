"""The audit store: the chain's rows and checkpoints, on SQLite or PostgreSQL.

``append`` links a batch of events to the chain inside one transaction that holds
the writers' lock (``Database.transaction(lock=True)``), so any number of gateway
processes, on one machine or many, extend a single chain that verifies. The same
transaction records how far a spool has been committed (``zdr_audit_spool_marks``).

Nothing outside the chain decides what the tools do: the ``ts`` column is filled
from the event for people reading the table, but the purge, ``--since`` and the
report read the time inside each chained event, and the purge cuts only a prefix
that verifies.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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
);
CREATE TABLE IF NOT EXISTS zdr_audit_spool_marks (
    spool TEXT PRIMARY KEY,
    last_seq BIGINT NOT NULL
)
"""

_READ_BATCH = 5000
# Rows cut per purge transaction: the writers' lock is held for one chunk at a time.
_PURGE_CHUNK = 5000


class ChainBroken(Exception):
    """The purge found a row that does not verify: it cuts nothing past it."""

    def __init__(self, seq: int, why: str):
        super().__init__(f"event {seq}: {why}; run `zdr audit verify`")
        self.seq = seq


@dataclass(frozen=True, slots=True)
class Head:
    """The last link of the chain: its sequence number and hash."""

    seq: int
    hash: str


def event_time(event_json: str) -> datetime | None:
    """The time chained inside an event (``None`` if it has none that parses)."""
    try:
        ts = orjson.loads(event_json).get("ts")
        when = datetime.fromisoformat(ts) if isinstance(ts, str) else None
    except (orjson.JSONDecodeError, ValueError, AttributeError):
        return None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


class AuditStore:
    def __init__(self, db: Database, secret: bytes):
        self.db = db
        self.chain_key = derive_key(secret, "audit-chain")
        self.fingerprint_key = derive_key(secret, "audit-fingerprint")
        self.anchor_key = derive_key(secret, "audit-anchor")
        db.execute_script(_SCHEMA)

    # -- writing -----------------------------------------------------------------------

    def append(self, events: Sequence[dict[str, Any]]) -> Head:
        return self.append_json([canonical_json(e) for e in events])

    def append_json(self, texts: Sequence[str], mark: tuple[str, int] | None = None) -> Head:
        """Link and insert canonical event texts, in order, as one transaction; with
        ``mark`` (spool id, last spool seq), record that the spool is committed so far."""
        with self.db.transaction(lock=True) as db:
            seq, prev = self._head(db)
            rows = []
            for text in texts:
                h = link(self.chain_key, prev, text)
                seq += 1
                when = event_time(text)
                ts = when.isoformat(timespec="microseconds") if when else utc_now_iso()
                rows.append((seq, ts, text, prev, h))
                prev = h
            if rows:
                db.cursor().executemany(
                    self.db.sql(
                        "INSERT INTO zdr_audit_events (seq, ts, event, prev_hash, hash) "
                        "VALUES (?, ?, ?, ?, ?)"
                    ),
                    rows,
                )
            if mark is not None:
                db.execute(
                    self.db.sql(
                        "INSERT INTO zdr_audit_spool_marks (spool, last_seq) VALUES (?, ?) "
                        "ON CONFLICT (spool) DO UPDATE SET last_seq = excluded.last_seq"
                    ),
                    mark,
                )
        return Head(seq, prev)

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

    def head(self) -> Head:
        with self.db.transaction() as db:
            return Head(*self._head(db))

    def ping(self) -> None:
        """Raise if the store cannot be reached."""
        with self.db.transaction() as db:
            db.execute("SELECT 1 FROM zdr_audit_events LIMIT 1").fetchall()

    # -- spools ------------------------------------------------------------------------

    def spool_mark(self, spool: str) -> int:
        """The last sequence number of ``spool`` that the store holds (0: none)."""
        with self.db.transaction() as db:
            row = db.execute(
                self.db.sql("SELECT last_seq FROM zdr_audit_spool_marks WHERE spool = ?"),
                (spool,),
            ).fetchone()
        return int(row[0]) if row else 0

    def forget_spool(self, spool: str) -> None:
        with self.db.transaction() as db:
            db.execute(self.db.sql("DELETE FROM zdr_audit_spool_marks WHERE spool = ?"), (spool,))

    # -- retention ---------------------------------------------------------------------

    def purge(self, before: datetime) -> int:
        """Delete the oldest events: the prefix of the chain whose own times are all
        before ``before``, and only as far as it verifies.

        Each chunk is checked under the writers' lock (link, order and the time
        inside the event) before it is cut and a signed checkpoint is left. A row
        that does not verify stops the purge with ``ChainBroken``: cutting it would
        destroy the evidence. Events written out of time order by another process
        stop the cut until they, too, are past retention: nothing younger than the
        retention is ever cut.
        """
        cutoff = before.astimezone(UTC)
        total = 0
        while True:
            with self.db.transaction(lock=True) as db:
                cut, reached_young = self._purge_chunk(db, cutoff)
            total += cut
            if reached_young or cut < _PURGE_CHUNK:
                return total

    def _purge_chunk(self, db: Any, cutoff: datetime) -> tuple[int, bool]:
        cp = self._latest_checkpoint(db)
        expected_seq, expected_prev = 1, GENESIS
        if cp is not None:
            if not cp.valid(self.chain_key):
                raise ChainBroken(cp.first_seq, "the checkpoint's signature is invalid")
            expected_seq, expected_prev = cp.first_seq, cp.prev_hash
        page = db.execute(
            self.db.sql(
                "SELECT seq, event, prev_hash, hash FROM zdr_audit_events ORDER BY seq LIMIT ?"
            ),
            (_PURGE_CHUNK,),
        ).fetchall()
        last: tuple[int, str] | None = None
        reached_young = False
        for seq, text, prev_hash, h in page:
            seq, text = int(seq), str(text)
            if seq != expected_seq or prev_hash != expected_prev:
                raise ChainBroken(seq, "it does not follow the event before it")
            if link(self.chain_key, str(prev_hash), text) != h:
                raise ChainBroken(seq, "it does not match its hash")
            when = event_time(text)
            if when is None or when >= cutoff:
                reached_young = True
                break
            last = (seq, str(h))
            expected_seq, expected_prev = seq + 1, str(h)
        if last is None:
            return 0, True
        cur = db.execute(self.db.sql("DELETE FROM zdr_audit_events WHERE seq <= ?"), (last[0],))
        purged = int(cur.rowcount)
        cp = Checkpoint.sign(self.chain_key, last[0] + 1, last[1], utc_now_iso(), purged)
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
        return purged, reached_young or len(page) < _PURGE_CHUNK

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

    def rows(self) -> Iterator[StoredEvent]:
        """Stored events in chain order, read in pages (one short transaction each)."""
        after = 0
        while True:
            with self.db.transaction() as db:
                page = db.execute(
                    self.db.sql(
                        "SELECT seq, ts, event, prev_hash, hash FROM zdr_audit_events "
                        "WHERE seq > ? ORDER BY seq LIMIT ?"
                    ),
                    (after, _READ_BATCH),
                ).fetchall()
            for seq, ts, event, prev_hash, h in page:
                yield StoredEvent(int(seq), str(ts), str(event), str(prev_hash), str(h))
            if len(page) < _READ_BATCH:
                return
            after = int(page[-1][0])

    def events(self, since: datetime | None = None) -> Iterator[dict[str, Any]]:
        """The events in chain order; ``since`` compares the time inside each event
        (the ``ts`` column is outside the chain and is not trusted)."""
        for row in self.rows():
            event: dict[str, Any] = orjson.loads(row.event_json)
            if since is not None and not _at_or_after(event.get("ts"), since):
                continue
            event["seq"] = row.seq
            yield event

    def link_at(self, seq: int) -> str | None:
        with self.db.transaction() as db:
            row = db.execute(
                self.db.sql("SELECT hash FROM zdr_audit_events WHERE seq = ?"), (seq,)
            ).fetchone()
        return str(row[0]) if row else None

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


def _at_or_after(ts: object, since: datetime) -> bool:
    if not isinstance(ts, str):
        return True  # an event without a readable time is shown, never hidden
    try:
        when = datetime.fromisoformat(ts)
    except ValueError:
        return True
    return (when if when.tzinfo else when.replace(tzinfo=UTC)) >= since
