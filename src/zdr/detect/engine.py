"""Runs the configured detectors and resolves overlapping findings into one list of
non-overlapping spans, longest first, then by label priority. A text holding a
disguised value (``normalize.py``), or digits said in words or misread by an OCR
(``spelled.py``), is read as its normalized view, and the findings are given over the
original text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from zdr.detect.address import AddressDetector
from zdr.detect.birthdate import BirthDateDetector
from zdr.detect.card import CardDetector
from zdr.detect.codes import CodeDetector
from zdr.detect.email import EmailDetector
from zdr.detect.fields import FieldDetector
from zdr.detect.iban import IbanDetector
from zdr.detect.ip import IpDetector
from zdr.detect.mentions import other_mentions
from zdr.detect.model import PRIORITY, Detector, Span, in_c
from zdr.detect.names import PersonDetector
from zdr.detect.normalize import DISGUISE, decode_escapes, normalize
from zdr.detect.phone import PhoneDetector
from zdr.detect.scan import Text, scanner_for
from zdr.detect.secrets import SecretDetector
from zdr.detect.spelled import MISREAD, SPOKEN, spell
from zdr.detect.ssn import SsnDetector
from zdr.detect.url import UrlDetector
from zdr.errors import ConfigError


def builtin_detectors() -> dict[str, Detector]:
    detectors: list[Detector] = [
        SecretDetector(),
        CodeDetector(),
        EmailDetector(),
        UrlDetector(),
        CardDetector(),
        IbanDetector(),
        SsnDetector(),
        IpDetector(),
        BirthDateDetector(),
        PhoneDetector(),
        AddressDetector(),
        PersonDetector(),
        FieldDetector(),
    ]
    return {d.name: d for d in detectors}


class DetectorSet:
    """The detectors configuration turned on. ``names=None`` means all built-ins."""

    def __init__(self, names: Sequence[str] | None = None, extra: Iterable[Detector] = ()) -> None:
        available = builtin_detectors()
        if names is None:
            chosen = list(available.values())
        else:
            unknown = sorted(set(names) - set(available))
            if unknown:
                raise ConfigError(
                    f"detection.detectors: unknown {unknown}; available: {sorted(available)}"
                )
            chosen = [available[n] for n in names]
        self.detectors: list[Detector] = [*chosen, *extra]
        self.scanner = scanner_for(
            (*(a for d in self.detectors for a in d.anchors), DISGUISE, SPOKEN, MISREAD)
        )
        # A detector that finds nothing without one of its anchors is not even called
        # then: the call costs more than most texts' findings.
        self._plan = [
            (d, frozenset(a.name for a in d.anchors) if getattr(d, "anchored", False) else None)
            for d in self.detectors
        ]

    def detect(self, text: str) -> list[Span]:
        decoded = decode_escapes(text)  # rare: "%" and an escape of a value character
        if decoded is not None:
            return decoded.to_original(self._read(decoded.text))
        return self._read(text)

    def _read(self, text: str) -> list[Span]:
        scanned = self.scanner.scan(text)
        if scanned.has(DISGUISE.name):  # rare: the view is scanned and read instead
            view = normalize(text, scanned.spans(DISGUISE.name))
            if view is not None:
                return view.to_original(self._spelled(self.scanner.scan(view.text)))
        return self._spelled(scanned)

    def _spelled(self, scanned: Text) -> list[Span]:
        # Rare: digits said in words or misread by an OCR (``spelled.py``).
        if scanned.has(SPOKEN.name) or scanned.has(MISREAD.name):
            view = spell(scanned)
            if view is not None:
                return view.to_original(self._detect(self.scanner.scan(view.text)))
        return self._detect(scanned)

    def _detect(self, scanned: Text) -> list[Span]:
        text = scanned.raw
        present = scanned.anchors_found()
        spans: list[Span] = []
        for detector, needs in self._plan:
            if needs is None or not needs.isdisjoint(present):
                spans.extend(detector.find(scanned))
        taken = _resolve(spans, PRIORITY)
        # Only another mention than those taken. (Counting them against every span
        # taken missed one whenever the text held a span of another label: "Maria
        # Lopez wrote <password> ... Password: <password>" left the first.)
        mentions = other_mentions(text, taken)
        if mentions:
            taken = _resolve([*taken, *mentions], PRIORITY)
        return taken


def resolve(spans: list[Span], priority: dict[str, int] = PRIORITY) -> list[Span]:
    """Non-overlapping spans: the longest wins, then the higher-priority label.

    Spans that overlap, directly or through others, are settled among themselves:
    no choice in one such group touches another, so the usual text (few groups of
    two or three) costs one sort by position. The reference for ``zdr.detect._runs``
    (C), which sorts without comparing tuples."""
    if len(spans) <= 1:
        return spans
    ordered = sorted(set(spans))  # detectors may report the same span twice
    taken: list[Span] = []
    group: list[Span] = []
    group_end = -1
    for s in ordered:
        if s.start >= group_end:  # touches nothing before it: the group is complete
            taken.extend(group if len(group) == 1 else _settle(group, priority))
            group = []
        group.append(s)
        group_end = max(group_end, s.end)
    taken.extend(group if len(group) == 1 else _settle(group, priority))
    return taken


def _settle(group: list[Span], priority: dict[str, int]) -> list[Span]:
    """One group of overlapping spans: taken longest first (then by label priority
    and position) where they do not overlap one taken before, in text order."""
    taken: list[Span] = []
    for s in sorted(group, key=lambda s: (-(s.end - s.start), priority.get(s.label, 99), s.start)):
        if all(max(s.start, t.start) >= min(s.end, t.end) for t in taken):  # no shared character
            taken.append(s)
    return sorted(taken)


_resolve: Final = in_c("resolve", resolve)
