"""Pseudonymization through the gateway with the openai SDK: the provider sees tokens,
the app sees its values, streamed or not; and each trap peers fell into."""

from __future__ import annotations

import threading
import time
from typing import Any

import openai
import pytest

from tests.conftest import GatewayFactory, RunningGateway
from zdr.detect.engine import DetectorSet
from zdr.detect.model import Span
from zdr.detect.scan import Text
from zdr.fake.openai import FakeOpenAI
from zdr.gateway.app import Gateway
from zdr.pseudonymize.step import Pseudonymize

NAME, EMAIL, CARD = "Margarethe Vandersloot", "m.vandersloot@example.org", "4539 1488 0343 6467"
TEXT = f"Please write to {NAME} at {EMAIL} about card {CARD}."
MSGS: Any = [{"role": "user", "content": TEXT}]


def sent_text(fake: FakeOpenAI) -> str:
    return fake.requests[-1].body.decode()


def assert_masked(raw: str) -> None:
    for value in (NAME, EMAIL, CARD):
        assert value not in raw
    assert "[PERSON_" in raw and "[EMAIL_" in raw and "[CREDIT_CARD_" in raw


def test_chat_json_masked_upstream_restored_for_the_app(
    gateway: RunningGateway, fake: FakeOpenAI
) -> None:
    answer = gateway.client().chat.completions.with_raw_response.create(
        model="gpt-4.1-mini", messages=MSGS
    )
    assert_masked(sent_text(fake))
    assert answer.parse().choices[0].message.content == f"You said: {TEXT}"


@pytest.mark.parametrize("chunk_chars", [1, 3, 7])
def test_chat_stream_restored_when_tokens_split_across_events(
    gateway: RunningGateway, fake: FakeOpenAI, chunk_chars: int
) -> None:
    stream = gateway.client().chat.completions.create(
        model="gpt-4.1-mini",
        messages=MSGS,
        stream=True,
        extra_headers={"x-fake-chunk-chars": str(chunk_chars)},
    )
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert_masked(sent_text(fake))
    assert text == f"You said: {TEXT}"


