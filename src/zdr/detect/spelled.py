"""Digits in disguise: numbers spoken as words, letters an OCR read for digits.

Call-centre transcripts (speech recognition: no capitals, no punctuation) write a
number as it was said: ``four one five five five five zero one four eight``, ``double
five``, ``oh`` for zero, ``nineteen fifty four``, ``zéro six douze trente quatre``. An
OCR'd page reads ``0`` as ``O`` and ``1`` as ``l`` or ``I`` inside a group of digits:
``555-O148``, ``l9/03/1985``. ``spell`` gives the text with those digits written as
digits (a *view*, the same kind as ``normalize.py``'s) so that every detector reads
them, and its findings are given back over the original words, whole.

Cost decides the shape, as for the other disguises: two anchors of the shared scan,
and nothing built unless one is found.

- ``SPOKEN`` (lower-cased text): two number words in a row (``fifty four``, ``oh
  nine``, ``double five``), in English and the claimed languages (German, French,
  Spanish, Italian, Dutch, Portuguese). A run is read only when it holds three number
  words or more that say four digits or more (``nineteen fifty four``, a phone
  number): not ``five thousand rows``, ``forty two people``, ``one or two things``.
- ``MISREAD`` (the text as written): ``O``, ``o``, ``l`` or ``I`` beside an ASCII
  digit. Read as a digit only inside a group made of nothing but digits and those
  letters, standing alone (spaces, brackets, quotes or punctuation beside it, or a
  separator of groups before no letter; not ``@ # $ % & + = _``), holding a digit, and
  of three characters or more or beside another group through ``- . / :`` (``O7/11``);
  not ending in a lower-case ``l`` or ``o`` (litres, ordinals: ``500l``, ``2o andar``).
  So ``XO1``, ``B0LT``, ``Vo1kova``, hex and base64 stay as written.

A run of number words is read in chunks, each a number as people say them, written
one after another: ``four six eight three`` -> ``4683``, ``nineteen fifty four`` ->
``1954``, ``oh nine twenty eight`` -> ``0928``, ``huit cent quarante`` -> ``840``,
``soixante dix-huit`` -> ``78``, ``double oh seven`` -> ``007``. The digits of a run
stand together in the view (no space between them: phone, card and SSN patterns read a
plain run of digits); each chunk maps back to its words, the spaces between them left
out. Where a run is read, a day said beside a month is read too (``the second of
october`` -> ``the 2 of october``, ``el dos de octubre``), so birth dates are found.
"""

from __future__ import annotations

import re
from typing import Final

from zdr.detect.birthdate import MONTH_NAMES
from zdr.detect.normalize import Normalized
from zdr.detect.scan import Anchor, Text

# Kinds of number word.
_DIGIT: Final = 0  # 0-9
_TEEN: Final = 1  # 10-19, and one-word compounds 21-99 ("zweiundvierzig")
_TENS: Final = 2  # 20, 30 ... 90
_HUNDRED: Final = 3  # "hundred", "cent", "hundert" (times what stands before)
_HUNDREDS: Final = 4  # one-word hundreds: "novecientos", "quinhentos"
_THOUSAND: Final = 5
_REPEAT: Final = 6  # "double", "triple": the next digit twice, three times
_ZERO_OH: Final = 7  # "oh": zero, only before another number word

# What a number said so far may still take (``_chunks``).
_NOTHING: Final = 0
_UNIT: Final = 1  # after tens: "forty" -> "forty two"
_BELOW_HUNDRED: Final = 2  # after a hundred: tens, a teen, a unit
_BELOW_THOUSAND: Final = 3  # after thousands: hundreds too
_DIX: Final = 4  # after French "dix": 7-9 ("dix-huit")
_FRENCH_TENS: Final = 5  # after "soixante", "quatre-vingt": a unit or a teen
_HUNDRED_ONLY: Final = 6  # "mille neuf" -> "cent"

