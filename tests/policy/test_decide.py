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
        (
            "POST",
            "/v1/responses",
            RESP,
            [
                "store=false",
                "include+=reasoning.encrypted_content",
                "prompt_cache_retention=in_memory",
            ],
        ),
        (  # the client's own include is kept and not repeated
            "POST",
            "/v1/responses",
            {**RESP, "include": ["reasoning.encrypted_content"], "store": True},
            ["store=false", "prompt_cache_retention=in_memory"],
        ),
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
                "tools": [
                    {"type": "function", "name": "f"},
                    {"type": "image_generation", "model": "gpt-image-2"},
                ],
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


OK = {**RESP, "store": False, "prompt_cache_retention": "in_memory"}
NS = {"type": "namespace", "name": "crm", "description": "d"}


def _tools(*tools: dict[str, Any]) -> dict[str, Any]:
    return {**OK, "tools": list(tools)}


# Each row: a request a client with a valid key could send, and the rule that refuses it.
ATTACKS: list[tuple[str, str, dict[str, Any], str]] = [
    # Tool types outside a deny-list: dated variants, case variants, hosted types the old
    # list never named, and hosted tools nested where a list of top-level types never looks.
    (
        "dated web_search",
        "/v1/responses",
        _tools({"type": "web_search_2025_08_26"}),
        "feature.tool.web_search",
    ),
    (
        "dated preview",
        "/v1/responses",
        _tools({"type": "web_search_preview_2025_03_11"}),
        "feature.tool.web_search_preview",
    ),
    ("case variant", "/v1/responses", _tools({"type": "Web_Search"}), "parameter.invalid"),
    ("upper case", "/v1/responses", _tools({"type": "CODE_INTERPRETER"}), "parameter.invalid"),
    (
        "hosted tool_search",
        "/v1/responses",
        _tools({"type": "tool_search"}),
        "feature.tool.tool_search",
    ),
    (
        "hosted shell",
        "/v1/responses",
        _tools({"type": "shell", "environment": {"type": "container_auto"}}),
        "feature.tool.shell",
    ),
    ("shell, default env", "/v1/responses", _tools({"type": "shell"}), "feature.tool.shell"),
    ("mcp", "/v1/responses", _tools({"type": "mcp", "server_label": "s"}), "feature.tool.mcp"),
    (
        "image tool, default model",
        "/v1/responses",
        _tools({"type": "image_generation"}),
        "feature.tool.image_generation.other_model",
    ),
    (
        "image tool, 2.6",
        "/v1/responses",
        _tools({"type": "image_generation", "model": "gpt-image-2.6-sunburst"}),
        "feature.tool.image_generation.other_model",
    ),
    (
        "web_search in a namespace",
        "/v1/responses",
        _tools({**NS, "tools": [{"type": "web_search"}]}),
        "parameter.invalid",
    ),
    (
        "tools added by an input item",
        "/v1/responses",
        {
            **OK,
            "input": [
                {
                    "type": "additional_tools",
                    "tools": [{"type": "code_interpreter", "container": {"type": "auto"}}],
                }
            ],
        },
        "feature.tool.code_interpreter",
    ),
    (
        "tools in a tool_search_output",
        "/v1/responses",
        {
            **OK,
            "input": [
                {
                    "type": "tool_search_output",
                    "execution": "client",
                    "call_id": "c",
                    "tools": [{"type": "file_search", "vector_store_ids": ["vs_1"]}],
                }
            ],
        },
        "feature.tool.file_search",
    ),
    (
        "chat: a hosted tool",
        "/v1/chat/completions",
        {
            **CHAT,
            "store": False,
            "prompt_cache_retention": "in_memory",
            "tools": [{"type": "web_search"}],
        },
        "parameter.invalid",
    ),
    # Retention settings under other names or types.
    (
        "cache ttl 12h",
        "/v1/responses",
        {**OK, "prompt_cache_options": {"ttl": "12h"}},
        "feature.prompt_cache_options.ttl",
    ),
    (
        "cache ttl 12H",
        "/v1/responses",
        {**OK, "prompt_cache_options": {"ttl": "12H"}},
        "parameter.invalid",
    ),
    (
        "retention 24H",
        "/v1/responses",
        {**OK, "prompt_cache_retention": "24H"},
        "parameter.invalid",
    ),
    (
        "retention 86400",
        "/v1/responses",
        {**OK, "prompt_cache_retention": 86400},
        "parameter.invalid",
    ),
    ("background as a string", "/v1/responses", {**OK, "background": "true"}, "parameter.invalid"),
    ("background as 1", "/v1/responses", {**OK, "background": 1}, "parameter.invalid"),
    ("store as a string", "/v1/responses", {**OK, "store": "false"}, "parameter.invalid"),
    (
        "background options",
        "/v1/responses",
        {**OK, "background_options": {"completion_window": "8h"}},
        "feature.background_options",
    ),
    (
        "item reference, no type",
        "/v1/responses",
        {**OK, "input": [{"id": "msg_1"}]},
        "feature.item_reference",
    ),
    (
        "item reference and message",
        "/v1/responses",
        {**OK, "input": [{"id": "msg_1", "role": "user", "content": "hi"}]},
        "feature.item_reference",
    ),
    (
        "item reference, null type",
        "/v1/responses",
        {**OK, "input": [{"id": "msg_1", "type": None}]},
        "feature.item_reference",
    ),
    (
        "item reference in capitals",
        "/v1/responses",
        {**OK, "input": [{"type": "ITEM_REFERENCE", "id": "x"}]},
        "parameter.invalid",
    ),
    (
        "stored prompt template",
        "/v1/responses",
        {**OK, "prompt": {"id": "pmpt_1"}},
        "feature.prompt",
    ),
    (
        "a stored file by id",
        "/v1/responses",
        {
            **OK,
            "input": [{"role": "user", "content": [{"type": "input_file", "file_id": "file-1"}]}],
        },
        "feature.stored_file_input",
    ),
    (
        "a stored image by id",
        "/v1/responses",
        {
            **OK,
            "input": [
                {
                    "role": "user",
                    "content": [{"type": "input_image", "file_id": "file-1", "detail": "auto"}],
                }
            ],
        },
        "feature.stored_file_input",
    ),
    (
        "chat: a stored file by id",
        "/v1/chat/completions",
        {
            **CHAT,
            "store": False,
            "prompt_cache_retention": "in_memory",
            "messages": [
                {"role": "user", "content": [{"type": "file", "file": {"file_id": "file-1"}}]}
            ],
        },
        "feature.chat.stored_file_input",
    ),
    (
        "chat: unknown role",
        "/v1/chat/completions",
        {**CHAT, "messages": [{"role": "Admin", "content": "x"}]},
        "parameter.invalid",
    ),
    (
        "moderated completion",
        "/v1/responses",
        {**OK, "moderation": {"model": "omni-moderation-latest"}},
        "feature.moderation",
    ),
    (
        "live: stored session",
        "/v1/live/sessions",
        {"session": {"store": True}},
        "feature.live.store",
    ),
    (
        "realtime tracing",
        "/v1/realtime/client_secrets",
        {"session": {"type": "realtime", "tracing": "auto"}},
        "feature.realtime.tracing",
    ),
    (
        "realtime stored prompt",
        "/v1/realtime/client_secrets",
        {"session": {"type": "realtime", "prompt": {"id": "pmpt_1"}}},
        "feature.realtime.prompt",
    ),
    ("content provenance", "/v1/content_provenance_checks", {}, "endpoint.retains"),
]


