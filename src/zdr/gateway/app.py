"""The gateway's ASGI entry: operational routes, and the proxy pipeline for /v1/*.

Plain ASGI rather than a framework: the hot path is a handful of awaits, and the
benchmark in bench/ showed every framework layer in the added latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable
from typing import Any, TypeVar

import orjson

from zdr.audit.event import event_from_exchange
from zdr.audit.tap import AnswerTap, fingerprint
from zdr.audit.writer import AuditWriter
from zdr.catalogue.load import Catalogue, load_catalogue
from zdr.config import Settings
from zdr.detect.configured import detector_set
from zdr.errors import (
    INTERNAL_ERROR,
    AuditError,
    PolicyRefusal,
    RouteNotFound,
    ShuttingDown,
    UpstreamError,
    ZdrError,
)
from zdr.gateway.http import (
    CLIENT_ONLY,
    HOP_BY_HOP,
    JSON_HEADERS,
    ClientGone,
    connection_tokens,
    send_error,
    send_response,
)
from zdr.gateway.keyring import Keyring
from zdr.gateway.pipeline import Exchange, Step
from zdr.gateway.steps import Authenticate, ReadBody, Route
from zdr.gateway.types import Message, RawHeaders, Receive, Scope, Send
from zdr.gateway.upstream import Upstream, UpstreamResponse
from zdr.keys.store import KeyStore
from zdr.ops.metrics import Metrics
from zdr.policy.model import Policy
from zdr.policy.step import ApplyPolicy
from zdr.pseudonymize.step import Pseudonymize

log = logging.getLogger("zdr.gateway")
T = TypeVar("T")
# How long ending an answer that was cut may take (the error event, the last chunk).
_CUT_ANSWER_SECONDS = 2.0
_SHUTTING_DOWN = ShuttingDown(
    "The gateway is shutting down and stopped this answer before it was complete. Retry."
)
access_log = logging.getLogger("zdr.access")


def default_steps(
    settings: Settings,
    keyring: Keyring,
    catalogue: Catalogue,
    upstreams: dict[str, Upstream],
    secret: bytes,
) -> list[Step]:
    """The request path, in order. Later steps see what earlier ones decided."""
    return [
        Authenticate(keyring, Policy.compile_all(settings)),
        Route(catalogue, upstreams),
        ReadBody(settings.server.max_body_bytes),
        ApplyPolicy(catalogue, secret),
        Pseudonymize(
            detector_set(settings.detection),
            secret,
            settings.detection.worker_thread_above_bytes,
        ),
    ]


class Gateway:
    def __init__(
        self,
        settings: Settings,
        key_store: KeyStore,
        secret: bytes,
        *,
        catalogue: Catalogue | None = None,
        upstreams: dict[str, Upstream] | None = None,
        steps: list[Step] | None = None,
        audit: AuditWriter | None = None,
    ):
        self.settings = settings
        self.catalogue = catalogue or load_catalogue()
        self.keyring = Keyring(key_store)
        self.upstreams = upstreams or {
            name: Upstream(name, s) for name, s in settings.upstreams.items()
        }
        self.steps = steps or default_steps(
            settings, self.keyring, self.catalogue, self.upstreams, secret
        )
        self.audit = audit
        # Keyed fingerprints need the audit store's key; without an audit, none.
        self._fingerprint_key = audit.store.fingerprint_key if audit is not None else None
        self.metrics = Metrics()
        if audit is not None:
            self.metrics.watch_audit(audit)
        self.access_log = settings.server.access_log
        self.started = False
        self.in_flight = 0
        self._endpoints_json: bytes | None = None

    # -- lifecycle ---------------------------------------------------------------------

    async def startup(self) -> None:
        for upstream in self.upstreams.values():
            await upstream.start()
        await self.keyring.start()
        if self.audit is not None:
            await self.audit.start()
        self.started = True
        log.info("gateway ready", extra={"upstreams": sorted(self.upstreams)})

    async def shutdown(self) -> None:
        self.started = False
        # Uvicorn calls this after in-flight requests finished, or right after it
        # cancelled those still running at its deadline: they end their answers and
        # record them first (bounded: a client that reads nothing cannot hold us).
        deadline = time.monotonic() + _CUT_ANSWER_SECONDS + 1
        while self.in_flight and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        if self.audit is not None:
            # Until the shutdown deadline; what the store does not take stays spooled.
            await self.audit.stop(max(5.0, self.settings.server.graceful_shutdown_seconds))
        await self.keyring.stop()
        for upstream in self.upstreams.values():
            await upstream.close()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:
                    log.error("startup failed", extra={"error": type(exc).__name__})
                    await send({"type": "lifespan.startup.failed", "message": type(exc).__name__})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    # -- ASGI entry --------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            path: str = scope["path"]
            if path.startswith("/v1/"):
                await self._proxy(scope, receive, send)
            else:
                await self._operational(path, scope["method"], send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _operational(self, path: str, method: str, send: Send) -> None:
        if method not in ("GET", "HEAD"):
            await send_error(send, RouteNotFound("Unknown route."))
        elif path == "/healthz":
            await send_response(send, 200, b'{"status":"ok"}')
        elif path == "/readyz":
            audit_ok = self.audit is None or self.audit.accepting
            ready = self.started and self.keyring.healthy and audit_ok
            body = orjson.dumps(
                {
                    "status": "ready" if ready else "not ready",
                    "key_store": self.keyring.healthy,
                    "audit": "off" if self.audit is None else audit_ok,
                }
            )
            await send_response(send, 200 if ready else 503, body)
        elif path == "/metrics":
            await send_response(
                send,
                200,
                self.metrics.render(),
                [(b"content-type", self.metrics.content_type.encode())],
            )
        elif path == "/zdr/endpoints":
            await send_response(send, 200, self._endpoints_body())
        else:
            await send_error(send, RouteNotFound("Unknown route: the gateway proxies /v1/* only."))

    def _endpoints_body(self) -> bytes:
        if self._endpoints_json is None:
            from zdr.catalogue.query import catalogue_as_json

            self._endpoints_json = orjson.dumps(catalogue_as_json(self.catalogue))
        return self._endpoints_json

    # -- the proxy ---------------------------------------------------------------------

    async def _proxy(self, scope: Scope, receive: Receive, send: Send) -> None:
        ex = Exchange(
            request_id=secrets.token_hex(8),
            method=scope["method"],
            path=scope["path"],
            query=scope["query_string"].decode("latin-1"),
            headers=scope["headers"],
            started=time.perf_counter(),
            receive=receive,
        )
        self.metrics.in_flight.inc()
        self.in_flight += 1
        if self.audit is not None:
            send = self._recording_send(ex, send, self.audit)
        try:
            await self._run(ex, send)
        except ClientGone:
            ex.status = 499  # nginx's "client closed request": nothing more was sent
            ex.error_code = "client_disconnected"
        except Exception as exc:  # the outer catch-all: a generic 500, no details
            log.error(
                "unhandled error", extra={"request_id": ex.request_id, "error": type(exc).__name__}
            )
            ex.status, ex.error_code = 500, "server_error"
            with contextlib.suppress(Exception):
                await send_error(send, INTERNAL_ERROR, self._zdr_headers(ex))
        finally:
            self.metrics.in_flight.dec()
            self.in_flight -= 1
            self._finish(ex)

    async def _run(self, ex: Exchange, send: Send) -> None:
        try:
            if self.audit is not None and not self.audit.accepting:
                raise AuditError(
                    "The gateway cannot record this request in its audit trail right now, "
                    "so it does not forward it. Retry later."
                )
            for step in self.steps:
                await step.on_request(ex)
            response = await self._until_client_leaves(ex, self._forward(ex))
        except ZdrError as err:
            self._record_error(ex, err)
            await send_error(send, err, self._zdr_headers(ex))
            return
        await self._relay(ex, response, send)

    def _record_error(self, ex: Exchange, err: ZdrError) -> None:
        ex.status = err.status
        ex.error_code = err.instance_code or err.code
        if isinstance(err, PolicyRefusal):
            ex.decision = "refuse"
            ex.refusal_rule = err.rule
        if isinstance(err, UpstreamError):
            ex.upstream_status = ex.upstream_status or 0

    async def _until_client_leaves(self, ex: Exchange, work: Awaitable[T]) -> T:
        """Await upstream work; if the client disconnects first, cancel it (the
        upstream call is aborted) and raise ``ClientGone`` (recorded as 499)."""
        task = asyncio.ensure_future(work)
        left = asyncio.ensure_future(_client_left(ex.receive))
        try:
            await asyncio.wait((task, left), return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            task.cancel()
            left.cancel()
            raise
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            raise ClientGone()
        left.cancel()
        return task.result()

    def _upstream_headers(self, ex: Exchange) -> dict[str, str]:
        drop = HOP_BY_HOP | CLIENT_ONLY | connection_tokens(ex.headers)
        out: dict[str, str] = {}
        for name, value in ex.headers:
            if name not in drop:
                out[name.decode("latin-1")] = value.decode("latin-1")
        return out

    async def _forward(self, ex: Exchange) -> UpstreamResponse:
        upstream = ex.upstream
        assert upstream is not None
        body = orjson.dumps(ex.json) if ex.body_dirty else ex.body
        if self._fingerprint_key is not None:
            ex.extra["request_hmac"] = fingerprint(self._fingerprint_key, body)
        t0 = time.perf_counter()
        try:
            response = await upstream.send(
                ex.method, ex.path[3:], ex.query, self._upstream_headers(ex), body
            )
        except UpstreamError as err:
            self.metrics.upstream_responses.labels(upstream.name, err.code or "error").inc()
            raise
        self.metrics.upstream_latency.labels(upstream.name).observe(time.perf_counter() - t0)
        self.metrics.upstream_responses.labels(upstream.name, str(response.status)).inc()
        ex.upstream_status = response.status
        return response

    def _zdr_headers(self, ex: Exchange) -> RawHeaders:
        headers: RawHeaders = [(b"x-zdr-request-id", ex.request_id.encode())]
        if ex.policy_name:
            headers.append((b"x-zdr-policy", ex.policy_name.encode()))
        if ex.rewrites:
            headers.append((b"x-zdr-rewrites", ",".join(ex.rewrites).encode()))
        if ex.decision != "allow":
            headers.append((b"x-zdr-decision", ex.decision.encode()))
        would = ex.extra.get("would")
        if would:
            headers.append((b"x-zdr-would", str(would).encode()))
        return headers

    async def _relay(self, ex: Exchange, response: UpstreamResponse, send: Send) -> None:
        headers = response.headers + self._zdr_headers(ex)
        ex.status = response.status
        tap = None
        if self._fingerprint_key is not None:
            # Read in _finish: a stream cut short is fingerprinted as far as it went.
            tap = ex.extra["tap"] = AnswerTap(self._fingerprint_key)
        if response.is_event_stream:
            chunks: AsyncIterator[bytes] = response.iter_chunks()
            if tap is not None:
                chunks = _tapped(chunks, tap)
            for f in ex.filters:
                chunks = f.on_stream(chunks)
            await self._relay_stream(ex, response, chunks, headers, send)
        elif response.is_json:
            try:
                body = await self._until_client_leaves(ex, response.read())
            except UpstreamError as err:
                self._record_error(ex, err)
                await send_error(send, err, self._zdr_headers(ex))
                return
            if tap is not None:
                tap.json_body(body)
            for f in ex.filters:
                body = await f.on_json(body)
            await send_response(send, response.status, body, headers)
        else:  # binary (audio, files): relayed as it comes, untouched
            chunks = response.iter_chunks()
            if tap is not None:
                chunks = _tapped(chunks, tap)
            await self._relay_stream(ex, response, chunks, headers, send)

    async def _relay_stream(
        self,
        ex: Exchange,
        response: UpstreamResponse,
        chunks: AsyncIterator[bytes],
        headers: RawHeaders,
        send: Send,
    ) -> None:
        """Send each chunk as it arrives; stop reading upstream if the client leaves."""
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        gone = asyncio.Event()
        watcher = asyncio.ensure_future(_watch_disconnect(ex.receive, gone, response))
        try:
            async for chunk in chunks:
                if gone.is_set():
                    raise ClientGone()
                if chunk:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            if gone.is_set():
                raise ClientGone()
        except ZdrError as err:  # the upstream failed, or a limit was hit mid-answer
            if gone.is_set():
                raise ClientGone() from None
            await self._end_cut_answer(ex, response, err, send)
            return
        except asyncio.CancelledError:
            # The shutdown deadline came first: the client is told, and the record
            # says the answer was cut, not a 200.
            await self._end_cut_answer(ex, response, _SHUTTING_DOWN, send)
            raise
        except ClientGone:
            raise
        except Exception as exc:  # e.g. a response filter failed mid-stream
            log.error(
                "unhandled error", extra={"request_id": ex.request_id, "error": type(exc).__name__}
            )
            await self._end_cut_answer(ex, response, INTERNAL_ERROR, send)
            return
        finally:
            watcher.cancel()
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _end_cut_answer(
        self, ex: Exchange, response: UpstreamResponse, err: ZdrError, send: Send
    ) -> None:
        """Headers are gone already: record the failure, tell an SSE client in-band,
        then end the body (bounded: a client that reads nothing cannot hold us)."""
        ex.error_code = err.instance_code or err.code
        ex.status = err.status
        with contextlib.suppress(Exception, TimeoutError):
            async with asyncio.timeout(_CUT_ANSWER_SECONDS):
                if response.is_event_stream:
                    event = b"event: error\ndata: " + err.to_json() + b"\n\n"
                    await send({"type": "http.response.body", "body": event, "more_body": True})
                await send({"type": "http.response.body", "body": b"", "more_body": False})

    def _recording_send(self, ex: Exchange, send: Send, audit: AuditWriter) -> Send:
        """``send``, except that the answer's last message waits until the request's
        event is durable: a client that got a whole answer has its event recorded."""

        async def send_after_recording(message: Message) -> None:
            if (
                message["type"] == "http.response.body"
                and not message.get("more_body", False)
                and not ex.extra.get("recorded")
            ):
                ex.extra["recorded"] = True
                await audit.durable(self._audit_event(ex))
            await send(message)

        return send_after_recording

    def _audit_event(self, ex: Exchange) -> dict[str, Any]:
        tap = ex.extra.pop("tap", None)
        if tap is not None:
            ex.extra["response_hmac"] = tap.hexdigest()
            ex.extra["usage"] = tap.usage
        return event_from_exchange(ex, time.perf_counter() - ex.started)

    def _finish(self, ex: Exchange) -> None:
        elapsed = time.perf_counter() - ex.started
        route = ex.route_label
        self.metrics.requests.labels(route, ex.method, str(ex.status), ex.decision).inc()
        self.metrics.latency.labels(route).observe(elapsed)
        if ex.refusal_rule:
            self.metrics.refusals.labels(ex.policy_name or "-", ex.refusal_rule).inc()
        for label, n in ex.pseudonymized.items():
            self.metrics.pseudonymized.labels(label).inc(n)
        if self.access_log:
            fields: dict[str, Any] = {
                "request_id": ex.request_id,
                "key": ex.key.name if ex.key else None,
                "policy": ex.policy_name or None,
                "method": ex.method,
                "route": route,
                "status": ex.status,
                "upstream_status": ex.upstream_status,
                "decision": ex.decision,
                "ms": round(elapsed * 1000, 2),
            }
            if ex.error_code:
                fields["error"] = ex.error_code
            if ex.refusal_rule:
                fields["rule"] = ex.refusal_rule
            access_log.info("request", extra=fields)
        if self.audit is not None and not ex.extra.get("recorded"):
            # No answer was completed (the client left, or sending failed).
            self.audit.submit(self._audit_event(ex))


async def _tapped(chunks: AsyncIterator[bytes], tap: AnswerTap) -> AsyncIterator[bytes]:
    """Fingerprint the upstream's bytes on their way through."""
    async for chunk in chunks:
        tap.stream_chunk(chunk)
        yield chunk


async def _client_left(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _watch_disconnect(
    receive: Receive, gone: asyncio.Event, response: UpstreamResponse
) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            gone.set()
            response.close()
            return


__all__ = ["Gateway", "default_steps", "JSON_HEADERS"]
