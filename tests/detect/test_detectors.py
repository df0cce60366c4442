"""Each label found in text written for this test, and its look-alikes left alone."""

from __future__ import annotations

import ipaddress
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zdr.detect import DetectorSet
from zdr.detect.birthdate import _DATE, _DATE_FIRST, _MONTHS
from zdr.detect.engine import resolve
from zdr.detect.model import PRIORITY, Span, word_starts
from zdr.detect.scan import Anchor, matches_at
from zdr.detect.url import _URL, url_matches
from zdr.detect.validators import public_ip

DETECT = DetectorSet()


def found(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label) for s in DETECT.detect(text)]


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("write to olga.petrova@firma-mail.de today", "olga.petrova@firma-mail.de", "EMAIL"),
        ("call +49 30 901820 after lunch", "+49 30 901820", "PHONE"),
        ("my number is (415) 555-0132", "(415) 555-0132", "PHONE"),
        ("card 4111 1111 1111 1111 exp 09/27", "4111 1111 1111 1111", "CREDIT_CARD"),
        ("IBAN GB82 WEST 1234 5698 7654 32 please", "GB82 WEST 1234 5698 7654 32", "IBAN"),
        ("SSN 123-45-6789 on file", "123-45-6789", "US_SSN"),
        ("login from 203.0.113.77 failed", "203.0.113.77", "IP_ADDRESS"),
        ("from 2001:db8:85a3::8a2e:370:7334 at noon", "2001:db8:85a3::8a2e:370:7334", "IP_ADDRESS"),
        (
            "reset: https://app.example.net/reset?token=9f8e7d6c5b4a",
            "https://app.example.net/reset?token=9f8e7d6c5b4a",
            "URL",
        ),
        (
            "profile https://www.linkedin.com/in/olga-petrova-4a1b2c",
            "https://www.linkedin.com/in/olga-petrova-4a1b2c",
            "URL",
        ),
        ("Date of birth: 14.03.1987\n", "14.03.1987", "DATE_OF_BIRTH"),
        ("she was born on March 3, 1990 in Lyon", "March 3, 1990", "DATE_OF_BIRTH"),
        ("my bday is 7/2/1991 btw", "7/2/1991", "DATE_OF_BIRTH"),
        # The name alone: a capitalised contraction before it is not part of it.
        ("Hi, I'm Priya Raghunathan and I need help", "Priya Raghunathan", "PERSON"),
        ("Hello! It's Dmitri Volkov again", "Dmitri Volkov", "PERSON"),
        ("Contact person: Marie-Claire Dubois-Lefèvre", "Marie-Claire Dubois-Lefèvre", "PERSON"),
        ("her b-day: Sept 9th, 1979", "Sept 9th, 1979", "DATE_OF_BIRTH"),
        ("born on the 2nd of June, 1984", "2nd of June, 1984", "DATE_OF_BIRTH"),
        ("patient DOB 11/23/64, allergies none", "11/23/64", "DATE_OF_BIRTH"),
        # "birthday" in the languages zdr claims, and Portuguese "nasc."
        ("Meu aniversário é 15/08/1992, ok?", "15/08/1992", "DATE_OF_BIRTH"),
        ("Sra. Lopes (nasc. 02/11/1954) ligou", "02/11/1954", "DATE_OF_BIRTH"),
        ("mein Geburtstag ist am 3.4.1990", "3.4.1990", "DATE_OF_BIRTH"),
        ("mi cumpleaños es el 12/05/1988", "12/05/1988", "DATE_OF_BIRTH"),
        # Day ordinals of the claimed languages, month names between dashes, the
        # compact ISO form as a key's value.
        ("né le 1er avril 1970 à Lyon", "1er avril 1970", "DATE_OF_BIRTH"),
        ("nascido em 1º de abril de 1970", "1º de abril de 1970", "DATE_OF_BIRTH"),
        ("nato il 1° aprile 1970", "1° aprile 1970", "DATE_OF_BIRTH"),
        ("DOB: 12-Mar-1990, blood group B+", "12-Mar-1990", "DATE_OF_BIRTH"),
        ("DOB 12-Mar-90 on the form", "12-Mar-90", "DATE_OF_BIRTH"),
        ("PAX DOB:14FEB1988 NAT:GB", "14FEB1988", "DATE_OF_BIRTH"),
        ("ssn=***; dob=19880214; zip=94110", "19880214", "DATE_OF_BIRTH"),
        ("born (ref 20240115) 03/14/88", "03/14/88", "DATE_OF_BIRTH"),  # past a compact number
        ("ship to 221 Baker Street, London", "221 Baker Street, London", "STREET_ADDRESS"),
        (
            "wohnt in der Lindenstraße 12, 10115 Berlin",
            "Lindenstraße 12, 10115 Berlin",
            "STREET_ADDRESS",
        ),
        (
            "OPENAI_API_KEY=sk-proj-4fA9xQ2mL7vR1tZ8kW3nB6yD",
            "sk-proj-4fA9xQ2mL7vR1tZ8kW3nB6yD",
            "API_KEY",
        ),
        (
            "token ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d",
            "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d",
            "API_KEY",
        ),
        ('DB_PASSWORD="v9#Lq!2mZx"', "v9#Lq!2mZx", "SECRET"),
        ("mysql://app:S3cr3t-P4ss@db:3306/x", "S3cr3t-P4ss", "SECRET"),
        ("Cookie: sid=8f2a9c1e77; theme=dark", "sid=8f2a9c1e77; theme=dark", "SECRET"),
        ("Dear Ms. Okonkwo-Baptiste, thank you", "Okonkwo-Baptiste", "PERSON"),
        ("Bonjour Amélie,\nmerci", "Amélie", "PERSON"),
        ("Patient: Jürgen Hoffmann (62)", "Jürgen Hoffmann", "PERSON"),
    ],
)
def test_each_label_is_found(text: str, value: str, label: str) -> None:
    assert (value, label) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "request id 3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b failed",  # UUID
        "upgrade to version 10.4.2.1 then 2024.11.27",  # versions
        "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",  # git SHA
        "order #4111-1111-1111-1112 shipped",  # Luhn-invalid card shape
        "EAN 4006381333931 on the box",  # barcode
        "export OPENAI_API_KEY=${OPENAI_API_KEY}",  # placeholder
        "see https://docs.python.org/3/library/re.html",  # public docs
        "ping 127.0.0.1 and ::1",  # loopback
        "the meeting is on 2024-05-06 at 10:30",  # a date that is no birth date
        "Parkinson's disease and the Fourier transform",  # eponyms
        "Hello team, the build is green",  # greeting without a name
        "timestamp 1717171717 and part P/N 739-5662-53",  # epoch, part number
    ],
)
def test_look_alikes_are_left_alone(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "ssns"),
    [
        ("TIN: 123 45 6789", ["123 45 6789"]),  # the word starts the text
        ("tax id (tin) 123 45 6789", ["123 45 6789"]),
        ("the setting 123 45 6789 is continued", []),  # "tin" inside words
    ],
)
def test_ssn_words_are_anchored_at_word_starts(text: str, ssns: list[str]) -> None:
    words = DETECT.scanner.scan(text).spans("ssn.word")
    assert [text[s : s + 3].lower() for s, _ in words] == (["tin"] if ssns else [])
    assert [value for value, label in found(text) if label == "US_SSN"] == ssns


