"""Small ASGI helpers, and the allow-lists of headers that cross the gateway.

Headers are allow-listed both ways. Upstream, the gateway sends only the headers
below whose values have the expected shape (an SDK's telemetry, beta flags, an
idempotency key), plus the Content-Type of the body it serialized and its own
credentials; everything else a client sends (credentials, cookies, forwarding
headers, organization and project selectors, framing) stays at the gateway. Back to
the client go only the answer's media type and the rate-limit and request-id
headers; cookies, server names, organization ids and encodings stay behind.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable
from typing import TypeVar

from zdr.asgi import RawHeaders, Receive, Send
from zdr.errors import BadRequest, BodyTooLarge, ZdrError

_TOKEN = re.compile(rb"[A-Za-z0-9 ._:/()+-]{1,64}")
_FLAGS = re.compile(rb"[A-Za-z0-9=_.,;: -]{1,256}")
_MEDIA_LIST = re.compile(rb"[A-Za-z0-9*/+.,;= -]{1,256}")
_PRINTABLE = re.compile(rb"[\x20-\x7e]{1,256}")

# name -> the shape its value must have to be forwarded (otherwise it is dropped).
FORWARDED_REQUEST_HEADERS: dict[bytes, re.Pattern[bytes]] = {
    b"accept": _MEDIA_LIST,
    b"user-agent": re.compile(rb"[A-Za-z0-9._/ ();:+-]{1,128}"),
    b"openai-beta": _FLAGS,
    b"idempotency-key": re.compile(rb"[A-Za-z0-9_.:-]{1,128}"),
    b"anthropic-version": _TOKEN,
    b"anthropic-beta": _FLAGS,
    **{
        b"x-stainless-" + name: _TOKEN
        for name in (
            b"arch",
            b"lang",
            b"os",
            b"package-version",
            b"runtime",
            b"runtime-version",
            b"async",
            b"retry-count",
            b"read-timeout",
            b"timeout",
            b"helper-method",
            b"poll-helper",
            b"custom-poll-interval",
        )
    },
}
# A header an operator adds in server.forward_headers: any short printable value.
EXTRA_HEADER_VALUE = _PRINTABLE


def forwarded_headers(
    headers: list[tuple[bytes, bytes]], extra: frozenset[bytes]
) -> dict[str, str]:
    """The request headers the upstream gets: those of the allow-list (and the
    operator's ``extra`` names) whose value has the expected shape; the rest dropped."""
    out: dict[str, str] = {}
    for name, value in headers:
        shape = FORWARDED_REQUEST_HEADERS.get(name)
        if shape is None and name in extra:
            shape = EXTRA_HEADER_VALUE
        if shape is not None and shape.fullmatch(value):
            out[name.decode("latin-1")] = value.decode("latin-1")
    return out


RELAYED_ANSWER_HEADERS = frozenset(
    {
        b"content-type",
        b"content-disposition",
        b"cache-control",
        b"retry-after",
        b"retry-after-ms",
        b"x-request-id",
        b"request-id",
        b"openai-processing-ms",
        b"openai-version",
    }
)
RELAYED_ANSWER_PREFIXES = (b"x-ratelimit-", b"anthropic-ratelimit-")

JSON_HEADERS: RawHeaders = [(b"content-type", b"application/json")]


def relayed(name: bytes) -> bool:
    return name in RELAYED_ANSWER_HEADERS or name.startswith(RELAYED_ANSWER_PREFIXES)


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


T = TypeVar("T")


# The client is watched only once the upstream has taken this long: an answer that
# comes sooner costs no watcher task (one timer instead), and a client that leaves
# is still noticed within this of its leaving for the long waits that matter.
WATCH_CLIENT_AFTER_SECONDS = 0.05


async def until_client_leaves(receive: Receive, work: Awaitable[T]) -> T:
    """Await ``work`` (upstream I/O, once the body was read); if the client
    disconnects first, cancel it (the upstream call is aborted) and raise
    ``ClientGone`` (recorded as 499). The work stays in the calling task, so its
    result is used without a task switch (one more switch before the stream is read
    lost, more often, the chunks an upstream sent just before a reset)."""
    task = asyncio.current_task()
    assert task is not None
    left, active = False, True
    watcher: asyncio.Future[None] | None = None

    def on_left(done: asyncio.Future[None]) -> None:
        nonlocal left
        # ``active``: a callback already scheduled when the work finished does nothing.
        if active and not done.cancelled() and done.exception() is None:
            left = True
            task.cancel()

    def watch() -> None:
        nonlocal watcher
        if active:
            watcher = asyncio.ensure_future(_client_left(receive))
            watcher.add_done_callback(on_left)

    timer = asyncio.get_running_loop().call_later(WATCH_CLIENT_AFTER_SECONDS, watch)
    try:
        return await work
    except asyncio.CancelledError:
        if left and task.uncancel() == 0:
            raise ClientGone() from None
        raise
    finally:
        active = False
        timer.cancel()
        if watcher is not None:
            watcher.cancel()


async def _client_left(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def declared_length(value: bytes | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise BadRequest("Content-Length is not a non-negative number.")
    return int(value)


async def send_response(
    send: Send, status: int, body: bytes, headers: RawHeaders | None = None
) -> None:
    all_headers = list(headers or JSON_HEADERS)
    all_headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def send_error(send: Send, error: ZdrError, extra: RawHeaders | None = None) -> None:
    await send_response(send, error.status, error.to_json(), JSON_HEADERS + (extra or []))
