"""A fake of OpenAI's WebSocket APIs, for the tests and benchmarks of the realtime path.

It speaks the Realtime API (``/v1/realtime``, ``/v1/realtime/translations``) and the
Responses API's WebSocket mode (``/v1/responses``) as the provider's documentation and
the openai SDK's event types describe them: ``session.created`` on connect,
``session.updated``, ``conversation.item.added``/``done``, a response as
``response.created``, output items, content parts, text or audio-transcript deltas,
function-call argument deltas, ``response.done`` (Responses: ``response.completed``)
with usage; ``error`` events for what it does not accept (an unknown event type, a
``previous_response_id`` not in this connection's memory). The model is an echo: it
answers "You said: <the last user text>", in deltas of ``chunk_chars`` characters, so a
token in the input comes back split across several events.

The protocol is :class:`FakeRealtimeProtocol` (no I/O: events in, events out);
:class:`FakeRealtimeServer` runs it on a real WebSocket server (the ``websockets``
library, not the gateway's server stack) on 127.0.0.1 in a thread, records what it
received, and misbehaves on request (header ``x-fake-fault``):

* ``reject:<status>``: the opening handshake is refused with that HTTP status;
* ``drop-after-created``: the TCP connection is cut right after ``session.created``;
* ``drop-mid-response``: cut after the second delta of the first response;
* ``echo-key``: the first server event carries the Authorization header it received;
* ``huge-event:<bytes>``: the first response starts with an event of that many bytes;
* ``session-tracing``: the session it reports (``session.created``) has tracing on, as
  one whose client secret asked for it would.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson

REALTIME_MODEL = "gpt-realtime"
# 20 ms of silence, PCM16 at 24 kHz, as one audio delta carries it.
_SILENCE = base64.b64encode(b"\x00\x00" * 480).decode()


@dataclass(slots=True)
class FakeSession:
    """What one connection sent: its path, query, headers, subprotocols and events."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    subprotocols: list[str]
    events: list[dict[str, Any]] = field(default_factory=list)
    raw: list[str | bytes] = field(default_factory=list)
    closed_code: int | None = None