def test_a_name_is_masked_at_every_mention() -> None:
    text = "Dear Mrs Kowalczyk,\nas discussed, Kowalczyk's claim is approved."
    assert [v for v, label in found(text) if label == "PERSON"] == ["Kowalczyk", "Kowalczyk"]


def test_spans_never_overlap_and_are_sorted() -> None:
    text = "Mail jane.doe@example.org, key sk-proj-4fA9xQ2mL7vR1tZ8kW3nB6yD, tel +44 20 7946 0958"
    spans = DETECT.detect(text)
    assert spans == sorted(spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))


def _reference_public_ip(text: str) -> bool:
    """What public_ip said before its IPv4 fast path: ipaddress decides."""
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return False
    if ip.is_loopback or ip.is_unspecified or ip.is_multicast or ip.is_reserved:
        return False
    return not (ip.version == 4 and text.startswith("255."))


_OCTETS = st.one_of(
    st.integers(0, 300).map(str),
    st.sampled_from(["0", "00", "01", "007", "255", "256", "1000", "", "1a", "٣", " 1"]),
)


@given(st.lists(_OCTETS, min_size=1, max_size=6).map(".".join))
def test_public_ipv4_agrees_with_ipaddress(text: str) -> None:
    assert public_ip(text) is _reference_public_ip(text)


_HEXTETS = st.one_of(
    st.integers(0, 0xFFFF).map("{:x}".format),
    st.sampled_from(["", "0", "ff02", "fe80", "2001", "db8", "FFFF", "1.2.3.4", "g", "12345"]),
)


@given(st.lists(_HEXTETS, min_size=2, max_size=9).map(":".join))
def test_public_ipv6_agrees_with_ipaddress(text: str) -> None:
    assert public_ip(text) is _reference_public_ip(text)