def test_responses_api_input_and_stream(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    client = gateway.client()
    response = client.responses.create(
        model="gpt-4.1-mini", input=TEXT, instructions=f"Address {NAME} formally."
    )
    assert_masked(sent_text(fake))
    assert response.output_text == f"You said: {TEXT}"
    deltas = []
    with client.responses.stream(
        model="gpt-4.1-mini",
        input=[{"role": "user", "content": [{"type": "input_text", "text": TEXT}]}],
        extra_headers={"x-fake-chunk-chars": "2"},
    ) as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                deltas.append(event.delta)
        final = stream.get_final_response()
    assert_masked(sent_text(fake))
    assert "".join(deltas) == f"You said: {TEXT}"
    assert final.output_text == f"You said: {TEXT}"


def test_tool_call_arguments_restored_as_valid_json(
    gateway: RunningGateway, fake: FakeOpenAI
) -> None:
    secret_text = 'Password is "Tr0ub4dor&3" for ' + EMAIL
    tools: Any = [{"type": "function", "function": {"name": "notify", "parameters": {}}}]
    msgs: Any = [{"role": "user", "content": secret_text}]
    client = gateway.client()
    result = client.chat.completions.create(model="gpt-4.1-mini", messages=msgs, tools=tools)
    assert "Tr0ub4dor&3" not in sent_text(fake)
    call = result.choices[0].message.tool_calls[0]  # type: ignore[index]
    import json

    assert json.loads(call.function.arguments) == {"text": secret_text}  # type: ignore[union-attr]
    stream = client.chat.completions.create(
        model="gpt-4.1-mini",
        messages=msgs,
        tools=tools,
        stream=True,
        extra_headers={"x-fake-chunk-chars": "3"},
    )
    args = "".join(
        tc.function.arguments or ""
        for c in stream
        if c.choices
        for tc in c.choices[0].delta.tool_calls or ()
        if tc.function
    )
    assert json.loads(args) == {"text": secret_text}


def test_same_value_same_token_across_turns(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    client = gateway.client()
    client.chat.completions.create(model="gpt-4.1-mini", messages=MSGS)
    first = sent_text(fake)
    history: Any = [
        *MSGS,
        {"role": "assistant", "content": "Done."},
        {"role": "user", "content": f"And {NAME} again?"},
    ]
    client.chat.completions.create(model="gpt-4.1-mini", messages=history)
    second = sent_text(fake)
    token = first[first.index("[PERSON_") :].split("]")[0]
    assert second.count(token) == 2  # the old turn and the new one: one token


def test_requests_do_not_share_a_vault(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    client = gateway.client()
    client.chat.completions.create(model="gpt-4.1-mini", messages=MSGS)
    token = sent_text(fake)[sent_text(fake).index("[EMAIL_") :].split("]")[0] + "]"
    # Another request that quotes the token, without the value: it is not restored.
    other: Any = [{"role": "user", "content": f"what is {token}?"}]
    answer = client.chat.completions.create(model="gpt-4.1-mini", messages=other)
    assert EMAIL not in (answer.choices[0].message.content or "")


def test_streams_are_not_buffered(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    fake.release.clear()
    first_chunk_at: list[float] = []
    threading.Timer(1.0, fake.release.set).start()
    t0 = time.monotonic()
    stream = gateway.client().chat.completions.create(
        model="gpt-4.1-mini", messages=MSGS, stream=True, extra_headers={"x-fake-fault": "hold"}
    )
    text = ""
    for chunk in stream:
        if not first_chunk_at:
            first_chunk_at.append(time.monotonic() - t0)
        text += (chunk.choices[0].delta.content or "") if chunk.choices else ""
    assert first_chunk_at[0] < 0.8  # before the upstream was released
    assert text == f"You said: {TEXT}"


class Exploding:
    name = "exploding"
    labels = ("PERSON",)
    anchors = ()

    def find(self, text: Text) -> list[Span]:
        raise RuntimeError("detector crashed on " + text.raw)  # must not leak anywhere


def test_detector_error_fails_closed(gateway_factory: GatewayFactory, fake: FakeOpenAI) -> None:
    gw = gateway_factory()
    app = gw.server.app
    assert isinstance(app, Gateway)
    exploding = Pseudonymize(DetectorSet(extra=[Exploding()]), b"x" * 32)
    app.steps = [exploding if isinstance(s, Pseudonymize) else s for s in app.steps]
    with pytest.raises(openai.InternalServerError) as info:
        gw.client().chat.completions.create(model="gpt-4.1-mini", messages=MSGS)
    assert info.value.code == "zdr_detection_failed"
    assert NAME not in str(info.value.body) and fake.requests == []


def test_policy_can_turn_it_off_and_embeddings_are_opt_in(
    gateway_factory: GatewayFactory, fake: FakeOpenAI
) -> None:
    gw = gateway_factory(
        {
            "policies": {
                "default": {},
                "raw": {"pseudonymize": False},
                "emb": {"pseudonymize_embeddings": True},
            }
        },
        keys={"app": "default", "raw": "raw", "emb": "emb"},
    )
    gw.client(gw.keys["raw"]).chat.completions.create(model="gpt-4.1-mini", messages=MSGS)
    assert NAME in sent_text(fake)
    gw.client().embeddings.create(model="text-embedding-3-small", input=TEXT)
    assert NAME in sent_text(fake)  # embeddings: off by default (vectors would change)
    gw.client(gw.keys["emb"]).embeddings.create(model="text-embedding-3-small", input=TEXT)
    assert_masked(sent_text(fake))


def test_pseudonymized_counts_reach_headers_metrics_and_audit(
    gateway: RunningGateway, fake: FakeOpenAI
) -> None:
    gateway.client().chat.completions.create(model="gpt-4.1-mini", messages=MSGS)
    import httpx

    metrics = httpx.get(gateway.url + "/metrics").text
    assert 'zdr_pseudonymized_values_total{label="PERSON"} 1.0' in metrics
    assert 'zdr_pseudonymized_values_total{label="EMAIL"} 1.0' in metrics
    from tests.audit.test_gateway_audit import events_of

    (event,) = events_of(gateway, 1)
    assert event["pseudonymized"] == {"PERSON": 1, "EMAIL": 1, "CREDIT_CARD": 1}


def test_detection_config_rejects_unknown_detectors(gateway_factory: GatewayFactory) -> None:
    from zdr.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown"):
        gateway_factory({"detection": {"detectors": ["email", "telepathy"]}})


class HoldsLargeTexts:
    """A detector that, on a large text, says so and then waits to be released: while
    it waits, a gateway detecting on its event loop could serve nothing else."""

    name = "holds-large"
    labels = ("PERSON",)
    anchors = ()

    def __init__(self) -> None:
        self.holding = threading.Event()
        self.release = threading.Event()
        self.released_in_time = False

    def find(self, text: Text) -> list[Span]:
        if len(text.raw) > 20_000:
            self.holding.set()
            self.released_in_time = self.release.wait(timeout=20)
        return []


def test_large_bodies_are_examined_off_the_event_loop(
    gateway_factory: GatewayFactory, fake: FakeOpenAI
) -> None:
    threshold = 10_000  # with 10**9 (detection on the event loop) this test fails
    gw = gateway_factory({"detection": {"worker_thread_above_bytes": threshold}})
    app = gw.server.app
    assert isinstance(app, Gateway)
    holder = HoldsLargeTexts()
    holding = Pseudonymize(DetectorSet(extra=[holder]), b"x" * 32, threshold)
    app.steps = [holding if isinstance(s, Pseudonymize) else s for s in app.steps]
    big: Any = [{"role": "user", "content": TEXT + " lorem ipsum" * 3000}]
    answers: list[str] = []

    def send_big() -> None:
        reply = gw.client().chat.completions.create(model="gpt-4.1-mini", messages=big)
        answers.append(reply.choices[0].message.content or "")

    sender = threading.Thread(target=send_big)
    sender.start()
    assert holder.holding.wait(timeout=30)  # the large body is being examined now
    # Detecting on the event loop, the gateway could not answer this until the large
    # body is done, which waits for this answer: the client gives up after 10 s.
    small = gw.client(timeout=10).chat.completions.create(model="gpt-4.1-mini", messages=MSGS)
    holder.release.set()
    sender.join(timeout=30)
    assert holder.released_in_time
    assert small.choices[0].message.content == f"You said: {TEXT}"
    assert answers and answers[0].startswith("You said: " + TEXT)
    large = next(r.body.decode() for r in fake.requests if b"lorem ipsum" in r.body)
    assert NAME not in large and "[PERSON_" in large  # examined all the same
