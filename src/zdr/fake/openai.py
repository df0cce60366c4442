"""A small OpenAI-compatible server (plain ASGI), used three ways:

* the **demo upstream** ``zdr serve`` starts when no provider key is set: an echo model,
  labelled as such in ``/v1/models`` and in every answer;
* the **fake upstream** of the tests: a real HTTP server on 127.0.0.1 that records what
  it received and misbehaves on request (header ``x-fake-fault``);
* the baseline of the benchmarks.

It implements chat completions, responses, embeddings, moderations, files, audio
transcription and speech, with SSE streaming. It keeps stored objects in memory only.

Faults (header ``x-fake-fault``): ``stall`` (headers sent, body never), ``stall-mid-stream``,
``reset-mid-stream``, ``hold`` (chat stream waits after its first chunk until ``release``
is set), ``status:<code>``, ``slow-headers:<seconds>``.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import orjson

from zdr.asgi import Receive, Scope, Send
from zdr.fake.account import FakeAccount

DEMO_MODEL = "zdr-demo-echo"
_JSON = [(b"content-type", b"application/json")]
_SSE = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]


@dataclass(slots=True)
class RecordedRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    receive: Receive | None = field(default=None, repr=False, compare=False)
    # The request target's path exactly as it arrived (percent-encoding kept).
    raw_path: bytes = b""

    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class FakeOpenAI:
    """The ASGI app. ``record`` keeps every request in ``requests`` (tests only)."""

    record: bool = False
    chunk_delay: float = 0.0
    requests: list[RecordedRequest] = field(default_factory=list)
    # Fault "hold": after the first streamed chunk, wait until a test sets this.
    release: threading.Event = field(default_factory=threading.Event)
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)
    # An emulated account for `zdr verify` (retention settings, admin keys); None: a
    # plain upstream that keeps what it is asked to store.
    account: FakeAccount | None = None
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):06d}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                kind = message["type"].replace("lifespan.", "")
                await send({"type": f"lifespan.{kind}.complete"})
                if kind == "shutdown":
                    return
        if scope["type"] != "http":
            return
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        req = RecordedRequest(
            scope["method"],
            scope["path"],
            scope["query_string"].decode(),
            headers,
            bytes(body),
            receive,
            scope.get("raw_path") or scope["path"].encode(),
        )
        if self.record:
            self.requests.append(req)
        fault = headers.get("x-fake-fault", "")
        if fault.startswith("slow-headers:"):
            await asyncio.sleep(float(fault.split(":", 1)[1]))
        if fault.startswith("status:"):
            status = int(fault.split(":", 1)[1])
            await _send_json(
                send,
                status,
                {
                    "error": {
                        "message": "fake upstream error",
                        "type": "server_error",
                        "param": None,
                        "code": f"fake_{status}",
                    }
                },
            )
            return
        if fault == "stall":
            await send({"type": "http.response.start", "status": 200, "headers": _JSON})
            await _until_disconnect(receive)
            return
        await self._route(req, fault, send)

    def _bearer(self, req: RecordedRequest) -> str | None:
        auth = req.headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else None

    def _keeps(self, req: RecordedRequest) -> bool:
        return self.account is None or self.account.keeps_stored_objects(self._bearer(req))

    async def _route(self, req: RecordedRequest, fault: str, send: Send) -> None:
        m, p = req.method, req.path
        if self.account is not None:
            admin = self.account.admin_response(m, p, self._bearer(req))
            if admin is not None:
                await _send_json(send, admin[0], admin[1])
                return
        if m == "GET" and p == "/v1/models":
            await _send_json(
                send,
                200,
                {
                    "object": "list",
                    "data": [
                        {
                            "id": DEMO_MODEL,
                            "object": "model",
                            "created": 0,
                            "owned_by": "zdr demo upstream (an echo model, not a real LLM)",
                        }
                    ],
                },
            )
        elif m == "POST" and p == "/v1/chat/completions":
            await self._chat(req, fault, send)
        elif m == "POST" and p == "/v1/responses":
            await self._responses(req, fault, send)
        elif m == "GET" and p.startswith("/v1/responses/"):
            await self._retrieve(p.rsplit("/", 1)[1], send)
        elif m == "GET" and p.startswith("/v1/chat/completions/"):
            await self._retrieve(p.rsplit("/", 1)[1], send)
        elif m == "GET" and p == "/v1/chat/completions":
            await self._list_completions(req, send)
        elif m == "DELETE" and p.startswith(("/v1/chat/completions/", "/v1/responses/")):
            oid = p.rsplit("/", 1)[1]
            found = self.stored.pop(oid, None) is not None
            kind = "response" if p.startswith("/v1/responses/") else "chat.completion.deleted"
            await _send_json(
                send, 200 if found else 404, {"id": oid, "object": kind, "deleted": found}
            )
        elif m == "POST" and p == "/v1/embeddings":
            await self._embeddings(req, send)
        elif m == "POST" and p == "/v1/moderations":
            await _send_json(
                send,
                200,
                {
                    "id": self.new_id("modr"),
                    "model": "omni-moderation",
                    "results": [{"flagged": False, "categories": {}, "category_scores": {}}],
                },
            )
        elif m == "POST" and p == "/v1/files":
            fid = self.new_id("file")
            obj = {
                "id": fid,
                "object": "file",
                "bytes": len(req.body),
                "created_at": 0,
                "filename": "upload",
                "purpose": "user_data",
                "status": "processed",
            }
            self.stored[fid] = obj
            await _send_json(send, 200, obj)
        elif m == "GET" and p == "/v1/files":
            files = [o for o in self.stored.values() if o.get("object") == "file"]
            await _send_json(send, 200, {"object": "list", "data": files, "has_more": False})
        elif m == "DELETE" and p.startswith("/v1/files/"):
            fid = p.rsplit("/", 1)[1]
            self.stored.pop(fid, None)
            await _send_json(send, 200, {"id": fid, "object": "file", "deleted": True})
        elif m == "POST" and p in ("/v1/audio/transcriptions", "/v1/audio/translations"):
            await _send_json(send, 200, {"text": f"(fake transcript of {len(req.body)} bytes)"})
        elif m == "POST" and p == "/v1/audio/speech":
            await self._speech(req, send)
        else:
            await _send_json(
                send,
                404,
                {
                    "error": {
                        "message": f"Unknown route {m} {p} on the fake upstream.",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": "unknown_url",
                    }
                },
            )

    # -- chat completions ----------------------------------------------------------------

    def _answer_text(self, text: str) -> str:
        return f"You said: {text}" if text else "You said nothing."

    async def _chat(self, req: RecordedRequest, fault: str, send: Send) -> None:
        body = req.json()
        model = body.get("model", DEMO_MODEL)
        text = _last_user_text(body.get("messages") or [])
        answer = self._answer_text(text)
        cid = self.new_id("chatcmpl")
        tool = _first_function(body.get("tools"))
        usage = {
            "prompt_tokens": _tokens(text),
            "completion_tokens": _tokens(answer),
            "total_tokens": _tokens(text) + _tokens(answer),
        }
        if not body.get("stream"):
            message: dict[str, Any] = {"role": "assistant", "content": answer, "refusal": None}
            finish = "stop"
            if tool:
                message = {
                    "role": "assistant",
                    "content": None,
                    "refusal": None,
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {
                                "name": tool,
                                "arguments": orjson.dumps({"text": text}).decode(),
                            },
                        }
                    ],
                }
                finish = "tool_calls"
            obj = {
                "id": cid,
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
                ],
                "usage": usage,
            }
            if body.get("store") is True and self._keeps(req):
                obj["metadata"] = body.get("metadata") or {}
                self.stored[cid] = obj
            await _send_json(send, 200, obj)
            return
        size = int(req.headers.get("x-fake-chunk-chars", "0")) or None
        pieces = _split(answer, size)
        await send({"type": "http.response.start", "status": 200, "headers": _SSE})
        base = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
        }
        await _event(
            send,
            {
                **base,
                "choices": [
                    {
                        "index": 0,
                        "delta": {"role": "assistant", "content": ""},
                        "finish_reason": None,
                    }
                ],
            },
        )
        if tool:
            args = orjson.dumps({"text": text}).decode()
            first = {
                "index": 0,
                "id": "call_1",
                "type": "function",
                "function": {"name": tool, "arguments": ""},
            }
            await _event(
                send,
                {
                    **base,
                    "choices": [
                        {"index": 0, "delta": {"tool_calls": [first]}, "finish_reason": None}
                    ],
                },
            )
            pieces_args = _split(args, size)
            for piece in pieces_args:
                await _event(
                    send,
                    {
                        **base,
                        "choices": [
                            {
                                "index": 0,
                                "delta": {
                                    "tool_calls": [{"index": 0, "function": {"arguments": piece}}]
                                },
                                "finish_reason": None,
                            }
                        ],
                    },
                )
            pieces = []
        for i, piece in enumerate(pieces):
            if i == len(pieces) // 2 and fault in ("stall-mid-stream", "reset-mid-stream"):
                await self._misbehave(fault, req)
                return
            if i == 1 and fault == "hold":
                while not self.release.is_set():
                    await asyncio.sleep(0.01)
            if self.chunk_delay:
                await asyncio.sleep(self.chunk_delay)
            await _event(
                send,
                {
                    **base,
                    "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                },
            )
        await _event(
            send,
            {
                **base,
                "choices": [
                    {"index": 0, "delta": {}, "finish_reason": "tool_calls" if tool else "stop"}
                ],
            },
        )
        if (body.get("stream_options") or {}).get("include_usage"):
            await _event(send, {**base, "choices": [], "usage": usage})
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})

    async def _misbehave(self, fault: str, req: RecordedRequest) -> None:
        if fault == "stall-mid-stream" and req.receive is not None:
            await _until_disconnect(req.receive)
            return
        # reset: raising makes the server drop the connection without a final chunk.
        # First let what was sent reach the peer, as on a real network: an HTTP client
        # that sees the reset in the same read as the data (aiohttp) drops the data.
        await asyncio.sleep(0.05)
        raise ConnectionResetError("fake upstream reset")

    # -- responses -------------------------------------------------------------------

    async def _responses(self, req: RecordedRequest, fault: str, send: Send) -> None:
        body = req.json()
        model = body.get("model", DEMO_MODEL)
        text = _input_text(body.get("input"))
        answer = self._answer_text(text)
        rid = self.new_id("resp")
        mid = self.new_id("msg")
        store = body.get("store", True) is not False
        usage = {
            "input_tokens": _tokens(text),
            "output_tokens": _tokens(answer),
            "total_tokens": _tokens(text) + _tokens(answer),
        }
        item = {
            "id": mid,
            "type": "message",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": answer, "annotations": []}],
        }
        obj = {
            "id": rid,
            "object": "response",
            "created_at": int(time.time()),
            "status": "completed",
            "model": model,
            "output": [item],
            "usage": usage,
            "store": store,
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "prompt_cache_retention": body.get(
                "prompt_cache_retention",
                self.account.default_prompt_cache_retention if self.account else "24h",
            ),
        }
        if store and self._keeps(req):
            self.stored[rid] = obj
        if not body.get("stream"):
            await _send_json(send, 200, obj)
            return
        size = int(req.headers.get("x-fake-chunk-chars", "0")) or None
        await send({"type": "http.response.start", "status": 200, "headers": _SSE})
        seq = itertools.count()
        created = {**obj, "status": "in_progress", "output": []}
        await _event(
            send,
            {"type": "response.created", "sequence_number": next(seq), "response": created},
            "response.created",
        )
        await _event(
            send,
            {
                "type": "response.output_item.added",
                "sequence_number": next(seq),
                "output_index": 0,
                "item": {**item, "status": "in_progress", "content": []},
            },
            "response.output_item.added",
        )
        part = {"type": "output_text", "text": "", "annotations": []}
        await _event(
            send,
            {
                "type": "response.content_part.added",
                "sequence_number": next(seq),
                "item_id": mid,
                "output_index": 0,
                "content_index": 0,
                "part": part,
            },
            "response.content_part.added",
        )
        pieces = _split(answer, size)
        for i, piece in enumerate(pieces):
            if i == len(pieces) // 2 and fault in ("stall-mid-stream", "reset-mid-stream"):
                await self._misbehave(fault, req)
                return
            await _event(
                send,
                {
                    "type": "response.output_text.delta",
                    "sequence_number": next(seq),
                    "item_id": mid,
                    "output_index": 0,
                    "content_index": 0,
                    "delta": piece,
                    "logprobs": [],
                },
                "response.output_text.delta",
            )
        await _event(
            send,
            {
                "type": "response.output_text.done",
                "sequence_number": next(seq),
                "item_id": mid,
                "output_index": 0,
                "content_index": 0,
                "text": answer,
                "logprobs": [],
            },
            "response.output_text.done",
        )
        await _event(
            send,
            {
                "type": "response.content_part.done",
                "sequence_number": next(seq),
                "item_id": mid,
                "output_index": 0,
                "content_index": 0,
                "part": {**part, "text": answer},
            },
            "response.content_part.done",
        )
        await _event(
            send,
            {
                "type": "response.output_item.done",
                "sequence_number": next(seq),
                "output_index": 0,
                "item": item,
            },
            "response.output_item.done",
        )
        await _event(
            send,
            {"type": "response.completed", "sequence_number": next(seq), "response": obj},
            "response.completed",
        )
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _list_completions(self, req: RecordedRequest, send: Send) -> None:
        from urllib.parse import parse_qsl

        wanted = {
            k[len("metadata[") : -1]: v
            for k, v in parse_qsl(req.query)
            if k.startswith("metadata[") and k.endswith("]")
        }
        data = [
            o
            for o in self.stored.values()
            if o.get("object") == "chat.completion"
            and all((o.get("metadata") or {}).get(k) == v for k, v in wanted.items())
        ]
        await _send_json(send, 200, {"object": "list", "data": data, "has_more": False})

    async def _retrieve(self, oid: str, send: Send) -> None:
        obj = self.stored.get(oid)
        if obj is None:
            await _send_json(
                send,
                404,
                {
                    "error": {
                        "message": f"No object with id '{oid}' found.",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": "not_found",
                    }
                },
            )
        else:
            await _send_json(send, 200, obj)

    # -- embeddings and audio --------------------------------------------------------

    async def _embeddings(self, req: RecordedRequest, send: Send) -> None:
        body = req.json()
        inputs = body.get("input")
        items = inputs if isinstance(inputs, list) else [inputs]
        data = [
            {"object": "embedding", "index": i, "embedding": _vector(str(x))}
            for i, x in enumerate(items)
        ]
        await _send_json(
            send,
            200,
            {
                "object": "list",
                "data": data,
                "model": body.get("model", DEMO_MODEL),
                "usage": {"prompt_tokens": len(items), "total_tokens": len(items)},
            },
        )

    async def _speech(self, req: RecordedRequest, send: Send) -> None:
        text = str(req.json().get("input", ""))
        audio = hashlib.sha256(text.encode()).digest() * 64  # 2 KiB of "audio"
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"audio/mpeg")],
            }
        )
        for i in range(0, len(audio), 512):
            await send(
                {"type": "http.response.body", "body": audio[i : i + 512], "more_body": True}
            )
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _send_json(send: Send, status: int, obj: Any) -> None:
    body = orjson.dumps(obj)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": _JSON + [(b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _event(send: Send, obj: Any, event: str | None = None) -> None:
    head = f"event: {event}\n".encode() if event else b""
    await send(
        {
            "type": "http.response.body",
            "body": head + b"data: " + orjson.dumps(obj) + b"\n\n",
            "more_body": True,
        }
    )


def _split(text: str, size: int | None) -> list[str]:
    if size:
        return [text[i : i + size] for i in range(0, len(text), size)] or [""]
    words = text.split(" ")
    return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _vector(text: str, dims: int = 16) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [round(v / 2**31, 6) for v in struct.unpack(">16i", digest * 2)][:dims]


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            str(p.get("text", "")) for p in content if isinstance(p, dict) and "text" in p
        )
    return ""


def _last_user_text(messages: list[Any]) -> str:
    for msg in reversed(messages):
        if isinstance(msg, dict) and msg.get("role") in ("user", "tool"):
            return _content_text(msg.get("content"))
    return ""


def _input_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in reversed(value):
            if isinstance(item, dict) and item.get("role", "user") == "user":
                return _content_text(item.get("content"))
    return ""


def _first_function(tools: Any) -> str | None:
    for t in tools or []:
        if isinstance(t, dict) and t.get("type") == "function":
            fn = t.get("function") or t
            name = fn.get("name")
            if isinstance(name, str):
                return name
    return None
