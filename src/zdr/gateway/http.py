"""Small ASGI helpers: read a bounded body, send a whole response, filter headers."""

from __future__ import annotations

from zdr.errors import BadRequest, BodyTooLarge, ZdrError
from zdr.gateway.types import RawHeaders, Receive, Send

# RFC 9110 §7.6.1 hop-by-hop headers, plus framing we recompute ourselves.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"content-length",
        b"host",
    }
)

# Never forwarded upstream: the client's credentials, and headers that would let a
# client pick another organization or project than the one the gateway enforces.
CLIENT_ONLY = frozenset(
    {
        b"authorization",
        b"api-key",
        b"x-api-key",
        b"openai-organization",
        b"openai-project",
        b"cookie",
        b"forwarded",
        b"x-forwarded-for",
        b"x-forwarded-host",
        b"x-forwarded-proto",
        b"x-real-ip",
        b"accept-encoding",
    }
)

# Never returned to clients from the upstream.
UPSTREAM_ONLY = frozenset({b"set-cookie", b"content-encoding", b"alt-svc", b"server"})

JSON_HEADERS: RawHeaders = [(b"content-type", b"application/json")]


def connection_tokens(headers: RawHeaders) -> frozenset[bytes]:
    """Header names listed in Connection: they are hop-by-hop too."""
    names: set[bytes] = set()
    for name, value in headers:
        if name == b"connection":
            names.update(t.strip().lower() for t in value.split(b","))
    return frozenset(names)


async def read_body(receive: Receive, limit: int, declared: int | None) -> bytes:
    if declared is not None and declared > limit:
        raise BodyTooLarge(f"Request body is larger than the gateway's limit of {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone()
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(
                    f"Request body is larger than the gateway's limit of {limit} bytes."
                )
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class ClientGone(Exception):
    """The client disconnected; nothing more can be sent to it."""


def declared_length(value: bytes | None) -> int | None:
    if value is None:
        return None
    try:
        length = int(value)
    except ValueError:
        raise BadRequest("Content-Length is not a number.") from None
    if length < 0:
        raise BadRequest("Content-Length is negative.")
    return length


async def send_response(
    send: Send, status: int, body: bytes, headers: RawHeaders | None = None
) -> None:
    all_headers = list(headers or JSON_HEADERS)
    all_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def send_error(send: Send, error: ZdrError, extra: RawHeaders | None = None) -> None:
    await send_response(send, error.status, error.to_json(), JSON_HEADERS + (extra or []))
