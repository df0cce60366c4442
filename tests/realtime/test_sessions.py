"""Realtime and Responses WebSocket sessions through the gateway, end to end: the
official openai SDK's WebSocket clients, the gateway, and a fake upstream that speaks
the providers' protocols (tests/realtime/conftest.py)."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import openai
import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.audit.test_gateway_audit import events_of
from tests.conftest import UPSTREAM_KEY, GatewayFactory, RunningGateway
from zdr.fake.realtime import FakeRealtimeServer
from zdr.gateway.upstream import KEY_MASK

EMAIL, PHONE, NAME = "helen.murray@northwind-mail.com", "+44 20 7946 0123", "Helen Murray"
SAID = f"My email is {EMAIL}, call me at {PHONE}"


def ws_url(gw: RunningGateway, path: str) -> str:
    return gw.url.replace("http://", "ws://") + path


async def until(conn: Any, last: str) -> list[Any]:
    """Every event up to and including the first of type ``last``."""
    events = []
    async for event in conn:
        events.append(event)
        if event.type == last:
            return events
    raise AssertionError(f"the session ended before {last}")


def upstream_text(fake: FakeRealtimeServer) -> str:
    return "".join(m if isinstance(m, str) else m.decode() for s in fake.sessions for m in s.raw)


def test_a_conversation_goes_out_as_tokens_and_comes_back_restored(
    ws_gateway: RunningGateway, ws_fake: FakeRealtimeServer
) -> None:
    async def talk() -> list[Any]:
        client = ws_gateway.async_client()
        async with client.realtime.connect(model="gpt-realtime") as conn:
            await conn.session.update(
                session={
                    "type": "realtime",
                    "instructions": f"The caller is {NAME}.",
                    "output_modalities": ["text"],
                }
            )
            await conn.conversation.item.create(
                item={
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": SAID}],
                }
            )
            await conn.response.create()
            return await until(conn, "response.done")

    events = asyncio.run(talk())
    sent = upstream_text(ws_fake)
    for value in (EMAIL, PHONE, NAME):
        assert value not in sent
    assert "[EMAIL_" in sent and "[PHONE_" in sent and "[PERSON_" in sent
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert deltas == f"You said: {SAID}"
    # The fake answered in 5-character deltas: every token was split across events.
    assert sum(e.type == "response.output_text.delta" for e in events) > 10
    done = next(e for e in events if e.type == "response.output_text.done")
    assert done.text == f"You said: {SAID}"
    added = next(e for e in events if e.type == "conversation.item.added")
    assert added.item.content[0].text == SAID  # the upstream's echo of the item, restored
    final = next(e for e in events if e.type == "response.done")
    assert final.response.output[0].content[0].text == f"You said: {SAID}"


def test_function_call_arguments_and_audio(
    ws_gateway: RunningGateway, ws_fake: FakeRealtimeServer
) -> None:
    audio_in = base64.b64encode(bytes(range(256)) * 8).decode()

    async def talk() -> list[Any]:
        client = ws_gateway.async_client()
        async with client.realtime.connect(model="gpt-realtime") as conn:
            await conn.session.update(
                session={
                    "type": "realtime",
                    "output_modalities": ["audio"],
                    "tools": [{"type": "function", "name": "lookup", "parameters": {}}],
                }
            )
            await conn.input_audio_buffer.append(audio=audio_in)
            await conn.conversation.item.create(
                item={
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": f"call {EMAIL}"}],
                }
            )
            await conn.response.create()
            events = await until(conn, "response.done")
            await conn.conversation.item.create(
                item={"type": "function_call_output", "call_id": "call_1", "output": SAID}
            )
            await conn.response.create()
            return events + await until(conn, "response.done")

    events = asyncio.run(talk())
    args = "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta")
    assert orjson.loads(args) == {"text": EMAIL}
    done = next(e for e in events if e.type == "response.function_call_arguments.done")
    assert orjson.loads(done.arguments) == {"text": EMAIL}
    # Audio passes untouched both ways; the spoken answer's transcript is restored.
    appended = [
        e for s in ws_fake.sessions for e in s.events if e["type"].startswith("input_audio")
    ]
    assert appended[0]["audio"] == audio_in
    audio_out = [e.delta for e in events if e.type == "response.output_audio.delta"]
    assert audio_out and set(audio_out) == {base64.b64encode(b"\x00\x00" * 480).decode()}
    transcript = "".join(
        e.delta for e in events if e.type == "response.output_audio_transcript.delta"
    )
    assert transcript == f"You said: {SAID}"
    assert EMAIL not in upstream_text(ws_fake) and PHONE not in upstream_text(ws_fake)


def test_responses_websocket_mode(ws_gateway: RunningGateway, ws_fake: FakeRealtimeServer) -> None:
    async def talk() -> list[Any]:
        client = ws_gateway.async_client()
        async with client.responses.connect() as conn:
            await conn.response.create(model="gpt-5.4", input=SAID, instructions=f"For {NAME}.")
            first = await until(conn, "response.completed")
            rid = first[-1].response.id
            # previous_response_id: the source says it resolves from this connection's
            # memory (store is false), so it is allowed here, unlike over HTTP.
            await conn.response.create(
                model="gpt-5.4", previous_response_id=rid, input="and again", stream_id="b"
            )
            return first + await until(conn, "response.completed")

    events = asyncio.run(talk())
    sent = [e for s in ws_fake.sessions for e in s.events]
    assert [e.get("store") for e in sent] == [False, False]  # store: false, forced
    assert EMAIL not in upstream_text(ws_fake) and NAME not in upstream_text(ws_fake)
    texts = [e.text for e in events if e.type == "response.output_text.done"]
    assert texts == [f"You said: {SAID}", "You said: and again"]
    first = events[: next(i for i, e in enumerate(events) if e.type == "response.completed")]
    deltas = "".join(e.delta for e in first if e.type == "response.output_text.delta")
    assert deltas == f"You said: {SAID}"
    assert events[-1].stream_id == "b"


@pytest.mark.parametrize(
    ("event", "rule"),
    [
        (
            {"type": "session.update", "session": {"type": "realtime", "tracing": "auto"}},
            "feature.realtime.tracing",
        ),
        (
            {"type": "session.update", "session": {"type": "realtime", "prompt": {"id": "pmpt_1"}}},
            "feature.realtime.prompt",
        ),
        (
            {"type": "response.create", "response": {"prompt": {"id": "pmpt_1"}}},
            "feature.realtime.response_prompt",
        ),
        (
            {
                "type": "session.update",
                "session": {
                    "type": "realtime",
                    "tools": [{"type": "mcp", "server_label": "x", "server_url": "https://x"}],
                },
            },
            "feature.tool.mcp",
        ),
        ({"type": "session.delete"}, "parameter.invalid"),
        ({"type": "Session.Update", "session": {}}, "parameter.invalid"),
    ],
)
def test_a_refused_setting_is_the_protocols_error_event_and_the_session_goes_on(
    ws_gateway: RunningGateway, ws_fake: FakeRealtimeServer, event: dict[str, Any], rule: str
) -> None:
    async def talk() -> tuple[dict[str, Any], list[str]]:
        headers = {"Authorization": f"Bearer {ws_gateway.key}"}
        async with connect(
            ws_url(ws_gateway, "/v1/realtime?model=gpt-realtime"), additional_headers=headers
        ) as ws:
            assert orjson.loads(await ws.recv())["type"] == "session.created"
            await ws.send(orjson.dumps({**event, "event_id": "evt_client_1"}).decode())
            error = orjson.loads(await ws.recv())
            await ws.send(orjson.dumps({"type": "input_audio_buffer.commit"}).decode())
            after = orjson.loads(await ws.recv())
            return error, [error["type"], after["type"]]

    error, kinds = asyncio.run(talk())
    assert kinds == ["error", "input_audio_buffer.committed"]
    assert error["error"]["event_id"] == "evt_client_1"
    assert f"[rule {rule}]" in error["error"]["message"]
    assert error["error"]["type"] in ("zdr_policy_error", "invalid_request_error")
    # Only the event that was allowed reached the upstream.
    assert [e["type"] for e in ws_fake.sessions[0].events] == ["input_audio_buffer.commit"]


def test_responses_events_are_held_to_the_responses_rows(
    ws_gateway: RunningGateway, ws_fake: FakeRealtimeServer
) -> None:
    async def talk() -> list[Any]:
        client = ws_gateway.async_client()
        async with client.responses.connect() as conn:
            await conn.response.create(model="gpt-5.4", input="hi", background=True)
            await conn.response.create(model="gpt-5.4", input="hi", prompt={"id": "pmpt_1"})
            await conn.response.create(
                model="gpt-5.4", input="hi", tools=[{"type": "code_interpreter", "container": "c"}]
            )
            await conn.response.create(model="gpt-5.4", input="hi", conversation="conv_1")
            return [await conn.recv() for _ in range(4)]

    errors = asyncio.run(talk())
    assert [e.type for e in errors] == ["error"] * 4
    rules = [e.error.message.rsplit("[rule ", 1)[1].rstrip("]") for e in errors]
    assert rules == [
        "feature.background",
        "feature.prompt",
        "feature.tool.code_interpreter",
        "feature.conversation",
    ]
    assert ws_fake.sessions[0].events == []


def test_handshakes_the_policy_refuses_never_reach_the_upstream(
    gateway_factory: GatewayFactory, ws_fake: FakeRealtimeServer
) -> None:
    gw = gateway_factory(upstream_url=ws_fake.url, keys={"app": "default", "scoped": "chat"})

    async def status_of(path: str, key: str) -> tuple[int, dict[str, Any]]:
        with pytest.raises(InvalidStatus) as info:
            async with connect(
                ws_url(gw, path), additional_headers={"Authorization": f"Bearer {key}"}
            ):
                pass
        response = info.value.response
        return response.status_code, orjson.loads(response.body)

    # Translations: no source states its retention (refused while unknowns are).
    status, body = asyncio.run(status_of("/v1/realtime/translations", gw.key))
    assert status == 403 and "endpoint.unknown_retention" in body["error"]["message"]
    # Forking a live session needs a stored session.
    status, body = asyncio.run(status_of("/v1/live/sessions/sess_1/fork", gw.key))
    assert status == 403 and "endpoint.retains" in body["error"]["message"]
    status, body = asyncio.run(status_of("/v1/realtime?model=gpt-realtime", "zdr-wrong-key"))
    assert status == 401 and body["error"]["code"] == "invalid_api_key"
    status, body = asyncio.run(status_of("/v1/realtime/../responses", gw.key))
    assert status == 400
    assert ws_fake.sessions == []


def test_translations_work_where_a_policy_lists_them(
    gateway_factory: GatewayFactory, ws_fake: FakeRealtimeServer
) -> None:
    gw = gateway_factory(
        {"policies": {"default": {"endpoints": ["realtime.translations.websocket"]}}},
        upstream_url=ws_fake.url,
    )

    async def talk() -> Any:
        client = gw.async_client()
        async with client.realtime.translations.connect(model="gpt-realtime-translate") as conn:
            return await conn.recv()

    first = asyncio.run(talk())
    assert first.type == "session.created"
    assert ws_fake.sessions[0].path == "/v1/realtime/translations"


def test_the_upstream_key_never_reaches_the_client(
    ws_gateway: RunningGateway, ws_fake: FakeRealtimeServer
) -> None:
    async def talk() -> tuple[list[bytes], Any]:
        client = ws_gateway.async_client()
        manager = client.realtime.connect(
            model="gpt-realtime", extra_headers={"x-fake-fault": "echo-key"}
        )
        async with manager as conn:
            raw = [await conn.recv_bytes()]
            return raw, conn._connection.response

    raw, response = asyncio.run(talk())
    assert UPSTREAM_KEY.encode() not in raw[0] and KEY_MASK in raw[0]
    assert all(UPSTREAM_KEY not in v for _, v in response.headers.raw_items())
    # The client's own key stays at the gateway; the upstream gets the gateway's.
    headers = ws_fake.sessions[0].headers
    assert headers["authorization"] == f"Bearer {UPSTREAM_KEY}"
    assert ws_gateway.key not in repr(ws_fake.sessions[0])


def test_a_browser_key_subprotocol_is_read_as_the_key_and_never_forwarded(
    ws_gateway: RunningGateway, ws_fake: FakeRealtimeServer
) -> None:
    async def open_with(protocols: list[str]) -> str | None:
        async with connect(
            ws_url(ws_gateway, "/v1/realtime?model=gpt-realtime"),
            subprotocols=protocols,  # type: ignore[arg-type]
        ) as ws:
            await ws.recv()
            return ws.subprotocol

    chosen = asyncio.run(open_with(["realtime", f"openai-insecure-api-key.{ws_gateway.key}"]))
    assert chosen == "realtime"
    assert ws_fake.sessions[0].subprotocols == ["realtime"]
    assert ws_gateway.key not in repr(ws_fake.sessions[0])
    with pytest.raises(InvalidStatus) as info:
        asyncio.run(
            open_with(["realtime", "x-custom", f"openai-insecure-api-key.{ws_gateway.key}"])
        )
    assert info.value.response.status_code == 400
    assert len(ws_fake.sessions) == 1


async def _session_until_closed(
    gw: RunningGateway, fault: str, start_response: bool = False
) -> tuple[list[Any], int | None]:
    client = gw.async_client()
    manager = client.realtime.connect(model="gpt-realtime", extra_headers={"x-fake-fault": fault})
    events = []
    code = None
    async with manager as conn:
        if start_response:
            await conn.response.create()
        try:
            async for event in conn:
                events.append(event)
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd else None
    return events, code


@pytest.mark.parametrize(
    ("fault", "start_response", "before"),
    [
        ("drop-after-created", False, ["session.created"]),
        (
            "drop-mid-response",
            True,
            ["session.created", "response.created", "response.output_item.added"],
        ),
    ],
)
def test_a_dropped_upstream_ends_the_session_cleanly_on_both_sides(
    ws_gateway: RunningGateway, fault: str, start_response: bool, before: list[str]
) -> None:
    events, code = asyncio.run(_session_until_closed(ws_gateway, fault, start_response))
    assert [e.type for e in events][: len(before)] == before
    assert events[-1].type == "error" and events[-1].error.code == "upstream_unavailable"
    assert code == 1011
    audit = events_of(ws_gateway, 1)[-1]
    assert audit["error"] == "upstream_unavailable" and audit["method"] == "WEBSOCKET"


def test_a_session_the_upstream_runs_with_tracing_is_ended(ws_gateway: RunningGateway) -> None:
    events, code = asyncio.run(_session_until_closed(ws_gateway, "session-tracing"))
    # The upstream's report itself is not relayed: the client hears why, and the end.
    assert [e.type for e in events] == ["error"]
    assert "[rule feature.realtime.tracing]" in events[0].error.message
    assert code == 1008
    audit = events_of(ws_gateway, 1)[-1]
    assert audit["decision"] == "refuse" and audit["rule"] == "feature.realtime.tracing"


def test_oversized_frames_end_the_session_on_both_sides(
    gateway_factory: GatewayFactory, ws_fake: FakeRealtimeServer
) -> None:
    gw = gateway_factory({"server": {"max_event_bytes": 65536}}, upstream_url=ws_fake.url)
    headers = {"Authorization": f"Bearer {gw.key}"}

    async def client_sends_too_much() -> int | None:
        async with connect(
            ws_url(gw, "/v1/realtime?model=gpt-realtime"), additional_headers=headers
        ) as ws:
            await ws.recv()
            big = {"type": "input_audio_buffer.append", "audio": "QUJD" * 20_000}
            await ws.send(orjson.dumps(big).decode())
            with pytest.raises(ConnectionClosed):
                await ws.recv()
            return ws.close_code

    assert asyncio.run(client_sends_too_much()) == 1009
    deadline = asyncio.run(_wait(lambda: ws_fake.sessions[-1].closed_code is not None))
    assert deadline and ws_fake.sessions[-1].closed_code == 1000
    assert ws_fake.sessions[-1].events == []

    async def upstream_sends_too_much() -> tuple[list[dict[str, Any]], int | None]:
        async with connect(
            ws_url(gw, "/v1/realtime?model=gpt-realtime"),
            additional_headers={**headers, "x-fake-fault": "huge-event:100000"},
        ) as ws:
            got = [orjson.loads(await ws.recv())]
            await ws.send(orjson.dumps({"type": "response.create"}).decode())
            with pytest.raises(ConnectionClosed):
                while True:
                    got.append(orjson.loads(await ws.recv()))
            return got, ws.close_code

    got, code = asyncio.run(upstream_sends_too_much())
    assert [e["type"] for e in got] == ["session.created", "error"]
    assert got[1]["error"]["code"] == "upstream_answer_too_large"
    assert code == 1011
    events = events_of(gw, 2)
    assert [e["error"] for e in events[-2:]] == ["message_too_large", "upstream_answer_too_large"]


async def _wait(check: Any, timeout: float = 5.0) -> bool:
    for _ in range(int(timeout / 0.02)):
        if check():
            return True
        await asyncio.sleep(0.02)
    return False


def test_a_client_that_leaves_closes_the_upstream_session(
    ws_gateway: RunningGateway, ws_fake: FakeRealtimeServer
) -> None:
    async def talk() -> None:
        client = ws_gateway.async_client()
        async with client.realtime.connect(model="gpt-realtime") as conn:
            await conn.recv()

    asyncio.run(talk())
    assert asyncio.run(_wait(lambda: ws_fake.sessions[-1].closed_code is not None))
    assert ws_fake.sessions[-1].closed_code == 1000


def test_unreadable_events_get_an_error_event_and_are_not_forwarded(
    ws_gateway: RunningGateway, ws_fake: FakeRealtimeServer
) -> None:
    async def talk() -> list[dict[str, Any]]:
        async with connect(
            ws_url(ws_gateway, "/v1/realtime?model=gpt-realtime"),
            additional_headers={"Authorization": f"Bearer {ws_gateway.key}"},
        ) as ws:
            await ws.recv()
            await ws.send("{not json")
            await ws.send(b"\x00\x01binary")
            await ws.send('{"type": "response.cancel", "type": "session.update"}')
            return [orjson.loads(await ws.recv()) for _ in range(3)]

    errors = asyncio.run(talk())
    assert [e["error"]["code"] for e in errors] == [
        "invalid_json",
        None,
        "zdr_ambiguous_request",
    ]
    assert all("not json" not in e["error"]["message"] for e in errors)
    assert ws_fake.sessions[0].events == []


def test_one_content_free_audit_event_per_session(
    ws_gateway: RunningGateway, ws_fake: FakeRealtimeServer
) -> None:
    async def talk() -> None:
        client = ws_gateway.async_client()
        async with client.realtime.connect(model="gpt-realtime") as conn:
            await conn.session.update(session={"type": "realtime", "tracing": "auto"})
            await conn.recv()  # session.created
            await conn.recv()  # the refusal
            await conn.conversation.item.create(
                item={
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": SAID}],
                }
            )
            await conn.response.create()
            await until(conn, "response.done")

    asyncio.run(talk())
    events = events_of(ws_gateway, 1)
    assert len(events) == 1
    event = events[0]
    assert event["endpoint"] == "realtime.websocket" and event["model"] == "gpt-realtime"
    assert event["status"] == 101 and event["error"] is None
    assert event["rule"] == "feature.realtime.tracing"
    assert event["pseudonymized"] == {"EMAIL": 1, "PHONE": 1}
    assert event["usage"] == {"total_tokens": 30, "input_tokens": 20, "output_tokens": 10}
    session = event["session"]
    assert session["events_in"] == 3 and session["refused_events"] == 1
    assert session["turns"] == 1 and session["events_out"] >= 10
    text = orjson.dumps(event).decode()
    for value in (EMAIL, PHONE, "You said"):
        assert value not in text


def test_the_sdk_without_a_key_gets_an_openai_error(ws_gateway: RunningGateway) -> None:
    async def talk() -> None:
        client = openai.AsyncOpenAI(base_url=ws_gateway.url + "/v1", api_key="zdr-not-a-key")
        async with client.realtime.connect(model="gpt-realtime") as conn:
            await conn.recv()

    with pytest.raises(InvalidStatus) as info:
        asyncio.run(talk())
    assert info.value.response.status_code == 401


def test_nothing_of_a_session_reaches_the_gateways_files_or_logs(
    ws_gateway: RunningGateway, ws_fake: FakeRealtimeServer, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.privacy.scan import find_values, scan_tree

    values = [EMAIL, PHONE, NAME, "4539 1488 0343 6467"]
    text = f"{NAME}: {EMAIL}, {PHONE}, card 4539 1488 0343 6467"

    async def talk() -> None:
        async with connect(
            ws_url(ws_gateway, "/v1/realtime?model=gpt-realtime"),
            additional_headers={"Authorization": f"Bearer {ws_gateway.key}"},
        ) as ws:
            await ws.recv()
            item = {
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": text}],
            }
            await ws.send(orjson.dumps({"type": "conversation.item.create", "item": item}).decode())
            await ws.send(orjson.dumps({"type": "response.create"}).decode())
            await ws.send("{" + text)  # unreadable: refused
            refused = {
                "type": "session.update",
                "session": {"instructions": text, "tracing": "auto"},
            }
            await ws.send(orjson.dumps(refused).decode())
            got = []
            while not any(e.get("type") == "response.done" for e in got) or len(got) < 12:
                got.append(orjson.loads(await ws.recv()))
                if (
                    sum(e["type"] == "error" for e in got) == 2
                    and got[-1]["type"] == "response.done"
                ):
                    break

    # Everything the gateway logs at INFO, and its own loggers at DEBUG (uvicorn's
    # error logger, where frames are logged at DEBUG, never goes below INFO:
    # test_frame_logs_stay_off_at_debug).
    with caplog.at_level("INFO"), caplog.at_level("DEBUG", logger="zdr"):
        asyncio.run(talk())
    events_of(ws_gateway, 1)
    assert any(v in upstream_text(ws_fake) for v in ["[EMAIL_"])
    assert scan_tree(ws_gateway.settings.storage.data_dir, values) == {}
    assert find_values(caplog.text.encode(), values) == []


def test_frame_logs_stay_off_at_debug() -> None:
    import logging

    from zdr.ops.logs import setup_logging

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        setup_logging("debug")
        assert logging.getLogger("zdr.gateway").isEnabledFor(logging.DEBUG)
        assert not logging.getLogger("uvicorn.error").isEnabledFor(logging.DEBUG)
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
        logging.getLogger("uvicorn.error").setLevel(logging.NOTSET)


def test_the_handshakes_query_values_are_examined_as_an_http_requests(
    ws_gateway: RunningGateway, ws_fake: FakeRealtimeServer
) -> None:
    async def talk() -> None:
        client = ws_gateway.async_client()
        manager = client.realtime.connect(model="gpt-realtime", extra_query={"note": EMAIL})
        async with manager as conn:
            await conn.recv()

    asyncio.run(talk())
    query = ws_fake.sessions[0].query
    assert query["model"] == "gpt-realtime" and query["note"].startswith("[EMAIL_")
