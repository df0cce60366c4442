"""Runs the configured detectors and resolves overlapping findings into one list of
non-overlapping spans, longest first, then by label priority."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from zdr.detect.model import PRIORITY, Detector, Span
from zdr.detect.names import PersonDetector
from zdr.detect.patterns import (
    AddressDetector,
    BirthDateDetector,
    CardDetector,
    EmailDetector,
    IbanDetector,
    IpDetector,
    PhoneDetector,
    SsnDetector,
    UrlDetector,
)
from zdr.detect.scan import scanner_for
from zdr.detect.secrets import SecretDetector
from zdr.errors import ConfigError


def builtin_detectors() -> dict[str, Detector]:
    detectors: list[Detector] = [
        SecretDetector(),
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
        self.scanner = scanner_for(tuple(a for d in self.detectors for a in d.anchors))
        # A detector that finds nothing without one of its anchors is not even called
        # then: the call costs more than most texts' findings.
        self._plan = [
            (d, frozenset(a.name for a in d.anchors) if getattr(d, "anchored", False) else None)
            for d in self.detectors
        ]

    def detect(self, text: str) -> list[Span]:
        scanned = self.scanner.scan(text)
        present = scanned.anchors_found()
        spans: list[Span] = []
        for detector, needs in self._plan:
            if needs is None or not needs.isdisjoint(present):
                spans.extend(detector.find(scanned))
        return resolve(spans)


def resolve(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans: the longest wins, then the higher-priority label."""
    if len(spans) <= 1:
        return spans
    ordered = sorted(set(spans))  # detectors may report the same span twice
    if all(a.end <= b.start for a, b in zip(ordered, ordered[1:], strict=False)):
        return ordered  # the usual case: nothing to choose between
    ranked = sorted(ordered, key=_rank)
    # One byte per character marks what is taken: the overlap test is a C-speed scan.
    occupied = bytearray(max(s.end for s in ordered))
    taken: list[Span] = []
    for s in ranked:
        if occupied.find(1, s.start, s.end) >= 0:
            continue
        taken.append(s)
        occupied[s.start : s.end] = b"\x01" * (s.end - s.start)
    return sorted(taken)


def _rank(s: Span) -> tuple[int, int, int]:
    return -(s.end - s.start), PRIORITY.get(s.label, 99), s.start
