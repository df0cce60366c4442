"""One request, one direction: the ``Exchange`` and the ``Step`` protocol.

Each step reads and writes the exchange; it refuses by raising a ``ZdrError``, which
the app renders once. A step never calls the next one and keeps no per-request state
on ``self``. The order is written once, in ``default_steps()``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from zdr.gateway.types import RawHeaders, Receive

if TYPE_CHECKING:
    from zdr.catalogue.model import Endpoint
    from zdr.gateway.upstream import Upstream
    from zdr.keys.model import VirtualKey
    from zdr.policy.model import Policy


@dataclass(slots=True, eq=False)
class Exchange:
    request_id: str
    method: str
    path: str
    query: str
    headers: RawHeaders
    started: float
    receive: Receive
    body: bytes = b""
    content_type: str = ""
    # The parsed JSON body, when the request has one; steps edit it in place and set
    # ``body_dirty`` so it is serialised again before forwarding.
    json: dict[str, Any] | None = None
    body_dirty: bool = False
    key: VirtualKey | None = None
    policy_name: str = ""
    policy: Policy | None = None
    endpoint: Endpoint | None = None
    upstream: Upstream | None = None
    # Content-free descriptions of what the gateway changed, e.g. "store=false".
    rewrites: list[str] = field(default_factory=list)
    decision: str = "allow"
    refusal_rule: str | None = None
    # Counts of pseudonymized values by label (never the values).
    pseudonymized: dict[str, int] = field(default_factory=dict)
    model: str | None = None
    stream: bool = False
    upstream_status: int | None = None
    status: int = 0
    error_code: str | None = None
    # Per-request response filters added by steps (e.g. restoring tokens).
    filters: list[ResponseFilter] = field(default_factory=list)
    # Free slots for steps that need to pass values downstream (e.g. usage).
    extra: dict[str, Any] = field(default_factory=dict)

    def header(self, name: bytes) -> bytes | None:
        for k, v in self.headers:
            if k == name:
                return v
        return None

    @property
    def route_label(self) -> str:
        """Bounded-cardinality name for metrics and logs: the catalogue path pattern."""
        return self.endpoint.path if self.endpoint is not None else "unmatched"


class Step(Protocol):
    name: ClassVar[str]

    async def on_request(self, ex: Exchange) -> None: ...


class ResponseFilter(Protocol):
    """Transforms an upstream answer on its way back to the client."""

    async def on_json(self, body: bytes) -> bytes: ...

    def on_stream(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]: ...
