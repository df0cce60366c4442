"""The proof that nothing is kept: a real `zdr serve` process takes requests full of
personal data and secrets (streamed, refused, failing, malformed), stops, and then
every file it wrote, every table it uses and everything it printed is scanned for
those values, raw or encoded. Zero hits."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import openai
import psycopg
import pytest

from tests.privacy.scan import find_values, scan_tree
from zdr.audit.store import AuditStore
from zdr.db import open_database
from zdr.fake.openai import FakeOpenAI
from zdr.keys.store import open_key_store
from zdr.secret import load_secret

NAME, EMAIL = "Margarethe Vandersloot", "m.vandersloot@example.org"
PHONE, CARD = "+44 20 7946 0958", "4539 1488 0343 6467"
IBAN, SSN = "DE89 3704 0044 0532 0130 00", "078-05-1120"
API_KEY = "sk-proj-Zq8vN3xT5rL9wK2mP7sJ4hB6"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
PASSWORD = "hunter2-Correct-Horse"
DSN = f"postgresql://admin:{PASSWORD}@db.internal:5432/prod"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
ADDRESS, DOB = "742 Evergreen Terrace, Springfield", "1987-03-14"
VALUES = [NAME, EMAIL, PHONE, CARD, IBAN, SSN, API_KEY, AWS_SECRET, PASSWORD, JWT, ADDRESS]
TEXT = (
    f"Customer {NAME} ({EMAIL}, {PHONE}) born {DOB} lives at {ADDRESS}. Card {CARD}, "
    f"IBAN {IBAN}, SSN {SSN}. Our key is {API_KEY}; AWS secret {AWS_SECRET}; "
    f"the database is {DSN}; session token {JWT}."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_tables_text(pg_url: str) -> bytes:
    """Every row of every table in the test's schema, as text."""
    out = []
    with psycopg.connect(pg_url) as db:
        tables = db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
        assert {"zdr_audit_events", "zdr_virtual_keys"} <= {t[0] for t in tables}
        for (table,) in tables:
            for (row,) in db.execute(f"SELECT t::text FROM {table} t"):
                out.append(row)
    return "\n".join(out).encode()


REQUESTS_SENT = 15


