"""Declared settings: the organization's and projects' data retention controls, read
with an admin key from OpenAI's admin API."""

from __future__ import annotations

from zdr.verify.client import ApiClient, Unreachable, error_code
from zdr.verify.model import ADMIN_API, YOUR_DATA, Finding, Status

MEANING: dict[str, tuple[Status, str]] = {
    "zero_data_retention": (
        "pass",
        "Zero data retention: eligible endpoints keep no inputs or outputs, not even "
        "abuse-monitoring logs; `store` is ignored.",
    ),
    "enhanced_zero_data_retention": (
        "pass",
        "Enhanced zero data retention: as zero data retention, with the stricter "
        "enhanced controls.",
    ),
    "modified_abuse_monitoring": (
        "warn",
        "Modified abuse monitoring: content is not kept for abuse review, but "
        "application state (stored responses, files...) is still kept as usual.",
    ),
    "enhanced_modified_abuse_monitoring": (
        "warn",
        "Enhanced modified abuse monitoring: no abuse-review copies; application state "
        "is still kept.",
    ),
}
DEFAULT_MEANING = (
    "Default retention: inputs and outputs are kept up to 30 days for abuse monitoring, "
    "stored objects until deleted. Request zero data retention from OpenAI (sales or "
    "your account team) and check again."
)


def _meaning(kind: str) -> tuple[Status, str]:
    return MEANING.get(kind, ("fail", f"Unknown retention type {kind!r}."))


async def organization(admin: ApiClient) -> tuple[Finding, str | None]:
    """The organization's setting, and its type (None when there is none)."""
    try:
        status, body = await admin.call("GET", "/organization/data_retention")
    except Unreachable as exc:
        return Finding(
            "declared.organization",
            "error",
            f"unreachable ({exc})",
            "The admin API could not be reached.",
            ADMIN_API,
        ), None
    if status in (401, 403):
        return (
            Finding(
                "declared.organization",
                "error",
                f"HTTP {status} {error_code(body)}",
                "The admin key was refused or lacks the rights to read data retention "
                "settings (an organization owner's admin key is needed).",
                ADMIN_API,
            ),
            None,
        )
    if status == 404:
        return (
            Finding(
                "declared.organization",
                "fail",
                "no data retention control configured",
                DEFAULT_MEANING,
                YOUR_DATA,
            ),
            None,
        )
    kind = body.get("type") if status == 200 and isinstance(body, dict) else None
    if not isinstance(kind, str):
        return Finding(
            "declared.organization",
            "error",
            f"HTTP {status} {error_code(body)}",
            "Unexpected answer from the admin API.",
            ADMIN_API,
        ), None
    verdict, meaning = _meaning(kind)
    return Finding("declared.organization", verdict, kind, meaning, ADMIN_API), kind


async def projects(admin: ApiClient, only: str | None, org_kind: str | None) -> list[Finding]:
    """Each project's setting; a project may override its organization."""
    ids: list[str]
    if only:
        ids = [only]
    else:
        try:
            status, body = await admin.call("GET", "/organization/projects?limit=100")
        except Unreachable as exc:
            return [
                Finding(
                    "declared.projects",
                    "error",
                    f"unreachable ({exc})",
                    "The admin API could not be reached.",
                    ADMIN_API,
                )
            ]
        if status != 200 or not isinstance(body, dict):
            return [
                Finding(
                    "declared.projects",
                    "error",
                    f"HTTP {status} {error_code(body)}",
                    "Projects could not be listed with this admin key.",
                    ADMIN_API,
                )
            ]
        ids = [p["id"] for p in body.get("data", []) if isinstance(p, dict) and "id" in p]
    findings = []
    for pid in ids:
        check = f"declared.project[{pid}]"
        try:
            status, body = await admin.call("GET", f"/organization/projects/{pid}/data_retention")
        except Unreachable as exc:
            findings.append(
                Finding(
                    check,
                    "error",
                    f"unreachable ({exc})",
                    "The admin API could not be reached.",
                    ADMIN_API,
                )
            )
            continue
        kind = body.get("type") if status == 200 and isinstance(body, dict) else None
        if not isinstance(kind, str):
            findings.append(
                Finding(
                    check,
                    "error",
                    f"HTTP {status} {error_code(body)}",
                    "The project's setting could not be read.",
                    ADMIN_API,
                )
            )
            continue
        if kind == "organization_default":
            if org_kind is None:
                findings.append(
                    Finding(
                        check,
                        "fail",
                        "organization_default (no org control)",
                        DEFAULT_MEANING,
                        YOUR_DATA,
                    )
                )
            else:
                verdict, meaning = _meaning(org_kind)
                findings.append(
                    Finding(
                        check,
                        verdict,
                        f"organization_default ({org_kind})",
                        "Inherits the organization: " + meaning,
                        ADMIN_API,
                    )
                )
        elif kind == "none":
            findings.append(
                Finding(
                    check,
                    "fail",
                    "none (overrides the organization)",
                    "This project opted out of the organization's retention control: its "
                    "requests have default retention. " + DEFAULT_MEANING,
                    ADMIN_API,
                )
            )
        else:
            verdict, meaning = _meaning(kind)
            findings.append(Finding(check, verdict, kind, meaning, ADMIN_API))
    return findings
