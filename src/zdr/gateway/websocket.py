"""WebSocket sessions: the Realtime API and the Responses API's WebSocket mode, with
the same virtual keys, policies, pseudonymization and audit as HTTP.

A session is one ``Exchange`` (method ``WEBSOCKET``):

1. **The opening handshake is a request like any other.** The gateway's own steps
   admit it (audit), authenticate it (the virtual key, from ``Authorization`` or, for
   browsers, the ``openai-insecure-api-key.<key>`` subprotocol), route it (the
   canonical path and query, the catalogue's ``WEBSOCKET`` row) and decide it
   (endpoint and model). Subprotocols are allow-listed. A refusal is an HTTP answer
   with OpenAI's error JSON, before anything leaves.
2. **The upstream session** is opened with the gateway's credentials, the canonical
   path and query, and the allow-listed headers; only then is the client accepted, with
   the subprotocol the upstream chose. The upstream key never travels towards the
   client: not in headers, not in any event (``upstream_ws.py`` scrubs it).
3. **Every event is read once.** A client event is parsed (JSON, no duplicate keys),
   decided (``policy/events.py``), pseudonymized (``pseudonymize/realtime.py``) and
   sent as the serialization of what was inspected; a refused or unreadable event is
   answered with the protocol's own ``error`` event and not forwarded, and the session
   goes on. A server event is restored (tokens split across deltas included) and
   relayed; audio passes untouched both ways.
4. **However it ends** (either side closes, the upstream drops or sends too much, a
   message over ``server.max_event_bytes``, the session's settings refused, the
   gateway shutting down) both sides are closed, and one content-free audit event
   records the session: counts, decisions, durations, keyed fingerprints.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from zdr.asgi import Message, RawHeaders, Receive, Scope, Send
from zdr.audit.step import Audit
from zdr.audit.tap import usage_numbers
from zdr.config import ServerSettings
from zdr.errors import (
    INTERNAL_ERROR,
    AmbiguousRequest,
    BadRequest,
    DetectionFailed,
    PolicyRefusal,
    UpstreamError,
    ZdrError,
)
from zdr.exchange import Exchange, Step
from zdr.gateway.canonical import parse_json_object
from zdr.gateway.http import JSON_HEADERS, forwarded_headers
from zdr.gateway.upstream import Upstream
from zdr.gateway.upstream_ws import Closed, SocketConnector, UpstreamSocket
from zdr.policy.events import EventPolicy
from zdr.policy.step import ApplyPolicy
from zdr.pseudonymize.realtime import AUDIO_EVENTS, SessionMasker
from zdr.pseudonymize.request import pseudonymize_query
from zdr.pseudonymize.step import Pseudonymize

log = logging.getLogger("zdr.gateway")

# The steps that decide a handshake (the others read bodies or send HTTP requests).
_HANDSHAKE_STEPS = frozenset({"audit", "authenticate", "route", "policy"})
# Subprotocols forwarded upstream: the Realtime API's own names. A browser's key
# subprotocol is read as the zdr key and never forwarded; organization and project
# selectors stay at the gateway (as their headers do); anything else is refused.
_FORWARDED_SUBPROTOCOLS = frozenset({"realtime", "openai-beta.realtime-v1"})
_KEY_SUBPROTOCOL = "openai-insecure-api-key."
_DROPPED_SUBPROTOCOLS = ("openai-organization.", "openai-project.")
_AUDIO_OUT_EVENTS = frozenset({"response.output_audio.delta", "response.audio.delta"})
_LAST_EVENTS = frozenset({"response.done", "response.completed"})
# Which protocol a connection speaks: the Responses API's WebSocket mode, or the
# Realtime API's events (also translations and Live).
Dialect = Literal["responses", "realtime"]
# WebSocket close codes the gateway sends (RFC 6455 section 7.4.1).
CLOSE_NORMAL, CLOSE_POLICY, CLOSE_TOO_LARGE, CLOSE_ERROR = 1000, 1008, 1009, 1011
CLIENT_LEFT = frozenset({1000, 1001})
_DETECTION_FAILED = DetectionFailed(
    "The gateway could not check this for personal data, so it did not forward it."
)
# How long ending a session may wait on either side.
_ENDING_SECONDS = 2.0


@dataclass(slots=True)
class _End:
    """Why a session ended: who ended it, the close code, the failure if any."""

    side: Literal["client", "upstream", "policy"]
    code: int = CLOSE_NORMAL
    error: ZdrError | None = None
    # The client is still there and is told (the gateway refused a message too large).
    tell_client: bool = False


@dataclass(slots=True, eq=False)
class _Session:
    ex: Exchange
    upstream: UpstreamSocket
    send: Send
    dialect: Dialect
    masker: SessionMasker | None
    mac_out: Any
    mac_in: Any
    counts: dict[str, int]
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    usage: dict[str, int] = field(default_factory=dict)

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


def _dialect(ex: Exchange) -> Dialect:
    """Which protocol a connection speaks (its error events differ)."""
    return "responses" if ex.path == "/v1/responses" else "realtime"


def error_event(
    dialect: Dialect, err: ZdrError, event_id: Any = None, lane: Any = None
) -> dict[str, Any]:
    """The protocol's own ``error`` event for a gateway refusal or failure."""
    detail = {
        "type": err.type,
        "code": err.instance_code or err.code,
        "message": err.message,
        "param": err.param,
    }
    if dialect == "responses":
        event: dict[str, Any] = {"type": "error", "status": err.status, "error": detail}
        if isinstance(lane, str):
            event["stream_id"] = lane
        return event
    client_id = event_id if isinstance(event_id, str) else None
    return {
        "type": "error",
        "event_id": "event_zdr_" + secrets.token_hex(8),
        "error": {**detail, "event_id": client_id},
    }


