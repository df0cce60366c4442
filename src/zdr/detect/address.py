"""Street addresses: a number and a street word, a street word and a name, a name
and a street type (compound or not) with its house number, post-office and military
boxes, the unit, place and postcode lines that follow a street in an address block,
and the values of address fields. Street types of other languages come from
libpostal's dictionaries (data/street_types.txt, made by data/streets.py)."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from importlib import resources
from typing import Final

from zdr.detect.model import (
    Span,
    in_c,
    span,
    starts_word,
    text_before,
)
from zdr.detect.scan import (
    DIGIT,
    OTHER_DIGITS,
    Anchor,
    Text,
    each_then,
    matches_at,
    matches_from,
)

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
    "underpass|union|valley|viaduct|villages?|ville|vista|wall|wells?|marg|nagar|chowk|"
    # the rest of USPS Publication 28's suffixes (appendix C1), but those that are
    # mostly other words in titles and headings ("Top 10 Beach Destinations", "Level 5
    # Arcade", "Chapter 4 Passage"): land, loaf, bottom, trailer, annex, arcade, beach,
    # bend, crest, fork, green, passage, plain
    "alley|bayou|bluffs?|crossroads?|overpass"
)
_STREET_WORDS_BEFORE: Final = (
    "rue|avenue|av\\.|chemin|boulevard|bd|allée|place|impasse|quai|route|cours|"
    "via|viale|piazza|piazzale|vicolo|borgo|corso|strada|contrada|largo|"
    "calle|c\\.|avenida|avda\\.|plaza|paseo|camino|carrer|ronda|travesía|"
    "rua|travessa|praça|alameda|estrada|rodovia|largo"
)
_CAP: Final = r"[A-ZÀ-ÖØ-Þ][\w'’-]*"


@functools.cache
def street_types(kind: str) -> tuple[str, ...]:
    """The words of data/street_types.txt of one kind ("after", "suffix", "before"),
    longest first (how the file was made: data/streets.py)."""
    data = resources.files("zdr.detect") / "data" / "street_types.txt"
    with data.open(encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line[:1] != "#"]
    return tuple(sorted({w for k, w in rows if k == kind}, key=lambda w: (-len(w), w)))


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w).replace("\\ ", "\\s+") for w in words)


# Each word and its plural ("groves?" is "grove" and "groves").
_AFTER_SINGULARS: Final = tuple(w.removesuffix("s?") for w in _STREET_WORDS_AFTER.split("|"))
_AFTER_WORDS: Final = frozenset(_AFTER_SINGULARS) | frozenset(w + "s" for w in _AFTER_SINGULARS)
# 742 Evergreen Terrace[, Apt 4][, Springfield][, IL 62704]: a number, then up to four
# capitalised words, the last of which must be a street word.
_NUMBER_WORDS: Final = re.compile(rf"\d{{1,6}}[a-zA-Z]?,?\s+((?:{_CAP}\s+){{0,3}}{_CAP})\.?")
# UK (KW15 1AB, SW1A 2AA) and Canadian (K1A 0B1) postcodes.
_POSTCODE: Final = r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d"
# A word of a place's name: letters only, so that a postcode after it ("Leeds LS6 2BH")
# is read as one and not cut after its first half.
_PLACE_NAME_WORD: Final = r"[A-ZÀ-ÖØ-Þ](?:[^\W\d_]|['’-])*(?!\w)"
_US_TAIL: Final = re.compile(
    r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\.?(?!\w))?"  # 1600 Pennsylvania Ave NW
    r"(?:\s+(?:Suite|Apt\.?|Unit|#)\s*[\w-]+)?"
    rf"(?:,\s*{_PLACE_NAME_WORD}(?:[ -]{_PLACE_NAME_WORD}){{0,2}}(?:[ -]\d{{5,6}})?)?"
    rf"(?:,?\s+(?:[A-Z]{{2}}\s+(?:\d{{5}}(?:-\d{{4}})?|{_POSTCODE})|{_POSTCODE})(?!\w))?"
)
# rue de la Paix 12 / Via Roma, 5 / Calle Mayor 4 Apt. 57, Teruel, 37000: found on the
# lower-cased text, the rest read from the original.
_BEFORE_WORDS: Final = rf"{_STREET_WORDS_BEFORE}|ul\.|{_alternation(street_types('before'))}"
_BEFORE: Final = re.compile(rf"(?:{_BEFORE_WORDS})\s+")
_BEFORE_TAIL: Final = re.compile(
    r"(?:(?:(?:de|del|della|delle|dello|degli|dei|di|da|dal|dalla|do|dos|das|la|le|les|"
    r"du|des|d'|y|al|alla|z)\s+)*"
    rf"{_CAP}(?:\s+{_CAP}){{0,3}}"
    # after a particle, a name in lower case too when its number follows: rue du centre 3
    r"|(?:de|del|della|delle|di|da|do|dos|das|la|le|les|du|des|d')\s+"
    r"(?:[^\W\d_][\w'’-]*\s+){0,2}[^\W\d_][\w'’-]*(?=,?\s+\d))"
    r"(?:,?\s+(?:n\.?\s*|nº\s*)?\d{1,5}[a-zA-Z]?(?:\s+(?:Apt\.?|Appartamento|Piano|Piso|"
    r"Puerta|Porta|Bis)\s*\d+)?)?"
    r"(?:,\s*\d{4,5}(?:-\d{3})?)?"
    rf"(?:,?\s+{_CAP}(?:[ -]{_CAP}){{0,2}}(?:\s+\([A-Z]{{2}}\))?)?(?:,\s*\d{{4,5}})?"
)
_LOWER_NAME: Final = re.compile(
    r"(?:(?:de|del|della|delle|di|da|do|dos|das|la|le|les|du|des|d')\s+)+"
    rf"[^\W\d_][\w'’-]*(?:\s+{_CAP}){{0,2}}"
)
# Hauptstraße 5, 10115 Berlin / Keizersgracht 123, 1015 CJ Amsterdam / Villacher Straße 8
# / Karl Johans gate 1 / Koskikatu 25: a street type after the name, as the end of one
# word or as a word of its own, then the house number.
_HAND_SUFFIXES: Final = (
    "straße",
    "strasse",
    "str.",
    "weg",
    "gasse",
    "platz",
    "allee",
    "ring",
    "damm",
    "ufer",
    "chaussee",
    "straat",
    "laan",
    "plein",
    "gracht",
    "kade",
    "singel",
    "dijk",
    "steeg",
    "pad",
)
_SEPARATE_TYPES: Final = frozenset(_HAND_SUFFIXES) | frozenset(street_types("after"))
_SUFFIXES: Final = tuple(
    sorted(_SEPARATE_TYPES | frozenset(street_types("suffix")), key=lambda w: (-len(w), w))
)
# Street types that are also English words: as a word of their own, only in lower case
# ("Trenerys gate 12", not "Departure Gate 12").
_LOWER_ONLY: Final = frozenset({"gate", "gaten", "steg", "ring", "pad", "dijk", "damm", "veg"})
# Words that may stand between the name's capitalised words: "Van der Duyn van
# Maasdamweg", "Straße des 17. Juni" is left to the compound rule.
_PARTICLES: Final = frozenset(
    "van der den de het ter ten am an auf im in zum zur von vom til ved i på la le du".split()
)
_HOUSE_NUMBER: Final = re.compile(
    r" \d{1,4}(?: ?[a-zA-Z](?!\w))?(?:[-/]\d{1,4}[a-zA-Z]?)?(?!\w)\.?"
)
_UNIT: Final = (
    r"(?:apt|apartment|appt|app|suite|ste|unit|flat|fl|floor|room|rm|#|piso|puerta|"
    r"wohnung|whg|appartement|appartamento|interno|int|bus|box)"
)
# After the house number on the same line: units, then a postcode and its place (a
# place without a postcode may as well be the next clause: "..., Acme Ltd").
_AFTER_TAIL: Final = re.compile(
    rf"(?:,?[ \t]*(?i:{_UNIT})\.?[ \t]*#?[ \t]*\d[\w-]{{0,5}})*"
    rf"(?:,?[ \t]+\d{{4,5}}(?:-\d{{3}})?[ \t]?(?:[A-Z]{{2}}[ \t]+)?{_CAP}(?:[ -]{_CAP})?)?"
)


def _name_before(text: str, end: int, line_start: int) -> int:
    """Where the name before a street type written as its own word begins: up to
    three capitalised words (or particles between them) on the same line; ``end`` if
    none."""
    start = end
    words = 0
    i = end
    while words < 3:
        j = i
        while j > line_start and text[j - 1] in " \t":
            j -= 1
        if j == i or j == line_start:
            break
        k = j
        while k > line_start and (text[k - 1].isalnum() or text[k - 1] in "'’-."):
            k -= 1
        word = text[k:j]
        if not word or not word[0].isalpha():
            break
        if word[0].isupper():
            start = k
        elif word.lower() not in _PARTICLES:
            break
        words += 1
        i = k
    return start


def _after_types(t: Text) -> list[tuple[int, int]]:
    """Streets written name first: from each street type followed by a number, back to
    the start of its word (compound) or over the words of the name (separate)."""
    out: list[tuple[int, int]] = []
    text = t.raw
    last = 0
    for suffix, _ in t.spans("address.after_type"):
        if suffix < last:
            continue
        word = suffix
        while word > 0 and (text[word - 1].isalnum() or text[word - 1] in "_-"):
            word -= 1
        if not starts_word(text, word, "_-"):
            continue
        number = _HOUSE_NUMBER.match(text, _type_end(text, suffix))
        if number is None:
            continue
        line_start = text.rfind("\n", 0, word) + 1
        if word < suffix:
            # One word: a capital letter starts it, or a building number before it
            # does the same for a street written in lower case ("12 koskikatu 5").
            if not (text[word].isupper() or _number_before(text, word, line_start) < word):
                continue
            start = word
        else:
            typed = text[suffix : _type_end(text, suffix)]
            if typed.lower() not in _SEPARATE_TYPES or (
                typed[0].isupper() and typed.lower() in _LOWER_ONLY
            ):
                continue
            start = _name_before(text, suffix, line_start)
            if start == suffix:
                continue
        tail = _AFTER_TAIL.match(text, number.end())
        end = tail.end() if tail else number.end()
        out.append((start, end))
        last = end
    return out


def _type_end(text: str, suffix: int) -> int:
    """The end of the street type that begins at ``suffix`` (the anchor's match
    without its number)."""
    i = suffix
    while i < len(text) and (text[i].isalpha() or text[i] == "."):
        i += 1
        if text[i - 1] == ".":
            break
    return i


def _number_before(text: str, start: int, line_start: int) -> int:
    """A building number right before ``start`` on its line ("935 69 Gordon Terrace",
    "12 Rue Gafsa"), up to two of them: where the first begins, else ``start``."""
    for _ in range(2):
        i = start
        while i > line_start and text[i - 1] in " \t,":
            i -= 1
        j = i
        if j > line_start and text[j - 1].isalpha() and j - 1 > line_start:
            j -= 1  # 12b
        k = j
        while k > line_start and text[k - 1].isdigit():
            k -= 1
        if k == j or j - k > 6 or i == start or not starts_word(text, k, "_.-/"):
            break
        start = k
    return start


def _slashed(text: str, start: int) -> int:
    """Where a house number written as two numbers and a slash begins ("97/65 Yogi
    Chowk", "14/388, Dugar Ganj") when ``start`` is the second one's: else ``start``."""
    if start < 2 or text[start - 1] != "/" or not text[start].isdigit():
        return start
    year = text[start : start + 5]
    if year[:2] in ("19", "20") and year[:4].isdigit() and not year[4:].isdigit():
        return start  # 12/2024: a month and a year
    k = start - 1
    while k > 0 and start - 1 - k < 6 and text[k - 1].isdigit():
        k -= 1
    return k if k < start - 1 and starts_word(text, k, "_.-") else start


# Boxes: "P.O. Box 287", "Postfach 10 01", "Apartado 12"; US military mail:
# "PSC 1234, Box 5678 / APO AE 09012", "USNS Comfort / FPO AA 34055".
_BOX_WORDS: Final = (
    r"p\.? ?o\.? ?box|post office box|postfach|postbus|apartado(?: de correos| postal)?|"
    r"caixa postal|bo[iî]te postale|casella postale"
)
_BOX: Final = re.compile(rf"(?:{_BOX_WORDS})[ \t]*(?:no\.?[ \t]*)?\d[\d ]{{0,7}}\b")
_MILITARY_TOWN: Final = re.compile(r"[ADF]PO[ \t]+A[AEP][ \t]+\d{5}(?:-\d{4})?\b", re.IGNORECASE)
_MILITARY_UNIT: Final = re.compile(
    r"(?:(?:PSC|CMR|Unit)[ \t]+\d{1,5},?[ \t]+Box[ \t]+\d{1,5}"
    r"|(?:USNS|USS|USCGC|USNV|USV)[ \t]+[^\W\d][^\n,]{0,40}?)[ \t]*,?[ \t]*\n?[ \t]*$",
    re.IGNORECASE,
)


def _boxes(t: Text) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    text, low = t.raw, t.low
    for m in matches_at(_BOX, low, t.spans("address.box")):
        if not starts_word(low, m.start(), "_-"):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        tail = _AFTER_TAIL.match(text, m.end())
        out.append((_number_before(text, m.start(), line_start), tail.end() if tail else m.end()))
    for m in matches_at(_MILITARY_TOWN, text, t.spans("address.military")):
        if not starts_word(text, m.start(), "_-"):
            continue
        unit = _MILITARY_UNIT.search(text, max(0, m.start() - 80), m.start())
        out.append((unit.start() if unit else m.start(), m.end()))
    return out


# The lines after a street in an address block: units, places, regions, postcodes and
# countries ("Suite 828", "BASHALL TOWN", ", ON", "Norway 64389", "75008 Paris").
_QUOTE: Final = r"[ \t]*(?:[>|]+|\?\?\?)?[ \t]*"
_PLACE_WORD: Final = r"[A-ZÀ-ÖØ-ÞĀ-ž\u0370-\u03ff\u0400-\u04ff][\w'’.∆-]*"
_BLOCK_LINE: Final = re.compile(
    rf"\n{_QUOTE}(?:"
    rf"(?i:{_UNIT})\.?[ \t]*#?[ \t]*\d[\w-]{{0,5}}"
    rf"|,?[ \t]*(?:[A-Z]{{2,3}}|nan)?[ \t]*,?[ \t]*(?:\d{{3,5}}(?:[- ]\d{{3,4}})?|{_POSTCODE})"
    rf"|,[ \t]*(?:[A-Z]{{2,3}}|nan)"
    rf"|(?:\d{{4,5}}(?:-\d{{3}})?[ \t]+)?{_PLACE_WORD}"
    rf"(?:[ \t]+(?:{_PLACE_WORD}|de|del|la|le|u|nad|an|am|der|di|sur|en|y|i|\([\w ]+\))){{0,4}}"
    rf"(?:,?[ \t]*(?:[A-Z]{{2,3}}|nan))?(?:,?[ \t]+(?:\d{{3,5}}(?:-\d{{3,4}})?|{_POSTCODE}))?"
    r")[ \t]*,?(?=[ \t]*\n|[ \t]*$)"
)
# Every character a block line can hold (the pattern above reads nothing else up to
# the line's end): a line holding another (`Recipient: ...`, `URL:https://...`, most
# lines after a street) is ruled out by one scan, before each of the pattern's
# alternatives is tried over it (~2.6 us a line, ~1% of a pii-dev pass).
_BLOCK_CHARS: Final = re.compile(r"[\w \t>|?#.,'’∆()\u0370-\u04ff-]*")
_NOT_PLACES: Final = frozenset(
    "regards thanks thank cheers best sincerely yours kind warm dear hi hello tel phone "
    "fax mobile email office".split()
)


def _block_end(text: str, end: int) -> int:
    """``end`` moved over the lines of an address block that follow a street (at most
    four), when the street ends its line."""
    rest = end
    while rest < len(text) and text[rest] in " \t,.":
        rest += 1
    if rest >= len(text) or text[rest] != "\n":
        return end
    for _ in range(4):
        while rest < len(text) and text[rest] in " \t":
            rest += 1
        # What a block line can start with, checked before its pattern is tried.
        i = rest + 1
        while i < len(text) and text[i] in " \t>|?":
            i += 1
        if i >= len(text) or not (text[i].isupper() or text[i].isdigit() or text[i] in ",#"):
            break
        line_end = text.find("\n", rest + 1)
        chars = _BLOCK_CHARS.match(text, rest + 1)
        if chars is None or chars.end() != (len(text) if line_end < 0 else line_end):
            break
        m = _BLOCK_LINE.match(text, rest)
        if m is None:
            break
        first = m.group().split(None, 2)
        words = [w.strip(">|?,").lower() for w in first]
        if any(w in _NOT_PLACES for w in words if w):
            break
        rest = end = m.end()
    return end


# A street whose name has no street type, known by the unit after its house number:
# "Kesk 53, Suite 343", "Pagari 18 Apt. 9", on its line or the line before the unit.
_UNIT_AFTER: Final = re.compile(
    rf"(?:\d{{1,6}}[ \t]+)?{_CAP}(?:[ \t]+{_CAP}){{0,2}}[ \t]+\d{{1,5}}[a-zA-Z]?,?"
    rf"[ \t]*(?:\n{_QUOTE})?(?i:apt|apartment|suite|flat)\.?[ \t]*#?[ \t]*\d[\w-]{{0,5}}"
)


def _unit_streets(t: Text, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Streets known by their unit, where no street found so far holds the unit."""
    out: list[tuple[int, int]] = []
    text = t.raw
    last = 0
    for unit, _ in t.spans("address.unit"):
        if unit < last or any(a <= unit < b for a, b in found):
            continue
        line_start = text.rfind("\n", 0, unit) + 1
        if line_start and text[line_start:unit].strip(" \t>|?") == "":
            line_start = text.rfind("\n", 0, line_start - 1) + 1  # the unit starts its line
        for m in _UNIT_AFTER.finditer(text, max(line_start, last, unit - 80), unit + 16):
            if m.end() > unit:
                out.append((m.start(), m.end()))
                last = m.end()
                break
    return out


# Address fields ("address: ...") and phrases ("lives at ...") whose value is taken whole.
_FIELD_NAMES: Final = r"address|adresse|anschrift|indirizzo|dirección|direccion|endereço|adres"
_FIELD_PHRASES: Final = (
    r"residente in|residente a|wohnhaft in|domicilié à|domiciliado en|lives at|living at"
)
# A street written in lower case, as chats and call notes write it ("i live at 214 w
# elm st apt 2", "ship to 88 n main st, austin tx 78701"): taken only right after words
# that say an address follows, where a number and a street word in lower case are an
# address and not a count ("walk 3 blocks down the road").
_TOLD: Final = (
    r"address|addr|live at|lives at|living at|ship to|ship it to|send it to|send to|"
    r"deliver to|deliver it to|mail it to|mail to|moved to|located at|staying at"
)
_LOWER_STREET: Final = re.compile(
    r"\d{1,6}[a-z]?(?:[-/]\d{1,4}[a-z]?)?,? ((?:[a-z][a-z'’.-]* ){1,3}?)"
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|"
    r"terrace|ter|circle|cir|parkway|pkwy|highway|hwy|trail|trl|crescent|cres|close|way|"
    r"square|sq|grove|mews|row)\.?(?![\w'’-])"
)
# After the street: a direction, a unit, and a place with its state and ZIP code or
# its UK postcode ("springfield il 62704", "sheffield s11 8tj").
_LOWER_TAIL: Final = re.compile(
    r"(?: (?:n|s|e|w|ne|nw|se|sw)\.?(?![\w-]))?"
    r"(?:,? (?:apt|apartment|unit|suite|ste|flat|#)\.? ?#?[a-z\d-]{1,6}(?![\w-]))?"
    r"(?:,? [a-z][a-z'’-]*(?: [a-z][a-z'’-]*){0,2},? "
    r"(?:[a-z]{2} \d{5}(?:-\d{4})?(?!\d)|[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}(?![a-z\d])))?"
)
# Words that make "<number> ... <street word>" a count or a distance, not a street.
_NOT_STREET_NAME: Final = frozenset(
    "the a an of on in at to and or for with from by my your our his her their its this "
    "that is was are blocks block minutes mins min miles mile km meters metres feet ft "
    "doors houses stops".split()
)


def _told_streets(t: Text) -> list[tuple[int, int]]:
    """Streets in lower case right after words that say an address follows."""
    out: list[tuple[int, int]] = []
    low = t.low
    for _, cue_end in t.spans("address.told"):
        m = _street_after(low, cue_end)
        if m is not None:
            tail = _LOWER_TAIL.match(low, m.end())
            out.append((m.start(), tail.end() if tail else m.end()))
    return out


def _street_after(low: str, cue_end: int) -> re.Match[str] | None:
    """The lower-case street whose house number starts a word within 25 characters
    after the cue, on its line or the next ("address is 12 ...", "Address:\n12 ...",
    "at 9543 1819 st. john street"): each number tried in turn. "address" is
    frequent ("e-mail address"): the street pattern searched over 160 characters from
    each cost 4% of a pii-dev pass; this walk 0.5%, and a regex search for the numbers
    (a lookbehind at every position) more than the walk (callgrind)."""
    stop = min(len(low), cue_end + 25)
    for at in range(cue_end, stop):
        c = low[at]
        if "0" <= c <= "9" and starts_word(low, at, "_-"):
            m = _LOWER_STREET.match(low, at)
            if m is not None and not any(
                w.strip(",.") in _NOT_STREET_NAME for w in m.group(1).split()
            ):
                return m
    return None


_STREET_ANCHORS: Final = (
    Anchor("address.word_before", each_then(_BEFORE_WORDS, " "), lower=True),
    # The street type and its number; the name is read backwards from it.
    Anchor("address.after_type", rf"(?:{_alternation(_SUFFIXES)}) {DIGIT}", lower=True),
    Anchor("address.field", f"{_FIELD_NAMES}|{_FIELD_PHRASES}|adr;type=", lower=True),
    Anchor("address.told", _TOLD, lower=True, word_start=""),
    Anchor("address.box", each_then(_BOX_WORDS, r"[ \t]*(?:no\.?[ \t]*)?" + DIGIT), lower=True),
    Anchor("address.military", r"[adf]po[ \t]+a[aep][ \t]+\d", lower=True),
    Anchor(
        "address.unit",
        each_then("apt|apartment|suite|flat", r"\.?[ \t]*#?[ \t]*" + DIGIT),
        lower=True,
    ),
    # An Indian PIN code after a place: "..., Bengaluru 560001", "Hyderabad - 500034".
    # ASCII digits only: with DIGIT here the lower-case scan of a pii-dev pass cost 2.4 M
    # instructions more (callgrind); a text holding another script's digits (OTHER_DIGITS)
    # is searched with _PIN_START instead (_pin_starts).
    Anchor("address.pin", r"[a-z],? (?:- ?)?[1-9][0-9]{5}", lower=True),
    OTHER_DIGITS,
)
# What address.pin finds, with any decimal digit (on the lower-cased text). Two matches
# cannot overlap (none holds a letter after its first), so finditer finds every start.
_PIN_START: Final = re.compile(r"[a-z],? (?:- ?)?[1-9]\d{5}")


def _pin_starts(t: Text) -> Sequence[tuple[int, int]]:
    """Where a place's last letter and a PIN code after it begin (address.pin's
    matches), any script's digits counted."""
    if not t.has(OTHER_DIGITS.name):
        return t.spans("address.pin")
    return [(m.start(), m.end()) for m in _PIN_START.finditer(t.low)]


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
    for m in matches_at(_BEFORE, low, t.spans("address.word_before")):
        if not starts_word(low, m.start(), "_-"):
            continue
        tail = _BEFORE_TAIL.match(text, m.end())
        if not (tail and tail.end() > m.end()):
            # "12 rue du centre": a name in lower case after a particle, when a building
            # number stands before the street type.
            line_start = text.rfind("\n", 0, m.start()) + 1
            if _number_before(text, m.start(), line_start) < m.start():
                tail = _LOWER_NAME.match(text, m.end())
        if tail and tail.end() > m.end():
            out.append((m.start(), tail.end()))
    out.extend(_after_types(t))
    out.extend(_boxes(t))
    if t.has("address.told"):
        out.extend(_told_streets(t))
    if t.has("address.unit"):
        out.extend(_unit_streets(t, out))
    # The value of an address field or after an address phrase, as a whole.
    for m in matches_at(_ADDRESS_FIELD, low, t.spans("address.field")):
        group = next(g for g in ("quoted", "line", "line2") if m.group(g) is not None)
        start, end = m.start(group), m.end(group)
        value = text[start:end].rstrip(" .,;")
        if any(c.isdigit() for c in value) and 6 <= len(value) <= 120:
            out.append((start, start + len(value)))
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
            value = text[start:end].rstrip(" ,\"'")  # not the quote closing a literal
            if len(value) < 8:
                continue
            # "5 Ways" or "Via email" are not addresses: require a number or a cue.
            line_start = text.rfind("\n", 0, start) + 1
            first = _slashed(text, _number_before(text, start, line_start))
            has_number = first < start or any(c.isdigit() for c in value)
            if not has_number and not _ADDRESS_CUES.search(text_before(text, start, 40)):
                continue
            end = _block_end(text, start + len(value))
            out.append(span(first, end, "STREET_ADDRESS"))
        for m in matches_at(_PIN_ADDRESS_END, text, _pin_starts(t)):
            parts_start = _components_start(text, m.start())
            if parts_start is not None:
                out.append(span(parts_start, m.end(), "STREET_ADDRESS"))
        return out


# Indian addresses are comma-joined parts ending in a place and its PIN code: "B-204,
# Sunshine Apartments, MG Road, Bengaluru 560001". The anchor finds the place's last
# letter and the PIN; the parts are read backwards from there.
_PIN_ADDRESS_END: Final = re.compile(r"\w,? (?:- ?)?[1-9]\d{5}(?!\d)")
# Words of the parts that make them an address, beside a number in one of them.
_PART_WORDS: Final = frozenset(
    """road rd street st marg nagar cross main layout colony sector block phase lane salai
    apartments apartment apts flat house plot niwas bhavan bhawan villa towers tower
    enclave vihar bagh chowk gali mohalla extension extn stage hills park society""".split()
)


_PARTS_WINDOW: Final = 320


def _components_start(text: str, place_end: int) -> int | None:
    """Where the comma-joined parts before a place and its PIN code begin (at most six
    on its line, after a cue's colon), when one part holds a number and one a word of
    an address; None otherwise."""
    # Seven parts of an address fit in this many characters; reading further back on a
    # long line (a minified document) would make every PIN-like match cost its line.
    window = max(0, place_end - _PARTS_WINDOW)
    line_start = text.rfind("\n", window, place_end) + 1 or window
    colon = text.rfind(":", line_start, place_end)
    begin = colon + 1 if colon >= 0 else line_start
    parts = text[begin : place_end + 1].split(",")
    if len(parts) < 3:
        return None
    parts = parts[-7:]
    numbered = any(any(c.isdigit() for c in p) for p in parts[:-1])
    worded = any(w.strip(".") in _PART_WORDS for p in parts for w in p.lower().split())
    if not (numbered and worded):
        return None
    first = parts[0]
    offset = place_end + 1 - sum(len(p) + 1 for p in parts) + 1
    words = first.split()
    # The first part from its number and the capitalised words right before it ("Ship
    # to B-204" starts at "B-204", "Flat No. 12" at "Flat"), or from its first
    # capitalised word when it has no number.
    numbered_at = next((i for i, w in enumerate(words) if any(c.isdigit() for c in w)), None)
    if numbered_at is not None:
        i = numbered_at
        while i > 0 and words[i - 1][0].isupper():
            i -= 1
        return offset + first.index(" ".join(words[i:]))
    for word in words:
        if word[0].isupper():
            return offset + first.index(word)
    return offset + len(first) + 1