@pytest.mark.parametrize(
    "text",
    ["::", "::1", "1fff::1", "2000::", "3fff:ffff::1", "4000::1", "fbff::1", "fc00::1",
     "fdff::1", "fe00::1", "fe7f::1", "fe80::1", "feff::1", "ff00::1", "ff02::1",
     "::ffff:1.2.3.4", "fe80::1%eth0", "1:2:3:4:5:6:7::", "2001:db8::1::1", "2001:db8:::1",
     ":2001:db8::1", "2001:db8::1:", "2001:0db8:0000:0000:0000:0000:0000:00001"],
)  # fmt: skip
def test_public_ipv6_edges_agree_with_ipaddress(text: str) -> None:
    assert public_ip(text) is _reference_public_ip(text)


@pytest.mark.parametrize(
    "text",
    ["127.0.0.1", "0.0.0.0", "224.0.0.1", "239.255.255.255", "240.0.0.1", "255.255.255.0",
     "10.0.0.1", "192.168.1.20", "8.8.8.8", "203.0.113.77", "0.0.0.1", "223.255.255.255"],
)  # fmt: skip
def test_public_ipv4_edges_agree_with_ipaddress(text: str) -> None:
    assert public_ip(text) is _reference_public_ip(text)


_NAME_PIECES = ["Jane", "Roe", "Jane Roe", "Ana", "Ana Ana", "Jürgen", "O'Brien", "van Berg"]


@given(
    st.lists(
        st.sampled_from([*_NAME_PIECES, " ", "\n", "-", ".", "@", "_", "x", ",", "é", "1"]),
        max_size=30,
    ).map("".join),
    st.sets(st.sampled_from(_NAME_PIECES), min_size=1),
)
def test_mentions_by_index_equal_mentions_by_search(text: str, parts: set[str]) -> None:
    """Long documents find the mentions of a name through a word index; short ones
    search for each part. Both must find the same places."""
    from zdr.detect import names

    by_search = sorted(names._mentions_by_search(text, list(parts)))
    assert sorted(names._mentions_by_index(text, list(parts))) == by_search


def test_phone_in_digits_of_another_script() -> None:
    """A national number in Arabic-Indic digits is parsed in the regions its shape
    points to (here Germany), like one in ASCII digits."""
    assert found("call me on ٠١٥١ ٤٩٦ ٠٤٣٤٥ please") == [("٠١٥١ ٤٩٦ ٠٤٣٤٥", "PHONE")]


def _reference_national_valid(digits: str, country_code: int) -> bool:
    """libphonenumber itself: the number built from the national digits (with and
    without the trunk prefix), valid in any region of its country code."""
    import phonenumbers

    main = phonenumbers.PhoneMetadata.metadata_for_region(
        phonenumbers.region_code_for_country_code(country_code)
    )
    trunk = (main.national_prefix or "") if main is not None else ""
    readings = [digits]
    if trunk and digits.startswith(trunk):
        readings.append(digits[len(trunk) :])
    regions = phonenumbers.region_codes_for_country_code(country_code)
    for national in readings:
        if not national:
            continue
        number = phonenumbers.PhoneNumber(country_code=country_code, national_number=int(national))
        zeros = len(national) - len(national.lstrip("0"))
        if zeros:
            number.italian_leading_zero = True
            number.number_of_leading_zeros = zeros
        if any(phonenumbers.is_valid_number_for_region(number, r) for r in regions):
            return True
    return False


def _example_numbers() -> list[tuple[int, str]]:
    """A valid number of every type in every region libphonenumber knows."""
    import phonenumbers
    from phonenumbers import PhoneNumberType

    out = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in PhoneNumberType.values():
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                out.append((number.country_code, phonenumbers.national_significant_number(number)))
    return out


_EXAMPLES = _example_numbers()


@given(
    st.sampled_from(_EXAMPLES),
    st.sampled_from(["", "0", "1", "00", "8"]),
    st.lists(st.tuples(st.integers(0, 20), st.sampled_from("0123456789")), max_size=3),
    st.integers(-3, 3),
    st.sampled_from([None, 1, 33, 39, 44, 49, 7, 86, 979]),
)
def test_phone_validity_agrees_with_libphonenumber(
    example: tuple[int, str],
    prefix: str,
    edits: list[tuple[int, str]],
    resize: int,
    other_code: int | None,
) -> None:
    """zdr's compiled validity patterns say what libphonenumber's is_valid_number says,
    for valid numbers of every region and type and for numbers one edit away."""
    from zdr.detect.phone import _national_valid

    code, digits = example
    digits = prefix + digits
    for position, digit in edits:
        if position < len(digits):
            digits = digits[:position] + digit + digits[position + 1 :]
    digits = digits[:resize] if resize < 0 else digits + "5" * resize
    code = other_code or code
    assert _national_valid(digits, code) is _reference_national_valid(digits, code)


