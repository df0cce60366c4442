"""One audit event per request: metadata, decisions, counts and keyed hashes; no content.

Every field is either chosen by the operator (key and policy names), bounded by the
catalogue (endpoint, route), a number, or a keyed hash. The model name is the one
free-form string a client sends that is recorded: only when it looks like a model
name (letters, digits and ._:/-, at most 100), so nothing else a client puts there
reaches the store.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from zdr.exchange import Exchange

EVENT_VERSION = 1
_MODEL_NAME = re.compile(r"[A-Za-z0-9._:/-]{1,100}")


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _model_name(model: object) -> str | None:
    if not isinstance(model, str):
        return None
    return model if _MODEL_NAME.fullmatch(model) else "(not a model name)"


def canonical_json(event: dict[str, Any]) -> str:
    """The exact text stored and hashed: sorted keys, no spaces."""
    return orjson.dumps(event, option=orjson.OPT_SORT_KEYS).decode()


def event_from_exchange(ex: Exchange, elapsed: float) -> dict[str, Any]:
    endpoint = ex.endpoint
    digest = ex.answer_digest
    event: dict[str, Any] = {
        "v": EVENT_VERSION,
        "ts": utc_now_iso(),
        "request_id": ex.request_id,
        "key": ex.key.name if ex.key is not None else None,
        "policy": ex.policy_name or None,
        "method": ex.method,
        "endpoint": endpoint.id if endpoint is not None else None,
        "route": ex.route_label,
        "model": _model_name(ex.model),
        "stream": ex.stream,
        "decision": ex.decision,
        "rewrites": list(ex.rewrites),
        "rule": ex.refusal_rule,
        "pseudonymized": dict(ex.pseudonymized),
        "status": ex.status,
        "upstream": ex.upstream_name,
        "upstream_status": ex.upstream_status,
        "error": ex.error_code,
        "latency_ms": round(elapsed * 1000, 3),
        "request_hmac": ex.request_hmac,
        "response_hmac": digest.hexdigest() if digest is not None else None,
        "usage": digest.usage if digest is not None else None,
    }
    if ex.would:
        event["would"] = ex.would  # e.g. "refuse:feature.store", never content
    if ex.session is not None:
        event["session"] = dict(ex.session)  # a WebSocket session's counts
    return event
