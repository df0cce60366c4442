"""Card numbers: issuer ranges without a card word, any Luhn-valid number after one
(numbers made for this test)."""

from __future__ import annotations

import pytest

from zdr.detect import DetectorSet

DETECT = DetectorSet()


def cards(text: str) -> list[str]:
    return [text[s.start : s.end] for s in DETECT.detect(text) if s.label == "CREDIT_CARD"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # Outside the networks' ranges, but named: a store or co-branded card.
        ("please block my card 9200001234567896 today", "9200001234567896"),
        ("cc: 93001111222234", "93001111222234"),
        # JCB's 15-digit range, with no card word.
        ("ref 213109876543218 attached", "213109876543218"),
    ],
)
def test_cards_are_found(text: str, value: str) -> None:
    assert cards(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "tracking 9200001234567896 is on its way",  # Luhn-valid, no range, no card word
        "block my card 9200001234567897 today",  # a card word, but not Luhn-valid
    ],
)
def test_card_look_alikes_are_left_alone(text: str) -> None:
    assert cards(text) == []
