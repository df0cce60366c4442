"""The `zdr` command: keys and endpoints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zdr.cli import main


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "zdr.yaml"
    path.write_text(
        f"storage:\n  data_dir: {tmp_path / 'data'}\n"
        "policies:\n  default: {}\n  batch: {mode: observe}\n"
    )
    return str(path)


def test_keys_lifecycle(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "create", "--name", "web", "--config", config]) == 0
    out = capsys.readouterr()
    key = out.out.strip()
    assert key.startswith("zdr-") and "\n" not in key  # the key alone on stdout
    assert main(["keys", "create", "--name", "jobs", "--policy", "batch", "--config", config]) == 0
    capsys.readouterr()
    assert main(["--config", config, "keys", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(k["name"], k["policy"]) for k in listed] == [("web", "default"), ("jobs", "batch")]
    assert key not in json.dumps(listed)
    db = (Path(config).parent / "data" / "zdr.db").read_bytes()
    assert key.encode() not in db  # stored as a hash only
    assert main(["keys", "revoke", "web", "--config", config]) == 0
    assert main(["keys", "list", "--json", "--config", config]) == 0
    assert [k["name"] for k in json.loads(capsys.readouterr().out)] == ["jobs"]


def test_keys_errors(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "create", "--name", "a", "--policy", "nope", "--config", config]) == 2
    assert "unknown policy" in capsys.readouterr().err
    assert main(["keys", "create", "--name", "bad name!", "--config", config]) == 2
    assert main(["keys", "create", "--name", "a", "--config", config]) == 0
    assert main(["keys", "create", "--name", "a", "--config", config]) == 2
    assert "exists" in capsys.readouterr().err
    assert main(["keys", "revoke", "ghost", "--config", config]) == 2


def test_invalid_config_names_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("server:\n  port: not-a-number\npolicies:\n  default: {mode: yolo}\n")
    assert main(["keys", "list", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "server.port" in err and "policies.default.mode" in err
    bad.write_text("upstreams:\n  openai:\n    api_key: sk-secret-value\n    base_url: ftp://x\n")
    assert main(["keys", "list", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "base_url" in err and "sk-secret-value" not in err


def test_endpoints_table_and_filters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["endpoints", "--provider", "openai"]) == 0
    out = capsys.readouterr().out
    assert "/v1/chat/completions" in out and "source:" in out
    assert main(["endpoints", "--eligible", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["endpoints"]
    assert rows and all(r["zdr"] in ("yes", "conditional") for r in rows)
    assert main(["endpoints", "--stateful", "--json", "--provider", "openai"]) == 0
    rows = json.loads(capsys.readouterr().out)["endpoints"]
    assert any(r["path"] == "/v1/files" for r in rows)
    assert all(r["effect"] in ("creates_state", "reads_state") for r in rows)
    assert main(["endpoints", "--provider", "nope"]) == 2
