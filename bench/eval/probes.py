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
"""

from __future__ import annotations

import sys

from zdr.detect import DetectorSet

PROBES: dict[str, list[tuple[str, list[str]]]] = {
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
}


def leaked(detect: DetectorSet, text: str, values: list[str]) -> list[str]:
    """The values still verbatim once every detected span is replaced."""
    masked = list(text)
    for found in detect.detect(text):
        masked[found.start : found.end] = "\0" * (found.end - found.start)
    left = "".join(masked)
    return [v for v in values if v in left]


def main() -> None:
    detect = DetectorSet()
    for probe, cases in PROBES.items():
        total = sum(len(values) for _, values in cases)
        left = [(text, v) for text, values in cases for v in leaked(detect, text, values)]
        print(f"probe {probe}: {len(left)} of {total} values left")
        if "-v" in sys.argv and probe != "B":  # B is scored, not read
            for text, value in left:
                print(f"  {value!r} in {text[:60]!r}")


if __name__ == "__main__":
    main()
