"""Values labelled by the key or table column that names them, in any case."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zdr.detect import DetectorSet

DETECT = DetectorSet()


def found(text: str) -> set[tuple[str, str]]:
    return {(text[s.start : s.end], s.label) for s in DETECT.detect(text)}


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("surname: müller\n", "müller", "PERSON"),
        ("user=ops first_name=ana status=ok", "ana", "PERSON"),
        ('{"lastName": "kowalczyk", "plan": "pro"}', "kowalczyk", "PERSON"),
        ("<familyName>van der berg</familyName>", "van der berg", "PERSON"),
        ("owner: sean navarro", "sean navarro", "PERSON"),
        ("<street>12 elm row</street>", "12 elm row", "STREET_ADDRESS"),
        ("shipping_address: 4 rue des lilas", "4 rue des lilas", "STREET_ADDRESS"),
        (
            "id,full_name,city\n1,ana da silva,porto\n2,jan de vries,utrecht\n",
            "jan de vries",
            "PERSON",
        ),
        ("| Nachname | Ort |\n|---|---|\n| schulze | köln |\n", "schulze", "PERSON"),
        ("id\tname\tplan\n7\tmaria lopez\tpro\n", "maria lopez", "PERSON"),
        # "first" and "last" name a person's only as a pair of columns.
        (
            "| first | last | city |\n|---|---|---|\n| Nkosana | Dlamini | Durban |",
            "Nkosana",
            "PERSON",
        ),
        ("First,Last,Email\nwanjiru,otieno,w@x.org\n", "wanjiru", "PERSON"),
        ("given\tfamily\nYuki\tTanaka\n", "Tanaka", "PERSON"),
        # A "Name" column most of whose cells are names: its other name-shaped cells.
        (
            "Name | Stage\nTobias Nyström | Onsite\nAdaeze Nwosu | Offer\nLi Wei | Phone\n",
            "Li Wei",
            "PERSON",
        ),
    ],
)
def test_a_key_or_column_labels_its_value(text: str, value: str, label: str) -> None:
    assert (value, label) in found(text), found(text)


@pytest.mark.parametrize(
    "text",
    [
        "filename: report final.pdf",  # a key that only ends like one
        "hostname: build agent",
        "name: Build and test",  # a CI step, not a person (common words)
        "address: none",
        "What is your name? Please tell me.",
        "first,count\nalpha,3\nbeta,4\n",  # "first" alone names no person
        "last: updated yesterday",
        "name,price\nWidget Pro,3\nGadget,4\nBlue Box,5\n",  # a "Name" column of products
    ],
)
def test_other_keys_and_values_are_left_alone(text: str) -> None:
    assert not {
        v for v, label in found(text) if label in ("PERSON", "STREET_ADDRESS") and v != "Build"
    }, found(text)


def test_a_firm_in_a_column_of_names_is_left() -> None:
    text = "name\tcity\nPaloma Ruiz\tBarcelona\nSeattle Coffee Co\tSeattle\n"
    assert "Seattle Coffee Co" not in {v for v, _ in found(text)}, found(text)


def test_an_insert_labels_the_values_of_its_columns() -> None:
    text = (
        'insert into customers ("id", "full_name", street_address, plan) values\n'
        "  (1, 'ekow asante', '12 ring road east', 'pro'),\n"
        "  (2, 'lina haddad', '7 rue gouraud', 'free');"
    )
    assert {
        ("ekow asante", "PERSON"),
        ("lina haddad", "PERSON"),
        ("12 ring road east", "STREET_ADDRESS"),
        ("7 rue gouraud", "STREET_ADDRESS"),
    } <= found(text), found(text)
    assert not {v for v, _ in found(text) if v in ("pro", "free", "1", "2")}


@pytest.mark.parametrize(
    ("text", "values"),
    [
        # SQL Server's Unicode literals (N'...'), as its scripts write every string.
        ("INSERT INTO dbo.Customers (FirstName, LastName) VALUES (N'Qadim', N'Sunder');",
         {"Qadim", "Sunder"}),
        # A call before the names: the row read on past it, and the next row too.
        ("INSERT INTO staff (id, hired, first_name, last_name) VALUES "
         "(1, TO_DATE('2020-01-01', 'YYYY-MM-DD'), 'Qadim', 'Sunder'), "
         "(2, NOW(), 'Ekow', 'Asante');",
         {"Qadim", "Sunder", "Ekow", "Asante"}),
        # A quote written twice inside the literal is one quote of the name.
        ("INSERT INTO users (first_name, last_name) VALUES ('Qadim', 'O''Sunder')",
         {"Qadim", "O''Sunder"}),
    ],
)  # fmt: skip
def test_an_insert_reads_sql_literals_and_calls(text: str, values: set[str]) -> None:
    assert {(v, "PERSON") for v in values} <= found(text), found(text)


def test_a_call_of_quotes_in_an_insert_is_read_in_linear_time() -> None:
    """A call's doubled quotes are read one way only: tried as literals closed and
    opened too, 26 of them took 3.6 s."""
    started = time.perf_counter()
    found("INSERT INTO t (first_name) VALUES (f(" + "''" * 5000 + "x")
    assert time.perf_counter() - started < 1.0


def test_a_birth_date_column_of_an_insert_or_a_table_labels_its_dates() -> None:
    # The column named far from its value: the birth word is no cue at that distance.
    text = (
        "INSERT INTO patients (first_name, last_name, email, dob, street, zip) VALUES "
        "('Ekow', 'Asante', 'ekow.asante@example.org', '1979-06-02', '12 Ring Road', "
        "'00233'), ('Lina', 'Haddad', 'lina@example.org', '12/03/1988', '7 Rue X', '75001');"
    )
    assert {("1979-06-02", "DATE_OF_BIRTH"), ("12/03/1988", "DATE_OF_BIRTH")} <= found(text)
    # A semicolon-separated table (Europe's CSV) and a TSV, the date column last.
    text = "Nom;Prénom;Ville;CP;Né(e) le\nDURAND;Léa;Lyon;69007;1994-11-05"
    assert ("1994-11-05", "DATE_OF_BIRTH") in found(text), found(text)
    text = "Name\tCity\tNote\tGeburtsdatum\nJonas Weber\tKöln\tVIP\t12.03.1985"
    assert ("12.03.1985", "DATE_OF_BIRTH") in found(text), found(text)
    # A compact date after its key on a line of such separators: the key's cue still holds.
    text = "fields: ssn=433168623; dob=19880214; first=KOJO; last=ANSAH"
    assert ("19880214", "DATE_OF_BIRTH") in found(text), found(text)


def test_a_birth_date_column_holds_only_dates() -> None:
    text = "INSERT INTO t (first_name, dob) VALUES ('Ana', 'unknown'), ('Bo', '2199-01-01');"
    assert not {v for v, label in found(text) if label == "DATE_OF_BIRTH"}, found(text)


def test_an_insert_into_other_columns_labels_nothing() -> None:
    text = "INSERT INTO products (name, price) VALUES ('Blue Widget', 3), ('Desk Lamp', 4);"
    assert found(text) == set()


def test_an_address_ends_before_the_quote_closing_its_literal() -> None:
    assert ("7 Rue Gouraud", "STREET_ADDRESS") in found("x = ('Lina', '7 Rue Gouraud');")


def test_an_insert_reads_every_quoting() -> None:
    text = (
        "INSERT INTO users (first_name, last_name) "
        "VALUES (N'Saoirse', \"O'Brien\"), ('Ana', 'D''Souza');"
    )
    assert {("Saoirse", "PERSON"), ("O'Brien", "PERSON"), ("D''Souza", "PERSON")} <= found(text)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # A CSV's quoted header and cells, whatever the separator.
        (
            '"Surname";"Forename";"Tel"\n"Müller-Lüdenscheidt";"Heinz";"0235"',
            ["Müller-Lüdenscheidt", "Heinz"],
        ),
        ('"surname","city"\n"Papadopoulou","Köln"', ["Papadopoulou"]),
        # The pair first/last as keys of one record.
        ("ssn=***; first=KOJO; last=ANSAH; phone=***", ["KOJO", "ANSAH"]),
        ('{"user":{"first":"Oyelaran","last":"Bankole"}}', ["Oyelaran", "Bankole"]),
        ("first=true; last=false", []),  # no name's shape
        ('{"first": "First", "prev": "Back", "last": "Last"}', []),  # a pager's labels
        ("first=asc; last=desc", []),
        ("sort: first=1, last=9", []),
        ("step first=Anna", ["Anna"]),  # no partner: the lists' name only
        # A surname in capitals first, after a name key.
        ("Full name: HASSAN, Omar Farouk\nDate of birth: x", ["HASSAN, Omar Farouk"]),
        ("name: ACME, Inc.", []),
    ],
)
def test_pairs_quotes_and_surnames_first(text: str, names: list[str]) -> None:
    assert [text[s.start : s.end] for s in DETECT.detect(text) if s.label == "PERSON"] == names


_AROUND_KEY = "\"`]' ,)\t\n\u00a0\u2003x=:>"


@settings(max_examples=3000)
@given(st.text(alphabet=_AROUND_KEY, max_size=8) | st.text(max_size=8))
def test_column_end_reads_as_its_regex(after: str) -> None:
    from zdr.detect.fields import _COLUMN_END, _column_end

    text = "name" + after
    assert _column_end(text, 4) == (_COLUMN_END.match(text, 4) is not None)


@settings(max_examples=3000)
@given(st.text(alphabet=_AROUND_KEY, max_size=8) | st.text(max_size=8))
def test_value_after_reads_the_separator_as_its_regex(after: str) -> None:
    from zdr.detect.fields import _value_after, _value_after_separator

    text = "name" + after
    assert _value_after(text, 4) == _value_after_separator(text, 4)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Q1 What's your name? → ibrahim al-hashimi\nQ2 Email → x@y.org", "ibrahim al-hashimi"),
        ("Your surname?\nOkafor\n", "Okafor"),
        ("Full name? - Adaeze Nwosu", "Adaeze Nwosu"),
    ],
)
def test_the_answer_to_a_question_about_a_person_key(text: str, value: str) -> None:
    assert (value, "PERSON") in found(text), found(text)


@pytest.mark.parametrize(
    "text",
    [
        "What is the file name?\nconfig",
        "What's the product name? - Grey Goose",
        "What is your name? Please tell me.",
        # A brand and its product in a column of names: no given name of the lists.
        "name,price\nHennessy Cognac,45.00\nJohnnie Walker,30.00\nMaria Lopez,12\n",
    ],
)
def test_questions_and_products_are_no_answers(text: str) -> None:
    assert not {v for v, label in found(text) if label == "PERSON"} & {
        "config",
        "Grey Goose",
        "Please tell me",
        "Hennessy Cognac",
    }, found(text)


@pytest.mark.parametrize(
    "text",
    ["Your surname?\nLeave blank if unknown", "Your surname?\nPlease use Latin characters"],
)
def test_a_form_questions_help_text_is_no_answer(text: str) -> None:
    """review30: the line after a question about a person key was taken whole."""
    assert [s for s in DETECT.detect(text) if s.label == "PERSON"] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a form's "Q: ... A:" answer to "Your name?" (stop 32)
        (
            "Typeform response\nQ: Your name? A: jo-anne mcallister-nkemelu\nQ: Best email? A: -",
            "jo-anne mcallister-nkemelu",
        ),
        # FHIR's HumanName: the given names in an array
        ('{"patient":{"given":["Oyelaran","T."],"family":"Adewale"}}', "Oyelaran"),
        # a nickname in parentheses in a cell of a name column
        ("naam,adres\nP. (Pieter) Jansen,Oudegracht 231\nJ. de Vries,Laan 3", "P. (Pieter) Jansen"),
    ],
)
def test_form_answers_and_fhir_given_names(text: str, value: str) -> None:
    assert (value, "PERSON") in found(text)


@pytest.mark.parametrize(
    "text", ["Q: Project name? A: apollo", '{"given": ["true"], "family": "x"}']
)
def test_other_answers_and_arrays_left(text: str) -> None:
    assert not {v for v, label in found(text) if label == "PERSON"}


# stop 33 (names33): names and birth dates by a record's standard structure, keys in
# other scripts, quoted CSV cells.
_HL7 = (
    "MSH|^~\\&|LAB|GENHOSP|||202612011200||ORU^R01|77|P|2.5\r"
    "PID|1||448812^^^GH||NAKAMURA^HARUKI^T||19850617|M|||9 OAK ST^^AKRON^OH^44301\r"
    "NK1|1|NAKAMURA^EMI|SPO\r"
    "PV1|1|O|CLINIC2||||0042^OKAFOR^CHIDI^^^DR|||\r"
    "OBX|1|NM|GLU^Glucose^L||5.4|mmol/L"
)


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        (_HL7, "NAKAMURA^HARUKI^T", "PERSON"),
        (_HL7, "19850617", "DATE_OF_BIRTH"),
        (_HL7, "NAKAMURA^EMI", "PERSON"),
        (_HL7, "OKAFOR^CHIDI^^^DR", "PERSON"),
        (
            "PID|1||X9||o'brien^siobhan||19920230|F\nGT1|1||O'BRIEN^LIAM|||||19600101",
            "O'BRIEN^LIAM",
            "PERSON",
        ),
        (
            "PID|1||X9||o'brien^siobhan||19920230|F\nGT1|1||O'BRIEN^LIAM|||||19600101",
            "19600101",
            "DATE_OF_BIRTH",
        ),
        ("氏名：山田 花子\n電話：03-1234-5678", "山田 花子", "PERSON"),
        ("이름: 박지훈\n연락처: 010-1111-2222", "박지훈", "PERSON"),
        ("ФИО: Петров Иван Сергеевич, палата 4", "Петров Иван Сергеевич", "PERSON"),
        ("Όνομα: Νίκος Παπαδόπουλος", "Νίκος Παπαδόπουλος", "PERSON"),
        ("姓名：王小明（Wang Xiaoming）\n", "王小明", "PERSON"),
        ("姓名：王小明（Wang Xiaoming）\n", "Wang Xiaoming", "PERSON"),
        ("الاسم: فاطمة الزهراء\n", "فاطمة الزهراء", "PERSON"),
        ("ATTENDEE;CN=Farah Haddad;RSVP=TRUE:mailto:f.h@example.org", "Farah Haddad", "PERSON"),
        ('ORGANIZER;CN="Okoro, Chinedu":mailto:c@example.org', "Okoro, Chinedu", "PERSON"),
        (
            'apellido,nombre,ciudad\n"Pérez Galdós","Benito","Las Palmas, Gran Canaria"\n',
            "Pérez Galdós",
            "PERSON",
        ),
        ("nombre;fecha_nac;ciudad\nAna;1990-05-12;Lima\n", "1990-05-12", "DATE_OF_BIRTH"),
        ("nome_cliente: roberto lima\n", "roberto lima", "PERSON"),
        ("kundenname=Jürgen Weiß;plz=10115", "Jürgen Weiß", "PERSON"),
        ("Patiente née le 12 déc. 1984 à Nantes", "12 déc. 1984", "DATE_OF_BIRTH"),
        ("la signora, nata il 3 giu 1979, chiede", "3 giu 1979", "DATE_OF_BIRTH"),
    ],
)
def test_standard_records_keys_in_other_scripts(text: str, value: str, label: str) -> None:
    assert (value, label) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        _HL7.split("\r")[-1],  # a lab result: no person
        "PID|USER|COMMAND\n1234|root|nginx\n88|www|php-fpm",  # a process table
        "PID|1||X9||||",
        "客户：北京某某科技有限公司的采购部门",
        "客户：腾讯科技有限公司",
        "клиент: постоянный покупатель",
        "고객: VIP",
        "Имя: не указано",
        "名前：",
        "ATTENDEE;CN=Marketing Team:mailto:team@example.org",
        "ATTENDEE;CN=Boardroom 4B:mailto:room@example.org",
        "ATTENDEE;CN=Boardroom:mailto:room@example.org",
    ],
)
def test_records_and_keys_without_a_person(text: str) -> None:
    assert not {v for v, label in found(text) if label in ("PERSON", "DATE_OF_BIRTH")}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('s.authors = ["Kenji Watanabe", "Brown, Alicia"]', "Brown, Alicia"),
        ('authors = ["Mihaela Popescu <m.p@example.ro>"]', "Mihaela Popescu"),
        ('"contributors": [\n  "ana lima (https://example.org/ana)",\n  "Bo Kim"\n]', "ana lima"),
    ],
)
def test_people_arrays(text: str, value: str) -> None:
    assert (value, "PERSON") in found(text)


@pytest.mark.parametrize(
    "text",
    [
        '"maintainers": ["@org/platform-team", "build-bot"]',
        'owners = ["team-payments", "Platform Team"]',
        'authors = ["the rust project developers"]',
    ],
)
def test_people_arrays_without_people(text: str) -> None:
    assert not {v for v, label in found(text) if label == "PERSON"}
