"""The training pass of zdr.detect's profile-guided build (setup.py, ``PgoBuildExt``).

setup.py first compiles zdr.detect instrumented (gcc ``-fprofile-generate``), then runs
this file in a fresh interpreter against those just-built extensions:

    python -E -S scripts/pgo_training.py <tree> <sys.path entries...>

``<tree>`` holds a copy of the ``zdr`` package with the instrumented extensions beside
its sources; it is put first on ``sys.path``, followed by the build interpreter's own
path. The texts below go through ``DetectorSet().detect`` a few times; on exit the
instrumented code writes the counts gcc then compiles the final extensions with
(``-fprofile-use``): hot paths laid out together and branches straightened the way
traffic takes them.

The texts are written here by hand, like the traffic a gateway reads: chat prose in a
few languages, JSON bodies, logs, code and configuration, tables, e-mails with
signatures, and texts holding nothing to find. Every value is made up (the card numbers
and IBANs only have valid check digits, the keys only the shapes of real ones). They
only steer where the compiler puts code, never what detect() returns: a build with
another profile, or none, finds the same spans.
"""

from __future__ import annotations

import random
import sys

FIRST = [
    "Maria",
    "James",
    "Aisha",
    "Lukas",
    "Sofia",
    "Mateo",
    "Chloé",
    "Ravi",
    "Yuki",
    "Olga",
    "Kwame",
    "Ingrid",
    "Tomás",
    "Fatima",
    "Daniel",
    "Priya",
    "Hannah",
    "Jonas",
    "Elena",
    "Mohammed",
    "Léa",
    "Wei",
    "Siobhan",
    "Björn",
    "Camila",
    "Pedro",
    "Anna",
    "Kenji",
]
LAST = [
    "Lopez",
    "Schneider",
    "Okafor",
    "Nakamura",
    "Dubois",
    "Kowalski",
    "Fernández",
    "Johansson",
    "Patel",
    "O'Brien",
    "Rossi",
    "van der Berg",
    "Müller",
    "Silva",
    "Nguyen",
    "Haddad",
    "Ivanova",
    "Mensah",
    "García",
    "Thompson",
    "Lindqvist",
    "Moreau",
    "Costa",
]
CITIES = [
    ("Berlin", "10115", "Invalidenstraße", "DE"),
    ("Lisbon", "1200-195", "Rua Augusta", "PT"),
    ("Lyon", "69002", "rue de la République", "FR"),
    ("Austin", "78701", "Congress Ave", "US"),
    ("Leeds", "LS1 4AP", "Park Row", "GB"),
    ("Madrid", "28013", "Calle Mayor", "ES"),
    ("Denver", "80202", "Larimer Street", "US"),
    ("Milan", "20121", "Via Solferino", "IT"),
]
COMPANIES = [
    "Acme Logistics",
    "Northwind Traders",
    "Bluefin Analytics",
    "Helios Energy GmbH",
    "Orchid Health",
    "Lumen Cloud",
    "Granite Bank",
    "Kestrel Airlines",
]
PRODUCTS = [
    "PostgreSQL 16",
    "Kubernetes 1.29",
    "MacBook Pro",
    "Visual Studio Code",
    "React 18",
    "Terraform",
    "Python 3.12",
    "iPhone 15",
    "Grafana",
    "Apache Kafka",
    "Redis 7.2",
]
DOMAINS = ["example.com", "mail.example.org", "corp.example.net", "example.co.uk"]
WORDS = (
    "the report shows that our quarterly numbers improved after we moved the batch jobs "
    "to the new cluster and cut the retry limit while the team reviewed every alert that "
    "fired during the night shift so please check the dashboard before the meeting and "
    "send me your notes about the migration plan the budget and the open questions"
).split()


def luhn(prefix: str, length: int, rng: random.Random) -> str:
    digits = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return digits + str((10 - total % 10) % 10)


def iban(country: str, bban: str) -> str:
    moved = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in moved))
    return f"{country}{98 - number % 97:02d}{bban}"


