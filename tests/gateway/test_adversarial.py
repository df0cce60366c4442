"""An attacker with a valid key, and a hostile upstream, against a real gateway.

Every case sends exact bytes (a raw socket client) to a gateway in front of an
upstream that records what reached it. The assertion is always about the upstream's
side: nothing stateful and no planted value reached it, or it received exactly the
canonical request; and, for answers, that nothing of the upstream's key or cookies
reached the client.
"""

from __future__ import annotations

import gzip
import re
import socket
import time
import zlib
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import UPSTREAM_KEY, GatewayFactory, RunningGateway
from tests.gateway.hostile import HostileUpstream, http_request, raw_request
from tests.policy.test_decide import ATTACKS
from tests.policy.test_decide import run as decide_run
from zdr.gateway.canonical import canonical_path
from zdr.testing import ServerThread

EMAIL = "maria.kowalczyk@example.org"
PLANTED = [EMAIL, "Maria Kowalczyk"]
BODY: dict[str, Any] = {
    "model": "gpt-4.1-mini",
    "store": True,
    "messages": [{"role": "user", "content": f"I am Maria Kowalczyk, write to {EMAIL}"}],
}
LIMITS = {
    "server": {
        "max_body_bytes": 1024 * 1024,
        "max_answer_bytes": 1024 * 1024,
        "max_event_bytes": 64 * 1024,
        "auth_failures_per_minute": 5,
        "header_timeout_seconds": 0.5,
        "body_timeout_seconds": 0.5,
    }
}


@pytest.fixture(scope="module")
def hostile() -> Iterator[tuple[HostileUpstream, str]]:
    app = HostileUpstream(UPSTREAM_KEY)
    with ServerThread(app) as server:
        yield app, server.url


@pytest.fixture
def gw(
    gateway_factory: GatewayFactory, hostile: tuple[HostileUpstream, str]
) -> Iterator[RunningGateway]:
    app, url = hostile
    app.mode = "chat"
    app.seen.clear()
    yield gateway_factory(LIMITS, upstream_url=url)


def _port(gw: RunningGateway) -> int:
    return gw.server.port


def _auth(gw: RunningGateway) -> list[tuple[bytes, bytes]]:
    return [(b"Authorization", b"Bearer " + gw.key.encode())]


JSON = [(b"Content-Type", b"application/json")]


def _send(
    gw: RunningGateway,
    target: bytes = b"/v1/chat/completions",
    headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes | None = None,
    **kw: Any,
) -> Any:
    data = orjson.dumps(BODY) if body is None else body
    hdrs = _auth(gw) + (JSON if headers is None else headers)
    return raw_request(_port(gw), http_request("POST", target, hdrs, data, **kw))


def _nothing_reached(app: HostileUpstream) -> None:
    assert app.seen == []


def _reached_safely(app: HostileUpstream) -> None:
    """What reached the upstream is the canonical, inspected request."""
    assert app.seen, "the request should have been forwarded"
    for seen in app.seen:
        assert canonical_path(seen.raw_path) == seen.raw_path.decode()
        assert [v for k, v in seen.headers if k == b"content-type"] in (
            [b"application/json"],
            [],
        ) or seen.headers
        text = seen.body.decode("utf-8", "replace")
        for value in PLANTED:
            assert value not in text
        if seen.body:
            assert orjson.loads(seen.body).get("store") is not True


# -- framing headers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        [
            (b"Content-Type", b"multipart/form-data; boundary=x"),
            (b"Content-Type", b"application/json"),
        ],
        [
            (b"Content-Type", b"application/json"),
            (b"Content-Type", b"multipart/form-data; boundary=x"),
        ],
        [(b"Content-Type", b"application/json"), (b"content-type", b"application/json")],
        [
            (b"Content-Type", b"application/json"),
            (b"Content-Encoding", b"identity"),
            (b"Content-Encoding", b"gzip"),
        ],
        [(b"Content-Type", b"application/json"), (b"Authorization", b"Bearer other")],
    ],
    ids=[
        "multipart-then-json",
        "json-then-multipart",
        "same-twice",
        "encoding-twice",
        "auth-twice",
    ],
)
def test_repeated_framing_headers_are_refused(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str], headers: Any
) -> None:
    resp = _send(gw, headers=headers)
    assert resp.status == 400
    _nothing_reached(hostile[0])


