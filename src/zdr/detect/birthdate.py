"""Dates of birth: a date after a birth word, or in a birth-date column."""

from __future__ import annotations

import bisect
import re
from datetime import date
from typing import Final

from zdr.detect.model import (
    Span,
    in_c,
    span,
    word_starts,
)
from zdr.detect.scan import Anchor, Text, matches_at, matches_from

_MONTHS: Final = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december|januar|februar|märz|mai|juni|juli|"
    "oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|"
    "novembre|décembre|gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|"
    "ottobre|dicembre|enero|febrero|abril|mayo|junio|julio|septiembre|octubre|noviembre|"
    "diciembre|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|"
    "januari|februari|maart|mei|augustus|"
    # the claimed languages' abbreviations ("3 févr. 1991", "9 okt 1980", "12 dic. 1975")
    "janv|févr|fevr|avr|juil|déc|ene|abr|ago|dic|mär|okt|dez|gen|mag|giu|lug|set|ott|mrt|"
    "fev|out"
)


def _by_first_letter(words: list[str]) -> str:
    """An alternation of ``words`` that the regex engine tries in the same order, but
    grouped by first letter: one test per group, not one per word (~70 month names
    were tried at every word start). Words of different first letters never match at
    the same place, so the regroup changes no match."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


MONTH_NAMES: Final = _MONTHS.split("|")
_MONTH: Final = f"(?:{_by_first_letter(MONTH_NAMES)})"
# A day's ordinal: "3rd", "1er" (French), "1º" (Spanish, Portuguese), "1°" (Italian).
_ORDINAL: Final = "(?:st|nd|rd|th|er|º|°|ª)"
_DATE: Final = re.compile(
    r"(?<![\w/.-])(?:(?=\d)(?:"  # the numeric forms, tried only at a digit
    r"(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d{2}"
    r"|(?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])[-/.](?:19|20)\d{2}"
    rf"|(?:0?[1-9]|[12]\d|3[01]){_ORDINAL}?\.?\s+(?:de\s+|of\s+)?{_MONTH}\.?,?\s+"
    r"(?:de\s+)?(?:19|20)\d{2}"
    # "12-Mar-1990", "14/feb/1988", "14FEB1988" (forms, banks, travel documents)
    rf"|(?:0?[1-9]|[12]\d|3[01])([-/]?){_MONTH}\1(?:19|20)\d{{2}}"
    rf")|{_MONTH}\.?\s+(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}"
    r")(?![\w/-]|\.\d|:\d)"
)
# The characters a date begins with (its numeric forms begin with an ASCII digit).
_DATE_FIRST: Final = "0123456789" + "".join(sorted({m[0] for m in _MONTHS.split("|")}))
_word_starts: Final = in_c("word_starts", word_starts)
# After a birth word only: a numeric date with a two-digit year ("DOB 03/14/88").
# So are "12-Mar-90" and the compact ISO form ("dob=19880214").
_SHORT_DATE: Final = re.compile(
    r"(?<![\w/.-])(?:(?:(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])"
    r"|(?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01]))[-/.]\d{2}"
    rf"|(?:0?[1-9]|[12]\d|3[01])([-/]){_MONTH}\1\d{{2}}"
    r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?![\w/-]|\.\d|:\d)"
)
_BIRTH: Final = re.compile(
    # "nato"/"nata" as words: not in "Donatoni", "sonata", "Renata"
    r"born|birth|b[-'’]?day|dob\b|d\.o\.b|geboren|geb\.|geburts|né\b|née\b|naissance|"
    r"\bnat[oa]\b|"
    r"nascita|nacid[oa]|nacimiento|fecha[ _.-]?(?:de[ _.-]?)?nac|nascimento|nascid[oa]|nasc\.|"
    r"geboortedatum|"
    # "birthday" in the languages zdr claims (a date after it is the birth date)
    r"geburtstag|anniversaire|cumplea[nñ]os|compleanno|verjaardag|anivers[aá]rio"
)


class BirthDateDetector:
    """Dates that are birth dates: a birth word shortly before, or a date column whose
    header says so."""

    name = "date_of_birth"
    labels = ("DATE_OF_BIRTH",)
    anchored = True
    anchors = (Anchor("dob.cue", _BIRTH.pattern.replace("\\b", ""), lower=True),)

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text, low = t.raw, t.low
        if not t.has("dob.cue"):
            return out  # no birth word, so no birth column header either
        if not _YEAR.search(text) and not _SHORT_DATE.search(low):
            return out
        cues = [m.end() for m in matches_at(_BIRTH, low, t.spans("dob.cue"))]
        if not cues:
            return out
        # Any separator _birth_columns reads (";" is Europe's CSV, "\t" a TSV's).
        tabular = "," in text or "|" in text or ";" in text or "\t" in text
        columns = _birth_columns(text, cues) if tabular else {}
        dates = [d for d in (_date_after(low, c) for c in cues) if d is not None]
        if columns:
            # A column's dates can be anywhere: tried where a date can begin; with those
            # after a cue, which may be of a shape only a cue allows ("dob=19880214;").
            starts = _word_starts(low, _DATE_FIRST, "/.-")
            after_cue = {m.start() for m in dates}
            in_columns = [m for m in matches_from(_DATE, low, starts) if m.start() not in after_cue]
            dates = sorted([*dates, *in_columns], key=lambda m: m.start())
        separators: dict[tuple[int, str], list[int]] = {}  # per line and separator
        prev_end = 0
        this_year = date.today().year
        for m in dates:
            year = _year(m.group())
            if year is None or not 1900 <= year <= this_year:
                prev_end = m.end()
                continue
            # A birth word between the previous date and this one, at most 60 before it
            # (cues are in order: the first one from there, by bisection).
            first = bisect.bisect_left(cues, max(prev_end, m.start() - 60))
            cue = first < len(cues) and cues[first] <= m.start()
            if cue or _in_birth_column(text, m.start(), columns, separators):
                out.append(span(m.start(), m.end(), "DATE_OF_BIRTH"))
            prev_end = m.end()
        return out


def names_a_birth_date(key: str) -> bool:
    """Whether a key or a column's name holds a birth word (``dob``, ``Geburtsdatum``,
    ``data_nascimento``): the words this detector's cue is."""
    return _BIRTH.search(key.lower()) is not None


