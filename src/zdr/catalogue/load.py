"""Load and validate the catalogue data files once, and match request paths against them."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import Any

import orjson
import yaml

from zdr.catalogue.model import Endpoint, Feature, Inert, Provider, Source
from zdr.catalogue.query_params import QueryNames, load_query_params
from zdr.catalogue.shapes import BodyShapes, load_shapes
from zdr.errors import ConfigError

_ELIGIBILITY = {"yes", "no", "conditional", "unknown", "n/a"}
_EFFECTS = {"stateless", "creates_state", "reads_state", "deletes_state", "unknown"}
_ACTIONS = {"rewrite", "refuse", "hash", "allow", "unknown"}
_RUNS = {"client", "provider"}
_SELF_SERVE = {"yes", "no", "n/a"}
TOOLS_PARAM = "tools[].type"
# WEBSOCKET: a connection upgraded from GET (catalogued apart: the gateway proxies HTTP).
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "WEBSOCKET"}
_EFFECT_BY_METHOD = {
    "GET": "reads_state",
    "POST": "creates_state",
    "PUT": "creates_state",
    "PATCH": "creates_state",
    "DELETE": "deletes_state",
}
PROVIDER_FILES = (
    "openai.yaml",
    "azure.yaml",
    "anthropic.yaml",
    "gemini.yaml",
    "mistral.yaml",
    "groq.yaml",
    "together.yaml",
    "bedrock.yaml",
    "openrouter.yaml",
    "fireworks.yaml",
    "selfhosted.yaml",
)


@dataclass(slots=True)
class _Node:
    literal: dict[str, _Node] = field(default_factory=dict)
    param: _Node | None = None
    rest: _Node | None = None  # "**": matches one or more remaining segments
    by_method: dict[str, Endpoint] = field(default_factory=dict)


class Catalogue:
    """All providers' rows; ``match`` maps (method, path) to an endpoint in O(depth)."""

    def __init__(
        self,
        providers: dict[str, Provider],
        endpoints: list[Endpoint],
        features: dict[str, Feature],
        inert: dict[str, list[Inert]] | None = None,
        feature_provider: dict[str, str] | None = None,
    ):
        self.providers = providers
        self.endpoints = endpoints
        self.features = features
        # Per provider: parameters classified as changing nothing the provider keeps.
        self.inert = inert or {}
        self.feature_provider = feature_provider or {}
        self._roots: dict[str, _Node] = {}
        self._features_of: dict[str, tuple[Endpoint, tuple[Feature, ...]]] = {}
        for ep in endpoints:
            self._insert(ep)

    @cached_property
    def shapes(self) -> BodyShapes:
        """The openai SDK's request bodies (generated data), read on first use."""
        return load_shapes()

    @cached_property
    def query_params(self) -> QueryNames:
        """The query parameters each openai SDK call sends (generated data)."""
        return load_query_params()

    def tool_rules(self, provider: str) -> list[Feature]:
        """A provider's tool rows, in the order they are tried (the first that applies)."""
        return self._tool_rules.get(provider, [])

    @cached_property
    def _tool_rules(self) -> dict[str, list[Feature]]:
        rules: dict[str, list[Feature]] = {}
        for fid, f in self.features.items():
            if f.param == TOOLS_PARAM:
                rules.setdefault(self.feature_provider.get(fid, ""), []).append(f)
        return rules

    def inert_params(self, endpoint: Endpoint) -> frozenset[str]:
        """Parameters of ``endpoint`` classified as changing nothing the provider keeps."""
        names: set[str] = set()
        for group in self.inert.get(endpoint.provider, ()):
            for p in group.params:
                scope, sep, name = p.rpartition(":")
                if not sep or scope == endpoint.id:
                    names.add(name)
        return frozenset(names)

    def _insert(self, ep: Endpoint) -> None:
        node = self._roots.setdefault(ep.provider, _Node())
        for seg in ep.path.strip("/").split("/"):
            if seg == "**":
                node.rest = node.rest or _Node()
                node = node.rest
                break
            if seg.startswith("{"):
                node.param = node.param or _Node()
                node = node.param
            else:
                node = node.literal.setdefault(seg, _Node())
        for method in ep.methods:
            if method in node.by_method:
                raise ConfigError(f"catalogue: {method} {ep.path} is listed twice")
            node.by_method[method] = ep

    def match(self, method: str, path: str, provider: str = "openai") -> Endpoint | None:
        """Most specific row for (method, path): literal > {param} > ``**``."""
        root = self._roots.get(provider)
        if root is None:
            return None
        return _walk(root, path.strip("/").split("/"), 0, method)

    def for_provider(self, provider: str) -> list[Endpoint]:
        return [e for e in self.endpoints if e.provider == provider]

    def features_of(self, endpoint: Endpoint) -> tuple[Feature, ...]:
        """The endpoint's feature rows, in order (looked up once per endpoint)."""
        known = self._features_of.get(endpoint.id)
        if known is not None and known[0] is endpoint:
            return known[1]
        found = tuple(self.features[f] for f in endpoint.features)
        if len(self._features_of) < 4096:  # bounded: endpoints made on the fly (tests)
            self._features_of[endpoint.id] = (endpoint, found)
        return found


