"""The gateway's own steps: authenticate, route, read the body, forward.

``Route`` and ``ReadBody`` build the canonical request (``gateway/canonical.py``);
``Forward`` sends its serialization and nothing else: the path routing matched, the
query string as parsed, the JSON object or multipart form the other steps inspected,
and the allow-listed headers.
"""

from __future__ import annotations

import time
from typing import ClassVar

import orjson

from zdr.catalogue.load import Catalogue
from zdr.catalogue.media import MultipartRoutes
from zdr.errors import (
    AuthenticationFailed,
    BadRequest,
    RouteNotFound,
    TooManyAuthFailures,
    UnsupportedMediaType,
    UpstreamError,
)
from zdr.exchange import Exchange, Step
from zdr.form import parse_form
from zdr.gateway.canonical import (
    canonical_path,
    decode_body,
    parse_json_object,
    parse_query,
    single_headers,
)
from zdr.gateway.http import (
    declared_length,
    forwarded_headers,
    read_body,
    until_client_leaves,
)
from zdr.gateway.keyring import Keyring
from zdr.gateway.upstream import Upstream
from zdr.ops.metrics import Metrics
from zdr.policy.model import Policy


def _presented_key(ex: Exchange) -> str | None:
    auth = ex.header(b"authorization")
    if auth is not None:
        scheme, _, value = auth.partition(b" ")
        if scheme.lower() == b"bearer" and value.strip():
            return value.strip().decode("latin-1")
        return None
    api_key = ex.header(b"api-key") or ex.header(b"x-api-key")
    return api_key.strip().decode("latin-1") if api_key else None


class AuthFailures:
    """Wrong-key attempts per client address, in fixed one-minute windows."""

    def __init__(self, per_minute: int, max_addresses: int = 100_000):
        self.per_minute = per_minute
        self.max_addresses = max_addresses
        self._windows: dict[str, tuple[float, int]] = {}

    def blocked(self, addr: str, now: float) -> bool:
        window = self._windows.get(addr)
        return window is not None and now - window[0] < 60 and window[1] >= self.per_minute

    def record(self, addr: str, now: float) -> None:
        start, count = self._windows.get(addr, (now, 0))
        if now - start >= 60:
            start, count = now, 0
        if len(self._windows) >= self.max_addresses and addr not in self._windows:
            self._windows.clear()  # a flood of addresses: start over rather than grow
        self._windows[addr] = (start, count + 1)


class Authenticate(Step):
    name: ClassVar[str] = "authenticate"

    def __init__(self, keyring: Keyring, policies: dict[str, Policy], failures: AuthFailures):
        self.keyring = keyring
        self.policies = policies
        self.failures = failures

    async def on_request(self, ex: Exchange) -> None:
        # One reading of the credentials and of the framing, before anything else.
        single_headers(ex.headers)
        now = time.monotonic()
        if self.failures.blocked(ex.client_addr, now):
            raise TooManyAuthFailures(
                "Too many requests with a wrong zdr key from this address; retry in a minute."
            )
        presented = _presented_key(ex)
        if presented is None:
            raise AuthenticationFailed("Missing zdr key: send it as 'Authorization: Bearer <key>'.")
        key = await self.keyring.lookup(presented)
        if key is None:
            self.failures.record(ex.client_addr, now)
            raise AuthenticationFailed("Invalid or revoked zdr key.")
        policy = self.policies.get(key.policy)
        if policy is None:
            # Fail closed: a key whose policy vanished from the config gets nothing.
            raise AuthenticationFailed(
                f"The key's policy {key.policy!r} is not defined in the gateway config."
            )
        ex.key = key
        ex.policy_name = key.policy
        ex.policy = policy


