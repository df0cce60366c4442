"""The pure decision: (request, policy, catalogue) -> allow / rewrite / refuse, with reasons.

No I/O and no clock: the same inputs always give the same decision, so it is tested
with tables of cases. Messages name endpoints, parameters and rules, never values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from zdr.catalogue.load import Catalogue
from zdr.catalogue.model import Endpoint, Feature
from zdr.policy.model import HASHED, Decision, Policy, Refusal, Rewrite

# Tool types that run in the client's own code: nothing is kept by the provider.
CLIENT_TOOLS = frozenset({"function", "custom", "local_shell", "apply_patch"})


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    endpoint: Endpoint | None
    body: Mapping[str, Any] | None
    model: str | None


def _refuse(rule: str, message: str, param: str | None = None, kind: str = "feature") -> Decision:
    message = f"{message} [rule {rule}]"  # the id to allow-list or search the docs for
    return Decision("refuse", refusal=Refusal(rule, message, param, kind))  # type: ignore[arg-type]


def _sources(urls: Any) -> str:
    return "; ".join(s.url for s in urls)


def _listed(ep: Endpoint, allowed: frozenset[str]) -> bool:
    return ep.id in allowed or ep.path in allowed or ep.id.rsplit(".", 1)[0] in allowed


def _values(body: Mapping[str, Any], param: str) -> Iterator[Any]:
    """Values at a param path: ``a``, ``a[]`` (list items) or ``a[].b`` (items' field)."""
    head, sep, rest = param.partition("[]")
    if not sep:
        if head in body:
            yield body[head]
        return
    items = body.get(head)
    if not isinstance(items, list):
        return
    field = rest.lstrip(".")
    for item in items:
        if not field:
            yield item
        elif isinstance(item, dict) and field in item:
            yield item[field]


def matches(feature: Feature, body: Mapping[str, Any]) -> bool:
    when = feature.when
    if "[]" in feature.param:
        target = orjson.loads(when)
        return any(v == target for v in _values(body, feature.param))
    value = body.get(feature.param)
    if when == "present":
        return value is not None
    if when == "not-false":
        return value is not False
    if when.startswith("absent-or:"):
        return value is None or value == orjson.loads(when.removeprefix("absent-or:"))
    return value is not None and value == orjson.loads(when)


def _endpoint_message(policy: Policy, req: Request, ep: Endpoint) -> str:
    return (
        f"zdr policy '{policy.name}' refused {req.method} {ep.path}: this endpoint keeps "
        f"{ep.why()}. {ep.notes + ' ' if ep.notes else ''}Instead, keep this data in your own "
        f"systems and send only what each request needs, or give this key a policy that "
        f"lists the endpoint. Source: {_sources(ep.sources)}"
    )


def _feature_message(policy: Policy, req: Request, ep: Endpoint, f: Feature, why: str) -> str:
    return (
        f"zdr policy '{policy.name}' refused `{f.param}` on {req.method} {ep.path} ({why}): "
        f"it {f.why()}. Instead: {f.advice}. Source: {_sources(f.sources)}"
    )


def _decide_endpoint(req: Request, policy: Policy) -> Decision | None:
    ep = req.endpoint
    if ep is None:
        if policy.unknown == "refuse":
            return _refuse(
                "endpoint.unknown",
                f"zdr policy '{policy.name}' refused {req.method} on this path: the endpoint "
                "is not in zdr's retention catalogue, so what it retains is unknown. If you "
                "have checked it, set `unknown: forward` in the policy.",
                kind="endpoint",
            )
        return Decision("allow", notes=("endpoint not in catalogue: forwarded",))
    explicitly = policy.endpoints is not None and _listed(ep, policy.endpoints)
    if policy.endpoints is not None and not explicitly:
        return _refuse(
            "endpoint.not_allowed",
            f"zdr policy '{policy.name}' refused {req.method} {ep.path}: the endpoint "
            f"({ep.id}) is not in the policy's endpoints allow-list.",
            kind="endpoint",
        )
    if explicitly or ep.effect == "deletes_state" or not ep.content:
        return None
    if ep.effect in ("creates_state", "reads_state") or ep.zdr == "no":
        return _refuse("endpoint.retains", _endpoint_message(policy, req, ep), kind="endpoint")
    if (ep.zdr == "unknown" or ep.effect == "unknown") and policy.unknown == "refuse":
        return _refuse(
            "endpoint.unknown_retention",
            f"zdr policy '{policy.name}' refused {req.method} {ep.path}: no source states "
            f"whether this endpoint is eligible for zero data retention ({ep.notes or 'unknown'})."
            " If you have checked it, list it in the policy's endpoints or set "
            f"`unknown: forward`. Source: {_sources(ep.sources)}",
            kind="endpoint",
        )
    return None


def _decide_model(req: Request, policy: Policy, ep: Endpoint) -> Decision | None:
    if not policy.allows_model(req.model):
        return _refuse(
            "model.not_allowed",
            f"zdr policy '{policy.name}' refused {req.method} {ep.path}: the requested model is "
            "not in the policy's models allow-list.",
            param="model",
        )
    if ep.zdr_models and not (req.model and req.model.startswith(ep.zdr_models)):
        return _refuse(
            "model.not_eligible",
            f"zdr policy '{policy.name}' refused {req.method} {ep.path}: {ep.condition}. "
            f"Source: {_sources(ep.sources)}",
            param="model",
        )
    return None


def decide(
    req: Request,
    policy: Policy,
    catalogue: Catalogue,
    known_params: Mapping[str, frozenset[str]],
) -> Decision:
    """The enforce/strict decision (observe mode uses it to record what it would do)."""
    refused = _decide_endpoint(req, policy)
    if refused is not None or req.endpoint is None:
        return refused or Decision("allow", notes=("endpoint not in catalogue: forwarded",))
    ep = req.endpoint
    if ep.effect == "deletes_state" or not ep.content:
        return Decision("allow")
    body = req.body
    refused = _decide_model(req, policy, ep)
    if refused is not None or body is None:
        return refused or Decision("allow")

    known = known_params.get(ep.id)
    if known is not None and policy.unknown == "refuse":
        unknown = sorted(k for k in body if k not in known)
        if unknown:
            return _refuse(
                "parameter.unknown",
                f"zdr policy '{policy.name}' refused `{unknown[0]}` on {req.method} {ep.path}: "
                "the parameter is not in zdr's catalogue, so what it retains is unknown. If "
                "you have checked it, set `unknown: forward` in the policy.",
                param=unknown[0],
            )
    tools = [t for t in _values(body, "tools[].type") if isinstance(t, str)]
    if policy.tools is not None:
        for t in tools:
            if t not in CLIENT_TOOLS and t not in policy.tools:
                return _refuse(
                    "tool.not_allowed",
                    f"zdr policy '{policy.name}' refused the `{t}` tool on {req.method} "
                    f"{ep.path}: it is not in the policy's tools allow-list.",
                    param="tools",
                )

    rewrites: list[Rewrite] = []
    notes: list[str] = []
    for f in catalogue.features_of(ep):
        if f.action == "allow" or not matches(f, body):
            continue
        if f.param == "tools[].type" and policy.tools is not None:
            continue  # the tool was listed explicitly in the policy (checked above)
        if f.skip_models and req.model and req.model.startswith(f.skip_models):
            notes.append(f"{f.param} kept: the model accepts no safer value")
            continue
        if f.action == "refuse":
            return _refuse(
                f"feature.{f.id}",
                _feature_message(policy, req, ep, f, "retains data"),
                param=f.param.split("[", 1)[0],
            )
        if policy.mode == "strict":
            return _refuse(
                f"feature.{f.id}",
                _feature_message(policy, req, ep, f, "strict mode rewrites nothing"),
                param=f.param,
            )
        if f.action == "hash":
            rewrites.append(Rewrite(f.param, HASHED, f"{f.param}=hashed"))
        else:
            label = f"{f.param}={orjson.dumps(f.rewrite_to).decode().strip(chr(34))}"
            rewrites.append(Rewrite(f.param, f.rewrite_to, label))
    return Decision("rewrite" if rewrites else "allow", tuple(rewrites), notes=tuple(notes))
