"""Adapter for ../shared/pii-dev/score.py: `--detector bench/zdr_adapter.py:make_detector`.
zdr's spans are (start, end, label) tuples already (Span is a NamedTuple)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from zdr.detect import DetectorSet


def make_detector() -> Callable[[str], Sequence[tuple[int, int, str]]]:
    return DetectorSet().detect
