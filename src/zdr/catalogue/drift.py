"""What an openai SDK declares that the catalogue does not classify.

Used by the catalogue tests (against the pinned SDK) and by ``zdr catalogue check``
(against whatever SDK the user has installed): every endpoint must match a row; every
parameter of a body the policy inspects must be a feature or classified as inert; every
tool type such a body can carry, wherever it sits, must have a tool row that applies
without conditions. Pure: it takes the shapes and the endpoint list, it imports nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from zdr.catalogue.load import Catalogue
from zdr.catalogue.model import Endpoint
from zdr.catalogue.params import concrete
from zdr.catalogue.query_params import load_query_params
from zdr.catalogue.shapes import BodyShapes, Shape


@dataclass(frozen=True, slots=True)
class Drift:
    sdk_version: str
    endpoints: list[str] = field(default_factory=list)  # "POST /v1/x/{id}"
    params: list[str] = field(default_factory=list)  # "POST /v1/responses: new_param"
    tools: list[str] = field(default_factory=list)  # "new_tool_type (POST /v1/responses)"
    queries: list[str] = field(default_factory=list)  # "GET /v1/files: new_query_param"

    @property
    def clean(self) -> bool:
        return not (self.endpoints or self.params or self.tools or self.queries)

    def as_json(self) -> dict[str, Any]:
        return {
            "sdk_version": self.sdk_version,
            "clean": self.clean,
            "unclassified_endpoints": self.endpoints,
            "unclassified_parameters": self.params,
            "unclassified_tool_types": self.tools,
            "undeclared_query_parameters": self.queries,
        }


def inspected(ep: Endpoint) -> bool:
    """Whether the policy reads this endpoint's body by default (it is not refused whole)."""
    return ep.content and ep.effect not in ("creates_state", "reads_state") and ep.zdr != "no"


def find_drift(
    catalogue: Catalogue,
    shapes: BodyShapes,
    sdk_endpoints: Iterable[tuple[str, str]],
    provider: str = "openai",
    websockets: Iterable[str] = (),
    queries: Mapping[str, Iterable[str]] | None = None,
) -> Drift:
    """What the SDK declares that zdr does not classify; ``queries`` (the SDK's query
    parameters per call) against the packaged allow-list, which the gateway enforces."""
    drift = Drift(shapes.sdk_version)
    allowed = load_query_params().calls
    for key, names in sorted((queries or {}).items()):
        known = allowed.get(key, frozenset())
        drift.queries.extend(f"{key}: {n}" for n in sorted(set(names) - known))
    calls = set(sdk_endpoints) | {("WEBSOCKET", path) for path in websockets}
    for method, path in sorted(calls):
        if catalogue.match(method, concrete(path), provider) is None:
            drift.endpoints.append(f"{method} {path}")
    rows = catalogue.tool_rules(provider)
    unconditional = {lit for f in rows if not f.where for lit in f.literals}
    missing_tools: dict[str, list[str]] = {}
    for key in sorted(shapes.bodies):
        method, path = key.split(" ", 1)
        ep = catalogue.match(method, concrete(path), provider)
        if ep is None or not inspected(ep):
            continue
        features = {f.param.split("[", 1)[0].split(".", 1)[0] for f in catalogue.features_of(ep)}
        classified = features | catalogue.inert_params(ep)
        drift.params.extend(f"{key}: {p}" for p in sorted(shapes.params(key) - classified))
        for literal in sorted(tool_types(shapes, shapes.bodies[key]) - unconditional):
            missing_tools.setdefault(literal, []).append(key)
    drift.tools.extend(f"{t} ({', '.join(keys)})" for t, keys in sorted(missing_tools.items()))
    return drift


def tool_types(shapes: BodyShapes, body: Shape) -> set[str]:
    """Every literal of a union labelled ``tools`` reachable from a body's shape."""
    found: set[str] = set()
    for union in _unions(shapes, body, set()):
        if union.get("label") == "tools":
            found.update(union.get("by", {}))
    return found


def _unions(shapes: BodyShapes, shape: Shape, seen: set[str]) -> Iterator[dict[str, Any]]:
    if isinstance(shape, str):
        return
    if "ref" in shape:
        name = shape["ref"]
        if name in seen:
            return
        seen.add(name)
        for child in shapes.defs[name]["fields"].values():
            yield from _unions(shapes, child, seen)
        return
    if "union" in shape:
        yield shape
        for member in shape["union"]:
            yield from _unions(shapes, member, seen)
    for key in ("list", "map"):
        if key in shape:
            yield from _unions(shapes, shape[key], seen)
