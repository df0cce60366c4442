"""What the report says, computed from the audit trail, the config and the catalogue.

Everything here is already content-free: counts, names the operator chose, catalogue
rows. The renderers only lay it out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from zdr.audit.chain import Verdict
from zdr.catalogue.load import Catalogue
from zdr.catalogue.model import Endpoint
from zdr.config import Settings

DECISIONS = ("allow", "rewrite", "refuse", "observe")


@dataclass(frozen=True, slots=True)
class PolicyRow:
    name: str
    mode: str
    upstream: str
    unknown: str
    endpoints: str
    models: str
    tools: str
    pseudonymize: bool
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EndpointRow:
    endpoint: str
    route: str
    counts: dict[str, int]  # by decision
    total: int
    zdr: str
    retention: str
    source: str


@dataclass(slots=True)
class Report:
    generated_at: str
    since: str | None
    first_event: str | None
    last_event: str | None
    total: int
    by_decision: dict[str, int]
    by_day: list[tuple[str, dict[str, int]]]
    endpoints: list[EndpointRow]
    refusals: list[tuple[str, int]]
    rewrites: list[tuple[str, int]]
    pseudonymized: list[tuple[str, int]]
    statuses: list[tuple[str, int]]
    errors: list[tuple[str, int]]
    tokens: dict[str, int]
    policies: list[PolicyRow]
    chain: Verdict
    gateway_retention_days: float
    audit_store: str
    providers: list[dict[str, str]] = field(default_factory=list)


def _allow_list(values: list[str] | None) -> str:
    return "any" if values is None else (", ".join(values) or "none")


def _retention(ep: Endpoint) -> str:
    return f"abuse monitoring: {ep.abuse_monitoring}; {ep.kept()}"


def build_report(
    settings: Settings,
    events: Iterable[dict[str, Any]],
    catalogue: Catalogue,
    chain: Verdict,
    key_policies: dict[str, str],
    generated_at: datetime,
    since: datetime | None,
    audit_store: str,
) -> Report:
    by_decision: Counter[str] = Counter()
    by_day: dict[str, Counter[str]] = defaultdict(Counter)
    by_endpoint: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    refusals: Counter[str] = Counter()
    rewrites: Counter[str] = Counter()
    pseudonymized: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    tokens: Counter[str] = Counter()
    first = last = None
    total = 0
    for e in events:
        total += 1
        ts = str(e.get("ts", ""))
        first = ts if first is None or ts < first else first
        last = ts if last is None or ts > last else last
        decision = str(e.get("decision") or "allow")
        by_decision[decision] += 1
        by_day[ts[:10]][decision] += 1
        by_endpoint[(str(e.get("endpoint") or "-"), str(e.get("route") or "-"))][decision] += 1
        if e.get("rule"):
            refusals[str(e["rule"])] += 1
        for rw in e.get("rewrites") or ():
            rewrites[str(rw)] += 1
        for label, n in (e.get("pseudonymized") or {}).items():
            pseudonymized[str(label)] += int(n)
        status = e.get("status")
        statuses[f"{str(status)[0]}xx" if status else "none"] += 1
        if e.get("error"):
            errors[str(e["error"])] += 1
        for name, n in (e.get("usage") or {}).items():
            if name.endswith("tokens"):
                tokens[name] += int(n)

    by_id = {ep.id: ep for ep in catalogue.endpoints}
    endpoint_rows = []
    for (ep_id, route), counts in sorted(by_endpoint.items(), key=lambda kv: -kv[1].total()):
        ep = by_id.get(ep_id)
        endpoint_rows.append(
            EndpointRow(
                endpoint=ep_id,
                route=route,
                counts=dict(counts),
                total=counts.total(),
                zdr=ep.zdr if ep else "unknown",
                retention=_retention(ep) if ep else "unknown (not in the catalogue)",
                source=ep.sources[0].url if ep and ep.sources else "",
            )
        )

    keys_by_policy: dict[str, list[str]] = defaultdict(list)
    for key, policy in sorted(key_policies.items()):
        keys_by_policy[policy].append(key)
    policies = [
        PolicyRow(
            name=name,
            mode=p.mode,
            upstream=settings.upstream_for(p),
            unknown=p.effective_unknown,
            endpoints=_allow_list(p.endpoints),
            models=_allow_list(p.models),
            tools=_allow_list(p.tools),
            pseudonymize=p.pseudonymize,
            keys=tuple(keys_by_policy.get(name, ())),
        )
        for name, p in sorted(settings.policies.items())
    ]
    providers = []
    for name, upstream in sorted(settings.upstreams.items()):
        prov = catalogue.providers.get(upstream.provider)
        providers.append(
            {
                "upstream": name,
                "provider": prov.name if prov else upstream.provider,
                "default_retention": prov.default_retention if prov else "unknown",
                "zdr_available": prov.zdr_available if prov else "unknown",
            }
        )
    return Report(
        generated_at=generated_at.isoformat(timespec="seconds"),
        since=since.isoformat(timespec="seconds") if since else None,
        first_event=first,
        last_event=last,
        total=total,
        by_decision={d: by_decision.get(d, 0) for d in DECISIONS if by_decision.get(d)},
        by_day=[(day, dict(c)) for day, c in sorted(by_day.items())],
        endpoints=endpoint_rows,
        refusals=refusals.most_common(),
        rewrites=rewrites.most_common(),
        pseudonymized=pseudonymized.most_common(),
        statuses=sorted(statuses.items()),
        errors=errors.most_common(),
        tokens=dict(tokens),
        policies=policies,
        chain=chain,
        gateway_retention_days=settings.audit.retention_days,
        audit_store=audit_store,
        providers=providers,
    )
