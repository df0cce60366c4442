"""Adapter for ../shared/pii-dev/score.py: `--detector bench/zdr_adapter.py:make_detector`."""

from __future__ import annotations

from collections.abc import Callable

from zdr.detect import DetectorSet


def make_detector() -> Callable[[str], list[tuple[int, int, str]]]:
    detectors = DetectorSet()

    def detect(text: str) -> list[tuple[int, int, str]]:
        return [(s.start, s.end, s.label) for s in detectors.detect(text)]

    return detect
