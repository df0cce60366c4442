"""`zdr verify` against the fake upstream emulating each kind of account: the verdicts
it must reach, and that every probe cleans up after itself."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zdr.cli import main
from zdr.fake.account import FakeAccount
from zdr.fake.openai import FakeOpenAI
from zdr.testing import ServerThread

ADMIN, KEY_A, KEY_B = "sk-admin-test", "sk-proj-a-test", "sk-proj-b-test"


@pytest.fixture
def provider() -> Iterator[tuple[FakeOpenAI, str]]:
    fake = FakeOpenAI(record=True)
    with ServerThread(fake) as server:
        yield fake, server.url + "/v1"


def verify(
    capsys: pytest.CaptureFixture[str], base: str, *extra: str
) -> tuple[int, dict[str, dict[str, Any]]]:
    code = main(["verify", "--base-url", base, "--json", *extra])
    out = json.loads(capsys.readouterr().out)
    return code, {f["check"]: f for f in out["findings"]}


def account(**kw: Any) -> FakeAccount:
    base: dict[str, Any] = {
        "projects": {"proj_a": "organization_default", "proj_b": "organization_default"},
        "keys": {KEY_A: "proj_a", KEY_B: "proj_b"},
        "admin_keys": frozenset({ADMIN}),
    }
    base.update(kw)
    return FakeAccount(**base)


def test_zero_data_retention_account_passes(
    provider: tuple[FakeOpenAI, str], capsys: pytest.CaptureFixture[str]
) -> None:
    fake, base = provider
    fake.account = account(org_retention="zero_data_retention")
    code, f = verify(capsys, base, "--admin-key", ADMIN, "--api-key", KEY_A, "--yes")
    assert code == 0
    assert f["declared.organization"]["status"] == "pass"
    assert f["declared.organization"]["observed"] == "zero_data_retention"
    assert f["declared.project[proj_a]"]["status"] == "pass"
    assert f["observed.chat_store"]["status"] == "pass"
    assert f["observed.responses_store"]["status"] == "pass"
    assert f["observed.prompt_cache_retention"]["status"] == "pass"
    assert fake.stored == {}


def test_default_retention_account_fails_and_probes_clean_up(
    provider: tuple[FakeOpenAI, str], capsys: pytest.CaptureFixture[str]
) -> None:
    fake, base = provider
    fake.account = account(org_retention=None, default_prompt_cache_retention="24h")
    code, f = verify(capsys, base, "--admin-key", ADMIN, "--api-key", KEY_A, "--yes")
    assert code == 1
    assert f["declared.organization"]["status"] == "fail"
    assert "no data retention control" in f["declared.organization"]["observed"]
    assert f["observed.chat_store"]["status"] == "fail"
    assert "listed by metadata" in f["observed.chat_store"]["observed"]
    assert f["observed.responses_store"]["status"] == "fail"
    assert f["observed.prompt_cache_retention"]["status"] == "warn"
    # What the probes created was deleted again, and they asked for few tokens.
    assert fake.stored == {}
    posts = [r.json() for r in fake.requests if r.method == "POST"]
    assert [p.get("max_completion_tokens") or p.get("max_output_tokens") for p in posts] == [16, 16]


def test_modified_abuse_monitoring_is_a_warning(
    provider: tuple[FakeOpenAI, str], capsys: pytest.CaptureFixture[str]
) -> None:
    fake, base = provider
    fake.account = account(org_retention="modified_abuse_monitoring")
    code, f = verify(capsys, base, "--admin-key", ADMIN)
    assert code == 0
    assert f["declared.organization"]["status"] == "warn"
    assert "application state" in f["declared.organization"]["meaning"]
    assert f["observed"]["status"] == "skip"


def test_project_overriding_its_organization_fails(
    provider: tuple[FakeOpenAI, str], capsys: pytest.CaptureFixture[str]
) -> None:
    fake, base = provider
    fake.account = account(
        org_retention="zero_data_retention",
        projects={"proj_a": "organization_default", "proj_b": "none"},
    )
    code, f = verify(capsys, base, "--admin-key", ADMIN, "--api-key", KEY_B, "--yes")
    assert code == 1
    assert f["declared.project[proj_a]"]["status"] == "pass"
    assert f["declared.project[proj_b]"]["status"] == "fail"
    assert "overrides the organization" in f["declared.project[proj_b]"]["observed"]
    # And the behaviour matches: proj_b's key gets its objects stored.
    assert f["observed.chat_store"]["status"] == "fail"
    code, f = verify(capsys, base, "--admin-key", ADMIN, "--project", "proj_a")
    assert code == 0 and "declared.project[proj_b]" not in f


def test_admin_key_without_rights(
    provider: tuple[FakeOpenAI, str], capsys: pytest.CaptureFixture[str]
) -> None:
    fake, base = provider
    fake.account = account(org_retention="zero_data_retention", admin_forbidden=True)
    code, f = verify(capsys, base, "--admin-key", ADMIN)
    assert code == 1
    assert f["declared.organization"]["status"] == "error"
    assert "403" in f["declared.organization"]["observed"]
    code, f = verify(capsys, base, "--admin-key", KEY_A)  # not an admin key at all
    assert f["declared.organization"]["observed"].startswith("HTTP 401")


def test_network_errors_are_reported_not_raised(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    code, f = verify(
        capsys, f"http://127.0.0.1:{port}/v1", "--admin-key", ADMIN, "--api-key", KEY_A, "--yes"
    )
    assert code == 1
    assert f["declared.organization"]["status"] == "error"
    assert f["observed.chat_store"]["observed"].startswith("unreachable")


def test_probes_need_consent(
    provider: tuple[FakeOpenAI, str], capsys: pytest.CaptureFixture[str]
) -> None:
    fake, base = provider
    fake.account = account(org_retention=None)
    code, f = verify(capsys, base, "--api-key", KEY_A)
    assert f["observed"]["status"] == "skip"
    assert "2 requests" in f["observed"]["meaning"]
    assert [r for r in fake.requests if r.method == "POST"] == []  # nothing was spent


def test_gateway_config_checks(
    provider: tuple[FakeOpenAI, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, base = provider
    config = tmp_path / "zdr.yaml"
    config.write_text(
        f"storage:\n  data_dir: {tmp_path / 'data'}\n"
        "policies:\n  default: {}\n  batch: {mode: observe}\n  loose: {unknown: forward}\n"
    )
    code, f = verify(capsys, base, "--config", str(config))
    assert f["gateway.policy[default]"]["status"] == "pass"
    assert f["gateway.policy[batch]"]["status"] == "fail"
    assert f["gateway.policy[loose]"]["status"] == "warn"
    assert f["gateway.audit"]["status"] == "pass"
    assert "30 days" in f["gateway.retention"]["observed"]
    assert code == 1  # the observe policy fails the run


def test_text_table(provider: tuple[FakeOpenAI, str], capsys: pytest.CaptureFixture[str]) -> None:
    fake, base = provider
    fake.account = account(org_retention="zero_data_retention")
    assert main(["verify", "--base-url", base, "--admin-key", ADMIN]) == 0
    out = capsys.readouterr().out
    assert "PASS   declared.organization" in out and "verdict:" in out
    assert ADMIN not in out
