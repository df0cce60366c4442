"""`zdr audit verify|export|purge|fingerprint` and `zdr report --format md`, on a data
directory filled by the real store."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from zdr.audit.store import AuditStore
from zdr.audit.tap import fingerprint
from zdr.cli import main
from zdr.config import load_settings
from zdr.secret import load_secret
from zdr.serve import open_audit_store


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "zdr.yaml"
    path.write_text(
        f"storage:\n  data_dir: {tmp_path / 'data'}\n"
        "audit:\n  retention_days: 7\n"
        "policies:\n  default: {}\n  lab: {mode: observe}\n"
    )
    return str(path)


def store_for(config: str) -> AuditStore:
    settings = load_settings(config)
    return open_audit_store(settings, load_secret(settings.storage.data_dir))


def ev(i: int, days_ago: float = 0, **kw: Any) -> dict[str, Any]:
    ts = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(timespec="microseconds")
    base: dict[str, Any] = {
        "v": 1,
        "ts": ts,
        "request_id": f"r{i}",
        "key": "web",
        "policy": "default",
        "method": "POST",
        "endpoint": "chat.completions.create",
        "route": "/v1/chat/completions",
        "model": "gpt-4.1-mini",
        "stream": False,
        "decision": "rewrite",
        "rewrites": ["store=false"],
        "rule": None,
        "pseudonymized": {"EMAIL": 2},
        "status": 200,
        "upstream": "openai",
        "upstream_status": 200,
        "error": None,
        "latency_ms": 1.5,
        "request_hmac": None,
        "response_hmac": None,
        "usage": {"total_tokens": 10},
    }
    base.update(kw)
    return base


def test_verify_ok_then_broken(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    store_for(config).append([ev(i) for i in range(5)])
    assert main(["audit", "verify", "--config", config]) == 0
    assert "audit chain OK: 5 events, events 1..5" in capsys.readouterr().out
    db = sqlite3.connect(Path(config).parent / "data" / "zdr.db")
    with db:
        db.execute("UPDATE zdr_audit_events SET event = replace(event, 'web', 'evil') WHERE seq=3")
    db.close()
    assert main(["audit", "verify", "--config", config, "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False
    assert [(p["seq"], p["kind"]) for p in result["problems"]] == [(3, "edited")]


def test_export_jsonl_csv_and_since(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_for(config).append([ev(0, days_ago=3), ev(1), ev(2, model="=HYPERLINK(1)")])
    assert main(["audit", "export", "--config", config]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["request_id"] for line in lines] == ["r0", "r1", "r2"]
    assert json.loads(lines[0])["seq"] == 1

    out = tmp_path / "e.csv"
    args = ["audit", "export", "--since", "1d", "--format", "csv", "--out", str(out)]
    assert main([*args, "--config", config]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["request_id"] for r in rows] == ["r1", "r2"]
    assert json.loads(rows[0]["pseudonymized"]) == {"EMAIL": 2}
    assert rows[1]["model"] == "'=HYPERLINK(1)"  # never a live spreadsheet formula

    assert main(["audit", "export", "--since", "soon", "--config", config]) == 2
    assert "--since 'soon'" in capsys.readouterr().err


def test_purge_applies_retention(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    store_for(config).append([ev(0, days_ago=10), ev(1, days_ago=8), ev(2, days_ago=1)])
    assert main(["audit", "purge", "--config", config]) == 0
    assert "purged 2 events older than 7 days" in capsys.readouterr().out
    assert main(["audit", "verify", "--config", config]) == 0
    out = capsys.readouterr().out
    assert "1 events, events 3..3 from the signed checkpoint at event 3" in out


def test_fingerprint_finds_the_request(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = store_for(config)
    body = b'{"model":"gpt-4.1-mini","messages":[]}'
    store.append([ev(0, request_hmac=fingerprint(store.fingerprint_key, body))])
    sent = tmp_path / "sent.json"
    sent.write_bytes(body)
    assert main(["audit", "fingerprint", str(sent), "--config", config]) == 0
    assert "matches event 1 (request)" in capsys.readouterr().out
    sent.write_bytes(body + b" ")
    assert main(["audit", "fingerprint", str(sent), "--config", config]) == 1
    assert "no recorded request or answer" in capsys.readouterr().out


def test_report_markdown(config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "create", "--name", "web", "--config", config]) == 0
    store_for(config).append(
        [
            ev(0),
            ev(1),
            ev(
                2,
                decision="refuse",
                rewrites=[],
                rule="feature.responses.background",
                status=400,
                error="zdr_feature_not_allowed",
                endpoint="responses.create",
                route="/v1/responses",
                pseudonymized={},
            ),
        ]
    )
    out = tmp_path / "r.md"
    assert main(["report", "--format", "md", "--out", str(out), "--config", config]) == 0
    text = out.read_text()
    assert "**Audit chain: verified** (3 events)" in text
    assert "| default | enforce | openai | refuse | any | any | any | yes | web |" in text
    assert "| lab | observe |" in text
    assert "| chat.completions.create | `/v1/chat/completions` | 2 | 0 | 2 | 0 | 0 |" in text
    assert "| `feature.responses.background` | 1 |" in text
    assert "| EMAIL | 4 |" in text
    assert "audit events are kept 7.0 days" in text


def test_fingerprint_of_an_unreadable_file_is_a_usage_error(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.json"
    assert main(["audit", "fingerprint", str(missing), "--config", config]) == 2
    assert "cannot read" in capsys.readouterr().err


def _sql(config: str, statement: str) -> None:
    db = sqlite3.connect(Path(config).parent / "data" / "zdr.db")
    with db:
        db.execute(statement)
    db.close()


def test_export_says_when_the_chain_is_broken(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store_for(config).append([ev(i) for i in range(3)])
    _sql(config, "UPDATE zdr_audit_events SET event = replace(event, 'web', 'evil') WHERE seq=2")
    assert main(["audit", "export", "--config", config]) == 1
    assert "audit chain is BROKEN" in capsys.readouterr().err


def test_purge_refuses_a_chain_that_does_not_verify(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store_for(config).append([ev(0, days_ago=10), ev(1, days_ago=9), ev(2)])
    _sql(config, "UPDATE zdr_audit_events SET event = replace(event, 'web', 'evil') WHERE seq=2")
    assert main(["audit", "purge", "--config", config]) == 1
    assert "purge refused: event 2" in capsys.readouterr().err
    assert store_for(config).count() == 3


def test_verify_compares_with_the_anchor_file_and_a_given_anchor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from zdr.audit.anchor import FileSink
    from zdr.audit.chain import Anchor

    anchor_file = tmp_path / "elsewhere" / "anchor.json"
    anchor_file.parent.mkdir()
    config = tmp_path / "zdr.yaml"
    config.write_text(
        f"storage:\n  data_dir: {tmp_path / 'data'}\naudit:\n  anchor:\n    file: {anchor_file}\n"
    )
    store = store_for(str(config))
    store.append([ev(i) for i in range(5)])
    head = store.head()
    anchor = Anchor.sign(store.anchor_key, head.seq, head.hash)
    FileSink(anchor_file).write(anchor)
    assert main(["audit", "verify", "--config", str(config)]) == 0
    assert "anchor: event 5" in capsys.readouterr().out

    _sql(str(config), "DELETE FROM zdr_audit_events WHERE seq >= 4")
    assert main(["audit", "verify", "--config", str(config)]) == 1
    assert "event 5: truncated" in capsys.readouterr().out

    # The same anchor as a log shipper kept it, among other lines, given on the command.
    anchor_file.unlink()
    log = tmp_path / "shipped.log"
    log.write_text("some other line\n" + anchor.to_json().decode() + "\n")
    assert main(["audit", "verify", "--config", str(config), "--anchor", str(log)]) == 1
    assert "truncated" in capsys.readouterr().out


def test_verify_counts_events_still_in_a_spool(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from zdr.audit.spool import SpoolFile, SpoolRecord

    store_for(config).append([ev(0)])
    spool = SpoolFile(Path(config).parent / "data" / "spool", fsync=False)
    spool.append([SpoolRecord(1, json.dumps(ev(1))), SpoolRecord(2, json.dumps(ev(2)))])
    spool.close(remove=False)  # left by a process that stopped before the store took them
    assert main(["audit", "verify", "--config", config]) == 0
    assert "spool: 2 events not in the store yet" in capsys.readouterr().out
