# ruff: noqa: E501  (texts are kept on one line each, as written)
"""Probes: short texts written by the team on 2026-12-07 (stop 25), none taken from
../shared/pii-dev or a fixture set, each with the values that must not survive masking.

    python bench/eval/probes.py [-v]

Written to find classes of miss the fixture sets hold few of (lists of attendees,
signature blocks, lower-case names after a title, passwords in login calls and logs,
DSN passwords holding an "@", SQL INSERTs, European-language prose). Probes A, C and D
were read while the rules were changed; probe B was written before any change and only
scored, so it is the fairer figure, though written by the same hands. The values are
made up; key-shaped ones are not keys of anyone's.

Probes SEC-dev and SEC-held (secrets4, stop 26) hold secrets in the syntaxes apps and
configs write them in (env, YAML, JSON, TOML, INI, XML, .npmrc, .pypirc, .netrc, docker
auth, URL userinfo, CLI flags, headers, call arguments, logs, Kubernetes data, key
blocks, connection strings), each with look-alikes that must stay (the third item of a
case: templates, documentation fillers, hashes, ids, public keys); both were written
before any rule changed, SEC-dev read while rules changed, SEC-held (like B) only scored.

Probe E (E-dev and E-held) was written on 2026-12-07 (stop 26) by a helper (probe5) who
had not read the detection rules (src/zdr/detect/, docs/detection.md): 222 short texts
of the kind an app sends to an LLM API (support chats, CRM notes, e-mails with headers
and signatures, HR and medical-admin notes, bookings and shipping, CSV/TSV/markdown
tables, JSON/YAML, log lines, SQL, form dumps; English, German, French, Spanish,
Italian, Dutch, Portuguese, Hindi-English; names of many origins, lower case, odd
positions). Each value carries its label, (label, value); the label KEEP marks a
look-alike that must stay readable (product, place and company names, dates that are no
birthday, order and version numbers, public documentation URLs) and is scored as
over-masking when any detected span touches it. USERNAME is scored though zdr claims no
such label (the summary gives the figure without it too); of national identifiers only
US_SSN is claimed, so no other is listed. A value is left when one of its mentions
survives whole (a mention inside another listed value of the same text is that
value's); a PERSON is also counted "partly left" when a name part (particles such as
"de", "van" aside) survives. "Spans touching no listed value" is a rough count of other
findings: it includes right ones the labels omit (a role address, a birthplace). Both
halves were written at once and split by alternation (even texts dev, odd held): E-dev
may be read while rules change (-v lists its misses and stray spans); E-held is only
ever scored: do not print, list or diff its misses. After the first scoring four
second mentions of a name the labels had omitted ("Camila's", "Haruto:", "Citofono: De
Santis", "Frau Ehrhardt-Lenz") were added as values; nothing else was changed. Every
value is made up (check digits and numbering plans made valid so that validators accept
them; Amex 3782 822463 10005 is a public test number, left unlabelled).

Probe F (F-dev and F-held, PROBES_F) was written on 2026-12-07 by a helper (probe6) who
had read neither the detection rules nor the texts of probes A-E: 252 short texts in
the format of E (same labels, same scoring and summary), written to differ in style
from what a rule-writer expects: Zendesk and live-chat transcripts, CRM notes, e-mails
with headers, quoted replies, signatures and a vCard, meeting notes and speaker-labelled
transcripts, HR, recruiting, medical-admin, insurance, travel, freight and invoices;
CSV/TSV/markdown tables, JSON, YAML, XML, SQL (INSERT, UPDATE, MERGE), form dumps,
pandas output; log lines, stack traces, .env/properties/TOML/tfvars, shell history,
credentials in call arguments, CI and test output, HTTP requests; Slack, Teams,
WhatsApp, Telegram and Discord exports; English, German, French, Spanish, Italian,
Dutch, Brazilian Portuguese, Hindi-English. Names are of many origins, in lower case,
all caps, family name first ("ANDERSEN/RASMUS", "Trinh, Hoa Thi"), with particles,
nicknames and initials; famous people are labelled PERSON (a name is a name). KEEP marks
product, company, room and place names (several of them first names: Alexa, Siri,
Lisa, Robin, Victoria), order, ticket and customer numbers, hashes, UUIDs, versions,
dates that are no birthday, public documentation URLs, a bcrypt hash, a public SSH key,
and documentation fillers (AKIAIOSFODNN7EXAMPLE, Stripe's published pk_test key, the
4242 test cards, the sample IBAN DE89370400440532013000, your-api-key-here, changeme).
Addresses outside the claimed locales (Sweden, Greece, Nigeria, Switzerland) and
addresses of firms and landmarks are left unlabelled: a finding there is counted as a
span touching no listed value. Key-shaped values were drawn at random (seeded) in each
vendor's shape; cards pass Luhn, IBANs their check digits, SSNs use valid areas. All
texts were written before zdr ran on any of them, then split by alternation in the
order written (even texts F-dev, odd F-held; written in runs of one kind, so both
halves hold every kind). In a review before the first run six KEEP labels were
withdrawn (a conference line number, a famous postcode, two firms' street addresses and
a username in an sshd line are data a detector may rightly mask; a gift-card code is a
bearer value), a session id in a log line labelled SECRET, an unlabelled private IP
labelled, a documentation IPv6 address (2001:db8::) and Wikipedia's sample Belgian IBAN
replaced by made-up ones, and one IBAN's check digits corrected; nothing was changed
after scoring. F-dev may be read while rules change (-v lists its misses); F-held is
only ever scored: do not print, list or diff its misses.

Probe G (G-dev and G-held, PROBES_G in probes_g.py) was written on 2026-12-07 by a
helper (probe31) who had read neither the detection rules (src/zdr/detect/,
docs/detection.md, tests/detect/) nor the texts of probes A-F or ../shared/pii-dev: 240
short texts in the format of E and F (same labels, same scoring and summary), written in
runs of one kind (live chats, CRM and helpdesk notes, e-mails with headers and
signatures, meeting, HR, medical-admin, insurance, travel and shipping records;
CSV/TSV/markdown tables, JSON, YAML, XML; log lines, stack traces, shell history, .env,
properties and .pgpass files, credentials in call arguments, XML elements, CLI flags,
headers and URL userinfo; SQL, form dumps, Slack/WhatsApp/Teams/Discord/Telegram exports;
prose heavy on look-alikes) in English, German, French, Spanish, Italian, Dutch,
Brazilian Portuguese and Hindi-English. Names (African, South and East Asian, Arabic,
Eastern European, Latin American, Pacific and European) are written by hand in lower
case, all caps, family name first, with particles, hyphens, initials and nicknames;
street addresses in the nine claimed locales in their own formats (firms' and
landmarks' addresses, and addresses outside those locales, are left unlabelled);
profile, scheduling, share and reset URLs; IPv4/IPv6 and private IPs, some after a "/";
birthdays in prose. KEEP marks product, place, company and room names (several of them
first names), order, ticket and booking numbers, hashes, UUIDs, versions, dates that
are no birthday, public documentation URLs, published test values (4111 1111 1111 1111,
DE89370400440532013000, AKIAIOSFODNN7EXAMPLE) and documentation fillers. No test-data
generator's word lists were used; key-shaped secrets were drawn at random (seeded) in
each vendor's shape by a script not committed, cards pass Luhn, IBANs their check
digits, SSNs use valid areas. All texts were written before zdr ran on any of them, then
split by alternation in the order written (even texts G-dev, odd G-held); probes_g.py
asserts at import that every value occurs in its text. G-dev may be read while rules
change (-v lists its misses); G-held is only ever scored: do not print, list or diff
its misses.

Probe H (H-dev and H-held, PROBES_H in probes_h.py) was written on 2026-12-08 (stop 33)
by a helper (probe33) who had read neither the detection rules (src/zdr/detect/,
docs/detection.md, tests/detect/) nor the texts of probes A-G or ../shared/pii-dev: 254
short texts in the format of E-G (same labels, same scoring and summary), written to
find classes of miss the earlier probes hold few of, in runs of one kind: voice-call
and voicemail transcripts (ASR: no capitals or punctuation, numbers, cards, SSNs, dates
and e-mail addresses spelled in words), OCR'd forms, letters and receipts (hyphenated
line breaks, l/1 and O/0 confusions), e-mail threads with quoted replies (">" prefixes,
Outlook and GroupWise headers), calendar invites (.ics), vCards (N, FN, ADR fields),
git logs, blame, .mailmap and commit trailers (Signed-off-by, Co-authored-by), package
manifests (package.json, pyproject, gemspec, Debian control, setup.py, pom.xml,
Cargo.toml, .npmrc), GitHub and Jira issue bodies, code comments and docstrings holding
names and credentials, Terraform, Helm, Kubernetes, docker-compose and systemd files,
CSV/TSV/markdown exports with column names in German, French, Italian, Spanish, Dutch,
Portuguese and Hindi, filled-in mail merges, contracts and deeds (parties and
addresses), medical referrals, school records, real-estate listings, dating-app chats,
signed customer reviews, Hinglish and Spanglish, names and addresses in Japanese,
Chinese, Korean, Cyrillic, Arabic, Hebrew, Greek and Devanagari script beside
romanised ones, names that are also common words (Hope, Will, Rose, Bill, Grant, Joy,
Mark, Hunter, Faith, Summer, King, Black, Dawn, Frank; Fuchs, Sommer, Leone), shipping
addresses in the nine claimed locales in their own formats (PO boxes and their
Postfach/BP/Apartado/Casella/Postbus/Caixa Postal forms, c/o, flat, unit, floor,
staircase, rural routes, APO), SMS and push notifications, shell and credential files
(.git-credentials, ssh config, kubeconfig, crontab, curl, mysql, az), HL7, FHIR, EDI
837, SWIFT MT103 and bank-statement lines, log lines, and LLM prompts wrapping such
text. Titles (Mr, Dr, Frau, Mme, Sig.) are left outside PERSON values; a name part
listed on its own (a vCard N field, a first name used alone) is its own value. KEEP
marks product, company, place and room names (several of them the same common words),
order, ticket, invoice and tracking numbers, hashes, UUIDs, versions (one shaped like
an IPv4 address), dates that are no birthday, public documentation URLs, host names,
published test values (4242 4242 4242 4242, GB82 WEST 1234 5698 7654 32, the empty-claims
JWT, 192.0.2.10) and placeholders (your-api-key-here, sk-...xxxx, <PASSWORD>,
changeme, {{password}}, XXX-XX-XXXX, Jane Doe, Mustermann). National identifiers other
than US SSNs (CPF, codice fiscale, NHS number), sort codes, a firm's switchboard and
conference dial-ins, and birthplaces are left unlabelled. No test-data generator's word
lists were used; key-shaped secrets were drawn at random (seeded) in each vendor's shape
by a script not committed, cards pass Luhn, IBANs their check digits, SSNs use valid
areas. All texts were written before zdr ran on any of them, then split by alternation
in the order written (even texts H-dev, odd H-held); probes_h.py asserts at import that
every value occurs in its text. H-dev may be read while rules change (-v lists its
misses); H-held is only ever scored: do not print, list or diff its misses.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from typing import Final

from zdr.detect import DetectorSet

sys.path.insert(0, str(Path(__file__).resolve().parent))
from probes_g import PROBES_G
from probes_h import PROBES_H

# A case is (text, values that must not survive masking) or, with a third item, the
# look-alikes in the text that must stay as they are (placeholders, hashes, public keys):
# a look-alike is flagged when a finding touches it, so it is no longer verbatim.
Case = tuple[str, list[str]] | tuple[str, list[str], list[str]]
PROBES: dict[str, list[Case]] = {
    "A": [
        (
            "hey it's priya here, my number is +91 98450 12345, call after 6",
            ["priya", "+91 98450 12345"],
        ),
        (
            "Meeting notes — attendees: Okonkwo, Adaeze; Lindqvist, Per; Hart, S.",
            ["Okonkwo", "Adaeze", "Lindqvist", "Per", "Hart"],
        ),
        (
            "[10:02] marcus.wb: can you reset my acct\n[10:03] agent: sure marcus",
            ["marcus.wb", "marcus"],
        ),
        (
            "Thanks,\nTomasz Wiśniewski\nSenior Buyer | Acme GmbH\nMob. 0151 2345 6789",
            ["Tomasz Wiśniewski", "0151 2345 6789"],
        ),
        (
            "book a slot: https://calendly.com/rachel-okafor/intro-call",
            ["https://calendly.com/rachel-okafor/intro-call"],
        ),
        (
            "my github is https://github.com/dkowalczyk98 and gitlab.com/dkowal",
            ["https://github.com/dkowalczyk98", "gitlab.com/dkowal"],
        ),
        (
            "Join Zoom: https://us02web.zoom.us/j/83451234567?pwd=QmFzZTY0cGFzc3dvcmQ",
            ["https://us02web.zoom.us/j/83451234567?pwd=QmFzZTY0cGFzc3dvcmQ"],
        ),
        (
            "see my profile linkedin.com/in/sofia-marquez-4b2a1 for details",
            ["linkedin.com/in/sofia-marquez-4b2a1"],
        ),
        (
            "doc shared: https://docs.google.com/document/d/1aBcD3fGhIjKlMnOpQrStUvWxYz0123456789/edit?usp=sharing",
            [
                "https://docs.google.com/document/d/1aBcD3fGhIjKlMnOpQrStUvWxYz0123456789/edit?usp=sharing"
            ],
        ),
        ("Ship to: 221B Baker Street, London NW1 6XE", ["221B Baker Street, London NW1 6XE"]),
        ("Adresse: Hauptstraße 12a, 10115 Berlin", ["Hauptstraße 12a, 10115 Berlin"]),
        ("Envoyer à 14 rue de la Paix, 75002 Paris", ["14 rue de la Paix, 75002 Paris"]),
        ("Dirección: Calle de Alcalá 45, 3º B, 28014 Madrid", ["Calle de Alcalá 45"]),
        ("Indirizzo: Via Giuseppe Garibaldi 7, 20121 Milano MI", ["Via Giuseppe Garibaldi 7"]),
        ("adres: Keizersgracht 123-2, 1015 CJ Amsterdam", ["Keizersgracht 123-2"]),
        ("Endereço: Rua Augusta, 1500, apto 42, São Paulo - SP, 01304-001", ["Rua Augusta, 1500"]),
        ("Flat 4, 12/3 MG Road, Bengaluru, Karnataka 560001", ["12/3 MG Road"]),
        ("I live at 4821 W Fullerton Ave Apt 3, Chicago, IL 60639", ["4821 W Fullerton Ave"]),
        ("my password is Tr0ub4dor&3 don't share it", ["Tr0ub4dor&3"]),
        ("login failed user=jdoe pass=Hunter2!x retry=3", ["Hunter2!x"]),
        ("client.login('svc-admin', 'Zx9#qLm2Pw')", ["Zx9#qLm2Pw"]),
        ("curl -u admin:S3cr3tPa55 https://api.internal.example/v1", ["S3cr3tPa55"]),
        (
            "export DATABASE_URL=postgres://app:q8Vn2xLp@10.0.3.7:5432/prod",
            ["q8Vn2xLp", "10.0.3.7"],
        ),
        (
            "GET /api/v1/users from fe80::1ff:fe23:4567:890a/64 and 192.168.10.24/24",
            ["fe80::1ff:fe23:4567:890a", "192.168.10.24"],
        ),
        ("my bday is 3rd of March 1987 so plan accordingly", ["3rd of March 1987"]),
        ("DOB: 07/14/1979", ["07/14/1979"]),
        ("Patient: Mrs. Gallagher, seen 2024-03-02, born 12.05.1961", ["Gallagher", "12.05.1961"]),
        (
            "<user><name>Ingrid Solberg</name><password>fj39Dk!2a</password></user>",
            ["Ingrid Solberg", "fj39Dk!2a"],
        ),
        (
            "name,email,phone\nLiam O'Brien,liam.obrien@mailbox.ie,+353 87 123 4567\nAya Tanaka,aya.t@example.jp,090-1234-5678",
            [
                "Liam O'Brien",
                "liam.obrien@mailbox.ie",
                "+353 87 123 4567",
                "Aya Tanaka",
                "aya.t@example.jp",
                "090-1234-5678",
            ],
        ),
        (
            "| first | last | city |\n|---|---|---|\n| Nkosana | Dlamini | Durban |",
            ["Nkosana", "Dlamini"],
        ),
        (
            '{"customer": {"full_name": "Björn Æsir", "iban": "DE89370400440532013000"}}',
            ["Björn Æsir", "DE89370400440532013000"],
        ),
        ("card 4111 1111 1111 1111 exp 09/27 cvv 123", ["4111 1111 1111 1111"]),
        ("SSN 078-05-1120 on file", ["078-05-1120"]),
        (
            "token: ghp_R2d2C3poL8ke5kyw4lkerH4nS0loChewb4cc",
            ["ghp_R2d2C3poL8ke5kyw4lkerH4nS0loChewb4cc"],
        ),
        (
            'System.setProperty("STRIPE_KEY", "sk_live_51HzQ2bXk9vQwErTy7uIoPaSdFgHjKl");',
            ["sk_live_51HzQ2bXk9vQwErTy7uIoPaSdFgHjKl"],
        ),
        (
            "2024-05-01T10:00:00Z INFO auth ok API_TOKEN=a8f3k2m9q7w1e5r6t4y8u0i2o3p5 user=42",
            ["a8f3k2m9q7w1e5r6t4y8u0i2o3p5"],
        ),
        (
            "reset link: https://app.example-saas.com/reset?token=9f8e7d6c5b4a39281706f5e4d3c2b1a0",
            ["9f8e7d6c5b4a39281706f5e4d3c2b1a0"],
        ),
        ("ping me on twitter @jlaurent_dev or x.com/jlaurent_dev", ["x.com/jlaurent_dev"]),
        (
            "Contact: dr. helena ruiz, helena.ruiz@clinicamed.es",
            ["helena ruiz", "helena.ruiz@clinicamed.es"],
        ),
        ("Dear Mr Abernathy-Smythe,\nyour claim is approved.", ["Abernathy-Smythe"]),
        ("Assigned to: Chen Wei (陈伟), ext 4471", ["Chen Wei"]),
        (
            "mi nombre es josé luis fernández y mi teléfono 612 34 56 78",
            ["josé luis fernández", "612 34 56 78"],
        ),
        ("call me: (415) 555-0134 or 415.555.0199", ["(415) 555-0134", "415.555.0199"]),
        ("UK mobile 07700 900123, landline 020 7946 0018", ["07700 900123", "020 7946 0018"]),
        ("Sent from my iPhone\n-- \nKwame", ["Kwame"]),
        (
            "AWS creds: aws_secret_access_key = 9xTq2LmV7rB4nK8wQ1zY/5cH3jF6dS0gP2aR7eW4u",
            ["9xTq2LmV7rB4nK8wQ1zY/5cH3jF6dS0gP2aR7eW4u"],
        ),
        (
            "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyNDIifQ.Yp3kX1q2W3e4R5t6Y7u8I9o0P1a2S3d4F5g6H7j8K9l",
            [
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyNDIifQ.Yp3kX1q2W3e4R5t6Y7u8I9o0P1a2S3d4F5g6H7j8K9l"
            ],
        ),
        ("- name: deploy\n  env:\n    DB_PASSWORD: 'pL7!vQ2@zR'\n", ["pL7!vQ2@zR"]),
        ("The user mateo.garcia.88@gmail.com reported the bug", ["mateo.garcia.88@gmail.com"]),
        (
            "medium.com/@anna.kowalska/my-story and instagram.com/anna_kow",
            ["medium.com/@anna.kowalska", "instagram.com/anna_kow"],
        ),
        (
            "Tel.: +49 (0)30 12345678, Fax +49 30 12345679",
            ["+49 (0)30 12345678", "+49 30 12345679"],
        ),
        ("spoke with Fatima yesterday; she said Arjun will follow up", ["Fatima", "Arjun"]),
        (
            "IP of the attacker: 2001:db8:85a3::8a2e:370:7334, also 203.0.113.77",
            ["2001:db8:85a3::8a2e:370:7334", "203.0.113.77"],
        ),
    ],
    "B": [
        (
            "Participants: Mensah, Kofi; Brennan, Siobhan; Ivanova, Darya",
            ["Mensah", "Kofi", "Brennan", "Siobhan", "Ivanova", "Darya"],
        ),
        (
            "To: Oluwaseun Adeyemi, Thandiwe Nkosi, Ruairí Mac Giolla",
            ["Oluwaseun Adeyemi", "Thandiwe Nkosi", "Ruairí Mac Giolla"],
        ),
        ("cheers\n--\nBogdan", ["Bogdan"]),
        ("Regards,\n\nNgozi Eze\nAccounts Payable", ["Ngozi Eze"]),
        ("pls ask prof. anders holm about it", ["anders holm"]),
        (
            "reach out to mrs. okafor or email chioma.okafor@firm.ng",
            ["okafor", "chioma.okafor@firm.ng"],
        ),
        ("mon nom est élodie durand, j'habite à Lyon", ["élodie durand"]),
        ("il mio nome è giacomo bertolini", ["giacomo bertolini"]),
        ("my name's tariq and i need help", ["tariq"]),
        ("user: fjohansson | pwd: Gx7$kPq9Lz", ["Gx7$kPq9Lz"]),
        (
            "[2024-01-05 12:00:01] WARN login user=alice passwd=Winter2024! src=10.2.3.4",
            ["Winter2024!", "10.2.3.4"],
        ),
        ("conn = psycopg2.connect(host='db', user='etl', password='Rt5#mN8vQ1')", ["Rt5#mN8vQ1"]),
        ('smtp.login("reports@corp.io", "Kp0!zW8xYe")', ["reports@corp.io", "Kp0!zW8xYe"]),
        ("Lieferadresse: Königsallee 92, 40212 Düsseldorf", ["Königsallee 92"]),
        ("5 avenue Victor Hugo, 69002 Lyon", ["5 avenue Victor Hugo"]),
        ("Rua das Flores 88, 4050-262 Porto", ["Rua das Flores 88"]),
        ("Piazza Navona 21, 00186 Roma", ["Piazza Navona 21"]),
        ("Prinsengracht 263, 1016 GV Amsterdam", ["Prinsengracht 263"]),
        ("12 Elm Grove, Didsbury, Manchester M20 6RQ", ["12 Elm Grove"]),
        ("H.No. 5-9-22, Jubilee Hills, Hyderabad 500033", ["5-9-22, Jubilee Hills"]),
        (
            "my calendly: calendly.com/tom-whitfield and cal.com/nadia-r",
            ["calendly.com/tom-whitfield", "cal.com/nadia-r"],
        ),
        (
            "portfolio at https://dribbble.com/lenapetrova and https://behance.net/lenapetrova",
            ["https://dribbble.com/lenapetrova", "https://behance.net/lenapetrova"],
        ),
        ("meeting: https://meet.google.com/abc-defg-hij", ["https://meet.google.com/abc-defg-hij"]),
        (
            "dropbox link https://www.dropbox.com/s/k3j4h5g6f7d8s9a/contract.pdf?dl=0",
            ["https://www.dropbox.com/s/k3j4h5g6f7d8s9a/contract.pdf?dl=0"],
        ),
        ("born on 1990-11-23", ["1990-11-23"]),
        ("my birthday: june 5th, 1992", ["june 5th, 1992"]),
        (
            "traffic from 10.12.0.5/16 and 2a02:8108:1140:9c00::1/56 blocked",
            ["10.12.0.5", "2a02:8108:1140:9c00::1"],
        ),
        ("Name | Phone\nGreta Lindholm | +46 70 123 45 67", ["Greta Lindholm", "+46 70 123 45 67"]),
        (
            "- full_name: Mihail Popescu\n  email: m.popescu@posta.ro",
            ["Mihail Popescu", "m.popescu@posta.ro"],
        ),
        ("Hi Siddharth, thanks for the update. Best, Yuki", ["Siddharth", "Yuki"]),
        ("per conversation with Ms. Van der Berg on Tuesday", ["Van der Berg"]),
        (
            "api_key: sk-proj-4fG7hJ9kL2mN5pQ8rS1tU3vW6xY0zA2bC4dE6fG8hJ0kL",
            ["sk-proj-4fG7hJ9kL2mN5pQ8rS1tU3vW6xY0zA2bC4dE6fG8hJ0kL"],
        ),
        ("<Password>vB8#nM2qX7</Password>", ["vB8#nM2qX7"]),
        ("docker login -u ci-bot -p Qw3rTy9Uz registry.local", ["Qw3rTy9Uz"]),
        ("requests.get(url, auth=('svc', 'Lm4%tY7uP2'))", ["Lm4%tY7uP2"]),
        ("phone: +33 6 12 34 56 78", ["+33 6 12 34 56 78"]),
        ("whatsapp me at +55 11 91234-5678", ["+55 11 91234-5678"]),
        ("IBAN GB82 WEST 1234 5698 7654 32", ["GB82 WEST 1234 5698 7654 32"]),
        ("Kind regards, Dr Priyanka Venkataraman", ["Priyanka Venkataraman"]),
        ("assigned to jessica, cc'd to omar", ["jessica", "omar"]),
    ],
    "C": [
        (
            "INSERT INTO users (first_name, last_name, email) VALUES ('Saoirse', 'Ní Bhriain', 'saoirse.nb@eir.ie');",
            ["Saoirse", "Ní Bhriain", "saoirse.nb@eir.ie"],
        ),
        (
            '<td class="name">Matteo Esposito</td><td>+39 333 123 4567</td>',
            ["Matteo Esposito", "+39 333 123 4567"],
        ),
        (
            '{"tool":"send_sms","arguments":{"to":"+14155550123","body":"hi Darnell"}}',
            ["+14155550123", "Darnell"],
        ),
        (
            "customer:\n  name: Ewa Zielińska\n  street: ul. Marszałkowska 84/92\n  city: Warszawa",
            ["Ewa Zielińska", "ul. Marszałkowska 84/92"],
        ),
        (
            "> On Tue, Mar 5, 2024 at 9:14 AM Rahul Verma <rahul.verma@infosys.co.in> wrote:",
            ["Rahul Verma", "rahul.verma@infosys.co.in"],
        ),
        (
            "Hi team, Olusegun from billing here. Please refund order #4411 to card ending 4242.",
            ["Olusegun"],
        ),
        (
            "SELECT * FROM patients WHERE ssn = '219-09-9999' AND dob = '1984-02-29'",
            ["219-09-9999", "1984-02-29"],
        ),
        (
            "My LinkedIn: www.linkedin.com/in/mkhumalo and my site mkhumalo.dev",
            ["www.linkedin.com/in/mkhumalo"],
        ),
        ("Venmo me @Chloe-Martin-7 or cashapp $chloemartin", ["@Chloe-Martin-7", "$chloemartin"]),
        (
            "Password reset: https://accounts.example.org/reset/5f2b9c7e-1a3d-4e8f-9b6a-2c7d1e0f3a4b",
            ["https://accounts.example.org/reset/5f2b9c7e-1a3d-4e8f-9b6a-2c7d1e0f3a4b"],
        ),
        (
            "the tenant, Mr. Kowalski, lives at 77 Rue Sainte-Catherine O, Montréal, QC H2X 1Z5",
            ["Kowalski", "77 Rue Sainte-Catherine O"],
        ),
        ("Apt 12B, 350 Fifth Avenue, New York, NY 10118", ["350 Fifth Avenue"]),
        ("Please call back Mrs Delacroix on 01632 960983", ["Delacroix", "01632 960983"]),
        (
            "env:\n  OPENAI_API_KEY: sk-Zq8LmT3vXr9Kp2WnB7cY4dH6fJ1sQ0aE5gU8iO3",
            ["sk-Zq8LmT3vXr9Kp2WnB7cY4dH6fJ1sQ0aE5gU8iO3"],
        ),
        (
            "slack webhook https://hooks.slack.com/services/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",
            ["https://hooks.slack.com/services/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"],
        ),
        ("ssh root@203.0.113.45 -i ~/.ssh/id_ed25519", ["203.0.113.45"]),
        (
            "Geburtsdatum: 14.07.1988, Name: Jürgen Baumgärtner",
            ["14.07.1988", "Jürgen Baumgärtner"],
        ),
        ("Date de naissance : 3 février 1975", ["3 février 1975"]),
        ("fecha de nacimiento: 22/09/1969", ["22/09/1969"]),
        ("He was born in 1961 on August 4th.", ["August 4th"]),
        (
            "candidate: Aisha Al-Farsi (aisha_alfarsi@outlook.com), 10 yrs exp",
            ["Aisha Al-Farsi", "aisha_alfarsi@outlook.com"],
        ),
        ("signed, J. R. Tolkien-Baggins", ["Tolkien-Baggins"]),
        (
            'From: "Nguyen, Thi Mai" <thimai.nguyen@vng.com.vn>',
            ["Nguyen", "Thi Mai", "thimai.nguyen@vng.com.vn"],
        ),
        (
            "my zoom personal room: https://zoom.us/my/anika.sharma",
            ["https://zoom.us/my/anika.sharma"],
        ),
        ("PAN ABCPD1234E, Aadhaar 2345 6789 0123", ["2345 6789 0123"]),
        ("wire to NL91ABNA0417164300 attn Sven de Vries", ["NL91ABNA0417164300", "Sven de Vries"]),
        (
            "mac 00:1A:2B:3C:4D:5E ip6 2001:0db8:0000:0000:0000:ff00:0042:8329",
            ["2001:0db8:0000:0000:0000:ff00:0042:8329"],
        ),
        ("kubectl create secret generic db --from-literal=password='Xy7!pQ3@wL'", ["Xy7!pQ3@wL"]),
        ("set PGPASSWORD=Vb6#tR4eWq && psql -h db -U app", ["Vb6#tR4eWq"]),
        ("mongodb+srv://admin:Nq2%40xZ9kLp@cluster0.abcde.mongodb.net/test", ["Nq2%40xZ9kLp"]),
    ],
    "D": [
        (
            "Bonjour, je suis Margaux Lefèvre, ma date de naissance est le 12/03/1990 et mon numéro est le 06 12 34 56 78.",
            ["Margaux Lefèvre", "12/03/1990", "06 12 34 56 78"],
        ),
        (
            "Hallo, hier ist Lukas Brandt. Meine Telefonnummer: 0176 98765432, geboren am 3. Mai 1985.",
            ["Lukas Brandt", "0176 98765432", "3. Mai 1985"],
        ),
        (
            "Hola, soy Lucía Navarro Gil, vivo en Calle Mayor 15, 2ºA, 50001 Zaragoza. Mi móvil es 655 123 456.",
            ["Lucía Navarro Gil", "Calle Mayor 15", "655 123 456"],
        ),
        (
            "Buongiorno, sono Federica Russo, abito in Corso Vittorio Emanuele II 112, Torino. Cell. 347 123 4567",
            ["Federica Russo", "Corso Vittorio Emanuele II 112", "347 123 4567"],
        ),
        (
            "Goedemiddag, mijn naam is Daan Visser, ik woon op Oudegracht 45, 3511 AB Utrecht, tel 06-12345678.",
            ["Daan Visser", "Oudegracht 45", "06-12345678"],
        ),
        (
            "Olá, meu nome é João Pedro Almeida, moro na Avenida Paulista 1000, São Paulo, celular (11) 98765-4321.",
            ["João Pedro Almeida", "Avenida Paulista 1000", "(11) 98765-4321"],
        ),
        (
            "Sehr geehrte Frau Schäfer-Kühn, Ihre IBAN DE44 5001 0517 5407 3249 31 wurde bestätigt.",
            ["Schäfer-Kühn", "DE44 5001 0517 5407 3249 31"],
        ),
        (
            "Cher M. Dubois, votre conseiller Antoine Mercier vous rappellera.",
            ["Dubois", "Antoine Mercier"],
        ),
        (
            "Estimada Sra. Ortega: le escribe Ignacio Ruiz de Alarcón.",
            ["Ortega", "Ignacio Ruiz de Alarcón"],
        ),
        (
            "Gentile dott.ssa Bianchi, il paziente Marco Gallo (nato il 05/06/1972) è stato dimesso.",
            ["Bianchi", "Marco Gallo", "05/06/1972"],
        ),
        ("Geachte heer Van den Broek, uw klantnummer is 88123.", ["Van den Broek"]),
        (
            "Prezado Sr. Carvalho, o CPF do titular Rafael Souza foi atualizado.",
            ["Carvalho", "Rafael Souza"],
        ),
        (
            "Der Kunde Herr Özdemir (Kundennr. 4411) wohnt in der Lindenstraße 7, 80331 München.",
            ["Özdemir", "Lindenstraße 7"],
        ),
        (
            "Mme Nathalie Girard, 8 boulevard Saint-Michel, 75005 Paris, tél. +33 1 43 54 12 34",
            ["Nathalie Girard", "8 boulevard Saint-Michel", "+33 1 43 54 12 34"],
        ),
        (
            "Contactar con Pilar en pilar.m@telefonica.es o al +34 91 123 45 67",
            ["Pilar", "pilar.m@telefonica.es", "+34 91 123 45 67"],
        ),
    ],
    # Probes SEC-dev (read while changing rules) and SEC-held (scored only), written
    # by secrets4 on 2026-12-07 before any rule was changed: secrets in the syntaxes
    # apps and configs hold them in, each half with look-alikes that must stay (third
    # item). Every value is made up (random draws or typed by hand for this file).
    "SEC-dev": [
        (
            "STRIPE_SECRET=Zqumpm08hsE8JNpjJOQGa2rb19Fl\nDEBUG=false\nPORT=8080",
            ["Zqumpm08hsE8JNpjJOQGa2rb19Fl"],
            ["8080"],
        ),
        (
            "oauth:\n  client_id: 4f1c2d7e-9a0b-4c3d-8e5f-6a7b8c9d0e1f\n  client_secret: hqG5KSFdPE0SPgjtHfb1F6w7\n",
            ["hqG5KSFdPE0SPgjtHfb1F6w7"],
            ["4f1c2d7e-9a0b-4c3d-8e5f-6a7b8c9d0e1f"],
        ),
        (
            '{"service": "billing", "auth_token": "0WAKadYEjW1W5bSapfQ7Dh3y", "timeout": 30}',
            ["0WAKadYEjW1W5bSapfQ7Dh3y"],
            [],
        ),
        (
            '[server]\nhost = "0.0.0.0"\n[server.auth]\ntoken = "mXrxWUREVXXPHzGIz3qyV4J1TQt7"\n',
            ["mXrxWUREVXXPHzGIz3qyV4J1TQt7"],
            [],
        ),
        (
            "[database]\nuser = report\npassword = Gl4cier!Pine7\nhost = db.internal",
            ["Gl4cier!Pine7"],
            [],
        ),
        (
            '<appSettings>\n  <add key="PaymentApiKey" value="9PBmGGwYPnqwYo8kwQj1qH9CstFpS8gE" />\n</appSettings>',
            ["9PBmGGwYPnqwYo8kwQj1qH9CstFpS8gE"],
            [],
        ),
        (
            '<bean id="ds"><property name="password" value="w1nter#Harbor"/></bean>',
            ["w1nter#Harbor"],
            [],
        ),
        (
            "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=npm_LRersl9a6sLABHHNBSz40ZgRCZ3IwEF6x9Qr",
            ["npm_LRersl9a6sLABHHNBSz40ZgRCZ3IwEF6x9Qr"],
            [],
        ),
        (
            "[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = deployer\npassword = Rb8nT3vX6y!q",
            ["Rb8nT3vX6y!q"],
            [],
        ),
        (
            "machine api.heroku.com\n  login ops@acme.io\n  password 5a4bb15d4dcc513d4654c340b67c01ff",
            ["5a4bb15d4dcc513d4654c340b67c01ff"],
            [],
        ),
        (
            '{"auths": {"registry.acme.io": {"auth": "ZGVwbG95OlZ0NyNxTHc5WnI="}}}',
            ["ZGVwbG95OlZ0NyNxTHc5WnI="],
            [],
        ),
        ("broker: amqp://orders:Kf8vN2qLx9@rabbit.internal:5672/prod", ["Kf8vN2qLx9"], []),
        (
            "git clone https://ci-bot:y5kyy3JBNWqb9Mt8sCG3CRKbKeyv6xQr@git.acme.io/team/app.git",
            ["y5kyy3JBNWqb9Mt8sCG3CRKbKeyv6xQr"],
            [],
        ),
        ("cache: redis://:Tq7mZ2xP9w@10.1.2.3:6379/0", ["Tq7mZ2xP9w"], []),
        ("mysql -h db -u root -pS4lmon#River prod < dump.sql", ["S4lmon#River"], []),
        (
            "az login --service-principal -u app-1 --password M3hwwjhCS6jkdFKsvw8f46QqXYil --tenant t1",
            ["M3hwwjhCS6jkdFKsvw8f46QqXYil"],
            [],
        ),
        (
            "docker run -e API_KEY=ELgGOBomUOLc877EgNB6bfbdUwFD -p 80:80 acme/api",
            ["ELgGOBomUOLc877EgNB6bfbdUwFD"],
            [],
        ),
        (
            "GET /v2/orders HTTP/1.1\nHost: api.acme.io\nX-API-Key: 3mGxHoL43ScQQYK8TUkl1JYnrw8t\nAccept: */*",
            ["3mGxHoL43ScQQYK8TUkl1JYnrw8t"],
            [],
        ),
        (
            "curl -H 'X-Auth-Token: fHmxOCTQE8phIECUyUALDgxkhOFo' https://api.acme.io/v1/me",
            ["fHmxOCTQE8phIECUyUALDgxkhOFo"],
            [],
        ),
        ("Authorization: Basic c3ZjX3JlcG9ydDptOEtwITJ4UnE0", ["c3ZjX3JlcG9ydDptOEtwITJ4UnE0"], []),
        (
            "Authorization: Bearer v8ExVuo5Zbcb99JpX9M02bB3f8nUVRBo",
            ["v8ExVuo5Zbcb99JpX9M02bB3f8nUVRBo"],
            [],
        ),
        (
            "s3 = boto3.client('s3', aws_access_key_id='AKIA4QXV7ZKD2MNB6HPE', aws_secret_access_key='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')",
            ["AKIA4QXV7ZKD2MNB6HPE", "ptvp7WhPvFMKFl8zE8Ajlb0c/dkbx9ZFqJDGf1rB"],
            [],
        ),
        (
            "const client = new Client({ user: 'etl', password: 'Tr4ck!ng99', host: 'pg' })",
            ["Tr4ck!ng99"],
            [],
        ),
        (
            'os.Setenv("DEPLOY_TOKEN", "1rB853IgN95Dci7xD93lgWk7J6rW")',
            ["1rB853IgN95Dci7xD93lgWk7J6rW"],
            [],
        ),
        (
            'Connection c = DriverManager.getConnection(url, "app", "Qz5!mK8wLp");',
            ["Qz5!mK8wLp"],
            [],
        ),
        ('var cred = new NetworkCredential("svc-mail", "Lx7#vB3nQ9");', ["Lx7#vB3nQ9"], []),
        ("define('DB_PASSWORD', 'h0ney#Badger42');", ["h0ney#Badger42"], []),
        (
            "Stripe.api_key = ENV['STRIPE_KEY']\nconfig.secret_key_base = 'HqaksrCoAqUvlPaJQ5WE2RlTZQcYTbYT'",
            ["HqaksrCoAqUvlPaJQ5WE2RlTZQcYTbYT"],
            ["ENV['STRIPE_KEY']"],
        ),
        (
            "2024-06-01 12:00:03 DEBUG outgoing headers={'x-api-key': 'nZzih6tZg1v6tnOLD5pIrRzg', 'accept': 'json'}",
            ["nZzih6tZg1v6tnOLD5pIrRzg"],
            [],
        ),
        (
            'level=info msg="refreshed" session_token=CrNipR0HjXFZfTvMUHoXTBzyTzbm expires_in=3600',
            ["CrNipR0HjXFZfTvMUHoXTBzyTzbm"],
            ["3600"],
        ),
        (
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  username: ZGVwbG95\n  password: V3ms0bVE5cFcycyE=\n",
            ["V3ms0bVE5cFcycyE="],
            [],
        ),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDkDamNHgHP2of9mW5evGMZDorHOTSZByPkRL2TqzyvAAAAJiaZ3mB\n-----END OPENSSH PRIVATE KEY-----",
            ["b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"],
            [],
        ),
        (
            "Server=tcp:acme.database.windows.net,1433;Initial Catalog=orders;User ID=app;Password=Pq9$wE2rT7x;Encrypt=True;",
            ["Pq9$wE2rT7x"],
            [],
        ),
        (
            "DefaultEndpointsProtocol=https;AccountName=acmelogs;AccountKey=kDamNHgHP2of+9mW5evGMZDorHOTSZByPkRL2Tqzyv8ctBMl6Arqg6ZHBZe6Wd4RSZSLQCUo9ythHMNXn0yzKU==;EndpointSuffix=core.windows.net",
            [
                "kDamNHgHP2of+9mW5evGMZDorHOTSZByPkRL2Tqzyv8ctBMl6Arqg6ZHBZe6Wd4RSZSLQCUo9ythHMNXn0yzKU=="
            ],
            [],
        ),
        ('sql.Open("mysql", "app:Wd8!kR2mXq@tcp(10.0.0.5:3306)/shop")', ["Wd8!kR2mXq"], []),
        # look-alikes: must stay
        (
            "API_KEY=${API_KEY}\nDB_PASSWORD={{ .Values.db.password }}\nSLACK_TOKEN=<your-slack-token>",
            [],
            ["${API_KEY}", "{{ .Values.db.password }}", "<your-slack-token>"],
        ),
        (
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            [],
            ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
        ),
        (
            "commit 2530770f5eca563fb9d1689fa27a31afb251f716\nAuthor: build bot\n\n    bump deps",
            [],
            ["2530770f5eca563fb9d1689fa27a31afb251f716"],
        ),
        (
            "image: ghcr.io/acme/api@sha256:2a4930278010f46b7b9cc15df2996da560fd8add5a4bb15d4dcc513d4654c340",
            [],
            ["2a4930278010f46b7b9cc15df2996da560fd8add5a4bb15d4dcc513d4654c340"],
        ),
        (
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOS0irYkPvdRHUNL9yf4StfxDPNV2adCV1jFzYI20eBa deploy@ci",
            [],
            ["AAAAC3NzaC1lZDI1NTE5AAAAIOS0irYkPvdRHUNL9yf4StfxDPNV2adCV1jFzYI20eBa"],
        ),
        (
            '"lodash": {"version": "4.17.21", "integrity": "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg=="}',
            [],
            [
                "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg=="
            ],
        ),
        (
            "token_type: bearer\nexpires_in: 3600\nmax_tokens: 4096\npassword_min_length: 12",
            [],
            ["bearer", "3600", "4096"],
        ),
        ("postgres://user:password@localhost:5432/mydb", [], ["user:password"]),
        (
            "Authorization: Bearer <token>\nX-API-Key: YOUR_API_KEY_HERE",
            [],
            ["<token>", "YOUR_API_KEY_HERE"],
        ),
        (
            "request_id=7e0d4c2a-91b3-4f6e-a8d5-3c2b1a0f9e8d trace=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            [],
            ["7e0d4c2a-91b3-4f6e-a8d5-3c2b1a0f9e8d", "4bf92f3577b34da6a3ce929d0e0e4736"],
        ),
        (
            'mysql -u root -p$MYSQL_ROOT_PASSWORD --password="$DB_PASS"',
            [],
            ["$MYSQL_ROOT_PASSWORD", "$DB_PASS"],
        ),
        (
            "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3LZ7wM6GKHVjk9tCSi5eIeeaAXZY7rzsj6Ho\nV5D0bA2DAzqx2T4Rc1hotdHNYgt0sgCWBn1Bue6bsBu4RstbtSPrwfm74O5bFGEhS2v3y7X6==\n-----END PUBLIC KEY-----",
            [],
            ["MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3LZ7wM6GKHVjk9tCSi5eIeeaAXZY7rzsj6Ho"],
        ),
        ("password: ********\nsecret: REDACTED\ntoken: null", [], ["********", "REDACTED"]),
    ],
    "SEC-held": [
        (
            "SENDGRID_API_KEY='1ZTVnVv2fgKD0f6YYIgrCOX6Jhw7'\nNODE_ENV=production",
            ["1ZTVnVv2fgKD0f6YYIgrCOX6Jhw7"],
            ["production"],
        ),
        (
            'spring:\n  datasource:\n    username: app\n    password: "c0ral#Reef88"\n',
            ["c0ral#Reef88"],
            [],
        ),
        (
            '{"type": "service_account", "clientSecret": "FecbVjafQ4gGnRfXBkg8QysD"}',
            ["FecbVjafQ4gGnRfXBkg8QysD"],
            [],
        ),
        (
            '[tool.poetry.http-basic.private]\nusername = "ci"\npassword = "4FIS0Xzm41PB2qs353f2Huu6"',
            ["4FIS0Xzm41PB2qs353f2Huu6"],
            [],
        ),
        (
            "[smtp]\nhost=mail.acme.io\nsecret_key=frRgjix7YSdn60LNJMRLdHb2U9Lh",
            ["frRgjix7YSdn60LNJMRLdHb2U9Lh"],
            [],
        ),
        ('<entry key="db.password">b1ue#Falcon73</entry>', ["b1ue#Falcon73"], []),
        (
            '<connectionStrings><add name="Main" connectionString="Data Source=sql01;Initial Catalog=crm;User Id=sa;Pwd=Ym6$tR8qWz;" /></connectionStrings>',
            ["Ym6$tR8qWz"],
            [],
        ),
        (
            "@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=ghp_P3JTkLoaz48FcB9Q88zxNWtfcbIU3oyG3s6a",
            ["ghp_P3JTkLoaz48FcB9Q88zxNWtfcbIU3oyG3s6a"],
            [],
        ),
        (
            "[testpypi]\nrepository = https://test.pypi.org/legacy/\nusername = maint\npassword: Zk4mQ9pW2s!v",
            ["Zk4mQ9pW2s!v"],
            [],
        ),
        (
            "machine github.com login release-bot password 7qO60lI5QfecJUyGTelVEnIKXVuu",
            ["7qO60lI5QfecJUyGTelVEnIKXVuu"],
            [],
        ),
        (
            '"https://index.docker.io/v1/": {\n  "auth": "Y2k6SHk1bkI4dkMzeA=="\n}',
            ["Y2k6SHk1bkI4dkMzeA=="],
            [],
        ),
        ("DATABASE_URL=mysql://shop:Jn4%23pL8wQz@db-1.internal:3306/shop", ["Jn4%23pL8wQz"], []),
        (
            "pip install --index-url https://__token__:tkgq5eq49jc3y6gn4e3l4v8rxi2z5728@pkgs.acme.io/simple/ acme-lib",
            ["tkgq5eq49jc3y6gn4e3l4v8rxi2z5728"],
            [],
        ),
        ("sftp://backup:Xr5&mN2pQk@files.acme.io/nightly", ["Xr5&mN2pQk"], []),
        ("PGPASSWORD=... psql --host=db --username=app --password=Hv3!nP9xLm", ["Hv3!nP9xLm"], []),
        (
            "heroku config:set SECRET_TOKEN=EomFKB8KyVQ3JYmzSgnYNPPtPQvv -a acme-api",
            ["EomFKB8KyVQ3JYmzSgnYNPPtPQvv"],
            [],
        ),
        (
            "POST /hooks HTTP/1.1\nx-access-token: 79l1yti4uor2l57ubgs7zop17f4kalib\ncontent-type: application/json",
            ["79l1yti4uor2l57ubgs7zop17f4kalib"],
            [],
        ),
        (
            'fetch(url, { headers: { "Api-Key": "adCV1jFzYI20eBahcyXic6YOZq0M" } })',
            ["adCV1jFzYI20eBahcyXic6YOZq0M"],
            [],
        ),
        (
            'curl -H "Authorization: Basic Y2k6SHk1bkI4dkMzeA==" https://ci.acme.io/api/json',
            ["Y2k6SHk1bkI4dkMzeA=="],
            [],
        ),
        (
            "Proxy-Authorization: Bearer OS0irYkPvdRHUNL9yf4StfxDPNV2",
            ["OS0irYkPvdRHUNL9yf4StfxDPNV2"],
            [],
        ),
        (
            'client = OpenAIClient(endpoint, AzureKeyCredential("R91GvVzW1WHLbA6RR3KBBmaM31d8"))',
            ["R91GvVzW1WHLbA6RR3KBBmaM31d8"],
            [],
        ),
        (
            "db = pymysql.connect(host='10.0.0.9', user='rpt', passwd='Fj7#kq2Lwx', db='sales')",
            ["Fj7#kq2Lwx"],
            [],
        ),
        ('props.put("mail.smtp.password", "m0ss#Garden5");', ["m0ss#Garden5"], []),
        ("$pdo = new PDO('mysql:host=db;dbname=shop', 'shop', 'Kq8!zT4wMx');", ["Kq8!zT4wMx"], []),
        (
            "ENV['GITHUB_TOKEN'] = 'ghp_bA2DAzqx2T4Rc1hotdHNYgt0sgCWBn1Bue6b'",
            ["ghp_bA2DAzqx2T4Rc1hotdHNYgt0sgCWBn1Bue6b"],
            [],
        ),
        (
            'var conn = new SqlConnection("Server=sql02;Database=hr;User Id=hr_app;Password=Tz2@wQ9rLk;");',
            ["Tz2@wQ9rLk"],
            [],
        ),
        (
            "[2024-06-02 08:14:55] WARN retry auth apikey=RstbtSPrwfm74O5bFGEhS2v3y7X6 attempt=2",
            ["RstbtSPrwfm74O5bFGEhS2v3y7X6"],
            [],
        ),
        (
            "INFO  connecting with access_token: vo31yvkxj22zava49sq6wp51edm0ng61 (scope=read)",
            ["vo31yvkxj22zava49sq6wp51edm0ng61"],
            [],
        ),
        (
            "data:\n  api-key: a2JxN3ZMbTJYcFE5c1Q0ckU=\n  DB_PASS: UmI4blQzdlg2eQ==\n",
            ["a2JxN3ZMbTJYcFE5c1Q0ckU=", "UmI4blQzdlg2eQ=="],
            [],
        ),
        (
            '{"type": "service_account", "private_key_id": "ff3195f80135f3b92c07423fb388dfa9", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC3ee3419300aed2e779\\n-----END PRIVATE KEY-----\\n"}',
            ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC3ee3419300aed2e779"],
            [],
        ),
        (
            "Endpoint=sb://acme-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=clZ/CVl7QhyBUctigLY67ZUkMJfhBIVjv86O2tAWDgQ=",
            ["clZ/CVl7QhyBUctigLY67ZUkMJfhBIVjv86O2tAWDgQ="],
            [],
        ),
        (
            "Host=pg.acme.io;Port=5432;Username=etl;Password=Nc8%vW3kRz;Database=dw",
            ["Nc8%vW3kRz"],
            [],
        ),
        (
            "ldap_bind_dn = cn=admin,dc=acme,dc=io\nldap_bind_password = Qm3!xV8tPw",
            ["Qm3!xV8tPw"],
            [],
        ),
        (
            "echo 'Lp4@wZ9kNx' | docker login registry.acme.io --username ci --password-stdin",
            ["Lp4@wZ9kNx"],
            [],
        ),
        (
            'jwt.sign(payload, "a2rb19FlY0mG1ylvuhfJXqIEnomef2mS", { expiresIn: "1h" })',
            ["a2rb19FlY0mG1ylvuhfJXqIEnomef2mS"],
            [],
        ),
        # look-alikes: must stay
        (
            "OPENAI_API_KEY=sk-...\nGITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nDB_PASSWORD=changeme",
            [],
            ["sk-...", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "changeme"],
        ),
        (
            'password: "{{ vault_db_password }}"\napi_key: "%(api_key)s"\ntoken: $(cat /run/secrets/token)',
            [],
            ["{{ vault_db_password }}", "%(api_key)s", "$(cat /run/secrets/token)"],
        ),
        (
            "md5 9e107d9d372bb6826bd81d3542a419d6  release.tar.gz\nsha1 a68820c894a252686f3a0e652733a942505681aa",
            [],
            ["9e107d9d372bb6826bd81d3542a419d6", "a68820c894a252686f3a0e652733a942505681aa"],
        ),
        (
            'ETag: "33a64df551425fcc55e4d42a148795d9f25f89d4"\nX-Request-Id: 2c7d1e0f-3a4b-4c5d-8e9f-0a1b2c3d4e5f',
            [],
            ["33a64df551425fcc55e4d42a148795d9f25f89d4", "2c7d1e0f-3a4b-4c5d-8e9f-0a1b2c3d4e5f"],
        ),
        (
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7qO60lI5QfecJUyGTelVEnIKXVuuEomFKB8KyVQ3JYmzSgnYN ops@bastion",
            [],
            ["AAAAB3NzaC1yc2EAAAADAQABAAABAQC7qO60lI5QfecJUyGTelVEnIKXVuuEomFKB8KyVQ3JYmzSgnYN"],
        ),
        (
            "https://username:password@example.com/path and ftp://anonymous:guest@ftp.example.org",
            [],
            ["username:password", "anonymous:guest"],
        ),
        (
            "Authorization: Bearer ${ACCESS_TOKEN}\ncurl -u admin:$ADMIN_PASS https://ci.local",
            [],
            ["${ACCESS_TOKEN}", "$ADMIN_PASS"],
        ),
        (
            'auth: true\nsecret: false\nprimary_key = "user_id"\ncache_key: users:list:v2',
            [],
            ["true", "false", "user_id", "users:list:v2"],
        ),
        (
            "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJRTES\n-----END CERTIFICATE-----",
            [],
            ["MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJRTES"],
        ),
        ("Password=<password>;User ID=<user>;Server=myServerAddress", [], ["<password>"]),
        (
            "git checkout 65a91d1cbb5371bd6a2ba11015b11f5c0e4d2a71 && make",
            [],
            ["65a91d1cbb5371bd6a2ba11015b11f5c0e4d2a71"],
        ),
        ('api_key: "[API_KEY]"\nsecret: "xxxx-xxxx-xxxx"', [], ["[API_KEY]", "xxxx-xxxx-xxxx"]),
    ],
}


PROBES_E: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {
    "E-dev": [
        (
            "Customer: hi i ordered a blender last week and it never came\nAgent (Marisol): Sorry to hear that! Can I get your name and email?\nCustomer: its babajide ogunleye, babajide.o@yahoo.com",
            [
                ("PERSON", "Marisol"),
                ("PERSON", "babajide ogunleye"),
                ("EMAIL", "babajide.o@yahoo.com"),
            ],
        ),
        (
            "user: can u change the phone on my account to 0722 418 553? the old one was lost. name is wanjiru kamau",
            [("PHONE", "0722 418 553"), ("PERSON", "wanjiru kamau")],
        ),
        (
            "hey, dragana here again 🙂 still waiting on the refund for the Galaxy S23 I returned. my iban is DE92158034609239856975",
            [("PERSON", "dragana"), ("KEEP", "Galaxy S23"), ("IBAN", "DE92158034609239856975")],
        ),
        (
            "chat transcript\nCustomer (Nguyen Van Long): toi can ho tro ve don hang\nAgent: Sure! Could you type your phone number?\nCustomer: +84 912 448 103",
            [("PERSON", "Nguyen Van Long"), ("PHONE", "+84 912 448 103")],
        ),
        (
            "@support my username is kofi_asante92 and I can't log in since the v4.2.1 update, email kofi.asante@gmail.com",
            [("USERNAME", "kofi_asante92"), ("KEEP", "v4.2.1"), ("EMAIL", "kofi.asante@gmail.com")],
        ),
        (
            "customer says her husband emeka placed the order with her card, she wants it cancelled. her name: ngozi obi",
            [("PERSON", "emeka"), ("PERSON", "ngozi obi")],
        ),
        (
            "Call w/ Rania Khoury (Procurement) 14:30 — wants quote for 40 seats of Acme Cloud Pro. Follow-up Thursday. Mobile +971 50 418 2277.",
            [("PERSON", "Rania Khoury"), ("KEEP", "Acme Cloud Pro"), ("PHONE", "+971 50 418 2277")],
        ),
        (
            "Account owner changed from Diego Villalobos to Camila Restrepo effective 01/12/2024. Camila's direct line: +57 310 418 2277",
            [
                ("PERSON", "Diego Villalobos"),
                ("PERSON", "Camila Restrepo"),
                ("PERSON", "Camila"),
                ("KEEP", "01/12/2024"),
                ("PHONE", "+57 310 418 2277"),
            ],
        ),
        (
            "Opportunity 'Deutsche Bahn renewal' — champion is Frau Brigitte Hollweg, blocker is Herr Dr. Kessler from IT security.",
            [("KEEP", "Deutsche Bahn"), ("PERSON", "Brigitte Hollweg"), ("PERSON", "Kessler")],
        ),
        (
            "Met Haruto Sato and his colleague Mei Takahashi at the Tokyo office; both want the Enterprise tier. Haruto: 090-4812-3377",
            [
                ("PERSON", "Haruto Sato"),
                ("PERSON", "Haruto"),
                ("PERSON", "Mei Takahashi"),
                ("KEEP", "Tokyo"),
                ("PHONE", "090-4812-3377"),
            ],
        ),
        (
            "Reminder: send the contract to Zsófia Kovács before the Budapest trip. She signs for Danubia Kft.",
            [("PERSON", "Zsófia Kovács"), ("KEEP", "Budapest"), ("KEEP", "Danubia Kft.")],
        ),
        (
            "From: Wojciech Nowicki <w.nowicki@kancelaria-nowicki.pl>\nTo: support@shop.example\nDate: Tue, 12 Nov 2024 09:41:07 +0100\nSubject: Order 55821 - complaint\n\nHello, the package arrived damaged. Please call me.\n\nWojciech Nowicki\nKancelaria Nowicki\ntel. +48 601 482 937",
            [
                ("PERSON", "Wojciech Nowicki"),
                ("EMAIL", "w.nowicki@kancelaria-nowicki.pl"),
                ("KEEP", "Tue, 12 Nov 2024"),
                ("PHONE", "+48 601 482 937"),
            ],
        ),
        (
            "-----Original Message-----\nFrom: Chukwuemeka Obi [mailto:c.obi@lagosfreight.com.ng]\nSent: Monday, March 3, 2025 4:12 PM\nTo: Ops Team\nSubject: RE: container release",
            [("PERSON", "Chukwuemeka Obi"), ("EMAIL", "c.obi@lagosfreight.com.ng")],
        ),
        (
            "Cordialement,\n\nGuillaume Marchetti\nResponsable logistique\n27 bis, rue des Lilas, 33000 Bordeaux\nTél : 06 71 28 44 93",
            [
                ("PERSON", "Guillaume Marchetti"),
                ("STREET_ADDRESS", "27 bis, rue des Lilas"),
                ("PHONE", "06 71 28 44 93"),
            ],
        ),
        (
            'Cc: "Dvořák, Radek" <radek.dvorak@seznam.cz>, Milena Horvat <milena.horvat@t-com.hr>\nSubject: Q3 planning',
            [
                ("PERSON", "Dvořák"),
                ("PERSON", "Radek"),
                ("EMAIL", "radek.dvorak@seznam.cz"),
                ("PERSON", "Milena Horvat"),
                ("EMAIL", "milena.horvat@t-com.hr"),
            ],
        ),
        (
            "Met vriendelijke groet,\n\nSanne Bakker-de Wit\nKlantenservice\nVan Woustraat 88-III, 1073 LR Amsterdam\n06 4128 7735",
            [
                ("PERSON", "Sanne Bakker-de Wit"),
                ("STREET_ADDRESS", "Van Woustraat 88-III"),
                ("PHONE", "06 4128 7735"),
            ],
        ),
        (
            "Regards,\nAnanya Iyer\nSr. Analyst, Infosys\nFlat 302, Sai Krupa Apartments, 4th Cross, Indiranagar, Bengaluru 560038\n+91 98201 45673",
            [
                ("PERSON", "Ananya Iyer"),
                ("KEEP", "Infosys"),
                ("STREET_ADDRESS", "Flat 302, Sai Krupa Apartments, 4th Cross"),
                ("PHONE", "+91 98201 45673"),
            ],
        ),
        ("sent from my phone, sorry for typos\n\n- rahim", [("PERSON", "rahim")]),
        (
            "Performance review — employee: Harpreet Kaur Gill; reviewer: Marcus Feldman. Rating: exceeds. Promotion to Senior Engineer from 1 April.",
            [("PERSON", "Harpreet Kaur Gill"), ("PERSON", "Marcus Feldman")],
        ),
        (
            "Payroll change request: employee #20471 Valentina Quispe Mamani, new account ES1853473166248689201812, effective next pay run.",
            [("PERSON", "Valentina Quispe Mamani"), ("IBAN", "ES1853473166248689201812")],
        ),
        (
            "Bewerbung von Herrn Jonas Weißenberger, geb. 04.10.1971 in Kassel, wohnhaft Am Mühlbach 3, 83022 Rosenheim.",
            [
                ("PERSON", "Jonas Weißenberger"),
                ("DATE_OF_BIRTH", "04.10.1971"),
                ("STREET_ADDRESS", "Am Mühlbach 3"),
            ],
        ),
        (
            "background check ok for candidate shreya banerjee (ssn 219-55-7402), offer letter to go out friday",
            [("PERSON", "shreya banerjee"), ("US_SSN", "219-55-7402")],
        ),
        (
            "Dossier RH : Mme Léa Rousseau-Benamou, née le 17 avril 1966 à Oran, embauchée le 3 septembre 2001.",
            [
                ("PERSON", "Léa Rousseau-Benamou"),
                ("DATE_OF_BIRTH", "17 avril 1966"),
                ("KEEP", "3 septembre 2001"),
            ],
        ),
        (
            "Appointment reminder: Mr Kwabena Asante is booked with Dr Helen Marsh at St Mary's Hospital on 18 March at 10:40.",
            [
                ("PERSON", "Kwabena Asante"),
                ("PERSON", "Helen Marsh"),
                ("KEEP", "St Mary's Hospital"),
            ],
        ),
        (
            "triage note: 34yo male, name given as ahmed nasser, no ID, brought in by friend (omar). phone of friend 0532 418 77 21",
            [("PERSON", "ahmed nasser"), ("PERSON", "omar"), ("PHONE", "0532 418 77 21")],
        ),
        (
            "Lab results for patient ZHANG Wei (DOB 1969-08-08) are ready. Please inform Dr. Ramírez. Order ref LAB-2025-004417.",
            [
                ("PERSON", "ZHANG Wei"),
                ("DATE_OF_BIRTH", "1969-08-08"),
                ("PERSON", "Ramírez"),
                ("KEEP", "LAB-2025-004417"),
            ],
        ),
        (
            "Paciente Jorge Huamán Ccori, DNI no aportado, fecha de nacimiento 9 de enero de 1990, tel. 987 418 223.",
            [
                ("PERSON", "Jorge Huamán Ccori"),
                ("DATE_OF_BIRTH", "9 de enero de 1990"),
                ("PHONE", "987 418 223"),
            ],
        ),
        (
            "Booking confirmed: Hotel Alfama Lisboa, 2 nights from 14 May 2025, guest Rui Figueiredo, +351 936 412 887.",
            [
                ("KEEP", "Hotel Alfama Lisboa"),
                ("KEEP", "14 May 2025"),
                ("PERSON", "Rui Figueiredo"),
                ("PHONE", "+351 936 412 887"),
            ],
        ),
        (
            "Reservation #RX7K2Q for 4 people, Saturday 8pm, under the name Okonjo. Contact: okonjo.family@gmail.com",
            [("PERSON", "Okonjo"), ("EMAIL", "okonjo.family@gmail.com")],
        ),
        (
            "Driver note: leave at back door, 7711 Sunset Blvd Unit 5, gate code 4471. Recipient Darnell Whitaker.",
            [("STREET_ADDRESS", "7711 Sunset Blvd Unit 5"), ("PERSON", "Darnell Whitaker")],
        ),
        (
            "Envío a: Plaza del Pilar 3, 3ºD, 50003 Zaragoza — att. Sr. Íñigo Zubizarreta",
            [("STREET_ADDRESS", "Plaza del Pilar 3"), ("PERSON", "Íñigo Zubizarreta")],
        ),
        (
            "pickup at 14 Wellington Road, Leeds LS6 2AB for ollie brennan, fragile",
            [("STREET_ADDRESS", "14 Wellington Road"), ("PERSON", "ollie brennan")],
        ),
        (
            "id,first_name,last_name,email,phone\n101,Adaora,Nwankwo,adaora.n@mail.ng,+234 803 412 7765\n102,Bilal,Qureshi,bilal.q@pkmail.pk,+92 300 4182277",
            [
                ("PERSON", "Adaora"),
                ("PERSON", "Nwankwo"),
                ("EMAIL", "adaora.n@mail.ng"),
                ("PHONE", "+234 803 412 7765"),
                ("PERSON", "Bilal"),
                ("PERSON", "Qureshi"),
                ("EMAIL", "bilal.q@pkmail.pk"),
                ("PHONE", "+92 300 4182277"),
            ],
        ),
        (
            "| Guest | Room | Check-in |\n|---|---|---|\n| Santiago Ferreyra | 304 | 2025-06-01 |\n| Mei-Ling Chua | 305 | 2025-06-01 |",
            [("PERSON", "Santiago Ferreyra"), ("PERSON", "Mei-Ling Chua"), ("KEEP", "2025-06-01")],
        ),
        (
            "employee,ssn,salary\nDeShawn Carter,401-82-3316,72000\nMariana Oliveira,536-14-9027,68000",
            [
                ("PERSON", "DeShawn Carter"),
                ("US_SSN", "401-82-3316"),
                ("PERSON", "Mariana Oliveira"),
                ("US_SSN", "536-14-9027"),
            ],
        ),
        (
            "sku,product,price\nGS23-128-BLK,Galaxy S23 128GB Black,799.00\nIP15P-256,iPhone 15 Pro 256GB,1199.00",
            [
                ("KEEP", "GS23-128-BLK"),
                ("KEEP", "Galaxy S23 128GB Black"),
                ("KEEP", "iPhone 15 Pro 256GB"),
            ],
        ),
        (
            "attendee\torg\temail\nKamala Wijesinghe\tColombo Tea Co\tkamala.w@ctco.lk\nTomás Ó Briain\tBord Bia\ttomas.obriain@eircom.net",
            [
                ("PERSON", "Kamala Wijesinghe"),
                ("EMAIL", "kamala.w@ctco.lk"),
                ("PERSON", "Tomás Ó Briain"),
                ("EMAIL", "tomas.obriain@eircom.net"),
            ],
        ),
        (
            '{"event":"signup","user":{"first":"Oyelaran","last":"Bankole","email":"oyebankole@gmail.com","dob":"1996-07-21"},"plan":"pro"}',
            [
                ("PERSON", "Oyelaran"),
                ("PERSON", "Bankole"),
                ("EMAIL", "oyebankole@gmail.com"),
                ("DATE_OF_BIRTH", "1996-07-21"),
            ],
        ),
        (
            'customer:\n  name: Arjun Mehta\n  phone: "+91-80-4112-7788"\n  address:\n    line1: Plot No. 17, Gandhi Nagar\n    city: Nagpur\n    pin: "440010"',
            [
                ("PERSON", "Arjun Mehta"),
                ("PHONE", "+91-80-4112-7788"),
                ("STREET_ADDRESS", "Plot No. 17, Gandhi Nagar"),
            ],
        ),
        (
            '[{"assignee": "s.kowalski", "reporter": "Bongani Dube", "title": "Crash in v3.0.0-rc.2 on Android 14"}]',
            [
                ("USERNAME", "s.kowalski"),
                ("PERSON", "Bongani Dube"),
                ("KEEP", "v3.0.0-rc.2"),
                ("KEEP", "Android 14"),
            ],
        ),
        (
            '{"tool_call":"create_ticket","args":{"requester":"Giulia Marchesini","phone":"+39 02 8945 1120","summary":"Rimborso ordine 4471"}}',
            [("PERSON", "Giulia Marchesini"), ("PHONE", "+39 02 8945 1120")],
        ),
        (
            'patient:\n  family: Haddadi\n  given: [Samira]\n  birthDate: 1983-04-02\n  telecom: {system: phone, value: "+212 661-418772"}',
            [
                ("PERSON", "Haddadi"),
                ("PERSON", "Samira"),
                ("DATE_OF_BIRTH", "1983-04-02"),
                ("PHONE", "+212 661-418772"),
            ],
        ),
        (
            '{"name": "Ravi", "surname": "Subramaniam", "pan_holder": true, "city": "Chennai"}',
            [("PERSON", "Ravi"), ("PERSON", "Subramaniam")],
        ),
        (
            "Feb 11 08:15:03 web-02 sshd[2231]: Failed password for invalid user mdiallo from 196.207.44.12 port 52214 ssh2",
            [("USERNAME", "mdiallo"), ("IP_ADDRESS", "196.207.44.12")],
        ),
        (
            'level=warn msg="payment declined" customer="Thandeka Ndlovu" card_last4=9911 amount=49.99 trace=7f3a2c',
            [("PERSON", "Thandeka Ndlovu")],
        ),
        (
            "[worker-3] sending welcome email to aditi.sharma92@rediffmail.com (template=welcome_v2, locale=en-IN)",
            [("EMAIL", "aditi.sharma92@rediffmail.com"), ("KEEP", "welcome_v2")],
        ),
        (
            "audit: role changed for user 'gkaraca' by 'admin' from 192.168.1.50 at 2025-01-20 10:11:12",
            [
                ("USERNAME", "gkaraca"),
                ("IP_ADDRESS", "192.168.1.50"),
                ("KEEP", "2025-01-20 10:11:12"),
            ],
        ),
        (
            "kernel: [UFW BLOCK] IN=eth0 SRC=2a02:8108:4c40:1d00::2f DST=2a01:4f8:c0c:1234::1 PROTO=TCP DPT=22",
            [("IP_ADDRESS", "2a02:8108:4c40:1d00::2f"), ("IP_ADDRESS", "2a01:4f8:c0c:1234::1")],
        ),
        (
            "UPDATE accounts SET iban = 'FR6382733522936838992101681' WHERE owner = 'Mathieu Girardot';",
            [("IBAN", "FR6382733522936838992101681"), ("PERSON", "Mathieu Girardot")],
        ),
        (
            "-- fix typo reported by Yaw Mensah\nUPDATE users SET phone='+233 24 418 7702' WHERE id=3312;",
            [("PERSON", "Yaw Mensah"), ("PHONE", "+233 24 418 7702")],
        ),
        (
            "SELECT * FROM orders WHERE customer_email IN ('h.nakamura@ocn.ne.jp', 'kim.minseo@naver.com');",
            [("EMAIL", "h.nakamura@ocn.ne.jp"), ("EMAIL", "kim.minseo@naver.com")],
        ),
        (
            "first_name=Itzel&last_name=Xochitl+Ramírez&dob=1993-03-17&zip=06700&country=MX",
            [("PERSON", "Itzel"), ("PERSON", "Xochitl+Ramírez"), ("DATE_OF_BIRTH", "1993-03-17")],
        ),
        (
            "Card payment form:\ncardholder = Vusi Khumalo\nnumber = 5192743630286864\nexpiry = 04/29\ncvc = 311",
            [("PERSON", "Vusi Khumalo"), ("CREDIT_CARD", "5192743630286864")],
        ),
        (
            "Kontaktformular\nName: Dr. med. Felicitas von Arnim\nE-Mail: f.vonarnim@praxis-arnim.de\nTelefon: +49 89 21094477\nAnliegen: Terminvereinbarung",
            [
                ("PERSON", "Felicitas von Arnim"),
                ("EMAIL", "f.vonarnim@praxis-arnim.de"),
                ("PHONE", "+49 89 21094477"),
            ],
        ),
        (
            "my cal link: cal.com/ricardo-almeida/discovery — works for SF or Lisbon time zones",
            [("URL", "cal.com/ricardo-almeida/discovery"), ("KEEP", "Lisbon")],
        ),
        (
            "PR by https://github.com/oyinda-adeleke fixes the crash; see https://github.com/python/cpython/issues/112233 for context",
            [
                ("URL", "https://github.com/oyinda-adeleke"),
                ("KEEP", "https://github.com/python/cpython/issues/112233"),
            ],
        ),
        (
            "Researcher profile: https://orcid.org/0000-0002-4418-7731 and https://www.researchgate.net/profile/Ilse-Vandenberghe",
            [
                ("URL", "https://orcid.org/0000-0002-4418-7731"),
                ("URL", "https://www.researchgate.net/profile/Ilse-Vandenberghe"),
            ],
        ),
        (
            "My Xing: https://www.xing.com/profile/Torsten_Blumenthal — and my blog torstenblumenthal.substack.com",
            [
                ("URL", "https://www.xing.com/profile/Torsten_Blumenthal"),
                ("URL", "torstenblumenthal.substack.com"),
            ],
        ),
        (
            "telegram: t.me/andriy_hnatyuk, whatsapp wa.me/380674128830",
            [("URL", "t.me/andriy_hnatyuk"), ("URL", "wa.me/380674128830")],
        ),
        (
            "stack overflow profile https://stackoverflow.com/users/4418773/mehdi-rahmani, and linktr.ee/mehdirahmani",
            [
                ("URL", "https://stackoverflow.com/users/4418773/mehdi-rahmani"),
                ("URL", "linktr.ee/mehdirahmani"),
            ],
        ),
        (
            "discord: valentinaq_art, steam id: pixelcondor77 — add me!",
            [("USERNAME", "valentinaq_art"), ("USERNAME", "pixelcondor77")],
        ),
        (
            "youtube.com/@cookingwithnaledi and facebook.com/naledi.mthembu.77",
            [("URL", "youtube.com/@cookingwithnaledi"), ("URL", "facebook.com/naledi.mthembu.77")],
        ),
        (
            "Amex 3782 822463 10005 is a test number, but mine is 3449 250571 01621 — please charge that one",
            [("CREDIT_CARD", "3449 250571 01621")],
        ),
        (
            "Bitte überweisen Sie den Betrag auf DE49 2284 1103 9611 2984 90 (Kontoinhaberin: Ayşe Demirtaş).",
            [("IBAN", "DE49 2284 1103 9611 2984 90"), ("PERSON", "Ayşe Demirtaş")],
        ),
        (
            "IBAN per il rimborso: IT77 X176 5629 1513 2422 8551 744 intestato a Lorenzo Cattaneo",
            [("IBAN", "IT77 X176 5629 1513 2422 8551 744"), ("PERSON", "Lorenzo Cattaneo")],
        ),
        ("my social is 401 77 2219, is that safe to put in the form?", [("US_SSN", "401 77 2219")]),
        (
            "uk bank details: sort code 20-41-77, account 41899343, or IBAN GB97NWBK84020808871011 — name on account Callum Fraser",
            [("IBAN", "GB97NWBK84020808871011"), ("PERSON", "Callum Fraser")],
        ),
        (
            "Rekeningnummer NL49 INGB 7636 2458 59 t.n.v. M. El Khatib",
            [("IBAN", "NL49 INGB 7636 2458 59"), ("PERSON", "El Khatib")],
        ),
        (
            "Bonjour, je m'appelle Aïssatou Ndiaye, j'habite au 3 impasse du Moulin, 44000 Nantes. Mon portable : +33 7 58 12 40 66.",
            [
                ("PERSON", "Aïssatou Ndiaye"),
                ("STREET_ADDRESS", "3 impasse du Moulin"),
                ("PHONE", "+33 7 58 12 40 66"),
            ],
        ),
        (
            "Ciao, sono Chiara Bonfiglio, il mio numero è 347 418 2290 e la mia email chiara.bonfiglio@libero.it",
            [
                ("PERSON", "Chiara Bonfiglio"),
                ("PHONE", "347 418 2290"),
                ("EMAIL", "chiara.bonfiglio@libero.it"),
            ],
        ),
        (
            "Oi, aqui é a Juliana Tavares. Meu aniversário é 15/08/1992 e meu celular é (31) 98412-7730.",
            [
                ("PERSON", "Juliana Tavares"),
                ("DATE_OF_BIRTH", "15/08/1992"),
                ("PHONE", "(31) 98412-7730"),
            ],
        ),
        (
            "mera address note karo: H.No. 221, Gali No. 3, Laxmi Nagar, Delhi 110092. delivery shaam ko karna",
            [("STREET_ADDRESS", "H.No. 221, Gali No. 3, Laxmi Nagar")],
        ),
        (
            "Sehr geehrter Herr Abdullahi, vielen Dank für Ihre Anfrage vom 12.03.2025. Ihr Ansprechpartner ist Herr Grünewald.",
            [("PERSON", "Abdullahi"), ("KEEP", "12.03.2025"), ("PERSON", "Grünewald")],
        ),
        (
            "Caro Matteo, ti giro il contatto di Elisa Ferraresi (elisa.ferraresi@gmail.com), lavora a Bologna da Ducati.",
            [
                ("PERSON", "Matteo"),
                ("PERSON", "Elisa Ferraresi"),
                ("EMAIL", "elisa.ferraresi@gmail.com"),
                ("KEEP", "Ducati"),
            ],
        ),
        (
            "Prezada Dra. Conceição, o paciente Otávio Brandão Lima (nasc. 02/11/1954) foi encaminhado.",
            [
                ("PERSON", "Conceição"),
                ("PERSON", "Otávio Brandão Lima"),
                ("DATE_OF_BIRTH", "02/11/1954"),
            ],
        ),
        (
            "Querida Ximena, el cumple de tu abuela Remedios es el 4 de octubre, ¡no lo olvides!",
            [("PERSON", "Ximena"), ("PERSON", "Remedios")],
        ),
        (
            "Oggi ho parlato con la signora Esposito Carmela, via Roma 41, Caserta: chiede il rimborso.",
            [("PERSON", "Esposito Carmela"), ("STREET_ADDRESS", "via Roma 41")],
        ),
        (
            "pls send the invoice to my wife, her email is fatima.zahra.b@gmail.com, thx — karim",
            [("EMAIL", "fatima.zahra.b@gmail.com"), ("PERSON", "karim")],
        ),
        (
            "i'm mark, my mate sunny is the one who ordered the ps5 on black friday",
            [("PERSON", "mark"), ("PERSON", "sunny"), ("KEEP", "ps5"), ("KEEP", "black friday")],
        ),
        (
            "hey!! its oluwadamilare, my new num is 0803 412 7766 save it",
            [("PERSON", "oluwadamilare"), ("PHONE", "0803 412 7766")],
        ),
        (
            "bday girl alert 🎉 lindiwe's bday is 7 march 1998 we're planning a surprise",
            [("PERSON", "lindiwe"), ("DATE_OF_BIRTH", "7 march 1998")],
        ),
        (
            "my pwd is Summer#2024kb, please don't tell bill",
            [("SECRET", "Summer#2024kb"), ("PERSON", "bill")],
        ),
        (
            "Wanjiru's laptop is still with IT, the Dell XPS 13 with the cracked hinge.",
            [("PERSON", "Wanjiru"), ("KEEP", "Dell XPS 13")],
        ),
        (
            "KOVALENKO Oleksandr, LEE Seo-yeon and DA SILVA Bruno passed the safety induction.",
            [
                ("PERSON", "KOVALENKO Oleksandr"),
                ("PERSON", "LEE Seo-yeon"),
                ("PERSON", "DA SILVA Bruno"),
            ],
        ),
        ("Approved by: ____ Rahimi ____ on behalf of Finance", [("PERSON", "Rahimi")]),
        (
            "Thanks to Funmilayo, Xiang and Ignacio for covering the weekend shift at the Tim Hortons kiosk.",
            [
                ("PERSON", "Funmilayo"),
                ("PERSON", "Xiang"),
                ("PERSON", "Ignacio"),
                ("KEEP", "Tim Hortons"),
            ],
        ),
        (
            "Interview panel: Amadou Traoré (chair), Ingrid Halvorsen, Dr. Siddiqui.",
            [("PERSON", "Amadou Traoré"), ("PERSON", "Ingrid Halvorsen"), ("PERSON", "Siddiqui")],
        ),
        (
            "meeting moved; Bui Thanh Tam will present instead of Hamid bin Rashid Al-Mansoori's team",
            [("PERSON", "Bui Thanh Tam"), ("PERSON", "Hamid bin Rashid Al-Mansoori")],
        ),
        (
            "Author: Ngũgĩ Kariuki <nkariuki@uonbi.ac.ke>\nDate: Mon Jan 13 09:12:44 2025 +0300\n\n    Fix rounding in invoice totals",
            [("PERSON", "Ngũgĩ Kariuki"), ("EMAIL", "nkariuki@uonbi.ac.ke")],
        ),
        (
            "d.o.b. 11/02/1994 | member since 2016 | tier: gold",
            [("DATE_OF_BIRTH", "11/02/1994"), ("KEEP", "2016")],
        ),
        (
            "Geboortedatum: 02-07-1983 / Naam: Willemijn Hoekstra",
            [("DATE_OF_BIRTH", "02-07-1983"), ("PERSON", "Willemijn Hoekstra")],
        ),
        (
            "Data de nascimento: 15 de março de 1989, nome completo Paulo Henrique Matos",
            [("DATE_OF_BIRTH", "15 de março de 1989"), ("PERSON", "Paulo Henrique Matos")],
        ),
        (
            "Release notes 5.2.0: upgraded OpenSSL to 3.0.13, dropped support for Windows Server 2012, see https://docs.github.com/en/actions/using-workflows",
            [
                ("KEEP", "5.2.0"),
                ("KEEP", "OpenSSL"),
                ("KEEP", "3.0.13"),
                ("KEEP", "Windows Server 2012"),
                ("KEEP", "https://docs.github.com/en/actions/using-workflows"),
            ],
        ),
        (
            "The conference is in Rio de Janeiro this year, at the Copacabana Palace, 12–14 June.",
            [("KEEP", "Rio de Janeiro"), ("KEEP", "Copacabana Palace"), ("KEEP", "12–14 June")],
        ),
        (
            "Our HQ moved from Champs-Élysées to La Défense; the Amsterdam and São Paulo offices stay.",
            [
                ("KEEP", "Champs-Élysées"),
                ("KEEP", "La Défense"),
                ("KEEP", "Amsterdam"),
                ("KEEP", "São Paulo"),
            ],
        ),
        (
            "ISBN 978-3-16-148410-0, published 2019 by Penguin Random House, 352 pages.",
            [("KEEP", "978-3-16-148410-0"), ("KEEP", "Penguin Random House")],
        ),
        (
            "pip install requests==2.31.0 and see https://requests.readthedocs.io/en/latest/user/quickstart/",
            [
                ("KEEP", "requests==2.31.0"),
                ("KEEP", "https://requests.readthedocs.io/en/latest/user/quickstart/"),
            ],
        ),
        (
            "Train ICE 578 from Hamburg Hbf to München Hbf, departure 07:24, platform 13.",
            [("KEEP", "ICE 578"), ("KEEP", "Hamburg Hbf"), ("KEEP", "München Hbf")],
        ),
        (
            "We use Ben & Jerry's, Victoria's Secret and Wendy's as examples of brand names.",
            [("KEEP", "Ben & Jerry's"), ("KEEP", "Victoria's Secret"), ("KEEP", "Wendy's")],
        ),
        (
            "Docs: https://learn.microsoft.com/en-us/azure/storage/ and https://cloud.google.com/storage/docs/introduction",
            [
                ("KEEP", "https://learn.microsoft.com/en-us/azure/storage/"),
                ("KEEP", "https://cloud.google.com/storage/docs/introduction"),
            ],
        ),
        (
            "smtp:\n  host: smtp.mailgun.org\n  user: postmaster@mg.shop.example\n  password: 7hK!q2Rz9wLx",
            [("SECRET", "7hK!q2Rz9wLx")],
        ),
        (
            "Ticket from Siosaia Taufa: 'my address changed to 88 Queen St, Apt 12, Auckland 1010; phone +64 21 418 7730'",
            [
                ("PERSON", "Siosaia Taufa"),
                ("STREET_ADDRESS", "88 Queen St, Apt 12"),
                ("PHONE", "+64 21 418 7730"),
            ],
        ),
        (
            "Case 2025-118-4472: caller Pedro Alcântara reported fraud on card 4690 3288 3172 3327 on 2025-02-03.",
            [
                ("KEEP", "2025-118-4472"),
                ("PERSON", "Pedro Alcântara"),
                ("CREDIT_CARD", "4690 3288 3172 3327"),
            ],
        ),
        (
            "New address for Sipho: 41 Jan Smuts Ave, Parktown, Johannesburg 2193; cell 083 418 2277",
            [
                ("PERSON", "Sipho"),
                ("STREET_ADDRESS", "41 Jan Smuts Ave"),
                ("PHONE", "083 418 2277"),
            ],
        ),
        (
            "Registo: Inês Carvalhal, NIF omitido, morada Rua do Almada 210, 4050-032 Porto, telem. 912 418 337",
            [
                ("PERSON", "Inês Carvalhal"),
                ("STREET_ADDRESS", "Rua do Almada 210"),
                ("PHONE", "912 418 337"),
            ],
        ),
        (
            "Debug: device 0A:1B:2C:3D:4E:5F registered from 100.64.12.9 by user pawel.zielinski",
            [("IP_ADDRESS", "100.64.12.9"), ("USERNAME", "pawel.zielinski")],
        ),
        (
            "Tenant: Yusuf Abdirahman Farah; Unit 3B, 1200 W Lake St, Minneapolis, MN 55408; lease from 2024-09-01.",
            [
                ("PERSON", "Yusuf Abdirahman Farah"),
                ("STREET_ADDRESS", "1200 W Lake St"),
                ("KEEP", "2024-09-01"),
            ],
        ),
        (
            "Paco y yo vamos a la reunión con Guadalupe Ixcoy, la nueva directora del proyecto en Quetzaltenango.",
            [("PERSON", "Paco"), ("PERSON", "Guadalupe Ixcoy"), ("KEEP", "Quetzaltenango")],
        ),
        (
            "Beneficiário: Ana Clara Moura Reis, CPF não informado, conta PT38 0997 7827 9509 7306 4583 1",
            [("PERSON", "Ana Clara Moura Reis"), ("IBAN", "PT38 0997 7827 9509 7306 4583 1")],
        ),
        (
            "Tax prep: SSN 347-18-2206, filing status single, taxpayer Beverly Okonkwo-Hart, dependents: none",
            [("US_SSN", "347-18-2206"), ("PERSON", "Beverly Okonkwo-Hart")],
        ),
        (
            "card no 4638943430227747 exp 08/27 — pls book the Marriott for me, name on card: Ifunanya Eze",
            [("CREDIT_CARD", "4638943430227747"), ("KEEP", "Marriott"), ("PERSON", "Ifunanya Eze")],
        ),
    ],
    "E-held": [
        (
            "[14:02] Visitor: hello, my parcel for order 88-4471-2290 says delivered but nothing here\n[14:03] Kwame (support): Let me check. What's the delivery address?\n[14:03] Visitor: 1847 Maple Ridge Dr, Apt 2C, Columbus, OH 43215",
            [
                ("KEEP", "88-4471-2290"),
                ("PERSON", "Kwame"),
                ("STREET_ADDRESS", "1847 Maple Ridge Dr"),
            ],
        ),
        (
            "Agent: Thanks for holding, Ms. Haddad. I've updated the card on file to the one ending 4421.\nLayla: great, and can you send the receipt to layla.haddad@proton.me",
            [("PERSON", "Haddad"), ("PERSON", "Layla"), ("EMAIL", "layla.haddad@proton.me")],
        ),
        (
            "Bot: Please confirm your date of birth.\nUser: 14/09/1986\nBot: Thank you. And the postcode?\nUser: LS6 2AB",
            [("DATE_OF_BIRTH", "14/09/1986")],
        ),
        (
            "Hi, this is Oleksandr Kovalenko. I booked the Frankfurt–Lisbon flight LH 1168 on 2025-03-02 but the name on the ticket is misspelled as Oleksander.",
            [
                ("PERSON", "Oleksandr Kovalenko"),
                ("KEEP", "Frankfurt"),
                ("KEEP", "LH 1168"),
                ("KEEP", "2025-03-02"),
            ],
        ),
        (
            "Agent note: caller identified as Thabo Mokoena, verified with DOB 1979-11-30 and last 4 of SSN. Callback 082 417 3390.",
            [
                ("PERSON", "Thabo Mokoena"),
                ("DATE_OF_BIRTH", "1979-11-30"),
                ("PHONE", "082 417 3390"),
            ],
        ),
        (
            "Live chat — Zalando Help\nYou: Where is my return label?\nAnna (Zalando): Hi Yasmin, I've just resent it to y.benali@outlook.fr.",
            [
                ("KEEP", "Zalando Help"),
                ("PERSON", "Anna"),
                ("PERSON", "Yasmin"),
                ("EMAIL", "y.benali@outlook.fr"),
            ],
        ),
        (
            "Lead: Park Ji-hwan, CTO at Hanbit Logistics (Busan). Met at the Web Summit booth. Prefers email: jihwan.park@hanbit-logis.kr",
            [
                ("PERSON", "Park Ji-hwan"),
                ("KEEP", "Hanbit Logistics"),
                ("KEEP", "Web Summit"),
                ("EMAIL", "jihwan.park@hanbit-logis.kr"),
            ],
        ),
        (
            "note: spoke to venkatesh's assistant, he's travelling till monday. try again via venkatesh.r@tatvam.in",
            [("PERSON", "venkatesh"), ("EMAIL", "venkatesh.r@tatvam.in")],
        ),
        (
            "Contact card\nName: Fatoumata Diallo\nTitle: Head of Finance\nCompany: Sahel Agro SA\nPhone: +221 77 418 22 90\nEmail: f.diallo@sahelagro.sn",
            [
                ("PERSON", "Fatoumata Diallo"),
                ("KEEP", "Sahel Agro SA"),
                ("PHONE", "+221 77 418 22 90"),
                ("EMAIL", "f.diallo@sahelagro.sn"),
            ],
        ),
        (
            "CRM import error on row 12: duplicate contact 'Youssef El Amrani' <youssef.elamrani@menara.ma>",
            [("PERSON", "Youssef El Amrani"), ("EMAIL", "youssef.elamrani@menara.ma")],
        ),
        (
            "churn risk: customer joy adeyemi hasn't logged in for 60 days; last ticket was about the Model Y charger.",
            [("PERSON", "joy adeyemi"), ("KEEP", "Model Y")],
        ),
        (
            "Hi all,\n\nplease find the minutes attached.\n\nBest regards\nAinhoa Etxeberria\nProject Manager | Ibertek Solutions\nC/ San Vicente Mártir 71, 4º-2ª, 46007 Valencia\nT +34 915 47 22 18",
            [
                ("PERSON", "Ainhoa Etxeberria"),
                ("KEEP", "Ibertek Solutions"),
                ("STREET_ADDRESS", "C/ San Vicente Mártir 71"),
                ("PHONE", "+34 915 47 22 18"),
            ],
        ),
        (
            "Thanks!\n\n--\nNoa Ben-David | Talent Acquisition\nmobile: +972 54-418-7723\nhttps://www.linkedin.com/in/noa-ben-david-4a21b7",
            [
                ("PERSON", "Noa Ben-David"),
                ("PHONE", "+972 54-418-7723"),
                ("URL", "https://www.linkedin.com/in/noa-ben-david-4a21b7"),
            ],
        ),
        (
            "Mit freundlichen Grüßen\n\ni.A. Katharina Oberhuber\nSachbearbeitung Personal\nSchillerstr. 45, 70173 Stuttgart\nTel. 0171 4839201",
            [
                ("PERSON", "Katharina Oberhuber"),
                ("STREET_ADDRESS", "Schillerstr. 45"),
                ("PHONE", "0171 4839201"),
            ],
        ),
        (
            "Un saluto,\nAlessandra Pellegrino\nStudio Legale Pellegrino & Associati\nVia dei Mille 24/B, 80121 Napoli\ncell. 339 482 1177",
            [
                ("PERSON", "Alessandra Pellegrino"),
                ("STREET_ADDRESS", "Via dei Mille 24/B"),
                ("PHONE", "339 482 1177"),
            ],
        ),
        (
            "Atenciosamente,\nThiago Nascimento\nGerente Comercial\nRua Sete de Setembro, 455, apto 1201, Centro, Rio de Janeiro - RJ, 20050-009\n(21) 99834-1276",
            [
                ("PERSON", "Thiago Nascimento"),
                ("STREET_ADDRESS", "Rua Sete de Setembro, 455"),
                ("PHONE", "(21) 99834-1276"),
            ],
        ),
        (
            "On Fri, 7 Feb 2025 at 18:22, Tane Ngata <tane.ngata@kiwimail.co.nz> wrote:\n> sounds good, see you at the Auckland office",
            [
                ("PERSON", "Tane Ngata"),
                ("EMAIL", "tane.ngata@kiwimail.co.nz"),
                ("KEEP", "Auckland"),
            ],
        ),
        (
            "Onboarding: Abebe Girma, start date 2025-01-06. Received SSN 512-44-8391, DOB 1991-05-14, I-9 docs verified by HR (Patricia).",
            [
                ("PERSON", "Abebe Girma"),
                ("KEEP", "2025-01-06"),
                ("US_SSN", "512-44-8391"),
                ("DATE_OF_BIRTH", "1991-05-14"),
                ("PERSON", "Patricia"),
            ],
        ),
        (
            "Exit interview notes (confidential): Dariush said the main reason is the commute from Richmond. Manager Siobhan Gallagher informed.",
            [("PERSON", "Dariush"), ("PERSON", "Siobhan Gallagher")],
        ),
        (
            "Sick leave: Emre Yılmaz, 3 days (Mon–Wed), doctor's note on file. Cover: Aino Virtanen.",
            [("PERSON", "Emre Yılmaz"), ("PERSON", "Aino Virtanen")],
        ),
        (
            "Emergency contact for Li Xiaoming: wife Chen Yuting, +86 138 1047 2285.",
            [("PERSON", "Li Xiaoming"), ("PERSON", "Chen Yuting"), ("PHONE", "+86 138 1047 2285")],
        ),
        (
            "New hire form\nLegal name: Nomvula Precious Zulu\nPreferred name: Precious\nDate of birth: 22 June 1995\nHome address: 14 Chapel Lane, Bishop's Stortford CM23 3FY",
            [
                ("PERSON", "Nomvula Precious Zulu"),
                ("PERSON", "Precious"),
                ("DATE_OF_BIRTH", "22 June 1995"),
                ("STREET_ADDRESS", "14 Chapel Lane"),
            ],
        ),
        (
            "Pt: Tran Thi Hoa, DOB 03/22/1958, MRN 00481223. Referred by Dr. Okafor for echo on 04/02/2025. Ph (614) 382-7719.",
            [
                ("PERSON", "Tran Thi Hoa"),
                ("DATE_OF_BIRTH", "03/22/1958"),
                ("PERSON", "Okafor"),
                ("KEEP", "04/02/2025"),
                ("PHONE", "(614) 382-7719"),
            ],
        ),
        (
            "Paziente: Giuseppina Lo Russo, nata il 23/11/1985, residente in Viale Monza 140, Milano. Allergie: penicillina.",
            [
                ("PERSON", "Giuseppina Lo Russo"),
                ("DATE_OF_BIRTH", "23/11/1985"),
                ("STREET_ADDRESS", "Viale Monza 140"),
            ],
        ),
        (
            "Patiënt: mevrouw E. de Groot-Jansen, geboren op 2 juni 1979, Dorpsstraat 14, 5491 AB Sint-Oedenrode.",
            [
                ("PERSON", "de Groot-Jansen"),
                ("DATE_OF_BIRTH", "2 juni 1979"),
                ("STREET_ADDRESS", "Dorpsstraat 14"),
            ],
        ),
        (
            "Prescription refill request from Maria Santos-Dela Cruz, 0917 482 1156, pharmacy: Mercury Drug Makati.",
            [
                ("PERSON", "Maria Santos-Dela Cruz"),
                ("PHONE", "0917 482 1156"),
                ("KEEP", "Mercury Drug"),
            ],
        ),
        (
            "Your DHL parcel for Aino Virtanen is out for delivery to Bergmannstraße 102, 10961 Berlin. Tracking 00340434161094042557.",
            [
                ("PERSON", "Aino Virtanen"),
                ("STREET_ADDRESS", "Bergmannstraße 102"),
                ("KEEP", "00340434161094042557"),
            ],
        ),
        (
            "Shipping label\nSHIP TO: PRIYA RAMACHANDRAN\nB-14, Sector 62\nNoida, UP 201301\nINDIA\nPH: 7045 882 913",
            [
                ("PERSON", "PRIYA RAMACHANDRAN"),
                ("STREET_ADDRESS", "B-14, Sector 62"),
                ("PHONE", "7045 882 913"),
            ],
        ),
        (
            "Entrega prevista: Av. Afonso Pena, 3200 - Funcionários, Belo Horizonte - MG. Destinatário: Luana Ferreira Prado.",
            [("STREET_ADDRESS", "Av. Afonso Pena, 3200"), ("PERSON", "Luana Ferreira Prado")],
        ),
        (
            "Flight change: passenger MOKOENA/THABO MR, booking ref QX4P2L, new departure JNB-CPT 2025-04-11 07:15.",
            [("PERSON", "MOKOENA/THABO"), ("KEEP", "2025-04-11 07:15")],
        ),
        (
            "Consegna per Francesca De Santis, Vicolo Stretto 5, 06081 Assisi (PG). Citofono: De Santis.",
            [
                ("PERSON", "Francesca De Santis"),
                ("STREET_ADDRESS", "Vicolo Stretto 5"),
                ("PERSON", "De Santis"),
            ],
        ),
        (
            "Airbnb message from host Kemal: Hi Sofia, check-in is from 3pm. The address is Rua de Santa Catarina 312, 4000-443 Porto.",
            [
                ("PERSON", "Kemal"),
                ("PERSON", "Sofia"),
                ("STREET_ADDRESS", "Rua de Santa Catarina 312"),
            ],
        ),
        (
            "name\tcity\tdob\nIoana Stancu\tCluj-Napoca\t1987-02-19\nPavel Novák\tBrno\t1990-10-03",
            [
                ("PERSON", "Ioana Stancu"),
                ("DATE_OF_BIRTH", "1987-02-19"),
                ("PERSON", "Pavel Novák"),
                ("DATE_OF_BIRTH", "1990-10-03"),
            ],
        ),
        (
            "order_id;customer;street;zip;city\nA-77812;Kowalczyk Agnieszka;ul. Piękna 24/8;00-549;Warszawa",
            [
                ("KEEP", "A-77812"),
                ("PERSON", "Kowalczyk Agnieszka"),
                ("STREET_ADDRESS", "ul. Piękna 24/8"),
            ],
        ),
        (
            "| Name | IBAN | Amount |\n|------|------|--------|\n| J. Vermeulen | NL90RABO2939843298 | € 1.249,00 |\n| K. Jacobs | BE82244210729326 | € 310,50 |",
            [
                ("PERSON", "Vermeulen"),
                ("IBAN", "NL90RABO2939843298"),
                ("KEEP", "€ 1.249,00"),
                ("PERSON", "Jacobs"),
                ("IBAN", "BE82244210729326"),
            ],
        ),
        (
            "Vorname;Nachname;Straße;PLZ;Ort\nMehmet;Aydın;Bahnhofstraße 17;45127;Essen\nSvenja;Lütkemeyer;Hohe Str. 3a;44139;Dortmund",
            [
                ("PERSON", "Mehmet"),
                ("PERSON", "Aydın"),
                ("STREET_ADDRESS", "Bahnhofstraße 17"),
                ("PERSON", "Svenja"),
                ("PERSON", "Lütkemeyer"),
                ("STREET_ADDRESS", "Hohe Str. 3a"),
            ],
        ),
        (
            "| release | date | notes |\n|---|---|---|\n| 2.14.3 | 2024-09-30 | fixes login on Safari 17 |\n| 2.15.0 | 2024-11-12 | new Zurich data centre |",
            [("KEEP", "2.14.3"), ("KEEP", "2024-09-30"), ("KEEP", "Safari 17"), ("KEEP", "Zurich")],
        ),
        (
            '{"billing":{"holder":"Lucía Paredes","card":"4985 3009 2123 0731","exp":"11/28"},"amount":129.9,"currency":"EUR"}',
            [("PERSON", "Lucía Paredes"), ("CREDIT_CARD", "4985 3009 2123 0731")],
        ),
        (
            '{"messages":[{"role":"user","content":"write a birthday poem for my daughter amara, she turns 7 on the 12th"}]}',
            [("PERSON", "amara")],
        ),
        (
            "contacts:\n  - name: Ifeoma Chukwu\n    role: treasurer\n    email: ifeoma.chukwu@ngo-lagos.org\n  - name: Samuel Otieno\n    role: secretary",
            [
                ("PERSON", "Ifeoma Chukwu"),
                ("EMAIL", "ifeoma.chukwu@ngo-lagos.org"),
                ("PERSON", "Samuel Otieno"),
            ],
        ),
        (
            '{"payout":{"beneficiary":"Kofi Boateng","iban":"GB97BARC41899343345548","reference":"INV-2025-0311"}}',
            [
                ("PERSON", "Kofi Boateng"),
                ("IBAN", "GB97BARC41899343345548"),
                ("KEEP", "INV-2025-0311"),
            ],
        ),
        (
            '{"docs":"https://docs.python.org/3/library/json.html","contact":"https://github.com/hkaraca-dev"}',
            [
                ("KEEP", "https://docs.python.org/3/library/json.html"),
                ("URL", "https://github.com/hkaraca-dev"),
            ],
        ),
        (
            "2025-02-11T08:14:52Z INFO login ok user=olena.shevchenko@ukr.net ip=91.204.118.33 ua=Firefox/134.0",
            [
                ("EMAIL", "olena.shevchenko@ukr.net"),
                ("IP_ADDRESS", "91.204.118.33"),
                ("KEEP", "Firefox/134.0"),
            ],
        ),
        (
            '10.20.4.17 - - [11/Feb/2025:08:16:44 +0000] "GET /api/users/ivan.petrov/profile HTTP/1.1" 200 512',
            [("IP_ADDRESS", "10.20.4.17"), ("USERNAME", "ivan.petrov")],
        ),
        (
            "X-Forwarded-For: 203.0.113.9, 172.16.4.21\nX-Real-IP: 2001:db8:4f1a::17",
            [
                ("IP_ADDRESS", "203.0.113.9"),
                ("IP_ADDRESS", "172.16.4.21"),
                ("IP_ADDRESS", "2001:db8:4f1a::17"),
            ],
        ),
        (
            "ERROR 2025-03-01 12:00:07 db: connection to postgresql://reporting:Vq7!mZ2xK4@10.8.0.12:5432/sales failed: timeout",
            [("SECRET", "Vq7!mZ2xK4"), ("IP_ADDRESS", "10.8.0.12")],
        ),
        (
            "DEBUG request body: name=Sebastián Cárdenas&email=scardenas%40gmail.com&phone=%2B52+55+4182+7733",
            [
                ("PERSON", "Sebastián Cárdenas"),
                ("EMAIL", "scardenas%40gmail.com"),
                ("PHONE", "%2B52+55+4182+7733"),
            ],
        ),
        (
            "INSERT INTO customers (name, email, birth_date) VALUES ('Ekaterina Volkova', 'e.volkova@yandex.ru', '1984-12-05');",
            [
                ("PERSON", "Ekaterina Volkova"),
                ("EMAIL", "e.volkova@yandex.ru"),
                ("DATE_OF_BIRTH", "1984-12-05"),
            ],
        ),
        (
            "SELECT id, full_name FROM staff WHERE last_name = 'Mukherjee' AND hire_date > '2020-01-01';",
            [("PERSON", "Mukherjee"), ("KEEP", "2020-01-01")],
        ),
        (
            "INSERT INTO addresses VALUES (71, 'Schönhauser Allee 180', '10119', 'Berlin', 'DE');",
            [("STREET_ADDRESS", "Schönhauser Allee 180")],
        ),
        (
            "Form submission (Contact us)\nFull name: Precious Mahlangu\nEmail: precious.m@webmail.co.za\nPhone: 082 417 3391\nMessage: Please call me about the Santander mortgage offer.",
            [
                ("PERSON", "Precious Mahlangu"),
                ("EMAIL", "precious.m@webmail.co.za"),
                ("PHONE", "082 417 3391"),
                ("KEEP", "Santander"),
            ],
        ),
        (
            "Applicant\n  Surname: NAKASHIMA\n  Given names: KENJI\n  Date of birth: 08 OCT 1974\n  Place of birth: OSAKA",
            [("PERSON", "NAKASHIMA"), ("PERSON", "KENJI"), ("DATE_OF_BIRTH", "08 OCT 1974")],
        ),
        (
            "Warranty registration: product Bosch Serie 6 dishwasher, serial 4412-77-0931, bought 2024-12-20 at MediaMarkt, owner Lars Henriksen, lars.h@mail.dk",
            [
                ("KEEP", "Bosch Serie 6"),
                ("KEEP", "4412-77-0931"),
                ("KEEP", "2024-12-20"),
                ("KEEP", "MediaMarkt"),
                ("PERSON", "Lars Henriksen"),
                ("EMAIL", "lars.h@mail.dk"),
            ],
        ),
        (
            "Happy to chat — grab any slot at https://calendly.com/amaka-eze/30min or ping me on LinkedIn.",
            [("URL", "https://calendly.com/amaka-eze/30min")],
        ),
        (
            "Book a demo here: https://meetings.hubspot.com/jkowalewski and see docs at https://developer.mozilla.org/en-US/docs/Web/HTTP",
            [
                ("URL", "https://meetings.hubspot.com/jkowalewski"),
                ("KEEP", "https://developer.mozilla.org/en-US/docs/Web/HTTP"),
            ],
        ),
        (
            "follow me on insta @mariafernanda.lopes and tiktok.com/@mafe.lopes",
            [("USERNAME", "@mariafernanda.lopes"), ("URL", "tiktok.com/@mafe.lopes")],
        ),
        (
            "send the money to paypal.me/kwesiappiah or venmo @Kwesi-Appiah-3",
            [("URL", "paypal.me/kwesiappiah"), ("USERNAME", "@Kwesi-Appiah-3")],
        ),
        (
            "Prenez rendez-vous sur https://www.doctolib.fr/medecin-generaliste/lyon/claire-nguyen-tuong",
            [("URL", "https://www.doctolib.fr/medecin-generaliste/lyon/claire-nguyen-tuong")],
        ),
        (
            "See the policy at https://www.gov.uk/government/publications/data-protection-act-2018 before the call with https://zcal.co/hollyfairbairn",
            [
                ("KEEP", "https://www.gov.uk/government/publications/data-protection-act-2018"),
                ("URL", "https://zcal.co/hollyfairbairn"),
            ],
        ),
        (
            "Join the Teams call: https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzQ4ZTk2YzEtZDc1MS00Y2Q4/0?context=%7b%22Tid%22%3a%2244f1%22%7d",
            [
                (
                    "URL",
                    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzQ4ZTk2YzEtZDc1MS00Y2Q4/0?context=%7b%22Tid%22%3a%2244f1%22%7d",
                )
            ],
        ),
        (
            "Read the guide https://en.wikipedia.org/wiki/International_Bank_Account_Number then email me at b.ferrante@studioferrante.it",
            [
                ("KEEP", "https://en.wikipedia.org/wiki/International_Bank_Account_Number"),
                ("EMAIL", "b.ferrante@studioferrante.it"),
            ],
        ),
        (
            "can you check why my card 4156 0804 8231 4560 got declined at the Shell station?",
            [("CREDIT_CARD", "4156 0804 8231 4560"), ("KEEP", "Shell")],
        ),
        (
            "Refund to Mastercard 5504-6913-7114-8723, cardholder Emmanuel Mensah-Bonsu.",
            [("CREDIT_CARD", "5504-6913-7114-8723"), ("PERSON", "Emmanuel Mensah-Bonsu")],
        ),
        (
            "Veuillez virer le solde sur FR48 8948 0378 09H1 7K1C H7F7 811, titulaire Mme Ophélie Lambert.",
            [("IBAN", "FR48 8948 0378 09H1 7K1C H7F7 811"), ("PERSON", "Ophélie Lambert")],
        ),
        (
            "Transferência para BR7793244981504962500459738C1, favorecido Renata Albuquerque.",
            [("IBAN", "BR7793244981504962500459738C1"), ("PERSON", "Renata Albuquerque")],
        ),
        (
            "W-2 mismatch: SSN on file 628-41-0093, employee Terrence Boykins, tax year 2024",
            [("US_SSN", "628-41-0093"), ("PERSON", "Terrence Boykins")],
        ),
        (
            "Pago con tarjeta 6011 6873 5452 9735 rechazado; titular: Marisol Quintero Vega",
            [("CREDIT_CARD", "6011 6873 5452 9735"), ("PERSON", "Marisol Quintero Vega")],
        ),
        (
            "Guten Tag, mein Name ist Dragan Jovanović, ich wohne in der Hohenzollernring 58, 50672 Köln, und bin unter 0176 4418 2273 erreichbar.",
            [
                ("PERSON", "Dragan Jovanović"),
                ("STREET_ADDRESS", "Hohenzollernring 58"),
                ("PHONE", "0176 4418 2273"),
            ],
        ),
        (
            "Hola, me llamo Maximiliano Ortiz Benítez y nací el 30/06/1988. Vivo en Avda. de la Constitución 18, 41001 Sevilla.",
            [
                ("PERSON", "Maximiliano Ortiz Benítez"),
                ("DATE_OF_BIRTH", "30/06/1988"),
                ("STREET_ADDRESS", "Avda. de la Constitución 18"),
            ],
        ),
        (
            "Hoi, ik ben Bram Schoenmakers, geboren 11-03-1992, en mijn adres is Burgemeester de Withstraat 21, 5611 CN Eindhoven.",
            [
                ("PERSON", "Bram Schoenmakers"),
                ("DATE_OF_BIRTH", "11-03-1992"),
                ("STREET_ADDRESS", "Burgemeester de Withstraat 21"),
            ],
        ),
        (
            "bhai mera naam Rohit Chaurasia hai, mera number 98201 77431 hai, kal call karna",
            [("PERSON", "Rohit Chaurasia"), ("PHONE", "98201 77431")],
        ),
        (
            "Madam, meri beti Kavya ki date of birth 05-09-2017 hai, school form mein galat likha hai",
            [("PERSON", "Kavya"), ("DATE_OF_BIRTH", "05-09-2017")],
        ),
        (
            "Estimado Sr. Villanueva: su pedido llegará el 14 de febrero. Atentamente, Rocío Garrido",
            [("PERSON", "Villanueva"), ("KEEP", "14 de febrero"), ("PERSON", "Rocío Garrido")],
        ),
        (
            "Beste Femke, kun je meneer Oosterhuis terugbellen op 020 794 1188? Groetjes, Ruben",
            [
                ("PERSON", "Femke"),
                ("PERSON", "Oosterhuis"),
                ("PHONE", "020 794 1188"),
                ("PERSON", "Ruben"),
            ],
        ),
        (
            "Madame, Monsieur, je soussigné Karim Benhadj, né le 08/01/1977 à Marseille, certifie sur l'honneur...",
            [("PERSON", "Karim Benhadj"), ("DATE_OF_BIRTH", "08/01/1977")],
        ),
        (
            "Hi team, Sunita ji ka Aadhaar update ho gaya, ab unka naya mobile 70458 41129 hai.",
            [("PERSON", "Sunita"), ("PHONE", "70458 41129")],
        ),
        (
            "yo its tomasz lol, text me 601 482 938 when u land",
            [("PERSON", "tomasz"), ("PHONE", "601 482 938")],
        ),
        (
            "ok so me and grace are coming, and maybe will if he finishes work, address is 302 n elm st",
            [("PERSON", "grace"), ("PERSON", "will"), ("STREET_ADDRESS", "302 n elm st")],
        ),
        (
            "lol rose said she'd meet us at victoria station at 6",
            [("PERSON", "rose"), ("KEEP", "victoria station")],
        ),
        (
            "ask hope or faith, they manage the dublin office now",
            [("PERSON", "hope"), ("PERSON", "faith"), ("KEEP", "dublin")],
        ),
        (
            "can u reset pw for user: anh.pham, her email anh.pham@fpt.edu.vn",
            [("USERNAME", "anh.pham"), ("EMAIL", "anh.pham@fpt.edu.vn")],
        ),
        (
            "Okonkwo called again about the invoice; tell him we paid on 28 Feb.",
            [("PERSON", "Okonkwo"), ("KEEP", "28 Feb")],
        ),
        (
            "cc: kamau, otieno, achieng — please review before Friday",
            [("PERSON", "kamau"), ("PERSON", "otieno"), ("PERSON", "achieng")],
        ),
        (
            "The keys were handed over (recipient: Nikos Papadakis) at the Athens depot.",
            [("PERSON", "Nikos Papadakis"), ("KEEP", "Athens")],
        ),
        (
            "Action items\n- Chidi: chase supplier\n- Marguerite: update the Jira board\n- Bogusław: book the room",
            [("PERSON", "Chidi"), ("PERSON", "Marguerite"), ("PERSON", "Bogusław")],
        ),
        (
            "Ticket #4471 (assigned Dmitri Sokolov) is a duplicate of #4470.",
            [("KEEP", "#4471"), ("PERSON", "Dmitri Sokolov")],
        ),
        ("Parcel left with neighbour (Mrs O'Sullivan, no. 16).", [("PERSON", "O'Sullivan")]),
        (
            "Review comments from Zanele: the Mercedes-Benz logo is too small on slide 4.",
            [("PERSON", "Zanele"), ("KEEP", "Mercedes-Benz")],
        ),
        (
            "Age verification: customer birthdate 29 Feb 1988, ID checked at the Heathrow store.",
            [("DATE_OF_BIRTH", "29 Feb 1988"), ("KEEP", "Heathrow")],
        ),
        (
            "Insured: Beatriz Salgado, birth date: 1961-01-17, policy AX-44-18822 starts 2025-01-01.",
            [
                ("PERSON", "Beatriz Salgado"),
                ("DATE_OF_BIRTH", "1961-01-17"),
                ("KEEP", "AX-44-18822"),
                ("KEEP", "2025-01-01"),
            ],
        ),
        (
            "Nome: Gabriele Sartori — Data di nascita: 31 dicembre 1970 — Luogo: Verona",
            [("PERSON", "Gabriele Sartori"), ("DATE_OF_BIRTH", "31 dicembre 1970")],
        ),
        (
            "she was born on 3 August 2001 in Nairobi, and her name is Wairimu Njoroge",
            [("DATE_OF_BIRTH", "3 August 2001"), ("PERSON", "Wairimu Njoroge")],
        ),
        (
            "Order #113-4459821-7765432 shipped on 2024-12-02 via UPS 1Z999AA10123456784, arriving Thursday.",
            [
                ("KEEP", "#113-4459821-7765432"),
                ("KEEP", "2024-12-02"),
                ("KEEP", "1Z999AA10123456784"),
            ],
        ),
        (
            "Windows build 10.0.19045.3803 fails to install KB5034441; Chrome 121.0.6167.85 is fine.",
            [("KEEP", "10.0.19045.3803"), ("KEEP", "KB5034441"), ("KEEP", "121.0.6167.85")],
        ),
        (
            "Compare the Ford Focus and the Toyota Corolla for the fleet; budget approved on 15/01/2025.",
            [("KEEP", "Ford Focus"), ("KEEP", "Toyota Corolla"), ("KEEP", "15/01/2025")],
        ),
        (
            "Invoice INV-2024-11872 dated 31.10.2024, due 30.11.2024, total 4.418,77 EUR.",
            [("KEEP", "INV-2024-11872"), ("KEEP", "31.10.2024"), ("KEEP", "30.11.2024")],
        ),
        (
            "Customer service hours: Mon–Fri 9:00–17:30 CET, hotline 0800 123 456 (free from Germany).",
            [("KEEP", "Mon–Fri 9:00–17:30")],
        ),
        (
            "Lot 24-0871, HS code 8471.30.00, EAN 4006381333931, warehouse Rotterdam.",
            [
                ("KEEP", "24-0871"),
                ("KEEP", "8471.30.00"),
                ("KEEP", "4006381333931"),
                ("KEEP", "Rotterdam"),
            ],
        ),
        (
            "Meeting on 2025-05-19 at the Marriott Bengaluru; agenda from the Q2 board pack v3.",
            [("KEEP", "2025-05-19"), ("KEEP", "Marriott Bengaluru")],
        ),
        (
            "OPENAI key for the staging bot: sk-proj-Hq8w2LmZ4tR7yB1vN9cK3xJ6pD5sF0aG2hE8uT4iW7qY, rotate after the demo",
            [("SECRET", "sk-proj-Hq8w2LmZ4tR7yB1vN9cK3xJ6pD5sF0aG2hE8uT4iW7qY")],
        ),
        (
            "ssh ubuntu@52.18.44.207 -p 2222 (password is Tk48#pwLq, ask Jelena if it changed)",
            [("IP_ADDRESS", "52.18.44.207"), ("SECRET", "Tk48#pwLq"), ("PERSON", "Jelena")],
        ),
        (
            "Customer: Mwajuma Said Mrisho | Dar es Salaam | +255 754 418 772 | mwajuma.mrisho@gmail.com",
            [
                ("PERSON", "Mwajuma Said Mrisho"),
                ("PHONE", "+255 754 418 772"),
                ("EMAIL", "mwajuma.mrisho@gmail.com"),
            ],
        ),
        (
            "Reference letter\n\nTo whom it may concern,\nI have known Ms. Asel Nurlanovna Bekova since 2018 ...\n\nProf. Gulnara Tokhtarova\nAl-Farabi University",
            [
                ("PERSON", "Asel Nurlanovna Bekova"),
                ("PERSON", "Gulnara Tokhtarova"),
                ("KEEP", "Al-Farabi University"),
            ],
        ),
        (
            "Kunde: Herr Tobias Ehrhardt-Lenz, Kundennummer 4418822, Lieferung am 05.12.2024 an Frau Ehrhardt-Lenz.",
            [
                ("PERSON", "Tobias Ehrhardt-Lenz"),
                ("KEEP", "05.12.2024"),
                ("PERSON", "Ehrhardt-Lenz"),
            ],
        ),
        (
            '{"from":"whatsapp:+2348034127765","body":"Good morning, this is Chiamaka. Is my order ready?"}',
            [("PHONE", "+2348034127765"), ("PERSON", "Chiamaka")],
        ),
        (
            "Dear Dr. Oyelowo-Adebayo, your CME certificate for the Lagos 2024 symposium is attached.",
            [("PERSON", "Oyelowo-Adebayo"), ("KEEP", "Lagos 2024")],
        ),
        (
            "mi chiamo salvatore e ho comprato un Fiat Panda usato, il mio telefono è 339 418 7725",
            [("PERSON", "salvatore"), ("KEEP", "Fiat Panda"), ("PHONE", "339 418 7725")],
        ),
        (
            "Whitelisted IPs for the partner API: 185.44.18.77 and 185.44.18.78 (owner: Hamza Siddiqui)",
            [
                ("IP_ADDRESS", "185.44.18.77"),
                ("IP_ADDRESS", "185.44.18.78"),
                ("PERSON", "Hamza Siddiqui"),
            ],
        ),
        (
            "Fwd: photos from Leilani's birthday party — she turned 30 on 19 Sept, born 19/09/1994",
            [("PERSON", "Leilani"), ("DATE_OF_BIRTH", "19/09/1994")],
        ),
        (
            '{"applicant":{"ssn":"287-64-1139","name":"Jamal Whitfield","dob":"1990-02-14"}}',
            [
                ("US_SSN", "287-64-1139"),
                ("PERSON", "Jamal Whitfield"),
                ("DATE_OF_BIRTH", "1990-02-14"),
            ],
        ),
        (
            "Zahlung mit Mastercard 2295 7785 6184 9457 fehlgeschlagen, Karteninhaber Bartosz Wróblewski",
            [("CREDIT_CARD", "2295 7785 6184 9457"), ("PERSON", "Bartosz Wróblewski")],
        ),
    ],
}


PROBES_F: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {
    "F-dev": [
        (
            "[Zendesk #448213] Requester: tomasz.kowalczyk88@wp.pl\nSubject: refund still not here??\nhello, tomasz here again. my card ending 4412 was charged twice for order ORD-77120-B. pls call me 0048 601 223 918",
            [
                ("EMAIL", "tomasz.kowalczyk88@wp.pl"),
                ("PERSON", "tomasz"),
                ("PHONE", "0048 601 223 918"),
                ("KEEP", "ORD-77120-B"),
            ],
        ),
        (
            "Ticket 90211 — priority P2\nCustomer reports the Jasper dashboard won't load on Safari 17.2. Reproduced on build 4.18.0-rc3. No PII in the HAR file per customer.",
            [("KEEP", "Jasper"), ("KEEP", "4.18.0-rc3"), ("KEEP", "90211")],
        ),
        (
            "Agent note: caller verified with DOB 03/17/1979 and last four of SSN. Caller = MARGARET O'CONNELL-BYRNE, callback (917) 555-0143 after 5pm ET.",
            [
                ("DATE_OF_BIRTH", "03/17/1979"),
                ("PERSON", "MARGARET O'CONNELL-BYRNE"),
                ("PHONE", "(917) 555-0143"),
            ],
        ),
        (
            "Kunde: Guten Tag, mein Name ist Jürgen Weißhaupt, Kundennummer 55102339. Bitte schicken Sie die Ersatzteile an Lindenstraße 14a, 70173 Stuttgart. Tel. 0711 / 2849 3310",
            [
                ("PERSON", "Jürgen Weißhaupt"),
                ("KEEP", "55102339"),
                ("STREET_ADDRESS", "Lindenstraße 14a, 70173 Stuttgart"),
                ("PHONE", "0711 / 2849 3310"),
            ],
        ),
        (
            "chat export\n[09:41] guest_5521: hola, soy lucía fernández de la vega, el pedido 1009-ES llegó roto\n[09:42] soporte (Iker): lo siento mucho lucía, ¿me das un teléfono? \n[09:42] guest_5521: +34 612 48 90 27",
            [
                ("PERSON", "lucía fernández de la vega"),
                ("PERSON", "Iker"),
                ("PERSON", "lucía"),
                ("PHONE", "+34 612 48 90 27"),
                ("KEEP", "1009-ES"),
            ],
        ),
        (
            "Klant belt: mevr. Anneke van der Heijden-Bos, Prinsengracht 263-2, 1016 GV Amsterdam. Wil haar abonnement opzeggen. Terugbellen op 06-48123977.",
            [
                ("PERSON", "Anneke van der Heijden-Bos"),
                ("STREET_ADDRESS", "Prinsengracht 263-2, 1016 GV Amsterdam"),
                ("PHONE", "06-48123977"),
            ],
        ),
        (
            "customer msg: bhai mera order abhi tak nahi aaya, address hai Flat 402, Sai Krupa Apartments, 7th Cross, Indiranagar, Bengaluru 560038. call karo 98450 31276 pe. - Rohit Deshpande",
            [
                (
                    "STREET_ADDRESS",
                    "Flat 402, Sai Krupa Apartments, 7th Cross, Indiranagar, Bengaluru 560038",
                ),
                ("PHONE", "98450 31276"),
                ("PERSON", "Rohit Deshpande"),
            ],
        ),
        (
            "From the ticket form:\nName: chukwuemeka ADEYEMI\nEmail: emeka.adeyemi@outlook.com\nPhone: +234 803 555 7194\nIssue: Cannot log in after 2FA change",
            [
                ("PERSON", "chukwuemeka ADEYEMI"),
                ("EMAIL", "emeka.adeyemi@outlook.com"),
                ("PHONE", "+234 803 555 7194"),
            ],
        ),
        (
            "Escalation: VIP account. Mr. Olusegun Bankole-Smith (olu@bankolesmith.ng) says his Visa 4712 6822 0680 1017 was declined at checkout three times. Please call him before 6pm WAT.",
            [
                ("PERSON", "Olusegun Bankole-Smith"),
                ("EMAIL", "olu@bankolesmith.ng"),
                ("CREDIT_CARD", "4712 6822 0680 1017"),
            ],
        ),
        (
            "Ticket merged into #58120. Original reporter: anon. Steps: open Settings > Billing > Invoices, click 'Download PDF' for INV-2026-00871. Expected PDF, got 500.",
            [("KEEP", "#58120"), ("KEEP", "INV-2026-00871")],
        ),
        (
            "Customer wants to reschedule. Their booking link: https://calendly.com/ingrid-solberg/30min — said the Thursday slot is fine. Ingrid's mobile is +47 412 77 093.",
            [
                ("URL", "https://calendly.com/ingrid-solberg/30min"),
                ("PERSON", "Ingrid"),
                ("PHONE", "+47 412 77 093"),
            ],
        ),
        (
            "Incoming SMS to support line from +1 415-555-0199: 'this is kwame, pls cancel my subscription, email is kwame.asante@protonmail.com'",
            [
                ("PHONE", "+1 415-555-0199"),
                ("PERSON", "kwame"),
                ("EMAIL", "kwame.asante@protonmail.com"),
            ],
        ),
        (
            "Agent: To verify, can you give me your date of birth?\nCaller: 5th of August, 1962\nAgent: Thank you Mr. Halvorsen. And the postcode?\nCaller: SW1A 2AA... no sorry, that's Downing St, mine is LS6 3HN",
            [("DATE_OF_BIRTH", "5th of August, 1962"), ("PERSON", "Halvorsen")],
        ),
        (
            "Hej! Jag heter Linnéa Åkesson och bor på Sveavägen 44, 113 50 Stockholm. Mitt nummer är 070-123 45 67. Kan ni byta min leveransadress?",
            [("PERSON", "Linnéa Åkesson"), ("PHONE", "070-123 45 67")],
        ),
        (
            "CRM note (Salesforce, Opp #0068X00001Kd2): Spoke w/ Raghunathan Iyer, VP Eng @ Pinecone Tiles. Budget approved Q1. Follow up on his cell +91 98201 44731 — prefers WhatsApp.",
            [
                ("PERSON", "Raghunathan Iyer"),
                ("KEEP", "Pinecone Tiles"),
                ("PHONE", "+91 98201 44731"),
            ],
        ),
        (
            'From: "Ojo, Damilola" <damilola.ojo@lagosfreight.com>\nTo: ops@ourco.io\nDate: Mon, 7 Dec 2026 07:58:11 +0100\nSubject: Container MSKU 4471203\n\nPlease release. Regards, Dami',
            [
                ("PERSON", "Ojo, Damilola"),
                ("EMAIL", "damilola.ojo@lagosfreight.com"),
                ("PERSON", "Dami"),
                ("KEEP", "MSKU 4471203"),
            ],
        ),
        (
            "Met Christopher 'Kit' Ambrose-Lyle at the Austin meetup. Interested in Enterprise tier. He said to ping him at kit@ambroselyle.dev, not the corporate address.",
            [
                ("PERSON", "Christopher 'Kit' Ambrose-Lyle"),
                ("EMAIL", "kit@ambroselyle.dev"),
                ("KEEP", "Austin"),
            ],
        ),
        (
            "Meeting notes 2026-12-03 (Product sync)\nAttendees: ahmed k., Sun-hee Park, J. Mbeki, me\n- ahmed to draft PRD for export v2\n- Sun-hee: pricing page copy by Fri\n- Next sync Dec 10",
            [
                ("PERSON", "ahmed k."),
                ("PERSON", "Sun-hee Park"),
                ("PERSON", "J. Mbeki"),
                ("PERSON", "ahmed"),
                ("PERSON", "Sun-hee"),
                ("KEEP", "2026-12-03"),
            ],
        ),
        (
            "Hallo Herr Dr. Schäfer-Kühn,\nanbei das Angebot Nr. AN-2026-1183. Bei Rückfragen erreichen Sie mich unter 089 21 09 77 40.\nMit freundlichen Grüßen\nKatharina Lindqvist\nVertrieb Süd",
            [
                ("PERSON", "Schäfer-Kühn"),
                ("KEEP", "AN-2026-1183"),
                ("PHONE", "089 21 09 77 40"),
                ("PERSON", "Katharina Lindqvist"),
            ],
        ),
        (
            "zoom transcript 00:14:22 Hamid: yeah I'll send it to you Olga\n00:14:25 Olga Petrenko: perfect, send to my personal one, olga.petrenko1987@ukr.net\n00:14:31 Hamid: got it",
            [
                ("PERSON", "Hamid"),
                ("PERSON", "Olga"),
                ("PERSON", "Olga Petrenko"),
                ("EMAIL", "olga.petrenko1987@ukr.net"),
            ],
        ),
        (
            "Signature:\nDr. med. Ayşe Yılmaz-Demir\nFachärztin für Innere Medizin\nPraxis am Schillerplatz | Schillerplatz 3 | 10117 Berlin\nTelefon +49 30 88 71 22 0 | Fax +49 30 88 71 22 99",
            [
                ("PERSON", "Ayşe Yılmaz-Demir"),
                ("STREET_ADDRESS", "Schillerplatz 3 | 10117 Berlin"),
                ("PHONE", "+49 30 88 71 22 0"),
                ("PHONE", "+49 30 88 71 22 99"),
            ],
        ),
        (
            "Hi Elif,\n\nRe your question about the Istanbul office: the lease ends 31.03.2027. Contact the landlord at +90 212 555 34 81.\n\nBest,\nP.",
            [
                ("PERSON", "Elif"),
                ("KEEP", "31.03.2027"),
                ("PHONE", "+90 212 555 34 81"),
                ("KEEP", "Istanbul"),
            ],
        ),
        (
            "[Gong call summary] Prospect Wanjiru Kamau (Head of Data, Safari Bank) asked about SOC2. Mentioned competitor Snowflake. Next step: send security pack to w.kamau@safaribank.co.ke.",
            [
                ("PERSON", "Wanjiru Kamau"),
                ("EMAIL", "w.kamau@safaribank.co.ke"),
                ("KEEP", "Snowflake"),
            ],
        ),
        (
            "Estimado Sr. Echeverría Zubizarreta:\nLe confirmamos la cita para el 15/01/2027 en nuestra oficina de Calle de Alcalá 128, 3º izq., 28009 Madrid.\nAtentamente, Departamento de Atención al Cliente",
            [
                ("PERSON", "Echeverría Zubizarreta"),
                ("KEEP", "15/01/2027"),
                ("STREET_ADDRESS", "Calle de Alcalá 128, 3º izq., 28009 Madrid"),
            ],
        ),
        (
            "Beste Joost,\nKun je de factuur sturen naar Daan de Wit? Zijn adres: Oudegracht 158 bis, 3511 AZ Utrecht. Mail: daan.dewit@kpnmail.nl\nGroet, Fleur",
            [
                ("PERSON", "Joost"),
                ("PERSON", "Daan de Wit"),
                ("STREET_ADDRESS", "Oudegracht 158 bis, 3511 AZ Utrecht"),
                ("EMAIL", "daan.dewit@kpnmail.nl"),
                ("PERSON", "Fleur"),
            ],
        ),
        (
            "Sales call recap: talked to Mr. Venkatesh Subramaniam, he wants 40 seats. Said 'mujhe invoice Ananya ko bhejna, ananya.rao@tcsl-infra.in'. Competitor: Freshworks.",
            [
                ("PERSON", "Venkatesh Subramaniam"),
                ("PERSON", "Ananya"),
                ("EMAIL", "ananya.rao@tcsl-infra.in"),
                ("KEEP", "Freshworks"),
            ],
        ),
        (
            "Reminder: all-hands moved to Ballroom B at the Hilton Garden Inn, 1100 Congress Ave. Dial-in https://zoom.us/j/91822044712?pwd=bU5xQ1N3eGtZcVhwTkRtN0pKd2g5UT09",
            [
                ("KEEP", "Hilton Garden Inn"),
                ("URL", "https://zoom.us/j/91822044712?pwd=bU5xQ1N3eGtZcVhwTkRtN0pKd2g5UT09"),
            ],
        ),
        (
            "Forwarded contact card:\nBEGIN:VCARD\nVERSION:3.0\nFN:Mehmet Öztürk\nTEL;TYPE=CELL:+49 1522 3349 871\nEMAIL:m.ozturk@gmx.de\nADR:;;Karl-Marx-Str. 92;Berlin;;12043;DE\nEND:VCARD",
            [
                ("PERSON", "Mehmet Öztürk"),
                ("PHONE", "+49 1522 3349 871"),
                ("EMAIL", "m.ozturk@gmx.de"),
                ("STREET_ADDRESS", "Karl-Marx-Str. 92;Berlin;;12043"),
            ],
        ),
        (
            "Hey — can you book lunch with Dev Patel? No, not the actor, Dev from the Leicester office. His diary is managed by Hollie (hollie.mcbride@eastmidsgroup.co.uk).",
            [
                ("PERSON", "Dev Patel"),
                ("PERSON", "Dev"),
                ("PERSON", "Hollie"),
                ("EMAIL", "hollie.mcbride@eastmidsgroup.co.uk"),
                ("KEEP", "Leicester"),
            ],
        ),
        (
            "Recruiter note: candidate priya s. (linkedin.com/in/priya-sundaram-ml) has 6 yrs NLP, currently at Flipkart, notice 60 days. Expected CTC 48 LPA.",
            [
                ("PERSON", "priya s."),
                ("URL", "linkedin.com/in/priya-sundaram-ml"),
                ("KEEP", "Flipkart"),
            ],
        ),
        (
            "Reference check: called Mr. Deepak Chaurasia (former manager) on 080-4127 9930. Said Kavya was 'the best analyst on the team'. Rehire: yes.",
            [("PERSON", "Deepak Chaurasia"), ("PHONE", "080-4127 9930"), ("PERSON", "Kavya")],
        ),
        (
            "Pt: Esperanza Villalobos Rincón, DOB 11/02/1958, MRN 00482291. Referred by Dr. Kwabena Owusu for echocardiogram. Insurance: Aetna PPO, member ID W2281093344.",
            [
                ("PERSON", "Esperanza Villalobos Rincón"),
                ("DATE_OF_BIRTH", "11/02/1958"),
                ("PERSON", "Kwabena Owusu"),
                ("KEEP", "Aetna"),
            ],
        ),
        (
            "Intake form\nFull name: HASSAN, Omar Farouk\nDate of birth: 7 March 1984\nAddress: 19 Cavendish Road, Flat 2, Manchester M20 1JG\nGP: Dr S. Whitcombe\nNHS no: on file",
            [
                ("PERSON", "HASSAN, Omar Farouk"),
                ("DATE_OF_BIRTH", "7 March 1984"),
                ("STREET_ADDRESS", "19 Cavendish Road, Flat 2, Manchester M20 1JG"),
                ("PERSON", "S. Whitcombe"),
            ],
        ),
        (
            "Claim FNOL\nPolicyholder: Bảo Trần (goes by Bao Tran)\nPolicy: HO-3 #77120983\nLoss: water damage, kitchen, 2026-11-29\nProperty: 880 Maple Grove Ln, Sacramento, CA 95831\nContact: bao.tran.home@icloud.com",
            [
                ("PERSON", "Bảo Trần"),
                ("PERSON", "Bao Tran"),
                ("KEEP", "2026-11-29"),
                ("STREET_ADDRESS", "880 Maple Grove Ln, Sacramento, CA 95831"),
                ("EMAIL", "bao.tran.home@icloud.com"),
            ],
        ),
        (
            "Sinistro n. 2026/IT/09917 — Assicurato: Benedetta Fontanarosa. Data di nascita: 02.11.1977. Rimborso su IBAN IT73Q5837303158777193542914 dopo perizia.",
            [
                ("KEEP", "2026/IT/09917"),
                ("PERSON", "Benedetta Fontanarosa"),
                ("DATE_OF_BIRTH", "02.11.1977"),
                ("IBAN", "IT73Q5837303158777193542914"),
            ],
        ),
        (
            "Hotel booking confirmation #HB-8812093\nGuest: Ms. Siobhán Ní Bhriain\nCheck-in: 22 Dec 2026, check-out 27 Dec 2026\nRoom: King, Sea View\nCard on file: 5321 9444 4231 4563",
            [
                ("KEEP", "#HB-8812093"),
                ("PERSON", "Siobhán Ní Bhriain"),
                ("KEEP", "22 Dec 2026"),
                ("CREDIT_CARD", "5321 9444 4231 4563"),
            ],
        ),
        (
            "DHL Express waybill 1234567890 — consignee: Maison Dupont SARL, attn. Gaëlle Rousseau, 3 place Bellecour, 69002 Lyon, France. Declared value €1,240.",
            [
                ("KEEP", "1234567890"),
                ("KEEP", "Maison Dupont SARL"),
                ("PERSON", "Gaëlle Rousseau"),
                ("STREET_ADDRESS", "3 place Bellecour, 69002 Lyon"),
            ],
        ),
        (
            "Factuur F-20261204 van Bakkerij De Gouden Korenschoof. Betaling graag op NL44 AHWB 9876 5803 70 t.n.v. H. Vermeulen o.v.v. factuurnummer.",
            [
                ("KEEP", "F-20261204"),
                ("KEEP", "Bakkerij De Gouden Korenschoof"),
                ("IBAN", "NL44 AHWB 9876 5803 70"),
                ("PERSON", "H. Vermeulen"),
            ],
        ),
        (
            "Travel request: employee Nikhil Bhattacharya, trip BLR→FRA 18–22 Jan for the Bosch supplier audit. Passport on file. Per diem per policy TP-7.",
            [("PERSON", "Nikhil Bhattacharya"), ("KEEP", "Bosch"), ("KEEP", "TP-7")],
        ),
        (
            "Please rewrite professionally: 'yo the courier left the parcel at 42 Elm Street, not my place at 42 Elm Court, Cambridge CB1 1NA. neighbours name is Mrs Pruitt ask her'",
            [
                ("STREET_ADDRESS", "42 Elm Street"),
                ("STREET_ADDRESS", "42 Elm Court, Cambridge CB1 1NA"),
                ("PERSON", "Pruitt"),
            ],
        ),
        (
            "Candidate pipeline (Greenhouse export)\nName | Stage | Source\nTobias Nyström | Onsite | Referral (by Anjali)\nAdaeze Nwosu | Offer | LinkedIn\nLi Wei | Phone screen | Agency",
            [
                ("PERSON", "Tobias Nyström"),
                ("PERSON", "Anjali"),
                ("PERSON", "Adaeze Nwosu"),
                ("PERSON", "Li Wei"),
                ("KEEP", "Greenhouse"),
            ],
        ),
        (
            "Expense report flagged: Uber rides 28/11 (3x) by jason.lee — receipts show pickup at 1600 Amphitheatre Pkwy, Mountain View, which is the client's office, OK to approve.",
            [("USERNAME", "jason.lee"), ("KEEP", "Uber")],
        ),
        (
            "Solicitud de reembolso: asegurado Joaquín Peralta Núñez, fecha de nacimiento 30-09-1988, póliza SAL-553210. Cuenta: ES69 6317 9631 2807 9664 2198.",
            [
                ("PERSON", "Joaquín Peralta Núñez"),
                ("DATE_OF_BIRTH", "30-09-1988"),
                ("KEEP", "SAL-553210"),
                ("IBAN", "ES69 6317 9631 2807 9664 2198"),
            ],
        ),
        (
            "Freight booking: 2x40HC Shanghai → Rotterdam, ETD 2026-12-19, vessel MSC Gülsün, shipper Ningbo Huaxin Co., notify party contact Zhang Jiayi +86 138 1742 6659.",
            [
                ("KEEP", "MSC Gülsün"),
                ("KEEP", "2026-12-19"),
                ("PERSON", "Zhang Jiayi"),
                ("PHONE", "+86 138 1742 6659"),
            ],
        ),
        (
            "name\tcity\tplan\tmrr\nPaloma Ruiz\tBarcelona\tPro\t49\nHenrik Dahl\tBergen\tTeam\t199\nSeattle Coffee Co\tSeattle\tTeam\t199",
            [
                ("PERSON", "Paloma Ruiz"),
                ("PERSON", "Henrik Dahl"),
                ("KEEP", "Seattle Coffee Co"),
                ("KEEP", "Barcelona"),
            ],
        ),
        (
            '{"event":"signup","user":{"name":"Ngozi Okonjo","email":"ngozi.o@mailbox.org","phone":"+2348035559921","ip":"102.89.34.17"},"plan":"trial","utm_source":"google"}',
            [
                ("PERSON", "Ngozi Okonjo"),
                ("EMAIL", "ngozi.o@mailbox.org"),
                ("PHONE", "+2348035559921"),
                ("IP_ADDRESS", "102.89.34.17"),
            ],
        ),
        (
            '<Customer id="88120"><Name>Stanisław Wiśniewski</Name><Email>stan.wisniewski@onet.pl</Email><Phone>+48 22 629 41 07</Phone><Product>Jaguar XF service plan</Product></Customer>',
            [
                ("PERSON", "Stanisław Wiśniewski"),
                ("EMAIL", "stan.wisniewski@onet.pl"),
                ("PHONE", "+48 22 629 41 07"),
                ("KEEP", "Jaguar XF"),
            ],
        ),
        (
            "SELECT * FROM orders WHERE customer_email = 'ikechukwu.nwachukwu@gmail.com' AND created_at > '2026-11-01' ORDER BY id DESC LIMIT 20;",
            [("EMAIL", "ikechukwu.nwachukwu@gmail.com"), ("KEEP", "2026-11-01")],
        ),
        (
            "Form submission (Typeform)\nQ1 What's your name? → ibrahim al-hashimi\nQ2 Email → ibrahim.hashimi@zoho.com\nQ3 Date of birth → 02/09/1990\nQ4 How did you hear about us? → Podcast (Lex Fridman)",
            [
                ("PERSON", "ibrahim al-hashimi"),
                ("EMAIL", "ibrahim.hashimi@zoho.com"),
                ("DATE_OF_BIRTH", "02/09/1990"),
                ("PERSON", "Lex Fridman"),
            ],
        ),
        (
            'Export: contacts.csv\n"Surname";"Forename";"Tel";"Ort"\n"Müller-Lüdenscheidt";"Heinz";"02351 66 41 09";"Lüdenscheid"\n"Papadopoulou";"Eleni";"0151 4420 0913";"Köln"',
            [
                ("PERSON", "Müller-Lüdenscheidt"),
                ("PERSON", "Heinz"),
                ("PHONE", "02351 66 41 09"),
                ("PERSON", "Papadopoulou"),
                ("PERSON", "Eleni"),
                ("PHONE", "0151 4420 0913"),
            ],
        ),
        (
            'payment_methods:\n- type: card\n  brand: amex\n  number: "374865002336562"\n  holder: HAYASHI KENTARO\n  exp: 09/29\n- type: sepa\n  iban: DE68773554076485874964',
            [
                ("CREDIT_CARD", "374865002336562"),
                ("PERSON", "HAYASHI KENTARO"),
                ("IBAN", "DE68773554076485874964"),
            ],
        ),
        (
            "orders.tsv\norder_id\tsku\tqty\tship_to\n7781201\tVICTORIA-SOFA\t1\t17 Victoria Street, Belfast BT1 3GG\n7781202\tCHELSEA-BOOT\t2\t8 Whitworth St W, Manchester M1 5ND",
            [
                ("KEEP", "VICTORIA-SOFA"),
                ("KEEP", "CHELSEA-BOOT"),
                ("STREET_ADDRESS", "17 Victoria Street, Belfast BT1 3GG"),
                ("STREET_ADDRESS", "8 Whitworth St W, Manchester M1 5ND"),
            ],
        ),
        (
            "CREATE TABLE staff (id serial, name text, phone text);\nINSERT INTO staff VALUES (1,'Bjarne Stroustrup','n/a');\nINSERT INTO staff VALUES (2,'Sigrún Jóhannsdóttir','+354 862 4419');",
            [
                ("PERSON", "Bjarne Stroustrup"),
                ("PERSON", "Sigrún Jóhannsdóttir"),
                ("PHONE", "+354 862 4419"),
            ],
        ),
        (
            'address_book.yaml\n- name: Mom\n  phone: "+55 31 99812-4470"\n- name: Plumber (Seu Raimundo)\n  phone: "(31) 3224-5518"\n- name: Pizza Hut Savassi\n  phone: "(31) 3261-0000"',
            [
                ("PHONE", "+55 31 99812-4470"),
                ("PERSON", "Raimundo"),
                ("PHONE", "(31) 3224-5518"),
                ("KEEP", "Pizza Hut Savassi"),
            ],
        ),
        (
            "Survey responses (free text):\n1. 'love the app, but the Jordan theme is too dark'\n2. 'please add dark mode — Sam'\n3. 'contact me: 0412 998 331, Matilda'",
            [
                ("KEEP", "Jordan theme"),
                ("PERSON", "Sam"),
                ("PHONE", "0412 998 331"),
                ("PERSON", "Matilda"),
            ],
        ),
        (
            "Spreadsheet paste:\nEmployee\tManager\tLocation\nsipho.ndlovu\tmthunzi.zulu\tJohannesburg\nanna.lisa.berg\tmthunzi.zulu\tCape Town",
            [
                ("USERNAME", "sipho.ndlovu"),
                ("USERNAME", "mthunzi.zulu"),
                ("USERNAME", "anna.lisa.berg"),
                ("KEEP", "Johannesburg"),
                ("KEEP", "Cape Town"),
            ],
        ),
        (
            "Contact us form\nnaam: Sanne Bakker\ne-mail: sanne_bakker92@hotmail.nl\ntelefoon: +31 6 2231 8840\nbericht: graag terugbellen over offerte OFF-2026-331\ngeboortedatum: 9 mei 1992",
            [
                ("PERSON", "Sanne Bakker"),
                ("EMAIL", "sanne_bakker92@hotmail.nl"),
                ("PHONE", "+31 6 2231 8840"),
                ("KEEP", "OFF-2026-331"),
                ("DATE_OF_BIRTH", "9 mei 1992"),
            ],
        ),
        (
            "Cadastro\nNome completo: João Pedro dos Santos Filho\nData de nascimento: 17 de março de 1995\nCelular: +55 (85) 99123-7780\nE-mail: joaopedro.filho@uol.com.br",
            [
                ("PERSON", "João Pedro dos Santos Filho"),
                ("DATE_OF_BIRTH", "17 de março de 1995"),
                ("PHONE", "+55 (85) 99123-7780"),
                ("EMAIL", "joaopedro.filho@uol.com.br"),
            ],
        ),
        (
            '{"contacts":[{"n":"Dr. Akua Asantewaa","t":"+233 24 455 8120"},{"n":"Reception","t":"+233 30 277 0000"}],"page":1,"of":3}',
            [("PERSON", "Akua Asantewaa"), ("PHONE", "+233 24 455 8120")],
        ),
        (
            'Traceback (most recent call last):\n  File "/srv/app/billing.py", line 88, in charge\n    stripe.Charge.create(amount=4900, source=tok)\nstripe.error.CardError: Your card was declined. (customer: cus_Q81kLx2, email: w.adeyemi@fastmail.com)',
            [("EMAIL", "w.adeyemi@fastmail.com"), ("KEEP", "/srv/app/billing.py")],
        ),
        (
            "$ history | tail -5\n  501  cd ~/infra\n  502  export AWS_ACCESS_KEY_ID=AKIATMYRD3QSD53JLJUL\n  503  export AWS_SECRET_ACCESS_KEY=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\n  504  terraform plan\n  505  git push",
            [
                ("SECRET", "AKIATMYRD3QSD53JLJUL"),
                ("SECRET", "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"),
            ],
        ),
        (
            'why does this fail?\n\nclient = OpenAI(api_key="sk-proj-aU9Y9a3nmEA-CRQT1uS2CbaX-DziTVtVFhLHH6sSiB1VrAIl")\nresp = client.chat.completions.create(model="gpt-4o", messages=msgs)\n# openai.AuthenticationError: 401',
            [
                ("SECRET", "sk-proj-aU9Y9a3nmEA-CRQT1uS2CbaX-DziTVtVFhLHH6sSiB1VrAIl"),
                ("KEEP", "gpt-4o"),
            ],
        ),
        (
            "CI log (GitHub Actions) run #8812\nRun git clone https://x-access-token:ghp_TgAiOV3NA4tMl0C4vszXxDJZOSrUL19zrYPO@github.com/acme/deploy-scripts.git\nCloning into 'deploy-scripts'...\nHEAD is now at d95084167b10547d0457f16a3251ebfd0fbbab88",
            [
                ("SECRET", "ghp_TgAiOV3NA4tMl0C4vszXxDJZOSrUL19zrYPO"),
                ("KEEP", "d95084167b10547d0457f16a3251ebfd0fbbab88"),
            ],
        ),
        (
            "[2026-12-06 23:14:07] WARN  rate-limit exceeded for client 203.0.113.45 (test-net), key=pk_test_TYooMQauvdEDq54NiTphI7jx — this is Stripe's published example key",
            [("KEEP", "pk_test_TYooMQauvdEDq54NiTphI7jx")],
        ),
        (
            "application.properties\nspring.datasource.url=jdbc:mysql://10.0.8.12:3306/hr\nspring.datasource.username=hr_app\nspring.datasource.password=3FkHKhao%^qhk%\nserver.port=8443",
            [("IP_ADDRESS", "10.0.8.12"), ("SECRET", "3FkHKhao%^qhk%")],
        ),
        (
            "curl -X POST https://api.twilio.com/2010-04-01/Accounts/ACc9520a47b6e5c857b367402558ee034e/Messages.json -u ACc9520a47b6e5c857b367402558ee034e:76ad15f87942e7f0a87ce2b2399af09d --data-urlencode 'To=+14155550123'",
            [("SECRET", "76ad15f87942e7f0a87ce2b2399af09d"), ("PHONE", "+14155550123")],
        ),
        (
            'nginx access log:\n91.198.174.192 - - [07/Dec/2026:07:12:01 +0000] "GET /reset-password?token=c2a1f0e9b8d7c6a5f4e3d2c1b0a99f8e HTTP/1.1" 200 512\n10.0.0.3 - - [07/Dec/2026:07:12:02 +0000] "GET /healthz HTTP/1.1" 200 2',
            [
                ("IP_ADDRESS", "91.198.174.192"),
                ("SECRET", "c2a1f0e9b8d7c6a5f4e3d2c1b0a99f8e"),
                ("IP_ADDRESS", "10.0.0.3"),
                ("KEEP", "/healthz"),
            ],
        ),
        (
            "docker run -e POSTGRES_PASSWORD=RJp^VR*zC825Z3 -e POSTGRES_USER=keycloak -p 5432:5432 postgres:16.1",
            [("SECRET", "RJp^VR*zC825Z3"), ("KEEP", "postgres:16.1")],
        ),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nsv6QzgKugXtehQWW3CGbcae8UNcFdVWze9dcPgy9JY7FywPbwOCSrj/GQvGDgtxqp5A6ir\n-----END OPENSSH PRIVATE KEY-----",
            [("SECRET", "sv6QzgKugXtehQWW3CGbcae8UNcFdVWze9dcPgy9JY7FywPbwOCSrj/GQvGDgtxqp5A6ir")],
        ),
        (
            "npm ERR! 401 Unauthorized - GET https://registry.npmjs.org/@acme%2fui\n.npmrc contents:\n//registry.npmjs.org/:_authToken=npm_GDttN1bWcnRovNvlCsSpgmeDXmZHaRD2dq7c",
            [("SECRET", "npm_GDttN1bWcnRovNvlCsSpgmeDXmZHaRD2dq7c")],
        ),
        (
            "Sample config from README:\nOPENAI_API_KEY=your-api-key-here\nANTHROPIC_API_KEY=<your key>\nDB_PASSWORD=changeme\nPORT=3000",
            [("KEEP", "your-api-key-here"), ("KEEP", "<your key>"), ("KEEP", "changeme")],
        ),
        (
            "pip install failed:\nERROR: Could not find a version that satisfies the requirement torch==2.9.1+cu124\nLooking in indexes: https://pypi.org/simple, https://__token__:hf_vmHfYs3nAi8Kj0wZVVSWJjR8UbEtzjIkSr@pypi.internal.acme.dev/simple",
            [
                ("SECRET", "hf_vmHfYs3nAi8Kj0wZVVSWJjR8UbEtzjIkSr"),
                ("KEEP", "https://pypi.org/simple"),
                ("KEEP", "torch==2.9.1+cu124"),
            ],
        ),
        (
            "Can you explain this log? 'sshd[2231]: Failed password for invalid user oracle from 45.155.205.233 port 51234 ssh2' — we get hundreds per hour.",
            [("IP_ADDRESS", "45.155.205.233")],
        ),
        (
            "2026-12-07 08:01:13 audit: user=root cmd='useradd -m -p $(openssl passwd -1 cbVhPbq&IzOFvj) svc_backup' tty=pts/1 from=2a02:8109:9a40:1c00:5d1:8a2e:370:7334",
            [("SECRET", "cbVhPbq&IzOFvj"), ("IP_ADDRESS", "2a02:8109:9a40:1c00:5d1:8a2e:370:7334")],
        ),
        (
            'java.lang.NullPointerException: Cannot invoke "String.length()" because "customer.getMiddleName()" is null\n\tat com.acme.crm.NameFormatter.format(NameFormatter.java:42)\n\tat com.acme.crm.Export.row(Export.java:117)',
            [("KEEP", "NameFormatter.java:42"), ("KEEP", "customer.getMiddleName()")],
        ),
        (
            "mongo connection: mongodb+srv://analytics:Tr0ub4dor-Kasbah-92@cluster0.x1y2z.mongodb.net/?retryWrites=true&w=majority",
            [("SECRET", "Tr0ub4dor-Kasbah-92")],
        ),
        (
            "ruby: Stripe.api_key = ENV.fetch('STRIPE_KEY', 'rk_live_0XWZ4mqCJCgGdulkwnpDCm9q') # TODO remove fallback before launch",
            [("SECRET", "rk_live_0XWZ4mqCJCgGdulkwnpDCm9q")],
        ),
        (
            'go test ./... output:\n--- FAIL: TestSignup (0.02s)\n    signup_test.go:31: expected email "test@example.com", got "sunita.malhotra@acme-payroll.in"\nFAIL',
            [("KEEP", "test@example.com"), ("EMAIL", "sunita.malhotra@acme-payroll.in")],
        ),
        (
            "pytest -k payments\nFAILED tests/test_iban.py::test_valid[DE89370400440532013000] - AssertionError\n1 failed, 41 passed in 3.21s",
            [("KEEP", "DE89370400440532013000")],
        ),
        (
            "[07/12/2026, 09:14:55] Mãe: filho, o endereço da tia Cida é Rua das Acácias 77, Jardim Paulista, Ribeirão Preto - SP, 14090-220\n[07/12/2026, 09:15:20] Mãe: telefone dela 16 99714-3382",
            [
                ("PERSON", "Cida"),
                (
                    "STREET_ADDRESS",
                    "Rua das Acácias 77, Jardim Paulista, Ribeirão Preto - SP, 14090-220",
                ),
                ("PHONE", "16 99714-3382"),
            ],
        ),
        (
            "DM from @kenji_w: yo can u venmo me for dinner, it's @Kenji-Watanabe-7 on there. also my bday is 11/23 so you owe me a drink",
            [("USERNAME", "kenji_w"), ("USERNAME", "Kenji-Watanabe-7")],
        ),
        (
            "Hi Siri, remind me to call Aunt Bea about Grandpa Joe's 90th. — no wait, I'm typing this into the wrong app. Anyway, Bea's number is 0161 496 0732.",
            [("KEEP", "Siri"), ("PERSON", "Bea"), ("PERSON", "Joe"), ("PHONE", "0161 496 0732")],
        ),
        (
            "Discord #general\nxX_DarkLord_Xx: anyone selling a 4090?\nmoderator_jess: no trading in #general pls\nxX_DarkLord_Xx: fine dm me, real name Callum if u need it for paypal",
            [("USERNAME", "xX_DarkLord_Xx"), ("USERNAME", "moderator_jess"), ("PERSON", "Callum")],
        ),
        (
            "Group: Familie Janssen 🏠\nOma: wie komt er zondag?\nPieter-Jan: wij! met de kids\nOma: gezellig. neem de taart mee van Bakker Bart\nSofie: ik kom ook, 06 14 55 82 10 als je me zoekt",
            [
                ("PERSON", "Pieter-Jan"),
                ("KEEP", "Bakker Bart"),
                ("PERSON", "Sofie"),
                ("PHONE", "06 14 55 82 10"),
            ],
        ),
        (
            "Can you write a birthday poem for my wife Chen Xiaoling? She was born on the 3rd of January 1990 in Chengdu and loves Paris.",
            [
                ("PERSON", "Chen Xiaoling"),
                ("DATE_OF_BIRTH", "3rd of January 1990"),
                ("KEEP", "Chengdu"),
                ("KEEP", "Paris"),
            ],
        ),
        (
            "Geburtsdatum: 03. Oktober 1990 (Tag der Deutschen Einheit!). Name: Kai-Uwe Zimmermann. Adresse: Am Sandtorkai 5, 20457 Hamburg.",
            [
                ("DATE_OF_BIRTH", "03. Oktober 1990"),
                ("PERSON", "Kai-Uwe Zimmermann"),
                ("STREET_ADDRESS", "Am Sandtorkai 5, 20457 Hamburg"),
            ],
        ),
        (
            "User profile link for the moderation queue: https://forum.kitchenaid-fans.net/u/margit_halasz — she posted her home address in thread 88120, please redact.",
            [("URL", "https://forum.kitchenaid-fans.net/u/margit_halasz"), ("KEEP", "88120")],
        ),
        (
            "shared doc (anyone with the link can edit): https://docs.google.com/document/d/1xQ7vBz3KpLm9RtY2wNc8HdFgJs5aE4uVoIi0bTqWzXy/edit?usp=sharing — it has the salary bands",
            [
                (
                    "URL",
                    "https://docs.google.com/document/d/1xQ7vBz3KpLm9RtY2wNc8HdFgJs5aE4uVoIi0bTqWzXy/edit?usp=sharing",
                )
            ],
        ),
        (
            "Dropbox: https://www.dropbox.com/scl/fi/r8k2x9pq1m/passport_scan_AMINA.pdf?rlkey=z7w3n5b1c9v0&dl=0 (Amina's passport, delete after KYC)",
            [
                (
                    "URL",
                    "https://www.dropbox.com/scl/fi/r8k2x9pq1m/passport_scan_AMINA.pdf?rlkey=z7w3n5b1c9v0&dl=0",
                ),
                ("PERSON", "Amina"),
            ],
        ),
        (
            "See RFC 5322 §3.4 and the IANA example domains (example.com, example.org). Test addresses like user@example.com must not be blocked.",
            [("KEEP", "RFC 5322"), ("KEEP", "user@example.com")],
        ),
        (
            "Ask: what's the tax treatment of a gift from my father Karl-Heinz Brüggemann (geb. 22.11.1951) to me, living at Bahnhofstraße 3, 01067 Dresden?",
            [
                ("PERSON", "Karl-Heinz Brüggemann"),
                ("DATE_OF_BIRTH", "22.11.1951"),
                ("STREET_ADDRESS", "Bahnhofstraße 3, 01067 Dresden"),
            ],
        ),
        (
            "Shipping to: 350 Fifth Avenue, 34th Floor, New York, NY 10118 (Empire State Building office of our client). Attn: Reception.",
            [("KEEP", "Empire State Building")],
        ),
        (
            "Refund approved for order 112-4471203-9920187 (Amazon). Buyer: sophie.laurent.92, shipped to 11 Rue de Rivoli, 75004 Paris.",
            [
                ("KEEP", "112-4471203-9920187"),
                ("USERNAME", "sophie.laurent.92"),
                ("STREET_ADDRESS", "11 Rue de Rivoli, 75004 Paris"),
            ],
        ),
        (
            "Payroll correction: pay Mpho Sithole's December salary to the new account BE58 5720 9547 7465 (Belfius). Old: BE79 4533 3147 8932 — close it.",
            [
                ("PERSON", "Mpho Sithole"),
                ("IBAN", "BE58 5720 9547 7465"),
                ("IBAN", "BE79 4533 3147 8932"),
            ],
        ),
        (
            "Bank details for the wire:\nBeneficiary: Ferhat Aksoy\nIBAN: GB76 AMEG 5458 4995 0360 20\nSWIFT: AMEGGB2L\nRef: INV-7781",
            [
                ("PERSON", "Ferhat Aksoy"),
                ("IBAN", "GB76 AMEG 5458 4995 0360 20"),
                ("KEEP", "AMEGGB2L"),
                ("KEEP", "INV-7781"),
            ],
        ),
        (
            "Chargeback notice: card 6011 1765 9942 5719 (Discover), cardholder ALVAREZ-PEÑA, ROBERTO, amount $1,204.50, merchant ref MR-0092183.",
            [
                ("CREDIT_CARD", "6011 1765 9942 5719"),
                ("PERSON", "ALVAREZ-PEÑA, ROBERTO"),
                ("KEEP", "MR-0092183"),
            ],
        ),
        (
            "Test cards for QA: 4242 4242 4242 4242 (Visa success), 4000 0000 0000 0002 (declined). Use any future expiry and any CVC.",
            [("KEEP", "4242 4242 4242 4242"), ("KEEP", "4000 0000 0000 0002")],
        ),
        (
            "Employee verification (I-9): soc sec no. 608 96 5954, born May 2nd 1977, legal name: Trinh, Hoa Thi.",
            [
                ("US_SSN", "608 96 5954"),
                ("DATE_OF_BIRTH", "May 2nd 1977"),
                ("PERSON", "Trinh, Hoa Thi"),
            ],
        ),
        (
            "Lab results portal: https://mychart.stlukes-health.org/MyChart/Billing/Details?acct=88120991&token=Vz8mQp2LkR7 — patient Rosa Delgado asks what 'A1c 6.1' means.",
            [
                (
                    "URL",
                    "https://mychart.stlukes-health.org/MyChart/Billing/Details?acct=88120991&token=Vz8mQp2LkR7",
                ),
                ("PERSON", "Rosa Delgado"),
            ],
        ),
        (
            "Landlord ka message: 'Rent 25 tarikh tak transfer kar dena, account holder Harpreet Kaur Sandhu, UPI harpreet.sandhu@okhdfcbank. Flat 3B, Green Park Extension, New Delhi 110016.'",
            [
                ("PERSON", "Harpreet Kaur Sandhu"),
                ("USERNAME", "harpreet.sandhu@okhdfcbank"),
                ("STREET_ADDRESS", "Flat 3B, Green Park Extension, New Delhi 110016"),
            ],
        ),
        (
            "Wedding guest list draft:\n- Tía Remedios + Tío Paco\n- los Gutiérrez (4)\n- Oksana & Dmytro Kovalenko\n- Nkosinathi (plus one?)",
            [
                ("PERSON", "Remedios"),
                ("PERSON", "Paco"),
                ("PERSON", "Gutiérrez"),
                ("PERSON", "Oksana & Dmytro Kovalenko"),
                ("PERSON", "Nkosinathi"),
            ],
        ),
        (
            "The tenant, Mr. Oleksandr Hrytsenko (DOB 19/07/1986), of Flat 9, 14 Albion Road, Edinburgh EH7 5QN, agrees to pay £1,150 pcm.",
            [
                ("PERSON", "Oleksandr Hrytsenko"),
                ("DATE_OF_BIRTH", "19/07/1986"),
                ("STREET_ADDRESS", "Flat 9, 14 Albion Road, Edinburgh EH7 5QN"),
            ],
        ),
        (
            "Agenda: 1) Q4 numbers (Ravi) 2) Hiring in Lisbon (Beatriz) 3) AOB. Dial 0800 123 4567 (conference line) PIN 88120#",
            [("PERSON", "Ravi"), ("PERSON", "Beatriz")],
        ),
        (
            "customer name field contains junk: 'asdf asdf', 'Test User', 'N/A', 'Mickey Mouse'. Real one in row 7: 'Pradeep Gunawardena'.",
            [("PERSON", "Pradeep Gunawardena"), ("KEEP", "N/A")],
        ),
        (
            "Réclamation: client M. DUBOIS Jean-Philippe, 45 boulevard Haussmann, 75009 Paris, tél. +33 (0)1 42 68 55 19, né le 1er avril 1970.",
            [
                ("PERSON", "DUBOIS Jean-Philippe"),
                ("STREET_ADDRESS", "45 boulevard Haussmann, 75009 Paris"),
                ("PHONE", "+33 (0)1 42 68 55 19"),
                ("DATE_OF_BIRTH", "1er avril 1970"),
            ],
        ),
        (
            "Cliente: ing. Federica Bonfiglio-Ruggeri, P.IVA non fornita, via Roma 3/B, 90133 Palermo, data di nascita 5 maggio 1981, tel. 091 611 2284",
            [
                ("PERSON", "Federica Bonfiglio-Ruggeri"),
                ("STREET_ADDRESS", "via Roma 3/B, 90133 Palermo"),
                ("DATE_OF_BIRTH", "5 maggio 1981"),
                ("PHONE", "091 611 2284"),
            ],
        ),
        (
            "Pedido de suporte: usuária Bruna Tavares (bruna.tavares@bol.com.br), nascida em 30/11/1998, não consegue acessar. IP do último acesso 177.37.21.146.",
            [
                ("PERSON", "Bruna Tavares"),
                ("EMAIL", "bruna.tavares@bol.com.br"),
                ("DATE_OF_BIRTH", "30/11/1998"),
                ("IP_ADDRESS", "177.37.21.146"),
            ],
        ),
        (
            "Quote request from Ms. Wang (王芳), Fang Wang on her card, e-mail wangfang@163.com, WeChat: fangw_1989, mobile +86 139 1021 7745",
            [
                ("PERSON", "Wang"),
                ("PERSON", "王芳"),
                ("PERSON", "Fang Wang"),
                ("EMAIL", "wangfang@163.com"),
                ("USERNAME", "fangw_1989"),
                ("PHONE", "+86 139 1021 7745"),
            ],
        ),
        (
            "interviewer: tell me about yourself\ncandidate (Aditi Chakraborty): I'm from Kolkata, studied at Jadavpur, worked at Infosys then Zomato. You can reach me at 90073 18842.",
            [
                ("PERSON", "Aditi Chakraborty"),
                ("KEEP", "Kolkata"),
                ("KEEP", "Infosys"),
                ("PHONE", "90073 18842"),
            ],
        ),
        (
            "WiFi for the offsite: network 'Hotel-Bellevue-Guest', password 'Alpenblick#2026'. Hotel address: Bundesplatz 3, 3011 Bern.",
            [("KEEP", "Hotel-Bellevue-Guest"), ("SECRET", "Alpenblick#2026")],
        ),
        (
            "Hash check: sha256(file) = 63759336d10507f2d9a7624286444f58d7ef48df0b2c1e3a9f8d7c6b5a4e3f21, md5 = b98920e1a91539de08b82445208697fd. Matches release page.",
            [
                ("KEEP", "63759336d10507f2d9a7624286444f58d7ef48df0b2c1e3a9f8d7c6b5a4e3f21"),
                ("KEEP", "b98920e1a91539de08b82445208697fd"),
            ],
        ),
        (
            "Customer says: 'my password is literally my dog's name + birth year, Biscuit2014, please don't judge'. Tell them to reset it.",
            [("SECRET", "Biscuit2014")],
        ),
        (
            "Meeting scheduled 14/02/2027 (Valentine's Day, ha). Also note the contract expiry 01.09.2027 and go-live 2027-03-15. None of these are birthdays.",
            [("KEEP", "14/02/2027"), ("KEEP", "01.09.2027"), ("KEEP", "2027-03-15")],
        ),
        (
            "Retail store directory: Victoria's Secret (unit 14), Ted Baker (unit 15), Marks & Spencer (unit 2), Tommy Hilfiger (unit 9).",
            [
                ("KEEP", "Victoria's Secret"),
                ("KEEP", "Ted Baker"),
                ("KEEP", "Marks & Spencer"),
                ("KEEP", "Tommy Hilfiger"),
            ],
        ),
        (
            "ALL CAPS EXPORT FROM MAINFRAME:\nCUST-NO 00881203 NAME OYELOWO BABATUNDE A ADDR 15 ADEOLA ODEKU ST VICTORIA ISLAND LAGOS TEL 08035557712",
            [("KEEP", "00881203"), ("PERSON", "OYELOWO BABATUNDE A"), ("PHONE", "08035557712")],
        ),
        (
            "GET /v1/users/me HTTP/1.1\nHost: api.acme.io\nCookie: session=9a2f6c1be0d74e3ab81c5d6f0e7a9b24; theme=dark\nX-Forwarded-For: 81.2.69.160",
            [("SECRET", "9a2f6c1be0d74e3ab81c5d6f0e7a9b24"), ("IP_ADDRESS", "81.2.69.160")],
        ),
        (
            "Review request: 'Loved my stay! Host Ramesh was great.' — posted by traveller_kat88 from Melbourne. Reply as the host, thank Kat.",
            [
                ("PERSON", "Ramesh"),
                ("USERNAME", "traveller_kat88"),
                ("PERSON", "Kat"),
                ("KEEP", "Melbourne"),
            ],
        ),
        (
            "Onboarding email: Welcome aboard, Björn! Your manager is Daniela Ospina and your buddy is Tunde. Laptop ships to your home address on file.",
            [("PERSON", "Björn"), ("PERSON", "Daniela Ospina"), ("PERSON", "Tunde")],
        ),
        (
            'Connection string in appsettings.json: "Server=tcp:sql-prod.database.windows.net,1433;Initial Catalog=crm;User ID=crm_svc;Password=Hq4%vB8!zR2m;Encrypt=True;"',
            [("SECRET", "Hq4%vB8!zR2m")],
        ),
        (
            "ssh config:\nHost bastion\n  HostName 34.241.88.17\n  User ec2-user\n  IdentityFile ~/.ssh/prod.pem",
            [("IP_ADDRESS", "34.241.88.17"), ("KEEP", "~/.ssh/prod.pem")],
        ),
        (
            "Slack: @channel the staging password is now stg-Wombat-7741 (was stg-Koala-2219). Still only reachable from the VPN (10.8.0.0/16).",
            [("SECRET", "stg-Wombat-7741"), ("SECRET", "stg-Koala-2219"), ("KEEP", "10.8.0.0/16")],
        ),
        (
            "cc_number=4187250133067825&cc_exp=0428&cc_name=Rui+Pedro+Antunes&amount=89.90&currency=EUR",
            [("CREDIT_CARD", "4187250133067825"), ("PERSON", "Rui+Pedro+Antunes")],
        ),
        (
            "JCB card 3557-4077-4775-6375 used for booking ref TYO-77120 by guest ISHIKAWA Rin; Diners 3621 594483 5489 on file for the corporate account.",
            [
                ("CREDIT_CARD", "3557-4077-4775-6375"),
                ("KEEP", "TYO-77120"),
                ("PERSON", "ISHIKAWA Rin"),
                ("CREDIT_CARD", "3621 594483 5489"),
            ],
        ),
        (
            "Loan app fields: ssn=433168623; dob=19880214; first=KOJO; last=ANSAH; phone=3125550148",
            [
                ("US_SSN", "433168623"),
                ("DATE_OF_BIRTH", "19880214"),
                ("PERSON", "KOJO"),
                ("PERSON", "ANSAH"),
                ("PHONE", "3125550148"),
            ],
        ),
        (
            "Share link for the scanned contracts (no login needed): https://wetransfer.com/downloads/8f3a1b2c9d7e6f50a4b3c2d1e0f9a8b7/c4d5e6 — expires Dec 14.",
            [("URL", "https://wetransfer.com/downloads/8f3a1b2c9d7e6f50a4b3c2d1e0f9a8b7/c4d5e6")],
        ),
        (
            "Her Facebook is facebook.com/nomvula.khumalo.77 and her Insta @nomvula_k — the influencer we want for the Durban launch.",
            [
                ("URL", "facebook.com/nomvula.khumalo.77"),
                ("USERNAME", "nomvula_k"),
                ("KEEP", "Durban"),
            ],
        ),
    ],
    "F-held": [
        (
            "Live chat transcript\n14:02 Visitor: can u update my delivery address\n14:02 Agent Priyanka: Sure, what's the new one?\n14:03 Visitor: 2231 W Belmont Ave Apt 3F, Chicago, IL 60618\n14:03 Visitor: name on acct is Dwayne Okafor",
            [
                ("PERSON", "Priyanka"),
                ("STREET_ADDRESS", "2231 W Belmont Ave Apt 3F, Chicago, IL 60618"),
                ("PERSON", "Dwayne Okafor"),
            ],
        ),
        (
            "USER: I forgot my password and the reset link you sent goes to an old mailbox (j.ferreira@terra.com.br). can you send it to jferreira.santos@gmail.com instead? my cpf is on file",
            [("EMAIL", "j.ferreira@terra.com.br"), ("EMAIL", "jferreira.santos@gmail.com")],
        ),
        (
            "Hi team, Sophia from Hubble Labs here — the webhook at https://docs.stripe.com/webhooks/signatures says to verify signatures, but our endpoint keeps failing. Any idea?",
            [
                ("PERSON", "Sophia"),
                ("KEEP", "Hubble Labs"),
                ("KEEP", "https://docs.stripe.com/webhooks/signatures"),
            ],
        ),
        (
            "Bonjour, je suis Mme Aïcha Benali-Traoré, j'habite au 27 bis rue des Vinaigriers, 75010 Paris. Mon colis n'est jamais arrivé. Portable : 06 72 41 88 05",
            [
                ("PERSON", "Aïcha Benali-Traoré"),
                ("STREET_ADDRESS", "27 bis rue des Vinaigriers, 75010 Paris"),
                ("PHONE", "06 72 41 88 05"),
            ],
        ),
        (
            "Salve, sono Gianluca Mastrandrea. Vorrei cambiare l'IBAN per l'addebito: nuovo IBAN IT73Q5837303158777193542914, intestato a me. Grazie",
            [("PERSON", "Gianluca Mastrandrea"), ("IBAN", "IT73Q5837303158777193542914")],
        ),
        (
            "Oi! Aqui é o Thiago Nascimento, meu pedido #BR-33871 ainda não chegou. Endereço: Rua Harmonia, 1250, apto 82 - Vila Madalena, São Paulo - SP, 05435-001. WhatsApp (11) 98734-5521",
            [
                ("PERSON", "Thiago Nascimento"),
                ("KEEP", "#BR-33871"),
                (
                    "STREET_ADDRESS",
                    "Rua Harmonia, 1250, apto 82 - Vila Madalena, São Paulo - SP, 05435-001",
                ),
                ("PHONE", "(11) 98734-5521"),
            ],
        ),
        (
            "Summary for agent: User reports the Amazon Echo in the kitchen stopped responding to 'Alexa'. Firmware 8.6.2. Tried factory reset. Wants replacement under warranty W-2231-99.",
            [("KEEP", "Alexa"), ("KEEP", "W-2231-99")],
        ),
        (
            "> On Tue, 3 Nov 2026 at 10:12, Keiko Watanabe <k.watanabe@nakamura-shoji.co.jp> wrote:\n> Could you confirm the shipment?\nConfirmed, it leaves Yokohama on Friday. Tracking 1Z999AA10123456784.",
            [
                ("PERSON", "Keiko Watanabe"),
                ("EMAIL", "k.watanabe@nakamura-shoji.co.jp"),
                ("KEEP", "Yokohama"),
                ("KEEP", "1Z999AA10123456784"),
            ],
        ),
        (
            "Please summarize: 'Hi it's Nguyen Thi Mai, booking ref QX7PLM. My husband Tran Van Duc and I need to change our flight HAN-CDG to the 14th.'",
            [("PERSON", "Nguyen Thi Mai"), ("KEEP", "QX7PLM"), ("PERSON", "Tran Van Duc")],
        ),
        (
            "wa chat\n12/11/26, 8:15 pm - Fatima Zahra El Idrissi: salam, c'est pour la livraison\n12/11/26, 8:16 pm - Fatima Zahra El Idrissi: 14 avenue Jean Jaurès, 69007 Lyon\n12/11/26, 8:16 pm - Support: Merci Fatima !",
            [
                ("PERSON", "Fatima Zahra El Idrissi"),
                ("STREET_ADDRESS", "14 avenue Jean Jaurès, 69007 Lyon"),
                ("PERSON", "Fatima"),
            ],
        ),
        (
            "Note from support lead: don't share the macro with customers. Template text: 'Dear {first_name}, your order {order_id} has shipped.' Fields are filled by Zendesk.",
            [("KEEP", "{first_name}"), ("KEEP", "{order_id}")],
        ),
        (
            "RE: Ticket 3321 (Wilson Audio speakers) — the customer, Mrs. Wilson, confirms the serial SN-WA-88213 on the back plate. Ship replacement tweeter.",
            [("KEEP", "Wilson Audio"), ("PERSON", "Wilson"), ("KEEP", "SN-WA-88213")],
        ),
        (
            "Reset request from user mihai.popescu — sent link https://app.trellis.io/account/reset?token=9f3c1be0a7d24e55b8f1c3d2e6a7b901 (expires 30 min).",
            [
                ("USERNAME", "mihai.popescu"),
                (
                    "URL",
                    "https://app.trellis.io/account/reset?token=9f3c1be0a7d24e55b8f1c3d2e6a7b901",
                ),
            ],
        ),
        (
            "Complaint: 'The Mercedes I rented from your Heathrow branch had a cracked windscreen.' Rental agreement RA-55190-LHR, plate reg LK21 XRT.",
            [("KEEP", "Mercedes"), ("KEEP", "Heathrow"), ("KEEP", "RA-55190-LHR")],
        ),
        (
            "Lead: BJÖRKLUND, Sven-Erik | Title: CFO | Co: Nordvik Marine AS | email sven-erik.bjorklund@nordvikmarine.no | met at SMM Hamburg booth B4.312",
            [
                ("PERSON", "BJÖRKLUND, Sven-Erik"),
                ("EMAIL", "sven-erik.bjorklund@nordvikmarine.no"),
                ("KEEP", "Nordvik Marine AS"),
            ],
        ),
        (
            "Thanks all,\n\n--\nMarta Kowalska-Nowak\nSenior Account Manager | Baltic Office\nul. Grunwaldzka 82/4, 80-244 Gdańsk\nm: +48 512 903 114\nmarta.kn@balticlogistik.pl",
            [
                ("PERSON", "Marta Kowalska-Nowak"),
                ("PHONE", "+48 512 903 114"),
                ("EMAIL", "marta.kn@balticlogistik.pl"),
            ],
        ),
        (
            "Deal notes: Tiffany & Co. is NOT the customer, it's the jeweller in Lisbon called Tiffany's Ourivesaria. Contact there: Sr. Joaquim Rebelo, tel. +351 213 478 552.",
            [
                ("KEEP", "Tiffany & Co."),
                ("PERSON", "Joaquim Rebelo"),
                ("PHONE", "+351 213 478 552"),
            ],
        ),
        (
            "Transcript (auto)\nSPEAKER_01 (Dolores Quintanilla): So the claim number is CLM-2026-44190.\nSPEAKER_02 (Adjuster Beaumont): Got it. And the date of loss?\nSPEAKER_01: November twenty-second.",
            [("PERSON", "Dolores Quintanilla"), ("PERSON", "Beaumont"), ("KEEP", "CLM-2026-44190")],
        ),
        (
            "-----Original Message-----\nFrom: Sanjay Venkataraman [mailto:svenkat@medinova-health.in]\nSent: Friday, December 4, 2026 6:30 PM\nSubject: RE: PO 4500119283\nApproved. -SV",
            [
                ("PERSON", "Sanjay Venkataraman"),
                ("EMAIL", "svenkat@medinova-health.in"),
                ("KEEP", "4500119283"),
            ],
        ),
        (
            "Pipeline review: Jordan (Jordan Logistics GmbH) stalled; Shell renewal at risk; Apple Leisure Group wants a demo. Owner for all three: Maximilian.",
            [
                ("KEEP", "Jordan Logistics GmbH"),
                ("KEEP", "Shell"),
                ("KEEP", "Apple Leisure Group"),
                ("PERSON", "Maximilian"),
            ],
        ),
        (
            "1:1 notes w/ manager\n- perf: strong Q3, promo packet due Jan\n- concern: Wojciech (on Nadia's team) keeps missing standups\n- action: talk to Nadia Okonkwo-Reyes before Thursday",
            [("PERSON", "Wojciech"), ("PERSON", "Nadia"), ("PERSON", "Nadia Okonkwo-Reyes")],
        ),
        (
            "Cher Monsieur Lefèvre-Delacroix,\nSuite à notre entretien du 2 décembre, je vous confirme le rendez-vous. Mon numéro direct : 01 45 22 67 90.\nCordialement,\nÉlodie Marchetti\nCabinet Marchetti & Associés",
            [
                ("PERSON", "Lefèvre-Delacroix"),
                ("PHONE", "01 45 22 67 90"),
                ("PERSON", "Élodie Marchetti"),
                ("KEEP", "2 décembre"),
            ],
        ),
        (
            "Standup 12/07\nyuki: blocked on staging db\nmarco: PR #4412 ready\nabdul-rahman: on call, paged twice (disk full on db-3)\nfrida: OOO",
            [
                ("PERSON", "yuki"),
                ("PERSON", "marco"),
                ("PERSON", "abdul-rahman"),
                ("PERSON", "frida"),
                ("KEEP", "PR #4412"),
            ],
        ),
        (
            "Gentile dott.ssa Maria Grazia Lo Russo,\nLe scrivo per il preventivo. Il mio cellulare è 347 882 1093, ufficio in Via Giuseppe Garibaldi 41, 10122 Torino.\nCordiali saluti, Ing. Pasquale Iannuzzi",
            [
                ("PERSON", "Maria Grazia Lo Russo"),
                ("PHONE", "347 882 1093"),
                ("STREET_ADDRESS", "Via Giuseppe Garibaldi 41, 10122 Torino"),
                ("PERSON", "Pasquale Iannuzzi"),
            ],
        ),
        (
            "Olá Camila, tudo bem? Segue o contato do fornecedor: Sr. Wellington Araújo, (21) 3345-8812, Av. Nossa Senhora de Copacabana, 680 - sala 1105, Rio de Janeiro - RJ, 22050-001.",
            [
                ("PERSON", "Camila"),
                ("PERSON", "Wellington Araújo"),
                ("PHONE", "(21) 3345-8812"),
                (
                    "STREET_ADDRESS",
                    "Av. Nossa Senhora de Copacabana, 680 - sala 1105, Rio de Janeiro - RJ, 22050-001",
                ),
            ],
        ),
        (
            "Interview debrief (panel: Hoang, Lindgren, Ramos)\nCandidate: Aleksandr 'Sasha' Volkov\nStrong system design, weak on testing. Hire: lean yes. Salary ask €92k.",
            [
                ("PERSON", "Hoang"),
                ("PERSON", "Lindgren"),
                ("PERSON", "Ramos"),
                ("PERSON", "Aleksandr 'Sasha' Volkov"),
            ],
        ),
        (
            "Please draft a thank-you note to our donor Mrs. Harriet Pemberton-Quayle of The Old Rectory, Church Lane, Little Gaddesden, Berkhamsted HP4 1PD for her gift of £5,000.",
            [
                ("PERSON", "Harriet Pemberton-Quayle"),
                (
                    "STREET_ADDRESS",
                    "The Old Rectory, Church Lane, Little Gaddesden, Berkhamsted HP4 1PD",
                ),
            ],
        ),
        (
            "action items from board call:\n1. Tanaka-san to circulate minutes\n2. legal (kofi.boateng@) to review the Ghana term sheet\n3. Next meeting hosted by Ms. Achterberg in Rotterdam",
            [
                ("PERSON", "Tanaka"),
                ("USERNAME", "kofi.boateng"),
                ("PERSON", "Achterberg"),
                ("KEEP", "Rotterdam"),
            ],
        ),
        (
            "HR onboarding checklist — new hire: Oluwaseun Adebayo-Martins\nStart: 2027-01-04\nDOB: 1996-08-21\nSSN: 326-72-9229\nHome: 4417 Sycamore Ridge Dr, Plano, TX 75024\nEmergency contact: Bisi (mother) 214-555-0187",
            [
                ("PERSON", "Oluwaseun Adebayo-Martins"),
                ("KEEP", "2027-01-04"),
                ("DATE_OF_BIRTH", "1996-08-21"),
                ("US_SSN", "326-72-9229"),
                ("STREET_ADDRESS", "4417 Sycamore Ridge Dr, Plano, TX 75024"),
                ("PERSON", "Bisi"),
                ("PHONE", "214-555-0187"),
            ],
        ),
        (
            "Bewerbung: Frau Zofia Brzezińska, geb. 12.04.1991 in Breslau, wohnhaft Hauptstraße 7, 69117 Heidelberg. Gehaltsvorstellung 68.000 EUR.",
            [
                ("PERSON", "Zofia Brzezińska"),
                ("DATE_OF_BIRTH", "12.04.1991"),
                ("STREET_ADDRESS", "Hauptstraße 7, 69117 Heidelberg"),
            ],
        ),
        (
            "Termination memo (confidential): employee #E10442, LASTNAME: NDIAYE, FIRSTNAME: MAMADOU, last day 18 Dec 2026. Final pay to IBAN FR2203153557333553248207109.",
            [
                ("KEEP", "#E10442"),
                ("PERSON", "NDIAYE"),
                ("PERSON", "MAMADOU"),
                ("KEEP", "18 Dec 2026"),
                ("IBAN", "FR2203153557333553248207109"),
            ],
        ),
        (
            "appt reminder draft: Hi {{patient_first_name}}, this is a reminder of your appointment with Dr. Ferguson at Parkview Clinic on Dec 14 at 9:30am. Reply C to confirm.",
            [
                ("KEEP", "{{patient_first_name}}"),
                ("PERSON", "Ferguson"),
                ("KEEP", "Parkview Clinic"),
            ],
        ),
        (
            "Paziente: sig.ra Rosaria Cannavacciuolo, nata il 23/06/1949 a Napoli. Residente in Corso Umberto I 215, 80138 Napoli. Telefono fisso 081 552 4410.",
            [
                ("PERSON", "Rosaria Cannavacciuolo"),
                ("DATE_OF_BIRTH", "23/06/1949"),
                ("STREET_ADDRESS", "Corso Umberto I 215, 80138 Napoli"),
                ("PHONE", "081 552 4410"),
            ],
        ),
        (
            "Schadenmeldung Kfz: Unfallgegner Herr Dragan Jovanović, Kennzeichen M-DJ 4412, Versicherung HUK. Zeuge: Lena Hoffmann, 0176 55 33 21 09.",
            [
                ("PERSON", "Dragan Jovanović"),
                ("PERSON", "Lena Hoffmann"),
                ("PHONE", "0176 55 33 21 09"),
                ("KEEP", "HUK"),
            ],
        ),
        (
            "PNR: K4TWQZ\nPassenger 1: MR ANDERSEN/RASMUS\nPassenger 2: MRS ANDERSEN/MAJA KIRSTINE\nFlight SK 925 CPH-SFO 12JAN 10:05\nContact: +45 20 44 71 83",
            [
                ("KEEP", "K4TWQZ"),
                ("PERSON", "ANDERSEN/RASMUS"),
                ("PERSON", "ANDERSEN/MAJA KIRSTINE"),
                ("PHONE", "+45 20 44 71 83"),
                ("KEEP", "SK 925"),
            ],
        ),
        (
            "Shipping label data:\nSHIP TO: KARTHIKEYAN R\nNo. 12, 3rd Main Road, Gandhi Nagar, Adyar, Chennai, Tamil Nadu 600020\nPh: 044 2441 7789\nAWB 77129901324",
            [
                ("PERSON", "KARTHIKEYAN R"),
                (
                    "STREET_ADDRESS",
                    "No. 12, 3rd Main Road, Gandhi Nagar, Adyar, Chennai, Tamil Nadu 600020",
                ),
                ("PHONE", "044 2441 7789"),
                ("KEEP", "77129901324"),
            ],
        ),
        (
            "INVOICE 2026-1187\nBill to: Ramón Castillo Ibarra, Castillo Reformas S.L.\nCalle Mayor 3, 1ºB, 46001 Valencia\nNIF B-98123456\nPlease pay to ES69 6317 9631 2807 9664 2198 by 31/12/2026",
            [
                ("KEEP", "2026-1187"),
                ("PERSON", "Ramón Castillo Ibarra"),
                ("STREET_ADDRESS", "Calle Mayor 3, 1ºB, 46001 Valencia"),
                ("IBAN", "ES69 6317 9631 2807 9664 2198"),
                ("KEEP", "31/12/2026"),
            ],
        ),
        (
            "Nota fiscal 000.481.227 — Cliente: Luana Cavalcanti Moreira, CPF informado. Endereço de entrega: SQN 308 Bloco C apto 204, Asa Norte, Brasília - DF, 70747-030.",
            [
                ("KEEP", "000.481.227"),
                ("PERSON", "Luana Cavalcanti Moreira"),
                ("STREET_ADDRESS", "SQN 308 Bloco C apto 204, Asa Norte, Brasília - DF, 70747-030"),
            ],
        ),
        (
            "Airbnb msg: Hi! Host here (Giorgos). The door code is 4471#. Address is Odos Kydathinaion 19, Plaka — I'll text you at +30 694 512 7730 when the cleaner leaves.",
            [("PERSON", "Giorgos"), ("PHONE", "+30 694 512 7730")],
        ),
        (
            "Benefits enrollment: dependent added — name: Ximena Ortega-Lund, relationship: daughter, birthdate: Feb 29, 2016. Plan: Blue Shield Gold 80.",
            [
                ("PERSON", "Ximena Ortega-Lund"),
                ("DATE_OF_BIRTH", "Feb 29, 2016"),
                ("KEEP", "Blue Shield Gold 80"),
            ],
        ),
        (
            "Leave request: Ramesh Kumar Yadav — medical leave 10 Dec–24 Dec (surgery at Apollo Hospitals). Backup: Sunita. Approved by HRBP.",
            [("PERSON", "Ramesh Kumar Yadav"), ("PERSON", "Sunita"), ("KEEP", "Apollo Hospitals")],
        ),
        (
            "Ordonnance à renouveler pour M. Yannick Kouassi, né le 14 juillet 1969. Pharmacie: Pharmacie du Marché, 8 rue de la République, 13001 Marseille.",
            [
                ("PERSON", "Yannick Kouassi"),
                ("DATE_OF_BIRTH", "14 juillet 1969"),
                ("KEEP", "Pharmacie du Marché"),
            ],
        ),
        (
            "Vaccination record request for child: Emre Kaya, born 2019-05-03. Parent: Selin Kaya, phone 0151 2298 7744. School: Grundschule am Rosenpark.",
            [
                ("PERSON", "Emre Kaya"),
                ("DATE_OF_BIRTH", "2019-05-03"),
                ("PERSON", "Selin Kaya"),
                ("PHONE", "0151 2298 7744"),
                ("KEEP", "Grundschule am Rosenpark"),
            ],
        ),
        (
            "id,first_name,last_name,email,phone,dob\n1021,Aarav,Mehta,aarav.mehta@rediffmail.com,+91-22-2654-8810,1993-12-01\n1022,Chiamaka,Eze,chi.eze@yahoo.co.uk,07700 900 412,1988-07-19",
            [
                ("PERSON", "Aarav"),
                ("PERSON", "Mehta"),
                ("EMAIL", "aarav.mehta@rediffmail.com"),
                ("PHONE", "+91-22-2654-8810"),
                ("DATE_OF_BIRTH", "1993-12-01"),
                ("PERSON", "Chiamaka"),
                ("PERSON", "Eze"),
                ("EMAIL", "chi.eze@yahoo.co.uk"),
                ("PHONE", "07700 900 412"),
                ("DATE_OF_BIRTH", "1988-07-19"),
            ],
        ),
        (
            "| Owner | Ticket | Status |\n|---|---|---|\n| @marisa.k | JIRA-2231 | In review |\n| Bongani Dlamini | JIRA-2240 | Blocked |\n| Rustam Nazarov | JIRA-2244 | Done |",
            [
                ("USERNAME", "marisa.k"),
                ("KEEP", "JIRA-2231"),
                ("PERSON", "Bongani Dlamini"),
                ("PERSON", "Rustam Nazarov"),
            ],
        ),
        (
            'customer:\n  full_name: "de la Cruz, María José"\n  birth_date: 1975-10-09\n  address:\n    line1: Calle Serrano 45, 2º D\n    city: Madrid\n    postcode: "28001"\n  iban: ES6963179631280796642198',
            [
                ("PERSON", "de la Cruz, María José"),
                ("DATE_OF_BIRTH", "1975-10-09"),
                ("STREET_ADDRESS", "Calle Serrano 45, 2º D"),
                ("IBAN", "ES6963179631280796642198"),
            ],
        ),
        (
            "INSERT INTO patients (mrn, given, family, dob, phone) VALUES ('004471', 'Kiri', 'Te Rangi', '1966-04-30', '021 448 9921'), ('004472', 'Anh', 'Pham', '2001-01-15', '(408) 555-0162');",
            [
                ("PERSON", "Kiri"),
                ("PERSON", "Te Rangi"),
                ("DATE_OF_BIRTH", "1966-04-30"),
                ("PHONE", "021 448 9921"),
                ("PERSON", "Anh"),
                ("PERSON", "Pham"),
                ("DATE_OF_BIRTH", "2001-01-15"),
                ("PHONE", "(408) 555-0162"),
            ],
        ),
        (
            "UPDATE users SET password_hash = '$2b$12$Qx8w1zLk3nV9sP0rT5uYeO6hJ2mC4bD7fG8kL1aZ3xW5vN9qR0tS', updated_by = 'admin' WHERE username = 'kateryna.shevchuk';",
            [
                ("KEEP", "$2b$12$Qx8w1zLk3nV9sP0rT5uYeO6hJ2mC4bD7fG8kL1aZ3xW5vN9qR0tS"),
                ("USERNAME", "kateryna.shevchuk"),
            ],
        ),
        (
            'POST /api/v1/kyc\n{"firstName":"Kwabena","lastName":"Mensah","ssn":"562-81-4585","dateOfBirth":"04/22/1983","address":{"street":"71 Pinecrest Ave","city":"Newark","state":"NJ","zip":"07104"}}',
            [
                ("PERSON", "Kwabena"),
                ("PERSON", "Mensah"),
                ("US_SSN", "562-81-4585"),
                ("DATE_OF_BIRTH", "04/22/1983"),
                ("STREET_ADDRESS", "71 Pinecrest Ave"),
            ],
        ),
        (
            '[{"sku":"LUNA-LAMP-02","name":"Luna Desk Lamp","price":39.9},{"sku":"MAX-CHAIR-11","name":"Max Ergonomic Chair","price":249.0},{"sku":"ADA-KB","name":"Ada Keyboard","price":89.0}]',
            [
                ("KEEP", "Luna Desk Lamp"),
                ("KEEP", "Max Ergonomic Chair"),
                ("KEEP", "Ada Keyboard"),
                ("KEEP", "LUNA-LAMP-02"),
            ],
        ),
        (
            "| Patient | Geburtsdatum | Station |\n|---|---|---|\n| Grzegorz Lewandowski | 14.02.1952 | 3B |\n| Hatice Şahin | 01.10.1970 | 4A |\n| Testpatient Eins | 01.01.1900 | — |",
            [
                ("PERSON", "Grzegorz Lewandowski"),
                ("DATE_OF_BIRTH", "14.02.1952"),
                ("PERSON", "Hatice Şahin"),
                ("DATE_OF_BIRTH", "01.10.1970"),
            ],
        ),
        (
            '{"ticket":{"id":55812,"requester":{"name":"J. R. R. Okeke","email":"jrr.okeke@unn.edu.ng"},"comment":"Need help with SAML SSO, IdP is Okta","tags":["sso","enterprise"]}}',
            [("PERSON", "J. R. R. Okeke"), ("EMAIL", "jrr.okeke@unn.edu.ng"), ("KEEP", "Okta")],
        ),
        (
            "form_data = {'nome': 'Giuseppe', 'cognome': 'Di Benedetto', 'codice_cliente': 'CL-00918', 'email': 'g.dibenedetto@libero.it', 'cellulare': '+39 333 918 2740'}",
            [
                ("PERSON", "Giuseppe"),
                ("PERSON", "Di Benedetto"),
                ("KEEP", "CL-00918"),
                ("EMAIL", "g.dibenedetto@libero.it"),
                ("PHONE", "+39 333 918 2740"),
            ],
        ),
        (
            'webhook payload: {"type":"charge.failed","data":{"billing_details":{"name":"Moana Kealoha","address":{"line1":"94-1040 Waipahu St","city":"Waipahu","state":"HI","postal_code":"96797"}},"last4":"4242"}}',
            [
                ("PERSON", "Moana Kealoha"),
                ("STREET_ADDRESS", "94-1040 Waipahu St"),
                ("KEEP", "4242"),
            ],
        ),
        (
            '<?xml version="1.0"?><booking ref="ZX91K"><traveler><surname>GONÇALVES</surname><given>MARIA DAS GRAÇAS</given><dob>1959-12-24</dob></traveler><hotel>Copacabana Palace</hotel></booking>',
            [
                ("PERSON", "GONÇALVES"),
                ("PERSON", "MARIA DAS GRAÇAS"),
                ("DATE_OF_BIRTH", "1959-12-24"),
                ("KEEP", "Copacabana Palace"),
                ("KEEP", "ZX91K"),
            ],
        ),
        (
            'graphql { user(id: "u_77120") { displayName } }\n→ {"data":{"user":{"displayName":"Xiadani Tlapaltotoli"}}}',
            [("KEEP", "u_77120"), ("PERSON", "Xiadani Tlapaltotoli")],
        ),
        (
            "MERGE INTO crm.contacts c USING (SELECT 'Ólafur Ragnarsson' AS name, 'olafur@fjord.is' AS email FROM dual) s ON (c.email = s.email) WHEN NOT MATCHED THEN INSERT (name, email) VALUES (s.name, s.email);",
            [("PERSON", "Ólafur Ragnarsson"), ("EMAIL", "olafur@fjord.is")],
        ),
        (
            "pandas df.head():\n   user_id       name  age           city\n0    10442  Ravi Teja   31      Hyderabad\n1    10443   Ana Lima   27  Florianópolis\n2    10444    Kim Min   45          Busan",
            [
                ("PERSON", "Ravi Teja"),
                ("PERSON", "Ana Lima"),
                ("PERSON", "Kim Min"),
                ("KEEP", "Hyderabad"),
            ],
        ),
        (
            '2026-12-07T07:41:22.118Z INFO  auth.login ok user=fernanda.rocha ip=189.40.112.77 ua="Mozilla/5.0" session=4e115965adc4e83d58ad573c3339aaa5905bb571',
            [
                ("USERNAME", "fernanda.rocha"),
                ("IP_ADDRESS", "189.40.112.77"),
                ("SECRET", "4e115965adc4e83d58ad573c3339aaa5905bb571"),
                ("KEEP", "2026-12-07T07:41:22.118Z"),
            ],
        ),
        (
            "# .env.production\nDATABASE_URL=postgres://app_rw:M78xfa8@Ungk#v@db-prod-01.internal:5432/orders\nREDIS_URL=redis://cache.internal:6379/0\nSENTRY_DSN=https://public@sentry.example.com/12",
            [("SECRET", "M78xfa8@Ungk#v"), ("KEEP", "redis://cache.internal:6379/0")],
        ),
        (
            "From the AWS docs: aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE and aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY. Replace with your own.",
            [
                ("KEEP", "AKIAIOSFODNN7EXAMPLE"),
                ("KEEP", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            ],
        ),
        (
            'config.yaml:\nsmtp:\n  host: smtp.sendgrid.net\n  user: apikey\n  password: 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\n  from: "Noreply <noreply@shop.example>"',
            [
                ("SECRET", "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"),
                ("KEEP", "smtp.sendgrid.net"),
            ],
        ),
        (
            "mysql -h 10.20.4.51 -u reporting -p'9SqyoBA*uD&aMO' analytics -e 'select count(*) from events'",
            [("SECRET", "9SqyoBA*uD&aMO"), ("IP_ADDRESS", "10.20.4.51")],
        ),
        (
            "Slack bot not posting. My code:\nconst app = new App({ token: 'xoxb-198717107450-3772085447322-2eTSEmK1yIcr21Fe3uudCw7h', signingSecret: process.env.SLACK_SIGNING_SECRET });",
            [
                ("SECRET", "xoxb-198717107450-3772085447322-2eTSEmK1yIcr21Fe3uudCw7h"),
                ("KEEP", "SLACK_SIGNING_SECRET"),
            ],
        ),
        (
            "ERROR 2026-12-07 06:58:40,112 [http-nio-8080-exec-7] c.a.p.PaymentService - Payment failed for card 4429274639570775 exp 11/28 holder=LINDIWE MOKOENA: insufficient funds",
            [("CREDIT_CARD", "4429274639570775"), ("PERSON", "LINDIWE MOKOENA")],
        ),
        (
            "git log --format='%an <%ae>' | sort -u\nChidi Okafor <chidi@users.noreply.github.com>\nMarguerite Dubois-Lemaire <mdl@atelier-dubois.fr>\ndependabot[bot] <support@github.com>",
            [
                ("PERSON", "Chidi Okafor"),
                ("EMAIL", "chidi@users.noreply.github.com"),
                ("PERSON", "Marguerite Dubois-Lemaire"),
                ("EMAIL", "mdl@atelier-dubois.fr"),
                ("KEEP", "dependabot[bot]"),
            ],
        ),
        (
            "# settings.py\nSECRET_KEY = 'django-insecure-+x!8r^k2w#0p)v@3m_q9z$e1l6t&y7u-ba4c5d'\nDEBUG = True\nALLOWED_HOSTS = ['localhost', '127.0.0.1']",
            [
                ("SECRET", "django-insecure-+x!8r^k2w#0p)v@3m_q9z$e1l6t&y7u-ba4c5d"),
                ("KEEP", "127.0.0.1"),
            ],
        ),
        (
            "Hi, getting 403 from the Maps API. Key restricted to our domain. key=AIzaDruyB_EDZfdxZnULH0dAY2ZnVPkJGrD8zku&libraries=places — docs at https://developers.google.com/maps/documentation/javascript/get-api-key",
            [
                ("SECRET", "AIzaDruyB_EDZfdxZnULH0dAY2ZnVPkJGrD8zku"),
                ("KEEP", "https://developers.google.com/maps/documentation/javascript/get-api-key"),
            ],
        ),
        (
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx3kP0y2bQf8vLrT5nW1mZcJ4aHs9dE6uVqX7oYiKpB deploy@ci-runner-3 — this is the public half, paste it into authorized_keys",
            [("KEEP", "AAAAC3NzaC1lZDI1NTE5AAAAIGx3kP0y2bQf8vLrT5nW1mZcJ4aHs9dE6uVqX7oYiKpB")],
        ),
        (
            "requests.post(url, headers={'Authorization': 'Bearer eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAidV84MzMxMiIsICJleHAiOiAxNzk2MDAwMDAwfQ.8vTUmmttQqP6Sn3brEIrlpc3lOMO-cGUQ5cMp2Jf_Rz'}, json=payload)",
            [
                (
                    "SECRET",
                    "eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAidV84MzMxMiIsICJleHAiOiAxNzk2MDAwMDAwfQ.8vTUmmttQqP6Sn3brEIrlpc3lOMO-cGUQ5cMp2Jf_Rz",
                )
            ],
        ),
        (
            "kubectl get secret db-creds -o yaml\ndata:\n  username: YWRtaW4=\n  password: Xk9xTDFRb2VxeDJUNyQ=\nkind: Secret",
            [("SECRET", "Xk9xTDFRb2VxeDJUNyQ="), ("KEEP", "YWRtaW4=")],
        ),
        (
            "Jenkins console: + ./deploy.sh --env prod --token glpat-UfdQmtOJJeRxypd_zTFQ\n[deploy] pushing image registry.gitlab.com/acme/api:1.42.0 sha256:201c588af75b7cff9d715cba43d925f8e38ebd7b",
            [
                ("SECRET", "glpat-UfdQmtOJJeRxypd_zTFQ"),
                ("KEEP", "registry.gitlab.com/acme/api:1.42.0"),
                ("KEEP", "201c588af75b7cff9d715cba43d925f8e38ebd7b"),
            ],
        ),
        (
            'terraform.tfvars\nregion = "eu-west-1"\ndb_master_password = "^qKL1Qoeqx2T7$"\nstripe_secret = "sk_live_j7k0UyOoqg2m6OtUe3nRSyVa"\ninstance_type = "t3.medium"',
            [
                ("SECRET", "^qKL1Qoeqx2T7$"),
                ("SECRET", "sk_live_j7k0UyOoqg2m6OtUe3nRSyVa"),
                ("KEEP", "t3.medium"),
            ],
        ),
        (
            "anthropic.Anthropic(api_key='sk-ant-api03-4gfUcX8vpD4SxIXFWOzSPRztfChkLZJ2VQ427EIryTRhCRu_U4cxOZoJMUJb6BHrqV0NOwXKp-mE3vq7OaTGwCYBr97NiAA').messages.create(...) returns overloaded_error, why?",
            [
                (
                    "SECRET",
                    "sk-ant-api03-4gfUcX8vpD4SxIXFWOzSPRztfChkLZJ2VQ427EIryTRhCRu_U4cxOZoJMUJb6BHrqV0NOwXKp-mE3vq7OaTGwCYBr97NiAA",
                )
            ],
        ),
        (
            "alerting webhook: https://hooks.slack.com/services/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 (channel #ops-alerts, owner: @pieter.devries)",
            [
                (
                    "SECRET",
                    "https://hooks.slack.com/services/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",
                ),
                ("USERNAME", "pieter.devries"),
            ],
        ),
        (
            "[auth] 2026-12-07 07:02:11 login failed for 'brandon.mcallister@lakesidebank.com' from 66.249.79.12: wrong password (attempt 3/5)",
            [("EMAIL", "brandon.mcallister@lakesidebank.com"), ("IP_ADDRESS", "66.249.79.12")],
        ),
        (
            "$ git clone git@github.com:torvalds/linux.git && cd linux && git checkout v6.12 && git log -1 --format=%H\n47d0edd35dd0098f23c10b1a40f1059dc2133333",
            [("KEEP", "v6.12"), ("KEEP", "47d0edd35dd0098f23c10b1a40f1059dc2133333")],
        ),
        (
            'config.toml\n[database]\nhost = "192.168.40.12"\nuser = "metabase"\npass = "Vq7#ndW2!pLs9x"\n[ldap]\nbind_dn = "cn=svc-metabase,ou=services,dc=acme,dc=local"',
            [("IP_ADDRESS", "192.168.40.12"), ("SECRET", "Vq7#ndW2!pLs9x")],
        ),
        (
            "#eng-payments (Slack export)\n[10:02] nadia.rahman: who has the prod stripe key?\n[10:03] olumide: it's in 1password, don't paste it here\n[10:03] nadia.rahman: lol ok. also tomás is out today",
            [
                ("USERNAME", "nadia.rahman"),
                ("PERSON", "olumide"),
                ("PERSON", "tomás"),
                ("KEEP", "1password"),
            ],
        ),
        (
            "Summarise this group chat:\nAnkit: guys party at Varun's place saturday\nVarun: yes! B-1104, Prestige Shantiniketan, Whitefield, Bangalore 560048\nMeghna: kitne baje?\nVarun: 8 ke baad aana",
            [
                ("PERSON", "Ankit"),
                ("PERSON", "Varun"),
                ("STREET_ADDRESS", "B-1104, Prestige Shantiniketan, Whitefield, Bangalore 560048"),
                ("PERSON", "Meghna"),
            ],
        ),
        (
            "Telegram export\nMustafa Yıldırım, [06.12.26 22:41]\nabi yarın 10da Kadıköy'de buluşalım\nMustafa Yıldırım, [06.12.26 22:41]\nnumaram değişti: 0532 418 77 09",
            [("PERSON", "Mustafa Yıldırım"), ("PHONE", "0532 418 77 09"), ("KEEP", "Kadıköy")],
        ),
        (
            "Microsoft Teams chat\nSchmidt, Anja (EXT) 08:31\nmoin, kannst du mir den Zugang schicken?\nKrüger, Till 08:33\nklar: user anja.schmidt-ext / pw Herbst2026! — bitte sofort ändern",
            [
                ("PERSON", "Schmidt, Anja"),
                ("PERSON", "Krüger, Till"),
                ("USERNAME", "anja.schmidt-ext"),
                ("SECRET", "Herbst2026!"),
            ],
        ),
        (
            "Translate to English: 'Ciao Ale, ti giro il numero di Fede: 339 45 21 880. Abita in Via dei Mille 12, 20129 Milano. Ci vediamo sabato da Lorenzo!'",
            [
                ("PERSON", "Ale"),
                ("PERSON", "Fede"),
                ("PHONE", "339 45 21 880"),
                ("STREET_ADDRESS", "Via dei Mille 12, 20129 Milano"),
                ("PERSON", "Lorenzo"),
            ],
        ),
        (
            "Mensaje reenviado: 'Hola, soy Guadalupe \"Lupita\" Hernández, mi CURP no importa, pero mi fecha de nacimiento es el 12 de diciembre de 1987 y mi cel es 55 1298 4471'",
            [
                ("PERSON", 'Guadalupe "Lupita" Hernández'),
                ("DATE_OF_BIRTH", "12 de diciembre de 1987"),
                ("PHONE", "55 1298 4471"),
            ],
        ),
        (
            "DOB: 1/4/85, pt name: o'sullivan, niamh — allergy to penicillin. Consultant: dr mukherjee",
            [("DATE_OF_BIRTH", "1/4/85"), ("PERSON", "o'sullivan, niamh"), ("PERSON", "mukherjee")],
        ),
        (
            "Release notes v3.8.0 (2026-12-01): new Aurora theme, fixed crash when Lisa (our assistant bot) replies to empty messages, dropped support for iOS 15.",
            [("KEEP", "v3.8.0"), ("KEEP", "2026-12-01"), ("KEEP", "Aurora"), ("KEEP", "Lisa")],
        ),
        (
            "Please check https://github.com/pallets/flask/blob/main/CHANGES.rst and https://en.wikipedia.org/wiki/Grace_Hopper for the talk outline.",
            [
                ("KEEP", "https://github.com/pallets/flask/blob/main/CHANGES.rst"),
                ("KEEP", "https://en.wikipedia.org/wiki/Grace_Hopper"),
            ],
        ),
        (
            "Book a slot with our advisor: https://meetings.hubspot.com/esteban-villarreal — or ring reception on 020 7946 0958.",
            [
                ("URL", "https://meetings.hubspot.com/esteban-villarreal"),
                ("PHONE", "020 7946 0958"),
            ],
        ),
        (
            "magic link for login: https://app.notionly.com/auth/magic?email=h.kristiansen%40gmail.com&code=MZ8QX2T7L1 — expires in 10 min",
            [
                (
                    "URL",
                    "https://app.notionly.com/auth/magic?email=h.kristiansen%40gmail.com&code=MZ8QX2T7L1",
                )
            ],
        ),
        (
            "Sprint review: Marcus Aurelius (the Stoic one, not our Marcus) is the theme of the offsite reading list. Our Marcus — Marcus Oyelaran — will host.",
            [("PERSON", "Marcus Aurelius"), ("PERSON", "Marcus"), ("PERSON", "Marcus Oyelaran")],
        ),
        (
            "Voicemail transcription: 'Hi this is, uh, Trevor Nakamura-Clarke calling about the apartment on 5th Avenue, my number's four one five, five five five, zero one seven two. Thanks.'",
            [("PERSON", "Trevor Nakamura-Clarke"), ("KEEP", "5th Avenue")],
        ),
        (
            "prénom: Théo; nom: N'Guessan; né le: 08/08/2008; classe: 3e B; responsable légal: Mme Aminata N'Guessan, 07 81 22 40 96",
            [
                ("PERSON", "Théo"),
                ("PERSON", "N'Guessan"),
                ("DATE_OF_BIRTH", "08/08/2008"),
                ("PERSON", "Aminata N'Guessan"),
                ("PHONE", "07 81 22 40 96"),
            ],
        ),
        (
            "Penny Lane, Abbey Road and Baker Street are the three rooms in our London office; book them via Robin. Victoria is the big one on floor 2.",
            [
                ("KEEP", "Penny Lane"),
                ("KEEP", "Abbey Road"),
                ("KEEP", "Baker Street"),
                ("KEEP", "Robin"),
                ("KEEP", "Victoria"),
            ],
        ),
        (
            "Compte: PT48 0058 0292 3158 0077 3231 4 — titular Inês Carvalho Magalhães. Transferência de €320 referente à fatura FT 2026/884.",
            [
                ("IBAN", "PT48 0058 0292 3158 0077 3231 4"),
                ("PERSON", "Inês Carvalho Magalhães"),
                ("KEEP", "FT 2026/884"),
            ],
        ),
        (
            "Pagamento via PIX não entrou. Conta: BR70 7865 1436 5216 1897 2274 678C 1, favorecida Rafaela Nogueira Batista. Chave PIX: rafa.nbatista@gmail.com",
            [
                ("IBAN", "BR70 7865 1436 5216 1897 2274 678C 1"),
                ("PERSON", "Rafaela Nogueira Batista"),
                ("EMAIL", "rafa.nbatista@gmail.com"),
            ],
        ),
        (
            "Could you check why this card fails Luhn in our form? 5140-4994-5117-3227. Customer is Dr. Ilse Vandenberghe from Ghent.",
            [
                ("CREDIT_CARD", "5140-4994-5117-3227"),
                ("PERSON", "Ilse Vandenberghe"),
                ("KEEP", "Ghent"),
            ],
        ),
        (
            "Tax form W-9 draft: Name Darnell Washington-Reyes, SSN 363-86-5772, address 2210 Peachtree Rd NW Apt 1408, Atlanta, GA 30309.",
            [
                ("PERSON", "Darnell Washington-Reyes"),
                ("US_SSN", "363-86-5772"),
                ("STREET_ADDRESS", "2210 Peachtree Rd NW Apt 1408, Atlanta, GA 30309"),
            ],
        ),
        (
            "Part numbers: 433-16-8623-A (hinge), 555-12-0000 (bracket). These are SKUs, not SSNs — the ERP uses that shape.",
            [("KEEP", "433-16-8623-A"), ("KEEP", "555-12-0000")],
        ),
        (
            "अगले हफ्ते की मीटिंग: Pooja Agarwal aur Suresh ji aayenge. Pooja ka number 99100 44218 hai, address D-17, Sector 27, Noida, Uttar Pradesh 201301.",
            [
                ("PERSON", "Pooja Agarwal"),
                ("PERSON", "Suresh"),
                ("PERSON", "Pooja"),
                ("PHONE", "99100 44218"),
                ("STREET_ADDRESS", "D-17, Sector 27, Noida, Uttar Pradesh 201301"),
            ],
        ),
        (
            "Brainstorm names for our new coffee blends: 'Sumatra Sunrise', 'Kenya AA', 'Maria's Morning', 'Don Francisco Reserve'. Avoid anything like Starbucks' Pike Place.",
            [
                ("KEEP", "Sumatra Sunrise"),
                ("KEEP", "Maria's Morning"),
                ("KEEP", "Don Francisco Reserve"),
                ("KEEP", "Pike Place"),
            ],
        ),
        (
            "Contract clause: 'The Supplier (Fontaine Industries Ltd., company no. 08812203, registered office 1 King William Street, London EC4N 7AR) shall...' Summarise obligations.",
            [("KEEP", "Fontaine Industries Ltd."), ("KEEP", "08812203")],
        ),
        (
            "Draft reply: 'Dear Ms Adeyemi-Cole, we've received your request (ref SAR-2026-0412) to access your data. We'll respond within one month.' Sign as Data Protection Team.",
            [("PERSON", "Adeyemi-Cole"), ("KEEP", "SAR-2026-0412")],
        ),
        (
            "Photo caption from our newsletter: 'Left to right: Hiroshi Tanabe, Fiona MacLeod, and Jean-Baptiste Kaboré at the Nairobi hackathon.'",
            [
                ("PERSON", "Hiroshi Tanabe"),
                ("PERSON", "Fiona MacLeod"),
                ("PERSON", "Jean-Baptiste Kaboré"),
                ("KEEP", "Nairobi"),
            ],
        ),
        (
            "Der Kunde Herr Lukas Brandt (lukas.brandt@t-online.de) möchte die Rechnung RE-88120 per Post an Friedrichstraße 123, 10117 Berlin. Rückruf: +49 (0)30 2291 4476.",
            [
                ("PERSON", "Lukas Brandt"),
                ("EMAIL", "lukas.brandt@t-online.de"),
                ("KEEP", "RE-88120"),
                ("STREET_ADDRESS", "Friedrichstraße 123, 10117 Berlin"),
                ("PHONE", "+49 (0)30 2291 4476"),
            ],
        ),
        (
            "El cliente (Sra. Itziar Goikoetxea) pide factura a nombre de su empresa. Tel. 944 23 18 77. Dirección: Gran Vía de Don Diego López de Haro 40, 48009 Bilbao.",
            [
                ("PERSON", "Itziar Goikoetxea"),
                ("PHONE", "944 23 18 77"),
                ("STREET_ADDRESS", "Gran Vía de Don Diego López de Haro 40, 48009 Bilbao"),
            ],
        ),
        (
            "Aanvraag: dhr. Mohamed el Amrani, geboren 14-02-1979, Laan van Meerdervoort 512, 2563 BJ Den Haag, tel 070 345 66 12, IBAN NL04 WTQT 0000 5844 24.",
            [
                ("PERSON", "Mohamed el Amrani"),
                ("DATE_OF_BIRTH", "14-02-1979"),
                ("STREET_ADDRESS", "Laan van Meerdervoort 512, 2563 BJ Den Haag"),
                ("PHONE", "070 345 66 12"),
                ("IBAN", "NL04 WTQT 0000 5844 24"),
            ],
        ),
        (
            "Order note: gift wrap, message card says 'Happy 40th Kalani! love, Mom & Pops'. Deliver to 1450 Ala Moana Blvd Unit 2207, Honolulu, HI 96814.",
            [
                ("PERSON", "Kalani"),
                ("STREET_ADDRESS", "1450 Ala Moana Blvd Unit 2207, Honolulu, HI 96814"),
            ],
        ),
        (
            "MINUTES — Residents' Association\nPresent: Cllr. Okonedo, Mrs P. Hargreaves (chair), Mr T. Szabo, Ms Yetunde Bello\nApologies: Rev. Alan Fairweather\nItem 1: potholes on Jubilee Road",
            [
                ("PERSON", "Okonedo"),
                ("PERSON", "P. Hargreaves"),
                ("PERSON", "T. Szabo"),
                ("PERSON", "Yetunde Bello"),
                ("PERSON", "Alan Fairweather"),
                ("KEEP", "Jubilee Road"),
            ],
        ),
        (
            "ops: rotate creds. old: admin / P@ssw0rd123 (yes really). new one in vault at secret/data/prod/admin. Ping @lars.eriksen when done.",
            [
                ("SECRET", "P@ssw0rd123"),
                ("KEEP", "secret/data/prod/admin"),
                ("USERNAME", "lars.eriksen"),
            ],
        ),
        (
            "Debug: fetch('https://api.example-shop.io/v2/cart?api_key=4f9a1c0e7b3d2a58e6f1c9b0d7a4e2f3&cart=88120') → 401. Is the key in the query string OK?",
            [("SECRET", "4f9a1c0e7b3d2a58e6f1c9b0d7a4e2f3"), ("KEEP", "88120")],
        ),
        (
            "UUIDs from the failing batch: 3f2b8c1e-7d4a-4e9b-a1c3-5f6e7d8c9b0a, 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d. Request id req_01HX8Z2K4M.",
            [("KEEP", "3f2b8c1e-7d4a-4e9b-a1c3-5f6e7d8c9b0a"), ("KEEP", "req_01HX8Z2K4M")],
        ),
        (
            "Version matrix: Python 3.12.7, Node 20.11.1, Postgres 16.4, build 2026.12.07.1433, commit f12b6f8.",
            [("KEEP", "3.12.7"), ("KEEP", "2026.12.07.1433"), ("KEEP", "f12b6f8")],
        ),
        (
            "Founded in 1987 by Sergei Brin? No — that's wrong, Google was 1998. Our company was founded 12 June 1987 by Halima Abdi-Warsame.",
            [
                ("PERSON", "Sergei Brin"),
                ("KEEP", "12 June 1987"),
                ("PERSON", "Halima Abdi-Warsame"),
            ],
        ),
        (
            "Driver log: pickup 07:40 at Schiphol P3, passenger ms. Eszter Kovács-Tóth, drop-off Keizersgracht 452, 1016 GD Amsterdam. Driver: Ahmet.",
            [
                ("KEEP", "Schiphol"),
                ("PERSON", "Eszter Kovács-Tóth"),
                ("STREET_ADDRESS", "Keizersgracht 452, 1016 GD Amsterdam"),
                ("PERSON", "Ahmet"),
            ],
        ),
        (
            "Gift card codes (not secrets, printed on cards): XK3T-9P2M-QW7L, 4F8D-ZN1R-HY6B. Customer Pavel Novák redeemed the first.",
            [("PERSON", "Pavel Novák")],
        ),
        (
            'Redis MONITOR: "SET" "user:8812:profile" "{\\"name\\":\\"Solveig Haugen\\",\\"tel\\":\\"+47 934 55 120\\"}"',
            [("PERSON", "Solveig Haugen"), ("PHONE", "+47 934 55 120")],
        ),
        (
            "Patient called re: bill. Name: lowercase entry 'maria do carmo silva', DOB entered as 1955.03.08, account 7781-220. Wants payment plan.",
            [
                ("PERSON", "maria do carmo silva"),
                ("DATE_OF_BIRTH", "1955.03.08"),
                ("KEEP", "7781-220"),
            ],
        ),
        (
            "Ansible vault decrypt output:\nvault_db_password: Kx93!mZq7@Lw\nvault_api_token: 2eTSEmK1yIcr21Fe3uudCw7hQp\nvault_region: eu-central-1",
            [
                ("SECRET", "Kx93!mZq7@Lw"),
                ("SECRET", "2eTSEmK1yIcr21Fe3uudCw7hQp"),
                ("KEEP", "eu-central-1"),
            ],
        ),
        (
            "Lost & found: 'Wallet found in Meeting Room Kilimanjaro, contains a driving licence for Mr Adewale Ogunbiyi, DOB 21 Oct 1979.'",
            [
                ("KEEP", "Kilimanjaro"),
                ("PERSON", "Adewale Ogunbiyi"),
                ("DATE_OF_BIRTH", "21 Oct 1979"),
            ],
        ),
        (
            "Referral: Dr. Yaw Boateng-Asare → Dr. Preeti Nair, re: Mr. Liang Zhou (67), born 1959, hypertension. Tel. clinic 0121 496 0821.",
            [
                ("PERSON", "Yaw Boateng-Asare"),
                ("PERSON", "Preeti Nair"),
                ("PERSON", "Liang Zhou"),
                ("PHONE", "0121 496 0821"),
            ],
        ),
        (
            "Order #A-55120 paid with AMEX 3463 567556 91168, billing name Siddharth Malhotra, billing zip 94107. Flag for manual review (new account, high value).",
            [
                ("KEEP", "#A-55120"),
                ("CREDIT_CARD", "3463 567556 91168"),
                ("PERSON", "Siddharth Malhotra"),
            ],
        ),
        (
            "Kartenzahlung: Mastercard 2221 9307 1187 2900, Inhaber: Kerstin Albrecht-Vogel, Betrag 412,30 €. Beleg-Nr. 00448120.",
            [
                ("CREDIT_CARD", "2221 9307 1187 2900"),
                ("PERSON", "Kerstin Albrecht-Vogel"),
                ("KEEP", "00448120"),
            ],
        ),
        (
            "Background check order: applicant Jasmine Abernathy-Tso, SSN 312-33-6488, DOB 10/31/1994, prior address 605 N Michigan Ave Apt 12B, Chicago, IL 60611.",
            [
                ("PERSON", "Jasmine Abernathy-Tso"),
                ("US_SSN", "312-33-6488"),
                ("DATE_OF_BIRTH", "10/31/1994"),
                ("STREET_ADDRESS", "605 N Michigan Ave Apt 12B, Chicago, IL 60611"),
            ],
        ),
        (
            "Portfolio: https://behance.net/ayanda-mthembu — Ayanda's work is great, also see https://dribbble.com/ayandam. Hire for the rebrand?",
            [
                ("URL", "https://behance.net/ayanda-mthembu"),
                ("PERSON", "Ayanda"),
                ("URL", "https://dribbble.com/ayandam"),
            ],
        ),
        (
            "Unsubscribe link in the email: https://mail.shopnordic.se/u/?e=linus.berg%40telia.se&sig=7b3c2d1e0f9a. Docs: https://www.rfc-editor.org/rfc/rfc8058",
            [
                ("URL", "https://mail.shopnordic.se/u/?e=linus.berg%40telia.se&sig=7b3c2d1e0f9a"),
                ("KEEP", "https://www.rfc-editor.org/rfc/rfc8058"),
            ],
        ),
        (
            "Invite: join my Teams meeting https://teams.microsoft.com/l/meetup-join/19%3ameeting_ZTk4MjA2%40thread.v2/0?context=%7b%22Tid%22%3a%22a1b2%22%7d — organiser Hendrik Visser",
            [
                (
                    "URL",
                    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_ZTk4MjA2%40thread.v2/0?context=%7b%22Tid%22%3a%22a1b2%22%7d",
                ),
                ("PERSON", "Hendrik Visser"),
            ],
        ),
    ],
}


def masked_text(detect: DetectorSet, text: str) -> str:
    """The text with every detected span replaced by NULs."""
    masked = list(text)
    for found in detect.detect(text):
        masked[found.start : found.end] = "\0" * (found.end - found.start)
    return "".join(masked)


def leaked(detect: DetectorSet, text: str, values: list[str]) -> list[str]:
    """The values still verbatim once every detected span is replaced."""
    left = masked_text(detect, text)
    return [v for v in values if v in left]


def flagged(detect: DetectorSet, text: str, keep: list[str]) -> list[str]:
    """The look-alikes a finding touched (no longer verbatim once masked)."""
    left = masked_text(detect, text)
    return [v for v in keep if v not in left]


# Scored, never printed: written before the rules they measure changed.
HELD_OUT: Final = ("B", "SEC-held")


def _mentions(text: str, value: str, inside: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where value occurs as a whole word, leaving out mentions inside another value's."""
    pattern = re.escape(value)
    if value[:1].isalnum():
        pattern = r"(?<!\w)" + pattern
    if value[-1:].isalnum():
        pattern += r"(?!\w)"
    spans = [m.span() for m in re.finditer(pattern, text)]
    return [
        (s, e)
        for s, e in spans
        if not any(a <= s and e <= b and (a, b) != (s, e) for a, b in inside)
    ]


