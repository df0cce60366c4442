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
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from typing import Final

from zdr.detect import DetectorSet

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
    for text, values in PROBES_E[half]:
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
    for half in PROBES_E:
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
        if "-v" in sys.argv and half == "E-dev":  # E-held is scored, not read
            for label, value, text in sorted(misses, key=lambda m: m[0]):
                print(f"  {label}: {value!r} in {text[:70]!r}")


if __name__ == "__main__":
    main()
