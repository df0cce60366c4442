"""What the fake upstream emulates for `zdr verify`: an OpenAI organization's data
retention setting, its projects' settings, which keys are admin keys, and whether
the account keeps what it is asked to store.

Shapes follow the installed SDK's types (`openai.types.admin.organization`):
`organization.data_retention` with `type` in zero_data_retention |
modified_abuse_monitoring | enhanced_zero_data_retention |
enhanced_modified_abuse_monitoring, and per project `project.data_retention` with
organization_default | none as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ZDR_TYPES = frozenset({"zero_data_retention", "enhanced_zero_data_retention"})


@dataclass
class FakeAccount:
    # None: the organization has no data-retention control (default retention).
    org_retention: str | None = None
    projects: dict[str, str] = field(default_factory=dict)  # project id -> type
    # API key -> project id; admin keys read settings but cannot run models.
    keys: dict[str, str] = field(default_factory=dict)
    admin_keys: frozenset[str] = frozenset()
    # Admin keys present but without the organization-owner rights the reads need.
    admin_forbidden: bool = False
    default_prompt_cache_retention: str = "in_memory"

    def project_of(self, key: str | None) -> str | None:
        return self.keys.get(key or "")

    def effective(self, project: str | None) -> str | None:
        """The retention type in force for a project's requests."""
        own = self.projects.get(project or "", "organization_default")
        if own == "organization_default":
            return self.org_retention
        return None if own == "none" else own

    def keeps_stored_objects(self, key: str | None) -> bool:
        """Under zero data retention `store: true` is ignored: nothing is kept."""
        return self.effective(self.project_of(key)) not in ZDR_TYPES

    def admin_response(self, method: str, path: str, key: str | None) -> tuple[int, Any] | None:
        """The answer to an admin API call, or None if the path is not one."""
        if not path.startswith("/v1/organization/"):
            return None
        if key not in self.admin_keys:
            return 401, _error(
                "This endpoint requires an admin API key.",
                "invalid_request_error",
                "invalid_api_key",
            )
        if self.admin_forbidden:
            return 403, _error(
                "You have insufficient permissions for this operation.",
                "invalid_request_error",
                "insufficient_permissions",
            )
        if method != "GET":
            return 405, _error("Read-only fake.", "invalid_request_error", "method_not_allowed")
        if path == "/v1/organization/data_retention":
            if self.org_retention is None:
                return 404, _error(
                    "No data retention control is configured for this organization.",
                    "invalid_request_error",
                    "not_found",
                )
            return 200, {"object": "organization.data_retention", "type": self.org_retention}
        if path == "/v1/organization/projects":
            data = [
                {"id": pid, "object": "organization.project", "name": pid, "status": "active"}
                for pid in self.projects
            ]
            return 200, {"object": "list", "data": data, "has_more": False}
        parts = path.split("/")
        if len(parts) == 6 and parts[3] == "projects" and parts[5] == "data_retention":
            if parts[4] not in self.projects:
                return 404, _error("No such project.", "invalid_request_error", "not_found")
            return 200, {"object": "project.data_retention", "type": self.projects[parts[4]]}
        return 404, _error("Unknown admin route.", "invalid_request_error", "unknown_url")


def _error(message: str, kind: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
