"""The gateway step that applies a key's policy to the request."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, ClassVar

import orjson

from zdr.catalogue.load import Catalogue
from zdr.catalogue.params import known_params
from zdr.errors import EndpointNotAllowed, FeatureNotAllowed
from zdr.exchange import Exchange, Step
from zdr.policy.decide import Request, decide
from zdr.policy.model import HASHED, Decision


def hash_identifier(secret: bytes, value: Any) -> str:
    """A stable, keyed pseudonym for an end-user identifier (64 bits, hex)."""
    digest = hmac.new(secret, b"user-id\0" + str(value).encode(), hashlib.sha256).hexdigest()
    return "zdr-" + digest[:32]


class ApplyPolicy(Step):
    name: ClassVar[str] = "policy"

    def __init__(self, catalogue: Catalogue, secret: bytes):
        self.catalogue = catalogue
        self.secret = secret
        self.known = known_params()

    async def on_request(self, ex: Exchange) -> None:
        policy = ex.policy
        assert policy is not None
        body: dict[str, Any] | None = ex.json
        if body is None and ex.form is not None:
            body = dict(ex.form.fields())
        decision = decide(
            Request(ex.method, ex.path, ex.endpoint, body, ex.model),
            policy,
            self.catalogue,
            self.known,
        )
        if policy.mode == "observe":
            ex.decision = "observe"
            ex.would = _would(decision)
            return
        if decision.refusal is not None:
            r = decision.refusal
            error = EndpointNotAllowed if r.kind == "endpoint" else FeatureNotAllowed
            raise error(r.message, rule=r.rule, param=r.param)
        if decision.rewrites:
            assert body is not None
            for rw in decision.rewrites:
                value = rw.value
                if value is HASHED:
                    value = hash_identifier(self.secret, body[rw.param])
                if ex.json is not None:
                    ex.json[rw.param] = value
                elif ex.form is not None:
                    ex.form.set_text(rw.param, _form_text(value))
                ex.rewrites.append(rw.label)
        ex.decision = decision.action


def _would(decision: Decision) -> str:
    if decision.refusal is not None:
        return f"refuse:{decision.refusal.rule}"
    if decision.rewrites:
        return "rewrite:" + ",".join(decision.labels)
    return "allow"


def _form_text(value: Any) -> str:
    """A rewritten value as a multipart text field holds it (false -> "false")."""
    return value if isinstance(value, str) else orjson.dumps(value).decode()
