"""The canonical readers against the plain reading they shortcut: the JSON body's
duplicate keys (counted ":" vs the key scanner), the path (one match vs per segment)."""

from __future__ import annotations

import json
import random
import re
from typing import Any
from unittest import mock

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zdr.errors import AmbiguousRequest, InvalidJSON
from zdr.gateway import canonical
from zdr.gateway.canonical import canonical_path, parse_json_object


class Members(list[tuple[str, Any]]):
    """An object as written, its keys possibly doubled."""


KEYS = st.sampled_from(["a", "b", "store", ":", "a:b", "x\\y", 'q"', "é"]) | st.text(max_size=3)
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet='ab: "\\é\n', max_size=6)
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.lists(st.tuples(KEYS, inner), max_size=4).map(Members)
    ),
    max_leaves=12,
)


def _string(s: str, rnd: random.Random) -> str:
    text = json.dumps(s, ensure_ascii=rnd.random() < 0.5)
    if rnd.random() < 0.3:  # a colon written escaped: what the count cannot see
        text = text.replace(":", "\\u003a")
    return text


def _write(v: Any, rnd: random.Random) -> str:
    ws = rnd.choice(["", " ", "\n  ", "\t"])
    if isinstance(v, Members):
        parts = [f"{_string(k, rnd)}{ws}:{ws}{_write(x, rnd)}" for k, x in v]
        return "{" + ws + f",{ws}".join(parts) + ws + "}"
    if isinstance(v, list):
        return "[" + f",{ws}".join(_write(x, rnd) for x in v) + "]"
    if isinstance(v, str):
        return _string(v, rnd)
    return json.dumps(v)


def _doubled(v: Any) -> bool:
    if isinstance(v, Members):
        keys = [k for k, _ in v]
        return len(set(keys)) != len(keys) or any(_doubled(x) for _, x in v)
    return isinstance(v, list) and any(_doubled(x) for x in v)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(KEYS, VALUES), max_size=5).map(Members), st.integers(0, 2**32))
def test_a_body_is_refused_exactly_when_a_key_is_doubled(top: Members, seed: int) -> None:
    body = _write(top, random.Random(seed)).encode()
    if _doubled(top):
        with pytest.raises(AmbiguousRequest):
            parse_json_object(body)
    else:
        assert parse_json_object(body) == orjson.loads(body)


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": 1, "a": 1}',
        b'{"a": "x", "b": {"c": 1, "c": 2}}',
        # a doubled member whose colon the count could miss, hidden by escaped ones
        b'{"k\\u003a": "\\u003a", "a": 1, "a": 2}',
        b'{"a":"\\u003A","b":1,"b":1}',
    ],
)
def test_doubled_keys_are_refused_however_written(body: bytes) -> None:
    with pytest.raises(AmbiguousRequest):
        parse_json_object(body)


def test_bodies_orjson_refuses_are_refused() -> None:
    for body in (b'{"a": NaN}', b'{"a": 1,}', b'{"a": "\x01"}'):
        with pytest.raises(InvalidJSON):
            parse_json_object(body)


def _read(raw: bytes) -> str | None:
    try:
        return canonical_path(raw)
    except AmbiguousRequest:
        return None


@given(st.text(alphabet="/.%2eEfA:~-_ab;", max_size=16))
def test_the_one_match_path_reads_as_the_segments_do(path: str) -> None:
    raw = path.encode()
    got = _read(raw)
    with mock.patch.object(canonical, "_PLAIN_PATH", re.compile(rb"(?!)")):
        assert _read(raw) == got  # the reading segment by segment
