"""Phone numbers: candidates by shape, confirmed by Google's libphonenumber metadata."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final

import phonenumbers

from zdr.detect.model import (
    Span,
    in_c,
    span,
    starts_word,
    text_before,
)
from zdr.detect.scan import OTHER_DIGITS, Text

# Words that say a bare run of digits nearby is a phone number.
_PHONE_WORDS: Final = (
    "phone", "tel", "mobile", "mobil", "call", "cell", "whatsapp", "fax", "reach",
    "numero", "número", "telefono", "teléfono", "telefone", "portable",
    "rufen", "contact", "sms", "handy", "celular",
)  # fmt: skip
# "ph" (a phone's abbreviation) says it only as the start of a word: not "graph",
# "morph", "Joseph" (_starts_a_word).
_PHONE_ABBREVIATION: Final = "ph"
# A person's number, and what is done with one, right before the number and as words of
# their own ("my number is", "text me at", "dial", "Mob. No."): not "this number", "your
# number of attempts", "context menu", "radial", "your order number is".
_PERSONS_NUMBER: Final = re.compile(
    r"(?<![\w'’])(?:(?:my|his|her|your|our|their)(?: (?:phone|cell|mobile))? number"
    r"(?: is)?:?|text (?:me|him|her|us)(?: at| on)?|please text|dial|landline(?: is)?:?|"
    r"mob\.?(?: no\.?)?:?)[ \t]*\Z"
)
# What each of those holds: a window with none is not searched.
_PERSONS_NUMBER_STEMS: Final = ("number", "text", "dial", "landline", "mob")


def _says_phone(before: str) -> bool:
    """A phone word in ``before`` (the lower-cased text before a number)."""
    return (
        any(w in before for w in _PHONE_WORDS)
        or _starts_a_word(before, _PHONE_ABBREVIATION)
        or (
            any(w in before for w in _PERSONS_NUMBER_STEMS)
            and _PERSONS_NUMBER.search(before) is not None
        )
    )


def _starts_a_word(text: str, part: str) -> bool:
    """Whether ``part`` occurs in ``text`` after no letter or digit (model.starts_word)."""
    at = text.find(part)
    while at >= 0:
        if starts_word(text, at, ""):
            return True
        at = text.find(part, at + 1)
    return False


class PhoneDetector:
    """Candidates by shape; confirmed by Google's libphonenumber (phonenumbers)."""

    name = "phone"
    labels = ("PHONE",)
    # Not anchored: it runs on every text; the anchor says which pattern
    # number_runs uses when it runs as Python.
    anchors = (OTHER_DIGITS,)

    def __init__(self) -> None:
        # Every country code's rules, built now (~0.2 s, ~2 MiB, once per process)
        # rather than by the first request that holds a number of that country.
        for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            _country_rules(code)

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text = t.raw
        runs = _number_runs(text, t.has(OTHER_DIGITS.name))
        last_end = 0  # where the number before this one ends
        for start, raw, span_end in self._candidates(text, runs):
            since, last_end = last_end, span_end
            digits = _without_separators(raw)
            if not 7 <= len(digits) - digits.startswith("+") <= 15:
                continue
            # The regexes only where their shape fits: a date has at most 8 digits,
            # epoch seconds are 10 characters from a "1".
            if len(digits) <= 8 and _DATE_SHAPE.fullmatch(raw.strip("()")):
                continue  # a date
            if len(raw) == 10 and raw[0] == "1" and _EPOCH.fullmatch(raw):
                continue  # epoch seconds
            international = raw.startswith(("+", "00"))
            separated = len(digits) != len(raw)
            trunk = raw.startswith("0") and 10 <= len(digits) <= 11  # national, e.g. 0279469805
            if not (international or separated or trunk):
                before = text_before(text, start, 40)
                if not _says_phone(before):
                    continue  # a bare run of digits is an id more often than a phone
            if raw.count(".") >= 3 and not (
                _DOTTED_PAIRS.fullmatch(raw) and _labelled(text, start, start + len(raw))
            ):
                continue  # dotted versions and builds (01.84.17.61.18 only beside a label)
            if "." in raw and _DOTTED_SINGLE.search(raw):
                continue  # 2025.5.13: a version or a date, not a phone
            if (
                # "No." after a phone's label is the label's ("Phone No. 98450 12345")
                _id_prefixed(text[max(0, start - 8) : start])
                and not _labelled(text, start, start + len(raw))
            ) or (
                # a number with an international or a trunk prefix is dialled, not filed
                not (international or raw.startswith("0")) and _id_worded(text, start, since)
            ):
                continue  # P/N 739-5662-53, SN 2192-9960-5274, Case 2025-118-4472
            if (
                _valid_phone(raw, international)
                or (separated and _us_shaped(raw))
                # a country code written, then a length that country's numbers have:
                # separated, or after "+" (a "00" run may be an id)
                or (
                    international
                    and (separated or raw[0] == "+")
                    and _possible_phone(raw, international)
                )
                or (
                    _labelled(text, start, start + len(raw))
                    and (_possible_phone(raw, international) or _valid_anywhere(raw))
                )
            ):
                out.append(span(start, span_end, "PHONE"))
        return out

    def _candidates(self, text: str, runs: list[tuple[int, int]]) -> list[tuple[int, str, int]]:
        """(start, number, end of its span) of each candidate: the span takes an
        extension written after the number, which is not part of what is validated."""
        out: list[tuple[int, str, int]] = []
        for start, end in runs:
            raw = text[start:end]
            if start and text[start - 1] in "+(":
                start -= 1  # what [+(]? in front would take, without slowing the scan
                raw = text[start] + raw
            if not starts_word(text, start, "_.+/-"):
                continue
            after = text[end : end + 2]
            # The regex only where an extension can begin ("x", " e"): it runs per run.
            ext = (
                _EXTENSION.match(text, end) if after[:1] in "xX" or after in (" e", " E") else None
            )
            if ext is not None:
                end = ext.end()  # 555-201-7788x4410: the extension goes with the number
            elif end < len(text) and (text[end].isalnum() or text[end] in "_-"):
                continue  # part of a longer token
            if end + 1 < len(text) and text[end] in ".:" and text[end + 1].isdigit():
                continue  # 10.0.0.1, 12:30
            if raw.endswith(")") and "(" not in raw:
                raw = raw[:-1]
            # "040 135 1545 / 0151 496 0434": two numbers in one run.
            if " / " not in raw and "  " not in raw:
                out.append((start, raw, start + len(raw) if ext is None else end))
                continue
            offset = 0
            for part in _TWO_NUMBERS.split(raw):
                if part and not part.isspace() and part != " / ":
                    out.append((start + offset, part, start + offset + len(part)))
                offset += len(part)
        return out