class Route(Step):
    """The canonical path and query; path -> catalogue endpoint (None: unknown) and upstream."""

    name: ClassVar[str] = "route"

    def __init__(self, catalogue: Catalogue, upstreams: dict[str, Upstream]):
        self.catalogue = catalogue
        self.upstreams = upstreams

    async def on_request(self, ex: Exchange) -> None:
        ex.path = canonical_path(ex.raw_path)
        if not ex.path.startswith("/v1/"):
            raise RouteNotFound("Unknown route: the gateway proxies /v1/* only.")
        pairs = parse_query(ex.raw_query)
        assert ex.policy is not None
        upstream = self.upstreams[ex.policy.upstream]
        configured = upstream.settings.query  # Azure's api-version: the configured value
        ex.query_pairs = [p for p in pairs if p[0] not in configured] if configured else pairs
        ex.upstream_name = upstream.name
        ex.provider = upstream.settings.provider
        ex.endpoint = self.catalogue.match(ex.method, ex.path, ex.provider)


class ReadBody(Step):
    """Read the bounded body and parse it: JSON anywhere, multipart where the SDK sends
    it; content the gateway cannot inspect is refused."""

    name: ClassVar[str] = "read_body"

    def __init__(self, max_body_bytes: int, multipart: MultipartRoutes):
        self.limit = max_body_bytes
        self.multipart = multipart

    async def on_request(self, ex: Exchange) -> None:
        declared = declared_length(ex.header(b"content-length"))
        if declared is not None and ex.header(b"transfer-encoding") is not None:
            raise BadRequest("The request has both Content-Length and Transfer-Encoding.")
        # A body that does not arrive in time: the protocol closes the connection
        # (server.body_timeout_seconds) and read_body sees the client gone.
        body = await read_body(ex.receive, self.limit, declared)
        body = decode_body(body, ex.header(b"content-encoding"), self.limit)
        ex.body = body
        if not body:
            return
        ctype = ex.header(b"content-type") or b""
        media = ctype.split(b";", 1)[0].strip().lower()
        if media == b"application/json" or media.endswith(b"+json"):
            ex.json = parse_json_object(body)
            ex.media = "json"
            model = ex.json.get("model")
            ex.model = model if isinstance(model, str) else None
            ex.stream = ex.json.get("stream") is True
        elif media == b"multipart/form-data":
            if not self.multipart.accepts(ex.method, ex.path):
                raise UnsupportedMediaType(
                    "This endpoint takes a JSON body (Content-Type: application/json)."
                )
            ex.form = parse_form(body, ctype)
            ex.media = "multipart"
            fields = ex.form.fields()
            model = fields.get("model")
            ex.model = model if isinstance(model, str) else None
            ex.stream = fields.get("stream") == "true"
        else:
            raise UnsupportedMediaType(
                "Unsupported Content-Type: send application/json (or multipart/form-data "
                "to the endpoints that take files)."
            )


class Forward(Step):
    """Send the canonical request upstream; the answer's head (or JSON body) comes back."""

    name: ClassVar[str] = "forward"

    def __init__(self, upstreams: dict[str, Upstream], metrics: Metrics, extra_headers: list[str]):
        self.upstreams = upstreams
        self.metrics = metrics
        self.extra_headers = frozenset(h.encode("latin-1") for h in extra_headers)

    def headers_for(self, ex: Exchange) -> dict[str, str]:
        return forwarded_headers(ex.headers, self.extra_headers)

    async def on_request(self, ex: Exchange) -> None:
        assert ex.upstream_name is not None
        upstream = self.upstreams[ex.upstream_name]
        headers = self.headers_for(ex)
        if ex.json is not None:
            body = orjson.dumps(ex.json)
            headers["Content-Type"] = "application/json"
        elif ex.form is not None:
            body, ctype = ex.form.serialize()
            headers["Content-Type"] = ctype.decode("latin-1")
        else:
            body = b""
        ex.sent_body = body
        t0 = time.perf_counter()
        try:
            answer = await until_client_leaves(
                ex.receive, upstream.send(ex.method, ex.path[3:], ex.query, headers, body)
            )
        except UpstreamError as err:
            self.metrics.upstream_responses.labels(upstream.name, err.code or "error").inc()
            raise
        self.metrics.upstream_latency.labels(upstream.name).observe(time.perf_counter() - t0)
        self.metrics.upstream_responses.labels(upstream.name, str(answer.status)).inc()
        ex.upstream_status = answer.status
        ex.answer = answer
