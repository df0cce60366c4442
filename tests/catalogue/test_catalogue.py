"""The catalogue is complete against the installed SDK, sourced, and validated."""

from __future__ import annotations

import copy
import re
from typing import Any

import openai
import pytest
import yaml

from zdr.catalogue.drift import find_drift, tool_types
from zdr.catalogue.load import load_catalogue, parse_provider_file
from zdr.catalogue.params import concrete, known_params
from zdr.catalogue.query_params import load_query_params
from zdr.catalogue.sdk import sdk_endpoints
from zdr.catalogue.sdk_shapes import sdk_models, sdk_query_params, sdk_shapes, sdk_websockets
from zdr.catalogue.shapes import BodyShapes, load_shapes, shapes_data
from zdr.errors import ConfigError


def test_every_sdk_endpoint_is_classified() -> None:
    catalogue = load_catalogue()
    found = sdk_endpoints()
    assert len(found) > 300  # the enumeration itself works
    missing = sorted((m, p) for m, p in found if catalogue.match(m, concrete(p)) is None)
    assert missing == [], f"classify these in catalogue/data/openai.yaml: {missing}"


def test_shapes_match_installed_sdk() -> None:
    packaged = load_shapes()
    fresh = sdk_shapes()
    assert packaged.sdk_version == openai.__version__, "run: .venv/bin/python scripts/gen_params.py"
    assert packaged.bodies == fresh["bodies"], "run: .venv/bin/python scripts/gen_params.py"
    assert {k: v for k, v in packaged.defs.items()} == fresh["defs"]
    assert list(packaged.models) == sdk_models()
    assert len(packaged.bodies) > 100 and "POST /v1/responses" in packaged.bodies


def test_the_installed_sdk_has_nothing_unclassified() -> None:
    """Every endpoint, every parameter of an inspected body and every tool type the
    pinned SDK declares is classified (the drift test: an SDK update that adds one fails
    here until the catalogue classifies it)."""
    catalogue = load_catalogue()
    drift = find_drift(
        catalogue,
        load_shapes(),
        sdk_endpoints(),
        websockets=sdk_websockets(),
        queries=sdk_query_params(),
    )
    assert drift.endpoints == [], "classify these endpoints in openai.yaml"
    assert drift.queries == [], "run scripts/gen_params.py"
    assert drift.params == [], "classify these parameters (a feature, or inert) in openai.yaml"
    assert drift.tools == [], "classify these tool types (a tools[].type row) in openai.yaml"


def _with_additions(data: dict[str, Any]) -> dict[str, Any]:
    """The packaged shapes as a newer SDK could declare them: one new top-level parameter
    of the Responses API and one new hosted tool type."""
    newer = copy.deepcopy(data)
    body = newer["defs"][newer["bodies"]["POST /v1/responses"]["ref"]]
    body["fields"]["retention_hours"] = "int"
    tools = body["fields"]["tools"]["list"]
    tools["union"].append({"ref": "new_tool"})
    tools["by"]["hosted_notebook"] = [len(tools["union"]) - 1]
    newer["defs"]["new_tool"] = {
        "fields": {"type": {"enum": ["hosted_notebook"]}},
        "required": ["type"],
    }
    return newer


def test_a_newer_sdk_with_unclassified_additions_is_reported() -> None:
    raw = shapes_data()
    catalogue = load_catalogue()
    endpoints = sdk_endpoints() | {("POST", "/v1/hosted_notebooks")}
    queries = {**sdk_query_params(), "GET /v1/files": ["after", "limit", "retention"]}
    drift = find_drift(catalogue, BodyShapes(_with_additions(raw)), endpoints, queries=queries)
    assert drift.endpoints == ["POST /v1/hosted_notebooks"]
    assert drift.queries == ["GET /v1/files: retention"]
    assert drift.params == ["POST /v1/responses: retention_hours"]
    assert drift.tools == ["hosted_notebook (POST /v1/responses)"]
    assert not drift.clean


def test_the_six_websocket_endpoints_have_their_own_rows() -> None:
    catalogue = load_catalogue()
    found = sdk_websockets()
    assert len(found) == 6
    for path in found:
        ep = catalogue.match("WEBSOCKET", concrete(path))
        assert ep is not None and ep.methods == ("WEBSOCKET",), path
    # An HTTP GET on the same path is not the WebSocket row.
    assert catalogue.match("GET", "/v1/realtime") is None
    assert catalogue.match("WEBSOCKET", "/v1/realtime/translations").id == (
        "realtime.translations.websocket"
    )


def test_every_tool_type_the_sdk_declares_has_a_row() -> None:
    catalogue = load_catalogue()
    shapes = load_shapes()
    declared = tool_types(shapes, shapes.bodies["POST /v1/responses"])
    assert {"web_search_2025_08_26", "web_search_preview_2025_03_11", "tool_search"} <= declared
    rows = catalogue.tool_rules("openai")
    classified = {lit for f in rows for lit in f.literals}
    assert declared <= classified
    # No row names a type the SDK does not declare (a typo would classify nothing).
    everywhere = set().union(*(tool_types(shapes, b) for b in shapes.bodies.values()))
    assert classified <= everywhere, classified - everywhere


