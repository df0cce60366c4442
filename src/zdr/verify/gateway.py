"""The gateway's own configuration: do its policies enforce the catalogue, does its
audit chain verify, and what retention is in force."""

from __future__ import annotations

from zdr.config import Settings
from zdr.secret import load_secret
from zdr.verify.model import Finding

README = "zdr README: Policies; Audit trail, retention and the compliance report"


def policy_findings(settings: Settings) -> list[Finding]:
    findings = []
    for name, p in sorted(settings.policies.items()):
        check = f"gateway.policy[{name}]"
        problems = []
        if p.mode == "observe":
            problems.append("mode observe forwards everything unchanged")
        unknown = p.effective_unknown
        if unknown == "forward":
            problems.append("unknown endpoints and parameters are forwarded")
        if not p.pseudonymize:
            problems.append("pseudonymization is off")
        if problems:
            findings.append(
                Finding(
                    check,
                    "warn" if p.mode != "observe" else "fail",
                    f"mode {p.mode}; " + "; ".join(problems),
                    "Keys with this policy can send requests that retain data or "
                    "carry personal data upstream.",
                    README,
                )
            )
        else:
            findings.append(
                Finding(
                    check,
                    "pass",
                    f"mode {p.mode}, unknown: refuse, pseudonymize: on",
                    "Requests are checked against the catalogue: retaining features "
                    "are rewritten or refused.",
                    README,
                )
            )
    return findings


def audit_findings(settings: Settings) -> list[Finding]:
    if not settings.audit.enabled:
        return [
            Finding(
                "gateway.audit",
                "warn",
                "audit trail disabled",
                "Nothing records what was sent, refused or rewritten.",
                README,
            )
        ]
    from zdr.serve import open_audit_store

    try:
        store = open_audit_store(settings, load_secret(settings.storage.data_dir))
        verdict = store.verify()
    except Exception as exc:  # the store's own error types differ by backend
        return [
            Finding(
                "gateway.audit",
                "error",
                f"audit store unreadable ({type(exc).__name__})",
                "The audit chain could not be checked.",
                README,
            )
        ]
    retention = Finding(
        "gateway.retention",
        "pass",
        f"audit events purged after {settings.audit.retention_days:g} days; no content kept",
        "The gateway keeps metadata and keyed hashes only, for a bounded time.",
        README,
    )
    if verdict.ok:
        chain = Finding(
            "gateway.audit",
            "pass",
            f"chain verifies ({verdict.events} events)",
            "No event was edited, deleted, inserted or reordered.",
            README,
        )
    else:
        first = verdict.problems[0]
        chain = Finding(
            "gateway.audit",
            "fail",
            f"chain broken: {len(verdict.problems)} problem(s), first at event "
            f"{first.seq} ({first.kind})",
            "The audit trail was tampered with; run `zdr audit verify`.",
            README,
        )
    return [chain, retention]
