"""Short secrets said with their name (zdr/detect/codes.py): PINs, passcodes, card
security codes, one-time and door codes; numbers named otherwise stay readable (cases
written here)."""

from __future__ import annotations

import pytest

from zdr.detect import DetectorSet

DETECT = DetectorSet()


def secrets(text: str) -> list[str]:
    return [text[s.start : s.end] for s in DETECT.detect(text) if s.label == "SECRET"]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Meeting ID: 912 3456 7890  Passcode: 719204", ["719204"]),
        ("my account PIN is 8841", ["8841"]),
        ("PIN: 4471", ["4471"]),
        ("card 4111 1111 1111 1111 exp 04/28 cvv 417", ["417"]),
        ("CVV: 062", ["062"]),
        ("the door code is 4472B", ["4472B"]),
        ("digicode 4472B, 3e étage", ["4472B"]),
        ("your verification code is 582913", ["582913"]),
        ("OTP: 582913", ["582913"]),
        ("alarm code 9931 and the gate code is #4411", ["9931", "4411"]),
        ("Mein PIN-Code ist 2580", ["2580"]),
        ("el código de acceso es 7731", ["7731"]),
        ('{"pin": "5520"}', ["5520"]),
    ],
)
def test_a_code_said_with_its_name_is_a_secret(text: str, codes: list[str]) -> None:
    assert secrets(text) == codes


@pytest.mark.parametrize(
    "text",
    [
        "connect the LED to pin 13",  # a chip's pin
        "GPIO pin 4 and pin 17",
        "ping 8.8.8.8 took 1234 ms",
        "the security code review 2024 found nothing",  # not the value's place
        "OTP length is 6 digits",
        "cvv is 3 digits on the back",
        "pin 1.2345 volts",
        "the access code changed in 2024",
        "cvv 41712",  # too long for a card's code
        "the door code is AB12CD",  # more than one letter
        "pinned 4471 messages",
    ],
)
def test_numbers_named_otherwise_stay_readable(text: str) -> None:
    assert secrets(text) == []
