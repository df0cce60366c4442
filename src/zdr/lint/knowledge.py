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
from zdr.policy.decide import applies, matches

# A parameter value the analyser could not determine.
UNKNOWN = object()

# What both analysers (Python and JS/TS) recognise.
CLIENT_CLASSES = frozenset({"OpenAI", "AsyncOpenAI", "AzureOpenAI", "AsyncAzureOpenAI"})
# A receiver whose name says it is a client, when the analyser could not follow it.
CLIENTISH = re.compile(r"client|openai|oai|llm|gpt", re.IGNORECASE)
# A name that says it holds an e-mail address.
EMAIL_NAME = re.compile(r"e-?mail", re.IGNORECASE)
HTTP_VERBS = {"post": "POST", "get": "GET", "delete": "DELETE", "put": "PUT", "patch": "PATCH"}
# The API path in a URL; `${...}` and `{x}` stand for parts the analyser could not read.
API_PATH = re.compile(r"(?:https?://[^/\s]+)?(/v1/[\w/{}.$-]*)")
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
def _generated() -> dict[str, Any]:
    data = resources.files("zdr.catalogue") / "data" / "openai_sdk_calls.yaml"
    # libyaml's loader when PyYAML has it: the file is ~50 kB, read on every run.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loaded: dict[str, Any] = yaml.load(data.read_text(encoding="utf-8"), Loader=loader)
    return loaded


@functools.cache
def sdk_calls() -> dict[str, tuple[str, str]]:
    raw = _generated()["calls"]
    return {chain: tuple(spec.split(" ", 1)) for chain, spec in raw.items()}


@functools.cache
def tool_keys() -> dict[str, frozenset[str]]:
    """The fields of each request object of the SDK by its `type` ("file_search" ->
    type, vector_store_ids, filters...)."""
    return {kind: frozenset(keys) for kind, keys in _generated()["tool_keys"].items()}


def is_hosted_tool(kind: object, keys: set[str]) -> bool:
    """A dict or object literal that is a hosted tool of the catalogue: its `type` is
    one, and every field it has is a field of that tool in the SDK (so `{"type": "mcp",
    "description": ...}`, a form's settings, is not)."""
    if not isinstance(kind, str) or kind not in hosted_tool_types():
        return False
    return keys <= tool_keys().get(kind, frozenset({"type"}))


@functools.cache
def chain_prefixes() -> frozenset[str]:
    """Every resource path of the SDK (chat, chat.completions, beta.threads...)."""
    out: set[str] = set()
    for chain in sdk_calls():
        parts = chain.split(".")
        for i in range(1, len(parts)):
            out.add(".".join(parts[:i]))
    return frozenset(out)


# Older SDK generations, still pinned by many apps: names that moved or were renamed.
_OLDER_NAMES = (
    (re.compile(r"^beta\.vector_stores\."), "vector_stores."),  # openai < 1.66
    (re.compile(r"\.del$"), ".delete"),  # openai-node < 5
)
# Resources removed from the SDK (Assistants v1 files): (method, path) by verb.
_REMOVED = {
    "beta.assistants.files": "/v1/assistants/{assistant_id}/files",
    "beta.threads.messages.files": "/v1/threads/{thread_id}/messages/{message_id}/files",
}
_VERBS = {"create": "POST", "list": "GET", "retrieve": "GET", "delete": "DELETE", "del": "DELETE"}


@functools.lru_cache(maxsize=65536)
def sdk_call(chain: str) -> tuple[str, str] | None:
    """(method, path) of an SDK call chain, older generations included."""
    call = sdk_calls().get(chain)
    if call is not None:
        return call
    for pattern, new in _OLDER_NAMES:
        renamed = pattern.sub(new, chain)
        if renamed != chain and renamed in sdk_calls():
            return sdk_calls()[renamed]
    resource, _, verb = chain.rpartition(".")
    if resource in _REMOVED and verb in _VERBS:
        return _VERBS[verb], _REMOVED[resource]
    return None


@functools.cache
def _sdk_verbs() -> frozenset[str]:
    return frozenset(c.rsplit(".", 1)[-1] for c in sdk_calls()) | set(_VERBS)


def is_sdk_verb(name: str) -> bool:
    """Whether any SDK call chain ends with this method name (create, list, del...)."""
    return name in _sdk_verbs()


def is_sdk_resource(prefix: str) -> bool:
    return (
        prefix in chain_prefixes() or prefix in _REMOVED or prefix.startswith("beta.vector_stores")
    )


def endpoint_for_http(method: str, path: str) -> Endpoint | None:
    return catalogue().match(method.upper(), path)


