"""The gateway's audit events, end to end with the openai SDK and the fake upstream."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openai
import psycopg
import pytest

from tests.conftest import GatewayFactory, RunningGateway
from zdr.audit.store import AuditStore
from zdr.audit.tap import fingerprint
from zdr.db import open_database
from zdr.fake.openai import FakeOpenAI
from zdr.secret import load_secret

PII = "Jane Roe, jane.roe@example.com, card 4111 1111 1111 1111"


def audit_store(gw: RunningGateway) -> AuditStore:
    s = gw.settings
    db = open_database(s.audit.database_url or s.storage.database_url, s.storage.sqlite_path())
    return AuditStore(db, load_secret(s.storage.data_dir))


def wait_for(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def events_of(gw: RunningGateway, n: int) -> list[dict[str, Any]]:
    store = audit_store(gw)
    wait_for(lambda: store.count() >= n)
    return list(store.events())


def test_events_record_decisions_and_fingerprints(
    gateway: RunningGateway, fake: FakeOpenAI
) -> None:
    client = gateway.client()
    client.chat.completions.create(
        model="gpt-4.1-mini", messages=[{"role": "user", "content": PII}], store=True
    )
    sent = fake.requests[-1].body
    stream = client.chat.completions.create(
        model="gpt-4.1-mini",
        messages=[{"role": "user", "content": PII}],
        stream=True,
        stream_options={"include_usage": True},
    )
    assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    with pytest.raises(openai.PermissionDeniedError):
        client.files.create(file=("a.txt", PII.encode()), purpose="assistants")
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(
            model="gpt-4.1-mini",
            messages=[{"role": "user", "content": PII}],
            extra_headers={"x-fake-fault": "status:500"},
        )

    first, streamed, refused, failed = events_of(gateway, 4)
    store = audit_store(gateway)
    assert store.verify().ok

    assert first["key"] == "app" and first["policy"] == "default"
    assert first["endpoint"] == "chat.completions.create"
    assert first["route"] == "/v1/chat/completions"
    assert first["decision"] == "rewrite" and "store=false" in first["rewrites"]
    assert first["status"] == 200 and first["upstream_status"] == 200
    assert first["usage"]["total_tokens"] > 0
    # The keyed hash proves which bytes went upstream, without keeping them.
    assert first["request_hmac"] == fingerprint(store.fingerprint_key, sent)
    assert first["response_hmac"] and len(first["response_hmac"]) == 64

    assert streamed["stream"] is True and streamed["usage"]["total_tokens"] > 0
    assert streamed["response_hmac"] != first["response_hmac"]

    assert refused["decision"] == "refuse" and refused["rule"] == "endpoint.retains"
    assert refused["status"] == 403 and refused["request_hmac"] is None

    assert failed["status"] == 500 and failed["upstream_status"] == 500

    for e in (first, streamed, refused, failed):
        # The whole card number, as written and without spaces: "4111" alone also
        # turns up in a random request id now and then.
        text = str(e)
        assert "jane" not in text.lower()
        assert "4111 1111 1111 1111" not in text and "4111111111111111" not in text


def test_graceful_shutdown_writes_pending_events(gateway_factory: GatewayFactory) -> None:
    # A flush interval longer than the test: only the shutdown flush can write them.
    gw = gateway_factory({"audit": {"flush_interval_seconds": 60}})
    client = gw.client()
    for _ in range(25):
        client.chat.completions.create(
            model="gpt-4.1-mini", messages=[{"role": "user", "content": "hi"}]
        )
    assert audit_store(gw).count() == 0
    gw.server.stop()
    assert audit_store(gw).count() == 25
    assert audit_store(gw).verify().ok


def _rename(pg_url: str, old: str, new: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute(f"ALTER TABLE {old} RENAME TO {new}")


def _chat(gw: RunningGateway) -> int:
    try:
        gw.client().chat.completions.create(
            model="gpt-4.1-mini", messages=[{"role": "user", "content": "hi"}]
        )
    except openai.APIStatusError as err:
        assert err.status_code == 503
        assert err.code == "zdr_audit_unavailable"
        return 503
    return 200


def test_store_outage_refuses_traffic_and_loses_nothing(
    gateway_factory: GatewayFactory, pg_url: str
) -> None:
    gw = gateway_factory(
        {"storage": {"database_url": pg_url}, "audit": {"flush_interval_seconds": 0.02}}
    )
    assert _chat(gw) == 200
    wait_for(lambda: audit_store(gw).count() == 1)
    _rename(pg_url, "zdr_audit_events", "zdr_audit_events_away")  # the store breaks
    assert _chat(gw) == 200  # its event is pending; the flush fails
    wait_for(lambda: _chat(gw) == 503)
    _rename(pg_url, "zdr_audit_events_away", "zdr_audit_events")
    wait_for(lambda: _chat(gw) == 200)
    gw.server.stop()
    store = audit_store(gw)
    # Every served request was recorded; refused-for-audit requests are recorded too.
    events = list(store.events())
    served = [e for e in events if e["status"] == 200]
    assert len(served) >= 3
    assert any(e["error"] == "zdr_audit_unavailable" for e in events)
    assert store.verify().ok


def test_store_outage_buffers_up_to_the_bound(gateway_factory: GatewayFactory, pg_url: str) -> None:
    gw = gateway_factory(
        {
            "storage": {"database_url": pg_url},
            "audit": {
                "flush_interval_seconds": 0.02,
                "on_store_failure": "buffer",
                "buffer_max_events": 5,
            },
        }
    )
    assert _chat(gw) == 200
    wait_for(lambda: audit_store(gw).count() == 1)
    _rename(pg_url, "zdr_audit_events", "zdr_audit_events_away")
    codes = [_chat(gw) for _ in range(8)]
    assert codes[:5] == [200] * 5 and set(codes[5:]) == {503}
    _rename(pg_url, "zdr_audit_events_away", "zdr_audit_events")
    wait_for(lambda: _chat(gw) == 200)
    gw.server.stop()
    events = list(audit_store(gw).events())
    assert sum(e["status"] == 200 for e in events) == 7
    assert audit_store(gw).verify().ok


def test_only_model_names_reach_the_audit(gateway: RunningGateway) -> None:
    gateway.client().chat.completions.create(
        model="jane.roe@example.com", messages=[{"role": "user", "content": "hi"}]
    )
    (event,) = events_of(gateway, 1)
    assert event["model"] == "(not a model name)"


def test_a_client_that_leaves_cancels_the_upstream_call_and_is_recorded_as_499(
    gateway: RunningGateway,
) -> None:
    client = gateway.client(timeout=0.5)
    with pytest.raises(openai.APITimeoutError):
        client.chat.completions.create(
            model="gpt-4.1-mini",
            messages=[{"role": "user", "content": "hi"}],
            # The upstream would answer after 30 s; the client gives up after 0.5 s.
            extra_headers={"x-fake-fault": "slow-headers:30"},
        )
    (event,) = events_of(gateway, 1)  # waits at most 10 s: the gateway did not wait 30
    assert event["status"] == 499 and event["error"] == "client_disconnected"
    assert event["latency_ms"] < 30_000


def test_the_gateway_anchors_its_head_and_verify_catches_truncation(
    gateway_factory: GatewayFactory, tmp_path: Path
) -> None:
    from zdr.audit.anchor import FileSink, verify_anchored

    anchor_file = tmp_path / "elsewhere" / "anchor.json"
    anchor_file.parent.mkdir()
    gw = gateway_factory(
        {"audit": {"anchor": {"file": str(anchor_file), "interval_seconds": 0.05}}}
    )
    for _ in range(5):
        _chat(gw)
    gw.server.stop()  # the final head is anchored at shutdown
    store = audit_store(gw)
    (anchor,) = FileSink(anchor_file).read()
    assert anchor.seq == store.head().seq == 5
    assert verify_anchored(store, [FileSink(anchor_file)], []).ok
    with store.db.transaction() as db:
        db.execute("DELETE FROM zdr_audit_events WHERE seq = 5")
    verdict = verify_anchored(store, [FileSink(anchor_file)], [])
    assert [p.kind for p in verdict.problems] == ["truncated"]
