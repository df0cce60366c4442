"""The pure parts of the realtime path: the client events in the shapes (and their
drift test), the event policy's decisions, masking and restoring events."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest

from zdr.catalogue.drift import find_drift
from zdr.catalogue.load import load_catalogue
from zdr.catalogue.sdk import sdk_endpoints
from zdr.catalogue.sdk_shapes import sdk_websockets
from zdr.catalogue.shapes import BodyShapes, load_shapes, shapes_data
from zdr.config import Settings
from zdr.detect.configured import detector_set
from zdr.exchange import Exchange
from zdr.policy.events import EventPolicy
from zdr.policy.model import Policy
from zdr.pseudonymize.realtime import SessionMasker
from zdr.pseudonymize.tokens import Vault
from zdr.testing import make_exchange


def test_every_websocket_connection_declares_its_client_events() -> None:
    shapes = load_shapes()
    keys = {k.split(" ", 1)[1] for k in shapes.bodies if k.startswith("WEBSOCKET ")}
    assert keys == sdk_websockets()
    realtime = shapes.bodies["WEBSOCKET /v1/realtime"]
    assert isinstance(realtime, dict) and realtime["tag"] == "type"
    assert {"session.update", "conversation.item.create", "response.create"} <= set(realtime["by"])
    assert "previous_response_id" in shapes.event_params(
        "WEBSOCKET /v1/responses", "response.steer"
    )
    assert "store" not in shapes.event_params("WEBSOCKET /v1/responses", "response.steer")


def test_a_newer_sdk_adding_an_event_field_is_reported() -> None:
    data = copy.deepcopy(shapes_data())
    body = data["bodies"]["WEBSOCKET /v1/realtime"]
    member = body["union"][body["by"]["session.update"][-1]]["ref"]
    data["defs"][member]["fields"]["retain_audio_days"] = "int"
    drift = find_drift(
        load_catalogue(), BodyShapes(data), sdk_endpoints(), websockets=sdk_websockets()
    )
    assert drift.params == ["WEBSOCKET /v1/realtime: retain_audio_days"]


def _exchange(path: str, mode: str = "enforce") -> Exchange:
    settings = Settings.model_validate({"policies": {"default": {"mode": mode}}})
    ex = make_exchange("WEBSOCKET", path.encode())
    ex.path = path
    ex.policy = Policy.compile_all(settings)["default"]
    ex.policy_name = "default"
    ex.endpoint = load_catalogue().match("WEBSOCKET", path)
    ex.model = "gpt-realtime"
    return ex


POLICY = EventPolicy(load_catalogue(), b"s" * 32)
# What the Responses rows add to every response.create, as to every POST /v1/responses.
SAFE = {
    "store": False,
    "include": ["reasoning.encrypted_content"],
    "prompt_cache_retention": "in_memory",
}


@pytest.mark.parametrize(
    ("event", "after"),
    [
        # store is forced to false on every response.create, as over HTTP...
        (
            {"type": "response.create", "model": "gpt-5.4", "input": "hi"},
            {"type": "response.create", "model": "gpt-5.4", "input": "hi", **SAFE},
        ),
        (
            {"type": "response.create", "model": "gpt-5.4", "input": "hi", "store": True},
            {"type": "response.create", "model": "gpt-5.4", "input": "hi", **SAFE},
        ),
        # ...previous_response_id resolves from the connection's memory: allowed...
        (
            {"type": "response.create", "input": "hi", "previous_response_id": "resp_1"},
            {
                "type": "response.create",
                "input": "hi",
                "previous_response_id": "resp_1",
                **SAFE,
            },
        ),
        # ...and a steer, which carries no store, gets none.
        (
            {"type": "response.steer", "input": "hi", "previous_response_id": "resp_1"},
            {"type": "response.steer", "input": "hi", "previous_response_id": "resp_1"},
        ),
    ],
)
def test_responses_events_are_rewritten_as_their_bodies_are(
    event: dict[str, Any], after: dict[str, Any]
) -> None:
    ex = _exchange("/v1/responses")
    assert POLICY.client_event(ex, event) is None
    assert event == after


def test_previous_response_id_is_refused_over_http_and_allowed_over_the_websocket() -> None:
    from zdr.policy.decide import Request, decide

    body = {"model": "gpt-5.4", "input": "hi", "previous_response_id": "resp_1", "store": False}
    ep = load_catalogue().match("POST", "/v1/responses")
    policy = _exchange("/v1/responses").policy
    assert policy is not None
    http = decide(
        Request("POST", "/v1/responses", ep, body, "gpt-5.4"), policy, load_catalogue(), {}
    )
    assert http.refusal is not None and http.refusal.rule == "feature.previous_response_id"
    ws = {"type": "response.create", **body}
    assert POLICY.client_event(_exchange("/v1/responses"), ws) is None


@pytest.mark.parametrize(
    ("event", "rule"),
    [
        ({"type": "session.update", "session": {"tracing": {"workflow_name": "w"}}}, "tracing"),
        ({"type": "session.update", "session": {"type": "realtime", "tracing": "auto"}}, "tracing"),
        (
            {"type": "session.update", "session": {"type": "realtime", "prompt": {"id": "p"}}},
            "prompt",
        ),
        ({"type": "response.create", "response": {"prompt": {"id": "p"}}}, "response_prompt"),
    ],
)
def test_realtime_session_settings_that_keep_data_are_refused(
    event: dict[str, Any], rule: str
) -> None:
    refused = POLICY.client_event(_exchange("/v1/realtime"), event)
    assert refused is not None and refused.rule == f"feature.realtime.{rule}"


def test_observe_mode_forwards_and_records_what_it_would_have_done() -> None:
    ex = _exchange("/v1/realtime", mode="observe")
    event = {"type": "session.update", "session": {"type": "realtime", "tracing": "auto"}}
    assert POLICY.client_event(ex, event) is None
    assert ex.would == "refuse:feature.realtime.tracing"


@pytest.mark.parametrize(
    ("session", "refused"),
    [
        ({"tracing": None, "prompt": None}, False),
        ({"tracing": "auto", "prompt": None}, True),
        ({"tracing": None, "prompt": {"id": "pmpt_1"}}, True),
    ],
)
def test_a_session_the_upstream_runs_with_tracing_is_ended(
    session: dict[str, Any], refused: bool
) -> None:
    ex = _exchange("/v1/realtime")
    got = POLICY.server_event(ex, {"type": "session.created", "session": session})
    assert (got is not None) == refused


def _masker() -> SessionMasker:
    settings = Settings.model_validate({})
    return SessionMasker(Vault(b"k" * 32), detector_set(settings.detection))


# Not real audio: a value detection replaces wherever it reads it, to show it is not read.
AUDIO = "UklGRg helen.murray@northwind-mail.com AAAA"


def test_audio_is_never_read_and_every_other_string_is() -> None:
    masker = _masker()
    event = {"type": "input_audio_buffer.append", "audio": AUDIO}
    assert asyncio.run(masker.mask(event, 100)) == {
        "type": "input_audio_buffer.append",
        "audio": AUDIO,
    }
    item = {
        "type": "conversation.item.create",
        "event_id": "evt_1",
        "item": {
            "type": "message",
            "role": "user",
            "content": [
                {"type": "input_audio", "audio": AUDIO, "transcript": "I am Helen Murray"},
                {"type": "input_text", "text": f"key {AUDIO}"},
            ],
        },
    }
    masked = asyncio.run(masker.mask(item, 100))
    content = masked["item"]["content"]
    assert content[0]["audio"] == AUDIO and "Helen Murray" not in content[0]["transcript"]
    assert AUDIO not in content[1]["text"]  # the same characters as text: examined
    assert item["item"]["content"][0]["audio"] == AUDIO  # the client's event is intact
    text = {"type": "x.unknown", "note": "write to helen.murray@northwind-mail.com"}
    assert "helen.murray" not in asyncio.run(masker.mask(text, 100))["note"]


def test_a_token_split_across_transcript_deltas_comes_back_whole() -> None:
    masker = _masker()
    event = {
        "type": "conversation.item.create",
        "item": {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "mail helen.murray@northwind-mail.com"}],
        },
    }
    masked = asyncio.run(masker.mask(event, 100))
    token = masked["item"]["content"][0]["text"].split("mail ", 1)[1]
    assert token.startswith("[EMAIL_")
    where = {"response_id": "r", "item_id": "i", "output_index": 0, "content_index": 0}
    out: list[Any] = []
    for piece in ("Sure, ", token[:4], token[4:11], token[11:], "!"):
        kind = "response.output_audio_transcript.delta"
        out += masker.restore({"type": kind, **where, "delta": piece})
    out += masker.restore(
        {"type": "response.output_audio_transcript.done", **where, "transcript": f"Sure, {token}!"}
    )
    deltas = "".join(e["delta"] for e in out if e["type"].endswith(".delta"))
    assert deltas == "Sure, helen.murray@northwind-mail.com!"
    assert out[-1]["transcript"] == "Sure, helen.murray@northwind-mail.com!"
    audio = {"type": "response.output_audio.delta", **where, "delta": token}
    assert masker.restore(dict(audio)) == [audio]  # audio is passed as it came
