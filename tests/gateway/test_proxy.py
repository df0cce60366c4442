"""The gateway relays every kind of OpenAI call, driven by the official SDK."""

from __future__ import annotations

import asyncio
import threading

import httpx
import openai
import pytest

from tests.conftest import UPSTREAM_KEY, RunningGateway
from zdr.fake.openai import FakeOpenAI

OBSERVE = {"policies": {"default": {"mode": "observe"}}}


def test_chat_completion_roundtrip(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    client = gateway.client()
    reply = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hello there"}]
    )
    assert reply.choices[0].message.content == "You said: hello there"
    [seen] = fake.requests
    assert seen.path == "/v1/chat/completions"
    # The upstream sees the gateway's key, never the client's.
    assert seen.headers["authorization"] == f"Bearer {UPSTREAM_KEY}"
    assert gateway.key not in str(seen.headers)


def test_chat_stream_sync(gateway: RunningGateway) -> None:
    stream = gateway.client().chat.completions.create(
        model="m", messages=[{"role": "user", "content": "one two three four"}], stream=True
    )
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert text == "You said: one two three four"


def test_stream_is_relayed_before_upstream_finishes(
    gateway: RunningGateway, fake: FakeOpenAI
) -> None:
    """The upstream holds after its first chunk; the client must already have it."""
    fake.release.clear()
    client = gateway.client(default_headers={"x-fake-fault": "hold"})
    stream = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "alpha beta gamma"}], stream=True
    )
    it = iter(stream)
    first_content = ""
    while not first_content:
        chunk = next(it)
        first_content = chunk.choices[0].delta.content or ""
    assert not fake.release.is_set()  # the upstream is still waiting: nothing was buffered
    fake.release.set()
    rest = "".join(c.choices[0].delta.content or "" for c in it if c.choices)
    assert first_content + rest == "You said: alpha beta gamma"


def test_async_client_streaming(gateway: RunningGateway) -> None:
    async def run() -> str:
        client = gateway.async_client()
        stream = await client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "async works"}], stream=True
        )
        parts = [c.choices[0].delta.content or "" async for c in stream if c.choices]
        await client.close()
        return "".join(parts)

    assert asyncio.run(run()) == "You said: async works"


def test_responses_api_plain_and_streamed(gateway: RunningGateway) -> None:
    client = gateway.client()
    resp = client.responses.create(model="m", input="ping", store=False)
    assert resp.output_text == "You said: ping"
    deltas = [
        e.delta
        for e in client.responses.create(model="m", input="pong", store=False, stream=True)
        if e.type == "response.output_text.delta"
    ]
    assert "".join(deltas) == "You said: pong"


def test_embeddings(gateway: RunningGateway) -> None:
    out = gateway.client().embeddings.create(model="text-embedding-3-small", input=["a", "b"])
    assert [d.index for d in out.data] == [0, 1]
    assert len(out.data[0].embedding) == 16


def test_multipart_transcription(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    audio = b"RIFF" + bytes(range(256)) * 40
    out = gateway.client().audio.transcriptions.create(
        model="whisper-1", file=("clip.wav", audio, "audio/wav")
    )
    assert out.text.startswith("(fake transcript of")
    [seen] = fake.requests
    assert seen.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert audio in seen.body


def test_binary_speech(gateway: RunningGateway) -> None:
    resp = gateway.client().audio.speech.create(model="tts-1", voice="alloy", input="hi")
    data = resp.read()
    assert len(data) == 2048
    assert resp.response.headers["content-type"] == "audio/mpeg"


def test_query_string_and_files_listing(gateway_factory, fake: FakeOpenAI) -> None:
    gw = gateway_factory(OBSERVE)
    r = httpx.get(
        f"{gw.url}/v1/files?purpose=batch&limit=2", headers={"Authorization": f"Bearer {gw.key}"}
    )
    assert r.status_code == 200
    assert fake.requests[-1].query == "purpose=batch&limit=2"


def test_upstream_error_passes_through(gateway: RunningGateway) -> None:
    client = gateway.client(default_headers={"x-fake-fault": "status:429"})
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert info.value.code == "fake_429"


def test_upstream_rejecting_gateway_key_is_502_without_key(gateway: RunningGateway) -> None:
    client = gateway.client(default_headers={"x-fake-fault": "status:401"})
    with pytest.raises(openai.APIStatusError) as info:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert info.value.status_code == 502
    assert info.value.code == "upstream_auth_failed"
    assert UPSTREAM_KEY not in info.value.response.text


def test_upstream_unreachable_is_502(gateway_factory) -> None:
    gw = gateway_factory(upstream_url="http://127.0.0.1:9")  # discard port: nothing listens
    with pytest.raises(openai.APIStatusError) as info:
        gw.client().chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert info.value.status_code == 502
    assert info.value.code == "upstream_unavailable"


def test_upstream_timeout_is_504(gateway: RunningGateway) -> None:
    client = gateway.client(default_headers={"x-fake-fault": "slow-headers:5"})
    with pytest.raises(openai.APIStatusError) as info:
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert info.value.status_code == 504
    assert info.value.code == "upstream_timeout"


@pytest.mark.parametrize("fault", ["reset-mid-stream", "stall-mid-stream"])
def test_upstream_failing_mid_stream_reaches_client_as_error(
    gateway: RunningGateway, fault: str
) -> None:
    client = gateway.client(default_headers={"x-fake-fault": fault})
    stream = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "a b c d e f g h"}], stream=True
    )
    received = []
    with pytest.raises(openai.APIError):
        for chunk in stream:
            received.append(chunk)
    assert received  # the first chunks arrived before the failure


def test_client_disconnect_mid_stream_keeps_gateway_healthy(
    gateway: RunningGateway, fake: FakeOpenAI
) -> None:
    fake.release.clear()
    body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "a b c d"}]}
    headers = {"Authorization": f"Bearer {gateway.key}", "x-fake-fault": "hold"}
    with (
        httpx.Client() as http,
        http.stream("POST", f"{gateway.url}/v1/chat/completions", json=body, headers=headers) as r,
    ):
        next(r.iter_raw())  # first bytes, then hang up while the upstream holds
    # The gateway notices while the upstream still holds (releasing it first would race
    # the notice against the rest of the stream, which a loaded machine can lose).
    metrics = httpx.get(f"{gateway.url}/metrics").text
    for _ in range(200):  # up to 10 s
        if 'status="499"' in metrics:
            break
        threading.Event().wait(0.05)
        metrics = httpx.get(f"{gateway.url}/metrics").text
    fake.release.set()
    assert 'status="499"' in metrics
    reply = gateway.client().chat.completions.create(
        model="m", messages=[{"role": "user", "content": "still alive"}]
    )
    assert reply.choices[0].message.content == "You said: still alive"


def test_graceful_shutdown_finishes_in_flight_stream(gateway_factory, fake: FakeOpenAI) -> None:
    gw = gateway_factory()
    fake.release.clear()
    client = gw.client(default_headers={"x-fake-fault": "hold"})
    stream = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "finish me please"}], stream=True
    )
    it = iter(stream)
    first = ""
    while not first:
        first = next(it).choices[0].delta.content or ""
    stopper = threading.Thread(target=gw.server.stop)
    stopper.start()  # shutdown begins while the stream is in flight
    threading.Event().wait(0.3)
    fake.release.set()
    rest = "".join(c.choices[0].delta.content or "" for c in it if c.choices)
    stopper.join()
    assert first + rest == "You said: finish me please"
