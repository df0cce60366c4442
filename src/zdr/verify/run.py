"""Runs the checks `zdr verify` was asked for and lays out the verdict."""

from __future__ import annotations

from dataclasses import dataclass

from zdr.catalogue.model import Provider
from zdr.config import Settings
from zdr.verify import declared, gateway, observed
from zdr.verify.client import ApiClient
from zdr.verify.model import Finding


@dataclass(frozen=True)
class VerifyOptions:
    base_url: str
    api_key: str | None
    admin_key: str | None
    project: str | None
    model: str
    probes_confirmed: bool
    settings: Settings | None
    provider: Provider | None = None


def provider_findings(provider: Provider) -> list[Finding]:
    """What can be checked of a provider from outside, and what only a contract shows,
    from the catalogue (`zdr providers` has the same, per provider)."""
    source = provider.sources[0].url
    return [
        Finding(
            f"provider[{provider.id}].outside",
            "info",
            f"zero data retention: {provider.zdr_available}",
            f"Checkable from outside: {provider.verify_how}",
            source,
        ),
        Finding(
            f"provider[{provider.id}].contract",
            "info",
            "not observable",
            f"Only a contract shows: {provider.contract_only}",
            source,
        ),
    ]


async def run_checks(opts: VerifyOptions) -> list[Finding]:
    findings: list[Finding] = []
    if opts.provider is not None and opts.provider.id != "openai":
        # The probes speak OpenAI's admin API and stored objects; other providers say
        # what they let an outsider check, and zdr reports that.
        findings.extend(provider_findings(opts.provider))
        if opts.settings is not None:
            findings.extend(gateway.policy_findings(opts.settings))
            findings.extend(gateway.audit_findings(opts.settings))
        return findings
    if opts.admin_key:
        async with ApiClient(opts.base_url, opts.admin_key) as admin:
            org, kind = await declared.organization(admin)
            findings.append(org)
            if org.status != "error":
                findings.extend(await declared.projects(admin, opts.project, kind))
    else:
        findings.append(
            Finding(
                "declared.organization",
                "skip",
                "no --admin-key",
                "Declared settings need an organization admin key.",
                "",
            )
        )
    if opts.api_key and opts.probes_confirmed:
        async with ApiClient(opts.base_url, opts.api_key) as client:
            findings.extend(await observed.chat_store(client, opts.model))
            findings.extend(await observed.responses_store(client, opts.model))
    elif opts.api_key:
        findings.append(
            Finding(
                "observed",
                "skip",
                "not confirmed",
                "Pass --yes to run the probes. " + observed.cost_statement(opts.model),
                "",
            )
        )
    else:
        findings.append(
            Finding(
                "observed", "skip", "no --api-key", "Observed behaviour needs a normal API key.", ""
            )
        )
    if opts.provider is not None:
        findings.extend(provider_findings(opts.provider))
    if opts.settings is not None:
        findings.extend(gateway.policy_findings(opts.settings))
        findings.extend(gateway.audit_findings(opts.settings))
    return findings


def render_table(findings: list[Finding]) -> str:
    marks = {
        "pass": "PASS",
        "warn": "WARN",
        "fail": "FAIL",
        "skip": "skip",
        "error": "ERROR",
        "info": "info",
    }
    width = max(len(f.check) for f in findings)
    lines = []
    for f in findings:
        lines.append(f"{marks[f.status]:5}  {f.check:{width}}  {f.observed}")
        lines.append(f"{'':5}  {'':{width}}  -> {f.meaning}")
        if f.source:
            lines.append(f"{'':5}  {'':{width}}     source: {f.source}")
    counts = {s: sum(f.status == s for f in findings) for s in marks}
    lines.append("")
    lines.append(
        "verdict: "
        + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        + ("" if not (counts["fail"] or counts["error"]) else "  (exit 1)")
    )
    return "\n".join(lines)
