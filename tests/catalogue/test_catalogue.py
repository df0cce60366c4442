"""The catalogue is complete against the installed SDK, sourced, and validated."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from zdr.catalogue.load import load_catalogue, parse_provider_file
from zdr.catalogue.params import known_params, sdk_params
from zdr.catalogue.sdk import sdk_endpoints
from zdr.errors import ConfigError


def _concrete(path: str) -> str:
    """/v1/files/{file_id} -> /v1/files/x (a value in every parameter segment)."""
    path = path.split("?", 1)[0]
    return "/".join("x" if seg.startswith("{") else seg for seg in path.split("/"))


def test_every_sdk_endpoint_is_classified() -> None:
    catalogue = load_catalogue()
    found = sdk_endpoints()
    assert len(found) > 300  # the enumeration itself works
    missing = sorted((m, p) for m, p in found if catalogue.match(m, _concrete(p)) is None)
    assert missing == [], f"classify these in catalogue/data/openai.yaml: {missing}"


def test_known_params_match_installed_sdk() -> None:
    generated = {k: sorted(v) for k, v in known_params().items()}
    assert generated == sdk_params(), "run: .venv/bin/python scripts/gen_params.py"


def test_every_row_has_a_dated_source() -> None:
    catalogue = load_catalogue()
    for ep in catalogue.endpoints:
        assert ep.sources, ep.id
        for s in ep.sources:
            assert s.url and len(s.checked) == 10, (ep.id, s.id)
    for f in catalogue.features.values():
        assert f.sources, f.id


def test_parameters_that_change_retention_are_catalogued() -> None:
    features = load_catalogue().features
    params = {f.param for f in features.values()}
    for p in (
        "store",
        "background",
        "prompt_cache_retention",
        "conversation",
        "previous_response_id",
        "metadata",
        "user",
        "safety_identifier",
        "tools[].type",
    ):
        assert p in params
    assert features["responses.store"].rewrite_to is False


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/v1/chat/completions", "chat.completions.create"),
        ("GET", "/v1/chat/completions", "chat.completions.list"),
        ("GET", "/v1/chat/completions/cc_1/messages", "chat.completions.stored.get"),
        ("POST", "/v1/responses", "responses.create"),
        ("POST", "/v1/responses/compact", "responses.compact"),
        ("DELETE", "/v1/responses/r_1", "responses.stored.delete"),
        ("GET", "/v1/files", "files.get"),
        ("GET", "/v1/files/f_1/content", "files.items.get"),
        ("POST", "/v1/threads/t/runs/r/submit_tool_outputs", "threads.items.post"),
        ("GET", "/v1/live/sessions/s1/content", "live.sessions.content"),
        ("POST", "/v1/live/sessions/s1/accept", "live.sessions.control"),
        ("GET", "/v1/models/gpt-4.1", "models.retrieve"),
    ],
)
def test_match_prefers_the_most_specific_row(method: str, path: str, expected: str) -> None:
    ep = load_catalogue().match(method, path)
    assert ep is not None and ep.id == expected


def test_unknown_paths_do_not_match() -> None:
    catalogue = load_catalogue()
    assert catalogue.match("POST", "/v1/nothing/here") is None
    assert catalogue.match("PATCH", "/v1/chat/completions") is None


BASE: dict[str, Any] = {
    "provider": "p",
    "name": "P",
    "checked": "2026-01-01",
    "sources": {"S": {"url": "https://example.test"}},
    "summary": {
        "text": "t",
        "zdr_available": "a",
        "how_to_get_zdr": "h",
        "default_retention": "d",
        "verify_how": "v",
        "sources": ["S"],
    },
}
ROW: dict[str, Any] = {
    "id": "e",
    "path": "/v1/e",
    "methods": ["POST"],
    "effect": "stateless",
    "abuse_monitoring": "x",
    "app_state": "x",
    "app_state_retention": "x",
    "zdr": "yes",
    "mam": "yes",
    "sources": ["S"],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sources": []}, "at least one source"),
        ({"sources": ["NOPE"]}, "unknown source"),
        ({"zdr": "maybe"}, "zdr must be one of"),
        ({"methods": ["FETCH"]}, "methods must be among"),
        ({"path": "v1/e"}, "must start with '/'"),
        ({"features": ["nope"]}, "unknown feature"),
    ],
)
def test_invalid_rows_are_rejected_with_the_reason(change: dict[str, Any], message: str) -> None:
    data = {**BASE, "endpoints": [{**ROW, **change}]}
    with pytest.raises(ConfigError, match=message):
        parse_provider_file(yaml.safe_load(yaml.safe_dump(data)), "test.yaml")
