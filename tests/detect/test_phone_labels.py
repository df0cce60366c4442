"""Phone numbers beside a phone label: a number of a possible length for its country
is a phone even where libphonenumber calls it invalid (numbers made for this test).
So is one written in the shape only phones have (+ and a country code, or the North
American (NXX) NXX-XXXX with its separators), and the extension goes with it."""

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
        ("ring +910948359304 tomorrow", "+910948359304"),  # "+", India, 10 digits
        ("+913483123225", "+913483123225"),  # no label: the "+" says it is dialled
        ("(ph) 2025550143", "2025550143"),  # "ph" as a word of its own
    ],
)
def test_labelled_numbers_of_a_possible_length_are_phones(text: str, value: str) -> None:
    assert phones(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "4151550199 was the reference",  # invalid, no separator and no label
        "release 04.12.55.66.78 is out",  # dotted pairs without a label
        "fax +1-415-155",  # a label, but too short for any number of the country
        "see graph 2025550143 for the trend",  # "ph" inside a word is no label
    ],
)
def test_unlabelled_or_impossible_numbers_are_left_alone(text: str) -> None:
    assert phones(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("+1-415-155-0199 was the reference", "+1-415-155-0199"),  # invalid, phone-shaped
        ("Our records show (012)555-0147 for that account", "(012)555-0147"),
        ("Our records show 098.155.0147 for it", "098.155.0147"),
        ("Reach me at 415-555-0199x4410 after six", "415-555-0199x4410"),
        ("Desk: 212 555 0147 ext. 12, mornings", "212 555 0147 ext. 12"),
        ("+44 20 7946 0958x22 is the switchboard", "+44 20 7946 0958x22"),
    ],
)
def test_phone_shapes_and_extensions(text: str, value: str) -> None:
    assert phones(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "SSN 078-05-1120 on file",  # 3-2-4 is not a phone's grouping
        "1920x1080 at 60 Hz",  # too short for a number
        "P/N 415-555-0199 in stock",  # a part number
        # A record's word names the number: a case, an order, an invoice.
        "Case 2025-118-4472: caller reported fraud",
        "Order no. 415-555-0199 shipped",
        "Rechnung Nr. 2024 4478 9012 vom 3. Mai",
        "Kundennummer 55102339, ich habe eine Frage",  # a compound of "Nummer": an id
    ],
)
def test_shaped_look_alikes_left_alone(text: str) -> None:
    assert phones(text) == []


def test_a_phone_after_a_record_word_and_a_phone_label_is_still_a_phone() -> None:
    assert phones("Order 12: call me on 415-555-0132") == ["415-555-0132"]
    # A phone word earlier on the line, an international or a trunk prefix: dialled.
    assert phones("Phone for the booking: +1 212 555 0188") == ["+1 212 555 0188"]
    assert phones("please call me re the case 415-555-0132") == ["415-555-0132"]
    assert phones("Name: Jane Doe, Booking: 07700 900123") == ["07700 900123"]


def test_a_phone_word_before_an_earlier_number_is_that_numbers() -> None:
    text = "linked phone 98150 27734 hai. order no. 402-8819921-7712"
    assert phones(text) == ["98150 27734"]


def test_a_code_on_the_line_before_does_not_make_a_number_an_id() -> None:
    text = "55470 72 Acheron Road Apt. 237 BUNDALAGUAH VIC\n655 437 108 office"
    assert phones(text) == ["655 437 108"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # "No" after a phone's label is the label's, not an id's ("Order No 98450...").
        ("Phone No. 9876543210", "9876543210"),
        ("Contact No 9876543210", "9876543210"),
        ("Tel. No. 030 1234567", "030 1234567"),
        ("Ph No 9845012345", "9845012345"),
        ("Mob. No. 9845012345", "9845012345"),
        # A person's number, and what is done with one.
        ("my number is 7049231695 thanks", "7049231695"),
        ("text me at 9876543210", "9876543210"),
        ("just dial 2025550143 when you land", "2025550143"),
        ("my number is: 9876543210", "9876543210"),  # "is" and a colon
        ("PhNo. 9845012345", "9845012345"),  # the label written as one word
    ],
)
def test_a_bare_number_after_a_phone_label_or_a_persons_number(text: str, value: str) -> None:
    assert phones(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Order No 9845012345",  # a record's number, as before
        "Your order number is 4471229188",  # "number is" alone is no phone's
        "Kundennummer 4471229188",
        "graph No 9845012345",  # "ph" only as a word of its own
        "Invoice No 9845012345",
    ],
)
def test_ids_after_no_or_number_stay_ids(text: str) -> None:
    assert phones(text) == []


@pytest.mark.parametrize(
    "text",
    [
        # must-fix: the new phone words are found inside other words
        "Is this number 2147483647 the max int?",  # "his number"
        "Pick another number: 2125551234 was already taken.",  # "her number"
        "The other number 3125550143 is the invoice total in cents.",
        "Four numbers: 2125551234 and more",  # "our number"
        "Use a dummy number like 6175550199 in tests.",  # "my number"
        "Right-click to open the context menu 4155552671 times",  # "text me"
        "a radial distance of 2125551234 meters",  # "dial "
    ],
)
def test_phone_words_inside_other_words_are_no_cue(text: str) -> None:
    assert phones(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # should-fix: a number in the phone's own label ("24h") hides its phone word
        ("Phone (24h) for booking: 415-555-0132", "415-555-0132"),
        ("call me after 3pm re booking 415-555-0132", "415-555-0132"),
    ],
)
def test_a_digit_in_the_phones_label_keeps_its_phone_word(text: str, value: str) -> None:
    assert phones(text) == [value]
