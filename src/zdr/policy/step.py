"""The gateway step that applies a key's policy to the request."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, ClassVar

import orjson

from zdr.catalogue.load import Catalogue
from zdr.catalogue.params import known_params
from zdr.errors import EndpointNotAllowed, FeatureNotAllowed, PolicyRefusal
from zdr.exchange import Exchange, Step
from zdr.form import Form, Part
from zdr.policy.decide import Request, decide
from zdr.policy.model import HASHED, Decision, Refusal, Rewrite


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
            Request(ex.method, ex.path, ex.endpoint, body, ex.model, ex.query_pairs),
            policy,
            self.catalogue,
            self.known,
        )
        if policy.mode == "observe":
            ex.decision = "observe"
            ex.would = _would(decision)
            return
        if decision.refusal is not None:
            raise refusal_error(decision.refusal)
        if decision.rewrites:
            assert body is not None
            for rw in decision.rewrites:
                if ex.json is not None:
                    rewrite_json(ex.json, rw, self.secret)
                elif ex.form is not None:
                    _rewrite_form(ex.form, rw, self.secret)
                ex.rewrites.append(rw.label)
        ex.decision = decision.action


def refusal_error(r: Refusal) -> PolicyRefusal:
    """The error a refusal is answered with (403 for an endpoint, 400 for a feature)."""
    error = EndpointNotAllowed if r.kind == "endpoint" else FeatureNotAllowed
    return error(r.message, rule=r.rule, param=r.param)


def _would(decision: Decision) -> str:
    if decision.refusal is not None:
        return f"refuse:{decision.refusal.rule}"
    if decision.rewrites:
        return "rewrite:" + ",".join(decision.labels)
    return "allow"


def rewrite_json(body: dict[str, Any], rw: Rewrite, secret: bytes) -> None:
    """Apply one rewrite; a dotted param (``session.store``) names a nested object,
    which the decision only rewrites where the client sent it."""
    *parents, name = rw.param.split(".")
    target: Any = body
    for part in parents:
        target = target.get(part) if isinstance(target, dict) else None
    if not isinstance(target, dict):
        return
    if rw.op == "append":
        current = target.get(name)
        items = list(current) if isinstance(current, list) else []
        target[name] = items + [v for v in rw.value if v not in items]
    elif rw.value is HASHED:
        target[name] = hash_identifier(secret, target.get(name))
    else:
        target[name] = rw.value


def _rewrite_form(form: Form, rw: Rewrite, secret: bytes) -> None:
    if rw.op == "append":
        present = form.fields().get(rw.param + "[]", [])
        for v in rw.value:
            if v not in present:
                form.parts.append(Part(rw.param + "[]", str(v).encode()))
        return
    value = rw.value
    if value is HASHED:
        value = hash_identifier(secret, form.fields().get(rw.param))
    form.set_text(rw.param, _form_text(value))


def _form_text(value: Any) -> str:
    """A rewritten value as a multipart text field holds it (false -> "false")."""
    return value if isinstance(value, str) else orjson.dumps(value).decode()
