"""Payment card numbers: Luhn-valid, in a network's issuer range, grouped or named."""

from __future__ import annotations

import re
from typing import Final

from zdr.detect.model import (
    Span,
    in_c,
    span,
    starts_word,
    text_before,
)
from zdr.detect.scan import Anchor, Text, matches_from
from zdr.detect.validators import (
    card_brand_ok,
    luhn_valid,
)


class CardDetector:
    name = "credit_card"
    labels = ("CREDIT_CARD",)
    # Where a candidate can begin is found by card_starts (ASCII digits: the Luhn
    # check reads no others), not by the shared scan: Hyperscan's start-of-match
    # tracking made this the second most costly anchor.
    anchors: tuple[Anchor, ...] = ()
    _re = re.compile(r"\d(?:[ -]?\d){11,18}(?![\w-]|\.\d)")

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text = t.raw
        starts = _card_starts(text)
        if not starts:
            return out
        for m in matches_from(self._re, text, starts):
            if not starts_word(text, m.start(), "_.-"):
                continue
            raw = m.group()
            digits = raw.replace(" ", "").replace("-", "")
            if not (12 <= len(digits) <= 19 and luhn_valid(digits)):
                continue
            # Grouped digits, a 15/16-digit run (the usual card lengths; EANs have 13),
            # or a card word nearby; other bare runs are accounts or order numbers.
            # After a card word a Luhn-valid number is a card whatever its issuer
            # range (private-label, co-branded and retired ranges).
            named = _card_word_before(text_before(text, m.start(), 40))
            if len(digits) == 12 and not named:
                continue  # Maestro numbers run from 12 digits; that short, only so named
            if not (named or card_brand_ok(digits)):
                continue
            grouped = raw != digits or len(digits) in (15, 16)
            if not (grouped or named):
                continue
            out.append(span(m.start(), m.end(), "CREDIT_CARD"))
        return out


# Words that name a card: inside longer words too ("creditCardNumber", "Mastercard"),
# but the short ones only as words of their own ("cc" is in "account" and "success",
# "pan" in "company": an AWS account id of 12 digits was a card).
_CARD_WORDS: Final = ("card", "visa", "master", "amex", "maestro", "karte", "carte", "tarjeta",
                      "carta", "cartão")  # fmt: skip
_SHORT_CARD_WORD: Final = re.compile(r"\b(?:cc|pan)\b")


def _card_word_before(before: str) -> bool:
    """A word that names a card in ``before`` (the lower-cased text before a number)."""
    return any(w in before for w in _CARD_WORDS) or _SHORT_CARD_WORD.search(before) is not None


_CARD_START: Final = re.compile(r"(?<![0-9A-Za-z_.\-])[0-9](?=(?:[ -]?[0-9]){11})")


def card_starts(text: str) -> list[int]:
    """Each ASCII digit that begins 12 digits with single spaces or dashes between
    them, not right after an ASCII letter or digit, "_", "." or "-". The reference
    for ``zdr.detect._runs`` (C)."""
    return [m.start() for m in _CARD_START.finditer(text)]


_card_starts: Final = in_c("card_starts", card_starts)
