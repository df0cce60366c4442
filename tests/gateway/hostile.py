"""Test helpers for the adversarial suite: a raw HTTP/1.1 client that sends exactly the
bytes it is given, and an upstream that records what reached it and answers as a
hostile or broken provider would."""

from __future__ import annotations

import gzip
import socket
from dataclasses import dataclass, field
from typing import Any

import orjson

from zdr.asgi import Receive, Scope, Send


@dataclass
class RawResponse:
    status: int
    head: bytes
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


def raw_request(port: int, data: bytes, timeout: float = 10.0) -> RawResponse:
    """Send ``data`` as it is (it should ask for ``Connection: close``); read to EOF."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    if b"transfer-encoding: chunked" in head.lower():
        body = _dechunk(body)
    return RawResponse(status, head, body)


def _dechunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return bytes(out)


def http_request(
    method: str,
    target: bytes,
    headers: list[tuple[bytes, bytes]],
    body: bytes = b"",
    *,
    content_length: bool = True,
) -> bytes:
    lines = [method.encode() + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1"]
    lines += [k + b": " + v for k, v in headers]
    if content_length and body:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


@dataclass
class Seen:
    method: str
    raw_path: bytes
    query: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass
class HostileUpstream:
    """Records every request; answers with ``mode`` (set by the test)."""

    key: str
    mode: str = "chat"
    seen: list[Seen] = field(default_factory=list)

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
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.seen.append(
            Seen(scope["method"], scope["raw_path"], scope["query_string"], scope["headers"], body)
        )
        await getattr(self, "_" + self.mode.replace("-", "_"))(body, send)

    @staticmethod
    def _user_text(body: bytes) -> str:
        try:
            messages = orjson.loads(body).get("messages") or []
            return str(messages[-1].get("content", ""))
        except Exception:
            return ""

    async def _start(self, send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})

    async def _chat(self, body: bytes, send: Send) -> None:
        answer = {"choices": [{"index": 0, "message": {"content": self._user_text(body)}}]}
        await self._start(send, 200, [(b"content-type", b"application/json")])
        await send({"type": "http.response.body", "body": orjson.dumps(answer)})

    async def _error_with_key(self, body: bytes, send: Send) -> None:
        """A 403 whose message and headers quote the gateway's upstream key."""
        error = {"error": {"message": f"Key {self.key} may not use this model", "code": "x"}}
        await self._start(
            send,
            403,
            [
                (b"content-type", b"application/json"),
                (b"x-request-id", f"req_{self.key}".encode()),
                (b"x-debug-key", self.key.encode()),
                (b"openai-organization", b"org-secret-tenant"),
                (b"set-cookie", b"__cf_bm=tracking"),
                (b"server", b"hostile/1.0"),
            ],
        )
        await send({"type": "http.response.body", "body": orjson.dumps(error)})

    def _sse_events(self, body: bytes, newline: bytes) -> bytes:
        text = self._user_text(body)
        out = b""
        for i in range(0, len(text), 7):  # tokens split across events
            chunk = {
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": {"content": text[i : i + 7]}}],
            }
            out += b"data: " + orjson.dumps(chunk) + newline + newline
        return out + b"data: [DONE]" + newline + newline

    async def _sse_crlf(self, body: bytes, send: Send) -> None:
        await self._start(send, 200, [(b"content-type", b"text/event-stream")])
        data = self._sse_events(body, b"\r\n")
        for i in range(0, len(data), 5):  # CR and LF land in different reads
            await send({"type": "http.response.body", "body": data[i : i + 5], "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def _sse_cr(self, body: bytes, send: Send) -> None:
        await self._start(send, 200, [(b"content-type", b"text/event-stream")])
        await send({"type": "http.response.body", "body": self._sse_events(body, b"\r")})

    async def _sse_huge_event(self, body: bytes, send: Send) -> None:
        await self._start(send, 200, [(b"content-type", b"text/event-stream")])
        first = {"choices": [{"index": 0, "delta": {"content": "ok "}}]}
        await send(
            {
                "type": "http.response.body",
                "body": b"data: " + orjson.dumps(first) + b"\n\n",
                "more_body": True,
            }
        )
        for _ in range(64):  # 4 MB without an event boundary
            await send({"type": "http.response.body", "body": b"x" * 65536, "more_body": True})
        await send({"type": "http.response.body", "body": b"\n\n"})

    async def _sse_key(self, body: bytes, send: Send) -> None:
        await self._start(send, 200, [(b"content-type", b"text/event-stream")])
        leak = {"choices": [{"index": 0, "delta": {"content": f"my key is {self.key}"}}]}
        await send({"type": "http.response.body", "body": b"data: " + orjson.dumps(leak) + b"\n\n"})

    async def _gzip_bomb(self, body: bytes, send: Send) -> None:
        bomb = gzip.compress(b'{"a":"' + b"0" * (8 * 1024 * 1024) + b'"}')
        await self._start(
            send,
            200,
            [(b"content-type", b"application/json"), (b"content-encoding", b"gzip")],
        )
        await send({"type": "http.response.body", "body": bomb})

    async def _binary_key(self, body: bytes, send: Send) -> None:
        """An audio answer whose bytes hold the key, split across two writes."""
        data = b"ID3" + b"\x00" * 1000 + self.key.encode() + b"\x00" * 1000
        cut = 1003 + len(self.key) // 2
        await self._start(send, 200, [(b"content-type", b"audio/mpeg")])
        await send({"type": "http.response.body", "body": data[:cut], "more_body": True})
        await send({"type": "http.response.body", "body": data[cut:]})
