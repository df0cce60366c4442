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

Probes E and F (secrets4, later the same day) hold secrets in the syntaxes apps and
configs write them in (env, YAML, JSON, TOML, INI, XML, .npmrc, .pypirc, .netrc, docker
auth, URL userinfo, CLI flags, headers, call arguments, logs, Kubernetes data, key
blocks, connection strings), each with look-alikes that must stay (the third item of a
case: templates, documentation fillers, hashes, ids, public keys); both were written
before any rule changed, E read while rules changed, F (like B) only scored.
"""

from __future__ import annotations

import sys
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
    # Probes E (dev: read while changing rules) and F (held-out: scored only), written
    # by secrets4 on 2026-12-07 before any rule was changed: secrets in the syntaxes
    # apps and configs hold them in, each half with look-alikes that must stay (third
    # item). Every value is made up (random draws or typed by hand for this file).
    "E": [
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
    "F": [
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
HELD_OUT: Final = ("B", "F")


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
        if "-v" in sys.argv and probe not in HELD_OUT:
            for text, value in left:
                print(f"  {value!r} in {text[:60]!r}")
            for text, value in bad:
                print(f"  flagged {value!r} in {text[:60]!r}")


if __name__ == "__main__":
    main()
