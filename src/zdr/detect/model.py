"""What a detector returns: labelled character spans of the text it was given."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from zdr.detect.scan import Anchor, Text

LABELS = (
    "PERSON",
    "EMAIL",
    "PHONE",
    "CREDIT_CARD",
    "IBAN",
    "US_SSN",
    "IP_ADDRESS",
    "URL",
    "DATE_OF_BIRTH",
    "STREET_ADDRESS",
    "API_KEY",
    "SECRET",
)

# When two spans overlap, the more specific (earlier) label wins at equal length.
PRIORITY = {
    label: i
    for i, label in enumerate(
        (
            "SECRET",
            "API_KEY",
            "CREDIT_CARD",
            "IBAN",
            "US_SSN",
            "EMAIL",
            "URL",
            "IP_ADDRESS",
            "DATE_OF_BIRTH",
            "PHONE",
            "STREET_ADDRESS",
            "PERSON",
        )
    )
}


@dataclass(frozen=True, slots=True, order=True)
class Span:
    start: int
    end: int
    label: str


def starts_word(text: str, i: int, also: str = "_") -> bool:
    """No letter, digit or one of ``also`` right before ``i``. Checked in code rather
    than by a regex lookbehind, which would disable the regex engine's fast scan."""
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] in also)


class Detector(Protocol):
    """Finds spans of some labels. ``name`` is what configuration turns on or off;
    ``anchors`` are where its candidates can begin, found for it in the shared scan
    (``Text.spans``); ``find`` reads ``Text.raw`` (and ``Text.low``) only there, or
    wherever it must."""

    @property
    def name(self) -> str: ...
    @property
    def labels(self) -> tuple[str, ...]: ...
    @property
    def anchors(self) -> tuple[Anchor, ...]: ...

    def find(self, text: Text) -> Iterable[Span]: ...