_UNITS: Final = {
    "en": "zero one two three four five six seven eight nine",
    "de": "null eins zwei drei vier fünf sechs sieben acht neun",
    "fr": "zéro un deux trois quatre cinq six sept huit neuf",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve",
    "it": "zero uno due tre quattro cinque sei sette otto nove",
    "nl": "nul één twee drie vier vijf zes zeven acht negen",
    "pt": "zero um dois três quatro cinco seis sete oito nove",
}
_TEENS: Final = {
    "en": "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen",
    "de": "zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn",
    "fr": "dix onze douze treize quatorze quinze seize",
    "es": "diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve",
    "it": "dieci undici dodici tredici quattordici quindici sedici diciassette diciotto diciannove",
    "nl": "tien elf twaalf dertien veertien vijftien zestien zeventien achttien negentien",
    "pt": "dez onze doze treze catorze quinze dezesseis dezessete dezoito dezenove",
}
_TENS_WORDS: Final = {
    "en": "twenty thirty forty fifty sixty seventy eighty ninety",
    "de": "zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig",
    "fr": "vingt trente quarante cinquante soixante septante huitante nonante",
    "es": "veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa",
    "it": "venti trenta quaranta cinquanta sessanta settanta ottanta novanta",
    "nl": "twintig dertig veertig vijftig zestig zeventig tachtig negentig",
    "pt": "vinte trinta quarenta cinquenta sessenta setenta oitenta noventa",
}


def _words() -> dict[str, tuple[int, int]]:
    """Every number word: its kind and value."""
    words: dict[str, tuple[int, int]] = {}
    for units in _UNITS.values():
        for value, word in enumerate(units.split()):
            words[word] = (_DIGIT, value)
    for teens in _TEENS.values():
        for value, word in enumerate(teens.split(), 10):
            words[word] = (_TEEN, value)
    for tens in _TENS_WORDS.values():
        for value, word in enumerate(tens.split(), 2):
            words[word] = (_TENS, value * 10)
    # Other spellings and forms of the units.
    for word, value in (("une", 1), ("una", 1), ("uma", 1), ("een", 1), ("zwo", 2),
                        ("duas", 2), ("tres", 3), ("tré", 3), ("meia", 6), ("zero", 0),
                        ("nought", 0)):  # fmt: skip
        words[word] = (_DIGIT, value)
    for word, value in (("dieciseis", 16), ("quatorze", 14), ("dezasseis", 16),
                        ("dezassete", 17), ("dezanove", 19), ("veintiuno", 21),
                        ("veintiún", 21), ("veintidós", 22), ("veintidos", 22),
                        ("veintitrés", 23), ("veintitres", 23), ("veinticuatro", 24),
                        ("veinticinco", 25), ("veintiséis", 26), ("veintiseis", 26),
                        ("veintisiete", 27), ("veintiocho", 28), ("veintinueve", 29),
                        ("dreissig", 30), ("vingts", 80)):  # fmt: skip
        words[word] = (_TEEN if word != "dreissig" and word != "vingts" else _TENS, value)
    # One-word compounds 21-99: German "zweiundvierzig", Dutch "tweeënveertig",
    # Italian "trentadue" ("ventuno", "trentotto": the vowel dropped).
    de_units = "ein zwei drei vier fünf sechs sieben acht neun".split()
    nl_units = "een twee drie vier vijf zes zeven acht negen".split()
    it_units = "uno due tre quattro cinque sei sette otto nove".split()
    for t, (de, nl, it) in enumerate(
        zip(_TENS_WORDS["de"].split(), _TENS_WORDS["nl"].split(), _TENS_WORDS["it"].split(),
            strict=True), 2
    ):  # fmt: skip
        for u in range(1, 10):
            value = t * 10 + u
            words[f"{de_units[u - 1]}und{de}"] = (_TEEN, value)
            joiner = "ën" if nl_units[u - 1].endswith("e") else "en"
            words[f"{nl_units[u - 1]}{joiner}{nl}"] = (_TEEN, value)
            words[f"{nl_units[u - 1]}en{nl}"] = (_TEEN, value)
            unit = "tré" if u == 3 else it_units[u - 1]
            words[f"{it[:-1] if unit[0] in 'uo' else it}{unit}"] = (_TEEN, value)
    for word in ("hundred", "hundert", "cent", "cents", "ciento", "cien", "cento", "cem",
                 "honderd"):  # fmt: skip
        words[word] = (_HUNDRED, 100)
    for word, value in (("doscientos", 200), ("trescientos", 300), ("cuatrocientos", 400),
                        ("quinientos", 500), ("seiscientos", 600), ("setecientos", 700),
                        ("ochocientos", 800), ("novecientos", 900), ("duzentos", 200),
                        ("trezentos", 300), ("quatrocentos", 400), ("quinhentos", 500),
                        ("seiscentos", 600), ("setecentos", 700), ("oitocentos", 800),
                        ("novecentos", 900), ("duecento", 200), ("trecento", 300),
                        ("quattrocento", 400), ("cinquecento", 500), ("seicento", 600),
                        ("settecento", 700), ("ottocento", 800),
                        ("novecento", 900)):  # fmt: skip
        words[word] = (_HUNDREDS, value)
    for word in ("thousand", "tausend", "mille", "mil", "mila", "duizend"):
        words[word] = (_THOUSAND, 1000)
    for word, times in (("double", 2), ("triple", 3), ("treble", 3)):
        words[word] = (_REPEAT, times)
    words["oh"] = (_ZERO_OH, 0)
    return words


