"""The HTML compliance report, rendered by headless Chromium: what an auditor sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.report.chromium import evaluate_page
from zdr.cli import main
from zdr.config import load_settings
from zdr.secret import load_secret
from zdr.serve import open_audit_store

READ_PAGE = """(() => {
  const bars = [...document.querySelectorAll('rect.bar')].map(r => ({
    label: r.dataset.label, value: +r.dataset.value, width: r.getBoundingClientRect().width,
    height: r.getBoundingClientRect().height}));
  return {text: document.body.innerText, bars,
          chain: document.getElementById('chain-status').innerText,
          total: document.getElementById('total-requests').innerText};
})()"""


def _event(i: int, days_ago: int, **kw: Any) -> dict[str, Any]:
    ts = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(timespec="microseconds")
    e: dict[str, Any] = {
        "ts": ts,
        "request_id": f"r{i}",
        "key": "web",
        "policy": "default",
        "endpoint": "chat.completions.create",
        "route": "/v1/chat/completions",
        "decision": "rewrite",
        "rewrites": ["store=false"],
        "pseudonymized": {"EMAIL": 1, "PERSON": 2},
        "status": 200,
        "usage": {"total_tokens": 7},
    }
    e.update(kw)
    return e


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    config = tmp_path / "zdr.yaml"
    config.write_text(f"storage:\n  data_dir: {tmp_path / 'data'}\n")
    settings = load_settings(config)
    store = open_audit_store(settings, load_secret(settings.storage.data_dir))
    events = [_event(i, days_ago=i % 3) for i in range(9)]
    events += [
        _event(
            100 + i,
            0,
            decision="refuse",
            rule="endpoint.retains",
            endpoint="files.post",
            route="/v1/files",
            rewrites=[],
            pseudonymized={},
            status=403,
            error="zdr_endpoint_not_allowed",
        )
        for i in range(3)
    ]
    # A key name an attacker might choose is shown as text, never run as markup.
    events.append(_event(200, 0, endpoint="<img src=x onerror=alert(1)>", route="/v1/x"))
    store.append(events)
    out = tmp_path / "report.html"
    assert main(["report", "--format", "html", "--out", str(out), "--config", str(config)]) == 0
    return out


def test_chromium_shows_the_report(report_file: Path, tmp_path: Path) -> None:
    page = evaluate_page(report_file.as_uri(), READ_PAGE, tmp_path / "profile")
    text = page["text"]
    assert page["total"] == "13"
    assert "verified" in page["chain"] and "13 events" in page["chain"]
    assert "<img src=x onerror=alert(1)>" in text  # shown as text, not run
    for heading in (
        "Policies in force",
        "Requests by endpoint and decision",
        "Refusals by rule",
        "Values pseudonymized, by label",
        "Retention in force",
        "Audit chain",
    ):
        assert heading in text
    assert "Audit events are kept 30.0 days" in text
    assert "abuse-monitoring logs up to 30 days" in text  # the catalogue's upstream row
    bars = {b["label"]: b for b in page["bars"]}
    # Bars are drawn, and their lengths follow the counts.
    assert bars["chat.completions.create"]["value"] == 9
    assert bars["files.post"]["value"] == 3
    assert bars["chat.completions.create"]["width"] > 2.5 * bars["files.post"]["width"] > 0
    assert bars["endpoint.retains"]["value"] == 3
    assert bars["PERSON"]["value"] == 20 and bars["EMAIL"]["value"] == 10
    day_bars = [b for b in page["bars"] if b["label"].endswith((" rewrite", " refuse"))]
    assert sum(b["value"] for b in day_bars) == 13 and all(b["height"] > 0 for b in day_bars)


def test_markup_in_names_is_escaped(report_file: Path) -> None:
    html = report_file.read_text()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