def alnum(rng: random.Random, n: int, chars: str = "") -> str:
    pool = chars or "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(rng.choice(pool) for _ in range(n))


def texts(seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(240):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        city, postcode, street, country = rng.choice(CITIES)
        company, product = rng.choice(COMPANIES), rng.choice(PRODUCTS)
        email = f"{first.lower()[:1]}.{last.lower().replace(' ', '')}@{rng.choice(DOMAINS)}"
        phone = rng.choice(
            [
                f"+1 (415) 555-{rng.randrange(100, 9999):04d}",
                f"+44 20 7946 {rng.randrange(1000):04d}",
                f"+49 30 {rng.randrange(100000, 999999)}",
                f"06 12 34 {rng.randrange(10, 99)} 78",
                f"(212) 555-{rng.randrange(1000, 9999)}",
                f"+351 912 345 {rng.randrange(100, 999)}",
            ]
        )
        card = luhn(rng.choice(["4", "51", "37", "6011"]), 15 if i % 5 == 2 else 16, rng)
        card_shown = " ".join(card[j : j + 4] for j in range(0, len(card), 4))
        account = iban(
            rng.choice(["DE", "FR", "GB", "ES"]),
            "".join(rng.choice("0123456789") for _ in range(18)),
        )
        ssn = f"{rng.randrange(100, 665)}-{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}"
        ip = ".".join(
            str(rng.randrange(a, b)) for a, b in ((11, 223), (0, 256), (0, 256), (1, 255))
        )
        ip6 = f"2001:db8:{rng.randrange(65536):x}::{rng.randrange(65536):x}"
        born = f"{rng.randrange(1, 28):02d}/{rng.randrange(1, 12):02d}/{rng.randrange(1950, 2004)}"
        number = rng.randrange(10, 9999)
        prose = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(20, 90)))
        key = rng.choice(
            [
                "ghp_" + alnum(rng, 36),
                "AKIA" + alnum(rng, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
                "sk_live_" + alnum(rng, 24),
                "xoxb-"
                + "-".join(alnum(rng, 12, "0123456789") for _ in range(2))
                + "-"
                + alnum(rng, 24),
                "AIza" + alnum(rng, 35),
                "sk-proj-" + alnum(rng, 48),
            ]
        )
        password = rng.choice(["hunter2!Xy", "S3cure#Pass2024", "correct-horse-9", "Tr0ub4dor&3"])
        jwt = "eyJhbGciOiJIUzI1NiJ9." + alnum(rng, 40) + "." + alnum(rng, 43)
        kind = i % 16
        if kind == 0:
            out.append(
                f"Hi team,\n\n{prose.capitalize()}.\n\nI spoke with {first} {last} from {company} "
                f"yesterday; she asked us to call her back on {phone} or write to {email}. "
                f"Her order #{number} still shows as pending in {product}.\n\nThanks,\n"
                f"{rng.choice(FIRST)}"
            )
        elif kind == 1:
            body = (
                '{"model": "gpt-4.1-mini", "messages": [{"role": "system", "content": '
                '"You are a helpful assistant."}, {"role": "user", "content": "Summarise '
                f"this ticket from {first} {last} ({email}): {prose}. Customer IBAN "
                f'{account}, phone {phone}."}}], "temperature": 0.{number % 10}, "user": '
                f'"{alnum(rng, 8)}-{number}"}}'
            )
            out.append(body)
        elif kind == 2:
            lines = [
                f'{ip} - - [08/Dec/2026:0{j % 10}:{10 + j}:{number % 60:02d} +0000] "GET '
                f'/api/v2/customers/{number + j}/invoices?page={j} HTTP/1.1" {200 + j % 3 * 100} '
                f'{rng.randrange(200, 90000)} "-" "Mozilla/5.0 (X11; Linux x86_64)"'
                for j in range(rng.randrange(3, 12))
            ]
            lines.append(
                f"2026-12-08T03:{number % 60:02d}:11.532Z ERROR worker-{number % 7} payment "
                f"failed for user_id={number} email={email} card=****{card[-4:]} retry=3"
            )
            out.append("\n".join(lines))
        elif kind == 3:
            out.append(
                "import os\nimport requests\n\n"
                f'API_KEY = "{key}"\nDB_URL = "postgres://app:{password}@db.internal:5432/orders"\n\n'
                "def fetch(customer_id: int) -> dict:\n"
                f'    """Fetches one customer ({product}, ticket {number})."""\n'
                '    headers = {"Authorization": f"Bearer {os.environ[\'TOKEN\']}"}\n'
                f'    r = requests.get(f"https://api.{rng.choice(DOMAINS)}/v1/customers/'
                '{customer_id}", '
                "headers=headers, timeout=10)\n    r.raise_for_status()\n    return r.json()\n"
            )
        elif kind == 4:
            rows = ["| Name | Date of birth | SSN | Phone | City |", "|---|---|---|---|---|"]
            for _ in range(rng.randrange(3, 9)):
                f2, l2 = rng.choice(FIRST), rng.choice(LAST)
                rows.append(
                    f"| {f2} {l2} | {rng.randrange(1, 28)}.{rng.randrange(1, 12)}."
                    f"{rng.randrange(1950, 2004)} | {rng.randrange(100, 665)}-"
                    f"{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)} | {phone} | "
                    f"{rng.choice(CITIES)[0]} |"
                )
            out.append("Can you turn this into CSV?\n\n" + "\n".join(rows))
        elif kind == 5:
            out.append(
                f"Dear {first} {last},\n\nThank you for your payment. We charged the card "
                f"ending {card[-4:]} (full number {card_shown}, expiry "
                f"0{number % 9 + 1}/2{number % 9}) "
                f"for invoice INV-{number}-{rng.randrange(100, 999)}. The delivery goes to "
                f"{number % 200 + 1} {street}, {postcode} {city}. If anything is wrong, "
                f"reply to this e-mail or call {phone}.\n\nKind regards,\n{company} billing\n"
                f"https://www.{rng.choice(DOMAINS)}/help?ref={alnum(rng, 10)}"
            )
        elif kind == 6:
            out.append(
                f"Patient: {first} {last}\nDOB: {born}\nSSN: {ssn}\nAddress: {number % 900 + 10} "
                f"{street}, {city} {postcode}\nInsurance ID: {alnum(rng, 10, '0123456789ABCDEF')}\n"
                f"Notes: {prose}. Follow-up booked with Dr. {rng.choice(LAST)} next week."
            )
        elif kind == 7:
            out.append(
                f"Why does {product} fail with `ECONNREFUSED 127.0.0.1:{number}` after "
                f'upgrading? Stack trace:\n  File "/srv/app/worker.py", line {number % 400}, '
                f"in run\n    conn = pool.acquire(timeout=5)\nTimeoutError: pool exhausted "
                f"(size=20, waiting={number % 50})\nVersion 4.{number % 20}.{number % 7}, "
                f"build {alnum(rng, 7, '0123456789abcdef')}, sha256 "
                f"{alnum(rng, 64, '0123456789abcdef')}. {prose}."
            )
        elif kind == 8:
            out.append(
                f"Hallo {first},\n\nkannst du bitte die Rechnung an {first} {last}, "
                f"{street} {number % 90 + 1}, {postcode} {city} schicken? Die IBAN ist "
                f"{account[:4]} {' '.join(account[j : j + 4] for j in range(4, len(account), 4))}. "
                f"Telefon: {phone}.\n\nViele Grüße\n{rng.choice(FIRST)} {rng.choice(LAST)}"
            )
        elif kind == 9:
            out.append(
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: payments\n"
                f"  namespace: prod-{number % 5}\nstringData:\n  STRIPE_KEY: {key}\n"
                f"  DB_PASSWORD: {password}\n  SMTP_USER: {email}\n"
                f"  JWT: {jwt}\n---\n# owner: {first} {last}, on call {phone}\n"
                f"curl -u admin:{password} https://{ip}:8443/api/health\n"
                f"mysql -h db.internal -u root -p{password} orders\n"
            )
        elif kind == 10:
            out.append(
                f"{prose.capitalize()}. "
                * rng.randrange(2, 6)
                + f"Our {product} rollout in {city} went fine; {company} will send the "
                f"next version {number % 9}.{number % 13}.{number % 5} on {rng.randrange(1, 28)} "
                f"March. Section {number % 12}.{number % 9} of RFC 7231 covers it."
            )
        elif kind == 11:
            out.append(
                "name,email,phone,ip,signup\n"
                + "\n".join(
                    f"{rng.choice(FIRST)} {rng.choice(LAST)},{rng.choice(FIRST).lower()}"
                    f"{rng.randrange(99)}@{rng.choice(DOMAINS)},{phone},{ip[:-1]}{j},"
                    f"2025-0{j % 9 + 1}-1{j % 9}"
                    for j in range(rng.randrange(4, 14))
                )
            )
        elif kind == 12:
            out.append(
                f"Mon numéro est le {phone} et mon adresse e-mail {first.lower()} [at] "
                f"{rng.choice(DOMAINS).replace('.', ' [dot] ')}. Je suis né le {born} à "
                f"{city}. Mi nombre es {first} {last} y vivo en {street} {number % 90}, "
                f"{postcode} {city}. O meu NIF é {rng.randrange(100000000, 999999999)}."
            )
        elif kind == 13:
            out.append(
                '{"event_id": "' + alnum(rng, 32, "0123456789abcdef") + '", "level": "error", '
                '"user": {"id": "'
                + f"{alnum(rng, 8, '0123456789abcdef')}-{alnum(rng, 4, '0123456789abcdef')}"
                f'", "email": "{email}", "ip_address": "{ip}"}}, "request": {{"url": '
                f'"https://admin.{rng.choice(DOMAINS)}/customers/{number}/billing?token='
                f'{alnum(rng, 20)}", '
                f'"headers": {{"Authorization": "Bearer {jwt}", "X-Forwarded-For": "{ip6}"}}}}, '
                f'"extra": {{"customer_iban": "{account}", '
                f'"release": "1.{number % 20}.{number % 7}"}}}}'
            )
        elif kind == 14:
            out.append(
                f"user%40{rng.choice(DOMAINS)} sent \\u0022{first} {last}\\u0022 a link: "
                f"https%3A%2F%2F{rng.choice(DOMAINS)}%2Freset%3Fcode%3D{alnum(rng, 12)} and "
                f"the password is {password}. Login: {first.lower()}.{last.lower()[:3]}, "
                f"pass: {password}. Card {card[:6]}\u00a0{card[6:]}."
            )
        else:
            out.append(
                f"Meeting notes {rng.randrange(1, 28)}/{rng.randrange(1, 12)}: {first} "
                f"presented the {product} benchmark ({number} req/s, p99 {number % 90} ms). "
                f"{rng.choice(FIRST)} {rng.choice(LAST)} will follow up with {company}. "
                f"Action items: 1) move the {city} region, 2) rotate the token "
                f"{key} that leaked in Slack, 3) update the wiki. {prose}."
            )
    return out


def main(argv: list[str]) -> int:
    tree = argv[1]
    sys.path[:] = [tree, *argv[2:]]
    import zdr.detect
    from zdr.detect import _runs, engine

    # The training must run the instrumented extensions, not the Python sources.
    if zdr.detect.RUNS_FROM_SOURCE or not all(
        m.__file__ and m.__file__.startswith(tree) and not m.__file__.endswith(".py")
        for m in (engine, _runs)
    ):
        print("zdr.detect did not import its just-built extensions", file=sys.stderr)
        return 1
    corpus = texts()
    detector = zdr.detect.DetectorSet()
    found = 0
    for _ in range(3):
        for text in corpus:
            found += len(detector.detect(text))
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