# A run of digits and phone separators, starting with a digit: a plain character
# class lets the regex engine scan fast; the shape is checked in code.
_NUMBER_RUN: Final = re.compile(r"\d[\d ().\-/]{5,24}\d\)?")
# The same where the text has no digits but 0-9: a byte-range test per character
# instead of a Unicode category look-up (6.0 -> 3.5 ms per corpus).
_ASCII_NUMBER_RUN: Final = re.compile(r"[0-9][0-9 ().\-/]{5,24}[0-9]\)?")


def number_runs(text: str, other_digits: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each run of digits and phone separators, the phone detector's
    candidates; ``other_digits=False`` says the text has no decimal digits but 0-9.
    The reference for ``zdr.detect._runs`` (C), which finds the same in a tenth of
    the time and reads every script's digits alike, whatever ``other_digits`` says."""
    pattern = _NUMBER_RUN if other_digits else _ASCII_NUMBER_RUN
    return [m.span() for m in pattern.finditer(text)]


_number_runs: Final = in_c("number_runs", number_runs)


# A short upper-case code or an abbreviation with a slash right before a number
# marks a part, serial or ledger number (telephone abbreviations excepted); on the
# line before ("... VIC\n655 437 108") it is the end of an address.
# An extension after the number: "x4410", " ext. 12", " ext 3".
_EXTENSION: Final = re.compile(r"(?:x| ?ext\.? ?)\d{1,5}(?!\w)", re.IGNORECASE)
_ID_PREFIX: Final = re.compile(
    r"(?:\b(?!TEL|PH|FAX|MOB|CELL)[A-Z]{1,4}|[A-Z]/[A-Z]|#|No\.?)[ \t]?\Z"
)
# What the text before a number ends with (before one space or tab) when _ID_PREFIX
# can match: a capital, "#", or the "o" or "." of "No".
_ID_PREFIX_ENDS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ#o.")


def _id_prefixed(before: str) -> bool:
    """_ID_PREFIX at the end of ``before``, searched only when its last character fits."""
    last = before[-2:-1] if before[-1:] in (" ", "\t") else before[-1:]
    return last in _ID_PREFIX_ENDS and _ID_PREFIX.search(before) is not None


# A record's word right before a number names what the number is: a case, an order,
# a ticket ("Case 2025-118-4472", "order no. 4471 2291 88", "Rechnung Nr. 2024 5512").
_ID_WORD: Final = re.compile(
    r"(?<![\w-])(?:case|order|ticket|invoice|ref|reference|booking|claim|policy|tracking|"
    r"shipment|incident|confirmation|reservation|transaction|txn|sku|serial|batch|"
    r"bestellung|rechnung|auftrag|commande|facture|dossier|pedido|factura|ordine|fattura|"
    r"pratica|bestelling|factuur|protocolo|chamado)"
    r"(?:[ \t]*(?:no\.?|nr\.?|n[°º]|number|num|id|#))?[ \t]*[:#]?[ \t]*\Z",
    re.IGNORECASE,
)


def _id_worded(text: str, start: int, since: int) -> bool:
    """_ID_WORD right before ``start`` (searched only after a letter, "#", ":", "." or
    "°", one space or tab between), and no phone word earlier on the line ("Phone for
    the booking: 07700 900123", "call me re the case 415-555-0132") after the number
    candidate before it, which ends at ``since``: that word was the earlier number's
    ("phone 98150 27734, order no. 402-8819921-7712"; "Phone (24h) for booking:
    415-555-0132" keeps its)."""
    before = text[max(0, start - 28) : start]
    last = before.rstrip(" \t")[-1:]
    if not (last.isalpha() or last in "#:.°º") or _ID_WORD.search(before) is None:
        return False
    line_start = text.rfind("\n", 0, start) + 1
    return not _says_phone(text[max(line_start, since) : start].lower())


_TWO_NUMBERS: Final = re.compile(r"( / |  +)")
_DATE_SHAPE: Final = re.compile(r"\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_EPOCH: Final = re.compile(r"1\d{9}")
_DOTTED_SINGLE: Final = re.compile(r"(?:^|\.)\d(?:\.|$)")
_US_SHAPE: Final = re.compile(r"^\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}$")


def _us_shaped(raw: str) -> bool:
    """_US_SHAPE, tried only on a number of its length (11 to 14 characters, and a
    line break "$" may match before)."""
    return 11 <= len(raw) <= 15 and _US_SHAPE.match(raw) is not None


# A phone label right before or right after a number ("fax: ...", "... mobile"):
# there a number of a possible length for its country is a phone, valid or not
# (numbers of made-up exchanges, or of a plan newer than the metadata).
_LABEL_BEFORE: Final = re.compile(
    r"(?:phone|tel|telephone|telefon|teléfono|telefono|mobile|mobil|cell|fax|whatsapp|sms|"
    r"call me|call me on|call me at|call us on|call us at|ring me on|"
    # Indian forms' "Ph No", "Mob. No.", "Contact No": a label's word before "No" only
    r"(?<![^\W\d_])(?:ph|mob|contact)\.?[ \t]*(?=no\b|number|nr\b))"
    r"\.?[ \t]*(?:no\.?|number|nr\.?|#)?[ \t]*[:=]?[ \t]*$",
    re.IGNORECASE,
)
_LABEL_AFTER: Final = re.compile(
    r"[ \t]*[(\[]?(?:office|fax|mobile|cell|home|work|tel|phone|direct|landline)\b",
    re.IGNORECASE,
)
_DOTTED_PAIRS: Final = re.compile(r"\d{2}(?:\.\d{2}){3,4}")


# What every label of _LABEL_BEFORE holds. A window holding none is not searched: the
# case-insensitive regex, tried at each of its 24 places, cost ~56k instructions.
_LABEL_STEMS: Final = (
    "phone", "tel", "mobil", "cell", "fax", "whatsapp", "sms", "call", "ring", "ph ", "ph.",
    "phno", "mob", "contact",
)  # fmt: skip


def _labelled(text: str, start: int, end: int) -> bool:
    window_start = max(0, start - 24)
    window = text[window_start:start]
    # Other scripts' letters may fold to ASCII ones: those windows are searched.
    if not window.isascii() or any(w in window.lower() for w in _LABEL_STEMS):
        if _LABEL_BEFORE.search(text, window_start, start) is not None:
            return True
    return _LABEL_AFTER.match(text, end) is not None


def _possible_phone(raw: str, international: bool) -> bool:
    """A length some number of the country has (libphonenumber's metadata), for the
    country code written or the countries the shape points to."""
    candidate = "+" + raw[2:] if raw.startswith("00") else raw
    digits = _without_separators(candidate.replace("(0)", "")).lstrip("+")
    if not (digits.isascii() and digits.isdigit()):
        return False
    if international:
        for length in (1, 2, 3):
            code = int(digits[:length])
            if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
                return len(digits) - length in _country_rules(code).valid_by_length
        return False
    for code in _national_codes(raw):
        rules = _country_rules(code)
        national = (
            digits[len(rules.trunk) :] if rules.trunk and digits.startswith(rules.trunk) else digits
        )
        if len(national) in rules.valid_by_length:
            return True
    return False


def _without_separators(raw: str) -> str:
    """The number without " ().-/". (str.translate looks each character up in a dict
    and raises and clears a KeyError for each one it keeps: 5x the instructions.)"""
    return (
        raw.replace(" ", "").replace("-", "").replace("(", "").replace(")", "")
        .replace(".", "").replace("/", "")
    )  # fmt: skip


def _valid_phone(raw: str, international: bool) -> bool:
    """libphonenumber's validity, in the regions the number's shape points to.

    Deliberately not cached: a cache keyed by the number would keep request content
    in memory after the request."""
    candidate = "+" + raw[2:] if raw.startswith("00") else raw
    candidate = candidate.replace("(0)", "")  # +33 (0)6 ...: the trunk 0 in brackets
    digits = _without_separators(candidate).lstrip("+")
    ascii_digits = digits.isascii() and digits.isdigit()
    if international:
        if not ascii_digits:
            return _parsed_valid(candidate, None)
        # Country codes are prefix-free: at most one of the first 1-3 digits is one.
        for length in (1, 2, 3):
            code = int(digits[:length])
            if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
                return _national_valid(digits[length:], code)
        return False
    codes = _national_codes(raw)
    if not ascii_digits:  # digits of another script: libphonenumber parses them
        return any(_parsed_valid(candidate, _country_rules(code).main_region) for code in codes)
    return any(_national_valid(digits, code) for code in codes)


# The country codes a nationally written number is tried in, by its shape.
_US_SHAPED_CODES: Final = (1, 39, 31)  # US, IT, NL
_TRUNK_ZERO_CODES: Final = (44, 49, 33, 31, 91, 55, 39, 34)  # GB, DE, FR, NL, IN, BR, IT, ES
_OTHER_CODES: Final = (1, 39, 34, 91, 55, 33, 49, 44, 31)


def _national_codes(raw: str) -> tuple[int, ...]:
    if _us_shaped(raw):
        return _US_SHAPED_CODES
    if raw.lstrip("(").startswith("0"):
        return _TRUNK_ZERO_CODES
    return _OTHER_CODES


def _valid_anywhere(raw: str) -> bool:
    """Valid as a national number of any country: for a number a label calls a phone,
    whichever country it is from (the shape-based guess tries nine)."""
    digits = _without_separators(raw.replace("(0)", ""))
    if not (digits.isascii() and digits.isdigit()):
        return False
    return any(_national_valid(digits, code) for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


def _parsed_valid(candidate: str, region: str | None) -> bool:
    """The full parse, for numbers written with digits of other scripts."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(candidate, region))
    except phonenumbers.NumberParseException:
        return False


# The number types libphonenumber's validity accepts, in the order it tries them.
_NUMBER_TYPES: Final = (
    "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan",
    "voicemail", "fixed_line", "mobile",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _CountryRules:
    """libphonenumber's metadata for one country code, compiled for validity checks:
    per length of national number, one pattern that a national number of that
    length fully matches exactly when it is valid in some region of the code."""

    trunk: str  # the national (trunk) prefix of the main region: 0 in most of Europe
    main_region: str
    valid_by_length: dict[int, re.Pattern[str]]


@functools.cache
def _country_rules(country_code: int) -> _CountryRules:
    regions = phonenumbers.region_codes_for_country_code(country_code)
    # length -> one alternative per region: the region's general pattern (a
    # look-ahead over the whole number) and any of its number types of that length.
    by_length: dict[int, list[str]] = {}
    for region in regions:  # "001" for a non-geographic code, e.g. +800
        meta = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
        general = meta.general_desc if meta is not None else None
        if meta is None or general is None or not general.national_number_pattern:
            continue
        types = [getattr(meta, name) for name in _NUMBER_TYPES]
        if meta.same_mobile_and_fixed_line_pattern:
            types.pop()  # libphonenumber does not try mobile then
        lengths = set(general.possible_length)
        for desc in types:
            if desc is not None:
                lengths.update(desc.possible_length)
        for length in lengths:
            if general.possible_length and length not in general.possible_length:
                continue
            accepted = [
                f"(?:{desc.national_number_pattern})"
                for desc in types
                if desc is not None
                and desc.national_number_pattern
                and (not desc.possible_length or length in desc.possible_length)
            ]
            if accepted:
                look = f"(?=(?:{general.national_number_pattern})\\Z)"
                by_length.setdefault(length, []).append(f"{look}(?:{'|'.join(accepted)})")
    main = phonenumbers.PhoneMetadata.metadata_for_region(
        phonenumbers.region_code_for_country_code(country_code)
    )
    return _CountryRules(
        trunk=(main.national_prefix or "") if main is not None else "",
        main_region=regions[0] if regions else "ZZ",
        valid_by_length={n: re.compile("|".join(alts)) for n, alts in by_length.items()},
    )


def _national_valid(digits: str, country_code: int) -> bool:
    """What libphonenumber's is_valid_number says of the number with this country code
    and national digits, with and without the trunk prefix (as parsing would read it),
    from one pattern match instead of a parse and a match per number type."""
    rules = _country_rules(country_code)
    readings = [digits]
    if rules.trunk and digits.startswith(rules.trunk):
        readings.append(digits[len(rules.trunk) :])
    for national in readings:
        if national and not national.strip("0"):
            # libphonenumber keeps leading zeros as a count beside the integer value
            # 0, which prints as one more "0".
            national += "0"
        pattern = rules.valid_by_length.get(len(national))
        if pattern is not None and pattern.fullmatch(national):
            return True
    return False
