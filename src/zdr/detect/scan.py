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
from collections.abc import Iterable, KeysView, Sequence
from dataclasses import dataclass
from typing import Final, cast

import hyperscan

from zdr.detect.model import in_c, lower


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a candidate can start. ``pattern`` uses only syntax that Hyperscan and
    Python's ``re`` read alike (no lookaround, no backreferences); a ``lower`` anchor
    is matched on the lower-cased text, so keywords match in any case."""

    name: str
    pattern: str
    lower: bool = False
    # Not right after an ASCII letter or digit, "_" or one of these characters (None:
    # anywhere). Checked by the scan itself, so places inside longer tokens are not
    # reported; the detector still checks the word start in full (other scripts).
    word_start: str | None = None

    def expression(self) -> str:
        if self.word_start is None:
            return self.pattern
        others = "".join("\\" + c for c in self.word_start)
        return f"[^0-9A-Za-z_{others}](?:{self.pattern})"


def char_class(characters: Iterable[str]) -> str:
    """A Hyperscan character class of exactly these characters (\\x{...} ranges)."""
    codes = sorted({ord(c) for c in characters})
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        first, last = f"\\x{{{codes[i]:x}}}", f"\\x{{{codes[j]:x}}}"
        parts.append(f"{first}-{last}" if j > i else first)
        i = j + 1
    return "[" + "".join(parts) + "]"


# Every decimal digit lies below this code point (a test reads all of Unicode to hold
# this true for the Python in use); reading only this far keeps start-up fast.
DIGITS_BELOW: Final = 0x20000

# Decimal digits of other scripts: a text without any can be searched with [0-9],
# which Python's regex engine scans faster than \d.
OTHER_DIGITS: Final = Anchor(
    "digit.other",
    char_class(c for c in map(chr, range(128, DIGITS_BELOW)) if c.isdecimal()),
)

# For an anchor: a superset of Python's \d (any ASCII digit or any non-ASCII character).
# \d under UCP is Unicode's digit table in UTF-8, which made the databases larger by
# ~300 KB in all (measured: raw 560 -> 425 KB, lower-case 575 -> 416 KB); an anchor
# only marks where a detector's own regex is tried, so a superset finds the same.
DIGIT: Final = r"(?:[0-9]|[^\x00-\x7f])"


def each_then(alternatives: str, suffix: str) -> str:
    """``(?:alternatives)suffix`` written as each alternative followed by ``suffix``:
    the same matches, but Hyperscan compiles a long alternation before a shared
    suffix into a slower engine. Measured (callgrind) on the gateway's chat request:
    the lower-case database's scan 79.8k -> 54.6k instructions with the street
    words', boxes' and units' anchors so written; an alternation that cost nothing
    extra (address.after_type, person.cue) cost more so: measure before using it."""
    return "|".join(a + suffix for a in top_level(alternatives))


def top_level_positions(pattern: str) -> list[int]:
    """Where each character (or escape) of ``pattern`` begins that stands at its top
    level: not inside a group or a character class."""
    out: list[int] = []
    depth = i = 0
    in_class = False
    while i < len(pattern):
        c = pattern[i]
        if depth == 0 and not in_class:
            out.append(i)
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        i += 1
    return out


def top_level(pattern: str) -> list[str]:
    """The alternatives of ``pattern`` at its top level (not inside a group or a
    character class)."""
    bars = [i for i in top_level_positions(pattern) if pattern[i] == "|"]
    return [pattern[a + 1 : b] for a, b in zip([-1, *bars], [*bars, len(pattern)], strict=True)]


_NONE: Final[tuple[tuple[int, int], ...]] = ()

# Per anchor name: one (start, end) per start, the shortest, sorted by start.
Hits = dict[str, list[tuple[int, int]]]


class Text:
    """A text under examination: the text, its lower-cased form (same offsets), and
    where each anchor matched, as (start, end) character offsets."""

    __slots__ = ("_hits", "low", "raw")

    def __init__(self, raw: str, low: str, hits: Hits) -> None:
        self.raw = raw
        self.low = low
        self._hits = hits

    def has(self, anchor: str) -> bool:
        return anchor in self._hits

    def anchors_found(self) -> KeysView[str]:
        return self._hits.keys()

    def spans(self, anchor: str) -> Sequence[tuple[int, int]]:
        """The matches of ``anchor``: one per start, the shortest, sorted by start."""
        return self._hits.get(anchor, _NONE)


def matches_from(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> list[re.Match[str]]:
    """What ``pattern.finditer(text)`` finds, tried only at ``starts`` (ascending):
    exactly the same matches when they hold every position where a match can begin."""
    out: list[re.Match[str]] = []
    last = 0
    for start in starts:
        if start < last:
            continue
        m = pattern.match(text, start)
        if m is not None:
            out.append(m)
            last = max(m.end(), start + 1)
    return out


def matches_at(
    pattern: re.Pattern[str], text: str, spans: Sequence[tuple[int, int]]
) -> list[re.Match[str]]:
    """matches_from at the starts of an anchor's ``spans``."""
    return matches_from(pattern, text, [start for start, _ in spans]) if spans else []


# UCP: \s, \d and \w mean what they mean to Python (Unicode), so an anchor never
# misses a place where the Python pattern would match.
_FLAGS: Final = hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP


