"""Test helpers: one planted value per label in a sentence that names it, and the ways
a value is disguised (what zdr.detect.normalize undoes), each written here from the
Unicode and URL rules rather than from the module under test."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

# (label, sentence with {} for the value, value): found as it stands, alone.
PLANTED = [
    ("PERSON", "Please greet {} from me.", "Margarethe Vandersloot"),
    ("EMAIL", "Write to {} today.", "m.vandersloot@example.org"),
    ("PHONE", "Call me on {} tonight.", "+1 415 555 0132"),
    ("CREDIT_CARD", "My card is {} thanks.", "4539 1488 0343 6467"),
    ("IBAN", "Pay to IBAN {} please.", "DE89 3704 0044 0532 0130 00"),
    ("US_SSN", "SSN: {} on file.", "536-22-8476"),
    ("IP_ADDRESS", "The server at {} is down.", "203.0.113.77"),
    ("URL", "Reset it at {} now.", "https://example.com/reset?token=9f8e7d6c5b4a39281706"),
    ("DATE_OF_BIRTH", "I was born on {} in Ohio.", "1987-03-14"),
    ("STREET_ADDRESS", "Ship it to {} by Friday.", "1600 Pennsylvania Avenue"),
    ("API_KEY", "export OPENAI_API_KEY={}", "sk-proj-KLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBXu"),
    ("SECRET", "DB password: {}", "Tr0ub4dor&3xyz"),
]


def _between_letters(value: str, mark: str, every: int = 3) -> str:
    """``mark`` after every ``every``-th letter or digit that another follows."""
    out: list[str] = []
    count = 0
    for i, c in enumerate(value):
        out.append(c)
        if c.isalnum():
            count += 1
            if count % every == 0 and i + 1 < len(value) and value[i + 1].isalnum():
                out.append(mark)
    return "".join(out)


def full_width(value: str) -> str:
    """Full-width forms (U+FF01-FF5E stand for ASCII 0x21-0x7E), ideographic spaces."""
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in value
    )


def full_width_digits(value: str) -> str:
    """Only the digits full-width, spaces left: ``４１１１ １１１１``."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in value)


def percent(value: str) -> str:
    """The separators of a value percent-encoded (``%40`` for "@"), or every fourth
    ASCII letter or digit when it has none."""
    if any(c in "@.-_+" for c in value):
        return "".join(f"%{ord(c):02X}" if c in "@.-_+" else c for c in value)
    out, count = [], 0
    for c in value:
        ascii_alnum = c.isascii() and c.isalnum()
        count += ascii_alnum
        out.append(f"%{ord(c):02x}" if ascii_alnum and count % 4 == 2 else c)
    return "".join(out)


def math_bold(value: str) -> str:
    """Mathematical bold letters and digits (U+1D400 A, U+1D41A a, U+1D7CE 0)."""

    def bold(c: str) -> str:
        if "A" <= c <= "Z":
            return chr(0x1D400 + ord(c) - ord("A"))
        if "a" <= c <= "z":
            return chr(0x1D41A + ord(c) - ord("a"))
        if "0" <= c <= "9":
            return chr(0x1D7CE + ord(c) - ord("0"))
        return c

    return "".join(map(bold, value))


DISGUISES: dict[str, Callable[[str], str]] = {
    "zero-width space": lambda v: _between_letters(v, "\u200b"),
    "soft hyphen": lambda v: _between_letters(v, "\u00ad", 4),
    "word joiner and BOM": lambda v: _between_letters(_between_letters(v, "\u2060", 5), "\ufeff"),
    "zero-width joiners, two in a row": lambda v: _between_letters(v, "\u200d\u200c", 2),
    "full width": full_width,
    "full-width digits": full_width_digits,
    "percent-encoded": percent,
    "mathematical bold": math_bold,
    "full width and zero-width": lambda v: _between_letters(full_width(v), "\u200b", 4),
    "soft hyphen and percent": lambda v: percent(_between_letters(v, "\u00ad", 5)),
}


def undisguised(text: str) -> str:
    """What a reader takes from a disguised text, by the rules rather than zdr's code:
    format characters dropped, tag characters and NFKC-style ASCII forms read as
    ASCII, escapes decoded."""
    out = []
    for c in text:
        code = ord(c)
        if c in "\u00ad\u034f\u200b\u200c\u200d\u2060\ufeff" or code in (0xE0001, 0xE007F):
            continue
        if 0xE0020 <= code <= 0xE007E:  # tag characters mirror ASCII
            c = chr(code - 0xE0000)
        if 0xFF01 <= code <= 0xFF5E:
            c = chr(code - 0xFEE0)
        elif c == "\u3000":
            c = " "
        elif 0x1D400 <= code <= 0x1D419:
            c = chr(ord("A") + code - 0x1D400)
        elif 0x1D41A <= code <= 0x1D433:
            c = chr(ord("a") + code - 0x1D41A)
        elif 0x1D7CE <= code <= 0x1D7D7:
            c = chr(ord("0") + code - 0x1D7CE)
        out.append(c)
    return unquote("".join(out))
