"""The audit hash chain: how links and checkpoints are computed, and how a chain is
checked.

Each stored event carries ``prev_hash`` (the link of the event before it) and
``hash = HMAC(chain_key, prev_hash "\\n" event_json)``. The link is keyed so that
someone who can write the database but does not hold the gateway's secret cannot
forge or re-chain events. A purge deletes a prefix of the chain and leaves a signed
checkpoint naming the first kept sequence number and the link it must follow. An
anchor is a signed copy of the head kept elsewhere (``anchor.py``).

Verification is a pure function of the rows and checkpoints, so tests feed it
tampered chains directly as well as through real stores.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS = "0" * 64


def link(chain_key: bytes, prev_hash: str, event_json: str) -> str:
    mac = hmac.new(chain_key, prev_hash.encode(), hashlib.sha256)
    mac.update(b"\n")
    mac.update(event_json.encode())
    return mac.hexdigest()


@dataclass(frozen=True, slots=True)
class StoredEvent:
    seq: int
    ts: str
    event_json: str
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Where the chain starts after a purge: the first kept event and its prev link."""

    first_seq: int
    prev_hash: str
    created_at: str
    purged: int
    signature: str

    @staticmethod
    def sign(
        chain_key: bytes, first_seq: int, prev_hash: str, created_at: str, purged: int
    ) -> Checkpoint:
        sig = _checkpoint_mac(chain_key, first_seq, prev_hash, created_at, purged)
        return Checkpoint(first_seq, prev_hash, created_at, purged, sig)

    def valid(self, chain_key: bytes) -> bool:
        expected = _checkpoint_mac(
            chain_key, self.first_seq, self.prev_hash, self.created_at, self.purged
        )
        return hmac.compare_digest(expected, self.signature)


def _checkpoint_mac(key: bytes, first_seq: int, prev_hash: str, created_at: str, n: int) -> str:
    message = f"checkpoint\n{first_seq}\n{prev_hash}\n{created_at}\n{n}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Anchor:
    seq: int
    hash: str
    written_at: str
    signature: str

    @staticmethod
    def sign(key: bytes, seq: int, head: str, written_at: str | None = None) -> Anchor:
        at = written_at or datetime.now(UTC).isoformat(timespec="microseconds")
        return Anchor(seq, head, at, _mac(key, seq, head, at))

    def valid(self, key: bytes) -> bool:
        return hmac.compare_digest(_mac(key, self.seq, self.hash, self.written_at), self.signature)

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "seq": self.seq,
                "hash": self.hash,
                "written_at": self.written_at,
                "sig": self.signature,
            }
        )

    @staticmethod
    def from_json(data: bytes | str) -> Anchor:
        obj: Any = orjson.loads(data)
        return Anchor(int(obj["seq"]), str(obj["hash"]), str(obj["written_at"]), str(obj["sig"]))


def _mac(key: bytes, seq: int, head: str, at: str) -> str:
    return hmac.new(key, f"anchor\n{seq}\n{head}\n{at}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Problem:
    seq: int
    kind: str  # edited | missing | inserted | reordered | renumbered | forged-checkpoint
    message: str


@dataclass(slots=True)
class Verdict:
    events: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    last_hash: str | None = None
    checkpoint: Checkpoint | None = None
    # The head anchor the chain was compared with, if one was found.
    anchor: Anchor | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(
    chain_key: bytes,
    rows: Iterable[StoredEvent],
    checkpoint: Checkpoint | None,
    links: dict[str, int] | None = None,
) -> Verdict:
    """Walk the events in sequence order and report every break, naming the event.

    ``rows`` must be ordered by ``seq``. ``links`` (every stored link -> its seq, read
    in a first pass) tells a reordered event from a deleted one; without it, only
    links seen earlier in the walk are known. Memory: one link per event.
    """
    verdict = Verdict(checkpoint=checkpoint)
    expected_seq, expected_prev = 1, GENESIS
    if checkpoint is not None:
        expected_seq, expected_prev = checkpoint.first_seq, checkpoint.prev_hash
        if not checkpoint.valid(chain_key):
            verdict.problems.append(
                Problem(
                    checkpoint.first_seq,
                    "forged-checkpoint",
                    f"the checkpoint at seq {checkpoint.first_seq} has an invalid signature: "
                    "it was edited or written without the gateway's secret",
                )
            )
    seen: dict[str, int] = dict(links) if links is not None else {}
    prev_row: StoredEvent | None = None
    prev_valid = True
    link_before_prev = ""
    for row in rows:
        verdict.events += 1
        if verdict.first_seq is None:
            verdict.first_seq = row.seq
        verdict.last_seq, verdict.last_hash = row.seq, row.hash
        valid = hmac.compare_digest(link(chain_key, row.prev_hash, row.event_json), row.hash)
        if not valid:
            verdict.problems.append(
                Problem(
                    row.seq,
                    "edited",
                    f"event {row.seq} does not match its hash: it was edited, or written "
                    "without the gateway's secret",
                )
            )
        elif row.prev_hash != expected_prev:
            problem = _classify_break(
                row, expected_seq, prev_row, prev_valid, link_before_prev, seen
            )
            if (
                problem.kind == "inserted"
                and verdict.problems[-1:]
                and (verdict.problems[-1].seq == problem.seq)
            ):
                verdict.problems.pop()  # reported as edited a moment ago; it was inserted
            verdict.problems.append(problem)
        elif row.seq != expected_seq:
            verdict.problems.append(
                Problem(row.seq, "renumbered", f"event {row.seq} was expected at {expected_seq}")
            )
        seen[row.hash] = row.seq
        link_before_prev = expected_prev
        expected_seq, expected_prev = row.seq + 1, row.hash
        prev_row, prev_valid = row, valid
    return verdict


def _classify_break(
    row: StoredEvent,
    expected_seq: int,
    prev_row: StoredEvent | None,
    prev_valid: bool,
    link_before_prev: str,
    seen: dict[str, int],
) -> Problem:
    """A valid event whose prev link does not match the event stored before it."""
    if prev_row is not None and not prev_valid and row.prev_hash == link_before_prev:
        return Problem(
            prev_row.seq,
            "inserted",
            f"event {prev_row.seq} is not part of the chain: it was inserted between "
            f"the events before and after it",
        )
    if row.prev_hash in seen:
        return Problem(
            row.seq,
            "reordered",
            f"event {row.seq} follows event {seen[row.prev_hash]} in the chain but is "
            f"stored after {f'event {prev_row.seq}' if prev_row else 'the start'}: "
            "events were reordered",
        )
    gap = row.seq - expected_seq
    where = "at the start of the chain" if prev_row is None else f"after event {prev_row.seq}"
    count = f"{gap} event(s)" if gap > 0 else "one or more events"
    return Problem(row.seq, "missing", f"{count} missing before event {row.seq} ({where}): deleted")