def test_content_length_twice_or_with_chunked_is_refused(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str]
) -> None:
    body = orjson.dumps(BODY)
    n = str(len(body)).encode()
    for extra in (
        [(b"Content-Length", n), (b"Content-Length", n)],
        [(b"Content-Length", n), (b"Transfer-Encoding", b"chunked")],
    ):
        resp = _send(gw, headers=JSON + extra, body=body, content_length=False)
        assert resp.status == 400  # the HTTP parser or the gateway: never forwarded
    _nothing_reached(hostile[0])


def _unnamed(message: str) -> str:
    return re.sub(r"^zdr policy '[^']*'", "zdr policy", message)


# -- the decision's attack cases, end to end --------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "rule"), [a[1:] for a in ATTACKS], ids=[a[0] for a in ATTACKS]
)
def test_policy_attacks_are_refused_end_to_end(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str], path: str, body: Any, rule: str
) -> None:
    """Each request decide() refuses is refused by a real gateway too, with the same
    message, and nothing of it reaches the upstream (the decision's unit cases could
    pass while the gateway decided on another reading of the bytes)."""
    refusal = decide_run("POST", path, body).refusal
    assert refusal is not None and refusal.rule == rule
    resp = _send(gw, target=path.encode(), body=orjson.dumps(body))
    assert resp.status in (400, 403), resp.body[:200]
    error = orjson.loads(resp.body)["error"]
    assert error["code"] in ("zdr_feature_not_allowed", "zdr_endpoint_not_allowed")
    # The same decision: the same words, but for the policy's name.
    assert error["message"].endswith(f"[rule {rule}]")
    assert _unnamed(error["message"]) == _unnamed(refusal.message)
    _nothing_reached(hostile[0])


# -- paths -----------------------------------------------------------------------------

AMBIGUOUS_PATHS = [
    b"/v1/realtime/../chat/completions",
    b"/v1/realtime/%2E%2E/chat/completions",
    b"/v1/realtime/%2e%2e/chat/completions",
    b"/v1/realtime/.%2E/chat/completions",
    b"/v1/realtime/..%2Fchat/completions",
    b"/v1/realtime%2F..%2Fchat%2Fcompletions",
    b"/v1/realtime/%252e%252e/chat/completions",
    b"/v1/chat/./completions",
    b"/v1/chat//completions",
    b"/v1/chat/completions/",
    b"/v1/chat/completions%3Fstore=true",
    b"/v1/chat/completions%23frag",
    b"/v1/chat/completions%00",
    b"/v1/chat/completions;v=1",
    b"/v1/chat%5C..%5Cfiles",
    b"/v1/files/..",
]


@pytest.mark.parametrize("target", AMBIGUOUS_PATHS)
def test_ambiguous_paths_are_refused(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str], target: bytes
) -> None:
    resp = _send(gw, target=target)
    assert resp.status in (400, 404), resp.body
    _nothing_reached(hostile[0])


@pytest.mark.parametrize(
    "target",
    [
        b"/v1/chat/completions?store=true",
        b"/v1/chat/completions?Store=true",
        b"/v1/chat/completions?metadata%5Bk%5D=v",
        b"/v1/responses?include%5B%5D=reasoning.encrypted_content",
        b"/v1/responses?beta=true&background=true",
    ],
)
def test_query_parameters_the_sdk_never_sends_there_are_refused(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str], target: bytes
) -> None:
    """A query string is inspected like a body: only what the SDK sends to that method
    and path is forwarded (chat completions takes none; the Responses API ``beta``)."""
    resp = _send(gw, target=target)
    assert resp.status == 400, resp.body
    error = orjson.loads(resp.body)["error"]
    assert error["code"] == "zdr_feature_not_allowed"
    assert error["message"].endswith("[rule parameter.unknown]")
    _nothing_reached(hostile[0])


