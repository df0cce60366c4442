"""The catalogue's types: what an endpoint or a parameter retains, and where that is said."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Eligibility = Literal["yes", "no", "conditional", "unknown"]
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
    # For "conditional" endpoints: model-name prefixes that keep the call eligible.
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
    """A request parameter (or value of one) that changes what the provider retains."""

    id: str
    param: str
    # When the feature is "on": a JSON value to match, or "present" / "absent".
    when: str
    retains: str
    retention: str
    zdr: Eligibility
    # What the enforce mode does: rewrite to a safe value, or refuse.
    action: Literal["rewrite", "refuse", "hash", "allow"]
    rewrite_to: object = None
    advice: str = ""
    sources: tuple[Source, ...] = field(default=())
    # Models for which the rewrite is not applied (the provider rejects the safe value).
    skip_models: tuple[str, ...] = ()

    def why(self) -> str:
        """What the feature makes the provider keep, for messages."""
        return f"{self.retains} ({self.retention}); eligible for zero data retention: {self.zdr}"


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    name: str
    summary: str
    zdr_available: str
    how_to_get_zdr: str
    default_retention: str
    verify_how: str
    sources: tuple[Source, ...]
