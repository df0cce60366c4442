"""Detection of personal data and secrets: detectors return spans, never text."""

from zdr.detect.engine import DetectorSet
from zdr.detect.model import LABELS, Span

__all__ = ["LABELS", "DetectorSet", "Span"]
