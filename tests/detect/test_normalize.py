"""Disguised values (zero-width and other format characters, full-width and other
ASCII forms, percent-escapes) are found, and each finding covers exactly the
characters of the value in the original text; ordinary text is not touched."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.detect.disguises import DISGUISES, PLANTED, undisguised
from zdr.detect.engine import DetectorSet
from zdr.detect.model import Span
from zdr.detect.normalize import (
    ASCII_FORMS,
    DISGUISE,
    INVISIBLE,
    Normalized,
    decode_escapes,
    normalize,
)
from zdr.detect.scan import scanner_for

DETECTORS = DetectorSet()
SCANNER = scanner_for((DISGUISE,))


@pytest.mark.parametrize("disguise", list(DISGUISES))
@pytest.mark.parametrize(("label", "sentence", "value"), PLANTED, ids=[p[0] for p in PLANTED])
def test_a_disguised_value_is_found_over_its_original_characters(
    label: str, sentence: str, value: str, disguise: str
) -> None:
    disguised = DISGUISES[disguise](value)
    assert undisguised(disguised) == value  # the helper's own check
    before = sentence.index("{}")
    text = sentence.format(disguised)
    assert DETECTORS.detect(text) == [Span(before, before + len(disguised), label)]


def test_plain_and_disguised_mentions_both_found() -> None:
    text = "From john.doe@example.com, also jo\u200bhn.doe@example.com and john%2Edoe%40example.com"
    found = [text[s.start : s.end] for s in DETECTORS.detect(text)]
    assert found == [
        "john.doe@example.com",
        "jo\u200bhn.doe@example.com",
        "john%2Edoe%40example.com",
    ]


def test_invisible_characters_around_a_value_are_not_part_of_it() -> None:
    text = "mail \u200b\u200bjohn@exa\u00admple.com\u2060\ufeff now"
    (found,) = DETECTORS.detect(text)
    assert text[found.start : found.end] == "john@exa\u00admple.com"


def test_tag_characters_hiding_a_value_are_read() -> None:
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "john@example.com")
    text = f"Nothing to see here {hidden} at all"
    (found,) = DETECTORS.detect(text)
    assert (text[found.start : found.end], found.label) == (hidden, "EMAIL")


@pytest.mark.parametrize(
    "text",
    [
        "Great job 👩\u200d💻👨\u200d👩\u200d👧 ❤\ufe0f ☺\ufe0f",  # emoji sequences
        "می\u200cخواهم به خانه بروم",  # Persian: a zero-width non-joiner inside a word
        "क्\u200dष and क्\u200cष",  # Devanagari joiners
        "你好，世界！（测试）：是的？",  # full-width punctuation of Chinese text
        "東京都　渋谷区",  # an ideographic space between Japanese words
        "https://example.com/a%20b/c%2Fd?q=x%3Dy&r=%26 and 50% off, 100%!",
        "progress: 75%, 80%25 done; %zz %4",
        'printf("%2d items, %4d left\\n", a, b); "%2e"',
        "a soft-hyphenated word at a line end\u00ad\nand a BOM \ufeff at a start",
    ],
)
def test_ordinary_text_is_read_as_it_stands(text: str) -> None:
    assert decode_escapes(text) is None
    assert normalize(text, SCANNER.scan(text).spans(DISGUISE.name)) is None
    assert DETECTORS.detect(text) == []


def test_invisible_set_is_every_format_character() -> None:
    planes = [*range(0x10000), *range(0xE0000, 0xE0080)]
    format_characters = {chr(c) for c in planes if unicodedata.category(chr(c)) == "Cf"}
    tags = {chr(c) for c in range(0xE0020, 0xE007F)}  # read as the ASCII they mirror
    assert format_characters - tags <= INVISIBLE and tags <= {chr(c) for c in ASCII_FORMS}
    for c in INVISIBLE - format_characters:  # joiners, selectors, unassigned tags
        assert unicodedata.category(c) in ("Mn", "Cn")
        assert unicodedata.combining(c) == 0 or c == "\u034f"
    assert not INVISIBLE & {chr(c) for c in ASCII_FORMS}


def test_ascii_forms_are_what_nfkc_reads() -> None:
    for code, ascii_form in ASCII_FORMS.items():
        if 0xE0000 <= code < 0xE0080:  # tag characters: no NFKC form, mirror ASCII
            assert ord(ascii_form) == code - 0xE0000
        else:
            assert unicodedata.normalize("NFKC", chr(code)) == ascii_form


_PIECES = st.sampled_from(
    [
        "a",
        "Z",
        "7",
        "@",
        ".",
        "-",
        " ",
        "%",
        "%40",
        "%2d",
        "%6A",
        "%20",
        "%zz",
        "\u200b",
        "\u00ad",
        "\u200d",
        "\ufeff",
        "\U000e0001",
        "ｊ",
        "４",
        "＠",
        "，",
        "\u3000",
        "𝐣",
        "\U000e0061",
        "é",
        "👩",
        "\n",
    ]
)


@given(st.lists(_PIECES, max_size=40).map("".join))
def test_the_map_leads_each_view_character_to_the_characters_it_reads(text: str) -> None:
    decoded = decode_escapes(text)
    if decoded is not None:
        _check_map(text, decoded)
    hits = SCANNER.scan(text).spans(DISGUISE.name)
    view = normalize(text, hits)
    if view is None:
        for hit, _ in hits:  # only invisible characters beside no value are left
            assert text[hit] in INVISIBLE
    else:
        _check_map(text, view)


def _check_map(text: str, view: Normalized) -> None:
    n = len(view.text)
    assert set(text[: view.start(0)] if n else text) <= INVISIBLE
    for i in range(n):
        start, end = view.start(i), view.end(i + 1)
        piece = text[start:end]
        assert piece == view.text[i] or undisguised(piece) == view.text[i]
        if i + 1 < n:  # between two view characters: only what the view left out
            assert set(text[end : view.start(i + 1)]) <= INVISIBLE
    if n:
        assert set(text[view.end(n) :]) <= INVISIBLE
    # A span of the view covers the original characters from its first to its last.
    for i in range(n):
        for j in range(i + 1, n + 1):
            assert view.start(i) < view.end(j) <= len(text)
            expected = [Span(view.start(i), view.end(j), "X")]
            assert view.to_original([Span(i, j, "X")]) == expected
    # Sorted spans apart from each other, mapped in one walk.
    spans = [Span(i, i + 1, "X") for i in range(0, n, 2)]
    assert view.to_original(spans) == [
        Span(view.start(i), view.end(i + 1), "X") for i in range(0, n, 2)
    ]