def test_the_upstream_gets_the_path_and_query_that_were_routed(
    gateway_factory: GatewayFactory, hostile: tuple[HostileUpstream, str]
) -> None:
    """Unreserved characters may arrive encoded; the upstream gets the decoded form
    (the query's names are ones the SDK never sends here: a policy that forwards unknowns)."""
    app, url = hostile
    app.mode = "chat"
    app.seen.clear()
    gw = gateway_factory(
        {**LIMITS, "policies": {"default": {"unknown": "forward"}}}, upstream_url=url
    )
    resp = _send(gw, target=b"/v1/%63hat/completions?a=%41+b&c")
    assert resp.status in (200, 400)
    if resp.status == 400:  # "c" without "=": a query string zdr cannot read one way
        resp = _send(gw, target=b"/v1/%63hat/completions?a=%41+b")
    assert resp.status == 200
    [seen] = hostile[0].seen
    assert seen.raw_path == b"/v1/chat/completions"
    assert seen.query == b"a=A%20b"
    _reached_safely(hostile[0])


# -- bodies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ctype",
    [
        b"multipart/form-data; boundary=x",
        b"text/plain",
        b"application/x-www-form-urlencoded",
        b"application/octet-stream",
    ],
)
def test_json_endpoints_take_json_only(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str], ctype: bytes
) -> None:
    resp = _send(gw, headers=[(b"Content-Type", ctype)])
    assert resp.status == 415
    _nothing_reached(hostile[0])


def test_body_without_content_type_is_refused(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str]
) -> None:
    assert _send(gw, headers=[]).status == 415
    _nothing_reached(hostile[0])


@pytest.mark.parametrize("coding", [b"gzip", b"deflate"])
def test_compressed_bodies_are_decoded_and_inspected(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str], coding: bytes
) -> None:
    raw = orjson.dumps(BODY)
    data = gzip.compress(raw) if coding == b"gzip" else zlib.compress(raw)
    resp = _send(gw, headers=JSON + [(b"Content-Encoding", coding)], body=data)
    assert resp.status == 200, resp.body
    _reached_safely(hostile[0])
    [seen] = hostile[0].seen
    assert orjson.loads(seen.body)["store"] is False
    assert not any(k == b"content-encoding" for k, _ in seen.headers)
    # The answer (the upstream echoes what it saw) comes back with the values restored.
    assert EMAIL in resp.json()["choices"][0]["message"]["content"]


@pytest.mark.parametrize("coding", [b"br", b"zstd", b"gzip, gzip", b"compress"])
def test_other_encodings_are_refused(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str], coding: bytes
) -> None:
    assert _send(gw, headers=JSON + [(b"Content-Encoding", coding)]).status == 415
    _nothing_reached(hostile[0])


def test_compressed_body_past_the_limit_is_refused(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str]
) -> None:
    bomb = gzip.compress(b'{"model": "' + b"a" * (4 * 1024 * 1024) + b'"}')
    assert len(bomb) < 64 * 1024
    resp = _send(gw, headers=JSON + [(b"Content-Encoding", b"gzip")], body=bomb)
    assert resp.status == 413
    _nothing_reached(hostile[0])


@pytest.mark.parametrize(
    "body",
    [
        b'{"model": "m", "store": false, "messages": [], "store": true}',
        b'{"model": "m", "store": false, "st\\u006fre": true, "messages": []}',
        b'{"model": "m", "messages": [{"role": "user", "content": "a", "content": "b"}]}',
        b'{"model": "m", "messages": [], "temperature": NaN}',
    ],
    ids=["top-level", "escaped-key", "nested", "nan"],
)
def test_json_with_two_readings_is_refused(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str], body: bytes
) -> None:
    assert _send(gw, body=body).status == 400
    _nothing_reached(hostile[0])


def test_the_json_sent_is_the_inspected_object(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str]
) -> None:
    """Whitespace, escapes and key order of the client's bytes are not forwarded."""
    body = (
        b'{ "model" : "gpt-4.1-mini", "store":true ,"messages":[{"role":"user",'
        b'"content":"I am Maria Kowalczyk, write to maria.kowalczyk\\u0040example.org"}]}'
    )
    assert _send(gw, body=body).status == 200
    [seen] = hostile[0].seen
    sent = orjson.loads(seen.body)
    assert seen.body == orjson.dumps(sent)
    assert sent["store"] is False
    _reached_safely(hostile[0])