@pytest.mark.parametrize(
    ("path", "body", "rule"), [a[1:] for a in ATTACKS], ids=[a[0] for a in ATTACKS]
)
def test_attacks_are_refused(path: str, body: dict[str, Any], rule: str) -> None:
    refusal = run("POST", path, body).refusal
    assert refusal is not None, "forwarded"
    assert refusal.rule == rule, refusal.message


ALLOWED: list[tuple[str, str, dict[str, Any], list[str]]] = [
    (
        "function in a namespace",
        "/v1/responses",
        _tools({**NS, "tools": [{"type": "function", "name": "f"}]}),
        [],
    ),
    (
        "local shell",
        "/v1/responses",
        _tools({"type": "shell", "environment": {"type": "local"}}),
        [],
    ),
    (
        "client tool search",
        "/v1/responses",
        _tools({"type": "tool_search", "execution": "client"}),
        [],
    ),
    ("computer use", "/v1/responses", _tools({"type": "computer"}), []),
    (
        "cache-only web search",
        "/v1/responses",
        _tools({"type": "web_search_2025_08_26", "external_web_access": False}),
        [],
    ),
    (
        "programmatic tool calling",
        "/v1/responses",
        _tools({"type": "programmatic_tool_calling"}),
        [],
    ),
    (
        "a typed message",
        "/v1/responses",
        {
            **OK,
            "input": [
                {
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": "hi"}],
                }
            ],
        },
        [],
    ),
    (
        "an inline file",
        "/v1/responses",
        {
            **OK,
            "input": [
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "input_file",
                            "file_data": "data:application/pdf;base64,AAAA",
                            "filename": "a.pdf",
                        }
                    ],
                }
            ],
        },
        [],
    ),
    ("cache ttl 30m", "/v1/responses", {**OK, "prompt_cache_options": {"ttl": "30m"}}, []),
    (
        "server-side compaction",
        "/v1/responses",
        {**OK, "context_management": [{"type": "compaction", "compact_threshold": 1000}]},
        [],
    ),
    (
        "optional fields as null",
        "/v1/responses",
        {**OK, "temperature": None, "tools": None, "background": None},
        [],
    ),
    (
        "a prefix model gets the rewrite",
        "/v1/responses",
        {**RESP, "store": False, "model": "gpt-6-anything"},
        ["prompt_cache_retention=in_memory"],
    ),
    (
        "a listed 24h-only model keeps it",
        "/v1/responses",
        {**RESP, "store": False, "model": "gpt-6.2-astra"},
        [],
    ),
    (
        "decisions",
        "/v1/decisions",
        {
            "model": "gpt-6-luna",
            "input": "x",
            "questions": [{"type": "predicate", "question": "q?"}],
        },
        [],
    ),
    ("live session, store false", "/v1/live/sessions", {"session": {"store": False}}, []),
]


