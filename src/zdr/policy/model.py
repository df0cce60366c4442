"""A policy compiled from config, and the decision ``decide()`` returns."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from zdr.config import PolicySettings, Settings

Mode = Literal["enforce", "strict", "observe"]
Action = Literal["allow", "rewrite", "refuse"]


class _Hashed:
    """Marker: replace the value by a keyed hash of it (the step holds the key)."""

    def __repr__(self) -> str:
        return "HASHED"


HASHED: Any = _Hashed()


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    mode: Mode
    upstream: str
    unknown: Literal["refuse", "forward"]
    endpoints: frozenset[str] | None
    models: re.Pattern[str] | None
    tools: frozenset[str] | None
    pseudonymize: bool
    pseudonymize_embeddings: bool
    pseudonymize_unknown: bool
    token_scope: Literal["policy", "key"] = "policy"
    restore_labels: frozenset[str] | None = None
    restore_in_links: frozenset[str] = frozenset()

    @classmethod
    def compile(cls, name: str, s: PolicySettings, upstream: str) -> Policy:
        unknown = s.effective_unknown
        models = None
        if s.models is not None:
            models = re.compile("|".join(fnmatch.translate(m) for m in s.models) or "(?!)")
        return cls(
            name=name,
            mode=s.mode,
            upstream=upstream,
            unknown=unknown,
            endpoints=frozenset(s.endpoints) if s.endpoints is not None else None,
            models=models,
            tools=frozenset(s.tools) if s.tools is not None else None,
            pseudonymize=s.pseudonymize,
            pseudonymize_embeddings=s.pseudonymize_embeddings,
            pseudonymize_unknown=s.pseudonymize_unknown,
            token_scope=s.token_scope,
            restore_labels=frozenset(s.restore_labels) if s.restore_labels is not None else None,
            restore_in_links=frozenset(s.restore_in_links),
        )

    @classmethod
    def compile_all(cls, settings: Settings) -> dict[str, Policy]:
        return {
            name: cls.compile(name, p, settings.upstream_for(p))
            for name, p in settings.policies.items()
        }

    def allows_model(self, model: str | None) -> bool:
        return self.models is None or (model is not None and bool(self.models.match(model)))


@dataclass(frozen=True, slots=True)
class Rewrite:
    param: str
    value: Any
    label: str  # content-free, e.g. "store=false" or "user=hashed"
    # "set": the param takes ``value``; "append": the items of ``value`` missing from
    # the param's list are added to it (the list is created when absent).
    op: Literal["set", "append"] = "set"


@dataclass(frozen=True, slots=True)
class Refusal:
    rule: str
    message: str
    param: str | None = None
    # "endpoint" refusals are 403, "feature" refusals 400 (a fixable request).
    kind: Literal["endpoint", "feature"] = "feature"


class Decision(NamedTuple):
    """(A named tuple: one is made per request, three times faster than a frozen
    dataclass.)"""

    action: Action
    rewrites: tuple[Rewrite, ...] = ()
    refusal: Refusal | None = None
    # Content-free notes (e.g. "prompt_cache_retention kept: model accepts only 24h").
    notes: tuple[str, ...] = ()

    @property
    def labels(self) -> list[str]:
        return [r.label for r in self.rewrites]