class FakeRealtimeProtocol:
    """The server side of one connection: ``opened()`` and ``receive(event)`` return the
    events to send, in order."""

    def __init__(self, path: str, model: str, chunk_chars: int = 5):
        self.path = path
        self.dialect = "responses" if path == "/v1/responses" else "realtime"
        self.chunk_chars = chunk_chars
        self._ids = itertools.count(1)
        self.session: dict[str, Any] = {
            "type": "translation" if path.endswith("/translations") else "realtime",
            "object": "realtime.session",
            "id": self.new_id("sess"),
            "model": model,
            "output_modalities": ["text"],
            "instructions": "",
            "tools": [],
            "tool_choice": "auto",
            "max_output_tokens": "inf",
            "tracing": None,
            "prompt": None,
            "expires_at": 0,
            "audio": {
                "input": {"format": {"type": "audio/pcm", "rate": 24000}, "transcription": None},
                "output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "alloy"},
            },
        }
        self.conversation: list[dict[str, Any]] = []
        # Responses WebSocket mode: the connection-local memory of previous responses.
        self.responses: dict[str, list[dict[str, Any]]] = {}
        # Responses the upstream was asked to store (store: true or omitted).
        self.stored: list[str] = []
        self._sequence = itertools.count()

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):04d}"

    def _event(self, kind: str, **fields: Any) -> dict[str, Any]:
        if self.dialect == "responses":
            return {"type": kind, **fields, "sequence_number": next(self._sequence)}
        return {"type": kind, "event_id": self.new_id("event"), **fields}

    def error(
        self, code: str, message: str, param: str | None = None, event_id: str | None = None
    ) -> dict[str, Any]:
        detail = {"type": "invalid_request_error", "code": code, "message": message, "param": param}
        if self.dialect == "responses":
            return {"type": "error", "status": 400, "error": detail}
        return self._event("error", error={**detail, "event_id": event_id})

    # -- the protocol ----------------------------------------------------------------------

    def opened(self) -> list[dict[str, Any]]:
        if self.dialect == "responses":
            return []
        return [self._event("session.created", session=dict(self.session))]

    def receive(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        kind = event.get("type")
        client_id = event.get("event_id")
        if self.dialect == "responses":
            if kind == "response.create":
                return self._responses_create(event)
            return [self.error("unknown_event", "Unknown event type.", "type")]
        if kind == "session.update" and isinstance(event.get("session"), dict):
            self.session.update(event["session"])
            return [self._event("session.updated", session=dict(self.session))]
        if kind == "conversation.item.create" and isinstance(event.get("item"), dict):
            item = {"id": self.new_id("item"), "object": "realtime.item", **event["item"]}
            item.setdefault("status", "completed")
            self.conversation.append(item)
            return [
                self._event("conversation.item.added", previous_item_id=None, item=item),
                self._event("conversation.item.done", previous_item_id=None, item=item),
            ]
        if kind == "input_audio_buffer.append":
            return []
        if kind == "input_audio_buffer.commit":
            item_id = self.new_id("item")
            return [self._event("input_audio_buffer.committed", item_id=item_id)]
        if kind == "response.create":
            return self._realtime_response(event.get("response") or {})
        if kind in ("response.cancel", "input_audio_buffer.clear", "output_audio_buffer.clear"):
            return []
        return [self.error("unknown_event", "Unknown event type.", "type", client_id)]

    # -- Realtime -----------------------------------------------------------------------------

    def _last_user_text(self, items: list[dict[str, Any]]) -> str:
        for item in reversed(items):
            if item.get("type") == "message" and item.get("role") == "user":
                for part in item.get("content") or ():
                    if isinstance(part, dict) and isinstance(part.get("text"), str):
                        return str(part["text"])
            if item.get("type") == "function_call_output" and isinstance(item.get("output"), str):
                return str(item["output"])
        return ""

    def _chunks(self, text: str) -> list[str]:
        n = self.chunk_chars
        return [text[i : i + n] for i in range(0, len(text), n)] or [""]

    def _realtime_response(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        session = {**self.session, **params}
        given = params.get("input")
        items: list[dict[str, Any]] = given if isinstance(given, list) else self.conversation
        text = self._last_user_text(items)
        rid = self.new_id("resp")
        out = [self._event("response.created", response={"id": rid, "status": "in_progress"})]
        tools = [t for t in session.get("tools") or () if isinstance(t, dict)]
        function = next((t for t in tools if t.get("type") == "function"), None)
        item_id = self.new_id("item")
        if function is not None and text.startswith("call "):
            args = orjson.dumps({"text": text[5:]}).decode()
            item = {
                "id": item_id,
                "type": "function_call",
                "call_id": self.new_id("call"),
                "name": function.get("name"),
                "arguments": args,
            }
            where = {"response_id": rid, "item_id": item_id, "output_index": 0}
            out.append(self._event("response.output_item.added", response_id=rid, item=item))
            for piece in self._chunks(args):
                out.append(
                    self._event(
                        "response.function_call_arguments.delta",
                        **where,
                        call_id=item["call_id"],
                        delta=piece,
                    )
                )
            out.append(
                self._event(
                    "response.function_call_arguments.done",
                    **where,
                    call_id=item["call_id"],
                    arguments=args,
                )
            )
        else:
            reply = f"You said: {text}"
            audio = "audio" in (session.get("output_modalities") or ())
            part_kind, field_name = (
                ("output_audio", "transcript") if audio else ("output_text", "text")
            )
            item = {
                "id": item_id,
                "type": "message",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": part_kind, field_name: reply}],
            }
            where = {"response_id": rid, "item_id": item_id, "output_index": 0}
            out.append(self._event("response.output_item.added", response_id=rid, item=item))
            part = {"type": part_kind, field_name: ""}
            out.append(
                self._event("response.content_part.added", **where, content_index=0, part=part)
            )
            delta = (
                "response.output_audio_transcript.delta" if audio else "response.output_text.delta"
            )
            for piece in self._chunks(reply):
                if audio:
                    out.append(
                        self._event(
                            "response.output_audio.delta", **where, content_index=0, delta=_SILENCE
                        )
                    )
                out.append(self._event(delta, **where, content_index=0, delta=piece))
            done = "response.output_audio_transcript.done" if audio else "response.output_text.done"
            out.append(self._event(done, **where, content_index=0, **{field_name: reply}))
            out.append(
                self._event(
                    "response.content_part.done",
                    **where,
                    content_index=0,
                    part={"type": part_kind, field_name: reply},
                )
            )
        out.append(self._event("response.output_item.done", response_id=rid, item=item))
        if params.get("conversation") != "none":
            self.conversation.append(item)
        usage = {"total_tokens": 30, "input_tokens": 20, "output_tokens": 10}
        done_response = {"id": rid, "status": "completed", "output": [item], "usage": usage}
        out.append(self._event("response.done", response=done_response))
        return out

    # -- Responses WebSocket mode -------------------------------------------------------------

    def _responses_create(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        lane = {"stream_id": event["stream_id"]} if "stream_id" in event else {}
        previous = event.get("previous_response_id")
        history: list[dict[str, Any]] = []
        if previous is not None:
            if previous not in self.responses:
                err = self.error(
                    "previous_response_not_found",
                    "Previous response not found in this connection's memory.",
                    "previous_response_id",
                )
                return [{**err, **lane}]
            history = list(self.responses[previous])
        raw_input = event.get("input")
        if isinstance(raw_input, str):
            items = [{"type": "message", "role": "user", "content": [{"text": raw_input}]}]
        else:
            items = [i for i in raw_input or () if isinstance(i, dict)]
        for item in items:
            content = item.get("content")
            if isinstance(content, str):
                item = {**item, "content": [{"type": "input_text", "text": content}]}
            history.append(item)
        rid = self.new_id("resp")
        if event.get("store") is not False:
            self.stored.append(rid)
        text = self._last_user_text(history)
        reply = f"You said: {text}"
        item_id = self.new_id("msg")
        message = {
            "id": item_id,
            "type": "message",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": reply, "annotations": []}],
        }
        response = {
            "id": rid,
            "object": "response",
            "status": "in_progress",
            "model": event.get("model"),
            "store": event.get("store", True),
            "output": [],
        }
        where = {"item_id": item_id, "output_index": 0}
        out = [self._event("response.created", response=response)]
        out.append(self._event("response.output_item.added", output_index=0, item=message))
        for piece in self._chunks(reply):
            out.append(
                self._event(
                    "response.output_text.delta", **where, content_index=0, delta=piece, logprobs=[]
                )
            )
        out.append(
            self._event(
                "response.output_text.done", **where, content_index=0, text=reply, logprobs=[]
            )
        )
        out.append(self._event("response.output_item.done", output_index=0, item=message))
        usage = {"input_tokens": 20, "output_tokens": 10, "total_tokens": 30}
        completed = {**response, "status": "completed", "output": [message], "usage": usage}
        out.append(self._event("response.completed", response=completed))
        self.responses[rid] = [*history, message]
        return [{**e, **lane} for e in out]


class FakeRealtimeServer:
    """The fake on a real WebSocket server on 127.0.0.1 (port 0), in its own thread."""

    def __init__(self, chunk_chars: int = 5):
        self.chunk_chars = chunk_chars
        self.sessions: list[FakeSession] = []
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeRealtimeServer:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fake realtime server did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)

    def __enter__(self) -> FakeRealtimeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        from websockets.asyncio.server import serve

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with serve(
            self._handle,
            "127.0.0.1",
            0,
            process_request=_process_request,
            select_subprotocol=_select_subprotocol,
            max_size=None,
            compression=None,
        ) as server:
            self.port = next(iter(server.sockets)).getsockname()[1]
            self._ready.set()
            await self._stop.wait()

    async def _handle(self, ws: Any) -> None:
        from websockets.exceptions import ConnectionClosed

        target = urlsplit(ws.request.path)
        headers = {k.lower(): v for k, v in ws.request.headers.raw_items()}
        query = dict(parse_qsl(target.query))
        session = FakeSession(
            target.path,
            query,
            headers,
            [p.strip() for p in headers.get("sec-websocket-protocol", "").split(",") if p.strip()],
        )
        self.sessions.append(session)
        proto = FakeRealtimeProtocol(
            target.path, query.get("model", REALTIME_MODEL), self.chunk_chars
        )
        fault = headers.get("x-fake-fault", "")
        if fault == "session-tracing":
            proto.session["tracing"] = "auto"
        first = True

        async def send_all(events: list[dict[str, Any]]) -> None:
            nonlocal first
            for n, event in enumerate(events):
                if first and fault == "echo-key":
                    event = {**event, "debug": headers.get("authorization", "")}
                if first and fault.startswith("huge-event:") and event["type"] != "session.created":
                    size = int(fault.split(":", 1)[1])
                    await ws.send(orjson.dumps({"type": "rate_limits.updated", "pad": "x" * size}))
                first = first and event["type"] == "session.created"
                await ws.send(orjson.dumps(event).decode())
                if fault == "drop-mid-response" and n == 4:
                    ws.transport.abort()
                    return

        try:
            await send_all(proto.opened())
            if fault == "drop-after-created":
                ws.transport.abort()
                return
            async for message in ws:
                session.raw.append(message)
                try:
                    event = orjson.loads(message)
                except orjson.JSONDecodeError:
                    await send_all([proto.error("invalid_json", "The event is not JSON.")])
                    continue
                session.events.append(event)
                await send_all(proto.receive(event))
        except ConnectionClosed:
            pass
        finally:
            session.closed_code = ws.close_code


def _process_request(connection: Any, request: Any) -> Any:
    fault = request.headers.get("x-fake-fault", "")
    if fault.startswith("reject:"):
        status = int(fault.split(":", 1)[1])
        return connection.respond(status, '{"error": {"message": "fake rejection"}}\n')
    return None


def _select_subprotocol(connection: Any, subprotocols: Any) -> Any:
    return "realtime" if "realtime" in subprotocols else None
