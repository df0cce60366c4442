"""decide() is pure: tables of (request, policy) -> decision."""

from __future__ import annotations

from typing import Any

import pytest

from zdr.catalogue.load import load_catalogue
from zdr.catalogue.params import known_params
from zdr.config import PolicySettings
from zdr.policy.decide import Request, decide
from zdr.policy.model import HASHED, Decision, Policy

CAT = load_catalogue()


def policy(mode: str = "enforce", **kw: Any) -> Policy:
    return Policy.compile("p", PolicySettings(mode=mode, **kw), "openai")  # type: ignore[arg-type]


def run(
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    pol: Policy | None = None,
) -> Decision:
    ep = CAT.match(method, path)
    model = (body or {}).get("model")
    return decide(Request(method, path, ep, body, model), pol or policy(), CAT, known_params())


CHAT = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}
RESP = {"model": "gpt-4.1", "input": "hi"}


@pytest.mark.parametrize(
    ("method", "path", "body", "labels"),
    [
        ("POST", "/v1/chat/completions", CHAT, ["store=false", "prompt_cache_retention=in_memory"]),
        (
            "POST",
            "/v1/chat/completions",
            {**CHAT, "store": True, "prompt_cache_retention": "24h"},
            ["store=false", "prompt_cache_retention=in_memory"],
        ),
        (
            "POST",
            "/v1/chat/completions",
            {**CHAT, "store": False, "prompt_cache_retention": "in_memory"},
            [],
        ),
        ("POST", "/v1/responses", RESP, ["store=false", "prompt_cache_retention=in_memory"]),
        ("POST", "/v1/responses", {**RESP, "store": False, "model": "gpt-5.5"}, []),
        (
            "POST",
            "/v1/responses",
            {**RESP, "store": False, "user": "ann@example.com"},
            ["prompt_cache_retention=in_memory", "user=hashed"],
        ),
        (
            "POST",
            "/v1/responses",
            {
                **RESP,
                "store": False,
                "safety_identifier": "u-1",
                "prompt_cache_retention": "in_memory",
            },
            ["safety_identifier=hashed"],
        ),
        (
            "POST",
            "/v1/responses",
            {
                **RESP,
                "store": False,
                "metadata": {"a": "b"},
                "prompt_cache_retention": "in_memory",
                "include": ["reasoning.encrypted_content"],
            },
            [],
        ),
        (
            "POST",
            "/v1/responses",
            {
                **RESP,
                "store": False,
                "prompt_cache_retention": "in_memory",
                "tools": [{"type": "function", "name": "f"}, {"type": "image_generation"}],
            },
            [],
        ),
        ("POST", "/v1/embeddings", {"model": "text-embedding-3-small", "input": "x"}, []),
        ("POST", "/v1/images/generations", {"model": "gpt-image-1", "prompt": "cat"}, []),
        ("DELETE", "/v1/files/file-123", None, []),
        ("DELETE", "/v1/responses/resp_1", None, []),
        ("GET", "/v1/models", None, []),
    ],
)
def test_enforce_allows_or_rewrites(method: str, path: str, body: Any, labels: list[str]) -> None:
    decision = run(method, path, body)
    assert decision.refusal is None
    assert decision.labels == labels
    assert decision.action == ("rewrite" if labels else "allow")


@pytest.mark.parametrize(
    ("method", "path", "body", "rule", "param"),
    [
        ("POST", "/v1/files", None, "endpoint.retains", None),
        ("GET", "/v1/files/file-1/content", None, "endpoint.retains", None),
        ("POST", "/v1/assistants", {"model": "gpt-4.1"}, "endpoint.retains", None),
        ("POST", "/v1/threads/t1/runs", {}, "endpoint.retains", None),
        ("POST", "/v1/vector_stores", {}, "endpoint.retains", None),
        ("POST", "/v1/batches", {}, "endpoint.retains", None),
        ("POST", "/v1/conversations", {}, "endpoint.retains", None),
        ("GET", "/v1/responses/resp_1", None, "endpoint.retains", None),
        ("GET", "/v1/chat/completions", None, "endpoint.retains", None),
        ("POST", "/v1/videos", {"model": "sora-2"}, "endpoint.retains", None),
        ("POST", "/v1/fine_tuning/jobs", {}, "endpoint.retains", None),
        ("POST", "/v1/responses/input_tokens", {}, "endpoint.unknown_retention", None),
        ("POST", "/v1/not/a/real/endpoint", {}, "endpoint.unknown", None),
        ("POST", "/v1/responses", {**RESP, "background": True}, "feature.background", "background"),
        (
            "POST",
            "/v1/responses",
            {**RESP, "previous_response_id": "resp_1"},
            "feature.previous_response_id",
            "previous_response_id",
        ),
        (
            "POST",
            "/v1/responses",
            {**RESP, "conversation": "conv_1"},
            "feature.conversation",
            "conversation",
        ),
        (
            "POST",
            "/v1/responses",
            {**RESP, "input": [{"type": "item_reference", "id": "fc_1"}]},
            "feature.item_reference",
            "input",
        ),
        (
            "POST",
            "/v1/responses",
            {**RESP, "tools": [{"type": "code_interpreter"}]},
            "feature.tool.code_interpreter",
            "tools",
        ),
        (
            "POST",
            "/v1/responses",
            {**RESP, "tools": [{"type": "file_search"}]},
            "feature.tool.file_search",
            "tools",
        ),
        (
            "POST",
            "/v1/responses",
            {**RESP, "tools": [{"type": "mcp"}]},
            "feature.tool.mcp",
            "tools",
        ),
        (
            "POST",
            "/v1/responses",
            {**RESP, "tools": [{"type": "web_search"}]},
            "feature.tool.web_search",
            "tools",
        ),
        (
            "POST",
            "/v1/chat/completions",
            {**CHAT, "web_search_options": {}},
            "feature.chat.web_search_options",
            "web_search_options",
        ),
        (
            "POST",
            "/v1/chat/completions",
            {**CHAT, "brand_new_param": 1},
            "parameter.unknown",
            "brand_new_param",
        ),
        (
            "POST",
            "/v1/images/generations",
            {"model": "dall-e-3", "prompt": "x"},
            "model.not_eligible",
            "model",
        ),
    ],
)
def test_enforce_refuses(method: str, path: str, body: Any, rule: str, param: str | None) -> None:
    decision = run(method, path, body)
    assert decision.action == "refuse"
    assert decision.refusal is not None
    assert decision.refusal.rule == rule
    assert decision.refusal.param == param


