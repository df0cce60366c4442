"""The local append-only spool: where an event is durable before the store has it.

Each gateway process appends its events, in groups, to its own spool file
(``<spool_dir>/<id>.spool``, 0600) and holds an exclusive ``flock`` on it while it
lives. One line per event: ``<seq> <crc32> <canonical event JSON>``. The store
records, in the same transaction as the events, the last spool sequence number it
committed from each spool (``zdr_audit_spool_marks``), so a spool can be replayed any
number of times without writing an event twice.

When a process dies, even by ``kill -9``, the kernel drops its lock; any gateway
process (at start, then every few seconds) takes the lock of such an orphan, appends
the events the store lacks, and removes the file. A torn last line (the process died
inside a write) fails its checksum and is ignored: its request had not been answered.

The spool holds exactly what the store holds (content-free events), never content.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from zdr.db import ensure_private_dir

SUFFIX = ".spool"


@dataclass(frozen=True, slots=True)
class SpoolRecord:
    seq: int
    event_json: str


def encode(records: list[SpoolRecord]) -> bytes:
    lines = []
    for r in records:
        data = r.event_json.encode()
        lines.append(b"%d %08x %s\n" % (r.seq, zlib.crc32(data), data))
    return b"".join(lines)


def decode(data: bytes) -> list[SpoolRecord]:
    """The records up to the first line that is torn or does not match its checksum."""
    out: list[SpoolRecord] = []
    for line in data.split(b"\n")[:-1]:  # the part after the last newline is torn
        try:
            seq, crc, payload = line.split(b" ", 2)
            if int(crc, 16) != zlib.crc32(payload):
                break
            out.append(SpoolRecord(int(seq), payload.decode()))
        except ValueError:
            break
    return out


class SpoolFile:
    """This process's spool: appended in groups, each group one write (and fsync)."""

    def __init__(self, directory: Path, fsync: bool = True):
        ensure_private_dir(directory)
        self.id = secrets.token_hex(8)
        self.path = directory / f"{self.id}{SUFFIX}"
        self.fsync = fsync
        self.size = 0
        # Locked under another name first: a file with the spool suffix is never
        # seen unlocked by a process looking for orphans.
        hidden = directory / f".{self.id}.new"
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL
        self._fd = os.open(hidden, flags, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(hidden, self.path)

    def append(self, records: list[SpoolRecord], truncate_first: bool = False) -> None:
        """Write the records; when this returns they survive the process (and, with
        ``fsync``, the machine) stopping. ``truncate_first`` drops what is there,
        which the caller knows the store already holds."""
        if truncate_first:
            os.ftruncate(self._fd, 0)
            self.size = 0
        data = memoryview(encode(records))
        while data:
            n = os.write(self._fd, data)
            data = data[n:]
            self.size += n
        if self.fsync:
            os.fdatasync(self._fd)

    def close(self, remove: bool) -> None:
        """Stop using the spool; ``remove`` only once the store holds all of it.
        Removed before the lock is released, so nobody replays a finished spool."""
        if remove:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        os.close(self._fd)


@dataclass(slots=True)
class Orphan:
    """A spool whose process is gone, locked by us until ``finish`` or ``release``."""

    id: str
    path: Path
    fd: int

    def records(self) -> list[SpoolRecord]:
        with open(self.fd, "rb", closefd=False) as f:
            f.seek(0)
            return decode(f.read())

    def finish(self) -> None:
        """The store holds every record: remove the file, then let go of it."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        os.close(self.fd)

    def release(self) -> None:
        os.close(self.fd)


def orphans(directory: Path, own: str | None = None) -> Iterator[Orphan]:
    """The spools in ``directory`` that no living process holds, each locked for us."""
    if not directory.is_dir():
        return
    for path in sorted(directory.glob(f"*{SUFFIX}")):
        spool_id = path.name.removesuffix(SUFFIX)
        if spool_id == own:
            continue
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            # Another process may have finished it between our open and our lock.
            if os.fstat(fd).st_ino != os.stat(path).st_ino:
                raise FileNotFoundError(path)
        except (BlockingIOError, FileNotFoundError):
            os.close(fd)
            continue
        yield Orphan(spool_id, path, fd)
