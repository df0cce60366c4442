"""The catalogue's types: what an endpoint or a parameter retains, and where that is said."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

Eligibility = Literal["yes", "no", "conditional", "unknown", "n/a"]
# What a call does to application state at the provider.
Effect = Literal["stateless", "creates_state", "reads_state", "deletes_state", "unknown"]


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    url: str
    title: str
    checked: str


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: str
    provider: str
    path: str
    methods: tuple[str, ...]
    effect: Effect
    abuse_monitoring: str
    app_state: str
    app_state_retention: str
    zdr: Eligibility
    mam: Eligibility
    condition: str
    notes: str
    sources: tuple[Source, ...]
    # The parameter features that apply to this endpoint's body (ids into features).
    features: tuple[str, ...] = ()
    # For "conditional" endpoints: the exact model ids (dated snapshots listed one by one)
    # the sources name as keeping the call eligible. Never prefixes.
    zdr_models: tuple[str, ...] = ()
    # False when the request carries no end-user content (admin, model listings).
    content: bool = True

    @property
    def stateful(self) -> bool:
        return self.effect in ("creates_state", "reads_state")

    def kept(self) -> str:
        """What a call leaves at the provider and for how long, for messages."""
        return f"{self.app_state} ({self.app_state_retention})"

    def why(self) -> str:
        return f"{self.kept()}; eligible for zero data retention: {self.zdr}"

    @property
    def retains_data(self) -> bool:
        """True when a call leaves data at the provider beyond abuse-monitoring logs."""
        return self.effect == "creates_state" or self.zdr == "no"


@dataclass(frozen=True, slots=True)
class Feature:
    """A request parameter (or value of one) that changes what the provider retains.

    ``param`` is a top-level name (``store``), a dotted path (``prompt_cache_options.ttl``)
    or ``<label>[].<tag field>`` for tagged objects wherever the SDK lets them sit:
    ``tools[].type`` (tools, also inside a namespace or added by input items),
    ``input[].type`` (item references, with or without their ``type``), ``content[].type``.
    """

    id: str
    param: str
    # When the feature is "on": a JSON value to match, "present", "absent", "not-false",
    # "not-true", "absent-or:<json>", or for tagged objects a JSON list of literals.
    when: str
    retains: str  # a noun phrase: what the provider keeps ("the response and its items")
    retention: str
    zdr: Eligibility
    # What the enforce mode does: rewrite to a safe value, hash it, refuse, allow, or
    # refuse only while the policy refuses unknowns ("unknown": no source says).
    action: Literal["rewrite", "refuse", "hash", "allow", "unknown"]
    rewrite_to: object = None
    advice: str = ""
    sources: tuple[Source, ...] = field(default=())
    # Exact model ids for which the rewrite is not applied (they reject the safe value).
    skip_models: tuple[str, ...] = ()
    # Rewrites only: values merged into the request's ``include`` list whenever the
    # rewrite applies (store=false needs reasoning items to travel with the request).
    also_include: tuple[str, ...] = ()
    # Tools only: where the tool runs ("client": your code; "provider": OpenAI's).
    runs: Literal["client", "provider", ""] = ""
    # Tagged objects only: fields of the object that must hold one of these values
    # (None: absent or null) or be "present" for the row to apply; the first row that
    # applies decides.
    where: Mapping[str, Any] = field(default_factory=dict)

    def why(self) -> str:
        """What the feature makes the provider keep, for messages."""
        return f"{self.retains} ({self.retention}); eligible for zero data retention: {self.zdr}"

    @property
    def literals(self) -> tuple[str, ...]:
        """The tag literals a tagged-object row covers."""
        value = orjson.loads(self.when) if self.when.startswith("[") else None
        return tuple(value) if isinstance(value, list) else ()


SelfServe = Literal["yes", "no", "n/a"]


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    name: str
    summary: str
    zdr_available: str
    how_to_get_zdr: str
    default_retention: str
    # What can be checked from outside (an API, a console, an observed behaviour).
    verify_how: str
    sources: tuple[Source, ...]
    # Whether a team can switch zero retention on itself, today, without a contract.
    self_serve: SelfServe = "no"
    # What only a contract or the provider's own attestation can show.
    contract_only: str = ""
    checked: str = ""


@dataclass(frozen=True, slots=True)
class Inert:
    """Parameters that change nothing the provider keeps, and why that is known."""

    params: tuple[str, ...]  # a name, or "endpoint_id:name" where the name is ambiguous
    why: str
    sources: tuple[Source, ...]
