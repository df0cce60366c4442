"""Detectors for values with a shape: a pattern finds candidates, a validator or the
words around them confirm. Each class is one detector, named for configuration."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

import phonenumbers

from zdr.detect.model import (
    Span,
    in_c,
    local_part_start,
    occurrences,
    span,
    starts_word,
    word_starts,
)
from zdr.detect.scan import OTHER_DIGITS, Anchor, Text, matches_at, matches_from
from zdr.detect.validators import (
    card_brand_ok,
    iban_valid,
    luhn_valid,
    public_ip,
    ssn_valid,
)


def _before(text: str, start: int, width: int) -> str:
    return text[max(0, start - width) : start].lower()


class EmailDetector:
    name = "email"
    labels = ("EMAIL",)
    anchors: tuple[Anchor, ...] = ()
    _domain = re.compile(
        r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
    )

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text = t.raw
        for at in occurrences(text, "@"):
            start = local_part_start(text, at)
            while start < at and not text[start].isalnum():
                start += 1
            domain = self._domain.match(text, at + 1)
            if domain and start < at:
                # user:password@host inside a URL is a credential, not an address.
                word_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start))
                if "://" not in text[word_start + 1 : start]:
                    out.append(span(start, domain.end(), "EMAIL"))
        return out


class CardDetector:
    name = "credit_card"
    labels = ("CREDIT_CARD",)
    # Where a candidate can begin is found by card_starts (ASCII digits: the Luhn
    # check reads no others), not by the shared scan: Hyperscan's start-of-match
    # tracking made this the second most costly anchor.
    anchors: tuple[Anchor, ...] = ()
    _re = re.compile(r"\d(?:[ -]?\d){12,18}(?![\w-]|\.\d)")
    _context = ("card", "visa", "master", "amex", "karte", "carte", "tarjeta", "carta", "cc", "pan")

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
            if not (13 <= len(digits) <= 19 and luhn_valid(digits) and card_brand_ok(digits)):
                continue
            # Separators in card groups, or a card word nearby; a bare run of digits
            # is more often an EAN, an account or an order number.
            # Grouped digits, a 15/16-digit run (the usual card lengths; EANs have 13),
            # or a card word nearby; other bare runs are accounts or order numbers.
            grouped = raw != digits or len(digits) in (15, 16)
            if not grouped and not any(w in _before(text, m.start(), 40) for w in self._context):
                continue
            out.append(span(m.start(), m.end(), "CREDIT_CARD"))
        return out


_CARD_START: Final = re.compile(r"(?<![0-9A-Za-z_.\-])[0-9](?=(?:[ -]?[0-9]){12})")


def card_starts(text: str) -> list[int]:
    """Each ASCII digit that begins 13 digits with single spaces or dashes between
    them, not right after an ASCII letter or digit, "_", "." or "-". The reference
    for ``zdr.detect._runs`` (C)."""
    return [m.start() for m in _CARD_START.finditer(text)]


_card_starts: Final = in_c("card_starts", card_starts)


class IbanDetector:
    name = "iban"
    labels = ("IBAN",)
    anchored = True
    anchors = (Anchor("iban.start", r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11}"),)
    _re = re.compile(r"[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}(?![A-Za-z0-9])")

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text = t.raw
        for m in matches_at(self._re, text, t.spans("iban.start")):
            if not starts_word(text, m.start(), ""):
                continue
            raw = m.group()
            compact = raw.replace(" ", "")
            # A trailing word may have been swallowed after a space: shrink until valid.
            end = m.end()
            while compact and not iban_valid(compact):
                cut = raw.rfind(" ")
                if cut <= 4:
                    compact = ""
                    break
                raw = raw[:cut]
                compact = raw.replace(" ", "")
                end = m.start() + len(raw)
            if compact:
                out.append(span(m.start(), end, "IBAN"))
        return out


_SSN_WORDS: Final = r"ssn|social security|sozialversicherung|tin"
_SSN_WORD: Final = re.compile(rf"\b(?:{_SSN_WORDS})\b")


class SsnDetector:
    name = "us_ssn"
    labels = ("US_SSN",)
    anchored = True
    anchors = (
        Anchor("ssn.dashed", r"\d{3}-\d{2}-\d{4}"),
        Anchor("ssn.word", _SSN_WORDS, lower=True),
    )
    _dashed = re.compile(r"(\d\d\d)-(\d\d)-(\d\d\d\d)(?![\w-])")
    _bare = re.compile(r"(\d\d\d) ?(\d\d) ?(\d\d\d\d)(?![\w-])")

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text = t.raw
        for m in matches_at(self._dashed, text, t.spans("ssn.dashed")):
            if ssn_valid(*m.groups()) and starts_word(text, m.start(), "_-"):
                out.append(span(m.start(), m.end(), "US_SSN"))
        if not any(_SSN_WORD.match(t.low, start) for start, _ in t.spans("ssn.word")):
            return out
        for m in self._bare.finditer(text):
            if (
                ssn_valid(*m.groups())
                and starts_word(text, m.start(), "_-")
                and _SSN_WORD.search(_before(text, m.start(), 30))
            ):
                out.append(span(m.start(), m.end(), "US_SSN"))
        return out


class IpDetector:
    name = "ip_address"
    labels = ("IP_ADDRESS",)
    anchored = True
    anchors = (
        Anchor("ip.v4", r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d", word_start="_."),
        # An address _ipv6 can accept has "::" beside a hex digit, or a hex letter in
        # one of three groups in a row (runs of decimal digits and colons are clock
        # times and ratios, which it refuses).
        Anchor(
            "ip.v6",
            r"::[0-9a-fA-F]|[0-9a-fA-F]::"
            r"|[a-fA-F][0-9a-fA-F]{0,3}:[0-9a-fA-F]{1,4}:"
            r"|[0-9a-fA-F]{1,4}:[0-9a-fA-F]{0,3}[a-fA-F][0-9a-fA-F]{0,3}:"
            r"|[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}:[0-9a-fA-F]{0,3}[a-fA-F]",
        ),
    )
    _v4 = re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w]|\.\d)")

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text = t.raw
        for m in matches_at(self._v4, text, t.spans("ip.v4")):
            if not starts_word(text, m.start(), "_."):
                continue
            before = _before(text, m.start(), 12)
            if before.endswith(("v", "/", "version ", "version: ")):
                continue
            if public_ip(m.group()):
                out.append(span(m.start(), m.end(), "IP_ADDRESS"))
        if t.has("ip.v6"):
            out.extend(_ipv6(text, t.spans("ip.v6")))
        return out


_HEXCOLON: Final = frozenset("0123456789abcdefABCDEF:")
_DECIMAL_COLONS: Final = re.compile(r"[\d:]+")


def _ipv6(text: str, anchors: Sequence[tuple[int, int]]) -> list[Span]:
    """Maximal runs of hex digits and colons around the colons of the anchors, checked
    by ipaddress."""
    out: list[Span] = []
    n, pos = len(text), 0
    for anchor, _ in anchors:
        colon = text.find(":", anchor)
        if colon < pos:
            continue
        start, end = colon, colon
        while start > 0 and text[start - 1] in _HEXCOLON:
            start -= 1
        while end < n and text[end] in _HEXCOLON:
            end += 1
        pos = max(end, colon + 1)
        value = (
            text[start:end].strip(":") if not text[start:end].startswith("::") else text[start:end]
        )
        if value.count(":") < 2 or len(value) < 6:
            continue
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._"):
            continue
        if end < n and (text[end].isalnum() or text[end] == "."):
            continue
        if _DECIMAL_COLONS.fullmatch(value) and "::" not in value:
            continue  # clock times and ratios
        if public_ip(value):
            offset = text.find(value, start)
            out.append(span(offset, offset + len(value), "IP_ADDRESS"))
    return out


class PhoneDetector:
    """Candidates by shape; confirmed by Google's libphonenumber (phonenumbers)."""

    name = "phone"
    labels = ("PHONE",)
    # Not anchored: it runs on every text; the anchor says which pattern
    # number_runs uses when it runs as Python.
    anchors = (OTHER_DIGITS,)
    _context = (
        "phone", "tel", "mobile", "mobil", "call", "cell", "whatsapp", "fax", "reach",
        "numero", "número", "nummer", "telefono", "teléfono", "telefone", "portable",
        "rufen", "contact", "ph", "sms", "handy", "celular",
    )  # fmt: skip

    def __init__(self) -> None:
        # Every country code's rules, built now (~0.2 s, ~2 MiB, once per process)
        # rather than by the first request that holds a number of that country.
        for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            _country_rules(code)

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text = t.raw
        runs = _number_runs(text, t.has(OTHER_DIGITS.name))
        for start, raw in self._candidates(text, runs):
            digits = _without_separators(raw)
            if not 7 <= len(digits) - digits.startswith("+") <= 15:
                continue
            if _DATE_SHAPE.fullmatch(raw.strip("()")):
                continue  # a date
            if _EPOCH.fullmatch(raw):
                continue  # epoch seconds
            international = raw.startswith(("+", "00"))
            separated = len(digits) != len(raw)
            trunk = raw.startswith("0") and 10 <= len(digits) <= 11  # national, e.g. 0279469805
            if not (international or separated or trunk):
                before = _before(text, start, 40)
                if not any(w in before for w in self._context):
                    continue  # a bare run of digits is an id more often than a phone
            if raw.count(".") >= 3:
                continue  # dotted versions and builds
            if "." in raw and _DOTTED_SINGLE.search(raw):
                continue  # 2025.5.13: a version or a date, not a phone
            if _ID_PREFIX.search(text[max(0, start - 8) : start]):
                continue  # P/N 739-5662-53, SN 2192-9960-5274, GL 2672-1025
            if _valid_phone(raw, international):
                out.append(span(start, start + len(raw), "PHONE"))
        return out

    def _candidates(self, text: str, runs: list[tuple[int, int]]) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        for start, end in runs:
            raw = text[start:end]
            if start and text[start - 1] in "+(":
                start -= 1  # what [+(]? in front would take, without slowing the scan
                raw = text[start] + raw
            if not starts_word(text, start, "_.+/-"):
                continue
            if end < len(text) and (text[end].isalnum() or text[end] in "_-"):
                continue  # part of a longer token
            if end + 1 < len(text) and text[end] in ".:" and text[end + 1].isdigit():
                continue  # 10.0.0.1, 12:30
            if raw.endswith(")") and "(" not in raw:
                raw = raw[:-1]
            # "040 135 1545 / 0151 496 0434": two numbers in one run.
            if " / " not in raw and "  " not in raw:
                out.append((start, raw))
                continue
            offset = 0
            for part in _TWO_NUMBERS.split(raw):
                if part and not part.isspace() and part != " / ":
                    out.append((start + offset, part))
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
# marks a part, serial or ledger number (telephone abbreviations excepted).
_ID_PREFIX: Final = re.compile(r"(?:\b(?!TEL|PH|FAX|MOB|CELL)[A-Z]{1,4}|[A-Z]/[A-Z]|#|No\.?)\s?$")
_TWO_NUMBERS: Final = re.compile(r"( / |  +)")
_DATE_SHAPE: Final = re.compile(r"\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
_EPOCH: Final = re.compile(r"1\d{9}")
_DOTTED_SINGLE: Final = re.compile(r"(?:^|\.)\d(?:\.|$)")
_US_SHAPE: Final = re.compile(r"^\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}$")


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
    if _US_SHAPE.match(raw):
        return _US_SHAPED_CODES
    if raw.lstrip("(").startswith("0"):
        return _TRUNK_ZERO_CODES
    return _OTHER_CODES


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


_URL: Final = re.compile(r"\b(?:https?|ftp)://[^\s\"'<>`\]\)|]+", re.IGNORECASE)
_SENSITIVE_QUERY: Final = re.compile(
    r"[?&#;](?:[\w.-]*(?:token|key|secret|sig|signature|password|passwd|pwd|auth|session|"
    r"sid|code|uid|user|email|mail|invite|reset|otp|ticket|access|credential)[\w.-]*)=",
    re.IGNORECASE,
)
_PROFILE_SEGMENTS: Final = {
    "in", "u", "user", "users", "profile", "profiles", "people", "person", "customers",
    "customer", "account", "accounts", "member", "members", "contact", "contacts", "patient",
    "patients", "employee", "employees", "client", "clients", "lead", "leads", "d", "r",
    "reset", "reset-password", "invite", "invitation", "share", "s", "view", "edit", "@me",
}  # fmt: skip
_ID_SEGMENT: Final = re.compile(r"^(?:\d{4,}|(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{12,}|@[\w.-]+)$")
_WEBHOOK: Final = re.compile(r"hooks\.slack\.com/|discord(?:app)?\.com/api/webhooks/|webhook", re.I)


class UrlDetector:
    """URLs that identify a person or account, or carry a capability. Public pages
    (docs, status pages, package registries) are left alone."""

    name = "url"
    labels = ("URL", "API_KEY")
    anchors: tuple[Anchor, ...] = ()

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text = t.raw
        if "://" not in text:
            return out
        for m in url_matches(text):
            url = m.group().rstrip(".,;:!?")
            end = m.start() + len(url)
            if _WEBHOOK.search(url) and _has_capability_path(url):
                out.append(span(m.start(), end, "API_KEY"))
            elif _sensitive_url(url):
                out.append(span(m.start(), end, "URL"))
        return out


def url_matches(text: str) -> list[re.Match[str]]:
    """What ``_URL.finditer(text)`` finds. A URL's scheme ends 3 to 5 characters
    before its "://": the pattern is tried only there, not at every word."""
    starts = [s for c in occurrences(text, "://") for s in (c - 5, c - 4, c - 3) if s >= 0]
    return matches_from(_URL, text, starts)


def _has_capability_path(url: str) -> bool:
    path = url.split("://", 1)[1].split("/", 1)[-1]
    return any(len(seg) >= 16 for seg in path.split("/"))


def _sensitive_url(url: str) -> bool:
    rest = url.split("://", 1)[1]
    authority = rest.split("/", 1)[0]
    if "@" in authority:
        return True  # credentials in the URL
    if _SENSITIVE_QUERY.search(rest):
        return True
    path = rest[len(authority) :].split("?", 1)[0].split("#", 1)[0]
    segments = [s for s in path.split("/") if s]
    for i, seg in enumerate(segments):
        low = seg.lower()
        if _ID_SEGMENT.match(seg) and not (len(seg) == 4 and seg.isdigit() and seg.isascii()):
            previous = segments[i - 1].lower() if i else ""
            # A numeric id names an account only under a profile-like segment
            # (/customers/4566482); /questions/43033518 is a public page.
            if previous in _PROFILE_SEGMENTS or not seg.isdigit():
                return True
        if low in _PROFILE_SEGMENTS and i + 1 < len(segments) and low not in ("d", "r", "s"):
            nxt = segments[i + 1]
            if low in ("in", "u", "user", "users", "profile", "people") and len(nxt) >= 3:
                return True
    return False


_MONTHS: Final = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december|januar|februar|märz|mai|juni|juli|"
    "oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|"
    "novembre|décembre|gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|"
    "ottobre|dicembre|enero|febrero|abril|mayo|junio|julio|septiembre|octubre|noviembre|"
    "diciembre|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro|"
    "januari|februari|maart|mei|augustus"
)