def test_model_lists_name_models_the_sdk_knows() -> None:
    catalogue = load_catalogue()
    known = set(load_shapes().models)
    named = {m for ep in catalogue.endpoints for m in ep.zdr_models}
    named |= {m for f in catalogue.features.values() for m in f.skip_models}
    assert named and named <= known, named - known


def _family(model: str) -> float | None:
    m = re.match(r"gpt-(\d+(?:\.\d+)?)", model)
    return float(m.group(1)) if m else None


def test_prompt_cache_skip_list_covers_every_family_from_gpt_5_5() -> None:
    """'For gpt-5.5, gpt-5.5-pro, and future models, only 24h is supported': every SDK
    model of those families is listed by its exact id (a prefix would also let a
    made-up gpt-6-anything keep the 24-hour cache)."""
    skip = set(load_catalogue().features["prompt_cache_retention"].skip_models)
    newer = {m for m in load_shapes().models if (_family(m) or 0) >= 5.5}
    newer -= {m for m in newer if m.startswith("gpt-image") or "realtime" in m or "audio" in m}
    newer = {m for m in newer if not re.search(r"(transcribe|tts|search|image)", m)}
    assert newer - skip == set()


def test_known_params_cover_the_inspected_endpoints() -> None:
    known = known_params()
    assert "store" in known["responses.create"] and "tools" in known["chat.completions.create"]
    assert "betas" not in known["responses.create"]  # a header (openai-beta), not a body field


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
        "self_serve": "no",
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
        ({"features": ["tool.*"]}, "unknown feature"),
    ],
)
def test_invalid_rows_are_rejected_with_the_reason(change: dict[str, Any], message: str) -> None:
    data = {**BASE, "endpoints": [{**ROW, **change}]}
    with pytest.raises(ConfigError, match=message):
        parse_provider_file(yaml.safe_load(yaml.safe_dump(data)), "test.yaml")


FEATURE: dict[str, Any] = {
    "id": "f",
    "param": "store",
    "when": "present",
    "retains": "x",
    "retention": "x",
    "zdr": "no",
    "action": "refuse",
    "sources": ["S"],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"when": ["a", "b"]}, "a list of literals needs a tagged param"),
        ({"param": "a.b", "action": "rewrite", "rewrite_to": 1}, "only a top-level parameter"),
        ({"param": "tools[].type", "when": ["t"]}, "says where it runs"),
        (
            {"param": "tools[].type", "when": ["t"], "runs": "client", "where": {"a": 1}},
            "where maps",
        ),
        ({"action": "maybe"}, "action must be one of"),
    ],
)
def test_invalid_features_are_rejected_with_the_reason(
    change: dict[str, Any], message: str
) -> None:
    data = {**BASE, "features": [{**FEATURE, **change}], "endpoints": [ROW]}
    with pytest.raises(ConfigError, match=message):
        parse_provider_file(yaml.safe_load(yaml.safe_dump(data)), "test.yaml")


# Each provider's own documentation sites: a summary must cite at least one of them.
FIRST_PARTY = {
    "openai": ("developers.openai.com", "platform.openai.com"),
    "azure": ("learn.microsoft.com",),
    "anthropic": ("platform.claude.com", "privacy.anthropic.com"),
    "gemini": ("ai.google.dev", "docs.cloud.google.com"),
    "mistral": ("docs.mistral.ai",),
    "groq": ("console.groq.com",),
    "together": ("docs.together.ai",),
    "bedrock": ("docs.aws.amazon.com",),
    "openrouter": ("openrouter.ai",),
    "fireworks": ("docs.fireworks.ai",),
    "selfhosted": ("docs.vllm.ai", "docs.ollama.com"),
}


@pytest.mark.parametrize("provider", sorted(FIRST_PARTY))
def test_every_provider_is_summarised_from_its_own_pages(provider: str) -> None:
    p = load_catalogue().providers[provider]
    hosts = [s.url.split("/")[2] for s in p.sources if s.url.startswith("https://")]
    assert any(h in FIRST_PARTY[provider] for h in hosts), hosts
    assert p.self_serve in ("yes", "no", "n/a")
    assert p.how_to_get_zdr and p.default_retention and p.verify_how and p.contract_only
    assert len(p.checked) == 10


def test_self_serve_providers_are_the_ones_a_team_can_switch_on_itself() -> None:
    providers = load_catalogue().providers
    serve = sorted(pid for pid, p in providers.items() if p.self_serve == "yes")
    assert serve == ["bedrock", "groq", "openrouter", "together"]


def test_query_names_match_installed_sdk() -> None:
    """openai_queries.json is what the installed SDK sends (run scripts/gen_params.py)."""
    packaged = load_query_params()
    assert packaged.calls == {k: frozenset(v) for k, v in sdk_query_params().items()}
    assert packaged.declared("POST", "/v1/chat/completions") == frozenset()
    assert packaged.declared("GET", "/v1/responses/resp_1") >= {"include", "stream"}
    assert packaged.declared("GET", "/v1/files") >= {"after", "limit", "purpose"}
    assert packaged.declared("POST", "/v1/messages") is None  # not an openai SDK call
