"""The pure decision: (request, policy, catalogue) -> allow / rewrite / refuse, with reasons.

No I/O and no clock: the same inputs always give the same decision, so it is tested with
tables of cases. Messages name endpoints, parameters, rules and, where a literal sits in
the wrong place (a tool type, an enum value), that literal; never content (see
:func:`zdr.catalogue.shapes.shown`).

What ``decide`` checks, in order; the first refusal wins:

1. **The endpoint**: in the catalogue (``endpoint.unknown`` under ``unknown: refuse``),
   in the policy's ``endpoints`` allow-list when it has one (``endpoint.not_allowed``),
   not one that keeps application state or is ineligible (``endpoint.retains``), and of
   known retention (``endpoint.unknown_retention``). An endpoint the policy lists is an
   informed override: its own checks are skipped, the body checks below still run.
2. **The model**: in the policy's ``models`` allow-list (``model.not_allowed``); where an
   endpoint is eligible only with some models, exactly one of the ids the sources name,
   dated snapshots listed one by one, never a prefix (``model.not_eligible``).
3. **The body against the openai SDK's declaration of it** (``catalogue.shapes``,
   generated from the SDK): every top-level parameter declared (``parameter.unknown``;
   query parameters too, against the SDK's calls, ``catalogue/query_params``);
   every value of its declared type, and every literal (a tool type, an input item type,
   ``prompt_cache_retention``...) one the SDK declares, letter for letter
   (``parameter.invalid``). Literals that say what an object is (a ``type`` or ``role``)
   and parameters that change retention are always held to it; other types only under
   ``unknown: refuse``.
4. **Tools**, wherever the SDK lets one sit (``tools``, inside a ``namespace``, added by
   input items): each is classified by the catalogue's tool rows (runs in the client's
   code, or hosted and what that keeps). A policy's ``tools`` is the allow-list of tool
   types (it may name types the SDK does not declare): hosted tools not in it are refused
   (``tool.not_allowed``); without one, rows that keep data are refused
   (``feature.tool.<id>``), and a type no row classifies is refused (``tool.unclassified``).
5. **Parameters and tagged objects that retain data** (``store``, ``background``,
   ``previous_response_id``, item references with or without their ``type``, stored
   files and prompts...): rewritten in enforce mode (``store: false``, hashed user ids)
   or refused (``feature.<id>``); strict mode rewrites nothing. Rows whose retention no
   source states refuse only under ``unknown: refuse``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

from zdr.catalogue.load import TOOLS_PARAM, Catalogue
from zdr.catalogue.model import Endpoint, Feature, Source
from zdr.catalogue.query_params import parameter_name
from zdr.catalogue.shapes import Reading, Tagged, shown
from zdr.policy.model import HASHED, Decision, Policy, Refusal, Rewrite

# Providers whose request bodies are held to the openai SDK's declarations.
SDK_SHAPED = frozenset({"openai"})


class Request(NamedTuple):
    """What decide() reads of a request (a named tuple: made per request, and a frozen
    dataclass takes three times as long to make)."""

    method: str
    path: str
    endpoint: Endpoint | None
    body: Mapping[str, Any] | None
    model: str | None
    # The canonical query's (name, value) pairs.
    query: Sequence[tuple[str, str]] = ()


def _refuse(rule: str, message: str, param: str | None = None, kind: str = "feature") -> Decision:
    message = f"{message} [rule {rule}]"  # the id to allow-list or search the docs for
    return Decision("refuse", refusal=Refusal(rule, message, param, kind))  # type: ignore[arg-type]


def _sources(sources: Sequence[Source]) -> str:
    return "; ".join(s.url for s in sources)


def _listed(ep: Endpoint, allowed: frozenset[str]) -> bool:
    return ep.id in allowed or ep.path in allowed or ep.id.rsplit(".", 1)[0] in allowed


def _get(obj: Any, dotted: str) -> Any:
    """The value at ``a.b.c`` in nested objects, or None."""
    if "." not in dotted:
        # dict, not Mapping: request bodies are dicts, and an ABC check costs ~10x more.
        return obj.get(dotted) if isinstance(obj, dict) else None
    for key in dotted.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


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


_UNPARSED: Any = object()  # a ``when`` keyword ("present", "not-false"...), not JSON


@dataclass(frozen=True, slots=True)
class _Row:
    """What decide() reads of a feature row on every request, read from it once."""

    feature: Feature
    value: Any  # the JSON value ``when`` names (after "absent-or:"), or _UNPARSED
    parent: str  # the dotted parent of a nested param, "" for a top-level one
    literals: tuple[str, ...]  # Feature.literals
    rewrite: Rewrite  # the rewrite it makes in enforce mode (rewrite and hash rows)
    # A top-level key without which the row cannot match (None: it may match an absent
    # value, "not-false" say, or a tagged object anywhere): absent, it is not evaluated.
    needs: str | None
    # A tagged row's label ("content" of "content[].type"): where the SDK reading has no
    # object under it, the row cannot match. None for other rows.
    label: str | None
    head: str  # the parameter a refusal names: the param up to its first "["
    skip_models: frozenset[str]  # Feature.skip_models


# Keyed by the row's identity; the entry holds the row, so its id is not reused.
_ROWS: dict[int, _Row] = {}
_KEYWORDS = ("not-false", "not-true", "absent")


def _row(f: Feature) -> _Row:
    row = _ROWS.get(id(f))
    if row is not None and row.feature is f:
        return row
    try:
        value = orjson.loads(f.when.removeprefix("absent-or:"))
    except orjson.JSONDecodeError:
        value = _UNPARSED
    top = f.param.split("[", 1)[0].split(".", 1)[0]
    parent = f.param.rpartition(".")[0]
    if "[]." in f.param or (
        not parent and (f.when in _KEYWORDS or f.when.startswith("absent-or:"))
    ):
        needs = None
    else:  # an item of a list, a nested setting, a present or a given value
        needs = top
    label = f.param.partition("[].")[0] if "[]." in f.param else None
    row = _Row(
        f,
        value,
        parent,
        f.literals,
        _rewrite(f),
        needs,
        label,
        f.param.split("[", 1)[0],
        frozenset(f.skip_models),
    )
    if len(_ROWS) < 4096:  # bounded: catalogues built on the fly (tests)
        _ROWS[id(f)] = row
    return row


def _value_of(feature: Feature) -> Any:
    """The JSON value the feature's ``when`` names."""
    value = _row(feature).value
    return orjson.loads(feature.when) if value is _UNPARSED else value