def _query_model(pairs: list[tuple[str, str]]) -> str | None:
    return next((value for name, value in pairs if name == "model"), None)


class Sessions:
    """Runs WebSocket sessions with the gateway's own steps and settings."""

    def __init__(
        self,
        steps: list[Step],
        upstreams: dict[str, Upstream],
        connector: SocketConnector,
        server: ServerSettings,
        zdr_headers: Callable[[Exchange], RawHeaders],
    ):
        self.handshake = [
            s for s in steps if s.name in _HANDSHAKE_STEPS and s.acts_on("on_request")
        ]
        self.on_last_byte = [s for s in steps if s.acts_on("on_last_byte")]
        self.upstreams = upstreams
        self.connector = connector
        self.max_event_bytes = server.max_event_bytes
        self.zdr_headers = zdr_headers
        self.extra_headers = frozenset(h.encode("latin-1") for h in server.forward_headers)
        policy = next((s for s in steps if isinstance(s, ApplyPolicy)), None)
        self.policy = EventPolicy(policy.catalogue, policy.secret) if policy else None
        self.masking = next((s for s in steps if isinstance(s, Pseudonymize)), None)
        audit = next((s for s in steps if isinstance(s, Audit)), None)
        self.fingerprint_key = audit.key if audit is not None else None

    # -- the handshake -------------------------------------------------------------------

    def _subprotocols(self, ex: Exchange, offered: list[str]) -> list[str]:
        """The subprotocols to offer upstream; a key subprotocol becomes the request's
        credentials (as its Authorization header would)."""
        forwarded: list[str] = []
        keys: list[str] = []
        for name in offered:
            if name.startswith(_KEY_SUBPROTOCOL):
                keys.append(name[len(_KEY_SUBPROTOCOL) :])
            elif name in _FORWARDED_SUBPROTOCOLS:
                forwarded.append(name)
            elif not name.startswith(_DROPPED_SUBPROTOCOLS):
                raise BadRequest(
                    "The WebSocket subprotocols include one the gateway does not know; it "
                    f"forwards {', '.join(sorted(_FORWARDED_SUBPROTOCOLS))}.",
                    code="zdr_unknown_subprotocol",
                )
        if keys:
            if len(keys) > 1 or ex.header(b"authorization") is not None:
                raise AmbiguousRequest(
                    "The request has its key twice (an Authorization header and a key "
                    "subprotocol, or two key subprotocols)."
                )
            ex.headers = [*ex.headers, (b"authorization", b"Bearer " + keys[0].encode("latin-1"))]
        return forwarded

    def _masker(self, ex: Exchange) -> SessionMasker | None:
        step = self.masking
        vault = step.vault_for(ex) if step is not None else None
        if step is None or vault is None:
            return None
        masker = SessionMasker(vault, step.detectors, step.worker_above)
        if ex.query_pairs:  # the handshake's query values, as an HTTP request's
            try:
                ex.query_pairs = pseudonymize_query(ex.query_pairs, step.detectors, vault)
            except Exception as exc:  # fail closed: nothing goes out unexamined
                log.error(
                    "detection failed",
                    extra={"request_id": ex.request_id, "error": type(exc).__name__},
                )
                raise _DETECTION_FAILED from None
        return masker

    async def _open(
        self, ex: Exchange, scope: Scope
    ) -> tuple[UpstreamSocket, SessionMasker | None]:
        offered = self._subprotocols(ex, list(scope.get("subprotocols") or ()))
        for step in self.handshake:
            await step.on_request(ex)
            if ex.model is None and ex.query_pairs:  # before the policy step reads it
                ex.model = _query_model(ex.query_pairs)
        masker = self._masker(ex)
        assert ex.upstream_name is not None, "the route step names the upstream"
        upstream = self.upstreams[ex.upstream_name]
        socket = await self.connector.open(
            upstream,
            ex.path[3:],
            ex.query,
            forwarded_headers(ex.headers, self.extra_headers),
            offered,
        )
        ex.upstream_status = 101
        return socket, masker

    async def _last_byte(self, ex: Exchange) -> None:
        """Make the session's audit event durable, before the client hears the end."""
        if not ex.recorded:
            for step in self.on_last_byte:
                await step.on_last_byte(ex)

    async def _deny(self, ex: Exchange, err: ZdrError, scope: Scope, send: Send) -> None:
        ex.record_error(err)
        await self._last_byte(ex)
        body = err.to_json()
        headers = [*JSON_HEADERS, (b"content-length", str(len(body)).encode())]
        if "websocket.http.response" in (scope.get("extensions") or {}):
            await send(
                {
                    "type": "websocket.http.response.start",
                    "status": err.status,
                    "headers": headers + self.zdr_headers(ex),
                }
            )
            await send({"type": "websocket.http.response.body", "body": body})
        else:
            await send({"type": "websocket.close", "code": CLOSE_POLICY})

    # -- the session ---------------------------------------------------------------------

    async def serve(self, ex: Exchange, scope: Scope, receive: Receive, send: Send) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        ex.stream = True
        try:
            upstream, masker = await self._open(ex, scope)
        except ZdrError as err:
            await self._deny(ex, err, scope, send)
            return
        offered = set(scope.get("subprotocols") or ())
        chosen = upstream.subprotocol if upstream.subprotocol in offered else None
        try:
            await send(
                {
                    "type": "websocket.accept",
                    "subprotocol": chosen,
                    "headers": upstream.headers + self.zdr_headers(ex),
                }
            )
        except Exception:  # the client left during the handshake
            await upstream.close()
            ex.status, ex.error_code = 499, "client_disconnected"
            return
        ex.status = 101
        session = self._session(ex, upstream, send, masker)
        try:
            end = await self._relay(session, receive)
        except asyncio.CancelledError:  # the gateway's shutdown deadline came first
            ex.error_code = "zdr_shutting_down"
            await upstream.close(1012)
            self._close_books(session)
            raise
        await self._end(session, end)

    def _session(
        self, ex: Exchange, upstream: UpstreamSocket, send: Send, masker: SessionMasker | None
    ) -> _Session:
        key = self.fingerprint_key
        return _Session(
            ex,
            upstream,
            send,
            _dialect(ex),
            masker,
            hmac.new(key, digestmod=hashlib.sha256) if key else None,
            hmac.new(key, digestmod=hashlib.sha256) if key else None,
            counts={},
        )

    async def _relay(self, s: _Session, receive: Receive) -> _End:
        pumps = [
            asyncio.ensure_future(self._from_client(s, receive)),
            asyncio.ensure_future(self._from_upstream(s)),
        ]
        try:
            done, pending = await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in pumps:
                task.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
        first = next(iter(done))
        if first.exception() is not None:
            exc = first.exception()
            log.error(
                "error while relaying a session",
                extra={"request_id": s.ex.request_id, "error": type(exc).__name__},
            )
            return _End("upstream", CLOSE_ERROR, INTERNAL_ERROR)
        return first.result()

    async def _to_client(self, s: _Session, data: bytes) -> None:
        async with s.lock:
            await s.send({"type": "websocket.send", "text": data.decode("utf-8")})
        s.count("events_out")

    async def _error_to_client(
        self, s: _Session, err: ZdrError, event_id: Any = None, lane: Any = None
    ) -> None:
        await self._to_client(s, orjson.dumps(error_event(s.dialect, err, event_id, lane)))

    # -- client to upstream --------------------------------------------------------------

    async def _from_client(self, s: _Session, receive: Receive) -> _End:
        while True:
            message: Message = await receive()
            kind = message["type"]
            if kind == "websocket.disconnect":
                return _End("client", int(message.get("code") or 1005))
            if kind != "websocket.receive":
                continue
            text = message.get("text")
            if text is None:
                s.count("refused_events")
                await self._error_to_client(
                    s,
                    BadRequest(
                        "Binary messages are not part of this protocol: send each event as "
                        "JSON text."
                    ),
                )
                continue
            raw = text.encode("utf-8")
            if len(raw) > self.max_event_bytes:
                # uvicorn closes first (ws_max_size); this holds under any server.
                return _End("client", CLOSE_TOO_LARGE, tell_client=True)
            await self._client_event(s, raw)

    async def _client_event(self, s: _Session, raw: bytes) -> None:
        s.count("events_in")
        s.count("bytes_in", len(raw))
        try:
            event = parse_json_object(raw)
        except BadRequest as err:
            s.count("refused_events")
            await self._error_to_client(s, err)
            return
        kind = event.get("type")
        event_id, lane = event.get("event_id"), event.get("stream_id")
        if kind in AUDIO_EVENTS:
            s.count("audio_in")
        elif kind == "response.create":
            s.count("turns")
        if self.policy is not None:
            refused = self.policy.client_event(s.ex, event)
            if refused is not None:
                s.count("refused_events")
                if s.ex.refusal_rule is None:
                    s.ex.refusal_rule = refused.rule
                await self._error_to_client(s, refused, event_id, lane)
                return
        if s.masker is not None:
            try:
                event = await s.masker.mask(event, len(raw))
            except Exception as exc:  # fail closed: nothing goes out unexamined
                log.error(
                    "detection failed",
                    extra={"request_id": s.ex.request_id, "error": type(exc).__name__},
                )
                s.count("refused_events")
                await self._error_to_client(s, _DETECTION_FAILED, event_id, lane)
                return
        out = orjson.dumps(event)
        if s.mac_out is not None:
            s.mac_out.update(len(out).to_bytes(8, "big") + out)
        await s.upstream.send(out)

    # -- upstream to client --------------------------------------------------------------

    async def _from_upstream(self, s: _Session) -> _End:
        while True:
            try:
                got = await s.upstream.receive()
            except UpstreamError as err:
                return _End("upstream", CLOSE_ERROR, err)
            if isinstance(got, Closed):
                return _End("upstream", got.code)
            refused = await self._server_event(s, got)
            if refused is not None:
                return _End("policy", CLOSE_POLICY, refused)

    async def _server_event(self, s: _Session, data: bytes) -> PolicyRefusal | None:
        s.count("events_from_upstream")
        s.count("bytes_from_upstream", len(data))
        if s.mac_in is not None:
            s.mac_in.update(len(data).to_bytes(8, "big") + data)
        try:
            event = orjson.loads(data)
        except orjson.JSONDecodeError:
            event = None
        if not isinstance(event, dict):
            await self._to_client(s, data)
            return None
        kind = event.get("type")
        if kind in _AUDIO_OUT_EVENTS:
            s.count("audio_out")
            await self._to_client(s, data)
            return None
        if kind in _LAST_EVENTS:
            usage = usage_numbers(event)
            for name, n in (usage or {}).items():
                s.usage[name] = s.usage.get(name, 0) + n
        if self.policy is not None:
            refused = self.policy.server_event(s.ex, event)
            if refused is not None:
                return refused
        if s.masker is None or not s.masker.vault:
            await self._to_client(s, data)
            return None
        for out in s.masker.restore(event):
            await self._to_client(s, orjson.dumps(out))
        return None

    # -- the end -------------------------------------------------------------------------

    async def _end(self, s: _Session, end: _End) -> None:
        ex = s.ex
        if end.side == "client":
            # The client closed or left (a message over the limit: uvicorn closed it
            # with 1009); the upstream session is closed for it.
            if end.code == CLOSE_TOO_LARGE:
                ex.error_code = "message_too_large"
            elif end.code not in CLIENT_LEFT:
                ex.error_code = "client_disconnected"
            await s.upstream.close(CLOSE_NORMAL)
            self._close_books(s)
            await self._last_byte(ex)
            if end.tell_client:
                with contextlib.suppress(Exception, TimeoutError):
                    async with asyncio.timeout(_ENDING_SECONDS):
                        await s.send({"type": "websocket.close", "code": end.code})
            return
        await s.upstream.close(CLOSE_NORMAL if end.error is None else end.code)
        code = end.code
        if end.error is not None:
            err = end.error
            ex.error_code = err.instance_code or err.code
            if isinstance(err, PolicyRefusal):
                ex.decision = "refuse"
                ex.refusal_rule = ex.refusal_rule or err.rule
            if isinstance(err, UpstreamError):
                code = CLOSE_ERROR
        self._close_books(s)
        await self._last_byte(ex)
        with contextlib.suppress(Exception, TimeoutError):
            async with asyncio.timeout(_ENDING_SECONDS):
                if end.error is not None:
                    await self._error_to_client(s, end.error)
                await s.send({"type": "websocket.close", "code": code})

    def _close_books(self, s: _Session) -> None:
        """What the audit event says about the session: counts, fingerprints, usage."""
        ex = s.ex
        if s.masker is not None:
            ex.pseudonymized = dict(s.masker.vault.counts)
        if s.mac_out is not None:
            ex.request_hmac = s.mac_out.hexdigest()
        if s.mac_in is not None:
            ex.answer_digest = _Digest(s.mac_in.hexdigest(), s.usage or None)
        ex.session = dict(s.counts)


@dataclass(slots=True)
class _Digest:
    """The session's answer fingerprint and usage, as the audit reads an answer's."""

    digest: str
    usage: dict[str, int] | None

    def hexdigest(self) -> str:
        return self.digest