def _by_first_letter(words: list[str]) -> str:
    """An alternation of ``words`` that the regex engine tries in the same order, but
    grouped by first letter: one test per group, not one per word (~70 month names
    were tried at every word start). Words of different first letters never match at
    the same place, so the regroup changes no match."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


_MONTH: Final = f"(?:{_by_first_letter(_MONTHS.split('|'))})"
_DATE: Final = re.compile(
    r"(?<![\w/.-])(?:(?=\d)(?:"  # the numeric forms, tried only at a digit
    r"(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d{2}"
    r"|(?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])[-/.](?:19|20)\d{2}"
    rf"|(?:0?[1-9]|[12]\d|3[01])\.?\s+(?:de\s+)?{_MONTH}\.?\s+(?:de\s+)?(?:19|20)\d{{2}}"
    rf")|{_MONTH}\.?\s+(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}"
    r")(?![\w/-]|\.\d|:\d)"
)
# The characters a date begins with (its numeric forms begin with an ASCII digit).
_DATE_FIRST: Final = "0123456789" + "".join(sorted({m[0] for m in _MONTHS.split("|")}))
_word_starts: Final = in_c("word_starts", word_starts)
_BIRTH: Final = re.compile(
    r"born|birth|dob\b|d\.o\.b|geboren|geb\.|geburts|né\b|née\b|naissance|nato|nata|"
    r"nascita|nacid[oa]|nacimiento|nascimento|nascid[oa]|geboortedatum"
)


class BirthDateDetector:
    """Dates that are birth dates: a birth word shortly before, or a date column whose
    header says so."""

    name = "date_of_birth"
    labels = ("DATE_OF_BIRTH",)
    anchored = True
    anchors = (Anchor("dob.cue", _BIRTH.pattern.replace("\\b", ""), lower=True),)

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text, low = t.raw, t.low
        if not t.has("dob.cue") or not t.folded or not _YEAR.search(text):
            return out  # no birth word, so no birth column header either
        cues = [m.end() for m in matches_at(_BIRTH, low, t.spans("dob.cue"))]
        if not cues:
            return out
        columns = _birth_columns(text, cues) if "," in text or "|" in text else {}
        if columns:
            # A column's dates can be anywhere: tried where a date can begin.
            starts = _word_starts(low, _DATE_FIRST, "/.-")
            dates = matches_from(_DATE, low, starts)
        else:
            dates = [d for d in (_date_after(low, c) for c in cues) if d is not None]
        prev_end = 0
        this_year = date.today().year
        for m in dates:
            year = _year(m.group())
            if year is None or not 1900 <= year <= this_year:
                prev_end = m.end()
                continue
            # A birth word between the previous date and this one, at most 60 before it
            # (cues are in order: the first one from there, by bisection).
            first = bisect.bisect_left(cues, max(prev_end, m.start() - 60))
            cue = first < len(cues) and cues[first] <= m.start()
            if cue or _in_birth_column(text, m.start(), columns):
                out.append(span(m.start(), m.end(), "DATE_OF_BIRTH"))
            prev_end = m.end()
        return out


def _date_after(low: str, cue: int) -> re.Match[str] | None:
    """The first date starting within 60 characters after a birth word."""
    # The bounded search only finds where; the match is then made on the whole text,
    # so the look-ahead at its end sees the real next character.
    found = _DATE.search(low, cue, cue + 120)
    if found is None or found.start() - cue > 60:
        return None
    return _DATE.match(low, found.start())


_YEAR: Final = re.compile(r"(?:19|20)\d\d")


def _year(value: str) -> int | None:
    found = _YEAR.search(value)
    return int(found.group()) if found else None


def _birth_columns(text: str, cues: list[int]) -> dict[str, int]:
    """For CSV/Markdown tables: the index of a column whose header is a birth word.
    Only the lines holding a birth word (among the first 50) can be such a header."""
    columns: dict[str, int] = {}
    seen: set[int] = set()
    last_header_start = _line_start_after(text, 49)  # lines 0-49 can hold a header
    for cue in cues:
        line_start = text.rfind("\n", 0, cue) + 1
        if line_start in seen or line_start > last_header_start:
            continue
        seen.add(line_start)
        line_end = text.find("\n", cue)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        for sep in (",", "|", "\t", ";"):
            cells = [c.strip().lower() for c in line.split(sep)]
            if len(cells) >= 3:
                for i, cell in enumerate(cells):
                    if len(cell) <= 20 and _BIRTH.search(cell):
                        columns[sep] = i
    return columns


def _line_start_after(text: str, newlines: int) -> int:
    """Where the line after the given number of line breaks begins (past the end
    when the text has fewer)."""
    pos = -1
    for _ in range(newlines):
        pos = text.find("\n", pos + 1)
        if pos < 0:
            return len(text) + 1
    return pos + 1


def _in_birth_column(text: str, pos: int, columns: dict[str, int]) -> bool:
    if not columns:
        return False
    line_start = text.rfind("\n", 0, pos) + 1
    prefix = text[line_start:pos]
    return any(prefix.count(sep) == index for sep, index in columns.items())


_STREET_WORDS_AFTER: Final = (
    "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|"
    "terrace|ter|circle|cir|parkway|pkwy|square|sq|highway|hwy|trail|trl|crescent|close|"
    "knolls?|river|ridge|ranch|row|walk|view|points?|pines|pike|park|mill|mills|meadows?|"
    "manor|loop|lodge|landing|junction|hills?|heights|groves?|glen|gardens?|fields?|falls|"
    "estates?|crossing|creek|cove|corners?|common|club|brooks?|branch|bridge|bypass|"
    "burgs?|camp|canyon|cape|causeway|center|centre|cliffs?|course|curve|dale|dam|divide|"
    "expressway|extension|ferry|flats?|ford|forest|forges?|fort|freeway|gateway|harbor|"
    "haven|hollow|inlet|island|isle|key|keys|lake|lakes|light|lights|locks|mall|mews|"
    "mission|motorway|mount|mountain|neck|orchard|oval|pass|path|plaza|port|prairie|"
    "radial|ramp|rapids?|rest|route|run|shoals?|shores?|skyway|spring|springs|spur|"
    "station|stravenue|stream|summit|throughway|trace|track|trafficway|tunnel|turnpike|"
    "underpass|union|valley|viaduct|villages?|ville|vista|wall|wells?|marg|nagar|chowk"
)
_STREET_WORDS_BEFORE: Final = (
    "rue|avenue|av\\.|chemin|boulevard|bd|allée|place|impasse|quai|route|cours|"
    "via|viale|piazza|piazzale|vicolo|borgo|corso|strada|contrada|largo|"
    "calle|c\\.|avenida|avda\\.|plaza|paseo|camino|carrer|ronda|travesía|"
    "rua|travessa|praça|alameda|estrada|rodovia|largo"
)
_CAP: Final = r"[A-ZÀ-ÖØ-Þ][\w'’-]*"
_AFTER_WORDS: Final = frozenset(_STREET_WORDS_AFTER.replace("?", "").split("|")) | frozenset(
    w + "s" for w in _STREET_WORDS_AFTER.replace("?", "").split("|")
)
# 742 Evergreen Terrace[, Apt 4][, Springfield][, IL 62704]: a number, then up to four
# capitalised words, the last of which must be a street word.
_NUMBER_WORDS: Final = re.compile(rf"\d{{1,6}}[a-zA-Z]?,?\s+((?:{_CAP}\s+){{0,3}}{_CAP})\.?")
_US_TAIL: Final = re.compile(
    r"(?:\s+(?:Suite|Apt\.?|Unit|#)\s*[\w-]+)?"
    rf"(?:,\s*{_CAP}(?:[ -]{_CAP}){{0,2}}(?:[ -]\d{{5,6}})?)?"
    r"(?:,?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?)?"
)
# rue de la Paix 12 / Via Roma, 5 / Calle Mayor 4 Apt. 57, Teruel, 37000: found on the
# lower-cased text, the rest read from the original.
_BEFORE: Final = re.compile(rf"(?:{_STREET_WORDS_BEFORE})\s+")
_BEFORE_TAIL: Final = re.compile(
    r"(?:(?:de|del|della|di|da|do|dos|das|la|le|les|du|des|d'|y)\s+)*"
    rf"{_CAP}(?:\s+{_CAP}){{0,3}}"
    r"(?:,?\s+(?:n\.?\s*|nº\s*)?\d{1,5}[a-zA-Z]?(?:\s+(?:Apt\.?|Appartamento|Piano|Piso|"
    r"Puerta|Porta|Bis)\s*\d+)?)?"
    r"(?:,\s*\d{4,5}(?:-\d{3})?)?"
    rf"(?:,?\s+{_CAP}(?:[ -]{_CAP}){{0,2}}(?:\s+\([A-Z]{{2}}\))?)?(?:,\s*\d{{4,5}})?"
)
# Hauptstraße 5, 10115 Berlin / Keizersgracht 123, 1015 CJ Amsterdam
_COMPOUND_SUFFIXES: Final = (
    r"straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|straat|laan|"
    r"plein|gracht|kade|singel|dijk|steeg|pad"
)
_COMPOUND: Final = re.compile(
    rf"[A-ZÄÖÜ][\wäöüß]*(?:-[A-ZÄÖÜ][\wäöüß]*)*-?(?i:{_COMPOUND_SUFFIXES})"
    r"\s+\d{1,4}[a-z]?(?:[-/]\d{1,4}[a-z]?)?"
    r"(?:,? +\d{4,5} ?(?:[A-Z]{2} +)?[A-ZÄÖÜ][\w-]+(?: [A-Z][\w-]+)?)?"
)


# Address fields ("address: ...") and phrases ("lives at ...") whose value is taken whole.
_FIELD_NAMES: Final = r"address|adresse|anschrift|indirizzo|dirección|direccion|endereço|adres"
_FIELD_PHRASES: Final = (
    r"residente in|residente a|wohnhaft in|domicilié à|domiciliado en|lives at|living at"
)
_COMPOUND_START: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ")
_STREET_ANCHORS: Final = (
    Anchor("address.word_before", rf"(?:{_STREET_WORDS_BEFORE}) ", lower=True),
    # The street suffix and its number; the compound word is read backwards from it.
    Anchor("address.compound", rf"(?:{_COMPOUND_SUFFIXES})\s+\d", lower=True),
    Anchor("address.field", f"{_FIELD_NAMES}|{_FIELD_PHRASES}|adr;type=", lower=True),
)


_NUMBER_WORD_START: Final = re.compile(r"(?<![\w-])(?=\d{1,6}[a-zA-Z]?,?\s+[A-ZÀ-ÖØ-Þ])\d")


def number_word_starts(text: str) -> list[int]:
    """Each place a number and a capitalised word begin (where _NUMBER_WORDS can
    match), not right after a letter, a digit, "_" or "-". The reference for
    ``zdr.detect._runs`` (C); a Hyperscan anchor cost more than the rest of the
    address detector (start-of-match tracking over Unicode digits and spaces)."""
    return [m.start() for m in _NUMBER_WORD_START.finditer(text)]


_number_word_starts: Final = in_c("number_word_starts", number_word_starts)


def _street_words(t: Text) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    text, low = t.raw, t.low
    starts = _number_word_starts(text)
    for m in matches_from(_NUMBER_WORDS, text, starts):
        if not starts_word(text, m.start(), "_-"):
            continue
        words = m.group(1).split()
        # The street word may be followed by a unit ("Knolls Suite 634" is cut after).
        for k in range(len(words), 0, -1):
            if words[k - 1].rstrip(".").lower() in _AFTER_WORDS:
                end = m.start(1) + len(" ".join(words[:k]))
                if text[end : end + 1] == ".":
                    end += 1
                tail = _US_TAIL.match(text, end)
                out.append((m.start(), tail.end() if tail else end))
                break
    if not t.folded:
        return out  # lower-casing changed the length: the keyword patterns cannot run
    for m in matches_at(_BEFORE, low, t.spans("address.word_before")):
        if not starts_word(low, m.start(), "_-"):
            continue
        tail = _BEFORE_TAIL.match(text, m.end())
        if tail and tail.end() > m.end():
            out.append((m.start(), tail.end()))
    out.extend(_compounds(t))
    # The value of an address field or after an address phrase, as a whole.
    for m in matches_at(_ADDRESS_FIELD, low, t.spans("address.field")):
        group = next(g for g in ("quoted", "line", "line2") if m.group(g) is not None)
        start, end = m.start(group), m.end(group)
        value = text[start:end].rstrip(" .,;")
        if any(c.isdigit() for c in value) and 6 <= len(value) <= 120:
            out.append((start, start + len(value)))
    return out


def _compounds(t: Text) -> list[tuple[int, int]]:
    """German and Dutch compound street names (Lindenstraße 12): from each suffix
    followed by a number, back to the capital letters that can start the word, tried
    leftmost first, as a left-to-right search would."""
    out: list[tuple[int, int]] = []
    text = t.raw
    last = 0
    for suffix, _ in t.spans("address.compound"):
        word = suffix
        while word > last and (text[word - 1].isalnum() or text[word - 1] in "_-"):
            word -= 1
        for start in range(word, suffix):
            if text[start] not in _COMPOUND_START:
                continue
            m = _COMPOUND.match(text, start)
            if m is not None:
                if starts_word(text, start, "_-"):
                    out.append((start, m.end()))
                last = m.end()
                break
    return out


_ADDRESS_FIELD: Final = re.compile(
    rf"(?:(?:{_FIELD_NAMES})"
    r"[\"']?\s*[:=]\s*(?:\"(?P<quoted>[^\"\n]{6,120})\"|(?P<line>[^\n\"]{6,120}))"
    rf"|(?:{_FIELD_PHRASES}|adr;type=\w+:;;)\s*(?P<line2>[^\n]{{6,120}}))"
)
_ADDRESS_CUES: Final = re.compile(
    r"address|adresse|indirizzo|dirección|direccion|endereço|adres|anschrift|wohnhaft|"
    r"residente|domicilio|lives at|living at|ship to|deliver",
    re.IGNORECASE,
)


class AddressDetector:
    name = "street_address"
    labels = ("STREET_ADDRESS",)
    # Not anchored: a number and a capitalised word are looked for in every text.
    anchors = _STREET_ANCHORS

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text = t.raw
        for start, end in _street_words(t):
            value = text[start:end].rstrip(" ,")
            if len(value) < 8:
                continue
            # "5 Ways" or "Via email" are not addresses: require a number or a cue.
            has_number = any(c.isdigit() for c in value)
            if not has_number and not _ADDRESS_CUES.search(_before(text, start, 40)):
                continue
            out.append(span(start, start + len(value), "STREET_ADDRESS"))
        return out
