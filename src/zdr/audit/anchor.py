"""The head anchor: the chain's last link, signed, kept in a second place.

The chain alone cannot show that its newest events were deleted, or that every row
and checkpoint was: what is left still verifies. So the gateway writes the head it
committed (sequence number and hash, signed with a key derived from its secret)
every ``audit.anchor.interval_seconds`` to places the operator chooses: a file
(replaced atomically), a second database (a row per anchor, the newest kept), or a
command that receives the anchor as one JSON line on its standard input (a log
shipper, ``logger``, an object store client). ``zdr audit verify`` reads the file
and the database, or an anchor given with ``--anchor``, and checks that the chain
still holds the anchored event with the anchored hash.

An anchor is as good as the place it is kept: one the database's writers cannot
write (another machine, another account, an append-only log).
"""

from __future__ import annotations

import hmac
import os
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from zdr.audit.chain import Anchor, Checkpoint, Problem, Verdict
from zdr.config import AnchorSettings
from zdr.db import Database, open_database

if TYPE_CHECKING:
    from zdr.audit.store import AuditStore

_SCHEMA = """
CREATE TABLE IF NOT EXISTS zdr_audit_anchors (
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    written_at TEXT NOT NULL,
    signature TEXT NOT NULL
)
"""
_COMMAND_TIMEOUT = 10.0


def newest(anchors: Iterable[Anchor]) -> Anchor | None:
    return max(anchors, key=lambda a: (a.seq, a.written_at), default=None)


def read_anchor_lines(text: str) -> list[Anchor]:
    """Anchors from JSON lines (a file, or what a log shipper kept); other lines skipped."""
    out = []
    for line in text.splitlines():
        if line.strip().startswith("{"):
            try:
                out.append(Anchor.from_json(line.strip()))
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                continue
    return out


class FileSink:
    def __init__(self, path: Path):
        self.path = path

    def write(self, anchor: Anchor) -> None:
        # Replaced whole (write, fsync, rename): a reader never sees half an anchor.
        part = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, anchor.to_json() + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(part, self.path)

    def read(self) -> list[Anchor]:
        try:
            return read_anchor_lines(self.path.read_text())
        except FileNotFoundError:
            return []


class DatabaseSink:
    def __init__(self, db: Database):
        self.db = db
        db.execute_script(_SCHEMA)

    def write(self, anchor: Anchor) -> None:
        with self.db.transaction() as db:
            db.execute(
                self.db.sql(
                    "INSERT INTO zdr_audit_anchors (seq, hash, written_at, signature) "
                    "VALUES (?, ?, ?, ?)"
                ),
                (anchor.seq, anchor.hash, anchor.written_at, anchor.signature),
            )
            # The newest anchor says all an older one does (the chain links them).
            db.execute(self.db.sql("DELETE FROM zdr_audit_anchors WHERE seq < ?"), (anchor.seq,))

    def read(self) -> list[Anchor]:
        with self.db.transaction() as db:
            rows = db.execute(
                "SELECT seq, hash, written_at, signature FROM zdr_audit_anchors "
                "ORDER BY seq DESC LIMIT 10"
            ).fetchall()
        return [Anchor(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


class CommandSink:
    """Runs the operator's command with the anchor as one JSON line on stdin."""

    def __init__(self, argv: list[str]):
        self.argv = argv

    def write(self, anchor: Anchor) -> None:
        subprocess.run(
            self.argv,
            input=anchor.to_json() + b"\n",
            check=True,
            timeout=_COMMAND_TIMEOUT,
            stdout=subprocess.DEVNULL,
        )

    def read(self) -> list[Anchor]:
        return []  # what the command kept is read back with `zdr audit verify --anchor`


Sink = FileSink | DatabaseSink | CommandSink


def open_sinks(settings: AnchorSettings, sqlite_dir: Path) -> list[Sink]:
    sinks: list[Sink] = []
    if settings.file is not None:
        sinks.append(FileSink(settings.file))
    if settings.database_url is not None:
        db = open_database(settings.database_url, sqlite_dir / "anchor.db")
        sinks.append(DatabaseSink(db))
    if settings.command:
        sinks.append(CommandSink(list(settings.command)))
    return sinks


def check_anchor(
    key: bytes,
    anchor: Anchor,
    verdict: Verdict,
    checkpoint: Checkpoint | None,
    link_at: Callable[[int], str | None],
) -> Problem | None:
    """Whether the chain still holds the anchored head; ``link_at(seq)`` reads a hash."""
    when = f"the anchor written at {anchor.written_at}"
    if not anchor.valid(key):
        return Problem(
            anchor.seq, "forged-anchor", f"{when} has an invalid signature: it was edited"
        )
    if verdict.last_seq is not None:
        end = verdict.last_seq
    else:
        end = checkpoint.first_seq - 1 if checkpoint is not None else 0
    if anchor.seq > end:
        return Problem(
            anchor.seq,
            "truncated",
            f"{when} names event {anchor.seq}, but the chain ends at {end}: "
            f"{anchor.seq - end} or more of its newest events were deleted",
        )
    if checkpoint is not None and anchor.seq < checkpoint.first_seq - 1:
        return None  # anchored before the retained part: the purge removed it
    if checkpoint is not None and anchor.seq == checkpoint.first_seq - 1:
        stored: str | None = checkpoint.prev_hash
    else:
        stored = link_at(anchor.seq)
    if stored is None or not hmac.compare_digest(stored, anchor.hash):
        return Problem(
            anchor.seq,
            "rewritten",
            f"event {anchor.seq} is not the one {when} names: the chain was replaced",
        )
    return None


def verify_anchored(store: AuditStore, sinks: list[Sink], given: list[Anchor]) -> Verdict:
    """Verify the chain, then compare it with the newest valid anchor found in the
    sinks that can be read back and in ``given`` (e.g. ``--anchor FILE``)."""
    verdict = store.verify()
    found = list(given)
    for sink in sinks:
        found.extend(sink.read())
    valid = [a for a in found if a.valid(store.anchor_key)]
    anchor = newest(valid) or newest(found)
    if anchor is None:
        return verdict
    verdict.anchor = anchor
    problem = check_anchor(store.anchor_key, anchor, verdict, verdict.checkpoint, store.link_at)
    if problem is not None:
        verdict.problems.append(problem)
    return verdict
