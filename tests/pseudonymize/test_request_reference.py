"""Differential test: pseudonymize_body against a frozen copy of it as it was before the
speed work (tests/pseudonymize/reference/, commit 19f60aa: two walks over the body).
The output must be identical, key order included, and so must the vault (its tokens
and counts); the input must be left as it was. Bodies: generated from the SDK's shapes
with personal values put in their strings, and hypothesis-built JSON with what the
coverage rules single out (skipped keys, ``*_id``, free-form maps whose keys are
examined, ``data:`` URLs of text and of binary media, base64 runs, nesting).
"""

from __future__ import annotations

import base64
import copy
import random
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.policy import test_decide_reference as shapes
from tests.pseudonymize.reference import request_19f60aa as ref
from zdr.detect.engine import DetectorSet
from zdr.pseudonymize.request import pseudonymize_body
from zdr.pseudonymize.tokens import Vault

DETECT = DetectorSet()

PII = [
    "Helen Murray",
    "helen.murray@northwind-mail.com",
    "+44 20 7946 0123",
    "Mrs Kowalczyk",
    "4111 1111 1111 1111",
    "sk-proj-Zq8vN3xT5rL9wK2mP7sJ4hB6yT1uR0e",
    "GB82 WEST 1234 5698 7654 32",
    "10.0.0.12",
    "221B Baker Street, London NW1 6XE",
]
WORDS = ["hello", "the export failed", "call me", "Ticket #48213", "", " ", "ok\n\nthen"]


def _text(rng: random.Random) -> str:
    parts = [rng.choice(WORDS + PII) for _ in range(rng.randint(1, 4))]
    return " ".join(parts)


def _data_url(rng: random.Random) -> str:
    text = _text(rng)
    kind = rng.choice(["text/plain", "application/json", "image/png", "text/csv;charset=utf-8"])
    media, _, param = kind.partition(";")
    params = f";{param}" if param else ""
    payload = base64.b64encode(text.encode()).decode()
    if rng.random() < 0.1:
        payload = payload[:-2] + "!!"  # not base64: kept as sent
    return f"data:{media}{params};base64,{payload}"


KEYS = [
    "content", "text", "role", "type", "id", "file_id", "tool_ids", "model", "metadata",
    "variables", "name", "user", "encrypted_content", "arguments", "input", "instructions",
    "description", "b64_json", "purpose", "service_tier",
]  # fmt: skip


def _json(rng: random.Random, depth: int = 0) -> Any:
    pick = rng.random()
    if depth > 4 or pick < 0.35:
        return rng.choice([_text(rng), _text(rng), _data_url(rng), "QUJD" * 200, 3, None, True])
    if pick < 0.6:
        return [_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    out: dict[str, Any] = {}
    for _ in range(rng.randint(0, 5)):
        key = rng.choice(KEYS) if rng.random() < 0.8 else _text(rng)
        out[key] = _json(rng, depth + 1)
    return out


def _with_pii(value: Any, rng: random.Random) -> Any:
    """An SDK-shaped body with personal values in its strings."""
    if isinstance(value, str):
        return _text(rng) if rng.random() < 0.7 else value
    if isinstance(value, list):
        return [_with_pii(v, rng) for v in value]
    if isinstance(value, dict):
        return {
            (_text(rng) if rng.random() < 0.05 else k): _with_pii(v, rng) for k, v in value.items()
        }
    return value


def _same(body: dict[str, Any]) -> None:
    before = copy.deepcopy(body)
    mine, theirs = Vault(b"d" * 32), Vault(b"d" * 32)
    expected = ref.pseudonymize_body(copy.deepcopy(body), DETECT, theirs)
    got = pseudonymize_body(body, DETECT, mine)
    assert orjson.dumps(got) == orjson.dumps(expected)  # key order too
    assert body == before and orjson.dumps(body) == orjson.dumps(before)
    assert mine.counts == theirs.counts
    assert mine._values == theirs._values  # the same tokens for the same values


def test_the_chat_body_and_maps() -> None:
    _same(
        {
            "model": "gpt-4.1",
            "messages": [
                {"role": "system", "content": "Write to Mrs Kowalczyk about her claim."},
                {"role": "user", "content": [{"type": "text", "text": "Kowalczyk again"}]},
            ],
            "metadata": {"helen.murray@northwind-mail.com": "Helen Murray", "k": "v"},
            "prompt": {"id": "pmpt_1", "variables": {"who": "Helen Murray"}},
            "user": "helen.murray@northwind-mail.com",
        }
    )


def test_a_body_with_nothing_to_examine_is_returned_as_it_is() -> None:
    body = {"model": "m", "temperature": 0.2, "file_id": "Helen Murray", "n": [1, 2]}
    assert pseudonymize_body(body, DETECT, Vault(b"d" * 32)) is body
    _same(body)


def test_map_keys_that_become_the_same_token() -> None:
    email = "helen.murray@northwind-mail.com"
    vault = Vault(b"d" * 32)
    token = pseudonymize_body({"input": email}, DETECT, vault)["input"]
    assert token != email and vault.counts
    _same({"metadata": {email: "a", "b": "c", token: "d", "x": email}})
    _same({"metadata": {token: "a", "b": "c", email: "d"}})
    _same({"metadata": {"Helen Murray": {"helen.murray@northwind-mail.com": [email]}}})


def test_generated_sdk_bodies() -> None:
    rng = random.Random("pseudonymize")
    for key in shapes.READ_KEYS:
        for _ in range(6):
            body = _with_pii(shapes._body_for(rng, key), rng)
            _same(body)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32))
def test_hypothesis_bodies(seed: int) -> None:
    rng = random.Random(seed)
    body = _json(rng)
    _same(body if isinstance(body, dict) else {"input": body})
