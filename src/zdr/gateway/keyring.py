"""The gateway's view of the key store: an in-memory map from key hash to key.

Refreshed in the background so revocations reach every replica within
``refresh_seconds``; a key created after the last refresh is found on first use by
a direct look-up, so ``zdr keys create`` works at once.
"""

from __future__ import annotations

import asyncio
import logging
import time

from zdr.keys.model import VirtualKey, hash_key
from zdr.keys.store import KeyStore

log = logging.getLogger("zdr.keys")
_NEGATIVE_CACHE_MAX = 10_000


class Keyring:
    def __init__(self, store: KeyStore, refresh_seconds: float = 2.0):
        self.store = store
        self.refresh_seconds = refresh_seconds
        self._by_hash: dict[str, VirtualKey] = {}
        self._misses: dict[str, float] = {}
        self.healthy = False
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.refresh()
        self._task = asyncio.get_running_loop().create_task(self._refresh_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    async def refresh(self) -> None:
        try:
            self._by_hash = await asyncio.to_thread(self.store.active_keys)
            self._misses.clear()
            self.healthy = True
        except Exception as exc:  # store down: keep the last good map, report not ready
            self.healthy = False
            log.error("key store refresh failed", extra={"error": type(exc).__name__})

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self.refresh_seconds)
            await self.refresh()

    async def lookup(self, presented: str) -> VirtualKey | None:
        digest = hash_key(presented)
        key = self._by_hash.get(digest)
        if key is not None:
            return key
        now = time.monotonic()
        missed = self._misses.get(digest)
        if missed is not None and now - missed < self.refresh_seconds:
            return None
        found = await asyncio.to_thread(self.store.find, digest)
        if found is not None and found.active:
            self._by_hash[digest] = found
            return found
        if len(self._misses) >= _NEGATIVE_CACHE_MAX:
            self._misses.clear()
        self._misses[digest] = now
        return None
