"""`zdr providers`, `zdr catalogue check` and `zdr verify --provider`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.catalogue.test_catalogue import _with_additions
from zdr.catalogue import sdk_shapes
from zdr.catalogue.shapes import shapes_data
from zdr.cli import main


def test_providers_table_answers_how_to_get_zdr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["providers"]) == 0
    out = capsys.readouterr().out
    assert "Groq [groq] — ZDR: yes, self-serve, per organization (self-serve)" in out
    assert "How to get ZDR: Console > Settings > Data Controls" in out
    assert "Point zdr at it: preset: bedrock:<region>" in out
    assert "Only a contract shows:" in out


def test_providers_json_lists_every_provider_with_source_and_preset(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["providers", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert {"openai", "gemini", "mistral", "groq", "together", "bedrock", "openrouter"} <= set(rows)
    assert rows["together"]["self_serve"] == "yes" and rows["together"]["presets"] == ["together"]
    assert rows["selfhosted"]["presets"] == ["vllm", "ollama"]
    assert all(r["sources"][0]["url"].startswith("https://") for r in rows.values())


def test_catalogue_check_passes_on_the_pinned_sdk(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalogue", "check"]) == 0
    out = capsys.readouterr().out
    assert "unclassified parameters: 0" in out and "unclassified tool types: 0" in out


def test_catalogue_check_fails_ci_when_the_sdk_declares_more(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    newer: dict[str, Any] = _with_additions(shapes_data())
    monkeypatch.setattr(
        sdk_shapes, "sdk_shapes", lambda: {"bodies": newer["bodies"], "defs": newer["defs"]}
    )
    assert main(["catalogue", "check", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["unclassified_parameters"] == ["POST /v1/responses: retention_hours"]
    assert report["unclassified_tool_types"] == ["hosted_notebook (POST /v1/responses)"]
    assert report["clean"] is False


def test_verify_says_per_provider_what_only_a_contract_shows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["verify", "--provider", "anthropic", "--json"]) == 0
    findings = {f["check"]: f for f in json.loads(capsys.readouterr().out)["findings"]}
    assert findings["provider[anthropic].outside"]["status"] == "info"
    assert "CORS" in findings["provider[anthropic].outside"]["meaning"]
    assert "ZDR arrangement" in findings["provider[anthropic].contract"]["meaning"]
    assert main(["verify", "--provider", "nope"]) == 2