def endpoint_issue(ep: Endpoint, method: str, rule: str = "ZDR001", path: str = "") -> Issue | None:
    """What a call of `method` on `ep` leaves at the provider. Reads, deletes and
    cancellations (POST .../cancel) leave nothing new: the last two are the clean-up."""
    if method in ("GET", "HEAD", "DELETE") or not ep.retains_data:
        return None
    if path.rstrip("/").endswith("/cancel"):
        return None
    advice = f" {ep.notes}" if ep.notes else ""
    return Issue(rule, f"{method} {ep.path} ({ep.id}) keeps {ep.why()}.{advice}")


def call_issue(method: str, path: str, rule: str = "ZDR001") -> Issue | None:
    ep = endpoint_for_http(method, path)
    return endpoint_issue(ep, method, rule, path) if ep is not None else None


def tool_rule(obj: dict[str, Any]) -> Feature | None:
    """The catalogue's tool row for a tool object: rows are tried in order, the first
    whose type and conditions (`where`) it meets decides, as the gateway decides."""
    kind = obj.get("type")
    return next(
        (f for f in catalogue().tool_rules("openai") if kind in f.literals and applies(f, obj)),
        None,
    )


def tool_issue(obj: dict[str, Any], where: str = "") -> Issue | None:
    """A hosted tool the catalogue says keeps data (or of unknown retention)."""
    rule = tool_rule(obj)
    if rule is None or rule.action == "allow":
        return None
    fix = f" Fix: {rule.advice}." if rule.advice else ""
    # no source says what it keeps: shown with --min-severity note, never failing a run
    severity = "note" if rule.action == "unknown" else ""
    kind = obj.get("type")
    return Issue("ZDR005", f"{where or kind} (tool type {kind}): {rule.why()}.{fix}", severity)


@functools.cache
def hosted_tool_types() -> frozenset[str]:
    """Tool types some catalogue row says may keep or send data."""
    return frozenset(
        kind for f in catalogue().tool_rules("openai") if f.action != "allow" for kind in f.literals
    )


@functools.cache
def responses_endpoint() -> Endpoint:
    ep = catalogue().match("POST", "/v1/responses")
    assert ep is not None, "the catalogue lists POST /v1/responses"
    return ep


def _rule(f: Feature) -> str:
    if f.param == "store":
        return "ZDR002"
    if f.param.startswith("prompt_cache"):
        return "ZDR004"
    return "ZDR006" if f.action == "hash" else "ZDR003"


def param_issues(ep: Endpoint, kwargs: dict[str, Any], has_unpacked: bool) -> list[Issue]:
    """Issues raised by the keyword arguments of one call to ``ep``, by the catalogue's
    features and its own matcher (`policy.decide.matches`), as the gateway decides.

    Only what the code states is judged: a value the analyser could not determine is
    not guessed, and a parameter left out is reported only where leaving it out is
    documented to retain (the Responses API's `store`)."""
    issues: list[Issue] = []
    known = {k: v for k, v in kwargs.items() if v is not UNKNOWN and v is not EMAILISH}
    tools = kwargs.get("tools")
    for tool in tools if isinstance(tools, list) else ():
        if isinstance(tool, dict) and isinstance(tool.get("type"), str):
            issue = tool_issue(tool)
            if issue is not None:
                issues.append(issue)
    for f in catalogue().features_of(ep):
        if f.action == "allow" or f.param.startswith("tools[]"):
            continue  # tools: each object above, by the first row that applies
        name = f.param.split("[", 1)[0]
        if name not in kwargs:
            if f.id == "responses.store" and not has_unpacked:
                issues.append(
                    Issue(
                        "ZDR002",
                        f"store is not set, and the Responses API stores by default "
                        f"({f.retention}). Fix: {f.advice}.",
                        "warning",
                    )
                )
            continue
        if f.action == "hash":
            value = kwargs[name]
            if value is EMAILISH or (isinstance(value, str) and _EMAIL.match(value)):
                issues.append(
                    Issue(
                        "ZDR006",
                        f"{name}= sends an e-mail address in clear. Fix: send a keyed hash "
                        "of the user id (the zdr gateway does this for you).",
                    )
                )
            continue
        if name not in known and f.when != "present":
            continue  # an undetermined value: not guessed
        if matches(f, known if name in known else {name: kwargs[name]}):
            shown = f"{name} {f.when}" if "[]" in f.param else name  # tools "file_search"
            fix = f" Fix: {f.advice}" if f.advice else ""
            issues.append(Issue(_rule(f), f"{shown}: {f.why()}.{fix}"))
    return issues


# A value built from something named like an e-mail (user.email, f"{email}").
EMAILISH = object()
