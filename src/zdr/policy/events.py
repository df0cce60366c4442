"""The policy of a WebSocket session's events: each client event is a request body.

A client event is decided exactly as an HTTP body is (``decide``), on the catalogue's
WEBSOCKET row for the connection: the event is read against the SDK's declaration of
the client events of that connection (``WEBSOCKET /v1/realtime`` in the shapes: an
unknown event type is refused, so is a look-alike literal), its tools are classified
wherever they sit (``session.tools``, ``response.tools``, a Responses ``tools``), and the
row's features apply: ``session.tracing``, ``session.prompt``, ``response.prompt`` for
the Realtime API; every Responses row for the Responses WebSocket mode, where ``store``
is rewritten to false and ``previous_response_id`` is allowed because the source says
it resolves from the connection's memory. A refusal is returned, not raised: the
session answers it with the protocol's own ``error`` event and goes on.

Server events that report the session's settings (``session.created``,
``session.updated``) are held to the same rows: a session the upstream runs with
tracing or a stored prompt (set by a client secret or a default the gateway never saw)
is ended.
"""

from __future__ import annotations

from typing import Any

from zdr.catalogue.load import Catalogue
from zdr.catalogue.params import known_params
from zdr.errors import FeatureNotAllowed, PolicyRefusal
from zdr.exchange import Exchange
from zdr.policy.decide import Request, decide, matches
from zdr.policy.step import refusal_error, rewrite_json

# Server events that carry the session as the upstream holds it.
_SESSION_REPORTS = frozenset({"session.created", "session.updated"})


class EventPolicy:
    def __init__(self, catalogue: Catalogue, secret: bytes):
        self.catalogue = catalogue
        self.secret = secret
        self.known = known_params()

    def client_event(self, ex: Exchange, event: dict[str, Any]) -> PolicyRefusal | None:
        """Decide one client event; rewrite it in place (``store: false``, hashed user
        ids) or return the refusal. Observe mode records what it would have done."""
        policy = ex.policy
        assert policy is not None
        model = event.get("model")
        request = Request(
            "WEBSOCKET",
            ex.path,
            ex.endpoint,
            event,
            model if isinstance(model, str) else ex.model,
        )
        decision = decide(request, policy, self.catalogue, self.known)
        if policy.mode == "observe":
            if decision.refusal is not None and ex.would is None:
                ex.would = f"refuse:{decision.refusal.rule}"
            return None
        if decision.refusal is not None:
            return refusal_error(decision.refusal)
        declared = self._declared(ex.path, event)
        for rw in decision.rewrites:
            top = rw.param.split(".", 1)[0]
            if top not in event and top not in declared:
                continue  # a setting this type of event does not carry (a steer's store)
            rewrite_json(event, rw, self.secret)
            if rw.label not in ex.rewrites:
                ex.rewrites.append(rw.label)
            if ex.decision == "allow":
                ex.decision = "rewrite"
        return None

    def _declared(self, path: str, event: dict[str, Any]) -> frozenset[str]:
        key = self.catalogue.shapes.key_for("WEBSOCKET", path)
        kind = event.get("type")
        if key is None or not isinstance(kind, str):
            return frozenset()
        return self.catalogue.shapes.event_params(key, kind)

    def server_event(self, ex: Exchange, event: dict[str, Any]) -> PolicyRefusal | None:
        """A refusal when the upstream reports a session setting the catalogue refuses."""
        policy, ep = ex.policy, ex.endpoint
        if policy is None or ep is None or policy.mode == "observe":
            return None
        if event.get("type") not in _SESSION_REPORTS or not isinstance(event.get("session"), dict):
            return None
        reported = {"session": event["session"]}
        for f in self.catalogue.features_of(ep):
            if not f.param.startswith("session.") or f.action not in ("refuse", "unknown"):
                continue
            if f.action == "unknown" and policy.unknown != "refuse":
                continue
            if matches(f, reported):
                return FeatureNotAllowed(
                    f"zdr policy '{policy.name}' ended this session: the upstream reports "
                    f"`{f.param}` set, and with it the provider keeps {f.retains} "
                    f"({f.retention}). Eligible for zero data retention: {f.zdr}. "
                    f"[rule feature.{f.id}]",
                    rule=f"feature.{f.id}",
                    param=f.param,
                )
        return None
