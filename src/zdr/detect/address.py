"""Street addresses: a number and a street word, a street word and a name, compound
street names, and the values of address fields."""

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
from zdr.detect.scan import Anchor, Text, matches_at, matches_from

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
            if not has_number and not _ADDRESS_CUES.search(text_before(text, start, 40)):
                continue
            out.append(span(start, start + len(value), "STREET_ADDRESS"))
        return out
