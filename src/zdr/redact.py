"""A small Python API over the detectors, and what ``zdr redact`` does.

from zdr.redact import find_spans, redact, Pseudonymizer
redact("Mail jane@example.com")          # 'Mail [EMAIL]'  (irreversible)
find_spans("Mail jane@example.com")      # [Span(start=5, end=21, label='EMAIL')]
p = Pseudonymizer(key)                   # reversible, keyed, stable tokens
masked, vault = p.pseudonymize(text); vault.restore(answer)
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from zdr.detect.engine import DetectorSet
from zdr.detect.model import Span
from zdr.pseudonymize.request import pseudonymize_text
from zdr.pseudonymize.tokens import Vault


@functools.cache
def _detectors_for(names: tuple[str, ...] | None) -> DetectorSet:
    return DetectorSet(names)


def _detectors(names: Sequence[str] | None) -> DetectorSet:
    """Built once per choice of detectors, not on every call."""
    return _detectors_for(tuple(names) if names is not None else None)


def find_spans(text: str, detectors: Sequence[str] | None = None) -> list[Span]:
    return _detectors(detectors).detect(text)


def redact(text: str, detectors: Sequence[str] | None = None) -> str:
    """Replace every finding by its label in brackets; nothing can be restored."""
    out: list[str] = []
    last = 0
    for s in find_spans(text, detectors):
        out.append(text[last : s.start])
        out.append(f"[{s.label}]")
        last = s.end
    out.append(text[last:])
    return "".join(out)


class Pseudonymizer:
    """Reversible masking with the gateway's token format, for use in code."""

    def __init__(self, key: bytes, detectors: Sequence[str] | None = None):
        self.key = key
        self.detectors = _detectors(detectors)

    def pseudonymize(self, text: str) -> tuple[str, Vault]:
        vault = Vault(self.key)
        return pseudonymize_text(text, self.detectors, vault), vault