def test_phone_validity_holds_every_example_number() -> None:
    from zdr.detect.phone import _national_valid

    assert len(_EXAMPLES) > 1000
    assert all(_national_valid(digits, code) for code, digits in _EXAMPLES)


def _reference_resolve(spans: list[Span]) -> list[Span]:
    """resolve() as it was: every span ranked at once, characters marked as taken."""
    if len(spans) <= 1:
        return spans
    ordered = sorted(set(spans))
    ranked = sorted(ordered, key=lambda s: (-(s.end - s.start), PRIORITY.get(s.label, 99), s.start))
    occupied = bytearray(max(s.end for s in ordered))
    taken: list[Span] = []
    for s in ranked:
        if occupied.find(1, s.start, s.end) >= 0:
            continue
        taken.append(s)
        occupied[s.start : s.end] = b"\x01" * (s.end - s.start)
    return sorted(taken)


_SPANS = st.lists(
    st.builds(
        lambda start, length, label: Span(start, start + length, label),
        st.integers(0, 40),
        st.integers(0, 12),
        st.sampled_from(["PERSON", "EMAIL", "PHONE", "SECRET", "URL", "NOT_A_LABEL"]),
    ),
    max_size=12,
)


@given(_SPANS)
def test_resolve_settles_each_group_as_all_at_once(spans: list[Span]) -> None:
    """Settling each group of overlapping spans on its own gives what ranking every
    span at once gave."""
    assert resolve(list(spans)) == _reference_resolve(list(spans))


# The date pattern as it was written before month names were tried only at their
# first letters: the two must find the same dates.
_DATE_AS_WRITTEN = (
    r"(?<![\w/.-])(?:"
    r"(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d{2}"
    r"|(?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])[-/.](?:19|20)\d{2}"
    r"|(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th|er|º|°|ª)?\.?\s+(?:de\s+|of\s+)?(?:{m})\.?,?\s+"
    r"(?:de\s+)?(?:19|20)\d{{2}}"
    r"|(?:0?[1-9]|[12]\d|3[01])([-/]?)(?:{m})\1(?:19|20)\d{{2}}"
    r"|(?:{m})\.?\s+(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}"
    r")(?![\w/-]|\.\d|:\d)"
)


_DAY = st.sampled_from(["1", "07", "9", "12", "31", "32", "1990", "2001"])
_NUMERIC_DATE = st.tuples(_DAY, st.sampled_from("-/."), _DAY, st.sampled_from("-/."), _DAY).map(
    "".join
)
_MONTH_WORD = st.sampled_from(_MONTHS.split("|"))
_WORDED_DATE = st.tuples(
    st.sampled_from(["", "3 ", "12. ", "07 de ", "14th of ", "2nd ", "1er ", "1º ", "12-", "14"]),
    _MONTH_WORD,
    st.sampled_from(["", ".", ",", "-"]),
    st.sampled_from([" ", "  ", ""]),
    st.sampled_from(["", "3 ", "21st, ", "12th ", "de "]),
    st.sampled_from(["1990", "2001", "19"]),
).map("".join)
_AROUND = st.sampled_from(["", "x", " ", "-", "/", ".", ":5", ".5", "a", "é", "\n"])


@given(st.lists(_AROUND | _NUMERIC_DATE | _WORDED_DATE, max_size=6).map("".join))
def test_date_pattern_finds_what_it_was_written_to(text: str) -> None:
    written = re.compile(_DATE_AS_WRITTEN.replace("{m}", _MONTHS).replace("{{2}}", "{2}"))
    assert [m.span() for m in _DATE.finditer(text)] == [m.span() for m in written.finditer(text)]
    # Birth-date columns try the pattern only where a date can begin.
    starts = [(p, p) for p in word_starts(text, _DATE_FIRST, "/.-")]
    assert [m.span() for m in matches_at(_DATE, text, starts)] == [
        m.span() for m in written.finditer(text)
    ]


@given(
    st.lists(
        st.sampled_from(["https", "http", "ftp", "HTTP", "httpſ", "://", "x", " ", "/", "a.b", '"'])
    ).map("".join)
)
def test_urls_are_found_where_the_pattern_finds_them(text: str) -> None:
    assert [m.span() for m in url_matches(text)] == [m.span() for m in _URL.finditer(text)]


