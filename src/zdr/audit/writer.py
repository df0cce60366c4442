"""Writes audit events off the request path, in batches, and runs the retention purge.

``submit`` only appends to a list; a background task flushes every
``flush_interval_seconds`` (or sooner when a batch is full) through a worker thread.
Events are removed from memory only once their transaction committed, so a store
outage loses nothing: the gateway stops taking requests (``on_store_failure:
refuse``) or keeps buffering up to ``buffer_max_events`` and then stops. ``stop``
flushes everything still pending.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from zdr.audit.store import AuditStore
from zdr.config import AuditSettings
from zdr.errors import AuditError

log = logging.getLogger("zdr.audit")

_RETRY_SECONDS = 1.0
AUDIT_UNAVAILABLE = AuditError.code


class AuditWriter:
    def __init__(self, store: AuditStore, settings: AuditSettings):
        self.store = store
        self.settings = settings
        self._pending: list[dict[str, Any]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._store_ok = True
        self._stopping = False
        self._next_purge = 0.0
        self.written = 0
        self.failures = 0
        self.dropped = 0

    # -- the request path's side -------------------------------------------------------

    def submit(self, event: dict[str, Any]) -> None:
        if len(self._pending) >= self.settings.buffer_max_events and (
            event.get("error") == AUDIT_UNAVAILABLE
        ):
            # A request turned away because the store is down never reached upstream;
            # past the bound its record is counted, not kept, so memory stays bounded.
            self.dropped += 1
            return
        self._pending.append(event)
        if len(self._pending) >= self.settings.batch_max_events:
            self._wake.set()

    @property
    def accepting(self) -> bool:
        """Whether a new request may be served: its event is sure to be kept."""
        up = self._store_ok or self.settings.on_store_failure == "buffer"
        return up and len(self._pending) < self.settings.buffer_max_events

    @property
    def healthy(self) -> bool:
        return self._store_ok

    @property
    def pending(self) -> int:
        return len(self._pending)

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="zdr-audit-writer")

    async def stop(self, timeout: float = 30.0) -> None:
        """Flush what is pending (retrying while the store recovers), then stop."""
        if self._task is not None:
            # Let a flush in progress finish: cancelling it could commit a batch
            # that then stays pending and is written twice.
            self._stopping = True
            self._wake.set()
            await self._task
            self._task = None
        deadline = time.monotonic() + timeout
        while self._pending:
            if await self._flush():
                continue
            if time.monotonic() > deadline:
                log.error("audit events not written at shutdown", extra={"n": self.pending})
                return
            await asyncio.sleep(min(_RETRY_SECONDS, max(0.0, deadline - time.monotonic())))

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
                await self._maybe_purge()
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), _RETRY_SECONDS)

    async def _flush(self) -> bool:
        batch = self._pending[: self.settings.batch_max_events]
        try:
            await asyncio.to_thread(self.store.append, batch)
        except Exception as exc:
            self._mark_failed(exc)
            return False
        # New events were appended behind the batch meanwhile; drop only the batch.
        del self._pending[: len(batch)]
        self.written += len(batch)
        self._mark_ok()
        return True

    async def _probe(self) -> bool:
        try:
            await asyncio.to_thread(self.store.ping)
        except Exception as exc:
            self._mark_failed(exc)
            return False
        self._mark_ok()
        return True

    def _mark_failed(self, exc: Exception) -> None:
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

    async def _maybe_purge(self) -> None:
        now = time.monotonic()
        if now < self._next_purge:
            return
        self._next_purge = now + self.settings.purge_interval_seconds
        cutoff = datetime.now(UTC) - timedelta(days=self.settings.retention_days)
        try:
            purged = await asyncio.to_thread(self.store.purge, cutoff)
        except Exception as exc:
            log.error("audit purge failed", extra={"error": type(exc).__name__})
            self._next_purge = now + _RETRY_SECONDS * 60
            return
        if purged:
            log.info("audit events purged", extra={"n": purged})
