"""IBANs: country length and mod-97 check digits."""

from __future__ import annotations

import re

from zdr.detect.model import (
    Span,
    span,
    starts_word,
)
from zdr.detect.scan import Anchor, Text, matches_at
from zdr.detect.validators import (
    iban_valid,
)


class IbanDetector:
    name = "iban"
    labels = ("IBAN",)
    anchored = True
    # The country, check digits and four more characters: where an IBAN can begin, a
    # few places more than with all eleven (the regex is tried there and fails), and
    # cheaper to scan for (Hyperscan's bounded repeat: ~1.5 M instructions a pii-dev pass).
    anchors = (Anchor("iban.start", r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]){4}"),)
    _re = re.compile(r"[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}(?![A-Za-z0-9])")

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text = t.raw
        for m in matches_at(self._re, text, t.spans("iban.start")):
            if not starts_word(text, m.start(), ""):
                continue
            raw = m.group()
            compact = raw.replace(" ", "")
            # A trailing word may have been swallowed after a space: shrink until valid.
            end = m.end()
            while compact and not iban_valid(compact):
                cut = raw.rfind(" ")
                if cut <= 4:
                    compact = ""
                    break
                raw = raw[:cut]
                compact = raw.replace(" ", "")
                end = m.start() + len(raw)
            if compact:
                out.append(span(m.start(), end, "IBAN"))
        return out
