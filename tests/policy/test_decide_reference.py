"""Differential test: decide() (and the SDK reader under it) against a frozen copy of
both as they were before the speed work (tests/policy/reference/, commit 19f60aa). The
decisions must be identical, message for message, on a broad corpus: every case of
tests/policy/test_decide.py, bodies generated from the SDK's own shapes (valid ones
and ones with wrong types, unknown literals, case variants, missing tags, nulls,
unknown keys), on every body the SDK declares, under policies that differ in mode,
unknowns, tools, models and endpoints allow-lists.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.policy import test_decide as cases
from tests.policy.reference import decide_19f60aa as ref
from tests.policy.reference import shapes_19f60aa as ref_shapes
from zdr.catalogue.load import load_catalogue
from zdr.catalogue.params import known_params
from zdr.catalogue.shapes import Reading, load_shapes, shapes_data
from zdr.config import PolicySettings
from zdr.policy.decide import Request, decide
from zdr.policy.model import Decision, Policy

CAT = load_catalogue()
KNOWN = known_params()
DATA = shapes_data()
DEFS: dict[str, Any] = DATA["defs"]
REF_SHAPES = ref_shapes.BodyShapes(shapes_data())


def _policy(name: str, **kw: Any) -> Policy:
    return Policy.compile(name, PolicySettings(**kw), "openai")


POLICIES = [
    _policy("default"),
    _policy("strict", mode="strict"),
    _policy("forward", unknown="forward"),
    _policy("tools", tools=["function", "web_search", "my_own_tool", "tool.shell", "mcp"]),
    _policy("no-tools", tools=[]),
    _policy("models", models=["gpt-4.1*", "gpt-image-1"]),
    _policy("endpoints", endpoints=["chat.completions.create", "/v1/responses", "files"]),
    _policy("observe", mode="observe", unknown="forward", tools=["custom"]),
]


def _literals() -> list[Any]:
    found: set[str] = set()

    def visit(shape: Any) -> None:
        if isinstance(shape, dict):
            for lit in shape.get("enum", ()):
                if isinstance(lit, str):
                    found.add(lit)
            for v in shape.values():
                visit(v)
        elif isinstance(shape, list):
            for v in shape:
                visit(v)

    visit(DATA)
    for f in CAT.features.values():
        found.update(f.literals)
    return sorted(found)


LITERALS = _literals()
ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2.5,
    "",
    "x",
    "Ann Lee",
    [],
    {},
    [1],
    {"a": 1},
]


def _odd(rng: random.Random) -> Any:
    """A value of a likely wrong kind, or a literal from anywhere, or a case variant."""
    pick = rng.random()
    if pick < 0.4:
        return rng.choice(ODD_VALUES)
    lit = rng.choice(LITERALS)
    if pick < 0.55:
        return lit.upper() if rng.random() < 0.5 else lit.title()
    return lit


def _value(rng: random.Random, shape: Any, depth: int) -> Any:
    """A value of ``shape`` (mostly as the SDK declares it; now and then not)."""
    if rng.random() < 0.04 or depth > 6:
        return _odd(rng)
    if isinstance(shape, str):
        return {
            "bool": rng.random() < 0.5,
            "int": rng.randint(-2, 100),
            "num": rng.choice([0, 1.5, 7]),
            "str": rng.choice(["hi", "gpt-4.1", "auto", "24h", "in_memory", rng.choice(LITERALS)]),
            "any": rng.choice(ODD_VALUES),
            "null": None,
        }[shape]
    if "enum" in shape:
        return rng.choice(shape["enum"])
    if "list" in shape:
        return [_value(rng, shape["list"], depth + 1) for _ in range(rng.choice([0, 1, 1, 2, 3]))]
    if "map" in shape:
        return {f"k{i}": _value(rng, shape["map"], depth + 1) for i in range(rng.randint(0, 2))}
    if "ref" in shape:
        return _object(rng, shape["ref"], depth)
    members = shape["union"]
    value = _value(rng, rng.choice(members), depth)
    tag = shape.get("tag")
    if tag and isinstance(value, dict) and rng.random() < 0.1:
        value.pop(tag, None)  # an untagged member (item references)
    return value


def _object(rng: random.Random, name: str, depth: int) -> dict[str, Any]:
    d = DEFS[name]
    out: dict[str, Any] = {}
    for key, shape in d["fields"].items():
        if key in d["required"] or rng.random() < 0.3:
            out[key] = _value(rng, shape, depth + 1) if rng.random() > 0.05 else None
    if rng.random() < 0.05:
        out[rng.choice(["unknown_param", "Store", "x"])] = 1
    return out


POST_KEYS = [k for k in DATA["bodies"] if k.split(" ", 1)[0] in ("POST", "PUT", "PATCH")]


def _concrete(key: str) -> tuple[str, str]:
    method, template = key.split(" ", 1)
    path = "/".join("id_1" if s.startswith("{") else s for s in template.split("/"))
    return method, path


def _body_for(rng: random.Random, key: str) -> Any:
    shape = DATA["bodies"][key]
    body = _value(rng, shape, 0)
    if not isinstance(body, dict):
        body = {"input": body}
    if rng.random() < 0.5:
        body["model"] = rng.choice(["gpt-4.1", "gpt-5.5", "gpt-image-1", "gpt-4o", "o3"])
    return body


def _same(method: str, path: str, body: Any, pol: Policy) -> None:
    ep = CAT.match(method, path)
    model = body.get("model") if isinstance(body, dict) else None
    req = Request(method, path, ep, body, model if isinstance(model, str) else None)
    expected: Decision = ref.decide(req, pol, CAT, KNOWN)
    assert decide(req, pol, CAT, KNOWN) == expected
    assert decide(req, pol, CAT, KNOWN) == expected  # again: with what was cached


def _reading(r: Any) -> tuple[list[tuple[str, str, str, bool]], list[tuple[Any, str, str]]]:
    return (
        [(p.path, p.expected, p.got, p.is_tag) for p in r.problems],
        [(t.label, t.tag, t.path) for t in r.tagged],
    )


def _same_reading(key: str, body: Any, open_tags: dict[str, frozenset[str]] | None) -> None:
    got: Reading = load_shapes().read(key, body, open_tags)
    assert _reading(got) == _reading(REF_SHAPES.read(key, body, open_tags))


def _case_rows() -> list[tuple[str, str, Any]]:
    """(method, path, body) of every parametrized case in test_decide.py and its tables."""
    rows: list[tuple[str, str, Any]] = []
    for name in dir(cases):
        fn = getattr(cases, name)
        for mark in getattr(fn, "pytestmark", ()):
            if mark.name != "parametrize":
                continue
            names = mark.args[0] if isinstance(mark.args[0], (tuple, list)) else [mark.args[0]]
            names = [n.strip() for n in (names if len(names) > 1 else names[0].split(","))]
            for values in mark.args[1]:
                values = values if len(names) > 1 else (values,)
                row = dict(zip(names, values, strict=True))
                if "body" in row:
                    path = row.get("path", "/v1/responses")
                    rows.append((row.get("method", "POST"), path, row["body"]))
    for table in (cases.ATTACKS, cases.ALLOWED):
        rows.extend(("POST", path, body) for _, path, body, *_ in table)
    return rows


CASES = _case_rows()


def _reaches_the_body(key: str) -> bool:
    method, path = _concrete(key)
    ep = CAT.match(method, path)
    decision = decide(Request(method, path, ep, {}, None), POLICIES[0], CAT, KNOWN)
    reached = decision.refusal is None or decision.refusal.kind != "endpoint"
    return ep is not None and ep.content and reached


# The bodies the default policy reads (chat, responses, embeddings, images, audio...).
READ_KEYS = [k for k in POST_KEYS if _reaches_the_body(k)]


def test_the_corpus_is_broad() -> None:
    assert len(CASES) > 100
    assert len(POST_KEYS) > 100
    assert {"POST /v1/chat/completions", "POST /v1/responses"} <= set(READ_KEYS)


@pytest.mark.parametrize("pol", POLICIES, ids=[p.name for p in POLICIES])
def test_test_decide_cases_decide_the_same(pol: Policy) -> None:
    for method, path, body in CASES:
        _same(method, path, body, pol)


@pytest.mark.parametrize("pol", POLICIES, ids=[p.name for p in POLICIES])
def test_generated_bodies_of_every_sdk_body_decide_the_same(pol: Policy) -> None:
    rng = random.Random(f"decide-{pol.name}")
    for key in POST_KEYS:
        method, path = _concrete(key)
        for _ in range(60 if key in READ_KEYS else 4):
            body = _body_for(rng, key)
            _same(method, path, body, pol)
            _same_reading(key, body, {"tools": pol.tools} if pol.tools else None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32),
    key=st.sampled_from(READ_KEYS),
    pol=st.sampled_from(POLICIES),
)
def test_hypothesis_bodies_decide_the_same(seed: int, key: str, pol: Policy) -> None:
    rng = random.Random(seed)
    method, path = _concrete(key)
    body = _body_for(rng, key)
    _same(method, path, body, pol)
    _same_reading(key, body, {"tools": pol.tools} if pol.tools else None)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/chat/completions?api-version=1"),
        ("POST", "/openai/deployments/d/chat/completions"),
        ("GET", "/v1/responses/resp_1"),
        ("DELETE", "/v1/responses/resp_1"),
        ("POST", "/v1/unknown/thing"),
        ("POST", "/v1/responses/resp_1/cancel"),
        ("POST", "/v1/messages"),
    ],
)
def test_other_paths_decide_the_same(method: str, path: str) -> None:
    rng = random.Random(path)
    for pol in POLICIES:
        for key in ("POST /v1/chat/completions", "POST /v1/responses"):
            _same(method, path, _body_for(rng, key), pol)
        _same(method, path, None, pol)
