"""Policies enforced end to end: the official SDK, the gateway, the fake upstream."""

from __future__ import annotations

import httpx
import openai
import pytest

from tests.conftest import RunningGateway
from zdr.fake.openai import FakeOpenAI


def test_store_true_reaches_upstream_as_false(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    raw = gateway.client().chat.completions.with_raw_response.create(
        model="gpt-4.1", messages=[{"role": "user", "content": "hi"}], store=True
    )
    assert raw.headers["x-zdr-policy"] == "default"
    assert raw.headers["x-zdr-rewrites"] == "store=false,prompt_cache_retention=in_memory"
    assert raw.headers["x-zdr-decision"] == "rewrite"
    sent = fake.requests[-1].json()
    assert sent["store"] is False and sent["prompt_cache_retention"] == "in_memory"
    assert sent["messages"] == [{"role": "user", "content": "hi"}]  # the rest is untouched


def test_responses_default_store_is_made_explicit(
    gateway: RunningGateway, fake: FakeOpenAI
) -> None:
    resp = gateway.client().responses.create(model="gpt-4.1", input="hello")
    assert resp.output_text == "You said: hello"
    assert fake.requests[-1].json()["store"] is False
    assert resp.id not in fake.stored  # the upstream was told not to keep it


def test_store_rewrite_asks_for_encrypted_reasoning(
    gateway: RunningGateway, fake: FakeOpenAI
) -> None:
    """With store false, reasoning items travel encrypted: the client's include is kept."""
    raw = gateway.client().responses.with_raw_response.create(
        model="gpt-5", input="hello", include=["message.output_text.logprobs"]
    )
    assert "include+=reasoning.encrypted_content" in raw.headers["x-zdr-rewrites"]
    sent = fake.requests[-1].json()
    assert sent["store"] is False
    assert sent["include"] == ["message.output_text.logprobs", "reasoning.encrypted_content"]


def test_file_upload_refused_before_any_byte_reaches_upstream(
    gateway: RunningGateway, fake: FakeOpenAI
) -> None:
    with pytest.raises(openai.PermissionDeniedError) as info:
        gateway.client().files.create(file=("a.jsonl", b'{"x": 1}\n'), purpose="batch")
    assert fake.requests == []
    err = info.value
    assert err.code == "zdr_endpoint_not_allowed"
    assert err.type == "zdr_policy_error"
    assert "POST /v1/files" in err.message and "until deleted" in err.message
    assert err.message.endswith("[rule endpoint.retains]")
    assert err.response.headers["x-zdr-policy"] == "default"


def test_previous_response_id_refused_with_advice(
    gateway: RunningGateway, fake: FakeOpenAI
) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        gateway.client().responses.create(
            model="gpt-4.1", input="x", previous_response_id="resp_abc", store=False
        )
    assert info.value.code == "zdr_feature_not_allowed"
    assert info.value.param == "previous_response_id"
    assert "reasoning.encrypted_content" in info.value.message
    assert "[rule feature.previous_response_id]" in info.value.message
    assert fake.requests == []


def test_end_user_identifier_is_replaced_by_stable_keyed_hash(
    gateway: RunningGateway, fake: FakeOpenAI
) -> None:
    client = gateway.client()
    for _ in range(2):
        client.embeddings.create(model="e", input="x", user="ann@example.com")
    first, second = (r.json()["user"] for r in fake.requests)
    assert first == second
    assert first.startswith("zdr-") and "ann" not in first


def test_observe_forwards_unchanged_and_says_what_it_would_do(
    gateway_factory, fake: FakeOpenAI
) -> None:
    gw = gateway_factory({"policies": {"default": {"mode": "observe"}}})
    raw = gw.client().responses.with_raw_response.create(
        model="gpt-4.1", input="x", background=True
    )
    assert raw.headers["x-zdr-decision"] == "observe"
    assert raw.headers["x-zdr-would"] == "refuse:feature.background"
    assert fake.requests[-1].json()["background"] is True


def test_strict_refuses_store_true(gateway_factory, fake: FakeOpenAI) -> None:
    gw = gateway_factory({"policies": {"default": {"mode": "strict"}}})
    with pytest.raises(openai.BadRequestError) as info:
        gw.client().chat.completions.create(
            model="gpt-4.1", store=True, messages=[{"role": "user", "content": "x"}]
        )
    assert "strict mode" in info.value.message
    assert fake.requests == []


def test_policies_route_to_named_upstreams(gateway_factory, fake: FakeOpenAI) -> None:
    gw = gateway_factory(
        {
            "upstreams": {
                "openai": {"base_url": fake.url + "/v1", "api_key": "sk-main-upstream-key"},
                "local": {"base_url": fake.url + "/v1", "auth": "none", "provider": "openai"},
            },
            "policies": {"default": {}, "local-only": {"upstream": "local"}},
        },
        keys={"app": "default", "lab": "local-only"},
    )
    gw.client().embeddings.create(model="e", input="x")
    gw.client(key=gw.keys["lab"]).embeddings.create(model="e", input="x")
    main, local = fake.requests
    assert main.headers["authorization"] == "Bearer sk-main-upstream-key"
    assert "authorization" not in local.headers


def test_zdr_endpoints_served_as_json(gateway: RunningGateway) -> None:
    data = httpx.get(gateway.url + "/zdr/endpoints").json()
    ids = {e["id"] for e in data["endpoints"]}
    assert {"chat.completions.create", "responses.create", "files.post"} <= ids
    files = next(e for e in data["endpoints"] if e["id"] == "files.post")
    assert files["zdr"] == "no" and files["sources"][0]["url"].startswith("https://")
    assert any(f["id"] == "responses.store" for f in data["features"])
