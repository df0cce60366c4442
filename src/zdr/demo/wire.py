"""What the demo upstream puts on the wire: JSON answers, OpenAI error bodies, and
server-sent events (one :class:`Event` each, sent in order by the app)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from zdr.asgi import Receive, Send

JSON_HEADERS = [(b"content-type", b"application/json")]
SSE_HEADERS = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]


@dataclass(slots=True)
class UpstreamRequest:
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


@dataclass(frozen=True, slots=True)
class Event:
    """One server-sent event. ``delta``: it carries a piece of generated text or
    arguments (what a fault-injecting subclass paces or cuts)."""

    data: Any
    name: str | None = None
    delta: bool = False

    def encode(self) -> bytes:
        head = f"event: {self.name}\n".encode() if self.name else b""
        return head + b"data: " + orjson.dumps(self.data) + b"\n\n"


@dataclass(frozen=True, slots=True)
class ApiError(Exception):
    """An error answer in the provider's shape."""

    status: int
    message: str
    type: str = "invalid_request_error"
    param: str | None = None
    code: str | None = None

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


async def send_json(send: Send, status: int, obj: Any) -> None:
    body = orjson.dumps(obj)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": JSON_HEADERS + [(b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def split(text: str, size: int | None) -> list[str]:
    """Pieces of a streamed text: ``size`` characters each, or word by word."""
    if size:
        return [text[i : i + size] for i in range(0, len(text), size)] or [""]
    words = text.split(" ")
    return [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]


def tokens(text: str) -> int:
    return max(1, len(text) // 4)