def send_corpus(base: str, key: str) -> None:
    client = openai.OpenAI(base_url=base + "/v1", api_key=key, max_retries=0, timeout=10)
    msgs: Any = [{"role": "system", "content": f"Help {NAME}."}, {"role": "user", "content": TEXT}]
    client.chat.completions.create(
        model="gpt-4.1-mini", messages=msgs, store=True, user=EMAIL, metadata={"who": NAME}
    )
    for _ in client.chat.completions.create(model="gpt-4.1-mini", messages=msgs, stream=True):
        pass
    client.responses.create(model="gpt-4.1-mini", input=TEXT, instructions=f"Address {NAME}")
    for _ in client.responses.create(model="gpt-4.1-mini", input=TEXT, stream=True):
        pass
    client.embeddings.create(model="text-embedding-3-small", input=[TEXT, EMAIL])
    refused: list[Any] = [
        lambda: client.files.create(file=("p.txt", TEXT.encode()), purpose="assistants"),
        lambda: client.responses.create(model="gpt-4.1-mini", input=TEXT, background=True),
        lambda: client.responses.create(
            model="gpt-4.1-mini", input=TEXT, previous_response_id=f"resp_{SSN}"
        ),
        lambda: client.chat.completions.create(
            model="gpt-4.1-mini", messages=msgs, extra_body={"surprise": TEXT}
        ),
        lambda: client.chat.completions.create(
            model="gpt-4.1-mini", messages=msgs, extra_headers={"x-fake-fault": "status:500"}
        ),
    ]
    for call in refused:
        with pytest.raises(openai.APIStatusError):
            call()
    with pytest.raises(openai.APIError, match="upstream closed"):  # reset mid-stream
        for _ in client.chat.completions.create(
            model="gpt-4.1-mini",
            messages=msgs,
            stream=True,
            extra_headers={"x-fake-fault": "reset-mid-stream"},
        ):
            pass
    # Raw HTTP: malformed JSON, a wrong key, content in the query string and headers.
    with httpx.Client(base_url=base, timeout=10) as raw:
        auth = {"authorization": f"Bearer {key}"}
        bad = raw.post(
            "/v1/chat/completions",
            content=b'{"messages": "' + TEXT.encode(),
            headers={**auth, "content-type": "application/json"},
        )
        assert bad.status_code == 400
        assert (
            raw.post(
                "/v1/chat/completions",
                json={"x": TEXT},
                headers={"authorization": f"Bearer {API_KEY}"},
            ).status_code
            == 401
        )
        raw.get(f"/v1/models?user={EMAIL}&q={NAME}", headers={**auth, "x-customer": EMAIL})
        bad_utf8 = raw.post(
            "/v1/chat/completions",
            content=TEXT.encode() + b"\xff\xfe",
            headers={**auth, "content-type": "application/json"},
        )
        assert bad_utf8.status_code == 400


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_nothing_the_gateway_wrote_holds_content(
    backend: str, tmp_path: Path, fake: FakeOpenAI, request: pytest.FixtureRequest
) -> None:
    data, tmp, logs = tmp_path / "data", tmp_path / "tmp", tmp_path / "logs"
    for d in (tmp, logs):
        d.mkdir()
    config = tmp_path / "zdr.yaml"
    storage: dict[str, Any] = {"data_dir": str(data)}
    pg_url = None
    if backend == "postgresql":
        pg_url = request.getfixturevalue("pg_url")
        storage["database_url"] = pg_url
    port = free_port()
    config.write_text(
        json.dumps(
            {
                "server": {"port": port, "forward_headers": ["x-fake-fault"]},
                "upstreams": {"openai": {"base_url": fake.url + "/v1", "api_key": "sk-up-123456"}},
                "storage": storage,
                "audit": {"flush_interval_seconds": 0.05},
                "log": {"level": "debug"},
            }
        )
    )
    key = open_key_store(pg_url, data / "zdr.db").create("app", "default")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZDR_", "OPENAI_"))} | {
        "TMPDIR": str(tmp),
        "HOME": str(tmp_path),
    }
    with (logs / "stdout").open("wb") as out, (logs / "stderr").open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "zdr.cli", "serve", "--config", str(config)],
            stdout=out,
            stderr=err,
            env=env,
            cwd=tmp_path,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60  # detectors build in ~1.5-4.5 s; a loaded CI machine
            while True:
                try:
                    if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert proc.poll() is None and time.monotonic() < deadline, "gateway not ready"
                time.sleep(0.05)
            send_corpus(base, key)
        finally:
            proc.send_signal(signal.SIGTERM)
            # Uvicorn finishes in-flight work, then re-raises the signal it caught.
            assert proc.wait(30) in (0, -signal.SIGTERM)

    # The values did go through the gateway to the (fake) provider: a scan that found
    # nothing would otherwise prove nothing.
    upstream_saw = b"\n".join(r.body for r in fake.requests)
    assert set(find_values(upstream_saw, VALUES)) == set(VALUES)

    written = {**scan_tree(data, VALUES), **scan_tree(tmp, VALUES), **scan_tree(logs, VALUES)}
    assert written == {}
    assert {p.name for p in data.iterdir()} >= {"secret.key"}
    if backend == "sqlite":
        assert (data / "zdr.db").exists()
    else:
        assert pg_url is not None
        assert find_values(pg_tables_text(pg_url), VALUES) == []
    # The run was audited, every request, and the shutdown lost no event.
    store = AuditStore(open_database(pg_url, data / "zdr.db"), load_secret(data))
    assert store.count() == REQUESTS_SENT
    assert store.verify().ok
    assert b"zdr.access" in (logs / "stderr").read_bytes() + (logs / "stdout").read_bytes()