@pytest.mark.parametrize(
    ("path", "body", "labels"), [a[1:] for a in ALLOWED], ids=[a[0] for a in ALLOWED]
)
def test_what_keeps_nothing_is_forwarded(
    path: str, body: dict[str, Any], labels: list[str]
) -> None:
    decision = run("POST", path, body)
    assert decision.refusal is None, decision.refusal.message
    assert decision.labels == labels


@pytest.mark.parametrize(
    ("model", "eligible"),
    [
        ("gpt-image-1", True),
        ("gpt-image-2.5-flare-2026-09-08", True),
        ("gpt-image-2.6-sunburst", False),  # in the SDK, named by no source
        ("gpt-image-2-2026-04-21", False),  # a snapshot the source does not list
        ("GPT-IMAGE-1", False),
        ("gpt-image-1-anything", False),
        ("chatgpt-image-latest", False),
    ],
)
def test_image_models_are_matched_exactly(model: str, eligible: bool) -> None:
    refusal = run("POST", "/v1/images/generations", {"model": model, "prompt": "cat"}).refusal
    assert (refusal is None) == eligible
    if refusal is not None:
        assert refusal.rule == "model.not_eligible"


def test_refusals_name_the_offending_literal_in_a_sentence() -> None:
    refusal = run("POST", "/v1/responses", _tools({"type": "web_search_2025_08_26"})).refusal
    assert refusal is not None
    assert '"web_search_2025_08_26" tool (`tools[0]`)' in refusal.message
    assert "with it, the provider keeps search queries" in refusal.message
    refusal = run("POST", "/v1/responses", _tools({"type": "Web_Search"})).refusal
    assert refusal is not None
    assert '`tools[0].type` is "Web_Search", but the openai SDK declares one of' in refusal.message
    refusal = run("POST", "/v1/responses", {**OK, "background": True}).refusal
    assert refusal is not None
    assert "with it, the provider keeps the response on disk, so that it can be polled" in (
        refusal.message
    )
    assert " it the " not in refusal.message
    refusal = run("POST", "/v1/responses", {**OK, "prompt_cache_retention": 86400}).refusal
    assert refusal is not None and "`prompt_cache_retention` is 86400" in refusal.message


@pytest.mark.parametrize(
    "body",
    [
        {**OK, "background": "ann.secret@example.com"},
        _tools({"type": "ann.secret@example.com"}),
        {**OK, "input": [{"type": "Ann Secret lives at 1 Main St", "id": "x"}]},
        {**OK, "prompt_cache_retention": "ann.secret@example.com"},
    ],
)
def test_refusals_never_repeat_content(body: dict[str, Any]) -> None:
    refusal = run("POST", "/v1/responses", body).refusal
    assert refusal is not None and refusal.rule == "parameter.invalid"
    assert "ann" not in refusal.message.lower() and "main st" not in refusal.message.lower()


