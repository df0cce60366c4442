"""The demo upstream as a plain ASGI app: routes, stored objects (in memory only), and
the order events go out in. :class:`zdr.fake.openai.FakeOpenAI` builds the tests'
fault-injecting fake on it by overriding :meth:`DemoUpstream.handle`,
:meth:`DemoUpstream.stream` and the hooks below them."""

from __future__ import annotations

import hashlib
import itertools
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from zdr.asgi import Receive, Scope, Send
from zdr.demo import chat, responses
from zdr.demo.model import DEMO_MODEL, chat_turn, responses_turn
from zdr.demo.wire import SSE_HEADERS, ApiError, Event, UpstreamRequest, send_json

_MODELS = {
    "object": "list",
    "data": [
        {
            "id": DEMO_MODEL,
            "object": "model",
            "created": 0,
            "owned_by": "zdr demo upstream (an echo model, not a real LLM)",
        }
    ],
}


@dataclass
class DemoUpstream:
    """An OpenAI-compatible server whose model echoes (see :mod:`zdr.demo.model`):
    chat completions, responses, embeddings, moderations, files, audio transcription
    and speech, with SSE streaming. What a request asks to store stays in memory."""

    stored: dict[str, dict[str, Any]] = field(default_factory=dict)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # stored output items
    sealer: responses.Sealer = field(
        default_factory=lambda: responses.Sealer(secrets.token_bytes(32))
    )
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):06d}"

    # -- hooks a subclass overrides ------------------------------------------------------

    def keeps(self, req: UpstreamRequest) -> bool:
        """Whether this request's account keeps what it asks to store."""
        return True

    def prompt_cache_retention(self) -> str:
        return "24h"

    def chunk_chars(self, req: UpstreamRequest) -> int | None:
        """Characters per streamed piece; None: word by word."""
        return None

    async def stream(
        self, send: Send, events: list[Event], req: UpstreamRequest, end: bytes
    ) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
        for event in events:
            await send({"type": "http.response.body", "body": event.encode(), "more_body": True})
        await send({"type": "http.response.body", "body": end, "more_body": False})

    # -- ASGI --------------------------------------------------------------------------

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
        req = UpstreamRequest(
            scope["method"],
            scope["path"],
            scope["query_string"].decode(),
            {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]},
            bytes(body),
            receive,
            scope.get("raw_path") or scope["path"].encode(),
        )
        await self.handle(req, send)

    async def handle(self, req: UpstreamRequest, send: Send) -> None:
        try:
            await self.route(req, send)
        except ApiError as err:
            await send_json(send, err.status, err.body())

    async def route(self, req: UpstreamRequest, send: Send) -> None:
        m, p = req.method, req.path
        oid = p.rsplit("/", 1)[1]
        if m == "GET" and p == "/v1/models":
            await send_json(send, 200, _MODELS)
        elif m == "POST" and p == "/v1/chat/completions":
            await self._chat(req, send)
        elif m == "POST" and p == "/v1/responses":
            await self._responses(req, send)
        elif m == "GET" and p.startswith(("/v1/responses/", "/v1/chat/completions/")):
            await send_json(send, 200, self._stored(oid))
        elif m == "GET" and p == "/v1/chat/completions":
            await self._list_completions(req, send)
        elif m == "DELETE" and p.startswith(("/v1/chat/completions/", "/v1/responses/")):
            found = self.stored.pop(oid, None) is not None
            kind = "response" if p.startswith("/v1/responses/") else "chat.completion.deleted"
            await send_json(
                send, 200 if found else 404, {"id": oid, "object": kind, "deleted": found}
            )
        elif m == "POST" and p == "/v1/embeddings":
            await self._embeddings(req, send)
        elif m == "POST" and p == "/v1/moderations":
            result = {"flagged": False, "categories": {}, "category_scores": {}}
            obj = {"id": self.new_id("modr"), "model": "omni-moderation", "results": [result]}
            await send_json(send, 200, obj)
        elif m == "POST" and p == "/v1/files":
            fid = self.new_id("file")
            self.stored[fid] = {
                "id": fid,
                "object": "file",
                "bytes": len(req.body),
                "created_at": 0,
                "filename": "upload",
                "purpose": "user_data",
                "status": "processed",
            }
            await send_json(send, 200, self.stored[fid])
        elif m == "GET" and p == "/v1/files":
            files = [o for o in self.stored.values() if o.get("object") == "file"]
            await send_json(send, 200, {"object": "list", "data": files, "has_more": False})
        elif m == "DELETE" and p.startswith("/v1/files/"):
            self.stored.pop(oid, None)
            await send_json(send, 200, {"id": oid, "object": "file", "deleted": True})
        elif m == "POST" and p in ("/v1/audio/transcriptions", "/v1/audio/translations"):
            await send_json(send, 200, {"text": f"(fake transcript of {len(req.body)} bytes)"})
        elif m == "POST" and p == "/v1/audio/speech":
            await self._speech(req, send)
        else:
            raise ApiError(404, f"Unknown route {m} {p} on the demo upstream.", code="unknown_url")

    def _stored(self, oid: str) -> dict[str, Any]:
        obj = self.stored.get(oid)
        if obj is None:
            raise ApiError(404, f"No object with id '{oid}' found.", code="not_found")
        return obj

    # -- chat completions and responses ---------------------------------------------------

    async def _chat(self, req: UpstreamRequest, send: Send) -> None:
        body = req.json()
        chat.check(body)
        turn = chat_turn(body)
        cid = self.new_id("chatcmpl")
        if body.get("stream"):
            events = chat.chunks(cid, body, turn, self.chunk_chars(req))
            await self.stream(send, events, req, b"data: [DONE]\n\n")
            return
        obj = chat.completion(cid, body, turn)
        if body.get("store") is True and self.keeps(req):
            obj["metadata"] = body.get("metadata") or {}
            self.stored[cid] = obj
        await send_json(send, 200, obj)

    async def _responses(self, req: UpstreamRequest, send: Send) -> None:
        body = req.json()
        store = body.get("store", True) is not False
        keeps = store and self.keeps(req)
        responses.check(body, lambda iid: iid in self.items, self.sealer)
        previous = body.get("previous_response_id")
        if previous is not None and not (store and previous in self.stored):
            raise ApiError(
                404,
                f"Previous response with id '{previous}' not found.",
                param="previous_response_id",
                code="previous_response_not_found",
            )
        turn = responses_turn(body)
        output = responses.output_items(body, turn, self.new_id, self.sealer)
        obj = responses.response(
            self.new_id("resp"), body, turn, output, self.prompt_cache_retention()
        )
        if keeps:
            self.stored[obj["id"]] = obj
            self.items.update((item["id"], item) for item in output)
        if body.get("stream"):
            await self.stream(send, responses.events(obj, self.chunk_chars(req)), req, b"")
        else:
            await send_json(send, 200, obj)

    async def _list_completions(self, req: UpstreamRequest, send: Send) -> None:
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
        await send_json(send, 200, {"object": "list", "data": data, "has_more": False})

    # -- embeddings and audio --------------------------------------------------------

    async def _embeddings(self, req: UpstreamRequest, send: Send) -> None:
        body = req.json()
        inputs = body.get("input")
        items = inputs if isinstance(inputs, list) else [inputs]
        data = [
            {"object": "embedding", "index": i, "embedding": _vector(str(x))}
            for i, x in enumerate(items)
        ]
        await send_json(
            send,
            200,
            {
                "object": "list",
                "data": data,
                "model": body.get("model", DEMO_MODEL),
                "usage": {"prompt_tokens": len(items), "total_tokens": len(items)},
            },
        )

    async def _speech(self, req: UpstreamRequest, send: Send) -> None:
        text = str(req.json().get("input", ""))
        audio = hashlib.sha256(text.encode()).digest() * 64  # 2 KiB of "audio"
        headers = [(b"content-type", b"audio/mpeg")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for i in range(0, len(audio), 512):
            await send(
                {"type": "http.response.body", "body": audio[i : i + 512], "more_body": True}
            )
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def _vector(text: str, dims: int = 16) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [round(v / 2**31, 6) for v in struct.unpack(">16i", digest * 2)][:dims]
