"""Street addresses in the formats of zdr's locales and their neighbours, each class of
rule with a hit and a near-miss (text written for this test)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zdr.detect import DetectorSet
from zdr.detect.address import _PIN_ADDRESS_END, _pin_starts, street_types
from zdr.detect.scan import DIGIT, matches_from

DETECT = DetectorSet()


def addresses(text: str) -> list[str]:
    return [text[s.start : s.end] for s in DETECT.detect(text) if s.label == "STREET_ADDRESS"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # A number, the name and an English street type, singular or plural.
        ("I live at 410 Nelson Brook", "410 Nelson Brook"),
        ("Ship it to 3434 Chambers Grove Apt. 116 please", "3434 Chambers Grove Apt. 116"),
        ("moved to 12 Cedar Hills", "12 Cedar Hills"),
        ("Ship it to 93 Melanie Alley please", "93 Melanie Alley"),  # USPS suffixes
        ("we meet at 5 Dune Crossroads", "5 Dune Crossroads"),
        ("shipped to 8 Cypress Bayou", "8 Cypress Bayou"),
        # A house number of two numbers and a slash.
        ("I live at 97/65 Yogi Chowk", "97/65 Yogi Chowk"),
        # A street type after the name, as the end of one word (libpostal's suffixes).
        ("Bitte an Birkenweg 7 schicken", "Birkenweg 7"),
        ("asunto osoitteessa Rantakatu 14 B", "Rantakatu 14 B"),
        ("bor i Solbakkveien 3a nå", "Solbakkveien 3a"),
        ("adressen är Kvarnvägen 21, 114 59 Stockholm", "Kvarnvägen 21"),
        ("we moved to Ørstedsvej 9", "Ørstedsvej 9"),
        # ... or as a word of its own, after the name.
        ("Treffpunkt: Kölner Straße 118", "Kölner Straße 118"),
        ("kantoor aan de Oude Baan 40", "Oude Baan 40"),
        ("leveres til Olav Kyrres gate 19", "Olav Kyrres gate 19"),
        # A street type before the name, from libpostal's lists and the particles.
        ("rendez-vous au 8 rue des tanneurs", "8 rue des tanneurs"),
        ("consegna in Via delle Rose 12", "Via delle Rose 12"),
        ("mieszkam przy ul. Lipowa 4", "ul. Lipowa 4"),
        ("moro na Travessa Nova 55", "Travessa Nova 55"),
        # Post-office and military boxes.
        ("send the forms to P.O. Box 4417", "P.O. Box 4417"),
        ("Postfach 1207, 80331 München", "Postfach 1207, 80331 München"),
        ("mail to PSC 2210, Box 318\nAPO AE 09104 please", "PSC 2210, Box 318\nAPO AE 09104"),
        ("his ship: USNS Mercy\nFPO AP 96678", "USNS Mercy\nFPO AP 96678"),
        # A street without a known type, known by the unit after its number.
        ("we stay at Mäealuse 6 Apt. 12 this week", "Mäealuse 6 Apt. 12"),
    ],
)
def test_streets_are_found(text: str, value: str) -> None:
    found = addresses(text)
    assert any(value in v for v in found), found


def test_an_address_block_is_masked_with_its_unit_place_and_postcode_lines() -> None:
    text = "Best,\nIda Berg\n> 12 Harbour Road\n> Flat 3\n> KIRKWALL\n> Scotland KW15 1AB\n\nPS"
    block = "12 Harbour Road\n> Flat 3\n> KIRKWALL\n> Scotland"
    assert any(v.startswith(block) for v in addresses(text)), addresses(text)
    text = "Ölgasse 5\nSee you there, and bring the maps"
    assert addresses(text) == ["Ölgasse 5"]


def test_a_building_number_before_the_street_is_part_of_it() -> None:
    assert addresses("parcel for 4410 27 Quarry Lane today") == ["4410 27 Quarry Lane"]


@pytest.mark.parametrize(
    "text",
    [
        "Boarding at Departure Gate 12 closes soon",  # an English word, capitalised
        "Arsenal and Chelsea tie 3-3 at home",  # a Finnish suffix as a word of its own
        "Ci vediamo lunedì alle 3",  # an Italian preposition, not a street type
        "see Smith et al. Jones 2020 for the proof",  # "al." is no street type
        "our Super Bowl 50 party",  # no street word
        "Windows 10 Pro Edition",
        "Ölgasse",  # a street type with no house number
        "Leave via email 24/7",
        "Top 10 Beach Destinations",  # USPS suffixes that head titles are left out
        "Chapter 4 Passage of Time",
        "Level 5 Arcade",
    ],
)
def test_look_alikes_are_not_addresses(text: str) -> None:
    assert addresses(text) == []


def test_the_street_types_come_from_the_data_file() -> None:
    assert "vägen" in street_types("after")
    assert "katu" in street_types("suffix") and "katu" not in street_types("after")
    assert "travessa" in street_types("before")
    # left out by data/streets.py: place-name endings and ordinary words
    assert "berg" not in street_types("after") and "contra" not in street_types("before")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # The place and postcode after a number-first street, whole: a postcode was cut
        # after its first half ("Leeds LS6") when read as a word of the place.
        ("Flat 3, 27 Kingsley Road, Leeds LS6 2BH", "27 Kingsley Road, Leeds LS6 2BH"),
        ("at 10 Downing Street, London SW1A 2AA, UK", "10 Downing Street, London SW1A 2AA"),
        ("55 Queen Street, Ottawa, ON K1A 0B1", "55 Queen Street, Ottawa, ON K1A 0B1"),
        # A compass point after the street type.
        (
            "1600 Pennsylvania Ave NW, Washington, DC 20500",
            "1600 Pennsylvania Ave NW, Washington, DC 20500",
        ),
    ],
)
def test_the_place_and_postcode_after_a_street_are_kept_whole(text: str, value: str) -> None:
    found = addresses(text)
    assert any(value in v for v in found), found


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # Indian addresses: comma-joined parts ending in a place and its PIN code.
        (
            "Ship to B-204, Sunshine Apartments, MG Road, Bengaluru 560001 please",
            "B-204, Sunshine Apartments, MG Road, Bengaluru 560001",
        ),
        (
            "Flat No. 12, Shanti Niwas, 14th Cross, Indiranagar, Bengaluru, Karnataka 560038",
            "Flat No. 12, Shanti Niwas, 14th Cross, Indiranagar, Bengaluru, Karnataka 560038",
        ),
        (
            "H.No. 5-9-22, Road No. 3, Banjara Hills, Hyderabad - 500034",
            "H.No. 5-9-22, Road No. 3, Banjara Hills, Hyderabad - 500034",
        ),
        (
            "Plot 7, Sector 18, Noida, Uttar Pradesh 201301",
            "Plot 7, Sector 18, Noida, Uttar Pradesh 201301",
        ),
    ],
)
def test_indian_addresses_with_a_pin_code(text: str, value: str) -> None:
    assert value in addresses(text)


@pytest.mark.parametrize(
    "text",
    [
        "Revenue grew 12%, margins held, and Q3 ended at 250000 units",
        "Order 55, blue widget, Delhi 110001",  # a number, a place, a PIN: no address word
    ],
)
def test_comma_joined_numbers_without_an_address_word(text: str) -> None:
    assert addresses(text) == []


def test_an_indian_address_at_the_end_of_a_long_line() -> None:
    # The parts are read back a bounded window only (a long minified line would make
    # every PIN-like match cost its whole line): the address is still whole.
    value = "B-204, Sunshine Apartments, MG Road, Bengaluru 560001"
    text = "item 123456, " * 400 + "ship to " + value
    assert any(value in v for v in addresses(text)), addresses(text)


_BLOCK_PIECES = (
    "Suite", "apt", "#", "12", "4b", "Paris", "NY", "ON", "nan", "de", "la", "SW1A 1AA",
    "K1A 0B1", "75008", "12345-678", ",", " ", "\t", "(Bo 1)", ">", "|", "???", "Ωμέγα",
    "Жуков", "\u037e", ":", "/", "@", "x", "\n", "-", "’s", "∆", ".", "\r", "é", "_",
)  # fmt: skip


@settings(max_examples=3000)
@given(st.lists(st.sampled_from(_BLOCK_PIECES), max_size=14).map("".join))
def test_block_line_characters_rule_out_only_lines_no_block_line_matches(line: str) -> None:
    """_block_end's pre-test is only a shortcut: every line the block-line pattern
    matches holds only _BLOCK_CHARS up to its end."""
    from zdr.detect.address import _BLOCK_CHARS, _BLOCK_LINE

    text = "\n" + line
    if _BLOCK_LINE.match(text, 0) is not None:
        chars = _BLOCK_CHARS.match(text, 1)
        end = text.find("\n", 1)
        assert chars is not None and chars.end() == (len(text) if end < 0 else end)


# address.pin reads ASCII digits only; _pin_starts searches a text holding another
# script's digits itself. Together they must find every start the anchor with any digit
# (DIGIT: an ASCII digit or any non-ASCII character) found where a PIN address can end.
_PIN_WITH_DIGIT = re.compile(rf"[a-z],? (?:- ?)?[1-9]{DIGIT}{{5}}")


def _pin_reference(text: str) -> list[int]:
    low = DETECT.scanner.scan(text).low
    return [
        p
        for p in range(len(low))
        if _PIN_WITH_DIGIT.match(low, p) and _PIN_ADDRESS_END.match(text, p)
    ]


def _pin_found(text: str) -> list[int]:
    starts = [start for start, _ in _pin_starts(DETECT.scanner.scan(text))]
    return [m.start() for m in matches_from(_PIN_ADDRESS_END, text, starts)]


_PIN_PIECES = ["a", "Z", "é", " ", ",", "-", "1", "5", "0", "٥", "５", "\u0967", "x", "\n"]


@pytest.mark.parametrize(
    "text",
    [
        "MG Road, Bengaluru 560001",
        "Hyderabad - 500034, Hyderabad -500034, Pune,411001",
        "Pune ٥٦٠٠٠١ and Pune 56٠001 and pune, \u0967\u0968\u0969\u0966\u0966\u0967",
        "Pune ５６００01 and Pune 5é0001 and Delhi 110001",
        "no 012345 or x 1234 or a,-123456",
    ],
)
def test_pin_starts_as_with_any_digit(text: str) -> None:
    assert _pin_found(text) == _pin_reference(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIN_PIECES), max_size=40).map("".join))
def test_pin_starts_as_with_any_digit_generated(text: str) -> None:
    assert _pin_found(text) == _pin_reference(text)


@pytest.mark.parametrize(
    "text",
    [
        # must-fix: Brazil's types at a sentence's start, before a year or a count
        "Conjunto de dados 3 foi carregado com sucesso.",
        "Setor de vendas 3 cresceu 12% no trimestre.",
        "Setor Público, 2023: receitas cresceram.",
        "Morro do Chapéu, 2019: chuvas fortes.",
        "Conjunto A, 5 elementos; Conjunto B, 7 elementos.",
        "Jardim Botânico 2 ingressos esgotados",
        "Morro Bay 3 nights at the Inn",
    ],
)
def test_brazils_street_types_in_prose_are_no_address(text: str) -> None:
    assert addresses(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # A street in lower case, right after words that say an address follows.
        ("i live at 1423 oak street, austin tx 78701", "1423 oak street, austin tx 78701"),
        ("send it to 88 n main st", "88 n main st"),
        ("ship to 5 maple ave apt 3b, boston ma 02118", "5 maple ave apt 3b, boston ma 02118"),
        ("my address is 742 evergreen terrace springfield", "742 evergreen terrace"),
        ("my new address: 12 kings road, sheffield s11 8tj", "12 kings road, sheffield s11 8tj"),
        ("deliver to 9 rose close, leeds ls6 2bh please", "9 rose close, leeds ls6 2bh"),
        ("located at 221b baker st", "221b baker st"),
        ("Shipping address:\n14 linden ave, dayton oh 45402", "14 linden ave, dayton oh 45402"),
    ],
)
def test_a_street_in_lower_case_after_an_address_cue(text: str, value: str) -> None:
    assert addresses(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        # A count or a distance after the same words is no street.
        "i live at 3 blocks from the station",
        "send it to 2 people on the street",
        "we moved to 4 different cities",
        "the address is 127.0.0.1 port 8080",
        "send to 3 users: st john, ave maria",
        "ship to 12 countries by road",
        # No cue: a number and a street word in lower case stay text.
        "we need 5 main st items in the cart",
        "version 2 st build is out",
    ],
)
def test_a_count_after_an_address_cue_is_no_street(text: str) -> None:
    assert addresses(text) == []
