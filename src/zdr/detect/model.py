"""What a detector returns: labelled character spans of the text it was given."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Final, NamedTuple, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from zdr.detect.scan import Anchor, Text

LABELS: Final = (
    "PERSON",
    "EMAIL",
    "PHONE",
    "CREDIT_CARD",
    "IBAN",
    "US_SSN",
    "IP_ADDRESS",
    "URL",
    "DATE_OF_BIRTH",
    "STREET_ADDRESS",
    "USERNAME",
    "API_KEY",
    "SECRET",
)

# When two spans overlap, the more specific (earlier) label wins at equal length.
PRIORITY: Final = {
    label: i
    for i, label in enumerate(
        (
            "SECRET",
            "API_KEY",
            "CREDIT_CARD",
            "IBAN",
            "US_SSN",
            "EMAIL",
            "URL",
            "IP_ADDRESS",
            "DATE_OF_BIRTH",
            "PHONE",
            "STREET_ADDRESS",
            "USERNAME",
            "PERSON",
        )
    )
}


class Span(NamedTuple):
    """A finding: ``text[start:end]`` is a value of ``label``. A tuple, so that making
    one (thousands per megabyte) costs no more than a tuple; ordered by position."""

    start: int
    end: int
    label: str


_Function = TypeVar("_Function", bound=Callable[..., Any])


def in_c(name: str, reference: _Function) -> _Function:
    """``zdr.detect._runs.<name>`` (C) when zdr was built with a C compiler, else its
    Python ``reference``: the same answers (tests hold each pair equal)."""
    try:
        from zdr.detect import _runs
    except ImportError:
        return reference
    return cast(_Function, getattr(_runs, name))


def span(start: int, end: int, label: str) -> Span:
    """``Span(start, end, label)``, which runs a NamedTuple's constructor as
    interpreted Python; this makes the same tuple in C (thousands a text)."""
    return _new_span(Span, start, end, label)


def _new_span_in_python(type_: type[Span], start: int, end: int, label: str) -> Span:
    """What ``zdr.detect._runs.span`` makes."""
    return tuple.__new__(type_, (start, end, label))


_new_span: Final = in_c("span", _new_span_in_python)


def word_starts(text: str, first: str, not_after: str) -> list[int]:
    """Each position where a character of ``first`` begins a word: not right after a
    letter, digit or "_" (a regex's \\w), nor after one of ``not_after``. The
    reference for ``zdr.detect._runs`` (C)."""
    also = "_" + not_after
    return [p for p, c in enumerate(text) if c in first and starts_word(text, p, also)]


# CPython's own str.lower, called as a function: compiled code would otherwise use
# mypyc's version, which for any non-ASCII text decodes into a buffer of 12 bytes a
# character and lower-cases without the Greek final-sigma rule (a different text).
lower: Final = str.lower


def starts_word(text: str, i: int, also: str = "_") -> bool:
    """No letter, digit or one of ``also`` right before ``i``. Checked in code rather
    than by a regex lookbehind, which would disable the regex engine's fast scan."""
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] in also)


def text_before(text: str, start: int, width: int) -> str:
    """The ``width`` characters before ``start``, lower-cased: where a context word is read."""
    return text[max(0, start - width) : start].lower()


def occurrences(text: str, needle: str) -> list[int]:
    """Every position where ``needle`` occurs in ``text``, overlapping ones too (at
    C speed: one str.find per occurrence)."""
    found = []
    pos = text.find(needle)
    while pos >= 0:
        found.append(pos)
        pos = text.find(needle, pos + 1)
    return found


# A run of letters and digits (str.isalnum): what indexes a long text's words.
ALNUM_RUN: Final = re.compile(r"[^\W_]+")


def values_at_runs(text: str, index: dict[str, list[tuple[int, str]]]) -> list[tuple[int, str]]:
    """(position, value) wherever ``text`` holds a value of ``index``, which lists each
    value under one of its runs of letters and digits with that run's offset in it: a
    value is compared only where its run occurs in the text as a whole run (one pass
    over a long text for thousands of values). In text order, then index order. The
    reference for ``zdr.detect._runs`` (C), which makes no object for a run that is no
    key of the index, nor for a comparison."""
    found: list[tuple[int, str]] = []
    for run in ALNUM_RUN.finditer(text):
        candidates = index.get(run.group())
        if candidates is not None:
            for offset, value in candidates:
                pos = run.start() - offset
                if pos >= 0 and text.startswith(value, pos):
                    found.append((pos, value))
    return found


# What the detectors call: the C loop when built.
at_runs: Final = in_c("values_at_runs", values_at_runs)


_EMAIL_LOCAL_CHARS: Final = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-"


def local_part_start(text: str, at: int) -> int:
    """Where the e-mail local part before the "@" at ``at`` begins (at most 64
    characters back)."""
    # What rstrip takes off the 64 characters before is the local part (C speed).
    before = text[max(0, at - 64) : at]
    return at - (len(before) - len(before.rstrip(_EMAIL_LOCAL_CHARS)))


class Detector(Protocol):
    """Finds spans of some labels. ``name`` is what configuration turns on or off;
    ``anchors`` are where its candidates can begin, found for it in the shared scan
    (``Text.spans``); ``find`` reads ``Text.raw`` (and ``Text.low``) only there, or
    wherever it must."""

    @property
    def name(self) -> str: ...
    @property
    def labels(self) -> tuple[str, ...]: ...
    @property
    def anchors(self) -> tuple[Anchor, ...]: ...

    # A detector may also say ``anchored = True``: it finds nothing unless one of
    # its anchors matched, so it need not be called then.

    def find(self, text: Text) -> Iterable[Span]: ...
