"""Makes each event durable before its answer ends, then writes it to the store.

Two stages, each with one thread of its own:

1. **Spool** (``durable``/``submit``): events are appended to this process's local
   spool with group commit: whatever arrived while the previous group was being
   written (and fsynced) is written as the next group, so the cost per event stays
   small under load and nothing waits for a timer. ``await durable(event)`` returns
   once its group is written; the request path awaits it before the answer's last
   byte.
2. **Store**: a background task appends what the spool holds to the chain in
   batches every ``flush_interval_seconds`` (sooner when a batch is full), recording
   how far the spool is committed in the same transaction, and runs the retention
   purge. Every store call is bounded: past ``store_timeout_seconds`` (+1 s for a
   call the database's own timeouts did not stop) the store counts as down, so
   ``on_store_failure`` and ``/readyz`` apply within seconds.

A process that dies leaves its spool behind; any gateway process replays such
orphans into the store (at start, then every few seconds). A shutdown with the store
down leaves the spool too: nothing is dropped. Every ``audit.anchor.interval_seconds``
the committed head is written to the configured anchor places.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from zdr.audit.anchor import Sink
from zdr.audit.chain import Anchor
from zdr.audit.event import canonical_json
from zdr.audit.spool import SUFFIX, SpoolFile, SpoolRecord, decode, orphans
from zdr.audit.store import AuditStore, Head
from zdr.config import AuditSettings
from zdr.errors import AuditError

log = logging.getLogger("zdr.audit")

_RETRY_SECONDS = 1.0
_ADOPT_SECONDS = 5.0
# A call the database's own timeouts did not end within this margin is a hung store.
_WATCHDOG_MARGIN = 1.0
AUDIT_UNAVAILABLE = AuditError.code
T = TypeVar("T")


class StoreHung(Exception):
    """A store call outlived its timeout."""


class _Thread:
    """One daemon thread running calls in order. Daemon: a call stuck on a hung disk or
    database must not keep the process from exiting (the spool keeps the events)."""

    def __init__(self, name: str):
        self._calls: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        threading.Thread(target=self._serve, name=name, daemon=True).start()

    def _serve(self) -> None:
        while True:
            self._calls.get()()

    def run(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[T] = loop.create_future()

        def call() -> None:
            try:
                result = fn(*args)
            except BaseException as exc:  # handed to the awaiting task
                loop.call_soon_threadsafe(_settle, fut, None, exc)
            else:
                loop.call_soon_threadsafe(_settle, fut, result, None)

        self._calls.put(call)
        return fut


def _settle(fut: asyncio.Future[Any], result: Any, exc: BaseException | None) -> None:
    if fut.done():
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(result)


@dataclass(slots=True)
class _Queued:
    text: str
    waiter: asyncio.Future[None] | None


class AuditWriter:
    def __init__(
        self,
        store: AuditStore,
        settings: AuditSettings,
        spool_dir: Path,
        anchors: list[Sink] | None = None,
    ):
        self.store = store
        self.settings = settings
        self.spool_dir = spool_dir
        self.anchors = anchors or []
        self._spool: SpoolFile | None = None
        self._to_spool: list[_Queued] = []
        self._spooling: asyncio.Task[None] | None = None
        self._spool_seq = 0
        self._spool_ok = True
        # Spooled, not yet in the store: (spool seq, canonical event JSON).
        self._pending: list[tuple[int, str]] = []
        self._committed_seq = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._spool_thread: _Thread | None = None
        self._store_thread: _Thread | None = None
        self._store_ok = True
        self._stopping = False
        self._next_purge = 0.0
        self._next_adopt = 0.0
        self._next_anchor = 0.0
        self._head: Head | None = None
        self._anchored: Head | None = None
        self._anchoring: asyncio.Task[None] | None = None
        self._closed = False
        self.written = 0
        self.failures = 0
        self.dropped = 0
        self.replayed = 0

    # -- the request path's side -------------------------------------------------------

    async def durable(self, event: dict[str, Any]) -> None:
        """Return once the event is in the spool: it survives a crash from now on.
        Raises ``AuditError`` if the spool cannot be written."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._enqueue(event, waiter)
        await waiter

    def submit(self, event: dict[str, Any]) -> None:
        """Spool the event without waiting (its request has no answer left to hold)."""
        if len(self._pending) >= self.settings.buffer_max_events and (
            event.get("error") == AUDIT_UNAVAILABLE
        ):
            # A request turned away because the store is down never reached upstream;
            # past the bound its record is counted, not kept, so memory stays bounded.
            self.dropped += 1
            return
        self._enqueue(event, None)

    def _enqueue(self, event: dict[str, Any], waiter: asyncio.Future[None] | None) -> None:
        if self._closed:
            # Only a request still running after shutdown finished gets here.
            self.dropped += 1
            log.error("audit event after shutdown: not recorded")
            if waiter is not None:
                _settle(waiter, None, AuditError("The gateway is shutting down."))
            return
        self._to_spool.append(_Queued(canonical_json(event), waiter))
        if self._spooling is None and self._spool is not None:
            self._spooling = asyncio.create_task(self._spool_groups(), name="zdr-audit-spool")

    async def _spool_groups(self) -> None:
        """Group commit: write what is queued as one group, then the next, until none."""
        assert self._spool is not None and self._spool_thread is not None
        try:
            while self._to_spool:
                group, self._to_spool = self._to_spool, []
                records = []
                for item in group:
                    self._spool_seq += 1
                    records.append(SpoolRecord(self._spool_seq, item.text))
                # Everything spooled before this group is committed: start the file over.
                truncate = self._committed_seq == records[0].seq - 1 and self._spool.size > 4 << 20
                try:
                    await self._spool_thread.run(self._spool.append, records, truncate)
                except Exception as exc:
                    self._spool_failed(exc, group)
                else:
                    self._spool_ok = True
                    for item in group:
                        if item.waiter is not None:
                            _settle(item.waiter, None, None)
                # Spooled or not, the store gets them (a spool failure loses nothing
                # the store can still take).
                self._pending.extend((r.seq, r.event_json) for r in records)
                if len(self._pending) >= self.settings.batch_max_events:
                    self._wake.set()
        finally:
            self._spooling = None

    def _spool_failed(self, exc: Exception, group: list[_Queued]) -> None:
        if self._spool_ok:
            log.error("audit spool cannot be written", extra={"error": type(exc).__name__})
        self._spool_ok = False
        self.failures += 1
        err = AuditError("The gateway could not record this request durably.")
        for item in group:
            if item.waiter is not None:
                _settle(item.waiter, None, err)

    @property
    def accepting(self) -> bool:
        """Whether a new request may be served: its event is sure to be kept."""
        up = self._store_ok or self.settings.on_store_failure == "buffer"
        return self._spool_ok and up and len(self._pending) < self.settings.buffer_max_events

    @property
    def healthy(self) -> bool:
        return self._store_ok

    @property
    def pending(self) -> int:
        return len(self._pending) + len(self._to_spool)

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        self._spool_thread = _Thread("zdr-audit-spool")
        self._store_thread = _Thread("zdr-audit-store")
        self._spool = SpoolFile(self.spool_dir, self.settings.spool_fsync)
        if self._to_spool:
            self._spooling = asyncio.create_task(self._spool_groups(), name="zdr-audit-spool")
        self._task = asyncio.create_task(self._run(), name="zdr-audit-writer")

    async def stop(self, timeout: float = 30.0) -> None:
        """Spool what is queued, write the spool to the store (retrying while the
        store recovers, until ``timeout``), then stop. What the store did not take
        stays in the spool for the next start."""
        deadline = time.monotonic() + timeout
        self._stopping = True
        self._wake.set()
        for task in (self._spooling, self._task):
            if task is not None:
                # Let a write in progress finish: cancelling it could commit a batch
                # that then stays pending and is written twice.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(task), _remaining(deadline))
        self._task = None
        while self._pending and time.monotonic() < deadline:
            if not await self._flush(_remaining(deadline)):
                await asyncio.sleep(min(_RETRY_SECONDS, _remaining(deadline)))
        if self._spool is None:
            return
        done = not self._pending and not self._to_spool and self._spooling is None
        self._closed = True
        if done:  # the final head is anchored, after any anchor still being written
            await self._anchor_written(deadline)
            self._anchor(force=True)
        await self._anchor_written(deadline)
        self._spool.close(remove=done)
        if done:
            with contextlib.suppress(Exception):
                await self._call(self.store.forget_spool, self._spool.id, limit=2.0)
        else:
            log.error(
                "audit events left in the spool: the store did not take them before "
                "shutdown; a gateway writes them when it starts",
                extra={"n": self.pending, "spool": str(self._spool.path)},
            )
        self._spool = None

    # -- the background task -----------------------------------------------------------

    async def _run(self) -> None:
        interval = self.settings.flush_interval_seconds
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)
            self._wake.clear()
            if self._stopping:
                return
            if self._pending:
                ok = await self._flush()
            elif not self._store_ok:
                ok = await self._probe()
            else:
                ok = True
            if ok:
                await self._maybe_adopt()
                self._anchor()
                await self._maybe_purge()
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), _RETRY_SECONDS)

    async def _call(self, fn: Callable[..., T], *args: Any, limit: float | None = None) -> T:
        """Run a store call in the store's thread, bounded: once it outlives the
        timeout the store counts as down, and we wait for the call to end (it may
        still commit, so it is never started twice)."""
        assert self._store_thread is not None
        fut = self._store_thread.run(fn, *args)
        watchdog = self.settings.store_timeout_seconds + _WATCHDOG_MARGIN
        first = watchdog if limit is None else min(watchdog, limit)
        try:
            return await asyncio.wait_for(asyncio.shield(fut), first)
        except TimeoutError:
            self._mark_failed(StoreHung())
        if limit is not None:
            return await asyncio.wait_for(fut, max(0.0, limit - first))
        return await fut

    async def _flush(self, limit: float | None = None) -> bool:
        assert self._spool is not None
        batch = self._pending[: self.settings.batch_max_events]
        mark = (self._spool.id, batch[-1][0])
        try:
            head = await self._call(
                self.store.append_json, [text for _, text in batch], mark, limit=limit
            )
        except Exception as exc:
            self._mark_failed(exc)
            return False
        # New events were appended behind the batch meanwhile; drop only the batch.
        del self._pending[: len(batch)]
        self._committed_seq = mark[1]
        self.written += len(batch)
        self._head = head
        self._mark_ok()
        return True

    async def _probe(self) -> bool:
        try:
            await self._call(self.store.ping)
        except Exception as exc:
            self._mark_failed(exc)
            return False
        self._mark_ok()
        return True

    def _mark_failed(self, exc: BaseException) -> None:
        self.failures += 1
        if self._store_ok:
            log.error(
                "audit store unavailable",
                extra={
                    "error": type(exc).__name__,
                    "pending": self.pending,
                    "on_store_failure": self.settings.on_store_failure,
                },
            )
        self._store_ok = False

    def _mark_ok(self) -> None:
        if not self._store_ok:
            log.info("audit store available again", extra={"pending": self.pending})
        self._store_ok = True

    # -- orphaned spools, anchors, retention -------------------------------------------

    async def _maybe_adopt(self) -> None:
        now = time.monotonic()
        if now < self._next_adopt:
            return
        self._next_adopt = now + _ADOPT_SECONDS
        own = self._spool.id if self._spool is not None else None
        try:
            n = await self._call(replay_orphans, self.store, self.spool_dir, own)
        except Exception as exc:
            log.error("audit spool replay failed", extra={"error": type(exc).__name__})
            return
        if n:
            self.replayed += n
            log.warning(
                "audit events replayed from a spool left by a stopped process", extra={"n": n}
            )

    def _anchor(self, force: bool = False) -> None:
        """Write the committed head to the anchor places, in a task of its own (a slow
        command must not hold up the store writes)."""
        head, now = self._head, time.monotonic()
        if not self.anchors or head is None or head == self._anchored:
            return
        if self._anchoring is not None or (not force and now < self._next_anchor):
            return
        self._next_anchor = now + self.settings.anchor.interval_seconds
        self._anchored = head
        anchor = Anchor.sign(self.store.anchor_key, head.seq, head.hash)
        self._anchoring = asyncio.create_task(self._write_anchor(anchor), name="zdr-audit-anchor")

    async def _anchor_written(self, deadline: float) -> None:
        if self._anchoring is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._anchoring), _remaining(deadline) + 1)

    async def _write_anchor(self, anchor: Anchor) -> None:
        try:
            await self._write_to_sinks(anchor)
        finally:
            self._anchoring = None

    async def _write_to_sinks(self, anchor: Anchor) -> None:
        for sink in self.anchors:
            try:
                await asyncio.to_thread(sink.write, anchor)
            except Exception as exc:
                log.error(
                    "audit anchor not written",
                    extra={"sink": type(sink).__name__, "error": type(exc).__name__},
                )

    async def _maybe_purge(self) -> None:
        now = time.monotonic()
        if now < self._next_purge:
            return
        self._next_purge = now + self.settings.purge_interval_seconds
        cutoff = datetime.now(UTC) - timedelta(days=self.settings.retention_days)
        try:
            purged = await self._call(self.store.purge, cutoff)
        except Exception as exc:
            log.error("audit purge failed", extra={"error": type(exc).__name__})
            self._next_purge = now + _RETRY_SECONDS * 60
            return
        if purged:
            log.info("audit events purged", extra={"n": purged})


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


def replay_orphans(store: AuditStore, spool_dir: Path, own: str | None = None) -> int:
    """Append to the store what the spools of stopped processes hold and it lacks.
    Returns how many events were appended."""
    appended = 0
    for orphan in orphans(spool_dir, own):
        try:
            mark = store.spool_mark(orphan.id)
            missing = [r for r in orphan.records() if r.seq > mark]
            for i in range(0, len(missing), 2000):
                chunk = missing[i : i + 2000]
                store.append_json([r.event_json for r in chunk], (orphan.id, chunk[-1].seq))
                appended += len(chunk)
        except BaseException:
            orphan.release()
            raise
        orphan.finish()
        store.forget_spool(orphan.id)
    return appended


def spooled_not_stored(store: AuditStore, spool_dir: Path) -> int:
    """How many events the spools hold that the store does not (yet): a running
    gateway's recent events, or those a stopped one left for the next start."""
    total = 0
    for path in sorted(spool_dir.glob(f"*{SUFFIX}")) if spool_dir.is_dir() else []:
        try:
            records = decode(path.read_bytes())
        except FileNotFoundError:
            continue
        mark = store.spool_mark(path.name.removesuffix(SUFFIX))
        total += sum(1 for r in records if r.seq > mark)
    return total
