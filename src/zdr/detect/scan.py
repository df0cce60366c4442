"""One pass of Hyperscan over a text finds every place where a detector's candidate
can begin (its anchors: keywords, key prefixes, fixed value shapes). Detectors then
confirm only there, with Python's ``re`` and their validators, instead of each
running its own passes over the whole text: a Python regex pass costs 5-20 ms per
0.5 MB, Hyperscan scans every anchor at once at hundreds of MB/s.

Nothing here keeps text: a ``Text`` lives for one detection call.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable, Iterator, KeysView, Sequence
from dataclasses import dataclass

import hyperscan


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a candidate can start. ``pattern`` uses only syntax that Hyperscan and
    Python's ``re`` read alike (no lookaround, no backreferences); ``lower`` scans the
    lower-cased text, so keywords match in any case."""

    name: str
    pattern: str
    lower: bool = False


_NONE: tuple[tuple[int, int], ...] = ()


class Text:
    """A text under examination: the text, its lower-cased form (same offsets; the
    text itself when lower-casing would change its length), and where each anchor
    matched, as (start, end) character offsets."""

    __slots__ = ("_hits", "folded", "low", "raw")

    def __init__(self, raw: str, low: str, hits: dict[str, list[tuple[int, int]]]) -> None:
        self.raw = raw
        self.low = low
        # False when ``low`` is the text itself: a letter whose lower case is longer.
        self.folded = low is not raw
        self._hits = hits

    def has(self, anchor: str) -> bool:
        return anchor in self._hits

    def anchors_found(self) -> KeysView[str]:
        return self._hits.keys()

    def spans(self, anchor: str) -> Sequence[tuple[int, int]]:
        """The matches of ``anchor``: one per start, the shortest, sorted by start."""
        return self._hits.get(anchor, _NONE)

    def starts(self, anchor: str) -> list[int]:
        return [s for s, _ in self._hits.get(anchor, ())]


def matches_at(
    pattern: re.Pattern[str], text: str, spans: Iterable[tuple[int, int]]
) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text)`` finds, tried only at the starts of ``spans``:
    exactly the same matches when they hold every position where a match can begin."""
    last = 0
    for start, _ in spans:
        if start < last:
            continue
        m = pattern.match(text, start)
        if m is not None:
            yield m
            last = max(m.end(), start + 1)


# UCP: \s, \d and \w mean what they mean to Python (Unicode), so an anchor never
# misses a place where the Python pattern would match.
_FLAGS = hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP


class _Database:
    """The anchors of one side (raw or lower-cased text), compiled together."""

    def __init__(self, names: Sequence[str], patterns: Sequence[str]) -> None:
        self.names = tuple(names)
        self.db: hyperscan.Database | None = None
        if patterns:
            self.db = _compile(names, patterns)
        # Scratch space is per scan in progress: one per thread.
        self._local = threading.local()

    def scan(self, text: str) -> list[tuple[int, int, int]]:
        """(anchor index, start, end) in characters."""
        if self.db is None:
            return []
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self.db)
        events: list[tuple[int, int, int]] = []
        append = events.append

        def on_match(index: int, start: int, end: int, flags: int, context: object) -> None:
            append((index, start, end))

        # A lone surrogate cannot be encoded; "?" keeps one byte per character there.
        data = text.encode("utf-8", "replace")
        self.db.scan(data, match_event_handler=on_match, scratch=scratch)
        if events and len(data) != len(text):
            events = _in_characters(data, events)
        return events


def _compile(names: Sequence[str], patterns: Sequence[str]) -> hyperscan.Database:
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        db.compile(
            expressions=[p.encode() for p in patterns],
            ids=list(range(len(patterns))),
            elements=len(patterns),
            flags=[_FLAGS] * len(patterns),
        )
    except hyperscan.error as exc:
        for name, pattern in zip(names, patterns, strict=True):  # which one
            try:
                hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK).compile(
                    expressions=[pattern.encode()], flags=[_FLAGS]
                )
            except hyperscan.error as one:
                raise ValueError(f"anchor {name!r} does not compile: {one}") from None
        raise ValueError(f"anchors do not compile together: {exc}") from None
    return db


def _in_characters(data: bytes, events: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Byte offsets to character offsets: the bytes between consecutive offsets are
    decoded once each, so the whole conversion reads the text once."""
    offsets = sorted({o for _, s, e in events for o in (s, e)})
    chars: dict[int, int] = {}
    last_byte = last_char = 0
    for offset in offsets:
        last_char += len(data[last_byte:offset].decode("utf-8", "replace"))
        last_byte = offset
        chars[offset] = last_char
    return [(i, chars[s], chars[e]) for i, s, e in events]


class Scanner:
    """Every anchor of a set of detectors, compiled once; ``scan`` makes a ``Text``."""

    def __init__(self, anchors: Iterable[Anchor]) -> None:
        by_name: dict[str, Anchor] = {}
        for anchor in anchors:
            known = by_name.setdefault(anchor.name, anchor)
            if known != anchor:
                raise ValueError(f"two different anchors named {anchor.name!r}")
        raw = [a for a in by_name.values() if not a.lower]
        low = [a for a in by_name.values() if a.lower]
        self._raw = _Database([a.name for a in raw], [a.pattern for a in raw])
        self._low = _Database([a.name for a in low], [a.pattern for a in low])

    def scan(self, text: str) -> Text:
        low = text.lower()
        if len(low) != len(text):
            low = text  # offsets must match; keywords then only match lower-case text
        hits: dict[str, list[tuple[int, int]]] = {}
        for db, side in ((self._raw, text), (self._low, low)):
            events = db.scan(side)
            if not events:
                continue
            # By anchor, then start, then end: the first event of a start is its shortest.
            events.sort()
            names = db.names
            last_index = last_start = -1
            spans: list[tuple[int, int]] = []
            for index, start, end in events:
                if index != last_index:
                    spans = hits[names[index]] = []
                    last_index, last_start = index, -1
                if start != last_start:
                    spans.append((start, end))
                    last_start = start
        return Text(text, low, hits)


@functools.cache
def scanner_for(anchors: tuple[Anchor, ...]) -> Scanner:
    """One compiled scanner per set of anchors, shared by every detector set."""
    return Scanner(anchors)
