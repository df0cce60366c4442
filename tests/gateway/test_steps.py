"""Unit tests of the gateway's steps and canonical readers, on synthetic exchanges."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zdr.catalogue.load import load_catalogue
from zdr.catalogue.media import MultipartRoutes, multipart_routes, sdk_multipart_routes
from zdr.config import PolicySettings, UpstreamSettings
from zdr.errors import (
    AmbiguousRequest,
    BadRequest,
    BodyTooLarge,
    MalformedForm,
    UnsupportedMediaType,
    UpstreamAnswerTooLarge,
)
from zdr.exchange import Answer, Exchange
from zdr.form import Form, Part, parse_form
from zdr.gateway.canonical import canonical_path, canonical_query, decode_body
from zdr.gateway.sse import SseFramer
from zdr.gateway.steps import AuthFailures, Forward, ReadBody, Route
from zdr.gateway.upstream import Upstream
from zdr.ops.metrics import Metrics
from zdr.policy.model import Policy
from zdr.pseudonymize.step import Restore
from zdr.testing import make_exchange

JSON = [(b"content-type", b"application/json")]


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def read(ex: Exchange, limit: int = 1 << 20) -> Exchange:
    run(ReadBody(limit, multipart_routes()).on_request(ex))
    return ex


# -- Route ---------------------------------------------------------------------------


def routed(path: bytes, query: bytes = b"") -> Exchange:
    upstream = Upstream("openai", UpstreamSettings())
    ex = make_exchange(path=path, query=query)
    ex.policy = Policy.compile("default", PolicySettings(), "openai")
    run(Route(load_catalogue(), {"openai": upstream}).on_request(ex))
    return ex


def test_route_matches_the_canonical_path() -> None:
    ex = routed(b"/v1/%63hat/completions", b"b=2&a=%20x")
    assert ex.path == "/v1/chat/completions"
    assert ex.query == "b=2&a=%20x"
    assert ex.endpoint is not None and ex.endpoint.id == "chat.completions.create"
    assert ex.upstream_name == "openai"


@pytest.mark.parametrize("path", [b"/v1/a/../b", b"/v1/a%2Fb", b"/v1/a//b", b"/v1/%2e"])
def test_route_refuses_ambiguous_paths(path: bytes) -> None:
    with pytest.raises(AmbiguousRequest):
        routed(path)


def test_query_without_one_reading_is_refused() -> None:
    with pytest.raises(AmbiguousRequest):
        canonical_query(b"a=1&&b")
    assert canonical_query(b"") == ""
    assert canonical_query(b"include%5B%5D=x&include%5B%5D=y") == "include%5B%5D=x&include%5B%5D=y"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
def test_canonical_segments_are_their_own_encoding(segment: str) -> None:
    """Whatever a segment is, an accepted one needs no encoding: forwarded as read."""
    raw = b"/v1/" + "".join(f"%{b:02X}" for b in segment.encode()).encode()
    try:
        path = canonical_path(raw)
    except AmbiguousRequest:
        return
    assert canonical_path(path.encode()) == path
    assert all(c.isascii() and (c.isalnum() or c in "-._~:/") for c in path)


# -- ReadBody --------------------------------------------------------------------------


def test_read_body_parses_json() -> None:
    ex = read(make_exchange(body=b'{"model": "m", "stream": true}', headers=JSON))
    assert ex.json == {"model": "m", "stream": True}
    assert ex.media == "json" and ex.model == "m" and ex.stream


def test_read_body_decodes_gzip() -> None:
    data = gzip.compress(b'{"model": "m"}')
    ex = read(make_exchange(body=data, headers=JSON + [(b"content-encoding", b"gzip")]))
    assert ex.json == {"model": "m"}


def test_decode_body_bounds() -> None:
    with pytest.raises(BodyTooLarge):
        decode_body(gzip.compress(b"a" * 5000), b"gzip", 4000)
    with pytest.raises(BadRequest):
        decode_body(b"not gzip", b"gzip", 4000)
    with pytest.raises(BadRequest):  # two members: one stream only
        decode_body(gzip.compress(b"{}") + b"junk", b"gzip", 4000)


def test_read_body_refuses_both_length_and_chunked() -> None:
    ex = make_exchange(body=b"{}", headers=JSON + [(b"transfer-encoding", b"chunked")])
    with pytest.raises(BadRequest):
        read(ex)


def test_multipart_only_where_the_sdk_sends_it() -> None:
    form = Form([Part("model", b"whisper-1"), Part("file", b"RIFF", "a.wav", b"audio/wav")])
    body, ctype = form.serialize()

    def exchange(path: str) -> Exchange:
        ex = make_exchange(path=path.encode(), body=body, headers=[(b"content-type", ctype)])
        ex.path = path  # what the route step sets
        return ex

    ok = read(exchange("/v1/audio/transcriptions"))
    assert ok.form is not None and ok.model == "whisper-1" and ok.media == "multipart"
    with pytest.raises(UnsupportedMediaType):
        read(exchange("/v1/chat/completions"))


def test_generated_multipart_routes_match_the_sdk() -> None:
    """Drift test: data/openai_multipart.yaml is what the installed SDK sends."""
    routes = sdk_multipart_routes()
    assert routes, "the SDK is installed in the test environment"
    generated = MultipartRoutes(routes)
    shipped = multipart_routes()
    for route in routes:
        method, _, path = route.partition(" ")
        concrete = path.replace("{param}", "x1")
        assert shipped.accepts(method, concrete), f"regenerate: {route} (scripts/gen_multipart.py)"
        assert generated.accepts(method, concrete)
    assert not shipped.accepts("POST", "/v1/chat/completions")


# -- multipart forms ---------------------------------------------------------------------


def test_form_roundtrip_and_fresh_boundary() -> None:
    form = Form(
        [
            Part("model", b"whisper-1"),
            Part("include[]", b"logprobs"),
            Part("include[]", b"x"),
            Part("file", b"\x00\x01bin", 'a"b.wav', b"audio/wav"),
        ]
    )
    body, ctype = form.serialize()
    again = parse_form(body, ctype)
    assert again.fields() == {"model": "whisper-1", "include[]": ["logprobs", "x"]}
    assert again.parts[3].data == b"\x00\x01bin" and again.parts[3].filename == "a%22b.wav"
    assert form.serialize()[1] != ctype  # a new boundary each time


@pytest.mark.parametrize(
    "body",
    [
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n'
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n2\r\n--b--\r\n',
        b"--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--\r\n",
        b'--b\r\nContent-Disposition: form-data; name="a"\r\nContent-Transfer-Encoding: base64'
        b"\r\n\r\nMQ==\r\n--b--\r\n",
        b'--b\r\nContent-Disposition: form-data; name="a"; filename*=x\r\n\r\n1\r\n--b--\r\n',
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n\xff\r\n--b--\r\n',
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n',
    ],
    ids=["repeated", "no-name", "transfer-encoding", "extended-param", "not-utf8", "unterminated"],
)
def test_forms_with_two_readings_are_refused(body: bytes) -> None:
    with pytest.raises(MalformedForm):
        parse_form(body, b"multipart/form-data; boundary=b")


# -- Forward ---------------------------------------------------------------------------


def test_forward_headers_are_an_allow_list() -> None:
    fwd = Forward({}, Metrics(), ["x-title"])
    ex = make_exchange(
        headers=[
            (b"accept", b"application/json"),
            (b"x-stainless-lang", b"python"),
            (b"x-stainless-os", b"Linux\r\nX-Evil: 1"),
            (b"openai-organization", b"org-x"),
            (b"x-title", b"My App"),
            (b"x-other", b"1"),
            (b"cookie", b"a=b"),
            (b"authorization", b"Bearer zdr-key"),
        ]
    )
    assert fwd.headers_for(ex) == {
        "accept": "application/json",
        "x-stainless-lang": "python",
        "x-title": "My App",
    }


# -- AuthFailures ------------------------------------------------------------------------


def test_auth_failures_window() -> None:
    limit = AuthFailures(3)
    for _ in range(3):
        assert not limit.blocked("a", 0.0)
        limit.record("a", 0.0)
    assert limit.blocked("a", 1.0) and not limit.blocked("b", 1.0)
    assert not limit.blocked("a", 61.0)


# -- SSE framing ---------------------------------------------------------------------------


@given(st.lists(st.sampled_from([b"\n", b"\r\n", b"\r"]), min_size=3, max_size=3), st.data())
def test_sse_framer_reads_every_line_ending(endings: list[bytes], data: st.DataObject) -> None:
    a, c, d = endings  # a line ending twice is a blank line ("\r" + "\n" would be one)
    stream = b"data: one" + a + a + b"event: x" + c + b"data: two" + d + d
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=5)))
    framer = SseFramer(1000)
    out = b""
    last = 0
    for cut in [*cuts, len(stream)]:
        out += framer.feed(stream[last:cut])
        last = cut
    out += framer.end()
    assert out == b"data: one\n\nevent: x\ndata: two\n\n"


def test_sse_framer_bounds_an_event() -> None:
    framer = SseFramer(100)
    with pytest.raises(UpstreamAnswerTooLarge):
        framer.feed(b"data: " + b"x" * 200)


# -- Restore -------------------------------------------------------------------------------


class Upper:
    async def on_json(self, body: bytes) -> bytes:
        return body.upper()

    async def on_stream(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        async for c in chunks:
            yield c.upper()


def test_restore_step_applies_the_exchanges_restorer() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"data: a\n\n"

    async def go() -> tuple[bytes, list[bytes]]:
        ex = make_exchange()
        ex.restorer = Upper()
        ex.answer = Answer(200, [], "json", body=b'{"a": 1}')
        await Restore().on_answer(ex)
        body = ex.answer.body
        ex.answer = Answer(200, [], "sse", chunks=chunks())
        await Restore().on_answer(ex)
        assert ex.answer.chunks is not None
        return body, [c async for c in ex.answer.chunks]

    body, events = run(go())
    assert body == b'{"A": 1}' and events == [b"DATA: A\n\n"]


def test_steps_declare_the_moments_they_act_at() -> None:
    assert Restore().acts_on("on_answer") and not Restore().acts_on("on_request")
    assert Forward({}, Metrics(), []).acts_on("on_request")
    assert orjson.dumps({"ok": True})  # the Answer's JSON body type is bytes