def _walk(node: _Node, segs: list[str], i: int, method: str) -> Endpoint | None:
    if i == len(segs):
        return node.by_method.get(method)
    seg = segs[i]
    child = node.literal.get(seg)
    if child is not None:
        found = _walk(child, segs, i + 1, method)
        if found is not None:
            return found
    if node.param is not None and seg:
        found = _walk(node.param, segs, i + 1, method)
        if found is not None:
            return found
    if node.rest is not None:
        return node.rest.by_method.get(method)
    return None


def _req(row: dict[str, Any], key: str, where: str) -> Any:
    if key not in row:
        raise ConfigError(f"catalogue {where}: missing {key!r}")
    return row[key]


def _choice(row: dict[str, Any], key: str, allowed: set[str], where: str) -> str:
    value = str(_req(row, key, where))
    if value not in allowed:
        raise ConfigError(f"catalogue {where}: {key} must be one of {sorted(allowed)}")
    return value


def _sources(row: dict[str, Any], known: dict[str, Source], where: str) -> tuple[Source, ...]:
    ids = _req(row, "sources", where)
    if not ids:
        raise ConfigError(f"catalogue {where}: every row names at least one source")
    out = []
    for sid in ids:
        if sid not in known:
            raise ConfigError(f"catalogue {where}: unknown source {sid!r}")
        out.append(known[sid])
    return tuple(out)


def parse_provider_file(
    data: dict[str, Any], name: str
) -> tuple[Provider, list[Endpoint], dict[str, Feature], list[Inert]]:
    pid = str(_req(data, "provider", name))
    checked = str(_req(data, "checked", name))
    sources = {
        sid: Source(
            sid,
            str(_req(s, "url", f"{name} source {sid}")),
            str(s.get("title", "")),
            str(s.get("checked", checked)),
        )
        for sid, s in (data.get("sources") or {}).items()
    }
    p = _req(data, "summary", name)
    provider = Provider(
        id=pid,
        name=str(_req(data, "name", name)),
        summary=str(_req(p, "text", f"{name} summary")),
        zdr_available=str(_req(p, "zdr_available", f"{name} summary")),
        how_to_get_zdr=str(_req(p, "how_to_get_zdr", f"{name} summary")),
        default_retention=str(_req(p, "default_retention", f"{name} summary")),
        verify_how=str(_req(p, "verify_how", f"{name} summary")),
        sources=_sources(p, sources, f"{name} summary"),
        self_serve=_choice(p, "self_serve", _SELF_SERVE, f"{name} summary"),  # type: ignore[arg-type]
        contract_only=str(p.get("contract_only", "")),
        checked=checked,
    )
    features: dict[str, Feature] = {}
    for row in data.get("features") or []:
        fid = str(_req(row, "id", f"{name} feature"))
        where = f"{name} feature {fid}"
        if fid in features:
            raise ConfigError(f"catalogue {where}: the id is used twice")
        features[fid] = _feature(row, fid, sources, where)
    endpoints: list[Endpoint] = []
    for row in data.get("endpoints") or []:
        eid = str(_req(row, "id", f"{name} endpoint"))
        where = f"{name} endpoint {eid}"
        methods = tuple(str(m).upper() for m in _req(row, "methods", where))
        if not methods or not set(methods) <= _METHODS:
            raise ConfigError(f"catalogue {where}: methods must be among {sorted(_METHODS)}")
        path = str(_req(row, "path", where))
        if not path.startswith("/"):
            raise ConfigError(f"catalogue {where}: path must start with '/'")
        feats = _expand(row.get("features") or (), features, where)
        effect = str(_req(row, "effect", where))
        split: list[tuple[str, tuple[str, ...], str]]
        if effect == "by_method":
            # A family of stateful routes: reads, writes and deletes differ by method.
            split = [(f"{eid}.{m.lower()}", (m,), _EFFECT_BY_METHOD[m]) for m in methods]
        else:
            split = [(eid, methods, _choice(row, "effect", _EFFECTS, where))]
        for ep_id, ep_methods, ep_effect in split:
            endpoints.append(
                Endpoint(
                    id=ep_id,
                    provider=pid,
                    path=path,
                    methods=ep_methods,
                    effect=ep_effect,  # type: ignore[arg-type]
                    abuse_monitoring=str(_req(row, "abuse_monitoring", where)),
                    app_state=str(_req(row, "app_state", where)),
                    app_state_retention=str(_req(row, "app_state_retention", where)),
                    zdr=_choice(row, "zdr", _ELIGIBILITY, where),  # type: ignore[arg-type]
                    mam=_choice(row, "mam", _ELIGIBILITY, where),  # type: ignore[arg-type]
                    condition=str(row.get("condition", "")),
                    notes=str(row.get("notes", "")),
                    sources=_sources(row, sources, where),
                    features=feats,
                    zdr_models=tuple(str(m) for m in row.get("zdr_models") or ()),
                    content=bool(row.get("content", True)),
                )
            )
    inert = [
        Inert(
            params=tuple(str(p) for p in _req(g, "params", f"{name} inert")),
            why=str(_req(g, "why", f"{name} inert")),
            sources=_sources(g, sources, f"{name} inert"),
        )
        for g in data.get("inert") or []
    ]
    return provider, endpoints, features, inert