_PARTICLES = {
    "de",
    "da",
    "di",
    "do",
    "du",
    "del",
    "der",
    "den",
    "van",
    "von",
    "la",
    "le",
    "bin",
    "al",
    "el",
}


def score_e(
    detect: DetectorSet, half: str
) -> tuple[Counter[str], Counter[str], int, int, list[tuple[str, str, str]]]:
    """Per label: values and values left whole; PERSON values partly left; detected spans
    touching no listed value (stray); the misses. For KEEP, "left" counts look-alikes a
    detected span touched."""
    total: Counter[str] = Counter()
    left: Counter[str] = Counter()
    partly = stray = 0
    misses: list[tuple[str, str, str]] = []
    for text, values in {**PROBES_E, **PROBES_F, **PROBES_G, **PROBES_H}[half]:
        covered = [False] * len(text)
        spans = [m for _, v in values for m in _mentions(text, v, [])]
        for found in detect.detect(text):
            covered[found.start : found.end] = [True] * (found.end - found.start)
            if not any(a < found.end and found.start < b for a, b in spans):
                stray += 1
                misses.append(("stray span", text[found.start : found.end], text))
        for label, value in values:
            total[label] += 1
            mentions = _mentions(text, value, spans)
            if label == "KEEP":
                hit = any(any(covered[a:b]) for a, b in mentions)
            else:
                hit = any(not any(covered[a:b]) for a, b in mentions)
            if hit:
                left[label] += 1
                misses.append((label, value, text))
            elif label == "PERSON":
                parts = [w for w in re.findall(r"\w[\w'’]+", value) if w not in _PARTICLES]
                if any(
                    not any(covered[a + m.start() : a + m.end()])
                    for a, b in mentions
                    for w in parts
                    for m in re.finditer(re.escape(w), text[a:b])
                ):
                    partly += 1
                    misses.append(("PERSON (part)", value, text))
    return total, left, partly, stray, misses


