"""What the linter knows, all from the catalogue: SDK call chains -> endpoints, which
endpoints retain data, which parameters and tools change retention, and the advice
to give. No second list of rules lives here."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from zdr.catalogue.load import Catalogue, load_catalogue
from zdr.catalogue.model import Endpoint, Feature

# A parameter value the analyser could not determine.
UNKNOWN = object()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True, slots=True)
class Issue:
    rule: str
    message: str
    severity: str = ""


@functools.cache
def catalogue() -> Catalogue:
    return load_catalogue()


@functools.cache
def sdk_calls() -> dict[str, tuple[str, str]]:
    data = resources.files("zdr.catalogue") / "data" / "openai_sdk_calls.yaml"
    raw = yaml.safe_load(data.read_text(encoding="utf-8"))["calls"]
    return {chain: tuple(spec.split(" ", 1)) for chain, spec in raw.items()}


@functools.cache
def chain_prefixes() -> frozenset[str]:
    """Every resource path of the SDK (chat, chat.completions, beta.threads...)."""
    out: set[str] = set()
    for chain in sdk_calls():
        parts = chain.split(".")
        for i in range(1, len(parts)):
            out.add(".".join(parts[:i]))
    return frozenset(out)


def endpoint_for_chain(chain: str) -> Endpoint | None:
    call = sdk_calls().get(chain)
    if call is None:
        return None
    return catalogue().match(call[0], call[1])


def endpoint_for_http(method: str, path: str) -> Endpoint | None:
    return catalogue().match(method.upper(), path)


def _reason(ep: Endpoint) -> str:
    kept = ep.app_state if ep.app_state and ep.app_state != "none" else "inputs and outputs"
    retention = f" ({ep.app_state_retention})" if ep.app_state_retention else ""
    return f"keeps {kept}{retention}; zero data retention eligible: {ep.zdr}"


def endpoint_issue(ep: Endpoint, rule: str = "ZDR001") -> Issue | None:
    if not ep.retains_data:
        return None
    advice = f" {ep.notes}" if ep.notes else ""
    return Issue(
        rule,
        f"{'/'.join(ep.methods)} {ep.path} ({ep.id}) {_reason(ep)}.{advice}",
    )


def _feature(fid: str) -> Feature | None:
    return catalogue().features.get(fid)


def _advice(f: Feature | None) -> str:
    return f" Fix: {f.advice}" if f is not None and f.advice else ""


def param_issues(ep: Endpoint, kwargs: dict[str, Any], has_unpacked: bool) -> list[Issue]:
    """Issues raised by the keyword arguments of one call to ``ep``."""
    issues: list[Issue] = []
    features = set(ep.features)
    store_feature = next((f for f in ("responses.store", "chat.store") if f in features), None)
    if store_feature is not None:
        f = _feature(store_feature)
        store = kwargs.get("store", None if "store" not in kwargs else UNKNOWN)
        if store is True:
            issues.append(
                Issue(
                    "ZDR002",
                    f"store is true, so the provider keeps "
                    f"{f.retains if f else 'the request and answer'}.{_advice(f)}",
                )
            )
        elif "store" not in kwargs and not has_unpacked and store_feature == "responses.store":
            issues.append(
                Issue(
                    "ZDR002",
                    "store is not set, and the Responses API stores by default "
                    f"({f.retention if f else '30 days'}). Fix: pass store=False.",
                    "warning",
                )
            )
    for name, fid in (
        ("background", "background"),
        ("conversation", "conversation"),
        ("previous_response_id", "previous_response_id"),
    ):
        if fid not in features or name not in kwargs:
            continue
        value = kwargs[name]
        if value is None or value is False:
            continue
        f = _feature(fid)
        issues.append(
            Issue("ZDR003", f"{name}=: {f.retains if f else 'relies on stored state'}.{_advice(f)}")
        )
    if "prompt_cache_retention" in features and kwargs.get("prompt_cache_retention") == "24h":
        f = _feature("prompt_cache_retention")
        issues.append(
            Issue(
                "ZDR004",
                f"prompt_cache_retention='24h': "
                f"{f.retains if f else 'extended caching'}.{_advice(f)}",
            )
        )
    tools = kwargs.get("tools")
    if isinstance(tools, list):
        for tool in tools:
            kind = tool.get("type") if isinstance(tool, dict) else None
            f = _feature(f"tool.{kind}") if isinstance(kind, str) else None
            if f is not None and f.action == "refuse":
                issues.append(Issue("ZDR005", f"tool '{kind}': {f.retains}.{_advice(f)}"))
    for name in ("user", "safety_identifier"):
        value = kwargs.get(name)
        if name in features and isinstance(value, str) and _EMAIL.match(value):
            issues.append(
                Issue(
                    "ZDR006",
                    f"{name}= holds an e-mail address in clear. Fix: send a keyed hash of "
                    "the user id (the zdr gateway does this for you).",
                )
            )
        elif name in features and value is EMAILISH:
            issues.append(
                Issue(
                    "ZDR006",
                    f"{name}= is set from an e-mail value. Fix: send a keyed hash of the "
                    "user id (the zdr gateway does this for you).",
                )
            )
    return issues


# A value built from something named like an e-mail (user.email, f"{email}").
EMAILISH = object()
