"""The gateway step that records every exchange in the audit trail.

It comes first in the request path: it admits a request only while the trail can
record it, it reads the upstream's answer before any other step changes it (the keyed
fingerprint is of the bytes the upstream sent), and it records every exchange,
refused and failed ones included: durably before the answer's last byte leaves (a
client that got a whole answer has its event recorded, crash or not), or, for an
exchange that never sent its last byte (the client left), when it ends.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import ClassVar

from zdr.audit.event import event_from_exchange
from zdr.audit.tap import AnswerTap, fingerprint
from zdr.audit.writer import AuditWriter
from zdr.errors import AuditError
from zdr.exchange import Exchange, Step


class Audit(Step):
    name: ClassVar[str] = "audit"

    def __init__(self, writer: AuditWriter):
        self.writer = writer
        self.key = writer.store.fingerprint_key

    async def on_request(self, ex: Exchange) -> None:
        if not self.writer.accepting:
            raise AuditError(
                "The gateway cannot record this request in its audit trail right now, "
                "so it does not forward it. Retry later."
            )

    async def on_answer(self, ex: Exchange) -> None:
        answer = ex.answer
        if answer is None:
            return
        if ex.sent_body is not None:
            ex.request_hmac = fingerprint(self.key, ex.sent_body)
        tap = AnswerTap(self.key)
        # Read when the exchange ends: a stream cut short is fingerprinted as far as it went.
        ex.answer_digest = tap
        if answer.kind == "json":
            tap.json_body(answer.body)
        elif answer.chunks is not None:
            answer.chunks = _tapped(answer.chunks, tap)

    async def on_last_byte(self, ex: Exchange) -> None:
        ex.recorded = True
        await self.writer.durable(event_from_exchange(ex, time.perf_counter() - ex.started))

    def on_finish(self, ex: Exchange) -> None:
        if not ex.recorded:
            self.writer.submit(event_from_exchange(ex, time.perf_counter() - ex.started))


async def _tapped(chunks: AsyncIterator[bytes], tap: AnswerTap) -> AsyncIterator[bytes]:
    """Fingerprint the upstream's bytes on their way through."""
    async for chunk in chunks:
        tap.stream_chunk(chunk)
        yield chunk