def birth_date_value(value: str) -> bool:
    """A whole date of a year from 1900 to this one: the value of a birth-date key or
    column (``dob`` in an SQL INSERT's columns, a table's "Geburtsdatum")."""
    low = value.strip().lower()
    if _DATE.fullmatch(low) is None and _SHORT_DATE.fullmatch(low) is None:
        return False
    year = _year(low)
    return year is not None and 1900 <= year <= date.today().year


def _date_after(low: str, cue: int) -> re.Match[str] | None:
    """The first date starting within 60 characters after a birth word (24 for one
    with a two-digit year)."""
    # The bounded search only finds where; the match is then made on the whole text,
    # so the look-ahead at its end sees the real next character.
    for pattern, within in ((_DATE, 60), (_SHORT_DATE, 24)):
        pos = cue
        while (found := pattern.search(low, pos, cue + 120)) is not None:
            if found.start() - cue > within:
                break
            if found.group().isdigit() and found.start() - cue > 3:
                pos = found.end()  # a compact date only as the key's value ("dob=19880214")
                continue
            return pattern.match(low, found.start())
    return None


_YEAR: Final = re.compile(r"(?:19|20)\d\d")


def _year(value: str) -> int | None:
    found = _YEAR.search(value)
    if found:
        return int(found.group())
    if not value[-2:].isdigit():
        return None
    # A two-digit year is of this century when that puts it in the past.
    short, this_year = int(value[-2:]), date.today().year
    return 2000 + short if 2000 + short <= this_year else 1900 + short


def _birth_columns(text: str, cues: list[int]) -> dict[str, int]:
    """For CSV/Markdown tables: the index of a column whose header is a birth word.
    Only the lines holding a birth word (among the first 50) can be such a header."""
    columns: dict[str, int] = {}
    seen: set[int] = set()
    last_header_start = _line_start_after(text, 49)  # lines 0-49 can hold a header
    for cue in cues:
        line_start = text.rfind("\n", 0, cue) + 1
        if line_start in seen or line_start > last_header_start:
            continue
        seen.add(line_start)
        line_end = text.find("\n", cue)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        for sep in (",", "|", "\t", ";"):
            cells = [c.strip().lower() for c in line.split(sep)]
            if len(cells) >= 3:
                for i, cell in enumerate(cells):
                    if len(cell) <= 20 and _BIRTH.search(cell):
                        columns[sep] = i
    return columns


def _line_start_after(text: str, newlines: int) -> int:
    """Where the line after the given number of line breaks begins (past the end
    when the text has fewer)."""
    pos = -1
    for _ in range(newlines):
        pos = text.find("\n", pos + 1)
        if pos < 0:
            return len(text) + 1
    return pos + 1


def _in_birth_column(
    text: str, pos: int, columns: dict[str, int], separators: dict[tuple[int, str], list[int]]
) -> bool:
    """Whether ``pos`` is in a birth column's cell: as many separators before it on its
    line as the column's index. Each line's separators are found once (``separators``,
    kept by the caller): counting them from the line's start for each date was
    quadratic on one long line (review31a)."""
    if not columns:
        return False
    line_start = text.rfind("\n", 0, pos) + 1
    for sep, index in columns.items():
        found = separators.get((line_start, sep))
        if found is None:
            line_end = text.find("\n", pos)
            line_end = len(text) if line_end < 0 else line_end
            found = []
            at = text.find(sep, line_start, line_end)
            while at >= 0:
                found.append(at)
                at = text.find(sep, at + len(sep), line_end)
            separators[(line_start, sep)] = found
        if bisect.bisect_left(found, pos) == index:
            return True
    return False
