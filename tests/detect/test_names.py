"""Person names beyond a capitalised first name: surnames of the Census list, middle
initials, names in lower case after a cue or in a text with no capitals, sign-offs,
and the look-alikes that must stay (firms, places, company_name keys)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zdr.detect import DetectorSet

DETECT = DetectorSet().detect


def persons(text: str) -> list[str]:
    return [text[s.start : s.end] for s in DETECT(text) if s.label == "PERSON"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("I want to add Miki C Kristiansen as a beneficiary", ["Miki C Kristiansen"]),
        ("John A. Leiva will be talking", ["John A. Leiva"]),
        ("From the film (also features Kate M Begum. What's not to love?", ["Kate M Begum"]),
        ('"Good news," says Hodgkins.', ["Hodgkins"]),
        ("the verses from Pinabel Marcil's Cautionary Tales", ["Pinabel Marcil"]),
        ("my name is eva kowalczyk and i need help", ["eva kowalczyk"]),
        # After "my name is" any word not an ordinary one, in any lexicon or none.
        ("hi, my name is oyelaran", ["oyelaran"]),
        ("je m'appelle ondine", ["ondine"]),
        ("they had 3: kristina, christopher and caleb.", ["kristina", "christopher", "caleb"]),
        ("Thanks for the help.\n\nBest,\nWarrane", ["Warrane"]),
    ],
)
def test_names_found(text: str, names: list[str]) -> None:
    assert persons(text) == names


@pytest.mark.parametrize(
    "text",
    [
        'company_name = "Acme Widgets"',
        "Dobrosław Tomaszewski of Fernandez Inc. called",  # the firm stays
        "We drove back to Tomaszewski by helicopter, then from Kowalczyk to Sopot.",
        'resource "aws_instance" "bastion" {\n  ami = "ami-0263a1c38"\n}',
        "Thank you for the invoice, see you tomorrow.",
    ],
)
def test_look_alikes_left(text: str) -> None:
    found = persons(text)
    assert "Fernandez" not in " ".join(found) and "Acme" not in " ".join(found)
    assert not any(n in ("Tomaszewski", "Kowalczyk", "ami", "Thank") for n in found), found


@pytest.mark.parametrize(
    "text",
    ["the file name is config and it is broken", "call me later", "my name is not important"],
)
def test_no_lower_case_name_without_a_first_person_cue(text: str) -> None:
    assert persons(text) == []


def test_lower_case_only_in_prose() -> None:
    # A text with no capital letter that is code, not prose: no lower-case names.
    assert persons("optimizer = adam(lr=0.01); model = christopher_net()") == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # The Census list spells surnames without accents; the text may not.
        ("The form was signed by Zofia Kowalczýk yesterday", ["Zofia Kowalczýk"]),
        ("Ask Márta Sörös about it", ["Márta Sörös"]),
        # A middle initial between two capitalised words neither list holds.
        ("Mohmad R. Vizirov will be talking", ["Mohmad R. Vizirov"]),
        ("What's your name? Jildau S. Bouts", ["Jildau S. Bouts"]),
    ],
)
def test_names_outside_the_lists_by_shape(text: str, names: list[str]) -> None:
    assert persons(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "I'm in Hernani, at the conference",  # a first name alone after "in": a place
        "Choose Plan B Options in the menu",  # "B" alone between words, no dot: not "B."
        "Vitamin A Supplements are on aisle 4",  # "A" is a word
        "See Section A. Overview",  # "A." ends a sentence as often as it is an initial
        "Ask for Vitamin D Supplements",  # no dot: a letter, not an initial
    ],
)
def test_shapes_that_are_not_names(text: str) -> None:
    assert persons(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # Every item of a list of people after its label, in either order of the parts.
        (
            "Attendees: Okonkwo, Adaeze; Lindqvist, Per; Hart, S.",
            ["Okonkwo", "Adaeze", "Lindqvist", "Per", "Hart"],
        ),
        (
            "To: Ama Mensah, Kofi Boateng and Ruairí Ó Briain",
            ["Ama Mensah", "Kofi Boateng", "Ruairí Ó Briain"],
        ),
        ("Name: Sunder, Qadim   Date of birth: 6 December 1981", ["Sunder", "Qadim"]),
        # The sender's name under a signature delimiter.
        ("Sent from my phone\n-- \nKwame", ["Kwame"]),
        # Lower-case names after a title, and "my name is" in the languages zdr claims.
        ("pls ask dr. helena ruiz about it", ["helena ruiz"]),
        ("reach out to mrs. okafor today", ["okafor"]),
        ("mi nombre es josé luis fernández y necesito ayuda", ["josé luis fernández"]),
        ("mon nom est élodie durand", ["élodie durand"]),
        ("Geachte heer Van den Broek, uw klantnummer is 88123.", ["Van den Broek"]),
        # After a relation to the writer or a role, a word of the name lists.
        ("her husband emeka placed the order", ["emeka"]),
        ("interview notes for candidate shreya banerjee, round 2", ["shreya banerjee"]),
        ("mi esposo andrés llamó ayer", ["andrés"]),
        ("my friend dragana said it was fine", ["dragana"]),
        # A surname in capitals beside a name, a hyphenated given name's rest, an
        # unknown first name before a name of the lists inside a sentence.
        (
            "Staff: KOVALENKO Oleksandr, LEE Seo-yeon and Bruno DA SILVA",
            ["KOVALENKO Oleksandr", "LEE Seo-yeon", "Bruno DA SILVA"],
        ),
        ("yesterday we met Haruto Sato at the expo", ["Haruto Sato"]),
        # Signed after a dash on the last line.
        ("ok that works for me, thanks!\n\n- rahim", ["rahim"]),
    ],
)
def test_names_in_lists_signatures_and_lower_case_cues(text: str, names: list[str]) -> None:
    assert persons(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # A job title, a firm or a place after a name is no second name.
        ("Contact: Lea Roy, Founder & CEO", ["Lea Roy"]),
        ("Contact: Hellena da Conceição, Legal Counsel", ["Hellena da Conceição"]),
        ("To: Kofi Boateng, Accra office", ["Kofi Boateng"]),
        ("Customer: Okafor, Lagos", ["Okafor"]),
        # A title's letters inside a word, a title before a capitalised or ordinary word.
        ("export it from ms word first", []),
        ("ask dr. who knows", []),
        ("a dash line\n--\nthe end", []),
        ("my friend said the patient care team was great", []),
        ("todo:\n- update\n- deploy", []),
        ("thanks\n\n- the team", []),
        ("Call Maria ASAP, the IT desk is down", ["Maria"]),
        ("The Product Owner Maria joins today", ["Maria"]),  # a title's words before it
        # Places and institutions named after saints or people.
        ("We stayed near St Mary's Hospital, then flew to São Paulo", []),
        ("I met Maria at the Hotel Alfama Lisboa in San Francisco", ["Maria"]),
        ("Dr. Santo Rossi will see you", ["Santo Rossi"]),
        # A firm's word in prose after a name's possessive, a saint's word before more
        # than one word: still a person.
        ("Please forward this to John Smith's band manager.", ["John Smith"]),
        ("the clinic Maria Santos runs is nice", ["Maria Santos"]),
        ("Call St John Rivers about the invoice.", ["John Rivers"]),
        # A count after a hotel is no house number; a number that may be one keeps it.
        ("Booking: Hotel Alfama Lisboa, 2 nights, guest Rui Fonseca", ["Rui Fonseca"]),
        ("deliver to Hotel Maria Santos, 12 Elm Row", ["Maria Santos"]),
        # A title's parts are no name ("Dr. med.", "Dra."), the name after them is.
        ("Name: Dr. med. Felicitas von Arnim", ["Felicitas von Arnim"]),
        ("ask dr. med. dent. helena ruiz", ["helena ruiz"]),
        ("Prezada Dra. Conceição, o paciente", ["Conceição"]),
        # After a cue, the first word of a title-case phrase or a speaker's opening
        # exclamation is no name; a name key keeps its value.
        ("Sent: Monday\nTo: Ops Team\nSubject: RE: release", []),
        ("Agent: Sure! Could you type your phone number?", []),
        ("Customer: Hello, I moved last month.", []),
        ("Name: Rose, J.", ["Rose"]),
        ("Please inform Dr. Ramírez. Order ref 4417.", ["Ramírez"]),
        ("Agent: Okafor here", ["Okafor"]),
        ("Dear Customer, thank you", []),
        # Review of stop 27: after a title or a greeting a name that is also an
        # ordinary word or a month is a name; a word after it makes no group's name
        # unless it says so; a Census surname that is a first name elsewhere still
        # takes the unknown first name before it.
        ("Hi Jan, thanks", ["Jan"]),
        ("Name: Jan", ["Jan"]),
        ("Mr. Sim will call", ["Sim"]),
        ("Dr. Gentile is in", ["Gentile"]),
        ("Frau Schwarzenegger Bitte rufen Sie an", ["Schwarzenegger"]),
        ("Hi Oyelaran Thanks", ["Oyelaran"]),
        ("Yaw Toure signed", ["Yaw Toure"]),
        ("Med Student: Lina Haddad", ["Lina Haddad"]),
        # Lower-case letters of Latin Extended-B are no capitals ("și").
        ("bună, sunt elena și am o întrebare", ["elena"]),
        ("jessica: can you check the logs", ["jessica"]),
        # Kinship words as titles: the name after one is a name, the word is none.
        ("remind me to call Aunt Bea about Grandpa Joe", ["Bea", "Joe"]),
        ("o endereço da tia Cida é Rua das Acácias 12", ["Cida"]),
        ("[07/12/2026, 09:14:55] Mãe: filho, liga para a Ana", ["Ana"]),
        # A hyphenated given name of two listed ones: with a surname or after a cue;
        # alone it may be a double surname or a firm.
        ("Anne-Sophie Roux called", ["Anne-Sophie Roux"]),
        ("Hi Anne-Sophie, thanks", ["Anne-Sophie"]),
        ("Ramsey-Johnson is a Swedish multinational", []),
        ("Ștefan Popescu a sunat", ["Ștefan Popescu"]),
        ("Policyholder: Bảo Trần (goes by Bao Tran)", ["Bảo Trần", "Bao Tran"]),
        ("Agent: To verify, can you give me your date of birth?", []),
        ("Meet at the Hilton Garden Inn, 1100 Congress Ave.", []),
    ],
)
def test_list_and_cue_look_alikes_left(text: str, names: list[str]) -> None:
    assert persons(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("-- \nSent from my iPhone", []),
        ("thanks\n-- \nKind Regards", []),
        ("SELECT 1;\n--\nSome Comment Here", []),
        ("Migrate to: Kubernetes, Terraform, Ansible", ["Kubernetes"]),  # the list stops
        ("123 maple dr. springfield il", []),
        # A title ending a form's line is that field's answer, no cue for the next line.
        ("Anrede: Herr\nVorname: Wolfgang", ["Wolfgang"]),
        ("Frau Schneider ruft an", ["Schneider"]),
    ],
)
def test_signature_list_and_title_cues_need_their_context(text: str, names: list[str]) -> None:
    assert persons(text) == names


# First names of the world's name registers (nomquamgender's 36 sources, data/
# first_names_world.txt): names gender-guesser's list lacks, capitalised or in a text
# with no capitals.
@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Thanks to Funmilayo for covering the weekend shift.", ["Funmilayo"]),
        ("Lindiwe will bring the contract on Monday.", ["Lindiwe"]),
        ("We met Babajide and Wanjiru at the office.", ["Babajide", "Wanjiru"]),
        ("Met Haruto Sato at the Tokyo office. Haruto: 090", ["Haruto Sato", "Haruto"]),
        ("bday girl alert lindiwe's bday is in march", ["lindiwe"]),
        ("hey!! its oluwadamilare, call me", ["oluwadamilare"]),
        # After "it's" in a text with capitals: a word of the lists with no ordinary word.
        ("Hi, it's ngozi from Lagos, my order is late", ["ngozi"]),
        ("Hello! it’s wanjiru again about the refund", ["wanjiru"]),
    ],
)
def test_first_names_of_the_world(text: str, names: list[str]) -> None:
    assert persons(text) == names


@pytest.mark.parametrize(
    "text",
    [
        # Given names somewhere, but words, months, places, brands and code first.
        "The table is ready. January was quiet. We flew to Nairobi.",
        "According to the Uber website, rides are cheaper at night.",
        "arn:aws:sns:us-east-1:111122223333:alerts",
        "sha: 3f2a, uri: /v1/items, dev: true, ini file loaded",
        "Sig verification failed.",
        "Thanks, it's fine now. It's done, it's Monday and it's late.",
        "EAN 4006381333931 ANE 7",  # a text of capitals: three letters are a code
        "sig mismatch in the dev build, uri parsing too",
    ],
)
def test_world_names_leave_words(text: str) -> None:
    assert persons(text) == []


def test_world_list_holds_no_ordinary_word() -> None:
    from zdr.detect.names import name_list

    world = name_list("first_names_world.txt")
    assert len(world) > 30_000
    assert {"babajide", "ngozi", "lindiwe", "olusegun", "funmilayo"} <= world
    assert not world & {"the", "table", "january", "paris", "london", "uber", "sha", "dev"}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # A name in capitals after a key that names a person, or after a title.
        (
            "payment_methods:\n- type: card\n  holder: TANAKA HIROSHI\n  exp: 09/29",
            ["TANAKA HIROSHI"],
        ),
        ("Dispute: cardholder MORALES-RUIZ, ANDRES, amount $90.", ["MORALES-RUIZ, ANDRES"]),
        ("REC 0012 NAME ADEYEMI FOLASADE B ADDR 4 MARINA RD", ["ADEYEMI FOLASADE B"]),
        ("Plainte : Mrs. LEFEBVRE Anne-Sophie, 3 rue Lamarck", ["LEFEBVRE Anne-Sophie"]),
        ("Caller said Mr. OKONJO would call back", ["OKONJO"]),
    ],
)
def test_names_in_capitals_and_people_lists(text: str, names: list[str]) -> None:
    assert persons(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Company name: ACME CORP",  # a firm's name in capitals after a key
        "SELECT NAME FROM USERS WHERE ID = 1",  # SQL in capitals
        "see MS EXCEL for the sheet",  # a title's letters before a product
    ],
)
def test_capitals_and_lists_leave_words(text: str) -> None:
    assert persons(text) == []


# The checks written as character tests for speed find what the regexes they replace
# find (names._NUMBER_NEAR, _FIRM, _DOMAIN_LABEL; model.local_part_start's loop).
@settings(max_examples=2000)
@given(st.text(alphabet="a 1٣३１²⁵¹𝟘😀\n-", max_size=30) | st.text(max_size=30), st.data())
def test_digit_at_as_the_regex_finds_it(text: str, data: st.DataObject) -> None:
    from zdr.detect.names import _NUMBER_NEAR, _digit_at

    start = data.draw(st.integers(0, len(text) + 3))
    end = data.draw(st.integers(0, len(text) + 3))
    m = _NUMBER_NEAR.search(text, start, end)
    assert _digit_at(text, start, end) == (-1 if m is None else m.start())


_FIRM_PIECES = [
    " Inc", ", LLC", " GmbH", " & ", " and Sons", " e Filhos", " y asociados", " S.A",
    " Co", " Corp", " AG", " B.V", " mbH", " OHG", " KG", " e.V", " Group", " Holdings",
    " Anna", " and", " e", ", ", " ", ",", "x", ".", "\n", "Ltd", "Sons",
]  # fmt: skip


@settings(max_examples=2000)
@given(st.lists(st.sampled_from(_FIRM_PIECES), max_size=4).map("".join), st.data())
def test_firm_after_as_the_regex_finds_it(text: str, data: st.DataObject) -> None:
    from zdr.detect.names import _FIRM, _firm_after

    end = data.draw(st.integers(0, len(text)))
    assert _firm_after(text, end) == (_FIRM.match(text, end) is not None)


@settings(max_examples=2000)
@given(st.text(alphabet="aZ0-._%+@ é\n", max_size=90) | st.text(max_size=40), st.data())
def test_email_parts_as_before(text: str, data: st.DataObject) -> None:
    from zdr.detect.model import _EMAIL_LOCAL_CHARS, local_part_start
    from zdr.detect.names import _DOMAIN_LABEL, _domain_label

    at = data.draw(st.integers(0, len(text)))
    start = at
    while start > 0 and at - start < 64 and text[start - 1] in _EMAIL_LOCAL_CHARS:
        start -= 1
    assert local_part_start(text, at) == start
    assert _domain_label(text, at) == (_DOMAIN_LABEL.match(text, at) is not None)


def test_domain_label_examples() -> None:
    from zdr.detect.names import _domain_label

    assert _domain_label("a@example.com", 2)
    assert not _domain_label("a@example", 2) and not _domain_label("a@.com", 2)
    assert _domain_label("a@" + "x" * 70 + ".com", 2)  # longer than the look-ahead
    assert not _domain_label("a@" + "x" * 70, 2)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # The items of a list after a capitalised people label, in any case; asides
        # and e-mail items passed over.
        (
            "Attendees: ravi s., Min-jun Choi, K. Osei, me\n- ravi to send the deck",
            ["ravi s.", "Min-jun Choi", "K. Osei", "ravi"],
        ),
        # An item with no word of the name lists is a name only with an initial: two
        # capitalised words alone are as often a product or a team (below).
        (
            "Attendees: Nidra Choudhary (nidra@x.in), Warhi Savant, Krish Bumb\n",
            ["Nidra Choudhary", "Krish Bumb"],
        ),
        ("Panelists: Amazon's Werner Vogels, Dr. Jeff Dean", ["Werner Vogels", "Jeff Dean"]),
        ("Cc: ops@x.com, Bo Lindqvist <bo@y.se>, marta", ["Bo Lindqvist", "marta"]),
        # A name of the wider list after a weak cue, with a surname after it.
        ("hola, soy lucía fernández de la vega, el pedido", ["lucía fernández de la vega"]),
        # A nickname in quotes inside a name.
        ("Met Christopher 'Kit' Ambrose-Lyle at the meetup", ["Christopher 'Kit' Ambrose-Lyle"]),
    ],
)
def test_people_lists_weak_cues_and_nicknames(text: str, names: list[str]) -> None:
    assert persons(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Attendees: engineering, product and design",  # teams, not people
        "Participants: 12\nGuests: none",
        "i am fine thanks, it's good",  # no name after a weak cue
        "He said 'Yes' Then left",  # quotes that hold no nickname
        # review29 R1, R3: lists of things after a word that also heads people, items of
        # two capitalised words, a quoted command after a name
        "Speakers: Left Channel, Right Channel, Center Channel",
        "Present: Simple Present, Present Continuous, Present Perfect",
        "Invitees: Marketing Leads, Sales Engineers",
        "Cc: Amazon Web Services, Google Cloud Platform",
        "Asistentes: Recursos Humanos, Ventas",
        "Ask the model 'Summarize' First and wait.",
    ],
)
def test_lists_and_weak_cues_leave_words(text: str) -> None:
    assert persons(text) == []


def test_a_quoted_command_after_a_name_is_no_nickname() -> None:
    assert persons("Ask Jordan 'Why' Twice before you merge.") == ["Jordan"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # Lists of people after a label in any case, a space before its colon or none,
        # and one name a line when the label ends its line.
        ("attendees: anna schmidt, ben okafor", ["anna schmidt", "ben okafor"]),
        ("ATTENDEES: ANNA SCHMIDT, BEN OKAFOR", ["ANNA SCHMIDT", "BEN OKAFOR"]),
        ("Attendees : ravi s., K. Osei", ["ravi s.", "K. Osei"]),
        (
            "Attendees:\n- Anna Schmidt\n- K. Osei\n- ravi\n\nAgenda:\n- Mark the release",
            ["Anna Schmidt", "K. Osei", "ravi"],
        ),
        ("PARTICIPANTS:\nANNA SCHMIDT\nBEN OKAFOR\n\nNOTES", ["ANNA SCHMIDT", "BEN OKAFOR"]),
        # Vietnamese names, family name first.
        (
            "Meeting with Nguyễn Văn An and Trần Thị Bích tomorrow.",
            ["Nguyễn Văn An", "Trần Thị Bích"],
        ),
        ("Customer (Nguyen Van Long): toi can ho tro", ["Nguyen Van Long"]),
        ("meeting moved; Bui Thanh Tam will present", ["Bui Thanh Tam"]),
        # A name of the lists that begins a run after a "name" label, a listed word after.
        ("Name: Hennessy Byrne", ["Hennessy Byrne"]),
        ('{"name": "Maria Savant"}', ["Maria Savant"]),
    ],
)
def test_lists_in_any_case_vietnamese_and_name_labels(text: str, names: list[str]) -> None:
    assert persons(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "it's parker pen, not a pencil",  # a word of the wider list after a weak cue
        "name: Hennessy Cognac",  # a brand and its product under a loose key
        '{"name": "Hennessy Cognac", "price": 45}',
        '{"name": "Grey Goose"}',
        "Participants: 12\nGuests: none",
        "https://cc:pw@x.org/a mailto:cc@x.org",  # no label, a URL's parts
        "Le Monde reported it. Do Not Disturb. To Do list.",
        "Click here to sign. Everyone here agrees. Start here",
        "Ben & Jerry's, Johnson & Johnson, Marks & Spencer, Anna & Ben Jones LLC",
        "Per my notes we ship on Friday. Sue the vendor.",
        "| Task | Due |\n|---|---|\n| Contract | 03/08 |",
        "Sony (ソニー) stays a firm",
    ],
)
def test_lists_vietnamese_here_couples_and_scripts_leave_words(text: str) -> None:
    assert persons(text) == [], persons(text)


def test_a_list_one_name_a_line_ends_at_a_blank_line() -> None:
    text = "Attendees:\n- Anna Schmidt\n\nNotes:\n- Anna Schmidt met Olivia"
    # The names under "Notes:" are found as capitalised names, not as list items.
    assert "Olivia" in persons(text)
    assert persons("Invitees:\n\nWe ship on Friday with Ravi") == ["Ravi"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("PNR X7K2LM  ANDERSEN/RASMUS MR  CPH-BKK", ["ANDERSEN/RASMUS"]),
        (
            "1.1OKONKWO/ADAEZE NGOZI MS 2.1HALVORSEN/TOMAS MR",
            ["OKONKWO/ADAEZE NGOZI", "HALVORSEN/TOMAS"],
        ),
        ("Passenger name: XQWERT/ZYXWV MR", ["XQWERT/ZYXWV"]),  # unlisted, a title after
        ("AND/OR, TCP/IP, CI/CD, UI/UX, N/A, INPUT/OUTPUT, AC/DC, GET /API/V1", []),
        ("see XQWERT/ZYXWV for the spec", []),  # unlisted, no title
    ],
)
def test_names_as_airlines_write_them(text: str, names: list[str]) -> None:
    assert persons(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Caller = MARGARET O'CONNELL-BYRNE, callback after 5pm", ["MARGARET O'CONNELL-BYRNE"]),
        ("CUSTOMER: JOHN MWANGI KAMAU", ["JOHN MWANGI KAMAU"]),
        ("Patient : OKAFOR CHIDI", ["OKAFOR CHIDI"]),
        # A firm's name, an ordinary word, one word alone: no name.
        ("Customer: ACME CORP\nDriver: ABS ON, ESP OFF\nAgent: OK THANKS\nGuest: KOFI", []),
    ],
)
def test_names_in_capitals_after_a_label_of_one_person(text: str, names: list[str]) -> None:
    assert persons(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # A greeting after a speaker's label is no part of the name after it.
        ("Agent: Hi Tomasz, how can I help?", ["Tomasz"]),
    ],
)
def test_greetings_after_labels(text: str, names: list[str]) -> None:
    assert persons(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Scorecard\nCandidate: priya venkataraman\nDriver: none yet", ["priya venkataraman"]),
        ("Ticket\nCustomer = ollie brennan", ["ollie brennan"]),
        ("Ticket\nCustomer: hi i ordered a blender", []),
        ("Ticket\nCustomer: parker pen order", []),
        # A word before a role's or a group's is no name after a greeting.
        ("Dear Hiring Manager,\nHi Ops Team,", []),
    ],
)
def test_lower_case_names_after_a_label_of_one_person(text: str, names: list[str]) -> None:
    assert persons(text) == names


@pytest.mark.parametrize(
    "text",
    [
        # review30: city pairs and month ranges have SURNAME/GIVEN's shape; a product's
        # word after a lower-case given name after a one-person label.
        "Routes LONDON/PARIS and BOSTON/AUSTIN are full",
        "Freeze window MAY/JUNE, then DALLAS/FORT WORTH",
        "Caller: cassandra driver timeout on write",
        "Requester: siri shortcuts team",
    ],
)
def test_travel_shapes_and_products_after_labels_are_left(text: str) -> None:
    assert persons(text) == []


def test_a_lower_case_given_name_alone_after_a_label_is_taken() -> None:
    assert persons("Caller: cassandra\nIssue: billing") == ["cassandra"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # "its" for "it's" where it opens a clause (stop 32)
        ("Customer: its babajide ogunleye, babajide@example.com", ["babajide ogunleye"]),
        ("hi, its chidinma okafor here, order 88123-A never arrived", ["chidinma okafor"]),
        # hyphenated given names and surnames in lower case after a cue
        ("hey, it's sung-min park - card got charged twice", ["sung-min"]),
        ("so my sister hannah-louise is getting married", ["hannah-louise"]),
        ("my name is michael adeyemi-jones", ["michael adeyemi-jones"]),
        ("name on the account is lukas weißgerber", ["lukas weißgerber"]),
        ("hi, its ji-ho park here", ["ji-ho"]),  # the lists write "jiho"
        # a nickname in parentheses inside a name
        ("Robert (Bob) Smith joined the call", ["Robert (Bob) Smith"]),
        # family name first, in capitals, before a comma or after a title
        ("Referral: pt. LOPEZ GARCIA, Juan Carlos (DOB 11/23/1958)", ["LOPEZ GARCIA, Juan Carlos"]),
        ("Réclamation: client M. DUBOIS Jean-Philippe, 45 boulevard", ["DUBOIS Jean-Philippe"]),
        ("daughter of the account holder (ALVAREZ, ROSA M.) wants", ["ALVAREZ, ROSA M."]),
    ],
)
def test_names_of_stop_32_found(text: str, names: list[str]) -> None:
    assert persons(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "it's well-known that the API is slow",
        "its follow-up is due",
        "the company, its co-founder and staff",
        "The app updates; its dark-mode toggle broke",
        "it's a win-win",
        "it's check-in time at noon",
        "the name on the card is wrong",
        "The router, its admin page, its default password",
        "Contact (PARIS, FRANCE)",
        "the account holder (SALES TEAM)",
        "SAN JOSE, Maria",
    ],
)
def test_look_alikes_of_stop_32_left(text: str) -> None:
    found = " ".join(persons(text))
    assert not any(
        w in found
        for w in (
            "well",
            "follow",
            "co-founder",
            "dark",
            "win",
            "check",
            "wrong",
            "admin",
            "PARIS",
            "SALES",
            "SAN",
        )
    ), found


# should-fix (21b69a1): hard-wrapped mail breaks a line after a title; the name on the
# next line is no form's field.
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I met Mr.\nBaker yesterday about the roof.", "Baker"),
        ("Dear Mrs.\nBrown, thank you for your letter.", "Brown"),
    ],
)
def test_a_title_ending_a_wrapped_line_cues_the_name(text: str, name: str) -> None:
    assert name in persons(text)


# stop 33 (names33): a name in another script beside its Latin form, or before an
# address in angle brackets.
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Dear Maria Ivanova (Мария Иванова), thank you", "Мария Иванова"),
        ("Hi Sarah Chen (陈莎拉), welcome aboard", "陈莎拉"),
        ("Seating: 山本 美咲 Misaki Yamamoto, table 2", "山本 美咲"),
        ("From: Иван Петров <ivan.petrov@mail.example>\nSubject: счёт", "Иван Петров"),
        ("reviewed-by: Γιάννης Οικονόμου <g.oikonomou@example.gr>", "Γιάννης Οικονόμου"),
    ],
)
def test_names_in_other_scripts_beside_latin_or_an_address(text: str, value: str) -> None:
    assert (value, "PERSON") in {(text[s.start : s.end], s.label) for s in DETECT(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Use the Tokyo (東京) office for the Osaka (大阪) launch",
        "Служба поддержки <support@shop.example>",
        "Meeting with Maria Ivanova 2024年度报告 draft",
        "Thanks Sarah Chen (новая версия)",
        "请联系我们的客户经理陳美玲 Chen Mei-ling",
    ],
)
def test_other_scripts_beside_latin_left(text: str) -> None:
    spans = [text[s.start : s.end] for s in DETECT(text) if s.label == "PERSON"]
    assert not [s for s in spans if any(ord(c) >= 0x250 for c in s)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a display name written family name first, Outlook's way
        ("From: Okafor, Chidi <cokafor@example.org>\nSent: Monday", "Okafor, Chidi"),
        ("Cc: Lindqvist, Per <per.l@example.se>; Dube, Ekansh <ed@example.in>", "Dube, Ekansh"),
        # a party of a contract or deed before where they live
        ("Verhuurder: Jan-Willem de Groot, wonende te Utrecht", "Jan-Willem de Groot"),
        ("The Buyer, Mr. Tobias Nyström, residing at 4 Elm Road, Leeds", "Tobias Nyström"),
        ("Mme Inès Karam, domiciliée à Lyon, et", "Inès Karam"),
    ],
)
def test_display_names_and_parties(text: str, value: str) -> None:
    assert (value, "PERSON") in {(text[s.start : s.end], s.label) for s in DETECT(text)}


@pytest.mark.parametrize(
    "text",
    [
        "Contact: Acme, Inc <info@acme.example>",
        "Reply-To: Support, Team <help@shop.example>",
        "the tenant, residing at the property, shall",
        "Acme Holdings Ltd, residing at nowhere",
        "c'est la vie, c'est bon",
    ],
)
def test_display_names_and_parties_left(text: str) -> None:
    assert not [s for s in DETECT(text) if s.label == "PERSON"]
