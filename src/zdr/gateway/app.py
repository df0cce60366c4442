"""The gateway's ASGI entry: operational routes, and the proxy pipeline for /v1/*.

Plain ASGI rather than a framework: the hot path is a handful of awaits, and the
benchmark in bench/ showed every framework layer in the added latency. The request
path is the list of steps in ``default_steps()``; this module runs them, relays the
answer they produced, and renders errors, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import time
from typing import Any

import orjson

from zdr.asgi import Message, RawHeaders, Receive, Scope, Send
from zdr.audit.step import Audit
from zdr.audit.writer import AuditWriter
from zdr.catalogue.load import Catalogue, load_catalogue
from zdr.catalogue.media import multipart_routes
from zdr.config import Settings
from zdr.detect.configured import detector_set
from zdr.errors import (
    INTERNAL_ERROR,
    AuthenticationFailed,
    RouteNotFound,
    ShuttingDown,
    ZdrError,
)
from zdr.exchange import Answer, Exchange, Step
from zdr.gateway.http import JSON_HEADERS, ClientGone, send_error, send_response
from zdr.gateway.keyring import Keyring
from zdr.gateway.steps import Authenticate, AuthFailures, Forward, ReadBody, Route
from zdr.gateway.upstream import AnswerLimits, Upstream
from zdr.gateway.upstream_ws import SocketConnector
from zdr.gateway.websocket import Sessions
from zdr.keys.store import KeyStore
from zdr.ops.metrics import Metrics
from zdr.policy.model import Policy
from zdr.policy.step import ApplyPolicy
from zdr.pseudonymize.step import Pseudonymize, Restore

log = logging.getLogger("zdr.gateway")
access_log = logging.getLogger("zdr.access")
# How long ending an answer that was cut may take (the error event, the last chunk).
_CUT_ANSWER_SECONDS = 2.0
_SHUTTING_DOWN = ShuttingDown(
    "The gateway is shutting down and stopped this answer before it was complete. Retry."
)


def default_steps(
    settings: Settings,
    keyring: Keyring,
    catalogue: Catalogue,
    upstreams: dict[str, Upstream],
    secret: bytes,
    metrics: Metrics,
    audit: AuditWriter | None = None,
) -> list[Step]:
    """The request path, in order (see ``zdr.exchange`` for when each step acts).

    Audit comes first: it admits a request only while the trail can record it, taps
    the upstream's answer before restore changes it, and records every exchange.
    """
    server = settings.server
    steps: list[Step] = [Audit(audit)] if audit is not None else []
    steps += [
        Authenticate(
            keyring, Policy.compile_all(settings), AuthFailures(server.auth_failures_per_minute)
        ),
        Route(catalogue, upstreams),
        ReadBody(server.max_body_bytes, multipart_routes()),
        ApplyPolicy(catalogue, secret),
        Pseudonymize(
            detector_set(settings.detection),
            secret,
            settings.detection.worker_thread_above_bytes,
        ),
        Forward(upstreams, metrics, server.forward_headers),
        Restore(),
    ]
    return steps


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
        limits = AnswerLimits(settings.server.max_answer_bytes, settings.server.max_event_bytes)
        self.upstreams = upstreams or {
            name: Upstream(name, s, limits) for name, s in settings.upstreams.items()
        }
        self.metrics = Metrics()
        self.sockets = SocketConnector(settings.server.max_event_bytes)
        self.audit = audit
        if audit is not None:
            self.metrics.watch_audit(audit)
        self.steps = steps or default_steps(
            settings, self.keyring, self.catalogue, self.upstreams, secret, self.metrics, audit
        )
        self.access_log = settings.server.access_log
        token = settings.server.ops_token
        self._ops_auth = (b"Bearer " + token.get_secret_value().encode()) if token else None
        self.started = False
        self.in_flight = 0
        self.metrics.count_in_flight(lambda: self.in_flight)
        self._endpoints_json: bytes | None = None

    @property
    def steps(self) -> list[Step]:
        return self._steps

    @steps.setter
    def steps(self, steps: list[Step]) -> None:
        # Each moment runs only the steps that act at it.
        self._steps = list(steps)
        self._on_request = [s for s in steps if s.acts_on("on_request")]
        self._on_answer = [s for s in steps if s.acts_on("on_answer")]
        self._on_last_byte = [s for s in steps if s.acts_on("on_last_byte")]
        self._on_finish = [s for s in steps if s.acts_on("on_finish")]
        self.sessions = Sessions(
            self._steps, self.upstreams, self.sockets, self.settings.server, self._zdr_headers
        )

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
        await self.sockets.close()
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
            raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
            if raw_path.startswith(b"/v1/"):
                await self._proxy(scope, raw_path, receive, send)
            else:
                await self._operational(raw_path, scope, send)
        elif kind == "websocket":
            await self._session(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _operational(self, path: bytes, scope: Scope, send: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            await send_error(send, RouteNotFound("Unknown route."))
        elif path == b"/healthz":
            await send_response(send, 200, b'{"status":"ok"}')
        elif path == b"/readyz":
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
        elif path in (b"/metrics", b"/zdr/endpoints") and not self._ops_allowed(scope):
            await send_error(
                send,
                AuthenticationFailed(
                    "This endpoint needs the gateway's operations token (server.ops_token)."
                ),
            )
        elif path == b"/metrics":
            await send_response(
                send,
                200,
                self.metrics.render(),
                [(b"content-type", self.metrics.content_type.encode())],
            )
        elif path == b"/zdr/endpoints":
            await send_response(send, 200, self._endpoints_body())
        else:
            await send_error(send, RouteNotFound("Unknown route: the gateway proxies /v1/* only."))

    def _ops_allowed(self, scope: Scope) -> bool:
        if self._ops_auth is None:
            return True
        sent = [v for k, v in scope["headers"] if k == b"authorization"]
        return len(sent) == 1 and hmac.compare_digest(sent[0], self._ops_auth)

    def _endpoints_body(self) -> bytes:
        if self._endpoints_json is None:
            from zdr.catalogue.query import catalogue_as_json

            self._endpoints_json = orjson.dumps(catalogue_as_json(self.catalogue))
        return self._endpoints_json

    # -- the proxy ---------------------------------------------------------------------

    def _exchange(self, scope: Scope, method: str, raw_path: bytes, receive: Receive) -> Exchange:
        client = scope.get("client")
        return Exchange(
            request_id=os.urandom(8).hex(),  # secrets.token_hex(8), without two calls
            method=method,
            raw_path=raw_path,
            raw_query=scope["query_string"],
            headers=scope["headers"],
            started=time.perf_counter(),
            receive=receive,
            client_addr=client[0] if client else "",
        )

    async def _session(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A WebSocket session (gateway/websocket.py): one exchange, one audit event."""
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        ex = self._exchange(scope, "WEBSOCKET", raw_path, receive)
        self.in_flight += 1
        try:
            await self.sessions.serve(ex, scope, receive, send)
        except Exception as exc:  # the outer catch-all: the session ends, no details
            log.error(
                "unhandled error", extra={"request_id": ex.request_id, "error": type(exc).__name__}
            )
            ex.status, ex.error_code = 500, "server_error"
        finally:
            self.in_flight -= 1
            self._finish(ex)

    async def _proxy(self, scope: Scope, raw_path: bytes, receive: Receive, send: Send) -> None:
        ex = self._exchange(scope, scope["method"], raw_path, receive)
        self.in_flight += 1
        if self._on_last_byte:
            send = self._send_ending_with_steps(ex, send)
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
            if ex.answer is not None and ex.status in (499, 500):
                ex.answer.abort()
            self.in_flight -= 1
            self._finish(ex)

    def _send_ending_with_steps(self, ex: Exchange, send: Send) -> Send:
        """``send``, except that the answer's last message first runs the steps that
        act on the last byte (the audit: a client that got a whole answer has its
        event durably recorded)."""

        async def send_last_after_steps(message: Message) -> None:
            if (
                message["type"] == "http.response.body"
                and not message.get("more_body", False)
                and not ex.recorded
            ):
                for step in self._on_last_byte:
                    await step.on_last_byte(ex)
            await send(message)

        return send_last_after_steps

    async def _run(self, ex: Exchange, send: Send) -> None:
        try:
            for step in self._on_request:
                await step.on_request(ex)
            for step in self._on_answer:
                await step.on_answer(ex)
        except ZdrError as err:
            if ex.answer is not None:
                ex.answer.abort()
            ex.record_error(err)
            await send_error(send, err, self._zdr_headers(ex))
            return
        answer = ex.answer
        assert answer is not None, "the forward step sets the answer"
        ex.status = answer.status
        headers = answer.headers + self._zdr_headers(ex)
        if answer.kind == "json":
            await send_response(send, answer.status, answer.body, headers)
        else:
            await self._relay_stream(ex, answer, headers, send)

    def _zdr_headers(self, ex: Exchange) -> RawHeaders:
        headers: RawHeaders = [(b"x-zdr-request-id", ex.request_id.encode())]
        if ex.policy_name:
            headers.append((b"x-zdr-policy", ex.policy_name.encode()))
        if ex.rewrites:
            headers.append((b"x-zdr-rewrites", ",".join(ex.rewrites).encode()))
        if ex.decision != "allow":
            headers.append((b"x-zdr-decision", ex.decision.encode()))
        if ex.would:
            headers.append((b"x-zdr-would", ex.would.encode()))
        return headers

    async def _relay_stream(
        self, ex: Exchange, answer: Answer, headers: RawHeaders, send: Send
    ) -> None:
        """Send each chunk as it arrives; stop reading upstream if the client leaves."""
        assert answer.chunks is not None
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        gone = asyncio.Event()
        watcher = asyncio.ensure_future(_watch_disconnect(ex.receive, gone, answer))
        try:
            async for chunk in answer.chunks:
                if gone.is_set():
                    raise ClientGone()
                if chunk:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
            if gone.is_set():
                raise ClientGone()
        except ZdrError as err:  # the upstream failed, or a limit was hit mid-answer
            if gone.is_set():
                raise ClientGone() from None
            await self._end_cut_answer(ex, answer, err, send)
            return
        except asyncio.CancelledError:
            # The shutdown deadline came first: the client is told, and the record
            # says the answer was cut, not a 200.
            await self._end_cut_answer(ex, answer, _SHUTTING_DOWN, send)
            raise
        except ClientGone:
            raise
        except Exception as exc:  # e.g. restoring failed mid-stream
            if gone.is_set():
                raise ClientGone() from None
            log.error(
                "error while relaying",
                extra={"request_id": ex.request_id, "error": type(exc).__name__},
            )
            await self._end_cut_answer(ex, answer, INTERNAL_ERROR, send)
            return
        finally:
            watcher.cancel()
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _end_cut_answer(
        self, ex: Exchange, answer: Answer, err: ZdrError, send: Send
    ) -> None:
        """Headers are gone already: record the failure, tell an SSE client in-band,
        then end the body (bounded: a client that reads nothing cannot hold us)."""
        answer.abort()
        ex.error_code = err.instance_code or err.code
        ex.status = err.status
        with contextlib.suppress(Exception, TimeoutError):
            async with asyncio.timeout(_CUT_ANSWER_SECONDS):
                if answer.kind == "sse":
                    event = b"event: error\ndata: " + err.to_json() + b"\n\n"
                    await send({"type": "http.response.body", "body": event, "more_body": True})
                await send({"type": "http.response.body", "body": b"", "more_body": False})

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
        for step in self._on_finish:
            try:
                step.on_finish(ex)
            except Exception as exc:  # a step's bookkeeping never takes the request down
                log.error(
                    "step failed at finish",
                    extra={"step": step.name, "error": type(exc).__name__},
                )


async def _watch_disconnect(receive: Receive, gone: asyncio.Event, answer: Answer) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            gone.set()
            answer.abort()
            return


__all__ = ["Gateway", "default_steps", "JSON_HEADERS"]
