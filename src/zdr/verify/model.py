"""A verification finding and the verdict they add up to."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

# info: a fact to act on that no check could decide (what only a contract shows).
Status = Literal["pass", "warn", "fail", "skip", "error", "info"]

YOUR_DATA = "https://developers.openai.com/api/docs/guides/your-data"
ADMIN_API = (
    "openai (Python SDK) resources/admin/organization/data_retention.py and "
    "projects/data_retention.py"
)
PROMPT_CACHING = "https://developers.openai.com/api/docs/guides/prompt-caching"


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    status: Status
    observed: str
    meaning: str
    source: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def exit_code(findings: list[Finding]) -> int:
    """0: nothing failed; 1: something retains data or could not be checked."""
    return 1 if any(f.status in ("fail", "error") for f in findings) else 0
