"""One audit event per request: metadata, decisions, counts and keyed hashes; no content.

Every field is either chosen by the operator (key and policy names), bounded by the
catalogue (endpoint, route), a number, or a keyed hash. The model name is the one
free-form string a client sends that is recorded; it is cut to a bounded length.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from zdr.gateway.pipeline import Exchange

EVENT_VERSION = 1
_MAX_MODEL_CHARS = 100


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def canonical_json(event: dict[str, Any]) -> str:
    """The exact text stored and hashed: sorted keys, no spaces."""
    return orjson.dumps(event, option=orjson.OPT_SORT_KEYS).decode()


def event_from_exchange(ex: Exchange, elapsed: float) -> dict[str, Any]:
    endpoint = ex.endpoint
    event: dict[str, Any] = {
        "v": EVENT_VERSION,
        "ts": utc_now_iso(),
        "request_id": ex.request_id,
        "key": ex.key.name if ex.key is not None else None,
        "policy": ex.policy_name or None,
        "method": ex.method,
        "endpoint": endpoint.id if endpoint is not None else None,
        "route": ex.route_label,
        "model": ex.model[:_MAX_MODEL_CHARS] if isinstance(ex.model, str) else None,
        "stream": ex.stream,
        "decision": ex.decision,
        "rewrites": list(ex.rewrites),
        "rule": ex.refusal_rule,
        "pseudonymized": dict(ex.pseudonymized),
        "status": ex.status,
        "upstream": ex.upstream.name if ex.upstream is not None else None,
        "upstream_status": ex.upstream_status,
        "error": ex.error_code,
        "latency_ms": round(elapsed * 1000, 3),
        "request_hmac": ex.extra.get("request_hmac"),
        "response_hmac": ex.extra.get("response_hmac"),
        "usage": ex.extra.get("usage"),
    }
    would = ex.extra.get("would")
    if would:
        event["would"] = str(would)  # e.g. "refuse:feature.store", never content
    return event


def event_time(event: dict[str, Any]) -> float:
    ts = event.get("ts")
    if isinstance(ts, str):
        return datetime.fromisoformat(ts).timestamp()
    return time.time()