def _same(value: Any, allowed: Any) -> bool:
    return type(value) is type(allowed) and bool(value == allowed)  # True is not 1


def applies(feature: Feature, obj: Mapping[str, Any]) -> bool:
    """Whether a tagged object meets the row's ``where`` conditions."""
    for path, allowed in feature.where.items():
        value = _get(obj, path)
        if allowed == "present":
            if value is None:
                return False
        elif not (value is None and None in allowed) and not any(_same(value, a) for a in allowed):
            return False
    return True


def _tagged_objects(
    feature: Feature, body: Mapping[str, Any], reading: Reading | None
) -> list[Tagged]:
    """The objects a tagged row (``label[].field``) covers: from the SDK reading when
    there is one (every place the SDK lets such an object sit, its tag inferred when left
    out), else the items of the top-level list."""
    label, _, field = feature.param.partition("[].")
    literals = _row(feature).literals or (_value_of(feature),)
    if reading is not None:
        found = [t for t in reading.tagged if t.label == label and t.tag in literals]
    else:
        found = [
            Tagged(label, item[field], item, (None, label))
            for item in body.get(label) or ()
            if isinstance(item, dict) and item.get(field) in literals
        ]
    return [t for t in found if applies(feature, t.obj)]


def matches(feature: Feature, body: Mapping[str, Any], reading: Reading | None = None) -> bool:
    """Whether the feature is "on" in ``body`` (``reading``: the SDK reading of it)."""
    return _matches(_row(feature), body, reading)


