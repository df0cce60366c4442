"""Disguised values: the text as detectors should read it, and the way back.

A value can be written so that it reads the same to a person or a model but not to a
pattern: ``jo\\u200bhn@example.com`` (a zero-width space inside),
``ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ`` (full-width forms),
``john%40example.com`` (percent-encoding), a key split by soft hyphens.
``normalize`` gives the text with those undone (its *view*) and a map from the view's
offsets back to the text's, so that a finding in the view covers exactly
the characters of the original value, the invisible ones inside it included.

Cost is what decides the shape. Escapes are ASCII: a search for "%" (at C speed)
comes before anything else, and a text with an escape of a value character
(letters, digits, ``@ . - _ + ~``; not ``%20``, ``%2F`` or ``%3D``, which hold a URL's
structure and are in most URLs) beside another value character is decoded before
it is scanned. Other disguises are one more anchor of the shared scan (``DISGUISE``,
no pass of its own), narrow enough that ordinary text rarely sets it off: a
full-width letter, digit or ``＠ ． － ＿ ＋`` (not the full-width commas and brackets
of Chinese and Japanese text), a mathematical letter, a tag character, an invisible
character, which counts only between two characters a value is made of (not the
joiners of emoji or of Persian and Indic words; ``normalize`` reads its
neighbours). Only a text with a disguise is normalized, and scanned again: the runs
between disguises are copied as slices, each disguise is handled once, and the map
holds one breakpoint per disguise, never one per character.

What is undone:

- **invisible characters** are left out: format characters (Unicode category Cf:
  zero-width space, joiners, word joiner, soft hyphen, byte-order mark, direction
  marks and embeddings, invisible operators), the combining grapheme joiner and
  variation selectors;
- **compatibility forms of ASCII** are read as ASCII (what NFKC makes of them, one
  character for one): full-width forms U+FF01-FF5E, the ideographic space, the
  mathematical letters and digits (bold, italic, script, double-struck, monospace:
  U+1D400-1D7FF), and the tag characters U+E0020-E007E, which mirror ASCII invisibly
  (text hidden in them reaches a model that reads them);
- **percent-escapes** of ASCII letters, digits and ``@ . - _ + ~`` are decoded
  (``%40`` -> ``@``); not of other characters (``%20``, ``%2F``: a URL's structure),
  nor UTF-8 sequences (``%C3%A9``).

NFKC over the whole text is not applied: it changes lengths (ligatures, composed
accents) everywhere, which a map without per-character entries cannot follow, and
changes text that disguises nothing (superscripts, fractions, Roman numerals).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from typing import Final

from zdr.detect.model import Span, span
from zdr.detect.scan import Anchor, char_class

# Shown to nobody; left out of the view. Every format character (Cf) of the Basic
# Multilingual Plane and the tag block (tests/detect/test_normalize.py holds this
# list to unicodedata), the combining grapheme joiner and the variation selectors.
_INVISIBLE_RANGES: Final = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner (Mn, shown as nothing)
    (0x0600, 0x0605),  # Arabic number signs
    (0x061C, 0x061C),  # Arabic letter mark
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),  # Mongolian vowel separator
    (0x200B, 0x200F),  # zero-width space, non-joiner, joiner; direction marks
    (0x202A, 0x202E),  # direction embeddings and overrides
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x206F),  # direction isolates, deprecated format characters
    (0xFE00, 0xFE0F),  # variation selectors (Mn)
    (0xFEFF, 0xFEFF),  # zero-width no-break space (byte-order mark)
    (0xFFF9, 0xFFFB),  # interlinear annotation
    (0xE0000, 0xE001F),  # language tag and unassigned tags
    (0xE007F, 0xE007F),  # cancel tag
)
INVISIBLE: Final = frozenset(
    chr(c) for first, last in _INVISIBLE_RANGES for c in range(first, last + 1)
)


def _ascii_forms() -> dict[int, str]:
    """Characters read as the one ASCII character they stand for."""
    table = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}  # full-width forms
    table[0x3000] = " "  # ideographic space
    for c in range(0x1D400, 0x1D800):  # mathematical letters and digits
        form = unicodedata.normalize("NFKC", chr(c))
        if len(form) == 1 and form.isascii() and form.isalnum():
            table[c] = form
    for c in range(0xE0020, 0xE007F):  # tag characters mirror printable ASCII
        table[c] = chr(c - 0xE0000)
    return table


ASCII_FORMS: Final = _ascii_forms()

# Percent-escapes of the characters values are made of (hex digits in either case).
_ESCAPE: Final = r"%(?:2[BbDdEe]|3[0-9]|4[0-9A-Fa-f]|5[0-9AaFf]|6[1-9A-Fa-f]|7[0-9AaEe])"

_DISGUISED_FORMS: Final = char_class(
    "０１２３４５６７８９＠＋－．＿"
    + "".join(chr(c) for c in range(0xFF21, 0xFF3B))
    + "".join(chr(c) for c in range(0xFF41, 0xFF5B))
)

# Where the scan reports a disguise of other characters than ASCII, each alternative
# one character: Hyperscan tracks where a match of variable length starts at a cost
# (an invisible character between two value characters as one pattern doubled the
# scan's time), so the characters around an invisible one are read in ``normalize``.
# Escapes are ASCII: ``decode_escapes`` finds them before the scan.
DISGUISE: Final = Anchor(
    "disguise",
    "|".join(
        (
            char_class(sorted(INVISIBLE)),
            _DISGUISED_FORMS,
            r"[\x{1d400}-\x{1d7ff}\x{e0000}-\x{e007f}]",
        )
    ),
)

# An invisible character disguises a value only between two characters a value is
# made of: ASCII letters and digits, "@ . - _ + %", Latin letters with accents
# (names), ASCII forms. Not the joiners of emoji or of Persian and Indic words.
_VALUE_SIDE: Final = frozenset(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz@._+-%"
    + "".join(chr(c) for c in range(0xC0, 0x250) if chr(c).isalpha())
    + "".join(chr(c) for c in ASCII_FORMS)
)


def _python_class(characters: set[str] | frozenset[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(characters)) + "]"


# What is undone where the scan found a disguise: a run of invisible characters, a
# run of ASCII forms, or one escape.
_INVISIBLE_RUN: Final = _python_class(INVISIBLE) + "+"
_FORM_RUN: Final = _python_class({chr(c) for c in ASCII_FORMS}) + "+"
_PIECE: Final = re.compile(f"({_ESCAPE})|({_INVISIBLE_RUN})|{_FORM_RUN}")
# What is undone before a match too: the first characters of the run it ends.
_BESIDE: Final = INVISIBLE | {chr(c) for c in ASCII_FORMS}


class Normalized:
    """A text's view (``text``) and the way from the view's offsets to the original's.

    The map is a list of segments, sorted by where each starts in the view
    (``_view_at``) and in the original (``_original_at``); a segment of ``_width`` 0
    is copied (offsets move together), one of width w > 0 is one view character that
    stands for w original ones (an escape). Invisible characters are the gaps
    between segments."""

    __slots__ = ("_original_at", "_view_at", "_width", "text")

    def __init__(self, text: str, view_at: list[int], original_at: list[int], width: list[int]):
        self.text = text
        self._view_at = view_at
        self._original_at = original_at
        self._width = width

    def start(self, at: int) -> int:
        """Where the view's character at ``at`` begins in the original."""
        i = bisect_right(self._view_at, at) - 1
        if self._width[i]:
            return self._original_at[i]
        return self._original_at[i] + at - self._view_at[i]

    def end(self, at: int) -> int:
        """Where the view's characters before ``at`` end in the original (invisible
        characters after them not included)."""
        i = bisect_right(self._view_at, at - 1) - 1
        if self._width[i]:
            return self._original_at[i] + self._width[i]
        return self._original_at[i] + at - self._view_at[i]

    def to_original(self, spans: list[Span]) -> list[Span]:
        """The spans of the view, over the original text (still sorted and apart:
        the map keeps order). Spans before the first disguise stay as they are, those
        after the last move by one shift; between, one walk along spans and segments
        together."""
        view_at, original_at, width = self._view_at, self._original_at, self._width
        last = len(view_at) - 1
        k = 0  # the spans before the first disguise are the view's own
        if not width[0] and not original_at[0]:  # the text does not begin with one
            if not last:  # only ASCII forms: as many characters as the view
                return spans
            k = bisect_right(spans, (view_at[1],))
            while k and spans[k - 1].end > view_at[1]:
                k -= 1
        out = spans[:k]
        shift = original_at[last] - view_at[last]
        i = 0
        for n in range(k, len(spans)):
            start, end, label = spans[n]
            if start >= view_at[last] and not width[last]:  # past the last disguise
                out.append(span(start + shift, end + shift, label))
                continue
            while i < last and view_at[i + 1] <= start:
                i += 1
            moved = original_at[i] if width[i] else original_at[i] + start - view_at[i]
            j = i
            while j < last and view_at[j + 1] < end:
                j += 1
            if width[j]:
                end = original_at[j] + width[j]
            else:
                end = original_at[j] + end - view_at[j]
            out.append(span(moved, end, label))
        return out


