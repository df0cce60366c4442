"""The shared scan: anchors found at character offsets in any text, the same matches
as a whole-text search, safe from several threads."""

from __future__ import annotations

import re
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zdr.detect import DetectorSet
from zdr.detect.scan import Anchor, Scanner, each_then, matches_at, top_level

SCANNER = Scanner(
    [
        Anchor("kw", "password", lower=True),
        Anchor("digits", r"[0-9]{3}-[0-9]{2}", word_start="_-"),
        Anchor("ab", "ab"),
    ]
)


@pytest.mark.parametrize(
    "text",
    [
        "password=x",  # at the very start
        "Ünïcødé ✓ — naïve café: PASSWORD is 123-45 and ab",
        "日本語のテキスト password 999-12 ab 𝔘𝔫𝔦",  # 3- and 4-byte characters before
        "lone \ud800 surrogate password 123-45",
    ],
)
def test_offsets_are_characters(text: str) -> None:
    scanned = SCANNER.scan(text)
    for start, end in scanned.spans("kw"):
        assert scanned.low[start:end] == "password"
    for start, end in scanned.spans("digits"):
        assert re.fullmatch(r"\d{3}-\d{2}", text[start:end])
    assert [s for s, _ in scanned.spans("kw")] == [
        m.start() for m in re.finditer("password", text.lower())
    ]


def test_word_start_anchors_are_not_reported_inside_words() -> None:
    text = "123-45 x123-45 _123-45 -123-45 (123-45"
    starts = [s for s, _ in SCANNER.scan(text).spans("digits")]
    assert starts == [0, text.index("(") + 1]


def test_nothing_found_is_empty() -> None:
    scanned = SCANNER.scan("nothing to see")
    assert scanned.spans("kw") == () and not scanned.has("ab")


@given(st.text(alphabet="abcx é", max_size=60))
def test_matches_at_finds_what_finditer_finds(text: str) -> None:
    pattern = re.compile(r"ab+c?")
    spans = SCANNER.scan(text).spans("ab")
    assert [m.span() for m in matches_at(pattern, text, spans)] == [
        m.span() for m in pattern.finditer(text)
    ]


def test_threads_scan_at_once() -> None:
    text = "password 123-45 ab " * 200
    expected = SCANNER.scan(text).spans("digits")
    results: list[object] = []

    def work() -> None:
        for _ in range(50):
            results.append(SCANNER.scan(text).spans("digits") == expected)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 200


def test_an_anchor_hyperscan_cannot_compile_is_named() -> None:
    with pytest.raises(ValueError, match="'bad'"):
        Scanner([Anchor("fine", "abc"), Anchor("bad", r"(?<=x)y")])


def test_other_digits_read_far_enough() -> None:
    """OTHER_DIGITS reads Unicode up to DIGITS_BELOW: no decimal digit lies beyond it
    in the Unicode of the Python running this (else \\d would match where it does not)."""
    from zdr.detect.scan import DIGITS_BELOW

    assert not [c for c in range(DIGITS_BELOW, 0x110000) if chr(c).isdecimal()]


@pytest.mark.parametrize("digit", ["٣", "۷", "३", "৫", "๙", "１", "𝟘"])
def test_other_digits_are_found(digit: str) -> None:
    from zdr.detect.scan import OTHER_DIGITS

    scanner = Scanner([OTHER_DIGITS])
    assert scanner.scan(f"call {digit}1").spans(OTHER_DIGITS.name) == [(5, 6)]
    assert not scanner.scan("call 0123456789 ² ① x").has(OTHER_DIGITS.name)


@pytest.mark.parametrize("text", ["ΟΔΟΣ ΣΑΣ.", "Müller ǅ Straße", "plain ascii PASSWORD"])
def test_the_lower_cased_text_is_pythons(text: str) -> None:
    """Compiled or not, the keywords' text is what str.lower makes (Greek final sigma
    included): mypyc's own lower() differs there."""
    assert DetectorSet().scanner.scan(text).low == text.lower()


def test_a_text_whose_lower_case_is_longer_keeps_its_offsets() -> None:
    """İ lower-cases to two characters; read as I, every keyword after it still matches
    at its own offsets (it once turned every lower-case cue of the text off)."""
    text = "İstanbul PASSWORD"
    assert DetectorSet().scanner.scan(text).low == "istanbul password"
    found = DetectorSet().detect("İstanbul office. my name is priya sharma, password: Zq8#vLm2")
    assert {f.label for f in found} >= {"PERSON", "SECRET"}


def test_top_level_splits_only_outside_groups_and_classes() -> None:
    pattern = r"p\.? ?o\.? ?box|apartado(?: de correos| postal)?|bo[i|î]te|a\|b"
    assert top_level(pattern) == [
        r"p\.? ?o\.? ?box",
        "apartado(?: de correos| postal)?",
        "bo[i|î]te",
        r"a\|b",
    ]


@pytest.mark.parametrize(
    ("alternatives", "suffix", "text"),
    [
        (
            r"rue|via|av\.|avenida\s+marginal",
            " ",
            "12 rue de la paix, via roma 5, av. foch, avenida  marginal 3, trivia x, rue",
        ),
        (
            r"p\.? ?o\.? ?box|apartado(?: de correos| postal)?",
            r"[ \t]*(?:no\.?[ \t]*)?[0-9]",
            "p.o. box 12, po box no. 7, apartado de correos 4, apartado postal 9, apartado x",
        ),
    ],
)
def test_each_then_is_the_same_language(alternatives: str, suffix: str, text: str) -> None:
    """Written out or grouped, an anchor matches exactly the same pieces of a text
    (Python's re standing in for Hyperscan on the same syntax)."""
    grouped = re.compile(f"(?:{alternatives}){suffix}")
    each = re.compile(each_then(alternatives, suffix))
    pieces = [(i, j) for i in range(len(text)) for j in range(i + 1, len(text) + 1)]
    found = [(i, j) for i, j in pieces if grouped.fullmatch(text, i, j)]
    assert len(found) >= 4  # the text holds such anchors
    assert found == [(i, j) for i, j in pieces if each.fullmatch(text, i, j)]
