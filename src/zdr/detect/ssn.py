"""US social security numbers: dashed, or bare after an SSN word."""

from __future__ import annotations

import re
from typing import Final

from zdr.detect.model import (
    Span,
    span,
    starts_word,
    text_before,
)
from zdr.detect.scan import DIGIT, Anchor, Text, matches_at
from zdr.detect.validators import (
    ssn_valid,
)

# "my social is ...", "social number" (said in calls, written in transcripts).
_SSN_WORDS: Final = r"ssn|social security|social is|social number|sozialversicherung|tin"
_SSN_WORD: Final = re.compile(rf"\b(?:{_SSN_WORDS})\b")


class SsnDetector:
    name = "us_ssn"
    labels = ("US_SSN",)
    anchored = True
    anchors = (
        Anchor("ssn.dashed", f"{DIGIT}{{3}}-{DIGIT}{{2}}-{DIGIT}{{4}}"),
        # At a word's start only, as _SSN_WORD's \b reads it: "tin" inside "setting" or
        # "continue" was a match for the scan to report in most English texts.
        Anchor("ssn.word", _SSN_WORDS, lower=True, word_start=""),
    )
    _dashed = re.compile(r"(\d\d\d)-(\d\d)-(\d\d\d\d)(?![\w-])")
    _bare = re.compile(r"(\d\d\d) ?(\d\d) ?(\d\d\d\d)(?![\w-])")

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text = t.raw
        for m in matches_at(self._dashed, text, t.spans("ssn.dashed")):
            if ssn_valid(*m.groups()) and starts_word(text, m.start(), "_-"):
                out.append(span(m.start(), m.end(), "US_SSN"))
        if not any(_SSN_WORD.match(t.low, start) for start, _ in t.spans("ssn.word")):
            return out
        for m in self._bare.finditer(text):
            if (
                ssn_valid(*m.groups())
                and starts_word(text, m.start(), "_-")
                and _SSN_WORD.search(text_before(text, m.start(), 30))
            ):
                out.append(span(m.start(), m.end(), "US_SSN"))
        return out
