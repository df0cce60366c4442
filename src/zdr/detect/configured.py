"""The detectors a configuration turns on: the built-ins chosen, and the named-entity
model if one is configured. (Kept out of the compiled detection modules: it reads
the settings.)"""

from __future__ import annotations

from zdr.config import DetectionSettings
from zdr.detect.engine import DetectorSet
from zdr.detect.model import Detector
from zdr.detect.ner import SpacyDetector


def detector_set(settings: DetectionSettings) -> DetectorSet:
    extra: list[Detector] = []
    if settings.ner is not None:
        extra.append(SpacyDetector(settings.ner.model, settings.ner.labels))
    return DetectorSet(settings.detectors, extra=extra)
