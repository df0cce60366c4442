"""An optional named-entity backend: any spaCy pipeline the user has installed (a
model package such as en_core_web_sm, or a pipeline saved to a directory, which may
hold GLiNER or transformer components), added to the built-in detectors by
configuration (``detection.ner``). Nothing is downloaded: the model must be there.

Slow next to the built-in detectors (a statistical model reads every token), so it
is opt-in; its findings go through the same overlap resolution as theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zdr.detect.model import LABELS, Span
from zdr.detect.scan import Anchor, Text
from zdr.errors import ConfigError


class SpacyDetector:
    name = "ner"
    anchors: tuple[Anchor, ...] = ()

    def __init__(self, model: str, labels: Mapping[str, str]) -> None:
        unknown = sorted(set(labels.values()) - set(LABELS))
        if unknown:
            raise ConfigError(f"detection.ner.labels: unknown zdr labels {unknown}")
        try:
            import spacy
        except ImportError:
            raise ConfigError(
                "detection.ner: spaCy is not installed (pip install 'zdr[ner]' and a model)"
            ) from None
        try:
            self._nlp: Any = spacy.load(model)
        except (OSError, ValueError) as exc:
            # spaCy's message names the model or path, never request content.
            raise ConfigError(f"detection.ner.model: cannot load {model!r}: {exc}") from None
        self._labels = dict(labels)
        self.labels = tuple(sorted(set(self._labels.values())))

    def find(self, text: Text) -> list[Span]:
        doc = self._nlp(text.raw)
        return [
            Span(ent.start_char, ent.end_char, self._labels[ent.label_])
            for ent in doc.ents
            if ent.label_ in self._labels
        ]