NUMBER_WORDS: Final = _words()
# "and" and its kin inside a number: "one hundred and five", "treinta y dos",
# "vinte e dois", "vingt et un".
_JOINERS: Final = ("and", "et", "y", "e", "und", "en")


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _word_pattern() -> str:
    """Every number word, the one-word compounds written by their parts (the list of
    every word made Hyperscan's pattern too large)."""
    de_tens = _alternation(_TENS_WORDS["de"].split() + ["dreissig"])
    nl_tens = _alternation(_TENS_WORDS["nl"].split())
    it_tens = _alternation(_TENS_WORDS["it"].split())
    it_stems = _alternation([w[:-1] for w in _TENS_WORDS["it"].split()])
    compounds = (
        f"(?:ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)und(?:{de_tens})",
        f"(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen)(?:en|ën)(?:{nl_tens})",
        f"(?:{it_tens})(?:due|tre|tré|quattro|cinque|sei|sette|nove)",
        f"(?:{it_stems})(?:uno|otto)",
    )
    plain = [w for w in NUMBER_WORDS if not any(re.fullmatch(c, w) for c in compounds)]
    return "(?:" + "|".join((*compounds, _alternation(plain))) + ")"


_WORD: Final = _word_pattern()
_JOIN: Final = f"(?:{'|'.join(_JOINERS)})"

# Where a run of number words may be, at a word's start (lower-cased text): a unit
# ("four", "oh", "zéro"), tens ("fifty") or "double" before a unit, after one space
# or hyphen. Measured (callgrind, pii-dev): every number word before the first three
# letters of any cost 8.9 M instructions a pass (a 15% dearer scan), a letter beside
# a digit as MISREAD's cue 9.3 M (base64 sets it off everywhere). The run is read in
# full by ``_run_words``, backwards too ("nineteen fifty four").
_UNIT_WORDS: Final = [w for w, (kind, _) in NUMBER_WORDS.items() if kind in (_DIGIT, _ZERO_OH)]
_FIRST_WORDS: Final = [
    w for w, (kind, _) in NUMBER_WORDS.items() if kind in (_DIGIT, _ZERO_OH, _TENS, _REPEAT)
]
SPOKEN: Final = Anchor(
    "spoken",
    f"(?:{_alternation(_FIRST_WORDS)})[ -](?:{_alternation(_UNIT_WORDS)})",
    lower=True,
    word_start="",
)
# A letter an OCR reads for a digit in the first three characters of a group that
# begins after a space, a bracket, a quote, punctuation or a separator of groups.
_GROUP_START: Final = "[\\s(\\[{\"',;:./-]"
MISREAD: Final = Anchor("misread", f"{_GROUP_START}(?:[OoIl][0-9]|[0-9][OoIl]|[0-9][0-9][OoIl])")

_ONE_WORD: Final = re.compile(f"(?<![^\\W\\d_]){_WORD}(?![^\\W_])")
_SEPARATOR: Final = re.compile(f"(?:[ \\t]+({_JOIN}))?(?:[ \\t]+|[ \\t]*-[ \\t]*)")
# A number word and a separator right before a place (searched up to it).
_ENDS_WITH_WORD: Final = re.compile(
    f"(?<![^\\W\\d_]){_WORD}(?:[ \\t]+{_JOIN})?(?:[ \\t]+|[ \\t]*-[ \\t]*)$"
)

