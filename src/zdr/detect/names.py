"""Person names, offline, in several languages, with no model: a first-name lexicon
(the ~45,000 names of Jörg Michael's international list, shipped in the
gender-guesser package), the US Census 2010 surnames (data/, with how it was made),
and the words around a name that say it is one (titles, greetings, sign-offs,
"name:" fields, "my name is"). A name found once is masked at every mention.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from typing import Final

from zdr.detect.model import (
    ALNUM_RUN,
    Span,
    at_runs,
    in_c,
    local_part_start,
    lower,
    occurrences,
    span,
    starts_word,
)
from zdr.detect.scan import DIGIT, Anchor, Text, matches_at

# Latin letters: Latin-1's, Latin Extended-A taken as both cases, and the letters of
# Latin Extended-B and Additional by their own case (Romanian "Ștefan", Vietnamese
# "Bảo Trần", not "și" or "ấy"), as zdr.detect._runs reads them.
_EXTENDED: Final = (*range(0x180, 0x250), *range(0x1E00, 0x1F00))
_UPPER: Final = "A-ZÀ-ÖØ-ÞĀ-ſ" + "".join(chr(c) for c in _EXTENDED if chr(c).isupper())
_LOWER: Final = "a-zß-öø-ÿā-ſ" + "".join(chr(c) for c in _EXTENDED if chr(c).islower())
_TOKEN: Final = re.compile(
    rf"[{_UPPER}](?:(?:[{_LOWER}]{{1,2}}|['’])[{_UPPER}])?[{_LOWER}'’]*[{_LOWER}]"
    rf"(?:-[{_UPPER}][{_LOWER}]+)?\.?(?![\w@])"
    rf"|[{_UPPER}]\.(?=\s)"
)
_PARTICLES: Final = frozenset(
    "de da di do dos das del della van von der den ter ten le la du des y e bin al ibn "
    "mac st".split()
)
_PARTICLE_MAX: Final = max(len(p) for p in _PARTICLES)
# Words that are first names somewhere but far more often ordinary capitalised words
# (sentence starts, months, days, UI labels). Only matter when a name stands alone or
# would start a full name.
# Words that are never part of a name (function words, months, days, UI labels).
COMMON_WORDS: Final = frozenset(
    """
    a an and are as at be but by can could did do does for from had has have he her here
    hi hey his how i if in is it its just let me might must my no not now of off ok on
    one or our out please re see she should so some still such than thanks thank that the
    their them then there these they this those to too up us was we well were what when
    where which while who why with would yes yet you your also after again all any
    april august march monday tuesday wednesday thursday friday saturday
    sunday january february september october november december christmas easter new old
    best dear hello good great nice kind happy love customer support team admin user
    client patient employee manager contact sales service account order invoice ticket
    status note notes name email phone mobile address subject date time total amount price
    error warning info debug update version
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    mac intel windows linux android safari chrome mozilla gecko ubuntu debian
    die der das und mit von für auf ist ein eine sie wir ihr ich bitte danke hallo liebe
    lieber sehr herr frau le la les un une et est pour avec dans sur vous nous je merci
    bonjour cher chère il el los las una con por para que muy hola gracias señor señora
    ciao grazie gentile caro cara signor signora het een en van voor met op ik je jij
    wij dank beste olá obrigado obrigada senhor senhora não sim com sem mais
    """.split()
)
# First names that are also ordinary words or places: a name only with a cue or a
# capitalised surname after them, never alone.
_AMBIGUOUS: Final = frozenset(
    """
    said made will may june summer winter autumn spring hope joy faith grace angel honey sunny sky
    star rain river lake ocean page case bill mark art rich chase hunter carter mason cash
    sterling major bishop king queen prince princess lord duke earl baron judge dean pastor
    guy ray rose lily iris daisy ivy holly amber ruby pearl jade crystal diamond ginger
    candy cherry olive hazel violet heather dawn eve noel constance patience prudence
    felicity verity justice liberty destiny trinity harmony melody serenity unity china
    india jordan paris florence austin dallas houston phoenix denver orlando victoria
    georgia virginia carolina savannah madison brooklyn lincoln washington jackson troy
    eugene charlotte adelaide sydney regina
    """.split()
)


# Words right before a capitalised word that make it a name. Checked per candidate
# with set look-ups on the preceding words (a regex over the whole text cost more
# than everything else in this detector).
_TITLE_WORDS: Final = frozenset(
    "mr mrs ms miss mx dr prof sir dame herr herrn frau hr fr mme mlle m sr sra srta dña "
    "dott dott.ssa sig sig.ra avv ing dhr mevr mw shri smt sri kumari capt col rev "
    "monsieur madame mademoiselle señor señora señorita signore signora signorina "
    "dottore dottoressa doctor doctora doktor professor meneer mevrouw heer senhor senhora "
    "dra dres "
    "agent advisor adviser operator nurse officer".split()
)
# Kinship words used as a title before a name ("Aunt Bea", "tia Cida", "Tío Paco",
# "Oma Gerda") in the claimed languages: the name after one is a name, the word itself
# is none (nor is it a chat speaker's name: "Mãe:", "Oma:"). Not taken out of the name
# lists, as the titles are: some are names too ("Tia", "Nana").
_KIN_WORDS: Final = frozenset(
    "aunt auntie uncle grandma grandpa granny grandad grandmother grandfather nana "
    "tante onkel oma opa omi opi tata tía tío tia tio titia titio vovó vovô avó avô mãe "
    "abuela abuelo abuelita abuelito nonna nonno zia zio oom tatie tonton mamie papi "
    "mémé pépé".split()
)
# A doctor's degree after the title ("Dr. med. dent.", "Dr. rer. nat."): no name.
_DEGREE_WORDS: Final = frozenset("med jur dent dipl habil rer nat phil oec".split())
_GREETING_WORDS: Final = frozenset(
    "dear hi hello hey thanks cheers regards best sincerely yours liebe lieber hallo moin "
    "servus grüße gruß cher chère bonjour salut cordialement merci ciao caro cara gentile "
    "buongiorno grazie saluti hola estimado estimada querido querida saludos gracias olá "
    "oi prezado prezada obrigado obrigada atenciosamente beste hoi groeten namaste cc "
    "ask asked tell told ping pinged emailed contacted signed says said "
    "son daughter wife husband kid child partner brother sister mother father".split()
)
# Sign-offs: a word on the next line after one is a name ("Best,\nWarrane").
_SIGN_OFFS: Final = frozenset(
    "best regards cheers thanks sincerely yours grüße gruß cordialement saluti saludos "
    "atenciosamente groeten".split()
)
_PHRASES: Final = frozenset(
    {
        "thank you", "my name is", "name is", "i am", "i'm", "this is", "guten tag",
        "ich heiße", "ich bin", "je m'appelle", "mi chiamo", "me llamo", "meu nome é",
        "ik heet", "viele grüße", "kind regards", "best regards", "met vriendelijke groet",
        "cordiali saluti", "other driver",
    }
)  # fmt: skip
_LABEL_WORDS: Final = frozenset(
    """name nom nome nombre naam vorname nachname fullname full_name customer patient
    patiente paziente paciente applicant co-applicant passenger driver employee
    mitarbeiter contact kunde kundin client cliente klant guest owner insured
    policyholder beneficiary tenant holder cardholder assignee reporter author from to
    attendees participants agent rep representative support debtor creditor manager
    supervisor doctor physician nurse person""".split()
)
_STRIP: Final = ",:;=\"'()[]"
_STRIP_DOT: Final = _STRIP + "."
# How far back a cue is read (the longest phrase with its spaces).
_CUE_WINDOW: Final = 48


def word_before(text: str, end: int, window: int) -> str:
    """The last whitespace-separated word of ``text[max(0, end - window):end]``, or
    "": the word that may say the next one is a name. The reference for
    ``zdr.detect._runs`` (C), which needs no list of words and no slice."""
    words = text[max(0, end - window) : end].rsplit(None, 1)
    return words[-1] if words else ""


_word_before: Final = in_c("word_before", word_before)


def cue_before(
    text: str, end: int, window: int, strip: str, label_ends: str, cues: frozenset[str]
) -> str:
    """``word_before(text, end, window)`` when it may cue a name: it ends with one of
    ``label_ends`` ("Name:", "to='"), or without the ``strip`` characters around it
    and its final dots it is one of ``cues``; else "". The reference for
    ``zdr.detect._runs`` (C), which makes no string for the usual word but the one
    looked up."""
    last = word_before(text, end, window)
    if not last or last[-1] in label_ends:
        return last
    # The usual word has nothing to strip; strip() with characters costs more.
    strips = last[0] in strip or last[-1] in strip or last[-1] == "."
    return last if (last.strip(strip).rstrip(".") if strips else last) in cues else ""


_cue_before: Final = in_c("cue_before", cue_before)


def _cued(low: str, start: int) -> tuple[bool, bool]:
    """(cued, strong) for a capitalised word at ``start``: a strong cue (a title, a
    greeting, a name field) makes even one unknown word a name."""
    # The usual word before a capitalised one is no cue: one call, one look-up.
    last = _cue_before(low, start, _CUE_WINDOW, _STRIP, _LABEL_ENDS, _CUE_WORDS)
    if not last:
        return False, False
    end = last[-1]
    bare = last.strip(_STRIP).rstrip(".") if last[0] in _STRIP or end in _STRIP_DOT else last
    if bare == "--":
        signed = _after_signature_line(low, start)
        return signed, signed
    if bare in _TITLE_OR_KIN:
        # A title ending a line before a label is a form's answer ("Anrede: Herr\n
        # Vorname: Wolfgang"), not the label's cue; a mail's wrapped line is one
        # ("Dear Mrs.\nBrown,", review31b).
        k = start - 1
        while k >= 0 and low[k] in " \t":
            k -= 1
        if k >= 0 and low[k] in "\r\n":
            word_end = start
            while word_end < len(low) and (low[word_end].isalpha() or low[word_end] in "-'’"):
                word_end += 1
            if low[word_end : word_end + 1] == ":":
                return False, False
        return True, True
    if bare in _GREETING_WORDS:
        strong = bare in _STRONG_GREETINGS or (
            bare in _SIGN_OFFS and low.rfind("\n", max(0, start - 4), start) >= 0
        )
        return True, strong
    labelled = last.rstrip("\"' ").endswith((":", "="))
    if not labelled and bare not in _PHRASE_LAST:
        return False, False
    before = low[max(0, start - _CUE_WINDOW) : start]  # the words the cue may span
    if labelled and (
        bare in _LABEL_WORDS or bare.endswith("name") or (bare.isdigit() and _label_before(before))
    ):
        return True, True
    if bare in _PHRASE_LAST:
        words = before.split()
        for n in (2, 3, 4):
            if len(words) >= n and " ".join(w.strip(_STRIP) for w in words[-n:]) in _PHRASES:
                return True, True
    return False, False


def _not_a_name_after_cue(
    text: str,
    low: str,
    end: int,
    tokens: list[tuple[int, int, str]],
    i: int,
    bares: list[str],
) -> bool:
    """One capitalised word after a label or a greeting that is no name: the first of a
    group's name ("To: Ops Team", "Hi Sales Team"), a word for no one in particular
    ("Dear Customer,", "Agent: To verify"), or a word opening a speaker's line as an
    exclamation or a question ("Agent: Sure!"). Never after a title ("Mr. Best", "Dr.
    Sun"); after a name key ("Name: Jan", "Name: Rose!") only an ordinary word that is
    no one's name ("- name: Update staging")."""
    cue = _word_before(low, tokens[i][0], _CUE_WINDOW)
    key = cue.rstrip(_LABEL_ENDS + " ").strip(_STRIP).rstrip(".")
    if key in _TITLE_WORDS and not cue.endswith(":"):
        return False
    if bares[i] in _NO_ONE:  # "Dear Customer,", "- name: Update staging", not "Hi Jan,"
        return True
    if key.endswith("name") or key in LOOSE_PERSON_KEYS or key.replace("_", "") in PERSON_KEYS:
        return False
    if (
        i + 1 < len(tokens)
        and text[end : tokens[i + 1][0]] == " "
        and (bares[i + 1] in _GROUP_WORDS or bares[i + 1] in _ROLE_OR_MANAGER)
    ):  # "Hi Ops Team", "Dear Hiring Manager"
        return True
    return text[end : end + 1] in ("!", "?") and cue.endswith(":")


# Ordinary words that are also given names or surnames ("Hi Jan,", "Dear Cara,",
# "Hi April,", "Ms. Love"): a name after a greeting or a label.
_COMMON_NAMES: Final = frozenset(
    "april august cara caro gentile jan jun love mac mar march price sim sun van best "
    "easter".split()
)
# The last word of a group's name: "Ops Team", "Sales Department".
_GROUP_WORDS: Final = frozenset(
    "team teams group department dept desk office squad crew committee board unit "
    "division staff".split()
)
# Words after a greeting or a speaker's label that name no one in particular, or open
# a sentence: "Dear Customer,", "Agent: To verify, ..."; and the ordinary words, but
# for those that are names too.
_NO_ONE: Final = frozenset(
    "all everyone everybody there world folks guys team sir madam customer customers "
    "client clients user users member members colleague colleagues friend friends guest "
    "guests partner partners support sales admin the a an to and or for with in on at of "
    "by from please thank thanks hello sure yes ok okay".split()
) | (COMMON_WORDS - _COMMON_NAMES)


def _after_signature_line(low: str, start: int) -> bool:
    """The word opens the line after a signature delimiter, a line of "--" or "-- "
    (RFC 3676), where mail clients put the sender's name."""
    line = low.rfind("\n", 0, start)
    if line < 0 or low[line + 1 : start].strip():
        return False
    if low[low.rfind("\n", 0, line) + 1 : line].rstrip("\r ") != "--":
        return False
    # The name stands alone on its line, in ordinary words none ("Sent from my
    # iPhone", "Kind regards" are no one's name).
    end = low.find("\n", start)
    words = low[start : end if end >= 0 else len(low)].split()
    return len(words) <= 3 and not any(w in COMMON_WORDS or w in _GREETING_WORDS for w in words)


def _label_before(before: str) -> bool:
    """A label word before the number, as in "Contact 2:"."""
    words = before.split()
    return len(words) >= 2 and words[-2].strip(_STRIP) in _LABEL_WORDS


_PHRASE_LAST: Final = frozenset(p.split()[-1] for p in _PHRASES)
# The words that can cue a name, and the last characters of a label ("Name:", "to='").
_CUE_WORDS: Final = _TITLE_WORDS | _KIN_WORDS | _GREETING_WORDS | _PHRASE_LAST | {"--"}
_LABEL_ENDS: Final = ":=\"'"
_STRONG_GREETINGS: Final = frozenset(
    "dear hi hello hey liebe lieber hallo cher chère bonjour salut caro cara gentile "
    "hola estimado estimada querido querida olá oi prezado prezada beste hoi".split()
)
# Words that follow a greeting but are no one's name.
_NOT_NAMES: Final = frozenset(
    "all everyone everybody there world folks guys team sir madam".split()
)
# Capitalised contractions that begin a sentence ("Hi, I'm Priya"): never part of a name.
_CONTRACTIONS: Final = frozenset(
    f"{w}{a}{e}"
    for w, ends in (
        ("i", ("m", "d", "ll", "ve")),
        ("it", ("s", "d", "ll")),
        ("that", ("s", "d", "ll")),
        ("we", ("re", "d", "ll", "ve")),
        ("you", ("re", "d", "ll", "ve")),
        ("they", ("re", "d", "ll", "ve")),
        ("he", ("s", "d", "ll")),
        ("she", ("s", "d", "ll")),
        ("let", ("s",)),
        ("what", ("s",)),
        ("here", ("s",)),
        ("there", ("s",)),
    )
    for e in ends
    for a in "'’"
)
# One look-up each where they are asked of every capitalised word (built once).
_TITLE_OR_KIN: Final = _TITLE_WORDS | _KIN_WORDS
# Labels of a list of people in any case ("Attendees: ahmed k., Sun-hee Park"), read
# when written capitalised before a colon: the capitalised words are examined anyway,
# so the label costs no scan of its own (an anchor of these labels in lower case made
# the lower-case scan of a chat request ~43k instructions dearer).
# Only words that name nothing but people: "Speakers:", "Present:", "Guests:" head
# lists of loudspeakers, tenses and hotels too (review29 R1).
_PEOPLE_LIST_LABELS: Final = frozenset(
    """attendees participants invitees panelists panellists recipients cc bcc
    teilnehmer participantes asistentes invitados partecipanti deelnemers invités
    convidados""".split()
)
# The word itself is no name: titles, kinship words, contractions, list labels.
_NO_NAME_TOKENS: Final = _TITLE_OR_KIN | _CONTRACTIONS | _PEOPLE_LIST_LABELS
_NO_FIRST_NAME: Final = COMMON_WORDS | _TITLE_OR_KIN | _GREETING_WORDS  # before a surname

# Vietnamese names are written family name first ("Nguyễn Văn An", "Trần Thị Bích"),
# their given syllables often ordinary words elsewhere ("An", "Van", "Long"). The
# family names borne by nine Vietnamese in ten (a short closed set; Wikipedia,
# "Vietnamese name"), with and without their diacritics, lower-cased. A name when such
# a word begins a run of capitalised syllables: written with diacritics, or with the
# middle name "Văn" or "Thị", or with a family name that is no word or name elsewhere.
_VIET_FAMILY_PLAIN: Final = frozenset(
    "nguyen tran pham hoang huynh phan dang bui ngo duong vuong trinh truong doan "
    "phung quach".split()
)
_VIET_FAMILY: Final = _VIET_FAMILY_PLAIN | frozenset(
    """nguyễn trần phạm hoàng huỳnh đặng bùi ngô dương vương trịnh trương đoàn phùng
    quách lê vũ võ đỗ hồ lý đào lâm tô hà tạ lưu lương đinh châu thái le vu vo do ho
    ly dao lam to ha ta luu luong dinh chau thai mai cao""".split()
)
_VIET_MIDDLE: Final = frozenset("van văn thi thị".split())
# Most letters of one syllable ("Nguyễn", "Trường").
_SYLLABLE_MAX: Final = 7


# "name": "...", customer='...': where the field begins, then its quoted value.
_NAME_FIELD_HEAD: Final = (
    r"(?:name|customer|patient|contact|author|holder|assignee|reporter|owner)[\"']?\s*[:=]\s*[\"']"
)
_NAME_FIELD: Final = re.compile(_NAME_FIELD_HEAD + r"([^\"'\n]{2,60})[\"']")
# Keys, lower-cased without separators, that name a person ("company_name" does not).
PERSON_KEYS: Final = frozenset(
    """firstname lastname surname givenname familyname middlename maidenname fullname
    forename displayname customername contactname patientname clientname employeename
    holdername cardholder accountholder cardholdername accountname legalname realname
    vorname nachname familienname nom prenom prénom nomcomplet nome cognome nomecompleto
    nombre apellido apellidos nombrecompleto sobrenome naam voornaam
    achternaam volledigenaam""".split()
)
# Keys that name a person or something else ("name" of a product, "owner" a team).
LOOSE_PERSON_KEYS: Final = frozenset("name author owner assignee reporter contact".split())
_FIELD_KEYS: Final = PERSON_KEYS | LOOSE_PERSON_KEYS | {"customer", "patient", "holder"}
_KEY_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-.")


def _person_key(low: str, start: int) -> str | None:
    """The key whose last word begins at ``start``, lower-cased without separators,
    when it names a person, else None: read back over the identifier ("company_name"
    names a company, "first_name" a person)."""
    key_start = start
    while key_start > 0 and start - key_start < 30 and low[key_start - 1] in _KEY_CHARS:
        key_start -= 1
    end = start
    while end < len(low) and low[end].isalpha():
        end += 1
    key = "".join(c for c in low[key_start:end] if c.isalnum())
    return key if key in _FIELD_KEYS else None


_VCARD_NAME: Final = re.compile(r"^(?:N|FN)(?:;[^:\n]*)?:([^\n]+)$", re.MULTILINE)
_VCARD_PART: Final = re.compile(r"[^;,]+")


@functools.cache
def first_names() -> frozenset[str]:
    """Lower-cased first names, with compound forms (Jean-Pierre, Jean Pierre)."""
    names: set[str] = set()
    data = resources.files("gender_guesser") / "data" / "nam_dict.txt"
    with data.open(encoding="utf-8") as f:
        for line in f:
            if not line or line[0] in "#=":
                continue
            parts = line.split()
            if len(parts) < 2:
                continue
            name = parts[1]
            if "<" in name or not 3 <= len(name) <= 20:
                continue
            low = name.lower()
            if "+" in low:
                names.add(low.replace("+", "-"))
                names.add(low.replace("+", " "))
                continue
            names.add(low)
    names |= name_list("first_names_world.txt")
    return frozenset(names - COMMON_WORDS - _TITLE_WORDS)


@functools.cache
def name_list(file: str) -> frozenset[str]:
    """A list of data/ (how each was made: data/generate.py), lower-cased, without
    the words no name is."""
    data = resources.files("zdr.detect") / "data" / file
    with data.open(encoding="utf-8") as f:
        names = {line.strip() for line in f if line[:1] != "#"}
    return frozenset(names - COMMON_WORDS - _TITLE_WORDS - {""})


# The cues after which a word is the speaker's name, whatever the word: "my name is"
# in each language zdr claims.
_FIRST_PERSON_NAME_CUES: Final = (
    "my name is", "my name's", "mein name ist", "ich heiße", "je m'appelle", "mon nom est",
    "mon prénom est", "me llamo", "mi nombre es", "mi chiamo", "il mio nome è", "ik heet",
    "mijn naam is", "meu nome é", "me chamo", "o meu nome é",
)  # fmt: skip
# Cues after which only a word of the name lists is a name ("i'm fine", "ich bin müde";
# "it's ngozi", not "it's fine"; not "its", a common word: +2.5% instructions a chat
# request for one name more on probe E-dev).
_WEAK_CUES: Final = (
    "i'm", "i am", "this is", "it's", "it’s", "ich bin", "je suis", "soy", "sono",
    "ik ben", "eu sou", "c'est", "c’est",
)  # fmt: skip
# "its" written for "it's" ("hi, its chidinma okafor here", "Customer: its babajide
# ogunleye"): a weak cue only where it opens a clause, after a comma, a colon, a
# sentence's end or a line's start (the possessive opens one far less often, and
# "its " anywhere was a dear anchor: +2.5% instructions a chat request).
_ITS_ANCHOR: Final = r"[,:;!?.\n] {0,2}its "
# The cues after which only a name of the lists that hold no ordinary word is taken
# ("the name on the card is wrong" stays).
_WEAK_OR_ITS: Final = (*_WEAK_CUES, "its ", "name on ")


def _with_its(
    low: str, cues: Sequence[tuple[int, int]], its: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The lower-case cues with each "its " that opens a clause (``its``: the anchor's
    hits, from the character before it; or the text's start), as the word's own span."""
    out = [*cues, *((end - 4, end) for _, end in its)]
    if low.startswith("its "):
        out.append((0, 4))
    return sorted(out)


# A person named by their relation to the writer or their role ("her husband emeka",
# "mi esposo andrés", "for candidate shreya banerjee"): a word of the name lists after
# it is a name. The possessive is required of family and friends ("the son of").
_RELATION_CUE: Final = re.compile(
    r"(?:(?:my|her|his|our|their|your) (?:husband|wife|son|daughter|mother|father|mom|mum|"
    r"dad|brother|sister|mate|friend|boss|colleague|coworker|partner|fianc[eé]e?|"
    r"boyfriend|girlfriend|cousin|uncle|aunt|nephew|niece|grandson|granddaughter|"
    r"grandma|grandpa|neighbou?r|roommate|flatmate|manager|assistant)|mein (?:mann|sohn|"
    r"bruder|vater|freund|chef|kollege)|meine (?:frau|tochter|schwester|mutter|freundin)|"
    r"mon (?:mari|fils|fr[eè]re|p[eè]re|ami|coll[eè]gue)|ma (?:femme|fille|s[oœ]eur|m[eè]re|"
    r"amie)|mi (?:esposo|esposa|marido|mujer|hijo|hija|hermano|hermana|amigo|amiga|"
    r"jefe|jefa)|mio (?:marito|figlio|fratello|amico)|mia (?:moglie|figlia|sorella|amica)|"
    r"mijn (?:man|vrouw|zoon|dochter|broer|zus|vriend|vriendin)|meu (?:marido|filho|irm[aã]o|"
    r"amigo)|minha (?:esposa|mulher|filha|irm[aã]|amiga)|(?:candidate|applicant|patient|"
    r"tenant|passenger|employee)) "
)
# Titles written in lower case ("ask dr. helena ruiz"): after one, a word that is not an
# ordinary one is a name, as after "my name is".
_TITLE_CUE: Final = re.compile(r"(?:mrs?|ms|dr|prof|herr|frau)\.? ")
# Where a name written in lower case follows ("my name is eva kleist").
_LOWER_CUES: Final = (
    "(?:"
    + "|".join(re.escape(c) for c in (*_FIRST_PERSON_NAME_CUES, *_WEAK_CUES, "name is", "call me"))
    + ") |"
    # "the name on the account is lukas weißgerber": a name of the lists after it
    + r"name on (?:the|my|your|his|her|our|this) [a-z]{2,12} (?:is|was) |"
    + _TITLE_CUE.pattern
    + "|"
    + _RELATION_CUE.pattern
)


# A chat log's speaker after the line's time ("[10:42] tomasz.wojcik: ...",
# "12/03/2024, 09:15 - lars_e: ...", "[10:42] <jdoe> ..."): the handle names a person
# however it is written. The anchor finds the time and the handle; the line is then read
# from its start.
_CHAT_ANCHOR: Final = (
    r"\d:\d\d(:\d\d)?( ?[ap]m)?[\])]? {0,3}(- {0,3})?<?[a-z0-9][a-z0-9._-]{0,30}[a-z0-9][>:] "
).replace("\\d", DIGIT)
_CHAT_LINE: Final = re.compile(
    r"[\[(]?(?:\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4},? {1,3})?\d{1,2}:\d\d(?::\d\d)?(?: ?[ap]m)?"
    r"[\])]? {0,3}(?:- {0,3})?(<)?([a-z0-9][a-z0-9._-]{0,30}[a-z0-9])(?(1)>|:) "
)
_HANDLE_SEPARATORS: Final = re.compile(r"[._-]")
# Speakers that are roles or log levels, not people.
_CHAT_ROLES: Final = frozenset(
    """system user assistant bot support agent customer admin server client info debug
    warn warning error fatal trace notice note critical crit""".split()
)


# A name in capitals after a key that names a person ("holder: HAYASHI KENTARO",
# "NAME OYELOWO"; the field detector's key anchor, read here too) or after a title ("Mr.
# SMITH"; the lower-case title cue's anchor): no scan of their own (an anchor of titles
# in capitals on the text as written cost ~36k instructions a chat request).
_CAPS_TITLES: Final = "MR|Mr|MRS|Mrs|MS|Ms|DR|Dr|PROF|Prof|HERR|Herr|FRAU|Frau"
_CAPS_ONLY: Final = rf"[{_UPPER}][{_UPPER}'’-]*[{_UPPER}]"
_CAPS_NAME_WORD: Final = rf"{_CAPS_ONLY}|[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
# The name: a word in capitals, a second after a comma ("ALVAREZ-PEÑA, ROBERTO"), two
# more (capitalised ones too), and an initial.
_CAPS_RUN: Final = (
    rf"({_CAPS_ONLY}(?:,? (?:{_CAPS_NAME_WORD}))?(?: (?:{_CAPS_NAME_WORD})){{0,2}}"
    rf"(?: [{_UPPER}]\.?(?![\w'’-]))?)(?![\w'’-])"
)
# After the key, a value in parentheses too: "account holder (ALVAREZ, ROSA M.)".
_CAPS_AFTER_KEY: Final = re.compile(r"[\"']?[ \t]*[:=]?[ \t]*[\"'(]?" + _CAPS_RUN)
_CAPS_AFTER_TITLE: Final = re.compile(rf"(?:{_CAPS_TITLES})\.? " + _CAPS_RUN)
# Words in capitals that end a name's run or show it is none: the next field's label,
# an ordinary word, a firm's or a role's.
_NOT_IN_CAPS_NAME: Final = frozenset("addr tel dob ssn acct id no nr ref exp dept".split())


def _ends_sentence_or_possessive(word: str) -> bool:
    """``word.endswith((".", "'s", "’s"))``, with no tuple for a generic call."""
    last = word[-1:]
    return last == "." or (last == "s" and word[-2:-1] in ("'", "’"))


def _upper_at(text: str, i: int) -> bool:
    """``text[i].isupper()``, with no method call for an ASCII character (compiled,
    ``isupper`` is a generic call: a URL's slashes each asked two)."""
    c = ord(text[i])
    return 65 <= c <= 90 if c < 128 else text[i].isupper()


# What _CAPS_AFTER_KEY passes over before the name's first letter.
_CAPS_KEY_GAP: Final = "\"' \t:=("


def _caps_may_follow(text: str, pos: int) -> bool:
    """Whether ``_CAPS_AFTER_KEY`` may match at ``pos``: past its quotes, spaces and
    separator, two characters that may begin a word in capitals (an ASCII one a capital,
    the second also an apostrophe or a hyphen; any other character may). Asked first,
    as the usual value after a key is no name in capitals."""
    n = len(text)
    while pos < n and text[pos] in _CAPS_KEY_GAP:
        pos += 1
    if pos + 1 >= n:
        return False
    first = ord(text[pos])
    second = ord(text[pos + 1])
    return (first >= 128 or 65 <= first <= 90) and (
        second >= 128 or 65 <= second <= 90 or second == 39 or second == 45
    )


# Where a contract or a deed says where a party lives, right after the party's name
# ("Pieter-Jan Smit, wonende te ...", "Jane Roe, residing at ...", "Yacine Belkacem,
# demeurant 12 rue ..."), in the claimed languages. (A letter's "c/o Brandt" was tried:
# "c/o Bäckerei Sonnenschein" names a firm as often.)
_RESIDING: Final = (
    r", (?:residing at|resident at|residing in|of no fixed abode|wonende te|wonend te|"
    r"woonachtig te|domicilié à|domiciliée à|domicilié au|domiciliée au|demeurant|"
    r"wohnhaft in|wohnhaft|residente en|residente in|residente a|domiciliado en|"
    r"domiciliada en|domiciliato a|domiciliata a|residente na|residente no|morador de|"
    r"moradora de) "
)


class PersonDetector:
    name = "person"
    labels = ("PERSON",)
    anchors = (
        Anchor("person.name_field", _NAME_FIELD_HEAD, lower=True),
        Anchor("person.cue", _LOWER_CUES, lower=True),
        Anchor("person.chat", _CHAT_ANCHOR, lower=True),
        Anchor("person.its", _ITS_ANCHOR, lower=True),
        Anchor("person.residing", _RESIDING, lower=True),
    )

    def __init__(self) -> None:
        self.names = first_names()
        self.surnames = name_list("surnames.txt")
        self.proper_surnames = name_list("surnames_proper.txt")
        self.lower_first = name_list("first_names_us.txt") | name_list("first_names_world.txt")

    def find(self, t: Text) -> list[Span]:
        text = t.raw
        low = t.low
        tokens = _capitalised_words(text)
        bares = _bare_words(tokens) if tokens else []
        lists: list[int] = []  # where the items of a list after a label of people begin
        labels: list[tuple[int, int]] = []  # a label of one person: to its separator
        found = self._capitalised(text, low, tokens, bares, lists, labels) if tokens else []
        if found:
            found = [
                kept
                for start, end in found
                if (kept := _place_or_institution(text, low, start, end)) is not None
            ]
            found.extend(_listed_after_label(text, low, tokens, bares, found, self._known))
            found = [self._widen(text, start, end) for start, end in found]
        cues = t.spans("person.cue")
        its = t.spans("person.its")
        if its or low.startswith("its "):
            cues = _with_its(low, cues, its)
        found.extend(self._lower_case(text, low, cues, not tokens, lists, labels))
        if lists:
            found.extend(self._people_listed(text, lists))
        if labels:
            found.extend(self._caps_after_cue(text, labels, title=False))
            found.extend(self._lower_after_label(text, low, labels))
        found.extend(_chat_speakers(low, t.spans("person.chat"), self._lower_name))
        last_line = low.rfind("\n", 0, len(low.rstrip()))
        if last_line >= 0 and low[last_line + 1 : last_line + 2] in _DASHES:
            found.extend(self._dash_signoff(low, last_line))
        found.extend(self._caps_after_cue(text, t.spans("fields.key"), title=False))
        found.extend(self._caps_after_cue(text, t.spans("person.cue"), title=True))
        if "/" in text:
            found.extend(self._slashed_names(text))
        if "@" in text and "<" in text:
            found.extend(_display_names(text, not text.isascii()))
        for start, end in t.spans("person.residing"):
            party = _party_at(text, start, end)
            if party is not None:
                found.append(party)
        if not found and not tokens:
            return []
        for m in matches_at(_NAME_FIELD, low, t.spans("person.name_field")):
            value = text[m.start(1) : m.end(1)].strip()
            key = _person_key(low, m.start()) if _plausible_name(value) else None
            # A loose key ("name", "owner") names a product or a team as often: a
            # word of the name lists must be in its value ("Grey Goose" stays).
            if key is not None and (key not in LOOSE_PERSON_KEYS or self._names_a_word(value)):
                found.append((m.start(1), m.start(1) + len(value)))
        if "@" in text and tokens:
            found.extend(_named_by_email(text, tokens, bares))
        if "BEGIN:VCARD" in text:
            for m in _VCARD_NAME.finditer(text):
                for part in _VCARD_PART.finditer(m.group(1)):
                    if _plausible_name(part.group().strip()):
                        found.append((m.start(1) + part.start(), m.start(1) + part.end()))
        if found and not text.isascii():
            found.extend(_native_beside(text, found))
        return _every_mention(text, found)

    def _capitalised(
        self,
        text: str,
        low: str,
        tokens: list[tuple[int, int, str]],
        bares: list[str],
        lists: list[int],
        labels: list[tuple[int, int]],
    ) -> list[tuple[int, int]]:
        """Names among the capitalised words: a first name or a surname of the lists,
        or any word after a strong cue, with the capitalised words (and particles and
        initials) that follow it on the line. The labels met on the way go to
        ``lists`` and ``labels`` (``_label_met``)."""
        found: list[tuple[int, int]] = []
        i = 0
        taken_to = 0  # the end of the last name found: a word before it is not taken
        # Words of an ASCII text need no second look-up without accents (asking each
        # word is a method call: ~500 instructions a word).
        ascii_text = text.isascii()
        # Asked once, not at each name: a firm's "&" beside it, a table's heading.
        amp = "&" in text
        pipe = "|" in text
        while i < len(tokens):
            start, end, word = tokens[i]
            bare = bares[i]
            if (
                i + 1 < len(tokens)
                and tokens[i + 1][0] == end + 1  # another capitalised word after a space
                and bare in _VIET_FAMILY
            ):
                last = _vietnamese_run(text, tokens, bares, i)
                if last > i:
                    span_end = tokens[last][1] - (tokens[last][2][-1] == ".")
                    found.append((start, span_end))
                    taken_to = span_end
                    i = last + 1
                    continue
            if bare in _LABEL_TOKENS:  # one look-up for the usual word
                _label_met(text, bare, start, end, lists, labels)
                if bare in _NO_NAME_TOKENS:
                    i += 1  # the title stays; the name after it is what is masked
                    continue
            known = bare in self.names
            family = not known and bare in self.surnames
            if not (known or family or ascii_text) and not bare.isascii():
                # The lists are mostly written without accents ("Erdos", "Kowalczyk").
                plain = strip_accents(bare)
                known = plain in self.names
                family = not known and plain in self.surnames
            ambiguous = bare in _AMBIGUOUS
            if not (known or family) and "-" in bare:
                # A hyphenated given name of two listed ones ("Anne-Sophie Roux"); alone,
                # as a double surname's or a firm's ("Fritz-Armstrong"), only after a cue.
                both_listed = all(strip_accents(p) in self.names for p in bare.split("-"))
                known = ambiguous = both_listed  # known, but a name alone only after a cue
            cued, titled = _cued(low, start) if not known or ambiguous else (False, False)
            if (
                cued
                and not (known or family)
                and bare in _GREETING_WORDS
                and _word_before(low, start, _CUE_WINDOW).endswith(":")
            ):
                i += 1  # "Agent: Hi Dragana": the greeting is the next word's cue
                continue
            proper = cued and not (known or family) and bare in self.proper_surnames
            if not (known or family or cued or _middle_initial(text, tokens, i, bares)) or (
                bare in COMMON_WORDS and not cued
            ):
                i += 1
                continue
            j, last_end = i, end
            # Extend over surnames: capitalised words (and particles and initials) on
            # the same line, not past a word that ends a sentence ("Begum. What's").
            while j + 1 < len(tokens):
                nxt_start, nxt_end, nxt = tokens[j + 1]
                gap = text[last_end:nxt_start]
                if not _joins(gap):
                    # A nickname in quotes between the names ("Christopher 'Kit'
                    # Ambrose-Lyle"), asked only of a gap that joins no name (rare):
                    # a given name, not a quoted command ("Ask Claude 'Summarize' First").
                    if (
                        len(gap) == 2
                        and gap in _NICKNAME_QUOTES
                        and j + 2 < len(tokens)
                        and text[nxt_end : tokens[j + 2][0]] == _NICKNAME_QUOTES[gap]
                        and bares[j + 1] in self.names
                        and bares[j + 2] not in COMMON_WORDS
                    ):
                        j, last_end = j + 2, tokens[j + 2][1]
                        continue
                    break
                if bares[j + 1] in COMMON_WORDS and not _initial(nxt):
                    break
                if _ends_sentence_or_possessive(tokens[j][2]) and not _initial(tokens[j][2]):
                    break  # a sentence ends, or a possessive: "Marcil's Cautionary Tales"
                j, last_end = j + 1, nxt_end
                if j - i >= 3:
                    break
            if (
                (amp and (text[end : end + 3] == " & " or text[max(0, start - 3) : start] == " & "))
                or _firm_after(text, last_end)
                or any(bares[k] in _FIRM_WORDS for k in range(i + 1, j + 1))
            ):
                i = j + 1  # "Johnson & Johnson", "Smith & Sons", "Fernandez Inc.": a firm
                continue
            if proper and j > i and self._brand_and_product(low, start, bares[i + 1 : j + 1]):
                i = j + 1  # "Name: Hennessy Cognac": a brand and its product
                continue
            if (
                j == i
                and ambiguous
                and not cued
                and not ("-" in bare and self._after_caps_surname(text, start))
            ):
                i += 1  # "Will", "Grace", "Paris" alone: a word or a place; not a
                continue  # hyphenated given name after a surname ("M. DUBOIS Jean-Paul")
            if (
                j == i
                and cued
                and not (known or family)
                and _not_a_name_after_cue(text, low, end, tokens, i, bares)
            ):
                i += 1
                continue
            if j == i and not known:
                # One unknown capitalised word is a name only after a strong cue
                # ("Frau Schneider", "Hi Cauã,", "Name: Bolnbach"), or when it is a
                # surname of the Census list, or one it shares with a place after a cue.
                if not (titled or family or proper) or bare in _NOT_NAMES:
                    i += 1
                    continue
            if j == i and word.endswith(".") and len(word) <= 3:
                i += 1
                continue
            if family and _word_before(low, start, _CUE_WINDOW) in _PLACE_OR_THING_BEFORE:
                i = j + 1  # a surname that starts a run after "in", "the": a place, a firm
                continue
            if j == i and not cued and _word_before(low, start, _CUE_WINDOW) in _PLACE_BEFORE:
                i += 1  # a first name alone after "in", "near": a place ("in Hernani")
                continue
            if (
                j == i
                and not cued
                and (_opens_with_verb(text, start, end) or (pipe and _heading(text, end)))
            ):
                i += 1  # "Per my notes", "Grant the role": a verb or a preposition; a
                continue  # column's heading ("| Due |")
            if (
                i > 0
                and tokens[i - 1][1] > taken_to
                and (
                    family
                    # a surname of the Census list that is also a first name somewhere
                    # ("Yaw Toure"): a surname here, as before the world's list
                    or (known and bare in self.surnames)
                    or (j == i and known and _mid_sentence(text, tokens[i - 1][0]))
                )
            ):
                # An unknown capitalised word right before a surname is its first name
                # ("Pinabel Marcil"), unless it is a cue or a common word; before a
                # name of the lists too after a lower-case word of the sentence ("we
                # met Haruto Sato", not "Ask Maria", "[DEBUG] Using Key").
                p_start, p_end, _ = tokens[i - 1]
                p_bare = bares[i - 1]
                if text[p_end:start] == " " and p_bare not in _NO_FIRST_NAME:
                    start = p_start
            span_end = last_end
            if text[last_end - 1] == "." and not _initial(tokens[j][2]):
                span_end -= 1
            if text[span_end - 1] == "s" and text[span_end - 2 : span_end] in ("'s", "’s"):
                span_end -= 2  # "Marcil's": the name without its possessive
            found.append((start, span_end))
            taken_to = span_end
            i = j + 1
        return found

    def _lower_case(
        self,
        text: str,
        low: str,
        cues: Sequence[tuple[int, int]],
        caseless: bool,
        lists: list[int],
        labels: list[tuple[int, int]],
    ) -> list[tuple[int, int]]:
        """Names written in lower case: after "my name is", "i'm", "call me" (a first
        name or surname of the lists, then its other parts), and in a text with no
        capital letter at all, a first name of the US or the world's list (which hold
        no ordinary word of the claimed languages; a word of code or a British spelling
        may pass: "elif", "favour") with the surnames after it; the labels of such a
        text go to ``lists`` and ``labels`` ("attendees:", "CUSTOMER:")."""
        found: list[tuple[int, int]] = []
        for cue_start, cue_end in cues:
            if cue_start and low[cue_start - 1].isalnum():
                continue  # inside a word: "ms " of "items ", "soy" of "lessoy"
            m = _LOWER_WORD.match(low, cue_end)
            for _ in range(2):  # "dr. med. dent. helena": a doctor's degree words
                if (
                    m is None
                    or m.group() not in _DEGREE_WORDS
                    or low[m.end() : m.end() + 2] != ". "
                ):
                    break
                m = _LOWER_WORD.match(low, m.end() + 2)
            if m is None:
                # A hyphenated given name ("it's sung-min park", "my sister
                # hannah-louise"), after any cue but a title's ("dr. ..." reads words).
                hyphenated = self._hyphenated_name(low, cue_end)
                if hyphenated > 0 and _TITLE_CUE.match(low, cue_start) is None:
                    found.append(self._lower_run(low, cue_end, hyphenated))
                continue
            word = m.group()
            titled = _TITLE_CUE.match(low, cue_start) is not None
            if titled and not text[m.start()].islower():
                continue  # "Dr. Ruiz": capitalised words are read on their own
            if titled and _digit_before(low, cue_start):
                continue  # "12 maple dr. springfield": a street's Drive
            # After "my name is" or a title with its dot any word that is not an
            # ordinary one is the name ("my name is vitória", "dr. okafor"), not after
            # "call me" ("later"), a title without one ("ms word") or another thing's
            # "name is" ("the file name is config"). After "i'm" only a word of the
            # lists that hold no ordinary word ("i'm fine"); after the other cues any
            # name of the lists.
            first_person = (titled and low[cue_end - 2] == ".") or low.startswith(
                _FIRST_PERSON_NAME_CUES, cue_start
            )
            weak = not first_person and low.startswith(_WEAK_OR_ITS, cue_start)
            if self._lower_name(word, first=weak) or (
                first_person
                and word not in COMMON_WORDS
                and word not in _AMBIGUOUS
                and len(word) >= 3
            ):
                found.append(self._lower_run(low, m.start(), m.end()))
            elif weak and self._lower_name(word, first=False):
                # A name of the wider list after "soy", "i'm" only with a surname after
                # it ("soy lucía fernández de la vega"; "i'm fine" stays), a surname of
                # the lists that hold no ordinary word ("it's parker pen" stays)
                run = self._lower_run(low, m.start(), m.end(), strict=True)
                if run[1] > m.end():
                    found.append(run)
        if caseless and not any(c in low for c in "={};<"):  # prose, not code
            for m in _LOWER_WORD.finditer(low):
                if m.group() in _LABEL_WORDS_ANY_CASE:
                    _label_met(low, m.group(), m.start(), m.end(), lists, labels)
                if found and m.start() < found[-1][1]:
                    continue
                if m.group() in self.lower_first and m.group() not in COMMON_WORDS:
                    # A word in capitals is a name of a text of capitals ("OYELOWO")
                    # with four letters or more: shorter ones are mostly codes ("EAN").
                    written = text[m.start()].islower() or m.end() - m.start() >= 4
                    if written and _prose_word(low, m.start(), m.end()):
                        found.append(self._lower_run(low, m.start(), m.end()))
        return found

    def _lower_after_label(
        self, text: str, low: str, labels: list[tuple[int, int]]
    ) -> list[tuple[int, int]]:
        """A name in lower case after a label of one person ("Candidate: priya
        venkataraman", "Customer = ollie brennan"): a first name of the lists that
        hold no ordinary word, or a name of the wider list with a surname after it,
        as after "i'm"."""
        found: list[tuple[int, int]] = []
        for _, sep in labels:
            pos = sep + 1
            while text[pos : pos + 1] == " ":
                pos += 1
            # The usual value is capitalised: a test of one letter before the regex.
            m = _LOWER_WORD.match(text, pos) if text[pos : pos + 1].islower() else None
            if m is None:
                hyphenated = (
                    self._hyphenated_name(low, pos) if text[pos : pos + 1].islower() else -1
                )
                if hyphenated > 0:
                    found.append(self._lower_run(low, pos, hyphenated, strict=True))
                continue
            word = m.group()
            if self._lower_name(word, first=True):
                run = self._lower_run(low, m.start(), m.end(), strict=True)
                # With a surname after it, or alone in its field: a product's word
                # after it makes it the product's ("Caller: cassandra driver"; review30).
                if run[1] > m.end() or text[run[1] : run[1] + 1] in ("", "\n", "\r", ",", ";"):
                    found.append(run)
            elif self._lower_name(word, first=False):
                run = self._lower_run(low, m.start(), m.end(), strict=True)
                if run[1] > m.end():
                    found.append(run)
        return found

    def _slashed_names(self, text: str) -> list[tuple[int, int]]:
        """Names written as airlines and travel systems write them, SURNAME/GIVEN in
        capitals ("ANDERSEN/RASMUS MR", "1.1OKONKWO/ADAEZE NGOZI MS"): a title after
        them and no ordinary word (city pairs and month ranges have the shape without
        one: "LONDON/PARIS", "MAY/JUNE"; "AND/OR", "TCP/IP" stay; review30)."""
        out: list[tuple[int, int]] = []
        at = text.find("/")
        while at >= 0:
            if 0 < at < len(text) - 1 and _upper_at(text, at - 1) and _upper_at(text, at + 1):
                start = at - 1
                while (
                    start > 0
                    and at - start < 30
                    and (_upper_at(text, start - 1) or text[start - 1] in "'’-")
                ):
                    start -= 1
                m = _SLASHED_NAME.match(text, start)
                if m is not None and not (start and text[start - 1].isalpha()):
                    words = m.group(1).replace("/", " ").split()
                    titled = m.group(2) is not None
                    if words[-1] in _TRAVEL_TITLES:
                        words.pop()  # the title read as a second given name
                        titled = True
                    lows = [strip_accents(w.lower()) for w in words]
                    if len(words) >= 2 and titled and not any(w in NOT_IN_A_NAME for w in lows):
                        out.append((start, text.index(words[-1], at) + len(words[-1])))
            at = text.find("/", at + 1)
        return out

    def _dash_signoff(self, low: str, last_line: int) -> list[tuple[int, int]]:
        """A message signed on its last line after a dash ("thanks!\n\n- rahim"): a
        word of the name lists and its other parts; not the last item of a bulleted
        list (the line before begins with the same dash)."""
        m = _DASH_SIGNOFF.match(low, last_line)
        if m is None or not self._lower_name(m.group(2), first=False):
            return []
        line = low.rfind("\n", 0, m.start(1) - 1) + 1
        if low.startswith(m.group(1), line):
            return []  # "- eggs\n- olivia": a list
        return [self._lower_run(low, m.start(2), m.end(2))]

    def _caps_after_cue(
        self, text: str, hits: Sequence[tuple[int, int]], title: bool
    ) -> list[tuple[int, int]]:
        """A name in capitals after a key that names a person or a title ("holder:
        HAYASHI KENTARO", "cardholder ALVAREZ-PEÑA, ROBERTO", "M. DUBOIS Jean-Philippe"):
        its words (capitalised ones may follow, an initial may end it), one of them at
        least in the name lists and none an ordinary word, a firm's or a role's; two
        words at least after a key ("name: ACME" is a firm's). ``hits``: the title cue's
        anchor hits when ``title``, else the key anchor's."""
        after, least = (_CAPS_AFTER_TITLE, 1) if title else (_CAPS_AFTER_KEY, 2)
        found: list[tuple[int, int]] = []
        for start, end in hits:
            if title and start and text[start - 1].isalnum():
                continue  # a title's letters ending a word ("ITEMS")
            if not (title or _caps_may_follow(text, end)):
                continue  # after a key, the value's first two letters are no capitals
            m = after.match(text, start if title else end)
            if m is None:
                continue
            words = m.group(1).replace(",", " ").split()
            while words and words[-1].lower().rstrip(".") in _NOT_IN_CAPS_NAME:
                words.pop()  # "NAME JOHN SMITH ADDR ...": the next field's label
            named = [w for w in words if len(w.rstrip(".")) > 1]
            if len(named) < least:
                continue
            lows = [strip_accents(w.lower()) for w in named]
            if text[m.start(1) - 1] == "(" and any(
                w in _AMBIGUOUS or w in _GROUP_WORDS or w in _PLACE_WORDS_AFTER for w in lows
            ):
                continue  # "owner (JORDAN, GEORGIA)", "(DENVER OFFICE)": a place, a team
            if any(w in NOT_IN_A_NAME or w in _NOT_IN_CAPS_NAME for w in lows) or not (
                # after a title with its dot any such word ("Mr. SMITH"), as in lower case
                (title and text[m.start(1) - 2 : m.start(1)] == ". ")
                or any(self._listed(p) for w in lows for p in (w, *w.split("-")))
            ):
                continue
            run_end = m.start(1)
            for w in words:
                run_end = text.index(w, run_end) + len(w)
            found.append((m.start(1), run_end))
        return found

    def _people_listed(self, text: str, starts: list[int]) -> list[tuple[int, int]]:
        """The items of a list after a label of people, in any case ("Attendees: ahmed
        k., Sun-hee Park, J. Mbeki, me"; ``starts``: where each list begins): each of
        one to four words of letters, with a word of the name lists, an initial or an
        address beside it, and none an ordinary word, a firm's or a role's ("me", "the
        team"). An aside after an item is passed over ("Nidra
        Choudhary (nidra@...)", "Ana Lima <ana@...>"), and so is an e-mail address
        standing as an item; the list ends where its line does, or, when the label
        ends its line, at the first line that holds no item (one name a line, after
        a bullet or not)."""
        found: list[tuple[int, int]] = []
        for pos in starts:
            line_end = text.find("\n", pos)
            line_end = len(text) if line_end < 0 else line_end
            if text[pos:line_end].strip():
                self._items_of_line(text, pos, line_end, found)
                continue
            for _ in range(_LIST_LINES_MAX):
                pos = line_end + 1
                if pos >= len(text):
                    break
                line_end = text.find("\n", pos)
                line_end = len(text) if line_end < 0 else line_end
                bullet = _BULLET.match(text, pos, line_end)
                if bullet is None or not self._items_of_line(text, bullet.end(), line_end, found):
                    break
        return found

    def _items_of_line(
        self, text: str, pos: int, line_end: int, found: list[tuple[int, int]]
    ) -> bool:
        """The names among the items of a list on one line (``_people_listed``), added
        to ``found``; whether the line holds items of a list at all."""
        items = False
        while pos < line_end:
            while text[pos : pos + 1] in (" ", "\t"):
                pos += 1
            m = _LIST_ITEM.match(text, pos, line_end)
            if m is None:
                break
            items = True
            pos = m.end()
            if m.group(1) is None:
                continue  # an e-mail address: its own detector's
            words = m.group(1).split()
            lows = [strip_accents(w.lower().rstrip(".")) for w in words]
            # A title or a firm's possessive before the name stays ("Dr. Ahmed
            # Khan", "Amazon's Werner Vogels"): the name is what is masked.
            first = 0
            while first < len(words) - 1 and (
                lows[first] in _TITLE_OR_KIN or words[first].endswith(("'s", "’s"))
            ):
                first += 1
            lows = lows[first:]
            if any(w in NOT_IN_A_NAME for w in lows):
                continue
            # A word of the name lists, an initial beside a word ("J. Mbeki",
            # "ahmed k."), or capitalised words with an address beside them ("Bo
            # Lindqvist <bo@...>"); two capitalised words alone are as often a
            # product, a place or a team (review29 R1).
            words = words[first:]
            shaped = len(words) >= 2 and all(w[0].isupper() for w in words)
            if (
                (len(words) >= 2 and (_initial(words[0]) or _initial(words[-1])))
                or (shaped and "@" in text[m.end(1) : m.end()])
                or any(self._known(p) for w in lows for p in (w, *w.split("-")))
            ):
                start = text.index(words[0], m.start(1)) if first else m.start(1)
                found.append((start, m.end(1)))
        return items

    def _brand_and_product(self, low: str, start: int, rest: list[str]) -> bool:
        """A run that a word of the proper surnames begins (a place's, a brand's or a
        famous person's name too) after a label, not a title, and no other word of
        which is in the name lists: a brand or a place and a thing ("Name: Hennessy
        Cognac", "Customer: Kafka Connect"), not "Name: Hennessy Byrne", "Dr.
        Hennessy Cognac"."""
        cue = _word_before(low, start, _CUE_WINDOW).strip(_STRIP).rstrip(".")
        return cue not in _TITLE_OR_KIN and not any(self._known(strip_accents(w)) for w in rest)

    def _names_a_word(self, value: str) -> bool:
        """A word of the value is a given name or a surname of the lists."""
        return any(self._known(strip_accents(w.lower())) for w in value.split())

    def _listed(self, word: str) -> bool:
        return word in self.names or word in self.surnames or word in self.proper_surnames

    def _widen(self, text: str, start: int, end: int) -> tuple[int, int]:
        """A name found with the parts beside it that its words leave out: a surname
        written in capitals before or after it ("KOVALENKO Oleksandr", "Bruno DA
        SILVA"), the rest of a hyphenated given name ("Seo-yeon")."""
        # Each regex only where the character beside the name allows it: a name is
        # usually beside a space and a lower-case word.
        if start >= 3 and text[start - 1] == " " and text[start - 2].isupper():
            m = _CAPS_BEFORE.search(text, max(0, start - 40), start)
            if m is not None and self._caps_surname(m.group(1)):
                start = m.start(1)
        elif start >= 4 and text[start - 2 : start] == ", " and _upper_at(text, start - 3):
            # Family name first, in capitals, then a comma: "LOPEZ GARCIA, Juan Carlos"
            m = _CAPS_BEFORE_COMMA.search(text, max(0, start - 40), start)
            if (
                m is not None
                and self._caps_surname(m.group(1), proper=True)
                and m.group(1).split()[0].lower() not in _PLACE_OPENERS  # "SAN JOSE, Ana"
            ):
                start = m.start(1)
        if text[end : end + 1] == "-":
            m = _HYPHEN_REST.match(text, end)
            if m is not None:
                end = m.end()
        if text[end : end + 1] == " " and text[end + 1 : end + 3].isupper():
            m = _CAPS_AFTER.match(text, end)
            if m is not None and self._caps_surname(m.group(1)):
                end = m.end(1)
        return start, end

    def _after_caps_surname(self, text: str, start: int) -> bool:
        """A surname in capitals stands right before ``start`` ("DUBOIS Jean-Paul")."""
        if start < 3 or text[start - 1] != " " or not _upper_at(text, start - 2):
            return False
        m = _CAPS_BEFORE.search(text, max(0, start - 40), start)
        return m is not None and self._caps_surname(m.group(1))

    def _caps_surname(self, words: str, proper: bool = False) -> bool:
        """Capitalised words that are a surname: each a particle or a word of the
        lists (``proper``: those that are also a place's or a brand's too), one at
        least not a particle (not "IT", "CEO", "USA": not in the lists)."""
        parts = [w.lower() for w in words.split()]
        return any(p not in _PARTICLES for p in parts) and all(
            p in _PARTICLES or self._lower_name(p, first=False, proper=proper) for p in parts
        )

    def _known(self, bare: str) -> bool:
        return bare in self.names or bare in self.surnames

    def _lower_name(self, word: str, first: bool, proper: bool = False) -> bool:
        if word in COMMON_WORDS or word in _AMBIGUOUS:
            return False
        if not word.isascii():
            word = strip_accents(word)  # the lists are mostly written without accents
        return (
            word in self.lower_first
            or word in self.surnames
            or (not first and word in self.names)
            or (proper and word in self.proper_surnames)
        )

    def _hyphenated_name(self, low: str, pos: int) -> int:
        """The end of a hyphenated name in lower case at ``pos`` ("sung-min",
        "hannah-louise", "mei-ling", "ji-ho"), or -1: a name of the lists as a whole,
        with or without its hyphen, or each part a name of the lists ("well-known",
        "follow-up" are not)."""
        m = _LOWER_HYPHENATED.match(low, pos)
        if m is None:
            return -1
        whole = m.group()
        joined = whole.replace("-", "")  # "ji-ho": the lists write "jiho"
        if (
            (whole in self.names and whole not in _AMBIGUOUS)
            or joined in self.names
            or all(self._lower_name(part, first=False) for part in whole.split("-"))
        ):
            return m.end()
        return -1

    def _lower_run(self, low: str, start: int, end: int, strict: bool = False) -> tuple[int, int]:
        """A lower-case name from its first word: the name words and initials after it
        (when ``strict``, not the words of the wider list of given names, which holds
        ordinary ones: "it's parker pen")."""
        for _ in range(3):
            m = _LOWER_NEXT.match(low, end)
            if m is None:
                # A hyphenated surname ("michael adeyemi-jones"): one part of the lists.
                if low[end : end + 1] == " ":
                    h = _LOWER_HYPHENATED.match(low, end + 1)
                    if h is not None and any(
                        self._lower_name(part, first=strict, proper=True)
                        for part in h.group().split("-")
                    ):
                        end = h.end()
                break
            word = m.group(1)
            if word in _PARTICLES:
                # "fernández de la vega": one or two particles, then a surname
                after = _LOWER_NEXT.match(low, m.end())
                if after is not None and after.group(1) in _PARTICLES:
                    after = _LOWER_NEXT.match(low, after.end())
                if after is None or not self._lower_name(after.group(1), False, True):
                    break
                end = after.end()
                continue
            # After a name, a surname that is also a place's or a thing's is one too.
            # An initial, not a one-letter word ("y", "e", "a": and, to).
            initial = len(word) == 1 and word not in "yeoaiu"
            if not (initial or self._lower_name(word, first=strict, proper=True)):
                break
            end = m.end()
        return start, end


# Words of a job title, which follows a name in a contact line ("Lea Roy, Founder").
_ROLE_WORDS: Final = frozenset(
    """founder cofounder co-founder ceo cto cfo coo cio ciso cmo vp svp evp president
    chair chairman chairwoman director head lead chief officer counsel lawyer attorney
    engineer developer designer architect analyst consultant specialist coordinator
    assistant associate advisor adviser administrator secretary treasurer intern
    principal partner senior junior staff executive owner editor researcher scientist
    accountant auditor recruiter buyer""".split()
)
_ROLE_OR_MANAGER: Final = _ROLE_WORDS | {"manager", "managers"}
# Labels of a list of people (other labels name one person).
_PEOPLE_LABELS: Final = frozenset(
    "attendees participants to cc bcc guests members speakers invitees recipients".split()
)
# A list after a label ending its line: at most this many lines, each one after a
# bullet, a number or nothing.
_LIST_LINES_MAX: Final = 60
_BULLET: Final = re.compile(r"[ \t]*+(?:[-*•·–]|\d{1,2}[.)])?[ \t]*+")
# Labels of one person, after which a name in capitals is read ("Caller = MARGARET
# BYRNE"; the field detector's keys are read from its anchor).
_ONE_PERSON_LABELS: Final = (_LABEL_WORDS - _PEOPLE_LIST_LABELS - {"to", "from"}) | frozenset(
    "caller callee requester requestor sender signatory witness guarantor candidate "
    "interviewer interviewee".split()
)
_LABEL_WORDS_ANY_CASE: Final = _PEOPLE_LIST_LABELS | _ONE_PERSON_LABELS


# The capitalised words looked up first: labels and words that are no name.
_LABEL_TOKENS: Final = _NO_NAME_TOKENS | _ONE_PERSON_LABELS


def _label_met(
    text: str, label: str, start: int, end: int, lists: list[int], labels: list[tuple[int, int]]
) -> None:
    """A label word at ``start:end`` (lower-cased, ``label``) before a colon or an
    "=" (a space before it or none): where the items of a list of people begin
    ("Attendees:", "attendees :") go to ``lists``, a label of one person (to its
    separator: "Caller = MARGARET BYRNE") to ``labels``."""
    sep = end if text[end : end + 1] in (":", "=") else end + 1
    if text[sep : sep + 1] not in (":", "=") or (sep > end and text[end] != " "):
        return
    if label in _PEOPLE_LIST_LABELS:
        if text[sep] == ":":
            lists.append(sep + 1)
    elif label in _ONE_PERSON_LABELS:
        labels.append((start, sep))


# An item of a list after a people label: one to four words of letters ("ahmed k.",
# "Sun-hee Park", "J. Mbeki"; not the word joining the last item), then an aside, then
# the separator or the line's end; or an e-mail address standing as an item.
_ITEM_WORD: Final = r"[^\W\d_][^\W\d_'’-]*(?:[-'’][^\W\d_]+)*\.?"
_LIST_ITEM: Final = re.compile(
    rf"(?:({_ITEM_WORD}(?: (?!(?:and|und|et|y|e|en)\b){_ITEM_WORD}){{0,3}})"
    r"|[^\s,;@<>()]+@[^\s,;<>()]+)"
    r"(?: \([^()\n]*\)| <[^<>\n]*>)?"
    r"(?:[ \t]*[,;][ \t]*| (?:and|und|et|y|e|en|&) |[ \t\r]*\Z)"  # "\r\n" lines too
)
# A nickname's quotes between a given name and a surname: the gap before it, and the
# gap after it that goes with it; or its parentheses ("Robert (Bob) Smith").
_NICKNAME_QUOTES: Final = {" '": "' ", ' "': '" ', " ‘": "’ ", " “": "” ", " (": ") "}
# Between the items of a list of names on one line: "Okonkwo, Adaeze; Hart, Per".
_LIST_SEPARATOR: Final = re.compile(r"[ \t]*[,;/][ \t]*| (?:and|und|et|y|e|en|&) ")


def _listed_after_label(
    text: str,
    low: str,
    tokens: list[tuple[int, int, str]],
    bares: list[str],
    found: list[tuple[int, int]],
    known: Callable[[str], bool],
) -> list[tuple[int, int]]:
    """The other items of a list of names after a label: every item of a list of people
    ("Attendees: Okonkwo, Adaeze; Lindqvist, Per", "To: Ama Mensah, Kofi Boateng") up to
    the first that is not capitalised, or holds an ordinary word, a firm's or a role's;
    after a label of one person, a surname's first name ("Name: Sunder, Qadim", not
    "Contact: Lea Roy, Founder"). After a full name, one word alone is a name only if
    the lists hold it (not a place or a team: "Kofi Boateng, Accra")."""
    starts: list[int] = []
    out: list[tuple[int, int]] = []
    for start, end in found:
        # The cheaper test first: most names follow no label.
        colon = low.rfind(":", max(0, start - 4), start)
        if colon < 0 or low[colon + 1 : start].strip(" \t"):
            continue  # not the first name after a label: read no word back
        if _LIST_SEPARATOR.match(text, end) is None:
            continue  # the usual name: no list goes on after it
        label = _word_before(low, start, _CUE_WINDOW).strip(_STRIP).rstrip(".")
        if label not in _LABEL_WORDS:
            continue
        people = label in _PEOPLE_LABELS
        # After a full name, or "to:" (also a place's or a setting's: "Ship to:
        # Germany, France"), one word alone must be a name of the lists.
        full_names = " " in text[start:end]
        strict = full_names or label == "to"
        if not people and (full_names or text[end : end + 2] != ", " or not label.endswith("name")):
            continue
        starts = starts or [t[0] for t in tokens]
        pos, k = end, bisect.bisect_left(starts, end)
        while k < len(tokens):
            m = _LIST_SEPARATOR.match(text, pos)
            if m is None or m.end() != tokens[k][0]:
                break
            j = k  # the item's words: joined as a name's are
            while (
                j + 1 < len(tokens) and j - k < 3 and _joins(text[tokens[j][1] : tokens[j + 1][0]])
            ):
                j += 1
            words = bares[k : j + 1]
            if any(w in NOT_IN_A_NAME for w in words):
                break
            if (strict and j == k and not known(words[0])) or (not people and j > k):
                break
            pos, item = tokens[j][1], tokens[j][2]
            if j > k or not _initial(item):  # a lone initial ("Hart, S.") is no name
                out.append((tokens[k][0], pos - (item[-1] == "." and not _initial(item))))
            if not people:
                break
            k = j + 1
    return out


def _vietnamese_run(text: str, tokens: list[tuple[int, int, str]], bares: list[str], i: int) -> int:
    """The last token of a Vietnamese name that a family name at token ``i`` begins
    (one to three capitalised syllables after it, each after one space), or -1: the
    syllables written with diacritics, or "Văn" or "Thị" second, or a family name no
    other word is ("Nguyen Van Long", "Bui Thanh Tam", "Lê Thị Hồng"; not "Le Monde",
    "Ho Chi Minh City", "Do Not Disturb")."""
    last = i
    while last + 1 < len(tokens) and last - i < 3:
        start, end, word = tokens[last + 1]
        if start != tokens[last][1] + 1 or tokens[last][2][-1] == ".":
            break  # not the next word, or a sentence ended
        if len(word.rstrip(".")) > _SYLLABLE_MAX or "-" in word or "'" in word:
            break
        if bares[last + 1] in _FIRM_WORDS or bares[last + 1] in _PLACE_WORDS_AFTER:
            return -1  # "Phan Thiet Resort", "Ho Chi Minh City": a firm or a place
        last += 1
    if last == i:
        return -1
    words = text[tokens[i][0] : tokens[last][1]]
    if bares[i] in _VIET_FAMILY_PLAIN or bares[i + 1] in _VIET_MIDDLE or not words.isascii():
        return last
    return -1


# Words after a run of capitalised words that make it a place's name.
_PLACE_WORDS_AFTER: Final = frozenset(
    "city province district street road avenue river bay beach island airport".split()
)


# Words that open a noun phrase: after a capitalised word opening a sentence they make
# it a verb or a preposition ("Per my notes", "Sue the vendor", "Grant all access").
_DETERMINERS: Final = frozenset(
    "the a an my your our their his her its this that these those all each every "
    "any some no".split()
)


def _opens_with_verb(text: str, start: int, end: int) -> bool:
    """The word at ``start:end`` opens a sentence (the text, a line, a bullet, or
    after a full stop) and a determiner follows it: a verb or a preposition."""
    if text[end : end + 1] != " ":
        return False
    after = end + 1
    stop = after
    while stop < len(text) and stop - after < 6 and text[stop].isalpha():
        stop += 1
    if text[after:stop] not in _DETERMINERS or (stop < len(text) and text[stop].isalnum()):
        return False
    line = text.rfind("\n", 0, start) + 1
    before = text[line:start].strip(" \t-*•>")
    return not before or before[-1] in ".!?:"


def _heading(text: str, end: int) -> bool:
    """The word ends a cell of a Markdown table's heading row: its line is followed
    by the row of dashes ("| Owner | Due |" then "|---|---|")."""
    if text[end : end + 2] != " |" and text[end : end + 1] != "|":
        return False
    line_end = text.find("\n", end)
    if line_end < 0:
        return False
    below = text[line_end + 1 : line_end + 8].lstrip(" |:")
    return below.startswith("---")


# Titles after a name in an airline's record ("MR", "CHD": a child, "INF": an infant).
_TRAVEL_TITLES: Final = frozenset("MR MRS MS MISS MSTR DR PROF CHD INF".split())
# SURNAME/GIVEN NAMES, then a title or none.
_SLASHED_NAME: Final = re.compile(
    rf"({_CAPS_ONLY}/{_CAPS_ONLY}(?: {_CAPS_ONLY})?)"
    rf"(?: ({'|'.join(sorted(_TRAVEL_TITLES, key=len, reverse=True))}))?(?![\w/])"
)


def _mid_sentence(text: str, start: int) -> bool:
    """The word at ``start`` follows a lower-case word of its sentence ("met
    Haruto"), not a title's ("Stripe Secret Key")."""
    if start < 2 or text[start - 1] != " " or not text[start - 2].isalpha():
        return False
    word = start - 2
    while word > 0 and start - word < 30 and text[word - 1].isalpha():
        word -= 1
    return text[word].islower()


def _digit_before(low: str, pos: int) -> bool:
    """A digit on the line before ``pos`` (a house number)."""
    line_start = low.rfind("\n", 0, pos) + 1
    return any(c.isdigit() for c in low[max(line_start, pos - 40) : pos])


def _chat_speakers(
    low: str, hits: Sequence[tuple[int, int]], is_name: Callable[[str, bool], bool]
) -> list[tuple[int, int]]:
    """The handles of chat-log lines (a time at the line's start, then the speaker): a
    user name (``tomasz.wojcik``, ``kofi_b``) or one word that is a name (``anneke``),
    not a log's source (``main``) or a role."""
    found: list[tuple[int, int]] = []
    last_line = -1
    for hit_start, _ in hits:
        line = low.rfind("\n", 0, hit_start) + 1
        if line == last_line:
            continue
        last_line = line
        m = _CHAT_LINE.match(low, line)
        handle = m.group(2) if m is not None else ""
        if not handle or handle in _CHAT_ROLES or handle in _KIN_WORDS or handle.endswith("bot"):
            continue
        parts = [p for p in _HANDLE_SEPARATORS.split(handle) if p]
        if len(parts) < 2 and not is_name(handle, False):
            continue
        if any(p.isdigit() for p in parts):
            continue  # worker-3, node_12: a process, not a person
        assert m is not None
        found.append(m.span(2))
    return found


def capitalised_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of each capitalised word that starts a word: what the
    person detector examines. The reference for ``zdr.detect._runs`` (C), which
    finds the same at a fraction of the cost (a test holds them equal)."""
    words = []
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        # Checked here, not by a look-behind in _TOKEN (that slows the whole scan).
        if starts_word(text, start, "_@."):
            words.append((start, end, text[start:end]))
    return words


_capitalised_words: Final = in_c("capitalised_words", capitalised_words)


def bare_words(tokens: list[tuple[int, int, str]]) -> list[str]:
    """The tokens' words lower-cased without a final "." and then a final "'s" (tokens
    as capitalised_words makes them: no spaces, at most one dot, at the end), in one
    go. The reference for ``zdr.detect._runs`` (C), which makes each word once."""
    if not tokens:
        return []
    # t[2], not an unpacking: the two offsets would each be unboxed and boxed again.
    joined = lower(" ".join([t[2] for t in tokens])).replace(". ", " ")
    if "s " in joined:
        joined = joined.replace("'s ", " ").replace("’s ", " ")
    bares = joined.split(" ")
    bares[-1] = bares[-1].rstrip(".")
    if bares[-1].endswith(("'s", "’s")):
        bares[-1] = bares[-1][:-2]
    return bares


_bare_words: Final = in_c("bare_words", bare_words)


def strip_accents(word: str) -> str:
    """The word without its diacritics ("šárka" -> "sarka"); letters with no ASCII
    base ("ł", "ø", "ß") are spelled as the name lists do."""
    if word.isascii():
        return word  # no diacritic to take off: NFKD leaves ASCII as it is
    decomposed = unicodedata.normalize("NFKD", word.translate(_NO_BASE))
    return "".join([c for c in decomposed if not _combining(c)])  # a loop, no generator


_combining: Final = unicodedata.combining  # one attribute look-up, not one a character


_NO_BASE: Final = str.maketrans(
    {"ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "đ": "d", "ð": "d", "þ": "th", "œ": "oe", "ı": "i"}
)


# A middle initial with its dot between two capitalised words ("Mohmad R. Vizirov"):
# the shape of a full name whatever the lists hold. "A." and "I." are words ending a
# sentence as often; without a dot the letter may be a plan's or a vitamin's
# ("Plan B Options").
_MIDDLE_INITIAL: Final = re.compile(r" [B-HJ-Z]\. ")


def _middle_initial(
    text: str, tokens: list[tuple[int, int, str]], i: int, bares: list[str]
) -> bool:
    k = i + 2  # "R." is a token of its own
    end = tokens[i][1]
    # The word after the initial begins where a match would end (four characters on):
    # checked first, as it rarely does.
    if k >= len(tokens) or tokens[k][0] != end + 4:
        return False
    return (
        _MIDDLE_INITIAL.match(text, end) is not None
        and bares[k] not in COMMON_WORDS
        and not tokens[k][2].endswith(".")
    )


def _initial(word: str) -> bool:
    return len(word) == 2 and word[1] == "."


# A firm's name: "Fernandez Inc.", "Mangal LLC", "Stark Group".
_FIRM_ENDINGS: Final = (
    r"Inc|LLC|L\.L\.C|Ltd|Limited|GmbH|mbH|GbR|OHG|KG|e\.V|AG|Corp|Corporation|Co|"
    r"PLC|LLP|S\.?A|S/A|SARL|SAS|S\.?L|S\.C\.P|S\.Coop|B\.?V|N\.?V|S\.?p\.?A|S\.?r\.?l|"
    r"Group|Holdings|Partners|Associates|and Sons|et Fils|e Filhos|e Hijos|y asociados|& "
)
_FIRM: Final = re.compile(rf",? (?:{_FIRM_ENDINGS})\b")
# The characters a firm's ending begins with (each alternative begins with a literal):
# after most names comes none, and the regex is not tried.
_FIRM_FIRST: Final = frozenset(e[0] for e in _FIRM_ENDINGS.split("|"))


def _firm_after(text: str, end: int) -> bool:
    """``_FIRM`` matches at ``end``: ", Inc.", " GmbH", " & Sons"."""
    # Characters compared, not str.startswith(x, pos): a method call where compiled.
    n = len(text)
    p = end + 1 if end < n and text[end] == "," else end
    return (
        p + 1 < n
        and text[p] == " "
        and text[p + 1] in _FIRM_FIRST
        and _FIRM.match(text, end) is not None
    )


_FIRM_WORDS: Final = frozenset(
    "inc llc ltd limited gmbh ag corp corporation co plc llp group holdings partners "
    "associates research technologies technology consulting agency bank capital "
    "ventures labs systems solutions services international industries enterprises "
    "media foundation institute university college school hospital clinic museum "
    "orchestra band club hotel airlines motors inn motel hostel".split()
)
# A word that makes the words around it no person's name: an ordinary word, a firm's
# or a role's ("Seattle Coffee Co", "the team", "Lea Roy, Founder").
NOT_IN_A_NAME: Final = COMMON_WORDS | _FIRM_WORDS | _ROLE_WORDS
# The particles of surnames ("van der", "de la"): ordinary words inside a name.
PARTICLES: Final = _PARTICLES
# A saint's or a landform's word opening a run of capitalised words: a place ("São
# Paulo", "San Francisco", "St Mary's", "Rio de Janeiro", "Fort Collins").
_PLACE_OPENERS: Final = frozenset(
    """st st. saint sainte sankt san santa são sao sint rio porto puerto monte
    fort port mount lake lago cape""".split()
)
_POSSESSIVE_GAP: Final = re.compile(r"(?:['’]s)? ")


_AFTER_WORD: Final = re.compile(r"[^\W\d_]++")
_NUMBER_NEAR: Final = re.compile(r"\d")
# A number that counts something ("Hotel Alfama Lisboa, 2 nights"): no house number.
_COUNT: Final = re.compile(r"\d++ [a-zß-öø-ÿ]")


def _place_or_institution(text: str, low: str, start: int, end: int) -> tuple[int, int] | None:
    """The name at ``start:end`` without what makes it a place or an institution:
    None for a saint's or a landform's word and one word after it ("São Paulo", "St
    Mary's", "Rio de Janeiro") or for words beside a capitalised firm's word ("Hotel
    Alfama Lisboa", "St Mary's Hospital"; not "John Smith's band"); the name after
    such a word when more follow ("St John Rivers" -> "John Rivers"). Beside a number
    the words may be a street's name: kept, masked if unsure ("Rua São Bento 45")."""
    if _digit_at(low, max(0, start - 8), start) >= 0:
        return start, end
    number = _digit_at(low, end, min(len(low), end + 4))
    if number >= 0 and _COUNT.match(text, number) is None:
        return start, end
    # The words of a name are joined by spaces (_joins): the first ends at the first.
    first_end = low.find(" ", start, end)
    if first_end >= 0 and low[start:first_end] in _PLACE_OPENERS:
        if _not_particles(low[first_end + 1 : end]) == 1:
            return None
        return first_end + 1, end
    if start >= 2 and low[start - 1] == " ":
        word_start = low.rfind(" ", max(0, start - 14), start - 1) + 1
        if text[word_start : word_start + 1].isupper():
            word = low[word_start : start - 1].lstrip("\n")
            if word in _FIRM_WORDS or (
                word in _PLACE_OPENERS and _not_particles(low[start:end]) == 1
            ):
                return None
    # (?:['’]s)? then a space, then a capitalised firm's word: "Smith's Hospital".
    follows = low[end] if end < len(low) else ""
    after = end + 1 if follows == " " else end + 3
    if (after == end + 1 or (follows in ("'", "’") and low[end + 1 : end + 3] == "s ")) and text[
        after : after + 1
    ].isupper():
        firm = _AFTER_WORD.match(low, after)
        if firm is not None and firm.group() in _FIRM_WORDS:
            return None
    return start, end


def _not_particles(words: str) -> int:
    """How many of the space-separated words are no particle ("de", "van")."""
    return sum(w not in _PARTICLES for w in words.split())


def _digit_at(text: str, start: int, end: int) -> int:
    """The first position of ``text[start:end]`` (start >= 0, a few characters)
    holding a decimal digit (a regex's \\d), or -1: a loop of compiled character
    tests, not a regex's search and match object (asked on both sides of each name)."""
    for k in range(start, min(end, len(text))):
        o = ord(text[k])  # a code point: no string or call for an ASCII character
        if 48 <= o <= 57 or (o >= 128 and text[k].isdecimal()):
            return k
    return -1


# Words after which one capitalised word is a place, whatever else it may be.
_PLACE_BEFORE: Final = frozenset("in near into via city town village county".split())
# Words after which a surname of the list names a place or a firm, not a person:
# "in Tobel", "from Eckenroth", "the Uber website", "city Messina".
_PLACE_OR_THING_BEFORE: Final = _PLACE_BEFORE | frozenset(
    "the a an this that her his their our my your its at from to of state country".split()
)
# Possessive, and only at a word's start: a run of letters followed by "@" or another
# letter is not tried again at each shorter length and later start (which made a
# 20 KB text of one long word cost seconds).
_LOWER_WORD: Final = re.compile(r"(?<![a-zß-öø-ÿ])[a-zß-öø-ÿ]{2,}+(?![\w@(=/-]|\.\w)")
# One or two words in capitals right before a name or after it, on its line.
_CAPS_WORD: Final = rf"[{_UPPER}][{_UPPER}'’-]*[{_UPPER}]"
_CAPS_BEFORE: Final = re.compile(rf"(?<![\w.-])({_CAPS_WORD}(?: {_CAPS_WORD})?) \Z")
_CAPS_BEFORE_COMMA: Final = re.compile(rf"(?<![\w.-])({_CAPS_WORD}(?: {_CAPS_WORD})?), \Z")
_CAPS_AFTER: Final = re.compile(rf" ({_CAPS_WORD}(?: {_CAPS_WORD})?)(?![\w@.-]|\.\w)")
# A word of two parts joined by a hyphen, in lower case ("sung-min", "adeyemi-jones").
_LOWER_HYPHENATED: Final = re.compile(r"[a-zß-öø-ÿ]{2,}+-[a-zß-öø-ÿ]{2,}+(?![\w@(=/-]|\.\w)")
_HYPHEN_REST: Final = re.compile(rf"-[{_LOWER}]{{2,}}+(?![\w@-])")
# The last line of a text: a dash, then one to three lower-case words.
_DASH_CHARS: Final = "-–—~"  # "-" first: a literal in the class below
_DASHES: Final = frozenset(_DASH_CHARS)
_DASH_SIGNOFF: Final = re.compile(
    rf"\n([{_DASH_CHARS}]{{1,2}}) ?+([a-zß-öø-ÿ]{{3,}}+)(?: [a-zß-öø-ÿ]++){{0,2}}+[ \t\r\n]*+\Z"
)
_LOWER_NEXT: Final = re.compile(r" ([a-zß-öø-ÿ]++)(?![\w@(=/-]|\.\w)")


def _prose_word(low: str, start: int, end: int) -> bool:
    """A word of prose, not of code: after a space, a line start or a punctuation
    mark of prose, and not before a colon that no space follows (a key, a scheme:
    "arn:aws:..."; a speaker's "jessica: can you ..." is prose)."""
    return (start == 0 or low[start - 1] in " \n\t,;:\"'(") and (
        low[end : end + 1] != ":" or low[end + 1 : end + 2] in (" ", "\t")  # "jessica: can ..."
    )


def _joins(gap: str) -> bool:
    """Words of one name are separated by one space, a particle ("van der") or an
    initial without its dot ("Miki C Kristiansen")."""
    if gap == " ":
        return True
    # Each other joining gap begins and ends with a space (the usual other gap is
    # ", " or a line break: no split, no list).
    if not (gap.startswith(" ") and gap.endswith(" ")):
        return False
    if len(gap) == 3 and gap[1].isupper():
        return True
    words = gap.strip().split()
    return 0 < len(words) <= 2 and all(w in _PARTICLES for w in words)


_DOMAIN_LABEL: Final = re.compile(r"[A-Za-z0-9-]+\.")
_DOMAIN_CHARS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"


def _domain_label(text: str, start: int) -> bool:
    """``_DOMAIN_LABEL`` matches at ``start``: a run of its characters, then a dot."""
    head = text[start : start + 64]
    run = len(head) - len(head.lstrip(_DOMAIN_CHARS))
    if run == 64:
        return _DOMAIN_LABEL.match(text, start) is not None  # a longer label: the regex
    return run > 0 and head[run : run + 1] == "."


def _named_by_email(
    text: str, tokens: list[tuple[int, int, str]], bares: list[str]
) -> list[tuple[int, int]]:
    """Capitalised words just before an e-mail address whose local part spells them:
    "Ronith Bhakta,ronith.bhakta@..." or "Ekansh Dube <edube@...>". ``bares`` are the
    words lower-cased, without their final ".", in the order of ``tokens``."""
    out: list[tuple[int, int]] = []
    n = len(tokens)
    lo = hi = 0  # the tokens from 60 characters before the local part to its start
    for at in occurrences(text, "@"):
        local_start = local_part_start(text, at)
        if at - local_start < 2 or not _domain_label(text, at + 1):
            continue
        local = text[local_start:at].lower()
        # Local parts hold no "@": each begins after the last, so both bounds only
        # move forward (bisect's calls cost more than these steps).
        while lo < n and tokens[lo][0] < local_start - 60:
            lo += 1
        hi = max(hi, lo)
        while hi < n and tokens[hi][0] < local_start:
            hi += 1
        for i in range(lo, hi):
            bare = bares[i]
            if len(bare) >= 3 and bare not in COMMON_WORDS and bare in local:
                out.append((tokens[i][0], tokens[i][1]))
    return out


def _plausible_name(value: str) -> bool:
    words = value.split()
    return (
        1 <= len(words) <= 4
        and all(w[:1].isupper() or w.lower() in _PARTICLES for w in words)
        and not any(c.isdigit() or c in "@/_:" for c in value)
    )


def _every_mention(text: str, found: list[tuple[int, int]]) -> list[Span]:
    """The spans found, and every other mention of the same names or their parts,
    without overlaps: a whole name wins over its parts at the same place."""
    if not found:
        return []
    parts: set[str] = set()
    for start, end in found:
        value = text[start:end]
        parts.add(value)
        for w in value.split():  # a loop, not a generator: half the instructions
            # (lower() never shortens a word: a longer one is no particle)
            if len(w) >= 3 and (len(w) > _PARTICLE_MAX or w.lower() not in _PARTICLES):
                parts.add(w)
    if len(parts) * len(text) > _INDEX_ABOVE:
        taken = _leftmost_longest([*found, *_mentions_by_index(text, list(parts))])
    else:
        taken = _mentions_taken(text, found, parts)
    return [span(start, end, "PERSON") for start, end in taken]


def mentions_taken(
    text: str, found: list[tuple[int, int]], parts: Iterable[str]
) -> list[tuple[int, int]]:
    """The spans found and every occurrence of the parts that stands alone, without
    overlaps: from the left, the longest at each place. The reference for
    ``zdr.detect._runs`` (C), which searches and sorts without making an object for
    each occurrence."""
    return _leftmost_longest([*found, *_mentions_by_search(text, list(parts))])


def _leftmost_longest(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    taken: list[tuple[int, int]] = []
    last = 0
    # Sorted on (start, -end) without a key function.
    for start, neg_end in sorted([(start, -end) for start, end in spans]):
        if start >= last:
            taken.append((start, -neg_end))
            last = -neg_end
    return taken


# Above this many (parts x characters), searching the text once per part costs more
# than indexing its words once: a long document with thousands of names would
# otherwise take quadratic time.
_INDEX_ABOVE: Final = 2_000_000
_mentions_taken: Final = in_c("mentions_taken", mentions_taken)


def _stands_alone(text: str, pos: int, n: int) -> bool:
    before = text[pos - 1] if pos else " "
    after = text[pos + n] if pos + n < len(text) else " "
    return not (before.isalnum() or before in "@._") and not after.isalnum()


def _mentions_by_search(text: str, parts: list[str]) -> list[tuple[int, int]]:
    """Every occurrence of each part that stands as a word of its own (not inside a
    longer word, an e-mail address or a dotted name). Parts begin with a letter."""
    found: list[tuple[int, int]] = []
    for part in parts:
        n = len(part)
        found.extend(
            (pos, pos + n) for pos in occurrences(text, part) if _stands_alone(text, pos, n)
        )
    return found


def _mentions_by_index(text: str, parts: list[str]) -> list[tuple[int, int]]:
    """The same, in one pass over the text's words: a part standing alone begins
    where a run of letters and digits begins, and that run is the part's own first
    run (what follows it in the part is not a letter or digit)."""
    by_first_run: dict[str, list[tuple[int, str]]] = {}
    for part in parts:
        run = ALNUM_RUN.match(part)
        if run is not None:
            by_first_run.setdefault(run.group(), []).append((0, part))
    return [
        (pos, pos + len(part))
        for pos, part in at_runs(text, by_first_run)
        if _stands_alone(text, pos, len(part))
    ]


# The characters a name's word may hold besides letters, in any script (a katakana long
# vowel mark is a letter; middle dots join a name's parts in Chinese and Japanese).
_NAME_MARKS: Final = frozenset("-'’.·・")
# What names a firm, a bank, a school or a hospital in those scripts ("腾讯科技有限公司",
# "株式会社", "삼성전자㈜", "ООО Ромашка"): the value is none of a person's.
_FIRM_MARKS: Final = (
    "公司", "会社", "有限", "集团", "集團", "银行", "銀行", "大学", "大學", "医院", "醫院", "商店",
    "회사", "은행", "병원", "대학", "㈜", "ООО", "ОАО", "ЗАО", "ПАО", "ТОВ", "Банк", "банк",
)  # fmt: skip
# Han, kana and Hangul: a word of these scripts is a name's whole part without spaces,
# so a long one is a phrase.
_CJK_FROM: Final = 0x2E80


def script_name(value: str) -> bool:
    """One to four words of letters (a name's marks inside them), in any script; a word
    of Han, kana or Hangul at most five characters, a word of a script with capitals
    capitalised (Latin, Cyrillic, Greek), a Latin one not in capitals alone unless beside
    another ("VIP" is none) and no ordinary word."""
    words = value.split()
    if not 1 <= len(words) <= 4 or any(firm in value for firm in _FIRM_MARKS):
        return False
    latin = 0
    for word in words:
        if not word[0].isalpha() or not all(c.isalpha() or c in _NAME_MARKS for c in word):
            return False
        if ord(word[0]) >= _CJK_FROM:
            if len(word) > 5:
                return False
        elif word[0] != word[0].upper():
            return False  # a script with capitals writes a name's words capitalised
        elif ord(word[0]) < 0x250:
            if word.lower() in COMMON_WORDS:
                return False
            latin += 1
    return not (latin == 1 and len(words) == 1 and words[0].isupper())


def _native_beside(text: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A name in another script written beside a name found in Latin letters, as the
    same person's (a guest list's "陳美玲 Chen Mei-ling", "김민준 (Kim Min-jun)",
    "Kim Min-jun (김민준)"): right before it, or in parentheses right before or after
    it; at most as many words as the Latin name has, each a name's word of its script
    (``script_name``), beginning after no letter."""
    out: list[tuple[int, int]] = []
    n = len(text)
    for start, end in found:
        most = max(1, text.count(" ", start, end) + 1)
        i = start
        if i > 0 and text[i - 1] in "(（":
            i -= 1
        if i > 0 and text[i - 1] in " \u3000":
            before = _native_words_before(text, i - 1, most)
            if before is not None:
                out.append(before)
        j = end
        while j < n and text[j] in " \u3000":
            j += 1
        if j < n and text[j] in "(（":
            close = j + 1
            while close < n and close - j <= 40 and text[close] not in ")）\n":
                close += 1
            inner = text[j + 1 : close].strip()
            if (
                close < n
                and text[close] in ")）"
                and inner
                and ord(inner[0]) >= 0x250
                and inner.count(" ") < most
                and script_name(inner)
            ):
                first = text.index(inner, j + 1)
                out.append((first, first + len(inner)))
    return out


def _native_words_before(text: str, end: int, most: int) -> tuple[int, int] | None:
    """Up to ``most`` words of a script other than Latin ending at ``end``, spaces
    between them, a name's words (``script_name``) and no letter before them."""
    start = end
    words = 0
    while words < most:
        i = start
        while (
            i > 0
            and ord(text[i - 1]) >= 0x250
            and (text[i - 1].isalpha() or text[i - 1] in _NAME_MARKS)
        ):
            i -= 1
        if i == start:
            break
        start, words = i, words + 1
        if words < most and start > 1 and text[start - 1] == " " and ord(text[start - 2]) >= 0x250:
            start -= 1
            continue
        break
    if words == 0:
        return None
    if text[start] == " ":
        start += 1
    if start > 0 and text[start - 1].isalpha():
        return None  # inside a longer run of letters
    value = text[start:end]
    return (start, end) if script_name(value) else None


def _display_names(text: str, other_scripts: bool) -> list[tuple[int, int]]:
    """The display name of an address in angle brackets, as mail headers and commit
    authors write it: written family name first with a comma ("Hunter, Joy
    <jhunter@...>", Outlook's way: both words capitalised, none an ordinary, firm's or
    role's word, after a line's start, a colon, a quote, a comma or a semicolon), or in
    a script other than Latin ("Владимир Соколов <v.sokolov@...>": up to three words of
    a name, ``script_name``, capitalised where the script has capitals, so "Служба
    поддержки <support@...>" stays)."""
    out: list[tuple[int, int]] = []
    for at in occurrences(text, "@"):
        lt = text.rfind("<", max(0, at - 64), at)
        if lt < 2 or text[lt - 1] != " " or " " in text[lt:at]:
            continue
        if ord(text[lt - 2]) >= 0x250:
            if other_scripts:
                found = _native_words_before(text, lt - 1, 3)
                if found is not None:
                    out.append(found)
            continue
        comma = _surname_comma_given(text, lt - 1)
        if comma is not None:
            out.append(comma)
    return out


def _surname_comma_given(text: str, end: int) -> tuple[int, int] | None:
    """ "Surname, Given" ending at ``end``: two capitalised words of Latin letters."""
    given_start = end
    while given_start > 0 and (text[given_start - 1].isalpha() or text[given_start - 1] in "-'’"):
        given_start -= 1
    if given_start == end or given_start < 3 or text[given_start - 2 : given_start] != ", ":
        return None
    surname_end = given_start - 2
    start = surname_end
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] in "-'’"):
        start -= 1
    if start == surname_end or (start > 0 and text[start - 1] not in " \t\n:\"';,<"):
        return None
    if start > 1 and text[start - 1] == " " and text[start - 2] not in ":\"';,":
        return None  # a longer run of words: not a display name alone
    for word in (text[start:surname_end], text[given_start:end]):
        if (
            not word[0].isupper()
            or word.lower() in NOT_IN_A_NAME
            or not word.isascii()
            and any(ord(c) >= 0x250 for c in word)
        ):
            return None
    return start, end


def _party_at(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The person a residence phrase follows (``start``: its comma): two to four
    capitalised words before it (a title before them left out), no ordinary, firm's or
    role's word among them."""
    words: list[tuple[int, int]] = []
    i = start
    while len(words) < 4:
        j = i
        while j > 0 and (text[j - 1].isalpha() or text[j - 1] in "-'’."):
            j -= 1
        if j == i or not (text[j].isupper() or words and text[j:i] in _PARTICLES):
            break  # the name's words are capitalised: it begins after the last other
        words.append((j, i))
        if j < 2 or text[j - 1] != " ":
            break
        i = j - 1
    words.reverse()
    while words and text[words[0][0] : words[0][1]].lower().rstrip(".") in _TITLE_WORDS:
        words.pop(0)
    while words and not text[words[0][0]].isupper():
        words.pop(0)  # a particle first: "de Groot" after an ordinary word
    if len(words) < 2:
        return None
    for s, e in words:
        word = text[s:e]
        if word in _PARTICLES:
            continue
        if not word[0].isupper() or word.lower().rstrip(".") in NOT_IN_A_NAME:
            return None
    return words[0][0], words[-1][1]
