"""``zdr audit export``: the stored events as JSON lines or CSV, and the ``--since``
argument shared with ``zdr report``."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

import orjson

from zdr.errors import ConfigError

CSV_COLUMNS = [
    "seq",
    "ts",
    "request_id",
    "key",
    "policy",
    "method",
    "endpoint",
    "route",
    "model",
    "stream",
    "decision",
    "rewrites",
    "rule",
    "would",
    "pseudonymized",
    "status",
    "upstream",
    "upstream_status",
    "error",
    "latency_ms",
    "usage",
    "request_hmac",
    "response_hmac",
]

_RELATIVE = re.compile(r"^(\d+)([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str | None, now: datetime | None = None) -> datetime | None:
    """``7d``, ``24h``, ``30m``, ``2w``, or an ISO date/time (UTC when no zone is given)."""
    if value is None:
        return None
    now = now or datetime.now(UTC)
    match = _RELATIVE.match(value.strip())
    if match:
        return now - timedelta(**{_UNITS[match[2]]: int(match[1])})
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(
            f"--since {value!r}: expected a duration like 7d, 24h, 30m, 2w or an ISO date"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def write_jsonl(events: Iterable[dict[str, Any]], out: TextIO) -> int:
    n = 0
    for event in events:
        out.write(orjson.dumps(event, option=orjson.OPT_SORT_KEYS).decode() + "\n")
        n += 1
    return n


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a spreadsheet would run it as a formula
    return value


def write_csv(events: Iterable[dict[str, Any]], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    n = 0
    for event in events:
        writer.writerow([_cell(event.get(c)) for c in CSV_COLUMNS])
        n += 1
    return n
