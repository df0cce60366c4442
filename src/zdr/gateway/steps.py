"""The request steps that every exchange passes: authenticate, route, read the body."""

from __future__ import annotations

from typing import Any, ClassVar

import orjson

from zdr.catalogue.load import Catalogue
from zdr.errors import (
    AuthenticationFailed,
    BadRequest,
    InvalidJSON,
    RouteNotFound,
    UnsupportedMediaType,
)
from zdr.gateway.http import declared_length, read_body
from zdr.gateway.keyring import Keyring
from zdr.gateway.pipeline import Exchange
from zdr.gateway.upstream import Upstream
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


class Authenticate:
    name: ClassVar[str] = "authenticate"

    def __init__(self, keyring: Keyring, policies: dict[str, Policy]):
        self.keyring = keyring
        self.policies = policies

    async def on_request(self, ex: Exchange) -> None:
        presented = _presented_key(ex)
        if presented is None:
            raise AuthenticationFailed("Missing zdr key: send it as 'Authorization: Bearer <key>'.")
        key = await self.keyring.lookup(presented)
        if key is None:
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


class Route:
    """Path -> catalogue endpoint (may be None: unknown) and upstream."""

    name: ClassVar[str] = "route"

    def __init__(self, catalogue: Catalogue, upstreams: dict[str, Upstream]):
        self.catalogue = catalogue
        self.upstreams = upstreams

    async def on_request(self, ex: Exchange) -> None:
        if not ex.path.startswith("/v1/"):
            raise RouteNotFound("Unknown route: the gateway proxies /v1/* only.")
        assert ex.policy is not None
        upstream = self.upstreams[ex.policy.upstream]
        ex.upstream = upstream
        ex.endpoint = self.catalogue.match(ex.method, ex.path, upstream.settings.provider)


_JSON_TYPES = ("application/json",)
_PASSTHROUGH_TYPES = ("multipart/form-data",)


class ReadBody:
    """Read the bounded body and parse JSON: content the gateway cannot inspect is refused."""

    name: ClassVar[str] = "read_body"

    def __init__(self, max_body_bytes: int):
        self.limit = max_body_bytes

    async def on_request(self, ex: Exchange) -> None:
        declared = declared_length(ex.header(b"content-length"))
        ex.body = await read_body(ex.receive, self.limit, declared)
        ctype = (ex.header(b"content-type") or b"").decode("latin-1").lower()
        ex.content_type = ctype
        if not ex.body:
            return
        media = ctype.split(";", 1)[0].strip()
        if media in _JSON_TYPES or media.endswith("+json"):
            ex.json = _parse_object(ex.body)
            model = ex.json.get("model")
            ex.model = model if isinstance(model, str) else None
            ex.stream = ex.json.get("stream") is True
        elif media not in _PASSTHROUGH_TYPES:
            raise UnsupportedMediaType(
                "Unsupported Content-Type: send application/json or multipart/form-data."
            )


def _parse_object(body: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        # orjson's message can quote the input; ours does not.
        raise InvalidJSON(
            "We could not parse the JSON body of your request. The body must be valid UTF-8 JSON."
        ) from None
    if not isinstance(data, dict):
        raise BadRequest("The JSON body of your request must be an object.")
    return data