def main() -> None:
    detect = DetectorSet()
    for probe, cases in PROBES.items():
        total = sum(len(case[1]) for case in cases)
        left = [(case[0], v) for case in cases for v in leaked(detect, case[0], case[1])]
        line = f"probe {probe}: {len(left)} of {total} values left"
        keeps = [(case[0], case[2]) for case in cases if len(case) == 3]
        bad: list[tuple[str, str]] = []
        if any(keep for _, keep in keeps):
            bad = [(text, v) for text, keep in keeps for v in flagged(detect, text, keep)]
            line += f", {len(bad)} of {sum(len(k) for _, k in keeps)} look-alikes flagged"
        print(line)
        if "-v" in sys.argv and probe not in HELD_OUT:  # held-out probes are scored, not read
            for text, value in left:
                print(f"  {value!r} in {text[:60]!r}")
            for text, value in bad:
                print(f"  flagged {value!r} in {text[:60]!r}")
    for half in [*PROBES_E, *PROBES_F, *PROBES_G, *PROBES_H]:
        counts, lefts, partly, stray, misses = score_e(detect, half)
        n = sum(v for k, v in counts.items() if k != "KEEP")
        k = sum(v for k, v in lefts.items() if k != "KEEP")
        nc, kc = n - counts["USERNAME"], k - lefts["USERNAME"]
        print(
            f"probe {half}: {k} of {n} values left ({100 * k / n:.1f}%; labels zdr claims "
            f"{kc} of {nc}, {100 * kc / nc:.1f}%), PERSON partly left "
            f"{partly}, look-alikes masked {lefts['KEEP']} of {counts['KEEP']}, "
            f"spans touching no listed value {stray}"
        )
        for label in sorted(counts):
            print(f"  {label:<15} {lefts[label]:>3} of {counts[label]:>3}")
        if "-v" in sys.argv and half.endswith("-dev"):  # *-held: scored, not read
            for label, value, text in sorted(misses, key=lambda m: m[0]):
                print(f"  {label}: {value!r} in {text[:70]!r}")


if __name__ == "__main__":
    main()
