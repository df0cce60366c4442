"""The gateway steps: pseudonymize the request's content; restore the answer."""

from __future__ import annotations

import logging
from typing import ClassVar

from zdr.config import WORKER_THREAD_ABOVE_BYTES
from zdr.detect.engine import DetectorSet
from zdr.errors import DetectionFailed
from zdr.exchange import Exchange, Step
from zdr.pseudonymize.offload import off_the_loop_above
from zdr.pseudonymize.request import FIELDS, pseudonymize_body, pseudonymize_form
from zdr.pseudonymize.restore import RestoreFilter
from zdr.pseudonymize.tokens import Vault
from zdr.secret import derive_key

log = logging.getLogger("zdr.pseudonymize")


class Pseudonymize(Step):
    name: ClassVar[str] = "pseudonymize"

    def __init__(
        self, detectors: DetectorSet, secret: bytes, worker_above: int = WORKER_THREAD_ABOVE_BYTES
    ):
        self.detectors = detectors
        self.token_key = derive_key(secret, "pseudonym-tokens")
        self.worker_above = worker_above

    async def on_request(self, ex: Exchange) -> None:
        policy = ex.policy
        if policy is None or not policy.pseudonymize or policy.mode == "observe":
            return
        if ex.json is None and ex.form is None:
            return
        endpoint_id = ex.endpoint.id if ex.endpoint is not None else None
        if endpoint_id == "embeddings.create" and not policy.pseudonymize_embeddings:
            return
        if endpoint_id not in FIELDS and not policy.pseudonymize_unknown:
            return
        vault = Vault(self.token_key)
        try:
            if ex.json is not None:
                ex.json = await off_the_loop_above(
                    len(ex.body),
                    self.worker_above,
                    pseudonymize_body,
                    endpoint_id,
                    ex.json,
                    self.detectors,
                    vault,
                    policy.pseudonymize_unknown,
                )
            elif ex.form is not None:
                pseudonymize_form(ex.form, self.detectors, vault)
        except Exception as exc:
            # Fail closed: nothing goes out unexamined. The error names no content.
            log.error(
                "detection failed",
                extra={"request_id": ex.request_id, "error": type(exc).__name__},
            )
            raise DetectionFailed(
                "The gateway could not check this request for personal data, so it did "
                "not forward it."
            ) from None
        if vault:
            ex.pseudonymized = dict(vault.counts)
            ex.restorer = RestoreFilter(vault, self.worker_above)


class Restore(Step):
    """Put the pseudonymized values back into the answer (JSON and event streams)."""

    name: ClassVar[str] = "restore"

    async def on_answer(self, ex: Exchange) -> None:
        answer = ex.answer
        if ex.restorer is None or answer is None:
            return
        if answer.kind == "json":
            answer.body = await ex.restorer.on_json(answer.body)
        elif answer.kind == "sse" and answer.chunks is not None:
            answer.chunks = ex.restorer.on_stream(answer.chunks)