def test_endpoint_refusal_message_names_retention_source_and_alternative() -> None:
    refusal = run("POST", "/v1/files").refusal
    assert refusal is not None and refusal.kind == "endpoint"
    msg = refusal.message
    assert "POST /v1/files" in msg and "until deleted" in msg
    assert "https://developers.openai.com/api/docs/guides/your-data" in msg
    assert "Instead" in msg


def test_previous_response_refusal_says_what_to_do_instead() -> None:
    refusal = run("POST", "/v1/responses", {**RESP, "previous_response_id": "r"}).refusal
    assert refusal is not None
    assert "reasoning.encrypted_content" in refusal.message
    assert "`input`" in refusal.message


def test_strict_refuses_what_enforce_rewrites() -> None:
    decision = run("POST", "/v1/responses", RESP, policy("strict"))
    assert decision.refusal is not None
    assert decision.refusal.rule == "feature.responses.store"
    ok = run(
        "POST",
        "/v1/responses",
        {**RESP, "store": False, "prompt_cache_retention": "in_memory"},
        policy("strict"),
    )
    assert ok.action == "allow"


def test_unknown_forward_lets_unknowns_through() -> None:
    pol = policy(unknown="forward")
    assert run("POST", "/v1/not/real", {}, pol).action == "allow"
    assert run("POST", "/v1/responses/input_tokens", {"input": "x"}, pol).action == "allow"
    assert (
        run(
            "POST",
            "/v1/chat/completions",
            {**CHAT, "store": False, "x_new": 1, "prompt_cache_retention": "in_memory"},
            pol,
        ).action
        == "allow"
    )


def test_allow_lists() -> None:
    only_embeddings = policy(endpoints=["embeddings.create"])
    assert (
        run("POST", "/v1/embeddings", {"model": "m", "input": "x"}, only_embeddings).action
        == "allow"
    )
    refused = run("POST", "/v1/chat/completions", CHAT, only_embeddings).refusal
    assert refused is not None and refused.rule == "endpoint.not_allowed"
    # An explicit allow-list entry is an informed override of a stateful endpoint.
    assert run("POST", "/v1/files", None, policy(endpoints=["files"])).action == "allow"
    models = policy(models=["gpt-4.1*"])
    assert (
        run("POST", "/v1/chat/completions", {**CHAT, "model": "gpt-4.1-mini"}, models).refusal
        is None
    )
    refused = run("POST", "/v1/chat/completions", {**CHAT, "model": "o3"}, models).refusal
    assert refused is not None and refused.rule == "model.not_allowed"
    tools = policy(tools=["web_search"])
    body = {
        **RESP,
        "store": False,
        "prompt_cache_retention": "in_memory",
        "tools": [{"type": "web_search"}],
    }
    assert run("POST", "/v1/responses", body, tools).action == "allow"
    body["tools"] = [{"type": "code_interpreter"}]
    refused = run("POST", "/v1/responses", body, tools).refusal
    assert refused is not None and refused.rule == "tool.not_allowed"


def test_hash_rewrite_uses_marker() -> None:
    decision = run("POST", "/v1/embeddings", {"model": "m", "input": "x", "user": "bob"})
    [rw] = decision.rewrites
    assert rw.param == "user" and rw.value is HASHED


def test_decision_messages_never_contain_values() -> None:
    secret = "ann.secret@example.com"
    for body in (
        {**RESP, "previous_response_id": secret},
        {**CHAT, secret: 1},
        {**RESP, "conversation": secret},
    ):
        refusal = run(
            "POST", "/v1/responses" if "input" in body else "/v1/chat/completions", body
        ).refusal
        assert refusal is not None
        assert secret not in refusal.message or refusal.rule == "parameter.unknown"