# -- answers -----------------------------------------------------------------------------


def test_upstream_error_quoting_its_key_is_scrubbed(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str]
) -> None:
    hostile[0].mode = "error-with-key"
    resp = _send(gw)
    assert resp.status == 403
    everything = resp.head + resp.body
    assert UPSTREAM_KEY.encode() not in everything
    head = resp.head.lower()
    for dropped in (b"x-debug-key", b"openai-organization", b"set-cookie", b"hostile/1.0"):
        assert dropped not in head
    assert b"x-request-id: req_[zdr: upstream key removed]" in head


def test_upstream_key_in_a_stream_or_binary_answer_is_not_relayed(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str]
) -> None:
    for mode in ("sse-key", "binary-key"):
        hostile[0].mode = mode
        resp = _send(gw, body=orjson.dumps({**BODY, "stream": True}))
        assert resp.status == 200
        assert resp.body
        assert UPSTREAM_KEY.encode() not in resp.body


@pytest.mark.parametrize("mode", ["sse-crlf", "sse-cr"])
def test_streams_framed_with_cr_are_relayed_and_restored(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str], mode: str
) -> None:
    hostile[0].mode = mode
    resp = _send(gw, body=orjson.dumps({**BODY, "stream": True}))
    assert resp.status == 200
    events = [e for e in resp.body.split(b"\n\n") if e.startswith(b"data: {")]
    assert len(events) > 3  # relayed event by event, not held whole
    text = "".join(orjson.loads(e[6:])["choices"][0]["delta"].get("content", "") for e in events)
    assert EMAIL in text and "Maria Kowalczyk" in text
    assert b"\r" not in resp.body
    assert resp.body.rstrip().endswith(b"data: [DONE]")


def test_oversized_event_ends_the_stream_with_an_error_event(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str]
) -> None:
    hostile[0].mode = "sse-huge-event"
    resp = _send(gw, body=orjson.dumps({**BODY, "stream": True}))
    assert resp.status == 200
    assert b"event: error" in resp.body
    assert b"upstream_answer_too_large" in resp.body
    assert len(resp.body) < 64 * 1024


def test_compressed_answer_is_bounded_after_decompression(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str]
) -> None:
    hostile[0].mode = "gzip-bomb"
    resp = _send(gw)
    assert resp.status == 502
    assert resp.json()["error"]["code"] == "upstream_answer_too_large"


# -- operational surfaces ---------------------------------------------------------------


def test_wrong_keys_from_one_address_are_limited(
    gw: RunningGateway, hostile: tuple[HostileUpstream, str]
) -> None:
    def attempt(key: bytes) -> int:
        headers = [(b"Authorization", b"Bearer " + key)] + JSON
        return raw_request(
            _port(gw), http_request("POST", b"/v1/chat/completions", headers, b"{}")
        ).status

    assert [attempt(b"zdr-wrong-%d" % i) for i in range(5)] == [401] * 5
    assert attempt(b"zdr-wrong-6") == 429
    assert attempt(gw.key.encode()) == 429  # even the right key waits out the minute
    _nothing_reached(hostile[0])


def test_headers_must_arrive_in_time(gw: RunningGateway) -> None:
    with socket.create_connection(("127.0.0.1", _port(gw)), timeout=5) as sock:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n")
        start = time.monotonic()
        sock.settimeout(5)
        assert sock.recv(1024) == b""  # closed by the gateway
        assert time.monotonic() - start < 4


def test_body_must_arrive_in_time(gw: RunningGateway, hostile: tuple[HostileUpstream, str]) -> None:
    head = http_request("POST", b"/v1/chat/completions", _auth(gw) + JSON, b"")
    head = head.replace(b"Connection: close", b"Content-Length: 100")
    with socket.create_connection(("127.0.0.1", _port(gw)), timeout=5) as sock:
        sock.sendall(head + b'{"model": "m"')  # 13 of the 100 bytes, then nothing
        start = time.monotonic()
        sock.settimeout(5)
        assert sock.recv(1024) == b""  # closed by the gateway
        assert time.monotonic() - start < 4
    _nothing_reached(hostile[0])


