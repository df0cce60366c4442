"""The gateway steps: pseudonymize the request's content; restore the answer."""

from __future__ import annotations

import logging
from typing import ClassVar

from zdr.config import WORKER_THREAD_ABOVE_BYTES
from zdr.detect.engine import DetectorSet
from zdr.errors import DetectionFailed
from zdr.exchange import Exchange, Step
from zdr.policy.model import Policy
from zdr.pseudonymize.offload import off_the_loop_above
from zdr.pseudonymize.request import pseudonymize_body, pseudonymize_form, pseudonymize_query
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
        self.secret = secret
        self.worker_above = worker_above
        self._namespace_keys: dict[str, bytes] = {}

    def token_key(self, namespace: str) -> bytes:
        """The key of one token namespace ("policy:<name>" or "key:<name>")."""
        key = self._namespace_keys.get(namespace)
        if key is None:
            if len(self._namespace_keys) > 10_000:
                self._namespace_keys.clear()  # many keys come and go: stay bounded
            key = self._namespace_keys[namespace] = derive_key(
                self.secret, "pseudonym-tokens\0" + namespace
            )
        return key

    def _applies(self, ex: Exchange, policy: Policy) -> bool:
        if not policy.pseudonymize or policy.mode == "observe":
            return False
        endpoint = ex.endpoint
        if endpoint is None:
            return policy.pseudonymize_unknown
        if not endpoint.content:
            return False  # listings, deletes, admin: no end-user content
        return endpoint.id != "embeddings.create" or policy.pseudonymize_embeddings

    def vault_for(self, ex: Exchange) -> Vault | None:
        """A new vault for the exchange's tokens (its policy's or key's namespace), or
        None when its policy does not pseudonymize it."""
        policy = ex.policy
        if policy is None or not self._applies(ex, policy):
            return None
        assert ex.key is not None
        namespace = f"key:{ex.key.name}" if policy.token_scope == "key" else f"policy:{policy.name}"
        return Vault(self.token_key(namespace), policy.restore_labels, policy.restore_in_links)

    async def on_request(self, ex: Exchange) -> None:
        if ex.json is None and ex.form is None and not ex.query_pairs:
            return
        vault = self.vault_for(ex)
        if vault is None:
            return
        try:
            if ex.json is not None:
                ex.json = await off_the_loop_above(
                    len(ex.body),
                    self.worker_above,
                    pseudonymize_body,
                    ex.json,
                    self.detectors,
                    vault,
                )
            elif ex.form is not None:
                pseudonymize_form(ex.form, self.detectors, vault)
            if ex.query_pairs:
                ex.query_pairs = pseudonymize_query(ex.query_pairs, self.detectors, vault)
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