def _matches(row: _Row, body: Mapping[str, Any], reading: Reading | None) -> bool:
    feature = row.feature
    when = feature.when
    param = feature.param
    if "[]" in param:
        if "[]." in param:
            return bool(_tagged_objects(feature, body, reading))
        target = _value_of(feature)
        return any(v == target for v in _values(body, param))
    parent = row.parent
    if parent:
        if not isinstance(_get(body, parent), dict):
            return False  # a nested setting applies only where its object is sent
        value = _get(body, param)
    else:
        value = body.get(param) if isinstance(body, dict) else None
    if when == "present":
        return value is not None
    if when == "not-false":
        return value is not False
    if when == "not-true":
        return value is not True
    if when == "absent":
        return value is None
    if when.startswith("absent-or:"):
        return value is None or value == _value_of(feature)
    return value is not None and _same(value, _value_of(feature))


def _endpoint_message(policy: Policy, req: Request, ep: Endpoint) -> str:
    notes = f" {ep.notes}" if ep.notes else ""
    return (
        f"zdr policy '{policy.name}' refused {req.method} {ep.path}: this endpoint keeps "
        f"{ep.why()}.{notes} Instead, keep this data in your own systems and send only what "
        "each request needs, or give this key a policy that lists the endpoint. "
        f"Source: {_sources(ep.sources)}"
    )


