"""What the gateway answers itself: OpenAI-shaped errors, with no request content."""

from __future__ import annotations

import socket
import time

import httpx
import openai
import pytest

from tests.conftest import RunningGateway
from zdr.fake.openai import FakeOpenAI
from zdr.keys.store import open_key_store

SECRET_TEXT = "my-card-4111111111111111"


def _post(
    gw: RunningGateway,
    body: bytes,
    ctype: str = "application/json",
    path: str = "/v1/chat/completions",
    key: str | None = None,
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key or gw.key}", "Content-Type": ctype}
    return httpx.post(gw.url + path, content=body, headers=headers)


def _assert_openai_error(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status
    err = r.json()["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert err["code"] == code
    assert SECRET_TEXT not in r.text


def test_missing_key(gateway: RunningGateway) -> None:
    r = httpx.get(gateway.url + "/v1/models")
    _assert_openai_error(r, 401, "invalid_api_key")


def test_unknown_key(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    with pytest.raises(openai.AuthenticationError) as info:
        gateway.client(key="zdr-not-a-real-key").chat.completions.create(
            model="m", messages=[{"role": "user", "content": SECRET_TEXT}]
        )
    assert info.value.code == "invalid_api_key"
    assert fake.requests == []


def test_revoked_key_is_refused(gateway: RunningGateway) -> None:
    client = gateway.client()
    assert client.models.list().data
    open_key_store(None, gateway.settings.storage.sqlite_path()).revoke("app")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            client.models.list()
        except openai.AuthenticationError:
            return
        time.sleep(0.2)
    pytest.fail("revoked key still accepted after 10 s")


def test_malformed_json(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    r = _post(gateway, b'{"model": "m", "messages": [' + SECRET_TEXT.encode())
    _assert_openai_error(r, 400, "invalid_json")
    assert fake.requests == []


def test_invalid_utf8(gateway: RunningGateway) -> None:
    r = _post(gateway, b'{"model": "m", "messages": [{"role": "user", "content": "\xff\xfe"}]}')
    _assert_openai_error(r, 400, "invalid_json")


def test_json_must_be_object(gateway: RunningGateway) -> None:
    r = _post(gateway, b"[1, 2]")
    assert r.status_code == 400


def test_wrong_content_type(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    r = _post(gateway, SECRET_TEXT.encode(), ctype="text/plain")
    _assert_openai_error(r, 415, "unsupported_media_type")
    assert fake.requests == []


def test_body_over_limit(gateway_factory) -> None:
    gw = gateway_factory({"server": {"max_body_bytes": 1024}})
    body = b'{"model": "m", "messages": [{"role": "user", "content": "' + b"x" * 2000 + b'"}]}'
    _assert_openai_error(_post(gw, body), 413, "request_too_large")


def test_body_over_limit_chunked(gateway_factory) -> None:
    gw = gateway_factory({"server": {"max_body_bytes": 1024}})

    def chunks():
        for _ in range(10):
            yield b"x" * 500

    r = httpx.post(
        gw.url + "/v1/chat/completions",
        content=chunks(),
        headers={"Authorization": f"Bearer {gw.key}", "Content-Type": "application/json"},
    )
    _assert_openai_error(r, 413, "request_too_large")


def test_unknown_routes(gateway: RunningGateway) -> None:
    _assert_openai_error(httpx.get(gateway.url + "/v2/models"), 404, "unknown_url")
    _assert_openai_error(httpx.post(gateway.url + "/healthz"), 404, "unknown_url")


def test_client_credentials_and_org_headers_not_forwarded(
    gateway_factory, fake: FakeOpenAI
) -> None:
    gw = gateway_factory({"policies": {"default": {"mode": "observe"}}})
    client = gw.client(
        default_headers={
            "OpenAI-Organization": "org-attacker",
            "OpenAI-Project": "proj-attacker",
            "Cookie": "session=abc",
            "Connection": "x-private",
            "x-private": "hop",
            "x-custom": "kept",
        }
    )
    client.models.list()
    seen = fake.requests[-1].headers
    # Request headers are an allow-list: an unknown header stays at the gateway too.
    for dropped in ("openai-organization", "openai-project", "cookie", "x-private", "x-custom"):
        assert dropped not in seen
    assert seen["x-stainless-lang"] == "python"  # the SDK's telemetry is allowed
    assert gw.key not in str(seen)


def test_header_injection_is_rejected_by_the_server(gateway: RunningGateway) -> None:
    raw = (
        b"GET /v1/models HTTP/1.1\r\nHost: x\r\n"
        b"Authorization: Bearer " + gateway.key.encode() + b"\rX-Injected: 1\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", gateway.server.port), timeout=5) as sock:
        sock.sendall(raw)
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 400")


def test_operational_routes(gateway: RunningGateway) -> None:
    assert httpx.get(gateway.url + "/healthz").json() == {"status": "ok"}
    ready = httpx.get(gateway.url + "/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    gateway.client().chat.completions.create(
        model="m", messages=[{"role": "user", "content": SECRET_TEXT}]
    )
    metrics = httpx.get(gateway.url + "/metrics").text
    [line] = [
        ln
        for ln in metrics.splitlines()
        if ln.startswith("zdr_requests_total{") and 'route="/v1/chat/completions"' in ln
    ]
    assert 'status="200"' in line and 'method="POST"' in line
    assert "zdr_request_duration_seconds_bucket" in metrics
    assert SECRET_TEXT not in metrics
