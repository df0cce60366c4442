"""E-mail addresses: every "@" with a local part before it and a domain after it."""

from __future__ import annotations

import re

from zdr.detect.model import (
    Span,
    local_part_start,
    occurrences,
    span,
)
from zdr.detect.scan import Anchor, Text


class EmailDetector:
    name = "email"
    labels = ("EMAIL",)
    anchors: tuple[Anchor, ...] = ()
    _domain = re.compile(
        r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
    )

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text = t.raw
        for at in occurrences(text, "@"):
            start = local_part_start(text, at)
            while start < at and not text[start].isalnum():
                start += 1
            domain = self._domain.match(text, at + 1)
            if domain and start < at:
                # user:password@host inside a URL is a credential, not an address;
                # an address in a URL's path or query is one.
                word_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start))
                if not _in_authority(text[word_start + 1 : start]):
                    out.append(span(start, domain.end(), "EMAIL"))
        return out


def _in_authority(before: str) -> bool:
    """Whether an "@" after ``before`` (its word up to the local part) is in a URL's
    authority: a scheme's "://" with no "/", "?" or "#" after it."""
    scheme = before.rfind("://")
    if scheme < 0:
        return False
    rest = before[scheme + 3 :]
    return not any(c in rest for c in "/?#")