# A day said beside a month, read where a run of number words is: "the second of
# october", "october the second", "el dos de octubre".
_ORDINALS: Final = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "thirtieth": 30, "premier": 1, "primero": 1, "primo": 1, "eerste": 1, "erster": 1,
    "ersten": 1,
}  # fmt: skip
_DAY_WORD: Final = f"(?:(?:twenty|thirty)[ -])?(?:{_alternation(list(_ORDINALS))})|{_WORD}"
_MONTH_WORD: Final = f"(?:{_alternation(MONTH_NAMES)})"
_DAY_BEFORE_MONTH: Final = re.compile(
    f"(?<![^\\W\\d_])({_DAY_WORD})(?:[ \\t]+(?:of|de|del))?[ \\t]+{_MONTH_WORD}(?![^\\W\\d_])"
)
_DAY_AFTER_MONTH: Final = re.compile(
    f"(?<![^\\W\\d_]){_MONTH_WORD}[ \\t]+(?:the[ \\t]+)?({_DAY_WORD})(?![^\\W\\d_])"
)

_MISREAD_LETTERS: Final = "OoIl"
_AS_DIGITS: Final = str.maketrans("OoIl", "0011")
_GROUP: Final = frozenset("0123456789OoIl")
_BETWEEN_GROUPS: Final = "-./:"


def _chunks(words: list[tuple[int, int, str, bool]]) -> list[tuple[int, int, str]]:
    """A run of number words (start, end, word, after a joiner) read as numbers said one
    after another: (start, end, digits) per number, over the words it spans."""
    out: list[tuple[int, int, str]] = []
    i = 0
    n = len(words)
    while i < n:
        start, end, word, joined = words[i]
        if joined:  # "five and six": a joiner only inside a number
            return out
        kind, value = NUMBER_WORDS[word]
        if kind == _REPEAT:
            if i + 1 < n and NUMBER_WORDS[words[i + 1][2]][0] in (_DIGIT, _ZERO_OH):
                digit = str(NUMBER_WORDS[words[i + 1][2]][1])
                out.append((start, words[i + 1][1], digit * value))
                i += 2
                continue
            return out  # "double" before no digit ends the run
        if kind == _ZERO_OH or (kind == _DIGIT and value == 0):
            out.append((start, end, "0"))
            i += 1
            continue
        # A number as said: below a thousand (``part``) and thousands (``total``);
        # ``room``: what may still be added.
        total = 0
        part = value
        room = _NOTHING
        hundred = False
        j = i + 1
        if kind == _TENS:
            room = _FRENCH_TENS if word == "soixante" else _UNIT
        elif kind in (_HUNDRED, _HUNDREDS):
            room, hundred = _BELOW_HUNDRED, True
        elif kind == _THOUSAND:
            total, part, room = 1000, 0, _BELOW_THOUSAND
        elif word == "dix":
            room = _DIX
        elif word == "quatre" and j < n and words[j][2] in ("vingt", "vingts"):
            part, room = 80, _FRENCH_TENS
            j += 1
        while j < n:
            word = words[j][2]
            kind, value = NUMBER_WORDS[word]
            if words[j][3] and room == _NOTHING:
                break
            if (
                word == "quatre"
                and room in (_BELOW_HUNDRED, _BELOW_THOUSAND)
                and j + 1 < n
                and words[j + 1][2] in ("vingt", "vingts")
            ):  # "mille neuf cent quatre-vingt-quatre"
                part += 80
                room = _FRENCH_TENS
                j += 2
                continue
            if kind == _HUNDRED and not hundred and 0 < part < 100 and room != _UNIT:
                part, room, hundred = part * 100, _BELOW_HUNDRED, True
            elif kind == _THOUSAND and total == 0:
                total, part, room, hundred = max(part, 1) * 1000, 0, _BELOW_THOUSAND, False
            elif kind == _HUNDREDS and room == _BELOW_THOUSAND:
                part, room, hundred = value, _BELOW_HUNDRED, True
            elif kind == _TENS and room in (_BELOW_HUNDRED, _BELOW_THOUSAND):
                part += value
                room = _FRENCH_TENS if word == "soixante" else _UNIT
            elif kind == _TEEN and room in (_BELOW_HUNDRED, _BELOW_THOUSAND, _FRENCH_TENS):
                part += value
                room = _DIX if word == "dix" else _NOTHING
            elif (
                kind == _DIGIT
                and value > 0
                and (room in (_UNIT, _BELOW_HUNDRED, _FRENCH_TENS) or (room == _DIX and value >= 7))
            ):
                part += value
                room = _NOTHING
            elif kind == _DIGIT and value > 0 and room == _BELOW_THOUSAND:
                part += value  # "two thousand four"; "mille neuf cent"
                room = _HUNDRED_ONLY
            else:
                break
            j += 1
        out.append((start, words[j - 1][1], str(total + part)))
        i = j
    return out