@given(st.text(alphabet="aZ09_-+/=ſªǅ٣ ", min_size=14, max_size=24) | st.text(min_size=16))
def test_looks_random_reads_ascii_values_as_any_other(value: str) -> None:
    """ASCII values are tested at C speed; the answer must be the per-character one."""
    from zdr.detect.validators import looks_random, shannon_entropy

    classes = (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
    )
    expected = len(value) >= 16 and classes >= 2 and shannon_entropy(value) >= 3.0
    assert looks_random(value, 16, 3.0) == expected


@given(
    st.lists(
        st.sampled_from(
            [
                "742",
                "1234567",
                "12",
                "٣٤",
                "b",
                "Evergreen",
                "Terrace",
                "Élysée",
                " ",
                "\n",
                ",",
                "-",
                "x",
            ]
        )
    ).map("".join)
)
def test_street_numbers_found_where_the_former_scan_anchor_found_them(text: str) -> None:
    """Number-and-word starts come from number_word_starts instead of a Hyperscan
    anchor; the matches the address detector keeps are the same."""
    from zdr.detect.address import _NUMBER_WORDS, number_word_starts
    from zdr.detect.model import starts_word
    from zdr.detect.scan import Scanner

    former = Scanner([Anchor("number_words", r"\d{1,6}[a-zA-Z]?,?\s+[A-ZÀ-ÖØ-Þ]")]).scan(text)

    def kept(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        found = matches_at(_NUMBER_WORDS, text, spans)
        return [m.span() for m in found if starts_word(text, m.start(), "_-")]

    now = kept([(p, p) for p in number_word_starts(text)])
    assert now == kept(list(former.spans("number_words")))


@given(st.text(alphabet="0123456789 -._aé", max_size=40))
def test_card_numbers_found_where_the_former_scan_anchor_found_them(text: str) -> None:
    from zdr.detect.card import CardDetector, card_starts
    from zdr.detect.model import starts_word
    from zdr.detect.scan import Scanner

    anchor = Anchor("card", r"[0-9](?:[ -]?[0-9]){11}", word_start="_.-")
    former = Scanner([anchor]).scan(text)

    def kept(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        found = matches_at(CardDetector()._re, text, spans)
        return [m.span() for m in found if starts_word(text, m.start(), "_.-")]

    assert kept([(p, p) for p in card_starts(text)]) == kept(list(former.spans("card")))


@pytest.mark.parametrize(
    "text",
    [
        "invoice 11/23/64 paid",  # a two-digit year needs a birth word
        "born in a small town by the sea; flights on 03/14/26",  # too far from the word
        "born in 1988, order 20240214 shipped",  # a compact date only as the key's value
        "order 14FEB1988 shipped",  # no birth word
        # "nato"/"nata" inside another word is no birth word
        "la sonata 14/02/1988 in do minore",
        "Donatoni 14/02/1988 concerto",
    ],
)
def test_short_dates_are_birth_dates_only_right_after_a_birth_word(text: str) -> None:
    assert [label for _, label in found(text)] == []


def test_chat_log_speakers_are_names_log_sources_are_not() -> None:
    log = (
        "[09:58] gabriela.souza: the export is empty again\n"
        "[09:59] <omar_haddad> which account?\n"
        "3/4/2025, 10:02 - ruth: the one from March\n"
        "10:03:11 INFO: export started\n"
        "10:03:12 scheduler: queued\n"
        "10:03:13 worker-7: done\n"
        "Standup at 10:30: notes below\n"
    )
    people = [v for v, label in found(log) if label == "PERSON"]
    assert people == ["gabriela.souza", "omar_haddad", "ruth"]


@pytest.mark.parametrize(
    ("text", "card"),
    [
        ("my credit card number is 675984103431, please", True),  # Maestro: 12 digits
        ("statement for cc 503802053770 please", True),
        ("Our AWS account 666972510273 hosts the prod cluster.", False),  # no card word
        ("Accepted order 364942055526 successfully", False),  # "cc" inside words
        ("creditCardNumber: 675984103431", True),  # a card word inside a longer one
        ("Accepted payment ref 1234567890128 successfully", False),  # 13 digits too
        ("card number 675984103432", False),  # Luhn fails
    ],
)
def test_twelve_digit_cards_only_after_a_card_word(text: str, card: bool) -> None:
    from zdr.detect import DetectorSet

    labels = {s.label for s in DetectorSet().detect(text)}
    assert ("CREDIT_CARD" in labels) is card


def test_one_long_line_of_dates_is_read_in_linear_time() -> None:
    # should-fix: each date counted the separators from its line's start (quadratic)
    import time

    started = time.perf_counter()
    DETECT.detect("born;" + "1990-01-02;" * 20000)  # 220 kB on one line
    assert time.perf_counter() - started < 2.0
