"""Phone numbers beside a phone label: a number of a possible length for its country
is a phone even where libphonenumber calls it invalid (numbers made for this test)."""

from __future__ import annotations

import pytest

from zdr.detect import DetectorSet

DETECT = DetectorSet()


def phones(text: str) -> list[str]:
    return [text[s.start : s.end] for s in DETECT.detect(text) if s.label == "PHONE"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("+1-415-155-0199 mobile", "+1-415-155-0199"),  # no US exchange starts with 1
        ("Fax: 212.155.0147", "212.155.0147"),
        ("please call me on 04.12.55.66.78", "04.12.55.66.78"),
        ("+41 (0)38 512 44 90 office", "+41 (0)38 512 44 90"),
    ],
)
def test_labelled_numbers_of_a_possible_length_are_phones(text: str, value: str) -> None:
    assert phones(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "+1-415-155-0199 was the reference",  # invalid and no label
        "release 04.12.55.66.78 is out",  # dotted pairs without a label
        "fax +1-415-155",  # a label, but too short for any number of the country
    ],
)
def test_unlabelled_or_impossible_numbers_are_left_alone(text: str) -> None:
    assert phones(text) == []
