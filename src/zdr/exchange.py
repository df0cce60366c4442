"""One request, one direction: the ``Exchange``, its ``Answer``, and the ``Step`` base.

The gateway runs an ordered list of steps (written once, in
``zdr.gateway.app.default_steps``). Every step may act at three moments:

* ``on_request``: in list order, before anything leaves. A step reads and edits the
  exchange, or refuses by raising a ``ZdrError`` (the app renders it once, as OpenAI's
  error JSON). The ``Forward`` step sends the canonical request and sets ``answer``.
* ``on_answer``: in list order, once the upstream's answer has arrived (the whole body
  for JSON, the head for streams). A step may replace ``answer.body`` or wrap
  ``answer.chunks``; a later step sees what an earlier one made.
* ``on_last_byte``: in list order, just before the last byte of the answer leaves
  (a refusal's or an error's included), once per exchange. What it awaits holds the
  answer's end (the audit makes the exchange's event durable here).
* ``on_finish``: in list order, after the exchange ended, however it ended (refused,
  failed, cut short, the client gone, served). It must not raise.

A step never calls the next one, and keeps per-request state on the exchange or in
locals, never on ``self``. This module imports nothing of the gateway, so the policy,
pseudonymization and audit packages depend on it and not on each other.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol
from urllib.parse import quote, urlencode

from zdr.asgi import RawHeaders, Receive
from zdr.errors import PolicyRefusal, UpstreamError, ZdrError

if TYPE_CHECKING:
    from zdr.catalogue.model import Endpoint
    from zdr.form import Form
    from zdr.keys.model import VirtualKey
    from zdr.policy.model import Policy

AnswerKind = Literal["json", "sse", "binary"]


@dataclass(slots=True, eq=False)
class Answer:
    """The upstream's answer as the gateway relays it: allow-listed headers, bounded body.

    ``json``: ``body`` holds the whole answer. ``sse``: ``chunks`` yields complete
    events (one or more at a time, as they arrived), framed with LF line endings.
    ``binary``: ``chunks`` yields the bytes as they arrive.
    """

    status: int
    headers: RawHeaders
    kind: AnswerKind
    body: bytes = b""
    chunks: AsyncIterator[bytes] | None = None
    # Drops the upstream connection at once (the client left).
    abort: Callable[[], None] = field(default=lambda: None)


class AnswerFilter(Protocol):
    """Transforms an answer on its way back (restoring pseudonyms)."""

    async def on_json(self, body: bytes) -> bytes: ...

    def on_stream(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]: ...


class AnswerDigest(Protocol):
    """Reads an answer in passing (the audit's keyed fingerprint and usage counters)."""

    usage: dict[str, int] | None

    def hexdigest(self) -> str: ...


def encode_query(pairs: list[tuple[str, str]]) -> str:
    """The canonical encoding of query pairs (what the upstream receives)."""
    return urlencode(pairs, quote_via=quote, safe="-._~") if pairs else ""


@dataclass(slots=True, eq=False)
class Exchange:
    request_id: str
    method: str
    # The request target as the client sent it (never logged, never forwarded).
    raw_path: bytes
    raw_query: bytes
    headers: RawHeaders
    started: float
    receive: Receive
    client_addr: str = ""
    # The canonical path: percent-decoded segments, checked (no empty, ".", "..",
    # encoded "/", "?", "#" or control characters), joined with "/". Routing matches
    # it; the upstream receives its re-encoding and nothing else.
    path: str = ""
    # The canonical query: the (name, value) pairs read from ``raw_query`` once; the
    # upstream receives their encoding (``query``) and nothing else.
    query_pairs: list[tuple[str, str]] = field(default_factory=list)
    # The request body as received (decoded when it came compressed).
    body: bytes = b""
    media: Literal["none", "json", "multipart"] = "none"
    # The inspected body: the parsed JSON object, or the multipart form. What is
    # forwarded is always the serialization of this object, never ``body``.
    json: dict[str, Any] | None = None
    form: Form | None = None
    key: VirtualKey | None = None
    policy_name: str = ""
    policy: Policy | None = None
    endpoint: Endpoint | None = None
    upstream_name: str | None = None
    provider: str = "openai"
    # Content-free descriptions of what the gateway changed, e.g. "store=false".
    rewrites: list[str] = field(default_factory=list)
    decision: str = "allow"
    refusal_rule: str | None = None
    # Observe mode: what enforce would have done, e.g. "refuse:feature.store".
    would: str | None = None
    # Counts of pseudonymized values by label (never the values).
    pseudonymized: dict[str, int] = field(default_factory=dict)
    # Puts pseudonymized values back into the answer (set by the pseudonymize step).
    restorer: AnswerFilter | None = None
    model: str | None = None
    stream: bool = False
    # The exact bytes sent upstream (the serialization of the inspected body).
    sent_body: bytes | None = None
    answer: Answer | None = None
    upstream_status: int | None = None
    status: int = 0
    error_code: str | None = None
    # Keyed fingerprints and usage, for the audit event (no content).
    request_hmac: str | None = None
    answer_digest: AnswerDigest | None = None
    # True once the exchange's audit event is durable (before its answer's last byte).
    recorded: bool = False
    # A WebSocket session's counts (events each way, audio frames, refused events...).
    session: dict[str, int] | None = None

    @property
    def query(self) -> str:
        """The canonical query string ("" for none)."""
        return encode_query(self.query_pairs)

    def header(self, name: bytes) -> bytes | None:
        for k, v in self.headers:
            if k == name:
                return v
        return None

    def record_error(self, err: ZdrError) -> None:
        """The exchange ended with ``err`` (rendered to the client by the caller)."""
        self.status = err.status
        self.error_code = err.instance_code or err.code
        if isinstance(err, PolicyRefusal):
            self.decision = "refuse"
            self.refusal_rule = err.rule
        if isinstance(err, UpstreamError):
            self.upstream_status = self.upstream_status or 0

    @property
    def route_label(self) -> str:
        """Bounded-cardinality name for metrics and logs: the catalogue path pattern."""
        return self.endpoint.path if self.endpoint is not None else "unmatched"


class Step:
    """A stage of the request path; override the moments it acts at (see the module)."""

    name: ClassVar[str] = "step"

    async def on_request(self, ex: Exchange) -> None:
        return None

    async def on_answer(self, ex: Exchange) -> None:
        return None

    async def on_last_byte(self, ex: Exchange) -> None:
        return None

    def on_finish(self, ex: Exchange) -> None:
        return None

    def acts_on(self, moment: str) -> bool:
        """True when this step overrides ``moment`` (the app skips the others)."""
        return getattr(type(self), moment) is not getattr(Step, moment)
