"""Values labelled by the key or column that names them: ``surname: müller``,
``"lastName": "smith"``, ``<street>12 Elm Row</street>``, ``first_name=ana`` in a log,
and the cells under a ``Name`` or ``Address`` header of a CSV, TSV, pipe or Markdown
table. What the key says is the evidence, so a value needs no capital letter and no
lexicon; it only has to be shaped like a name or an address."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from zdr.detect.birthdate import birth_date_value, names_a_birth_date
from zdr.detect.mentions import other_mentions
from zdr.detect.model import Span, span
from zdr.detect.names import (
    COMMON_WORDS,
    LOOSE_PERSON_KEYS,
    NOT_IN_A_NAME,
    PARTICLES,
    PERSON_KEYS,
    first_names,
    script_name,
    strip_accents,
)
from zdr.detect.scan import Anchor, Text

# Keys, lower-cased without separators ("Last Name", last_name, lastName -> lastname),
# and the label of their values: exact keys only ("filename", "hostname" or
# "company_name" name no person). Loose keys name a person only when the value has
# two or more words: a product, a file or a company is also called a name.
_ADDRESS_KEYS: Final = frozenset(
    """address streetaddress street addressline addressline1 addressline2 address1
    address2 homeaddress postaladdress mailingaddress billingaddress shippingaddress
    residentialaddress addr adresse anschrift strasse straße wohnadresse indirizzo
    direccion dirección domicilio endereco endereço morada adres straat woonadres""".split()
)
# Where such a key can be: its last part (the anchor), read backwards to the key's start.
_KEY_WORDS: Final = (
    r"name|surname|forename|holder|author|owner|assignee|reporter|contact|address|addr|"
    r"maintainer|contributor|"
    r"street|adresse|anschrift|stra(?:ss|ß)e|indirizzo|direcci[oó]n|domicilio|"
    r"endere[cç]o|morada|adres|straat|vorname|nachname|nom|prenom|prénom|nome|cognome|"
    r"nombre|apellidos?|sobrenome|naam|voornaam|achternaam|woonadres"
)
# Columns that name a person only as a pair, side by side in a table's header:
# "first,last,email", "| Given | Family |".
_PAIRED_COLUMNS: Final = (("first", "last"), ("given", "family"))
_PAIR_HEADER: Final = (
    "(?:" + "|".join(a for a, _ in _PAIRED_COLUMNS) + r")[ \t\"']*[,\t|;][ \t\"']*"
    "(?:" + "|".join(b for _, b in _PAIRED_COLUMNS) + ")"
)
# The same pair as keys of one record: `first=KOJO; last=ANSAH`, `{"first": "Oyelaran",
# "last": "Bankole"}`. Each alone names nothing ("first": a flag, a position). Read
# from the pair's first key (the anchor), its partner looked for on the line.
_PAIRED_KEY: Final = "(?:" + "|".join(a for a, _ in _PAIRED_COLUMNS) + r")(?:=|[\"']\s*:)"
_PARTNER_KEY: Final = {
    a: (b, re.compile(rf"(?<![\w.-]){b}(?:=|[\"']\s*:)")) for a, b in _PAIRED_COLUMNS
}
# How far from a paired key its partner is looked for, on the same line.
_RECORD_REACH: Final = 300
_KEY_CHARS: Final = frozenset("abcdefghijklmnopqrstuvwxyzßàáâãäçèéêëìíîïñòóôõöùúûü0123456789_-.")
_SEPARATORS: Final = (",", "\t", "|", ";")
_LABELS: Final = frozenset({"PERSON", "STREET_ADDRESS"})
# After a key: a closing quote or bracket, then = : => or an XML element's ">".
_AFTER_KEY: Final = re.compile(r"[\"'`\]]?[ \t]*(?:=>|:=|[:=]|(?<=[\w\"'])>)[ \t]*")
_QUOTED: Final = re.compile(r"[\"'`]([^\"'`\n]{1,120})[\"'`]")
# A bare value ends at a separator (it is at most 120 characters), or where a log
# line's next key=value begins inside it. Read as the run up to a separator, then a
# search for the next pair only in a run holding "=": a lazy regex trying that
# look-ahead at every character cost ~13% of a chat request's detection.
_BARE_STOPS: Final = "\n\"'`,;&|<>{}[]"
_BARE: Final = re.compile(r"[^\n\"'`,;&|<>{}\[\]]{1,120}")
_NEXT_PAIR: Final = re.compile(r"\s+[\w.-]+=")
_NAME_WORD: Final = re.compile(r"[^\W\d_][^\W\d_'’.-]*(?:[-'’][^\W\d_]+)*\.?")
_NOT_VALUES: Final = frozenset(
    "null none n/a na unknown nil undefined true false string text required optional".split()
)


# Keys naming the person of a role in one word, compounded as the claimed languages
# write them ("nome_cliente", "nombre_del_cliente", "Kundenname").
_ROLE_NAME_KEYS: Final = frozenset(
    """nomecliente nombrecliente nombredelcliente nomclient nomduclient nomecompleto
    nomepaciente nombrepaciente nompatient kundenname patientenname gastname
    nometitular nombretitular nomtitulaire nomeutente""".split()
)


# The most letters and digits a key holds: a table's cell of prose (a header line of
# a CSV is any line with a comma) is given up once it holds more.
_LONGEST_KEY: Final = max(
    map(len, (*PERSON_KEYS, *LOOSE_PERSON_KEYS, *_ADDRESS_KEYS, *_ROLE_NAME_KEYS))
)


def label_of(key: str) -> str | None:
    low = key.lower()
    if low.isalnum():
        compact = low
    else:
        kept: list[str] = []
        for c in low:
            if c.isalnum():
                if len(kept) == _LONGEST_KEY:
                    return None  # longer than any key
                kept.append(c)
        compact = "".join(kept)
    if compact in PERSON_KEYS or compact in _ROLE_NAME_KEYS:
        return "PERSON"
    if compact in LOOSE_PERSON_KEYS:
        return "PERSON?"
    if compact in _ADDRESS_KEYS:
        return "STREET_ADDRESS"
    # A birth-date column (`dob`, `Geburtsdatum`) of an INSERT or a table whose other
    # columns name a person or an address: the birth-date detector's own words.
    if names_a_birth_date(compact):
        return "DATE_OF_BIRTH"
    return None


def plausible(value: str, label: str) -> bool:
    """Shaped like a value of ``label`` ("PERSON?": a name of two or more words)."""
    if value.lower() in _NOT_VALUES:
        return False
    if label == "STREET_ADDRESS":
        return 6 <= len(value) <= 120 and any(c.isdigit() for c in value) and _three_letters(value)
    if label == "DATE_OF_BIRTH":
        return birth_date_value(value)
    # A nickname in parentheses is a word of the name ("P. (Pieter) Jansen").
    words = [w[1:-1] if w[:1] == "(" and w[-1:] == ")" else w for w in value.split()]
    if not 1 <= len(words) <= 4 or not all(_NAME_WORD.fullmatch(w) for w in words):
        return False
    if label == "PERSON":
        return True
    # A loose key ("name", "owner") is also a product's or a job's: a person's name
    # there has two or more words, begins with a first name and holds no common word
    # ("Build and test", "Support Team").
    return (
        len(words) >= 2
        and words[0].lower() in first_names()
        and not any(w.lower() in COMMON_WORDS for w in words)
    )


_THREE_ASCII_LETTERS: Final = re.compile(r"(?:[^A-Za-z]*[A-Za-z]){3}")


def _three_letters(value: str) -> bool:
    """Three letters or more: one regex for an ASCII value (c.isalpha() per character
    is a method call each in compiled code)."""
    if value.isascii():
        return _THREE_ASCII_LETTERS.match(value) is not None
    return sum(c.isalpha() for c in value) >= 3


# HL7 v2 (hospital messages): a segment at a line's start ("PID|1||MRN||DUBOIS^MARIE^A||
# 19710322|F"), its fields split by "|", a name's parts by "^". The standard fixes what
# each field holds: the patient's name (PID-5), mother's maiden name (PID-6) and alias
# (PID-9), next of kin (NK1-2), guarantor (GT1-3), the insured (IN1-16), a merged
# record's old name (MRG-7), the attending, referring, consulting and admitting doctors
# (PV1-7, 8, 9, 17: an id first, then the name); birth dates PID-7, GT1-8, IN1-18
# (YYYYMMDD, a time after it allowed). The segment's name and "|" are the anchor.
_HL7_SEGMENT: Final = r"(?:PID|NK1|GT1|IN1|MRG|PV1)\|"
_HL7_PERSON: Final = {
    "PID": (5, 6, 9),
    "NK1": (2,),
    "GT1": (3,),
    "IN1": (16,),
    "MRG": (7,),
    "PV1": (7, 8, 9, 17),
}
_HL7_BIRTH: Final = {"PID": (7,), "GT1": (8,), "IN1": (18,)}
_HL7_NAME_CHARS: Final = frozenset(" ^~&-'’.,")

# A key that names a person, in a script other than Latin, before a colon (a full-width
# one too): "顧客名：佐藤 健太", "고객: 김민준", "العميل: محمد عبدالله الشمري", "Гість: Олена
# Коваленко", "Όνομα: ...". The keys (lower-cased, as the anchor reads them): name,
# full name, customer, client, patient, guest, contact person, recipient, applicant,
# cardholder, passenger, employee, author, in Chinese, Japanese, Korean, Arabic,
# Russian, Ukrainian, Greek, Hindi and Thai. Rare outside such text, so no Latin text pays.
_SCRIPT_KEYS: Final = (
    "氏名 名前 お名前 顧客名 患者名 契約者名 申込者名 担当者名 担当者 宛名 受取人 会員名 "
    "利用者名 姓名 名字 客户 客戶 客户姓名 客戶姓名 联系人 聯絡人 联系人姓名 收件人 收货人 收貨人 "
    "患者 病人 申请人 申請人 持卡人 乘客 乘客姓名 员工 員工 负责人 負責人 "
    "이름 성명 성함 고객 고객명 담당자 신청인 신청자 환자 환자명 수령인 수취인 예약자 보호자 "
    "الاسم اسم العميل العميل المريض الضيف الموظف المستلم الاسم_الكامل صاحب_الحساب "
    "имя фио фамилия отчество клиент пациент гость покупатель заказчик получатель "
    "контактное_лицо автор сотрудник пассажир ім'я ім’я прізвище піб клієнт пацієнт гість "
    "одержувач замовник автор співробітник пасажир "
    "όνομα επώνυμο ονοματεπώνυμο πελάτης ασθενής επισκέπτης παραλήπτης "
    "नाम ग्राहक मरीज़ ชื่อ ลูกค้า"
).split()
# Each key followed by its colon (one space allowed before it): Hyperscan compiles the
# alternation before a shared suffix with a space in it as "too large".
_SCRIPT_KEY: Final = "|".join(
    k + " ?[:：]" for k in sorted({k.replace("_", " ") for k in _SCRIPT_KEYS})
)
# Where a value after such a key ends; the characters a name's word may hold besides
# letters (a katakana long vowel mark and middle dots are letters of names there).
_SCRIPT_VALUE_STOPS: Final = frozenset("\n\r(（,，、;；|/<[「『\t")
# iCalendar's ORGANIZER and ATTENDEE name the person in their CN parameter
# ("ORGANIZER;CN=\"Li, Wen-Hsuan\":mailto:..."); an address there is the e-mail detector's.
_ICAL_CN: Final = ";cn="


class FieldDetector:
    """Values of keys and table columns that name a person or a street address, and
    the birth dates of an INSERT's or a table's birth-date column."""

    name = "fields"
    labels = ("PERSON", "STREET_ADDRESS", "DATE_OF_BIRTH")
    anchored = True
    anchors = (
        Anchor("fields.key", _KEY_WORDS, lower=True),
        Anchor("fields.pair", _PAIR_HEADER, lower=True),
        Anchor("fields.paired_key", _PAIRED_KEY, lower=True),
        Anchor("fields.hl7", _HL7_SEGMENT),
        Anchor("fields.script_key", _SCRIPT_KEY, lower=True),
        Anchor("fields.ical_cn", _ICAL_CN, lower=True),
    )

    def find(self, t: Text) -> list[Span]:
        out: list[Span] = []
        text, low = t.raw, t.low
        inserts_seen: set[int] = set()
        headers: list[int] = []  # the starts of lines that may be a table's header
        for start, end in t.spans("fields.key"):
            key_start, key_end, label = _key(low, start, end)
            if (
                label is None
                and low[key_end - 1] == "s"
                and _last_part(low, key_start, key_end) in _PEOPLE_ARRAY_KEYS
            ):
                out.extend(_people_array(text, key_end))
                continue
            if label is None or low[max(0, key_start - 2) : key_start] == "</":
                continue  # not such a key, or an XML element's end
            value = _value_after(text, key_end)
            if value is None and text[key_end : key_end + 1] == "?":
                value = _answer_after(text, key_end + 1)  # "What's your name? → ana"
                if value is not None and label == "PERSON?" and _asks_for_yours(low, key_start):
                    label = "PERSON"  # "Your name? A: jo-anne ...": the one who answers
            if value is not None:
                v_start, v_end = value
                whole = (
                    _given_after_surname(text, v_start, v_end)
                    if label.startswith("PERSON")
                    else v_end
                )
                if whole != v_end or plausible(text[v_start:v_end], label):
                    out.append(span(v_start, whole, label.rstrip("?")))
                continue
            if _column_end(text, key_end):  # "(first_name, last_name)"
                insert = _insert_at(text, low, key_start)
                if insert is not None:
                    if insert.start() not in inserts_seen:
                        inserts_seen.add(insert.start())
                        out.extend(_inserted_values(text, insert))
                    continue
            headers.append(text.rfind("\n", 0, start) + 1)
        for start, _ in t.spans("fields.paired_key"):
            out.extend(_paired_key_values(text, low, start))
        for start, end in t.spans("fields.pair"):
            if _whole_cell(low, start, end):
                headers.append(text.rfind("\n", 0, start) + 1)
        hl7 = t.spans("fields.hl7")
        if hl7:
            out.extend(_hl7_fields(text, hl7))
        value_end = -1
        for _, end in t.spans("fields.script_key"):
            if end > value_end:  # "お名前：" holds "名前："
                found = _script_key_value(text, end)
                out.extend(found)
                value_end = found[-1].end if found else end
        for _, end in t.spans("fields.ical_cn"):
            out.extend(_ical_cn(text, end))
        rows_read_to = 0  # a line read as a row is not read again as a header
        for line_start in sorted(set(headers)):
            if line_start >= rows_read_to:
                rows_read_to = _table_cells(text, line_start, out)
        # What a key named is masked wherever else it occurs (a surname in prose).
        return [*out, *other_mentions(text, out, _LABELS)] if out else out


def _hl7_fields(text: str, hits: Sequence[tuple[int, int]]) -> list[Span]:
    """The names and birth dates of HL7 segments (``hits``: a segment's name and "|"),
    by the fields the standard gives them."""
    out: list[Span] = []
    n = len(text)
    for start, end in hits:
        if start and text[start - 1] not in "\r\n":
            continue  # a segment begins a line
        segment = text[start : end - 1]
        persons = _HL7_PERSON.get(segment, ())
        births = _HL7_BIRTH.get(segment, ())
        last = max((*persons, *births))
        stop = end
        while stop < n and text[stop] not in "\r\n":
            stop += 1
        field, pos = 1, end
        while field <= last:
            bar = text.find("|", pos, stop)
            field_end = stop if bar < 0 else bar
            if field_end > pos:
                if field in persons:
                    name = _hl7_name(text, pos, field_end)
                    if name is not None:
                        out.append(span(*name, "PERSON"))
                elif field in births and _hl7_date(text[pos:field_end].split("^")[0]):
                    date_end = text.find("^", pos, field_end)
                    out.append(span(pos, field_end if date_end < 0 else date_end, "DATE_OF_BIRTH"))
            if bar < 0:
                break
            field, pos = field + 1, bar + 1
    return out


def _hl7_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A person's name in an HL7 field (family^given^middle...; a doctor's with an id
    first): from its first part with a letter to its last part before one with a digit
    (an assigning authority's id), when that holds two letters and only a name's
    characters."""
    parts = text[start:end].split("^")
    pos = start
    first = -1
    name_end = start
    for part in parts:
        if first < 0:
            if any(c.isalpha() for c in part):
                first = pos
            else:
                pos += len(part) + 1
                continue
        if any(c.isdigit() for c in part):
            break
        if part:
            name_end = pos + len(part)
        pos += len(part) + 1
    if first < 0:
        return None
    value = text[first:name_end]
    letters = sum(c.isalpha() for c in value)
    if letters < 2 or not all(c.isalpha() or c in _HL7_NAME_CHARS for c in value):
        return None
    return first, name_end


def _hl7_date(value: str) -> bool:
    """YYYYMMDD, a time after it allowed: a date of a year from 1900 to this one."""
    if not value.isdigit() or not 8 <= len(value) <= 14 or not value.isascii():
        return False
    return birth_date_value(value[:8])


def _script_key_value(text: str, key_end: int) -> list[Span]:
    """The value after a person's key in another script (``key_end``: past its colon),
    and a name in parentheses right after it (a reading or a romanised form: "佐藤 健太
    （さとう けんた）", "김민준 (Kim Min-jun)"), each when shaped like a name."""
    value = _script_name_at(text, key_end)
    if value is None:
        return []
    out = [span(*value, "PERSON")]
    reading = _in_parentheses_after(text, value[1])
    if reading is not None:
        out.append(span(*reading, "PERSON"))
    return out


def _script_name_at(text: str, pos: int) -> tuple[int, int] | None:
    """A name at ``pos`` (past spaces), to the first character that ends a value."""
    n = len(text)
    while pos < n and text[pos] in " \t\u3000":
        pos += 1
    end = pos
    while end < n and end - pos <= 48 and text[end] not in _SCRIPT_VALUE_STOPS:
        end += 1
    value = text[pos:end].rstrip(" \t\u3000.")
    return (pos, pos + len(value)) if value and script_name(value) else None


def _in_parentheses_after(text: str, end: int) -> tuple[int, int] | None:
    """A name in parentheses after ``end`` (past spaces), the whole of what they hold."""
    n = len(text)
    while end < n and text[end] in " \t\u3000":
        end += 1
    if end >= n or text[end] not in "(（":
        return None
    close = -1
    for i in range(end + 1, min(n, end + 50)):
        if text[i] in ")）":
            close = i
            break
        if text[i] in "\n(（":
            return None
    if close < 0:
        return None
    inner = text[end + 1 : close]
    value = inner.strip(" \t\u3000")
    if not value or not script_name(value):
        return None
    start = end + 1 + inner.index(value)
    return start, start + len(value)


def _ical_cn(text: str, end: int) -> list[Span]:
    """The person an iCalendar ORGANIZER or ATTENDEE names in its CN parameter
    (``end``: past "CN="): quoted, or to the next ":" or ";"."""
    n = len(text)
    if end < n and text[end] == '"':
        close = text.find('"', end + 1, min(n, end + 82))
        start, stop = end + 1, close
    else:
        start, stop = end, end
        while stop < n and stop - end <= 80 and text[stop] not in ':;"\r\n':
            stop += 1
        if stop >= n or text[stop] not in ":;":
            stop = -1
    if stop <= start:
        return []
    value = text[start:stop].strip()
    words = value.replace(",", " ").split()
    if "@" in value or not plausible(" ".join(words), "PERSON"):
        return []
    # A room or a team is named there too ("Boardroom", "Marketing Team"): no ordinary
    # word, and one word alone only when a given name.
    if any(w.lower() in NOT_IN_A_NAME for w in words) or (
        len(words) == 1 and words[0].lower() not in first_names()
    ):
        return []
    return [span(start, start + len(value), "PERSON")]


# A package manifest's people, each a string of an array under a plural key (Cargo's
# `authors = ["Mihaela Popescu <m.p@...>"]`, a gemspec's `s.authors = ["Kenji Watanabe",
# "Brown, Alicia"]`, package.json's `"maintainers": [...]`).
_PEOPLE_ARRAY_KEYS: Final = frozenset(
    "authors owners assignees reporters contacts maintainers contributors".split()
)
_ARRAY_OPEN: Final = re.compile(r"[\"'`]?[ \t]*(?:=>|:=|[:=])[ \t]*\[")
_ARRAY_ITEM: Final = re.compile(r"\s*+[\"']([^\"'\n]{1,120})[\"']\s*+,?")


def _last_part(low: str, start: int, end: int) -> str:
    """A key's last part ("s.authors" -> "authors")."""
    dot = low.rfind(".", start, end)
    return low[max(start, dot + 1) : end].strip()


def _people_array(text: str, key_end: int) -> list[Span]:
    """The names of an array of people's strings after a plural key: each item's name
    (before its " <address>" or " (url)"), capitalised words or a listed given name
    first, no ordinary word; "Surname, Given" too."""
    opened = _ARRAY_OPEN.match(text, key_end)
    if opened is None:
        return []
    out: list[Span] = []
    pos = opened.end()
    for _ in range(32):
        item = _ARRAY_ITEM.match(text, pos)
        if item is None:
            break
        start, end = item.span(1)
        cut = min(
            i for i in (text.find(" <", start, end), text.find(" (", start, end), end) if i >= 0
        )
        words = text[start:cut].replace(",", " ").split()
        if (
            words
            and plausible(" ".join(words), "PERSON")
            and (all(w[0].isupper() for w in words) or words[0].lower() in first_names())
            and not any(w.lower() in NOT_IN_A_NAME for w in words)
        ):
            out.append(span(start, cut, "PERSON"))
        pos = item.end()
    return out


def _given_after_surname(text: str, start: int, end: int) -> int:
    """A name written surname first, the surname in capitals ("Full name: HASSAN, Omar
    Farouk"): the value's end past the comma, over the given names."""
    surname = text[start:end]
    if text[end : end + 2] != ", " or not surname.isupper() or " " in surname:
        return end
    rest = _bare(text, end + 2)
    if rest is None:
        return end
    given = text[rest[0] : rest[1]].rstrip(" .\t\r")
    if not (plausible(given, "PERSON") and given.split()[0].lower() in first_names()):
        return end
    return rest[0] + len(given)


def _paired_key_values(text: str, low: str, start: int) -> list[Span]:
    """The values of a pair of keys of one line (`first=KOJO; last=ANSAH`), read from
    the first key (`first`, `given`): when both are shaped like names, and one of them
    is a listed name or both are capitalised (not `{"first": "First", "last": "Last"}`,
    `first=asc; last=desc`)."""
    if start and (low[start - 1].isalnum() or low[start - 1] in "_.-"):
        return []  # a longer identifier: "is_first=", "list.first:"
    word = next(a for a in _PARTNER_KEY if low.startswith(a, start))
    partner_word, partner_key = _PARTNER_KEY[word]
    value = _pair_value(text, start + len(word), word)
    if value is None:
        return []
    line_start = max(low.rfind("\n", 0, start) + 1, start - _RECORD_REACH)
    line_end = low.find("\n", start)
    line_end = min(len(low) if line_end < 0 else line_end, start + _RECORD_REACH)
    partner = partner_key.search(low, line_start, line_end)
    if partner is None:
        return []
    other = _pair_value(text, partner.start() + len(partner_word), partner_word)
    if other is None:
        return []
    pair = (text[value[0] : value[1]], text[other[0] : other[1]])
    if not (
        any(v.split()[0].lower() in first_names() for v in pair)
        or all(w[0].isupper() for v in pair for w in v.split())
    ):
        return []  # neither listed nor written as names: a pager's labels ("asc", "desc")
    return [span(*value, "PERSON"), span(*other, "PERSON")]


# A JSON array's first string after a key: `"given": ["Oyelaran", "T."]`.
_ARRAY_FIRST: Final = re.compile(r"[\"']?[ \t]*:[ \t]*\[[ \t]*\"([^\"\n]{1,60})\"")


def _pair_value(text: str, key_end: int, key: str) -> tuple[int, int] | None:
    """The value after a paired key, when shaped like a name and no ordinary word."""
    value = _value_after(text, key_end)
    if value is None:
        # FHIR's HumanName: `"given": ["Oyelaran", "T."]`, the names in an array.
        first = _ARRAY_FIRST.match(text, key_end)
        value = first.span(1) if first is not None else None
    if value is None:
        return None
    words = text[value[0] : value[1]]
    if words.lower() == key or words.lower() in COMMON_WORDS or not plausible(words, "PERSON"):
        return None
    return value


_CELL_EDGES: Final = ",\t|;\n\r"
_CELL_PADDING: Final = " \t\r\"'"


def _whole_cell(low: str, start: int, end: int) -> bool:
    """``start:end`` holds whole cells: a separator, a line's start or
    end on both sides, past spaces and quotes (not "the last week")."""
    before = low[max(0, start - 4) : start].rstrip(" \"'")
    after = low[end : end + 4].lstrip(" \"'")
    return (not before or before[-1] in _CELL_EDGES) and (not after or after[0] in _CELL_EDGES)


def _key(low: str, start: int, end: int) -> tuple[int, int, str | None]:
    """The key around the anchor's word and its label: back over the identifier's
    characters, forward over the rest of it; "Last Name" (two words) is tried when
    the last word alone names nothing."""
    key_end = end
    while key_end < len(low) and (low[key_end].isalnum() or low[key_end] == "_"):
        key_end += 1
    key_start = start
    for words in (1, 2):
        while key_start > 0 and start - key_start < 30 and low[key_start - 1] in _KEY_CHARS:
            key_start -= 1
        label = label_of(low[key_start:key_end])
        if label is not None or words == 2 or key_start < 2 or low[key_start - 1] != " ":
            return key_start, key_end, label
        key_start -= 1  # over the space, to the word before
    return key_start, key_end, None


def _value_after(text: str, key_end: int) -> tuple[int, int] | None:
    """The value a key is given (quoted, bare to the line's end or a separator, or an
    XML element's text), or None where the key is not followed by one (a header)."""
    # What _AFTER_KEY needs, read first (most keys found are words of prose): after a
    # closing quote or bracket and spaces, an "=", ":" or ">".
    i, n = key_end, len(text)
    if i < n and text[i] in "\"'`]":
        i += 1
    while i < n and text[i] in " \t":
        i += 1
    if i == n or text[i] not in "=:>":
        return None
    return _value_after_separator(text, key_end)


# After a form's question: an arrow, a colon, a dash or the line's end, then the answer.
# A form's "Q: ... A:" too, on the question's line ("Q: Your name? A: jo-anne ...").
_ANSWER_AFTER: Final = re.compile(
    r"[ \t]*+(?:→|->|=>|:|-|–|\r?\n|(?:A|Answer|Antwort|Réponse|Respuesta|Risposta|Resposta)"
    r"[ \t]*+[:.)])[ \t]*+"
)


def _answer_after(text: str, after_question: int) -> tuple[int, int] | None:
    """The answer to a form's question about a key ("Q1 What's your name? → ibrahim
    al-hashimi", "Your surname?\nOkafor"): the rest of its line."""
    sep = _ANSWER_AFTER.match(text, after_question)
    if sep is None:
        return None
    bare = _bare(text, sep.end())
    if bare is None:
        return None
    start, end = bare
    value = text[start:end].rstrip(" .\t\r")
    # The form's help text, not an answer ("Leave blank if unknown", "Please use
    # Latin characters"): an ordinary word among the words, not a particle (review30).
    if any(w in NOT_IN_A_NAME and w not in PARTICLES for w in value.lower().split()):
        return None
    return (start, start + len(value)) if value else None


# "Your name?": the question asks for the name of the one who answers.
_YOUR: Final = frozenset("your ihr dein deine votre ton tu su seu teu uw jouw vostro tuo".split())


def _asks_for_yours(low: str, key_start: int) -> bool:
    """The word before the key at ``key_start`` is "your" in a claimed language."""
    before = low[max(0, key_start - 12) : key_start].split()
    return bool(before) and before[-1] in _YOUR


def _value_after_separator(text: str, key_end: int) -> tuple[int, int] | None:
    """_value_after without its first test: the separator read by _AFTER_KEY alone
    (the reference its test compares it with)."""
    sep = _AFTER_KEY.match(text, key_end)
    if sep is None or sep.end() == key_end:
        return None
    quoted = _QUOTED.match(text, sep.end())
    if quoted is not None:
        return quoted.start(1), quoted.end(1)
    bare = _bare(text, sep.end())
    if bare is None:
        return None
    start, end = bare
    value = text[start:end].rstrip(" .\t\r")
    return (start, start + len(value)) if value else None


def _bare(text: str, start: int) -> tuple[int, int] | None:
    """Where a bare value at ``start`` ends: before the next " key=" inside its run,
    else at the separator ending the run; None for a run longer than a value."""
    run = _BARE.match(text, start)
    if run is None:
        return None
    end = run.end()
    if text.find("=", start + 1, end) >= 0:
        pair = _NEXT_PAIR.search(text, start + 1, end)
        if pair is not None:
            return start, pair.start()
    if end - start == 120 and end < len(text) and text[end] not in _BARE_STOPS:
        return None  # no separator within 120 characters: not a value
    return start, end


def _table_cells(text: str, line_start: int, out: list[Span]) -> int:
    """A header line (cells split by one separator) whose columns name persons or
    addresses: the plausible cells under them, down to the first line with another
    number of cells, added to ``out``; returns where the rows read end (a line up to
    there is a row, not another header: read again, rows of rows are quadratic)."""
    header_end = text.find("\n", line_start)
    if header_end < 0:
        return line_start
    header = text[line_start:header_end]
    # Whether the line can hold a pair of columns at all (a cell that is the word
    # holds it): most lines read here are prose, with no column named.
    may_pair: bool | None = None
    for sep in _SEPARATORS:
        cells = header.split(sep)
        if len(cells) < 2:
            continue
        columns = {i: label for i, cell in enumerate(cells) if (label := label_of(cell.strip()))}
        if not columns:
            if may_pair is None:
                low = header.lower()
                may_pair = any(a in low and b in low for a, b in _PAIRED_COLUMNS)
            if not may_pair:
                continue
        named = [cell.strip(_CELL_PADDING).lower() for cell in cells]
        for pair in _PAIRED_COLUMNS:
            if all(word in named for word in pair):
                columns.update((named.index(word), "PERSON") for word in pair)
        if not columns:
            continue
        # A loose column ("Name") is a person's when most of its cells are names by
        # themselves (two words or more, the first a first name): then its other
        # cells shaped like a name are too ("Li Wei" under "Tobias Nyström").
        loose: list[tuple[int, int]] = []
        named_cells = loose_cells = 0
        pos = header_end + 1
        while pos < len(text):
            end = text.find("\n", pos)
            end = len(text) if end < 0 else end
            row = text[pos:end]
            parts = row.split(sep)
            if len(parts) != len(cells) and '"' in row:
                parts = _cells(row, sep)  # a quoted cell holding the separator
            if len(parts) != len(cells):
                break
            offset = pos
            for i, cell in enumerate(parts):
                label = columns.get(i)
                value = cell.strip(_CELL_PADDING)  # a CSV's quotes are no part of it
                if label is not None and value and value.lower() != named[i]:
                    start = offset + cell.index(value)
                    if plausible(value, label):
                        out.append(span(start, start + len(value), label.rstrip("?")))
                        named_cells += label == "PERSON?"
                    elif label == "PERSON?" and _name_alone(value):
                        loose.append((start, start + len(value)))
                    loose_cells += label == "PERSON?"
                offset += len(cell) + len(sep)
            pos = end + 1
        if loose and 2 * named_cells >= loose_cells:
            out.extend(span(start, end, "PERSON") for start, end in loose)
        return pos
    return line_start


def _cells(row: str, sep: str) -> list[str]:
    """``row.split(sep)``, but a CSV cell in double quotes is one cell whatever it holds
    (`"Avda. de la Constitución 18, 4º B"`: its commas split the row into more cells than
    its header, and the table's reading stopped there). Each cell as written, quotes
    and spaces around it included (its offset is the lengths before it); a quote left
    open splits as before."""
    if '"' not in row:
        return row.split(sep)
    out: list[str] = []
    i, n = 0, len(row)
    while True:
        j = i
        while j < n and row[j] in " \t":
            j += 1
        after = i
        if j < n and row[j] == '"':
            k = j + 1
            while True:
                k = row.find('"', k)
                if k < 0:
                    return row.split(sep)
                if row[k + 1 : k + 2] != '"':
                    break
                k += 2
            after = k + 1
        e = row.find(sep, after)
        if e < 0:
            out.append(row[i:])
            return out
        out.append(row[i:e])
        i = e + len(sep)


def _name_alone(value: str) -> bool:
    """Shaped like a name, a given name of the lists among its words, and no ordinary
    word, firm's or role's in it ("Li Wei" in a column of customers' names; not
    "Seattle Coffee Co", nor a brand and its product: "Hennessy Cognac", "Grey
    Goose")."""
    if not plausible(value, "PERSON"):
        return False
    words = [strip_accents(w) for w in value.lower().replace(".", " ").split()]
    given = first_names()
    return not any(w in NOT_IN_A_NAME for w in words) and any(w in given for w in words)


# SQL's INSERT: the columns named, then the rows of values in the same order.
_INSERT: Final = re.compile(
    r"insert\s+into\s+[\w.\"`\[\]]+\s*\(([^()]{1,2000})\)\s*values\s*", re.IGNORECASE
)
# After a column's name in a list of columns: its closing quote, then "," or ")".
_COLUMN_END: Final = re.compile(r"[\"`\]]?\s*[,)]")
# One value of a row: a string literal ('' is a quote inside it; N'...' SQL Server's
# Unicode one, E'...' PostgreSQL's escaped one, "..." MySQL's), a call (NOW(),
# TO_DATE('...', '...'): read as one value, not the end of the row) or a bare one.
# Possessive: a doubled quote is an escaped one, never a literal closed and another
# opened (both ways tried in a call: exponential in a run of them).
_SQL_VALUE: Final = re.compile(
    r"\s*+(?:[NnEe]?'(?P<s>(?:[^'\n]|'')*+)'|\"(?P<d>(?:[^\"\n]|\"\")*+)\""
    r"|\w++\((?:[^()'\n]|'(?:[^'\n]|'')*+')*+\)|[^,()'\"\s]++)\s*+"
)
_SQL_NEXT_ROW: Final = re.compile(r"\s*,\s*\(")


def _column_end(text: str, i: int) -> bool:
    """Whether _COLUMN_END matches at ``i`` (a closing quote or bracket, white space,
    then "," or ")"), read without a regex call: most keys found are words of prose."""
    n = len(text)
    if i < n and text[i] in '"`]':
        i += 1
    while i < n and text[i].isspace():
        i += 1
    return i < n and text[i] in ",)"


def _insert_at(text: str, low: str, key_start: int) -> re.Match[str] | None:
    """The INSERT statement whose column list holds the key at ``key_start``."""
    at = low.rfind("insert", max(0, key_start - 2000), key_start)
    if at < 0:
        return None
    m = _INSERT.match(text, at)
    return m if m is not None and m.start(1) <= key_start < m.end(1) else None


def _inserted_values(text: str, insert: re.Match[str]) -> list[Span]:
    """The string values of the columns that name persons or addresses, in each row."""
    columns = [label_of(c.strip(' \t\n"`[]')) for c in insert.group(1).split(",")]
    out: list[Span] = []
    pos = insert.end()
    while pos < len(text) and text[pos] == "(":
        pos += 1
        for label in [*columns, None]:
            m = _SQL_VALUE.match(text, pos)
            if m is None:
                break
            quote = "s" if m.group("s") is not None else "d"
            value = m.group(quote)  # N'...', E'...' and "..." (MySQL) too; '' is a quote
            if label is not None and value and plausible(value.replace("''", "'"), label):
                out.append(span(m.start(quote), m.end(quote), label.rstrip("?")))
            pos = m.end()
            if text[pos : pos + 1] != ",":
                break
            pos += 1
        if text[pos : pos + 1] != ")":
            break
        row = _SQL_NEXT_ROW.match(text, pos + 1)
        if row is None:
            break
        pos = row.end() - 1
    return out