def _feature(row: dict[str, Any], fid: str, sources: dict[str, Source], where: str) -> Feature:
    when = _req(row, "when", where)
    param = str(_req(row, "param", where))
    if isinstance(when, list):
        if "[]." not in param:
            raise ConfigError(f"catalogue {where}: a list of literals needs a tagged param")
        when = orjson.dumps([str(v) for v in when]).decode()
    conditions = row.get("where") or {}
    if not isinstance(conditions, dict) or any(
        not (isinstance(v, list) or v == "present") for v in conditions.values()
    ):
        raise ConfigError(f"catalogue {where}: where maps fields to a list of values or 'present'")
    action = _choice(row, "action", _ACTIONS, where)
    if action in ("rewrite", "hash") and ("." in param or "[" in param):
        raise ConfigError(f"catalogue {where}: only a top-level parameter can be rewritten")
    runs = str(row.get("runs", ""))
    if param == TOOLS_PARAM and runs not in _RUNS:
        raise ConfigError(f"catalogue {where}: a tool row says where it runs: {sorted(_RUNS)}")
    return Feature(
        id=fid,
        param=param,
        when=str(when),
        retains=str(_req(row, "retains", where)),
        retention=str(_req(row, "retention", where)),
        zdr=_choice(row, "zdr", _ELIGIBILITY, where),  # type: ignore[arg-type]
        action=action,  # type: ignore[arg-type]
        rewrite_to=row.get("rewrite_to"),
        advice=str(row.get("advice", "")),
        sources=_sources(row, sources, where),
        skip_models=tuple(str(m) for m in row.get("skip_models") or ()),
        also_include=tuple(str(v) for v in row.get("also_include") or ()),
        runs=runs,  # type: ignore[arg-type]
        where=conditions,
    )


def _expand(ids: Any, features: dict[str, Feature], where: str) -> tuple[str, ...]:
    """Feature ids of an endpoint row; ``tool.*`` names every tool row."""
    out: list[str] = []
    for pattern in ids:
        found = [f for f in features if fnmatch.fnmatchcase(f, pattern)]
        if not found:
            raise ConfigError(f"catalogue {where}: unknown feature {pattern!r}")
        out.extend(f for f in found if f not in out)
    return tuple(out)


@cache
def load_catalogue() -> Catalogue:
    """The packaged catalogue, parsed and validated once per process."""
    providers: dict[str, Provider] = {}
    endpoints: list[Endpoint] = []
    features: dict[str, Feature] = {}
    inert: dict[str, list[Inert]] = {}
    feature_provider: dict[str, str] = {}
    data_dir = resources.files("zdr.catalogue") / "data"
    for fname in PROVIDER_FILES:
        raw = yaml.safe_load((data_dir / fname).read_text(encoding="utf-8"))
        provider, eps, feats, groups = parse_provider_file(raw, fname)
        providers[provider.id] = provider
        inert[provider.id] = groups
        endpoints.extend(eps)
        for fid, feat in feats.items():
            if fid in features:
                raise ConfigError(f"catalogue {fname}: feature id {fid!r} is used twice")
            features[fid] = feat
            feature_provider[fid] = provider.id
    ids = [e.id for e in endpoints]
    if len(ids) != len(set(ids)):
        raise ConfigError("catalogue: endpoint ids must be unique")
    return Catalogue(providers, endpoints, features, inert, feature_provider)