def test_unknown_forward_still_holds_retention_settings_and_object_types() -> None:
    pol = policy(unknown="forward")
    # A wrong type where nothing is kept: forwarded (the provider answers it).
    assert run("POST", "/v1/responses", {**OK, "temperature": "hot"}, pol).refusal is None
    assert run("POST", "/v1/responses", {**OK, "temperature": "hot"}).refusal is not None
    # A look-alike retention setting or an object type the SDK does not declare: refused.
    for body in (
        {**OK, "background": "true"},
        _tools({"type": "hosted_notebook"}),
        {**OK, "input": [{"type": "Item_Reference", "id": "x"}]},
    ):
        refusal = run("POST", "/v1/responses", body, pol).refusal
        assert refusal is not None and refusal.rule == "parameter.invalid"
    # Rows whose retention no source states are forwarded under unknown: forward.
    assert run("POST", "/v1/responses", _tools({"type": "tool_search"}), pol).refusal is None


def test_the_policy_tools_list_allows_and_lists_exceptions() -> None:
    newer = policy(tools=["hosted_notebook", "web_search"])
    assert run("POST", "/v1/responses", _tools({"type": "hosted_notebook"}), newer).refusal is None
    assert run("POST", "/v1/responses", _tools({"type": "web_search"}), newer).refusal is None
    refusal = run("POST", "/v1/responses", _tools({"type": "mcp", "server_label": "s"}), newer)
    assert refusal.refusal is not None and refusal.refusal.rule == "tool.not_allowed"
    # Client-run tools need no listing; an exception never admits a case variant.
    assert (
        run("POST", "/v1/responses", _tools({"type": "function", "name": "f"}), newer).refusal
        is None
    )
    refusal = run("POST", "/v1/responses", _tools({"type": "Hosted_Notebook"}), newer)
    assert refusal.refusal is not None and refusal.refusal.rule == "parameter.invalid"


def _run_on(provider: str, path: str, body: dict[str, Any]) -> Decision:
    ep = CAT.match("POST", path, provider)
    assert ep is not None, (provider, path)
    return decide(Request("POST", path, ep, body, body.get("model")), policy(), CAT, known_params())


def test_openrouter_requests_are_routed_to_zdr_endpoints_only() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "x"}]}
    added = _run_on("openrouter", "/api/v1/chat/completions", body)
    assert [(r.param, r.value) for r in added.rewrites] == [("provider", {"zdr": True})]
    refused = _run_on(
        "openrouter", "/api/v1/chat/completions", {**body, "provider": {"sort": "price"}}
    )
    assert refused.refusal is not None and refused.refusal.rule == "feature.openrouter.zdr_required"
    kept = _run_on("openrouter", "/api/v1/chat/completions", {**body, "provider": {"zdr": True}})
    assert kept.refusal is None and kept.rewrites == ()


def test_other_providers_rows_apply_to_their_own_paths() -> None:
    body = {"model": "m", "input": "x"}
    bedrock = _run_on("bedrock", "/openai/v1/responses", body)
    assert bedrock.labels == ["store=false"]
    assert _run_on("bedrock", "/openai/v1/responses", {**body, "background": True}).refusal
    groq_batch = CAT.match("POST", "/openai/v1/batches", "groq")
    assert groq_batch is not None and groq_batch.zdr == "no"
    assert _run_on("groq", "/openai/v1/chat/completions", {"model": "m"}).refusal is None
    # Only OpenAI's bodies are held to the openai SDK: Groq's own tools pass by type.
    assert (
        _run_on(
            "groq", "/openai/v1/chat/completions", {"tools": [{"type": "browser_search"}]}
        ).refusal
        is None
    )


def test_unknown_names_are_shown_only_when_they_are_identifiers() -> None:
    """A key or query name is the client's text: an e-mail used as one never comes back
    in the message or ``param``."""
    secret = "ann.secret@example.com"
    body = run("POST", "/v1/chat/completions", {**CHAT, secret: 1}).refusal
    assert body is not None and body.rule == "parameter.unknown"
    assert secret not in body.message and body.param is None
    ep = CAT.match("POST", "/v1/chat/completions")
    for query, shown_name in (((secret, "x"),), None), ((("store", "true"),), "store"):
        req = Request("POST", "/v1/chat/completions", ep, CHAT, "gpt-4.1", query)
        refusal = decide(req, policy(), CAT, known_params()).refusal
        assert refusal is not None and refusal.rule == "parameter.unknown"
        assert secret not in refusal.message and refusal.param == shown_name
    listed = Request(
        "GET", "/v1/files", CAT.match("GET", "/v1/files"), None, None, [("limit", "5")]
    )
    assert decide(listed, policy(endpoints=["files.get"]), CAT, known_params()).refusal is None