def _run_words(low: str, start: int) -> list[tuple[int, int, str, bool]]:
    """The number words of the run beginning at ``start``: (start, end, word, whether a
    joiner word stands before it)."""
    words: list[tuple[int, int, str, bool]] = []
    at = start
    joined = False
    while True:
        m = _ONE_WORD.match(low, at)
        if m is None:
            break
        words.append((m.start(), m.end(), m.group(), joined))
        s = _SEPARATOR.match(low, m.end())
        if s is None or s.end() == m.end():
            break
        joined = s.group(1) is not None
        at = s.end()
    # "oh" is zero only before another number word: not "... five oh".
    while words and NUMBER_WORDS[words[-1][2]][0] in (_ZERO_OH, _REPEAT):
        words.pop()
    return words


def spoken_numbers(low: str, starts: list[int]) -> list[tuple[int, int, str, bool]]:
    """(start, end, digits, whether it follows a number of its run) of each number said
    in words, in runs of two words or more around ``starts`` (where the scan found
    ``SPOKEN``), in text order."""
    out: list[tuple[int, int, str, bool]] = []
    last = 0
    for start in starts:
        if start < last:
            continue
        # The run may begin before: with a teen or a joiner ("eleven four", "y dos").
        while start > last:
            m = _ENDS_WITH_WORD.search(low, max(last, start - 40), start)
            if m is None:
                break
            start = m.start()
        words = _run_words(low, start)
        if len(words) < 3:
            continue
        chunks = _chunks(words)
        if not chunks:
            continue
        last = chunks[-1][1]
        # Three number words or more, four digits or more: "nineteen fifty four", a
        # phone number; not the prose of "five thousand rows", "forty two people".
        if (
            sum(1 for w in words if w[0] < last) < 3
            or sum(len(digits) for _, _, digits in chunks) < 4
        ):
            continue
        for k, (s, e, digits) in enumerate(chunks):
            out.append((s, e, digits, k > 0))
    return out


def _day_value(phrase: str) -> int:
    """The day a phrase says (0 when none): "second", "twenty-first", "dos"."""
    words = phrase.replace("-", " ").split()
    value = 0
    for word in words:
        if word in _ORDINALS:
            value += _ORDINALS[word]
        elif word in NUMBER_WORDS and NUMBER_WORDS[word][0] in (_DIGIT, _TEEN, _TENS):
            value += NUMBER_WORDS[word][1]
        else:
            return 0
    return value if 1 <= value <= 31 else 0


def spoken_days(
    low: str, taken: list[tuple[int, int, str, bool]]
) -> list[tuple[int, int, str, bool]]:
    """Days said beside a month, outside the numbers already read (``taken``)."""
    out: list[tuple[int, int, str, bool]] = []
    for pattern in (_DAY_BEFORE_MONTH, _DAY_AFTER_MONTH):
        for m in pattern.finditer(low):
            start, end = m.span(1)
            if any(s < end and start < e for s, e, _, _ in taken):
                continue
            day = _day_value(m.group(1))
            if day:
                out.append((start, end, str(day), False))
    return out