def test_idle_connection_is_closed(gw: RunningGateway) -> None:
    with socket.create_connection(("127.0.0.1", _port(gw)), timeout=5) as sock:
        sock.settimeout(5)
        assert sock.recv(1024) == b""


def test_ops_endpoints_can_require_a_token(gateway_factory: GatewayFactory) -> None:
    gw = gateway_factory({"server": {"ops_token": "ops-secret-123"}})
    port = gw.server.port
    for path in (b"/metrics", b"/zdr/endpoints"):
        assert raw_request(port, http_request("GET", path, [])).status == 401
        ok = [(b"Authorization", b"Bearer ops-secret-123")]
        assert raw_request(port, http_request("GET", path, ok)).status == 200
    assert raw_request(port, http_request("GET", b"/healthz", [])).status == 200


# -- the property: whatever the encoding, the forward is what was inspected ------------

_CHAT_PATH = [b"v1", b"chat", b"completions"]


@st.composite
def encoded_paths(draw: st.DrawFn) -> bytes:
    out = []
    for seg in _CHAT_PATH:
        if draw(st.booleans()) and seg != b"v1":
            out.append(draw(st.sampled_from([b".", b"..", b"%2e", b"%2E%2e", b"", b"x/.."])))
        chars = []
        for byte in seg:
            how = draw(st.integers(0, 3))
            ch = bytes([byte])
            chars.append(b"%%%02X" % byte if how == 1 else b"%%%02x" % byte if how == 2 else ch)
        out.append(b"".join(chars))
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(st.sampled_from([b"%2F", b"%3F", b"%00", b";x", b"%5C"])))
    return b"/" + b"/".join(out)


_HEADER_CHOICES = [
    (b"Content-Type", b"application/json"),
    (b"Content-Type", b"multipart/form-data; boundary=zz"),
    (b"Content-Type", b"text/plain"),
    (b"Content-Encoding", b"identity"),
    (b"Content-Encoding", b"gzip"),
    (b"Transfer-Encoding", b"chunked"),
    (b"X-Forwarded-Host", b"evil.example"),
    (b"OpenAI-Organization", b"org-evil"),
]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    path=encoded_paths(),
    extra=st.lists(st.sampled_from(_HEADER_CHOICES), max_size=3),
    json_first=st.booleans(),
)
def test_any_encoding_forwards_only_the_inspected_request(
    gw: RunningGateway,
    hostile: tuple[HostileUpstream, str],
    path: bytes,
    extra: list[tuple[bytes, bytes]],
    json_first: bool,
) -> None:
    app = hostile[0]
    app.mode = "chat"
    app.seen.clear()
    headers = JSON + extra if json_first else extra + JSON
    body = orjson.dumps(BODY)
    if (b"Content-Encoding", b"gzip") in extra:
        body = gzip.compress(body)
    chunked = (b"Transfer-Encoding", b"chunked") in extra
    resp = _send(gw, target=path, headers=headers, body=body, content_length=not chunked)
    if app.seen:
        assert resp.status == 200
        [seen] = app.seen
        assert seen.raw_path == b"/v1/chat/completions"
        assert {k for k, _ in seen.headers}.isdisjoint(
            {b"x-forwarded-host", b"openai-organization", b"content-encoding"}
        )
        _reached_safely(app)
    else:
        assert 400 <= resp.status < 500


def test_a_query_parameter_the_upstream_sets_is_sent_once_with_its_value(
    gateway_factory: GatewayFactory, hostile: tuple[HostileUpstream, str]
) -> None:
    """Azure's api-version: the configured value replaces the client's."""
    app, url = hostile
    app.mode = "chat"
    app.seen.clear()
    upstream = {"base_url": url + "/v1", "api_key": UPSTREAM_KEY, "query": {"api-version": "v1"}}
    gw = gateway_factory({**LIMITS, "upstreams": {"openai": upstream}}, upstream_url=url)
    resp = _send(gw, target=b"/v1/chat/completions?api-version=2020-01-01")
    assert resp.status == 200, resp.body
    [seen] = app.seen
    assert seen.query == b"api-version=v1"