def _feature_message(policy: Policy, req: Request, ep: Endpoint, f: Feature, what: str) -> str:
    advice = f" Instead, {f.advice}." if f.advice else ""
    return (
        f"zdr policy '{policy.name}' refused {what} on {req.method} {ep.path}: with it, the "
        f"provider keeps {f.retains} ({f.retention}). Eligible for zero data retention: "
        f"{f.zdr}.{advice} Source: {_sources(f.sources)}"
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
    if ep.zdr_models and req.model not in ep.zdr_models:
        named = shown(req.model)
        which = f"the model {named}" if named else "the requested model"
        return _refuse(
            "model.not_eligible",
            f"zdr policy '{policy.name}' refused {req.method} {ep.path}: {which} is not one "
            f"the source names as eligible for zero data retention here. Eligible: "
            f"{ep.condition}. Source: {_sources(ep.sources)}",
            param="model",
        )
    return None


def _retention_params(catalogue: Catalogue, ep: Endpoint) -> frozenset[str]:
    """Top-level parameters of ``ep`` that change what the provider keeps."""
    names = {f.param.split("[", 1)[0].split(".", 1)[0] for f in catalogue.features_of(ep)}
    return frozenset(names | {"tools"})


def _decide_shape(
    req: Request, policy: Policy, ep: Endpoint, reading: Reading, catalogue: Catalogue
) -> Decision | None:
    if not reading.problems:
        return None
    relevant = _retention_params(catalogue, ep)
    for p in reading.problems:
        top = p.path.split(".", 1)[0].split("[", 1)[0]
        if not (p.is_tag or top in relevant or policy.unknown == "refuse"):
            continue
        if p.is_tag:
            then = (
                "zdr forwards only the object types the openai SDK "
                f"({catalogue.shapes.sdk_version}) declares, letter for letter, each of "
                "which its catalogue classifies."
            )
            if "tools[" in p.path:
                then += " If you have checked a tool type the SDK does not know yet, list it "
                then += "in the policy's `tools`."
        else:
            then = "Send the declared type: a server may read a look-alike differently."
        return _refuse(
            "parameter.invalid",
            f"zdr policy '{policy.name}' refused {req.method} {ep.path}: {p.sentence()}. {then}",
            param=top,
        )
    return None


def _tools_of(body: Mapping[str, Any], reading: Reading | None) -> list[Tagged]:
    if reading is not None:
        return [t for t in reading.tagged if t.label == "tools"]
    return [
        Tagged("tools", tool["type"], tool, ((None, "tools"), i))
        for i, tool in enumerate(body.get("tools") or ())
        if isinstance(tool, dict) and isinstance(tool.get("type"), str)
    ]


def _decide_tools(
    req: Request,
    policy: Policy,
    ep: Endpoint,
    catalogue: Catalogue,
    body: Mapping[str, Any],
    reading: Reading | None,
) -> Decision | None:
    tools = _tools_of(body, reading)
    rules = catalogue.tool_rules(ep.provider) if tools else []
    for tool in tools:
        rule = next(
            (f for f in rules if tool.tag in _row(f).literals and applies(f, tool.obj)), None
        )
        named = shown(tool.tag) or "a tool"
        where = f"{named} tool (`{tool.path}`) on {req.method} {ep.path}"
        listed = policy.tools is not None and (
            tool.tag in policy.tools or (rule is not None and rule.id in policy.tools)
        )
        if listed:
            continue
        if policy.tools is not None and (rule is None or rule.runs != "client"):
            return _refuse(
                "tool.not_allowed",
                f"zdr policy '{policy.name}' refused the {where}: the policy's tools "
                "allow-list does not name it, and it does not run in your own code.",
                param="tools",
            )
        if rule is None:
            if not rules:
                continue  # a provider whose tools the catalogue does not classify yet
            return _refuse(
                "tool.unclassified",
                f"zdr policy '{policy.name}' refused the {where}: zdr's catalogue does not "
                "classify this tool type, so what it keeps is unknown. If you have checked "
                "it, list it in the policy's `tools`.",
                param="tools",
            )
        if rule.action == "refuse" or (rule.action == "unknown" and policy.unknown == "refuse"):
            return _refuse(
                f"feature.{rule.id}",
                _feature_message(policy, req, ep, rule, f"the {named} tool (`{tool.path}`)"),
                param="tools",
            )
    return None


def _read_body(
    req: Request, policy: Policy, ep: Endpoint, catalogue: Catalogue
) -> tuple[str | None, Reading | None]:
    if ep.provider not in SDK_SHAPED or req.body is None:
        return None, None
    key = catalogue.shapes.key_for(req.method, req.path)
    if key is None:
        return None, None
    open_tags = {"tools": policy.tools} if policy.tools else None
    return key, catalogue.shapes.read(key, req.body, open_tags)


def decide(
    req: Request,
    policy: Policy,
    catalogue: Catalogue,
    known_params: Mapping[str, frozenset[str]],
) -> Decision:
    """The enforce/strict decision (observe mode uses it to record what it would do).
    ``known_params`` (endpoint id -> parameter names) serves endpoints the SDK's shapes do
    not cover; where they do, the shapes' own parameter list is used."""
    refused = _decide_endpoint(req, policy)
    if refused is None and req.query and policy.unknown == "refuse":
        refused = _decide_query(req, policy, catalogue)
    if refused is not None or req.endpoint is None:
        return refused or Decision("allow", notes=("endpoint not in catalogue: forwarded",))
    ep = req.endpoint
    if ep.effect == "deletes_state" or not ep.content:
        return Decision("allow")
    body = req.body
    refused = _decide_model(req, policy, ep)
    if refused is not None or body is None:
        return refused or Decision("allow")

    key, reading = _read_body(req, policy, ep, catalogue)
    known = catalogue.shapes.params(key) if key is not None else known_params.get(ep.id)
    if known is not None and policy.unknown == "refuse" and not known.issuperset(body):
        unknown = min(k for k in body if k not in known)  # some: not a superset
        # A client's key, shown only when it is an identifier (never a value it holds).
        named = unknown if shown(unknown) else None
        return _refuse(
            "parameter.unknown",
            f"zdr policy '{policy.name}' refused "
            f"{f'`{named}`' if named else 'a parameter (its name not shown)'} on "
            f"{req.method} {ep.path}: the parameter is not in zdr's catalogue, so what it "
            "retains is unknown. If you have checked it, set `unknown: forward` in the "
            "policy.",
            param=named,
        )
    if reading is not None:
        refused = _decide_shape(req, policy, ep, reading, catalogue)
        if refused is not None:
            return refused
    refused = _decide_tools(req, policy, ep, catalogue, body, reading)
    if refused is not None:
        return refused
    return _decide_features(req, policy, ep, catalogue, body, reading)


def _decide_query(req: Request, policy: Policy, catalogue: Catalogue) -> Decision | None:
    """Query parameters as body parameters: only those the openai SDK sends to this
    method and path (where the SDK has the call at all: not other providers' routes)."""
    declared = catalogue.query_params.declared(req.method, req.path)
    if declared is None:
        return None
    for name, _ in req.query:
        base = parameter_name(name)
        if base not in declared:
            named = base if shown(base) else None  # a client's name: only an identifier
            where = req.endpoint.path if req.endpoint is not None else "this path"
            return _refuse(
                "parameter.unknown",
                f"zdr policy '{policy.name}' refused the query parameter "
                f"{f'`{named}`' if named else '(its name not shown)'} on {req.method} {where}: "
                "the openai SDK sends no such parameter there, so what it retains is unknown. "
                "If you have checked it, set `unknown: forward` in the policy.",
                param=named,
            )
    return None


def _decide_features(
    req: Request,
    policy: Policy,
    ep: Endpoint,
    catalogue: Catalogue,
    body: Mapping[str, Any],
    reading: Reading | None,
) -> Decision:
    rewrites: list[Rewrite] = []
    notes: list[str] = []
    labels: set[str | None] | None = None  # of the tagged objects the reading found
    for row in _checked(catalogue.features_of(ep)):
        if row.needs is not None and row.needs not in body:
            continue
        if row.label is not None and reading is not None:
            if labels is None:
                labels = {t.label for t in reading.tagged}
            if row.label not in labels:
                continue
        if not _matches(row, body, reading):
            continue
        f = row.feature
        if row.skip_models and req.model in row.skip_models:
            notes.append(f"{f.param} kept: the model accepts no safer value")
            continue
        param = row.head
        if f.action == "unknown":
            if policy.unknown == "refuse":
                message = _feature_message(policy, req, ep, f, _what(f, body, reading))
                return _refuse(f"feature.{f.id}", message, param)
            notes.append(f"{f.param} forwarded: its retention is unknown (unknown: forward)")
            continue
        if f.action == "refuse":
            message = _feature_message(policy, req, ep, f, _what(f, body, reading))
            return _refuse(f"feature.{f.id}", message, param)
        if policy.mode == "strict":
            message = _feature_message(policy, req, ep, f, _what(f, body, reading))
            return _refuse(
                f"feature.{f.id}",
                f"{message} (strict mode rewrites nothing: send the safe value yourself)",
                f.param,
            )
        rewrites.append(row.rewrite)
        if f.action != "hash" and f.also_include:
            included = body.get("include")
            missing = [
                v for v in f.also_include if not (isinstance(included, list) and v in included)
            ]
            if missing:
                rewrites.append(
                    Rewrite("include", tuple(missing), f"include+={','.join(missing)}", "append")
                )
    return Decision("rewrite" if rewrites else "allow", tuple(rewrites), notes=tuple(notes))


# Per endpoint (its tuple of rows from Catalogue.features_of, held here): the rows
# _decide_features evaluates, in order (tools are _decide_tools', "allow" keeps nothing).
_CHECKED: dict[int, tuple[tuple[Feature, ...], tuple[_Row, ...]]] = {}


def _checked(features: tuple[Feature, ...]) -> tuple[_Row, ...]:
    known = _CHECKED.get(id(features))
    if known is not None and known[0] is features:
        return known[1]
    rows = tuple(_row(f) for f in features if f.param != TOOLS_PARAM and f.action != "allow")
    if len(_CHECKED) < 4096:  # bounded: catalogues built on the fly (tests)
        _CHECKED[id(features)] = (features, rows)
    return rows


def _what(f: Feature, body: Mapping[str, Any], reading: Reading | None) -> str:
    """What a refusal names: the parameter, or where the tagged object sits."""
    if "[]." in f.param:
        obj = _tagged_objects(f, body, reading)[0]
        return f"`{obj.path}` ({shown(obj.tag) or 'an object'})"
    return f"`{f.param.split('[', 1)[0]}`"


def _rewrite(f: Feature) -> Rewrite:
    if f.action == "hash":
        return Rewrite(f.param, HASHED, f"{f.param}=hashed")
    label = f"{f.param}={orjson.dumps(f.rewrite_to).decode().strip(chr(34))}"
    return Rewrite(f.param, f.rewrite_to, label)