# What may stand beside a group of digits (besides the text's start or end): spaces,
# brackets, quotes, punctuation; a separator of groups only before no letter
# ("555-O148", not "REV-2O19"). Not "@ # $ % & + = _ * !": the characters passwords,
# base64 and other tokens hold ("F00tb@ll5746%", "+o2I/5t8").
_OPEN: Final = frozenset(" \t\n\r([{\"',;:")
_CLOSE: Final = frozenset(" \t\n\r)]}\"',;:")


def _alone_before(text: str, start: int) -> bool:
    if start == 0 or text[start - 1] in _OPEN:
        return True
    if text[start - 1] in _BETWEEN_GROUPS:
        return start == 1 or not text[start - 2].isalpha() or text[start - 2] in _GROUP
    return False


def _alone_after(text: str, end: int) -> bool:
    if end == len(text) or text[end] in _CLOSE:
        return True
    if text[end] in _BETWEEN_GROUPS:
        return end + 1 == len(text) or not text[end + 1].isalpha() or text[end + 1] in _GROUP
    return False


def misread_groups(text: str, hits: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of each group of digits written with a letter an OCR misread
    (where the scan found ``MISREAD``), in text order."""
    out: list[tuple[int, int]] = []
    last = 0
    n = len(text)
    for hit, _ in hits:
        if hit < n and text[hit] not in _GROUP:
            hit += 1  # the character before the group (not at the text's start)
        if hit < last:
            continue
        start = end = hit
        while start > 0 and text[start - 1] in _GROUP:
            start -= 1
        while end < n and text[end] in _GROUP:
            end += 1
        last = end
        if not (_alone_before(text, start) and _alone_after(text, end)):
            continue  # inside a word or a token: "Vo1kova", "XO1", base64, a password
        group = text[start:end]
        if not any(c in _MISREAD_LETTERS for c in group):
            continue
        chained = end + 1 < n and text[end] in _BETWEEN_GROUPS and text[end + 1] in _GROUP
        if group[-1] in "lo" and not chained:
            continue  # a unit or an ordinal after digits: "500l", "2o andar"; not "2l/11"
        if not any(c.isdigit() for c in group):
            continue
        if end - start < 3 and not (
            chained
            or (start > 1 and text[start - 1] in _BETWEEN_GROUPS and text[start - 2] in _GROUP)
        ):
            continue  # "O2", "l1" alone; "O7/11/1969" is read
        out.append((start, end))
    return out


def spell(t: Text) -> Normalized | None:
    """The text with its spoken and misread digits written as digits, or None when it
    holds none after all."""
    text = t.raw
    edits: list[tuple[int, int, str, bool]] = []  # (start, end, digits, glued), apart
    if t.has(SPOKEN.name):
        numbers = spoken_numbers(t.low, [s for s, _ in t.spans(SPOKEN.name)])
        if numbers:
            edits.extend(numbers)
            edits.extend(spoken_days(t.low, numbers))
            edits.sort()
    misread: list[tuple[int, int]] = []
    if t.has(MISREAD.name):
        misread = misread_groups(text, list(t.spans(MISREAD.name)))
    if not edits and not misread:
        return None
    if misread:  # one character for one: the offsets do not move
        chars = list(text)
        for start, end in misread:
            chars[start:end] = text[start:end].translate(_AS_DIGITS)
        text = "".join(chars)
    pieces: list[str] = []
    view_at = [0]
    original_at = [0]
    width = [0]
    copied = 0
    view_length = 0
    for k, (start, end, digits, _) in enumerate(edits):
        if start < copied:
            continue
        pieces.append(text[copied:start])
        view_length += start - copied
        if view_at[-1] == view_length:  # right after a number of the same run
            original_at[-1], width[-1] = start, end - start
        else:
            view_at.append(view_length)
            original_at.append(start)
            width.append(end - start)
        pieces.append(digits)
        view_length += len(digits)
        copied = end
        # The words between this number and the next of its run (spaces, a hyphen,
        # a joiner) are left out: the run's digits stand together.
        if k + 1 < len(edits) and edits[k + 1][3]:
            copied = edits[k + 1][0]
        view_at.append(view_length)
        original_at.append(copied)
        width.append(0)
    pieces.append(text[copied:])
    return Normalized("".join(pieces), view_at, original_at, width)
