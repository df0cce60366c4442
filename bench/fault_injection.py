"""Fault injection: what the audit trail keeps when the gateway or its store fails.

    .venv/bin/python bench/fault_injection.py [--store sqlite|postgresql|both]
        [--cases kill9,hung,sigterm,streams] [--workers 2] [--streams 500]

Every case runs `zdr serve` as real processes in front of the fake upstream (its own
process), loads it with real HTTP clients, injects the fault, then starts the gateway
once more (which replays what a stopped process left in its spool) and compares:

- **served**: requests whose whole answer reached the client (status and body
  complete; for a stream, the end of the body without an error event);
- **served without event**: served requests whose request id is not in the trail
  (the target is 0);
- the chain's status (`zdr audit verify`), and the gateway's RSS (all its processes).

Cases: `kill9` (SIGKILL to every gateway process under load), `hung` (the audit table
locked under load: time until `/readyz` says 503, then SIGKILL while it is hung),
`sigterm` (SIGTERM with open streams and the store down), `streams` (bursts of
concurrent large streams: RSS before, at the peak and after each burst).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
ZDR = str(Path(PY).parent / "zdr")
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
# Extra environment for the gateway processes (--env NAME=VALUE), e.g. allocator knobs.
ENV: dict[str, str] = {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


class FakeUpstream:
    """The fake OpenAI upstream in a process of its own; ``chunk_delay`` slows streams."""

    def __init__(self, chunk_delay: float = 0.0):
        self.port = free_port()
        code = (
            "import uvicorn; from zdr.fake.openai import FakeOpenAI; "
            f"uvicorn.run(FakeOpenAI(chunk_delay={chunk_delay}), host='127.0.0.1', "
            f"port={self.port}, log_level='warning', access_log=False)"
        )
        self.proc = subprocess.Popen([PY, "-c", code])
        wait_port(self.port)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@contextlib.contextmanager
def pg_schema() -> Iterator[str]:
    schema = "fault_" + secrets.token_hex(4)
    with psycopg.connect(PG_URL, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")


class Gateway:
    """`zdr serve` as its own session of processes (supervisor and workers)."""

    def __init__(self, work: Path, upstream: FakeUpstream, store_url: str | None, **audit: Any):
        self.data = work / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.config = work / "zdr.yaml"
        self.log = work / "gateway.log"
        storage: dict[str, Any] = {"data_dir": str(self.data)}
        if store_url:
            storage["database_url"] = store_url
        self.store_url = store_url
        self.config.write_text(
            json.dumps(
                {
                    "server": {
                        "port": self.port,
                        "access_log": False,
                        "graceful_shutdown_seconds": audit.pop("graceful", 5),
                        # The fake upstream's test knobs (request headers are an
                        # allow-list: these pass because they are named here).
                        "forward_headers": ["x-fake-chunk-chars", "x-fake-fault"],
                    },
                    "upstreams": {
                        "openai": {
                            "base_url": f"http://127.0.0.1:{upstream.port}/v1",
                            "api_key": "sk-fault-123456",
                        }
                    },
                    "storage": storage,
                    "audit": {"flush_interval_seconds": 0.05, **audit},
                    "log": {"level": "info"},
                }
            )
        )
        self.key = self._zdr("keys", "create", "--name", "app").strip()
        self.proc: subprocess.Popen[bytes] | None = None

    def _zdr(self, *args: str) -> str:
        cmd = [ZDR, *args, "--config", str(self.config)]
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, workers: int) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [ZDR, "serve", "--workers", str(workers), "--config", str(self.config)],
                stderr=log,
                start_new_session=True,
                env={**os.environ, **ENV},
            )
        deadline = time.monotonic() + 60
        # Each worker logs once it is ready; the supervisor's socket accepts before.
        while self.log.read_text().count('"gateway ready"') < self._ready_before + workers:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("gateway did not start:\n" + self.log.read_text()[-3000:])
            time.sleep(0.05)
        self._ready_before += workers

    _ready_before = 0

    def pids(self) -> list[int]:
        if self.proc is None:
            return []
        out, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            with contextlib.suppress(OSError):
                todo.extend(
                    int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
                )
        return out

    def rss_mib(self) -> float:
        total = 0
        for pid in self.pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        return total / 1024

    def kill9(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def sigterm(self, timeout: float = 90) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def replay(self) -> None:
        """Start once more and stop: a starting gateway replays the spools left behind."""
        self.start(1)
        time.sleep(0.5)
        self.sigterm()

    def verify(self) -> dict[str, Any]:
        out = self._zdr("audit", "verify", "--json")
        return dict(json.loads(out)) if out.strip() else {"ok": False, "events": None}

    def events(self) -> list[dict[str, Any]]:
        out = self._zdr("audit", "export")
        return [json.loads(line) for line in out.splitlines() if line.strip()]


@dataclass
class Outcome:
    request_id: str | None
    status: int
    stream: bool
    served: bool  # the whole answer reached the client
    cut: bool = False  # a stream that ended with an SSE error event


@dataclass
class Load:
    """Concurrent clients sending chat requests (half of them streamed) until stopped."""

    gateway: Gateway
    clients: int = 32
    prompt: str = "Hello, my name is Jane Roe and my e-mail is jane.roe@example.com."
    chunk_chars: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    stopping: bool = False

    async def run(self, seconds: float | None = None, each: int | None = None) -> None:
        limits = httpx.Limits(max_connections=self.clients, max_keepalive_connections=self.clients)
        timeout = httpx.Timeout(120, connect=10)
        async with httpx.AsyncClient(limits=limits, timeout=timeout) as http:
            tasks = [
                asyncio.ensure_future(self._client(http, i, each)) for i in range(self.clients)
            ]
            if seconds is not None:
                await asyncio.sleep(seconds)
                self.stopping = True
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _client(self, http: httpx.AsyncClient, i: int, each: int | None) -> None:
        n = 0
        while not self.stopping and (each is None or n < each):
            n += 1
            stream = (i + n) % 2 == 0 if each is None else True
            self.outcomes.append(await self.one(http, stream))

    async def one(self, http: httpx.AsyncClient, stream: bool) -> Outcome:
        body = {
            "model": "gpt-4.1-mini",
            "messages": [{"role": "user", "content": self.prompt}],
            "stream": stream,
        }
        headers = {"authorization": f"Bearer {self.gateway.key}"}
        if self.chunk_chars:
            headers["x-fake-chunk-chars"] = str(self.chunk_chars)
        url = self.gateway.url + "/v1/chat/completions"
        rid, status = None, 0
        try:
            async with http.stream("POST", url, json=body, headers=headers) as response:
                rid, status = response.headers.get("x-zdr-request-id"), response.status_code
                data = b"".join([chunk async for chunk in response.aiter_bytes()])
        except (httpx.HTTPError, OSError):
            return Outcome(rid, status, stream, served=False)
        cut = stream and b"event: error" in data
        whole = not stream or data.rstrip().endswith(b"data: [DONE]")
        return Outcome(rid, status, stream, served=whole and not cut, cut=cut)


def compare(gateway: Gateway, outcomes: list[Outcome]) -> dict[str, Any]:
    events = {e.get("request_id"): e for e in gateway.events()}
    served = [o for o in outcomes if o.served]
    missing = [o for o in served if o.request_id not in events]
    verdict = gateway.verify()
    return {
        "served": len(served),
        "served 200": sum(o.status == 200 for o in served),
        "served without event": len(missing),
        "not served (cut, refused or failed)": len(outcomes) - len(served),
        "events": len(events),
        "chain": "OK" if verdict.get("ok") else f"BROKEN {verdict.get('problems')}",
    }


# -- the cases ------------------------------------------------------------------------------


def case_kill9(
    work: Path, store_url: str | None, workers: int, seconds: float = 3.0
) -> dict[str, Any]:
    """SIGKILL to every gateway process while 32 clients are in the middle of requests."""
    upstream = FakeUpstream()
    try:
        gw = Gateway(work, upstream, store_url)
        gw.start(workers)
        load = Load(gw)

        async def go() -> None:
            task = asyncio.ensure_future(load.run())
            await asyncio.sleep(seconds)
            gw.kill9()  # the clients see their connections reset
            load.stopping = True
            await task

        asyncio.run(go())
        left = sum(1 for _ in (gw.data / "spool").glob("*.spool"))
        gw.replay()
        return {"spools left by the killed processes": left, **compare(gw, load.outcomes)}
    finally:
        upstream.stop()


@contextlib.contextmanager
def store_locked(gw: Gateway) -> Iterator[None]:
    """Someone holds the audit table (PostgreSQL) or the database (SQLite) locked."""
    if gw.store_url:
        with psycopg.connect(gw.store_url) as db:
            db.execute("LOCK TABLE zdr_audit_events IN ACCESS EXCLUSIVE MODE")
            yield
            db.rollback()
    else:
        db3 = sqlite3.connect(gw.data / "zdr.db", isolation_level=None)
        db3.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            db3.execute("ROLLBACK")
            db3.close()


def case_hung(work: Path, store_url: str | None, workers: int) -> dict[str, Any]:
    """The store hangs under load: how long until the gateway says so, and then a
    SIGKILL while it is hung (the issue's 14,068 lost events)."""
    upstream = FakeUpstream()
    try:
        gw = Gateway(work, upstream, store_url)
        gw.start(workers)
        load = Load(gw)
        detected: float | None = None

        async def go() -> None:
            nonlocal detected
            task = asyncio.ensure_future(load.run())
            await asyncio.sleep(1.0)
            with store_locked(gw):
                t0 = time.monotonic()
                async with httpx.AsyncClient() as http:
                    while time.monotonic() - t0 < 20:
                        ready = await http.get(gw.url + "/readyz")
                        if ready.status_code == 503:
                            detected = time.monotonic() - t0
                            break
                        await asyncio.sleep(0.05)
                await asyncio.sleep(2.0)
                gw.kill9()
                load.stopping = True
                await task

        asyncio.run(go())
        gw.replay()
        return {"hung store detected after (s)": detected, **compare(gw, load.outcomes)}
    finally:
        upstream.stop()


@contextlib.contextmanager
def store_down(gw: Gateway) -> Iterator[None]:
    """The audit table is gone (PostgreSQL) or the database locked (SQLite) until the
    block ends."""
    if gw.store_url:
        with psycopg.connect(gw.store_url, autocommit=True) as db:
            db.execute("ALTER TABLE zdr_audit_events RENAME TO zdr_audit_events_away")
            try:
                yield
            finally:
                db.execute("ALTER TABLE zdr_audit_events_away RENAME TO zdr_audit_events")
    else:
        with store_locked(gw):
            yield


def case_sigterm(
    work: Path, store_url: str | None, workers: int, streams: int = 40
) -> dict[str, Any]:
    """SIGTERM while streams are open and the store is down; a 1 s graceful period
    cuts the streams that have not finished by then."""
    upstream = FakeUpstream(chunk_delay=0.02)
    try:
        gw = Gateway(work, upstream, store_url, graceful=1)
        gw.start(workers)
        # ~12 KB answers in 64-character pieces, one every 20 ms: streams of ~4 s.
        load = Load(gw, clients=streams, prompt="lorem ipsum " * 1000, chunk_chars=64)
        code: int | None = None

        async def go() -> None:
            nonlocal code
            task = asyncio.ensure_future(load.run(each=1))
            await asyncio.sleep(1.0)
            with store_down(gw):
                await asyncio.sleep(0.5)
                code = await asyncio.to_thread(gw.sigterm)
            await task

        asyncio.run(go())
        left = sum(1 for _ in (gw.data / "spool").glob("*.spool"))
        gw.replay()
        result = compare(gw, load.outcomes)
        events = {e.get("request_id"): e for e in gw.events()}
        cut = [o for o in load.outcomes if o.stream and o.status == 200 and not o.served]
        recorded_cut = [events.get(o.request_id) for o in cut]
        return {
            "exit code": code,
            "spools left at shutdown": left,
            "streams cut": len(cut),
            "cut streams that ended with an SSE error event": sum(o.cut for o in cut),
            "cut streams without an event": sum(e is None for e in recorded_cut),
            "cut streams recorded as 200 without error": sum(
                1 for e in recorded_cut if e and e.get("status") == 200 and not e.get("error")
            ),
            **result,
        }
    finally:
        upstream.stop()


def case_streams(
    work: Path, store_url: str | None, workers: int, streams: int = 500, bursts: int = 3
) -> dict[str, Any]:
    """Bursts of concurrent large streams (38 KB prompts, their echo as ~600 events)."""
    upstream = FakeUpstream()
    try:
        gw = Gateway(work, upstream, store_url)
        gw.start(workers)
        prompt = ("The quick brown fox jumps over the lazy dog near the river bank. " * 600)[
            :38_000
        ]
        asyncio.run(Load(gw, clients=8, prompt=prompt, chunk_chars=64).run(each=2))  # warm-up
        start = gw.rss_mib()
        rows: list[str] = []
        outcomes: list[Outcome] = []
        for b in range(bursts):
            load = Load(gw, clients=streams, prompt=prompt, chunk_chars=64)
            peak = 0.0

            async def go(load: Load = load) -> None:
                nonlocal peak
                task = asyncio.ensure_future(load.run(each=1))
                while not task.done():
                    peak = max(peak, gw.rss_mib())
                    await asyncio.sleep(0.1)
                await task

            asyncio.run(go())
            outcomes += load.outcomes
            time.sleep(3)
            rows.append(f"burst {b + 1}: peak {peak:.0f}, after {gw.rss_mib():.0f} MiB")
        end = gw.rss_mib()
        gw.sigterm()
        return {
            "RSS at start (MiB)": round(start, 1),
            "bursts": rows,
            "RSS after (MiB)": round(end, 1),
            "after / start": round(end / start, 2),
            **compare(gw, outcomes),
        }
    finally:
        upstream.stop()


CASES = {"kill9": case_kill9, "hung": case_hung, "sigterm": case_sigterm, "streams": case_streams}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--cases", default="kill9,hung,sigterm,streams")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the gateway")
    args = parser.parse_args()
    ENV.update(item.split("=", 1) for item in args.env)
    stores = ["sqlite", "postgresql"] if args.store == "both" else [args.store]
    work = ROOT / "bench" / "results" / "faults"
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}, workers {args.workers}")
    for store in stores:
        for name in args.cases.split(","):
            shutil.rmtree(work, ignore_errors=True)
            kwargs: dict[str, Any] = {"streams": args.streams} if name == "streams" else {}
            with contextlib.ExitStack() as stack:
                url = stack.enter_context(pg_schema()) if store == "postgresql" else None
                t0 = time.monotonic()
                result = CASES[name](work / name, url, args.workers, **kwargs)
            print(f"\n== {name} ({store}), {time.monotonic() - t0:.0f} s")
            for k, v in result.items():
                for line in v if isinstance(v, list) else [v]:
                    print(f"  {k}: {line}")


if __name__ == "__main__":
    main()
