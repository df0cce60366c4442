"""CPU work sized by its input: a small input is handled on the event loop (a thread
hop would cost more than the work); a large one in a worker thread, so the loop keeps
serving other requests meanwhile (detection and restoring run at a few MB/s)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def off_the_loop_above(size: int, above: int, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)``, in a worker thread when ``size`` (bytes) is over ``above``."""
    if size > above:
        return await asyncio.to_thread(fn, *args)
    return fn(*args)
