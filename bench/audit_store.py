"""Audit store throughput on one core: events/s appended (in the writer's batch sizes)
and verified, SQLite and PostgreSQL side by side in one run.

    .venv/bin/python bench/audit_store.py [--events 20000] [--pg postgresql://...]

Pinned to one core (taskset) when available. Target: the store keeps up with 2,000
events/s, the gateway's target request rate.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from zdr.audit.store import AuditStore
from zdr.db import Database, PostgresDatabase, SqliteDatabase

ROOT = Path(__file__).resolve().parents[1]


def sample_event(i: int) -> dict[str, Any]:
    return {
        "v": 1,
        "ts": datetime.now(UTC).isoformat(timespec="microseconds"),
        "request_id": secrets.token_hex(8),
        "key": "web",
        "policy": "default",
        "method": "POST",
        "endpoint": "chat.completions.create",
        "route": "/v1/chat/completions",
        "model": "gpt-4.1-mini",
        "stream": i % 2 == 0,
        "decision": "rewrite",
        "rewrites": ["store=false", "prompt_cache_retention=in_memory"],
        "rule": None,
        "pseudonymized": {"EMAIL": 1, "PERSON": 2},
        "status": 200,
        "upstream": "openai",
        "upstream_status": 200,
        "error": None,
        "latency_ms": 1.234,
        "request_hmac": secrets.token_hex(32),
        "response_hmac": secrets.token_hex(32),
        "usage": {"prompt_tokens": 420, "completion_tokens": 80, "total_tokens": 500},
    }


def run(name: str, db: Database, events: int) -> None:
    store = AuditStore(db, b"b" * 32)
    for batch in (1, 100, 2000):
        n = min(events, 2000) if batch == 1 else events
        data = [sample_event(i) for i in range(n)]
        t0 = time.perf_counter()
        for i in range(0, n, batch):
            store.append(data[i : i + batch])
        dt = time.perf_counter() - t0
        print(f"{name:10} append batch {batch:5}: {n / dt:10,.0f} events/s ({n} events)")
    t0 = time.perf_counter()
    verdict = store.verify()
    dt = time.perf_counter() - t0
    assert verdict.ok
    print(f"{name:10} verify            : {verdict.events / dt:10,.0f} events/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if shutil.which("taskset") and os.environ.get("ZDR_BENCH_PINNED") != "1":
        os.environ["ZDR_BENCH_PINNED"] = "1"
        os.execvp("taskset", ["taskset", "-c", "0", sys.executable, *sys.argv])
    work = ROOT / "bench" / "results" / "audit-store"
    shutil.rmtree(work, ignore_errors=True)
    run("sqlite", SqliteDatabase(work / "zdr.db"), args.events)
    schema = "bench_" + secrets.token_hex(4)
    with psycopg.connect(args.pg, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    try:
        run(
            "postgresql",
            PostgresDatabase(f"{args.pg}?options=-csearch_path%3D{schema}"),
            args.events,
        )
    finally:
        with psycopg.connect(args.pg, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
