"""Digits in disguise (``zdr/detect/spelled.py``): numbers said in words in call
transcripts, letters an OCR read for digits. Each value is found over exactly its
original words; ordinary prose with numbers in words, product codes, hashes and
base64 stay as they are."""

from __future__ import annotations

import pytest

from zdr.detect.engine import DetectorSet
from zdr.detect.spelled import _chunks, _run_words, spell

DETECTORS = DetectorSet()

# (text, the value as written, its label): texts written for these tests.
MUST_MASK = [
    (
        "agent: and the card number please\ncaller: five four two five two three three four "
        "three zero one zero nine nine zero three expiry oh four twenty nine",
        "five four two five two three three four three zero one zero nine nine zero three",
        "CREDIT_CARD",
    ),
    (
        "you can reach me on four one five double five five zero one nine three after six",
        "four one five double five five zero one nine three",
        "PHONE",
    ),
    (
        "call me on oh seven seven double oh nine triple one two three",
        "oh seven seven double oh nine triple one two three",
        "PHONE",
    ),
    (
        "Four One Five, Double Five Five, Zero One Nine Three is the number",
        None,
        None,
    ),
    (
        "my social is six one two four five seven eight nine one ok",
        "six one two four five seven eight nine one",
        "US_SSN",
    ),
    (
        "she was born on the twenty first of march nineteen eighty seven",
        "twenty first of march nineteen eighty seven",
        "DATE_OF_BIRTH",
    ),
    (
        "date of birth march twenty first nineteen eighty seven thanks",
        "march twenty first nineteen eighty seven",
        "DATE_OF_BIRTH",
    ),
    (
        "mon numéro c'est le zéro sept quarante-deux dix-huit soixante-treize zéro cinq merci",
        "zéro sept quarante-deux dix-huit soixante-treize zéro cinq",
        "PHONE",
    ),
    (
        "meine nummer ist null eins sieben zwei drei vier fünf sechs sieben acht neun danke",
        "null eins sieben zwei drei vier fünf sechs sieben acht neun",
        "PHONE",
    ),
    (
        "mi teléfono es seis uno dos tres cuatro cinco seis siete ocho gracias",
        "seis uno dos tres cuatro cinco seis siete ocho",
        "PHONE",
    ),
    (
        "né le deux octobre mille neuf cent quatre-vingt-quatre à Lyon",
        "deux octobre mille neuf cent quatre-vingt-quatre",
        "DATE_OF_BIRTH",
    ),
    (
        "il mio cellulare è tre quattro sette uno due tre quattro cinque sei sette grazie",
        "tre quattro sette uno due tre quattro cinque sei sette",
        "PHONE",
    ),
    (
        "mijn nummer is nul zes een twee drie vier vijf zes zeven acht",
        "nul zes een twee drie vier vijf zes zeven acht",
        "PHONE",
    ),
    (
        "o meu telemóvel é nove um dois três quatro cinco seis sete oito obrigado",
        "nove um dois três quatro cinco seis sete oito",
        "PHONE",
    ),
    ("Scanned form\nDOB: l4/O3/1982\nSigned", "l4/O3/1982", "DATE_OF_BIRTH"),
    ("Tel. +44 2O7 946 O958 (office)", "+44 2O7 946 O958", "PHONE"),
    ("SSN 5l2-34-O987", "5l2-34-O987", "US_SSN"),
]


@pytest.mark.parametrize(("text", "value", "label"), [m for m in MUST_MASK if m[1]])
def test_a_number_said_or_misread_is_found_over_its_words(
    text: str, value: str, label: str
) -> None:
    start = text.index(value)
    found = [(s.start, s.end, s.label) for s in DETECTORS.detect(text)]
    assert (start, start + len(value), label) in found


def test_capitals_and_commas_between_groups() -> None:
    # Capitals are read (the scan reads the lower-cased text); a comma ends a run,
    # and a run of fewer than four digits is left as prose ("Four One Five").
    text = MUST_MASK[3][0]
    view = spell(DETECTORS.scanner.scan(text))
    assert view is not None
    assert view.text.startswith("Four One Five, Double Five Five, 0193 is")


_NUMBER_LABELS = {"PHONE", "CREDIT_CARD", "US_SSN", "DATE_OF_BIRTH", "IBAN", "STREET_ADDRESS"}

MUST_STAY = [
    "one or two things to fix before five",
    "five stars, would buy again",
    "I have three kids and two dogs",
    "see you at four o'clock",
    "Ol' Man River is an old song",
    "the XO1 laptop and the B0LT model",
    "commit 3f9a0c1e7b2d4f6a8c0e1b3d5f7a9c1e3b5d7f9a",
    "one hundred and twenty five people came",
    "twenty five years ago, in nineteen eighty four",
    "it was a one two punch, then three four five",
    "we sold forty two thousand five hundred units",
    "count with me: one two three four five six seven eight nine ten",
    "the O2 arena, the l1 cache and Windows 1O",
    "Form REV-2O19-O4, Emp ID E-1O443",
    "Invoice no. INV-77l4",
    "il y a vingt et un jours, er sind zwei drei Leute",
    "NULL NULL NULL NULL NULL NULL NULL NULL",
    "version one point two of the API",
    "I need a one-on-one with you at two thirty",
]


@pytest.mark.parametrize("text", MUST_STAY)
def test_ordinary_numbers_in_words_stay(text: str) -> None:
    # (Names are another detector's: "Man River" is read as one, with or without this.)
    assert [s for s in DETECTORS.detect(text) if s.label in _NUMBER_LABELS] == []


@pytest.mark.parametrize(
    "text",
    [
        "the XO1 laptop and the B0LT model",
        "token aGVsbG8gd29ybGQhIElsb3ZlIE8xMjM0NTY3OA== ok",
        "Dmitri Vo1kov",
        "five stars",
        "one or two",
        "oh five",  # "oh" before one digit word only: no run of two numbers
    ],
)
def test_no_view_is_built_without_a_cue(text: str) -> None:
    view = spell(DETECTORS.scanner.scan(text))
    assert view is None or view.text == text.replace("oh five", "05")


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("four six eight three", "4683"),
        ("nineteen fifty four", "1954"),
        ("oh nine twenty eight", "0928"),
        ("double oh seven", "007"),
        ("two thousand and five", "2005"),
        ("twenty twenty six", "2026"),
        ("one hundred and five", "105"),
        ("huit cent quarante", "840"),
        ("soixante dix-huit", "78"),
        ("quatre-vingt-dix-huit", "98"),
        ("mille neuf cent cinquante-quatre", "1954"),
        ("mil novecientos cincuenta y cuatro", "1954"),
        ("zweiundvierzig elf", "4211"),
        ("tweeënveertig zes", "426"),
        ("trentadue ventotto", "3228"),
        ("vinte e dois meia", "226"),
    ],
)
def test_numbers_are_read_as_said(said: str, digits: str) -> None:
    read = _chunks(_run_words(said, 0))
    assert "".join(d for _, _, d in read) == digits
    assert read[0][0] == 0 and read[-1][1] == len(said)


def test_spans_cover_whole_words() -> None:
    text = "ok call me at six one seven double five two one three four then goodbye"
    (found,) = DETECTORS.detect(text)
    assert text[found.start : found.end] == "six one seven double five two one three four"


def test_with_other_disguises() -> None:
    # A zero-width space inside a misread group: both undone, mapped back whole.
    text = "SSN: 2O4-1\u200b2-O786 thanks"
    (found,) = DETECTORS.detect(text)
    assert (text[found.start : found.end], found.label) == ("2O4-1\u200b2-O786", "US_SSN")
