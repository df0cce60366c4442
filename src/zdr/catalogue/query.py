"""Questions teams ask of the catalogue, and its JSON form (CLI and GET /zdr/endpoints)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from zdr.catalogue.load import Catalogue
from zdr.catalogue.model import Endpoint, Feature, Provider, Source


def select(
    catalogue: Catalogue,
    provider: str | None = None,
    eligible: bool = False,
    stateful: bool = False,
) -> list[Endpoint]:
    rows = catalogue.endpoints
    if provider:
        rows = [e for e in rows if e.provider == provider]
    if eligible:
        rows = [e for e in rows if e.zdr in ("yes", "conditional")]
    if stateful:
        rows = [e for e in rows if e.effect == "creates_state" or e.stateful]
    return rows


def _source(s: Source) -> dict[str, str]:
    return {"id": s.id, "url": s.url, "title": s.title, "checked": s.checked}


def endpoint_json(e: Endpoint) -> dict[str, Any]:
    d = asdict(e)
    d["methods"] = list(e.methods)
    d["sources"] = [_source(s) for s in e.sources]
    d["features"] = list(e.features)
    d["zdr_models"] = list(e.zdr_models)
    d["stateful"] = e.stateful
    return d


def feature_json(f: Feature) -> dict[str, Any]:
    d = asdict(f)
    d["sources"] = [_source(s) for s in f.sources]
    d["skip_models"] = list(f.skip_models)
    return d


def provider_json(p: Provider) -> dict[str, Any]:
    d = asdict(p)
    d["sources"] = [_source(s) for s in p.sources]
    return d


def catalogue_as_json(
    catalogue: Catalogue, endpoints: list[Endpoint] | None = None
) -> dict[str, Any]:
    rows = catalogue.endpoints if endpoints is None else endpoints
    providers = {e.provider for e in rows} or set(catalogue.providers)
    return {
        "object": "zdr.catalogue",
        "providers": [provider_json(catalogue.providers[p]) for p in sorted(providers)],
        "endpoints": [endpoint_json(e) for e in rows],
        "features": [feature_json(f) for f in catalogue.features.values()],
    }