# A run of escapes; the literal "%" first lets the regex engine skip to each "%" (as
# "(?:...)+" it tried the pattern at every character: 150 M instructions per 0.5 MB).
_ESCAPES: Final = re.compile(f"{_ESCAPE}(?:{_ESCAPE})*")


def decode_escapes(text: str) -> Normalized | None:
    """``text`` with its percent-escapes of value characters decoded (and whatever
    disguise stands beside them undone), or None when it has none: escapes are ASCII,
    so a search for "%" finds them before the scan, and a text holding one is
    scanned once, as its view. An escape counts only beside a character a value is
    made of (invisible ones between them aside): not the ``"%2d"`` of a format
    string."""
    if "%" not in text:
        return None
    found: list[tuple[int, int]] = []
    for m in _ESCAPES.finditer(text):
        before, after = m.start() - 1, m.end()
        while before >= 0 and text[before] in INVISIBLE:
            before -= 1
        while after < len(text) and text[after] in INVISIBLE:
            after += 1
        if (before >= 0 and text[before] in _VALUE_SIDE) or (
            after < len(text) and text[after] in _VALUE_SIDE
        ):
            found.append(m.span())
    return normalize(text, found) if found else None


def normalize(text: str, disguises: Sequence[tuple[int, int]]) -> Normalized | None:
    """``text`` as detectors should read it, given where the scan found ``DISGUISE``
    (its matches, sorted); None when nothing there needs undoing after all. Each match
    holds one disguise; the disguises beside it (a run of escapes, forms and invisible
    characters in any order) are undone with it."""
    pieces: list[str] = []
    view_at = [0]
    original_at = [0]
    width = [0]

    def segment(view: int, original: int, chars: int) -> None:
        if view_at[-1] == view:  # an empty segment before it (invisible characters)
            original_at[-1], width[-1] = original, chars
        else:
            view_at.append(view)
            original_at.append(original)
            width.append(chars)

    copied = 0  # the original's characters before this are in ``pieces``
    passed = 0  # invisible characters before this were judged ordinary
    view_length = 0
    for hit, hit_end in disguises:
        if hit < copied or hit < passed:
            continue
        if text[hit] in INVISIBLE:
            left, right = hit, hit_end
            while left > copied and text[left - 1] in INVISIBLE:
                left -= 1
            while right < len(text) and text[right] in INVISIBLE:
                right += 1
            if not (
                left > 0
                and right < len(text)
                and text[left - 1] in _VALUE_SIDE
                and text[right] in _VALUE_SIDE
            ):
                passed = right
                continue
        m = _PIECE.search(text, max(hit, copied), hit_end)
        if m is not None:
            start = m.start()
            while start > copied and text[start - 1] in _BESIDE:  # "（３", "a\u00ad%72"
                start -= 1
            m = _PIECE.match(text, start)  # the whole run, also past the match
        while m is not None:
            start, end = m.start(), m.end()
            pieces.append(text[copied:start])
            view_length += start - copied
            if m.group(1) is not None:  # an escape: one view character for three
                pieces.append(chr(int(text[start + 1 : end], 16)))
                segment(view_length, start, end - start)
                view_length += 1
                segment(view_length, end, 0)
            elif m.group(2) is not None:  # invisible: left out, the map skips it
                segment(view_length, end, 0)
            else:  # ASCII forms: as many characters, the offsets move together
                pieces.append(m.group().translate(ASCII_FORMS))
                view_length += end - start
            copied = end
            m = _PIECE.match(text, end)
    if not pieces:
        return None
    pieces.append(text[copied:])
    return Normalized("".join(pieces), view_at, original_at, width)
