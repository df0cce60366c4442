"""Detection of personal data and secrets: detectors return spans, never text."""

from zdr.detect._fresh import use_source_if_stale

# Before any compiled module is imported: compiled code older than its source is
# never the code that runs (see _fresh).
RUNS_FROM_SOURCE = use_source_if_stale()

from zdr.detect.engine import DetectorSet  # noqa: E402
from zdr.detect.model import LABELS, Span  # noqa: E402

__all__ = ["LABELS", "DetectorSet", "RUNS_FROM_SOURCE", "Span"]