class _Database:
    """Anchors compiled together, scanned in one call per text."""

    def __init__(self, anchors: Sequence[Anchor]) -> None:
        self.names = tuple(a.name for a in anchors)
        # The text is scanned behind a one-space sentinel, which a word_start anchor's
        # boundary character may match: its pattern starts one further, at the match
        # start itself; other matches move back by the sentinel.
        self.start_shift = tuple(0 if a.word_start is not None else 1 for a in anchors)
        self.db: hyperscan.Database | None = None
        if anchors:
            self.db = _compile(self.names, [a.expression() for a in anchors])
        # Scratch space is per scan in progress: one per thread.
        self._local = threading.local()

    def scan(self, text: str, hits: Hits) -> None:
        """Adds the (start, end) character offsets of each anchor found to ``hits``."""
        if self.db is None:
            return
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self.db)
        found: list[int] = []
        # A lone surrogate cannot be encoded; "?" keeps one byte per character there.
        data = b" " + text.encode("utf-8", "replace")
        # Positional arguments: the binding parses keywords by building a dict and
        # making a str of each name per call (~4k instructions, two scans a text).
        self.db.scan(data, _collect, 0, found, scratch)
        if found:
            utf8 = data if len(data) != len(text) + 1 else None
            _add_hits(hits, found, self.names, self.start_shift, utf8)


def collect(index: int, start: int, end: int, flags: int, found: object) -> None:
    """Hyperscan's match callback: keeps each match in ``found`` (a list of ints, the
    scan's context) as its anchor's index, start and end. The reference for
    ``zdr.detect._runs`` (C), a call that runs no Python code."""
    cast("list[int]", found).extend((index, start, end))


def add_hits(
    hits: Hits,
    found: list[int],
    names: tuple[str, ...],
    shift: tuple[int, ...],
    data: bytes | None,
) -> None:
    """Adds to ``hits`` what one scan ``found`` (index, start and end of each match,
    byte offsets of the scanned data): each anchor's matches by name, in characters
    (``data`` is given when bytes are not characters), moved back by the anchor's
    shift, one per start, sorted. The reference for ``zdr.detect._runs`` (C)."""
    by_index: dict[int, list[tuple[int, int]]] = {}
    for k in range(0, len(found), 3):
        by_index.setdefault(found[k], []).append((found[k + 1], found[k + 2]))
    if data is not None:
        by_index = _in_characters(data, by_index)
    for index, spans in by_index.items():
        back = shift[index]
        # A pattern whose first character matched the sentinel starts the text.
        hits[names[index]] = _first_per_start(
            sorted((max(start - back, 0), end - 1) for start, end in spans)
        )


def _first_per_start(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans, keeping the first (the shortest) of each start."""
    kept: list[tuple[int, int]] = []
    last: int | None = None
    for start, end in spans:
        if start != last:
            kept.append((start, end))
            last = start
    return kept


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


# 1 for a byte that starts a UTF-8 character, 0 for a continuation byte.
_CHARACTER_STARTS: Final = bytes(0 if 0x80 <= b < 0xC0 else 1 for b in range(256))


def _in_characters(
    data: bytes, found: dict[int, list[tuple[int, int]]]
) -> dict[int, list[tuple[int, int]]]:
    """Byte offsets to character offsets: the characters before an offset are the
    bytes there that start one, counted at C speed between consecutive offsets (the
    whole conversion reads the text once)."""
    starts = data.translate(_CHARACTER_STARTS)
    chars: dict[int, int] = {}
    last_byte = last_char = 0
    for offset in sorted({o for spans in found.values() for span in spans for o in span}):
        last_char += starts.count(1, last_byte, offset)
        last_byte = offset
        chars[offset] = last_char
    return {i: [(chars[s], chars[e]) for s, e in spans] for i, spans in found.items()}


_collect: Final = in_c("collect", collect)
_add_hits: Final = in_c("add_hits", add_hits)


class Scanner:
    """Every anchor of a set of detectors, compiled once; ``scan`` makes a ``Text``."""

    def __init__(self, anchors: Iterable[Anchor]) -> None:
        by_name: dict[str, Anchor] = {}
        for anchor in anchors:
            known = by_name.setdefault(anchor.name, anchor)
            if known != anchor:
                raise ValueError(f"two different anchors named {anchor.name!r}")
        # Two databases: matching the lower-cased text for keywords is faster than
        # asking Hyperscan to fold case (measured: 1.0 vs 2.5 ms per 0.5 MB).
        self._raw = _Database([a for a in by_name.values() if not a.lower])
        self._low = _Database([a for a in by_name.values() if a.lower])

    def scan(self, text: str) -> Text:
        low = lower(text)
        if len(low) != len(text):
            # U+0130 (Turkish dotted capital I) is the one character whose lower case
            # is two: read it as "I" so the offsets still match.
            low = lower(text.replace("\u0130", "I"))
        hits: Hits = {}
        self._raw.scan(text, hits)
        self._low.scan(low, hits)
        return Text(text, low, hits)


@functools.cache
def scanner_for(anchors: tuple[Anchor, ...]) -> Scanner:
    """One compiled scanner per set of anchors, shared by every detector set."""
    return Scanner(anchors)
