"""Every mention: a value found once in a text is masked wherever else it occurs there.

Detectors confirm a value by its context (a password after ``password=``, a birth date
after "born"); the same value repeated elsewhere has no context of its own, and would
otherwise reach the provider there. Labels whose values a detector finds by shape
alone everywhere (e-mails, cards, IBANs, IPs, phones) need no second look; person
names have their own (names.py: parts of a name too; fields.py)"""

from __future__ import annotations

from typing import Final

from zdr.detect.model import ALNUM_RUN, Span, at_runs, occurrences, span

# The labels found by context, whose other occurrences the engine adds (phones are
# found by shape nearly everywhere, persons by names.py and fields.py themselves).
BY_CONTEXT: Final = frozenset(
    {"SECRET", "API_KEY", "DATE_OF_BIRTH", "STREET_ADDRESS", "URL", "US_SSN"}
)
# Shorter values would match ordinary words and numbers too often.
MIN_LENGTH: Final = 6
# Above this many (values x characters), searching once per value costs more than
# indexing the text's words once (a long document with thousands of findings).
_INDEX_ABOVE: Final = 2_000_000


def other_mentions(text: str, spans: list[Span], labels: frozenset[str] = BY_CONTEXT) -> list[Span]:
    """Spans for the occurrences of the found values (of ``labels``) that stand alone
    (not inside a longer run of letters and digits) and are not found already: in the
    usual text, none (each value occurs once, where it was found). Found is the first
    of ``spans`` at a start (the engine's do not overlap; a detector's own may, and a
    mention equal to one of those others comes back, a duplicate resolve drops)."""
    values: dict[str, str] = {}
    # The spans a mention can be: of these labels and lengths, by start (no hashing of
    # a span's fields, no span made for an occurrence found already). Made at the first
    # such span: most texts have none.
    given: dict[int, Span] | None = None
    for s in spans:
        if s.label in labels and s.end - s.start >= MIN_LENGTH:
            values.setdefault(text[s.start : s.end], s.label)
            if given is None:
                given = {}
            given.setdefault(s.start, s)
    if given is None:
        return []
    if len(values) * len(text) > _INDEX_ABOVE:
        found = _by_index(text, values)
    else:
        found = [(pos, value) for value in values for pos in occurrences(text, value)]
    out: list[Span] = []
    for pos, value in found:
        end, label = pos + len(value), values[value]
        known = given.get(pos)
        if known is not None and known.end == end and known.label == label:
            continue
        if _stands_alone(text, pos, value):
            out.append(span(pos, end, label))
    return out


def _stands_alone(text: str, pos: int, value: str) -> bool:
    end = pos + len(value)
    if value[0].isalnum() and pos > 0 and text[pos - 1].isalnum():
        return False
    return not (value[-1].isalnum() and end < len(text) and text[end].isalnum())


def _by_index(text: str, values: dict[str, str]) -> list[tuple[int, str]]:
    """The same occurrences, in one pass over the text's runs of letters and digits:
    each value is looked for where its first such run occurs, as a run of the text
    ("+44 20 7946 0958" where a run "44" begins, two characters on)."""
    by_run: dict[str, list[tuple[int, str]]] = {}
    found: list[tuple[int, str]] = []
    for value in values:
        run = ALNUM_RUN.search(value)
        if run is None:  # no letter or digit at all: searched for on its own
            found.extend((pos, value) for pos in occurrences(text, value))
        else:
            by_run.setdefault(run.group(), []).append((run.start(), value))
    found.extend(at_runs(text, by_run))
    return found
