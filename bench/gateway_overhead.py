"""Gateway overhead, measured side by side in one run: straight to the fake upstream
vs through the gateway (enforce policy: auth, routing, JSON parse, rewrites).

    .venv/bin/python bench/gateway_overhead.py [--requests 2000] [--seconds 2]
        [--rounds 5] [--memory-requests 100000] [--baseline ../other-checkout]

With ``--baseline``, the same three gateways also run from another checkout's
``.venv`` (an earlier commit, say), measured in the same run, and the ratios
new/baseline are printed.

Throughput is measured in ``--rounds`` interleaved rounds: each round loads every
target for ``--seconds`` (direct, base gateway, gateway, base gateway+pseudo, ...),
every other round in the reverse order, so a slow spell of the machine (the other
engineers' jobs on the shared cores) falls on both sides of a comparison. A target's
requests/s is its median over the rounds; the ratio to the baseline is printed both
as the ratio of the medians and as the median (and range) of the ratios within each
round. The load average at the start and the end is printed with them.

Layout on the 2-core machine: the gateway alone on core 0 (the "one core" of the
targets); the fake upstream and the load generators on core 1. Latency and time to
first byte come from a minimal keep-alive HTTP/1.1 client at concurrency 1; requests/s
at concurrency 32 from wrk (when installed; `apt-get install wrk`), else from aiohttp.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
GATEWAY_CORE, LOAD_CORE = 0, 1

# A support ticket of the kind apps send (~1.6 KB), with a few personal values in it.
TICKET = (
    "Please summarise the following ticket for the on-call engineer.\n\n"
    "Ticket #48213 opened 2024-03-02 09:14 via web form. Customer: Helen Murray "
    "(helen.murray@northwind-mail.com, +44 20 7946 0123). Plan: Business, 12 seats, "
    "renewal due in April. Summary: after the upgrade to version 4.2.1 the export job "
    "fails every night with a timeout; the CSV files stay empty and the dashboard shows "
    "the last successful run from last Tuesday. She tried re-running the job manually "
    "twice from the admin page and once through the API, with the same result each time. "
    "Logs attached by the customer show repeated connection resets from the reporting "
    "service after about ninety seconds, and a warning about the batch size being larger "
    "than the configured maximum. The account was migrated to the new region last month, "
    "which may be related, since the job still points at the old storage bucket name in "
    "its settings. She asks whether the data from the failed runs is lost, whether the "
    "job can be moved to run in the early morning instead, and for a call back before "
    "Friday because her finance team needs the monthly numbers by the end of the week. "
    "Previous contact: a similar issue in January was solved by clearing the job cache "
    "and lowering the batch size to five thousand rows. Priority: high. Sentiment: "
    "frustrated but polite. Please list the likely causes, the checks to run first, and "
    "a short reply we can send her today, in a friendly tone and without jargon."
)
CHAT = {
    "model": "gpt-4.1-mini",
    "messages": [
        {"role": "system", "content": "You are a helpful support assistant. " * 8},
        {
            "role": "user",
            "content": TICKET,
        },
    ],
    "temperature": 0.2,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


def pinned(core: int) -> list[str]:
    return ["taskset", "-c", str(core)] if shutil.which("taskset") else []


def start_upstream(port: int) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn; from zdr.fake.openai import FakeOpenAI; "
        f"uvicorn.run(FakeOpenAI(), host='127.0.0.1', port={port}, loop='uvloop', "
        "http='httptools', log_level='warning', access_log=False)"
    )
    proc = subprocess.Popen(pinned(LOAD_CORE) + [PY, "-c", code])
    wait_port(port)
    return proc


BARE_CONFIG = "audit: {enabled: false}\npolicies: {default: {pseudonymize: false}}\n"
PSEUDO_CONFIG = "audit: {enabled: false}\n"  # policies and pseudonymization
FULL_CONFIG = ""  # the defaults: policy enforcement, pseudonymization, audit trail


def serve_command(zdr: str) -> list[str]:
    """``zdr serve`` as one process: the layout these benches measure (a checkout that
    runs a process per core by default is told so; an older one has no such flag)."""
    help_text = subprocess.run([zdr, "serve", "--help"], capture_output=True, text=True).stdout
    return [zdr, "serve", "--workers", "1"] if "--workers" in help_text else [zdr, "serve"]


def start_gateway(
    port: int, upstream_port: int, data_dir: Path, config_text: str, bin_dir: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    config = data_dir / "zdr.yaml"
    config.write_text(config_text)
    env = {
        **os.environ,
        "ZDR_CONFIG": str(config),
        "ZDR_UPSTREAM_BASE_URL": f"http://127.0.0.1:{upstream_port}/v1",
        "ZDR_UPSTREAM_API_KEY": "sk-bench",
        "ZDR_DATA_DIR": str(data_dir),
        "ZDR_PORT": str(port),
        "ZDR_LOG_LEVEL": "warning",
    }
    zdr = str((bin_dir or Path(PY).parent) / "zdr")
    key = subprocess.run(
        [zdr, "keys", "create", "--name", f"bench{port}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    proc = subprocess.Popen(
        pinned(GATEWAY_CORE) + serve_command(zdr), env=env, stderr=subprocess.DEVNULL
    )
    wait_port(port)
    return proc, key


def request_bytes(port: int, key: str, body: dict) -> bytes:
    data = json.dumps(body).encode()
    return (
        f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode() + data


async def _read_response(reader: asyncio.StreamReader) -> float:
    """Reads one response; returns the perf_counter time its first body byte arrived."""
    head = await reader.readuntil(b"\r\n\r\n")
    headers = head.decode("latin-1").lower()
    first = None
    if "content-length:" in headers:
        length = int(headers.split("content-length:")[1].split("\r\n")[0])
        await reader.readexactly(length)
        first = time.perf_counter()
    else:  # chunked
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            data = await reader.readexactly(size + 2)
            if first is None and size:
                first = time.perf_counter()
            if size == 0:
                break
            del data
    return first or time.perf_counter()


async def latency(port: int, key: str, body: dict, n: int) -> dict[str, float]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    raw = request_bytes(port, key, body)
    totals, firsts = [], []
    for i in range(n + 50):
        t0 = time.perf_counter()
        writer.write(raw)
        first = await _read_response(reader)
        end = time.perf_counter()
        if i >= 50:  # warm-up
            totals.append((end - t0) * 1000)
            firsts.append((first - t0) * 1000)
    writer.close()
    totals.sort()
    firsts.sort()
    return {
        "p50_ms": statistics.median(totals),
        "p99_ms": totals[int(len(totals) * 0.99) - 1],
        "ttfb_p50_ms": statistics.median(firsts),
    }


def wrk_rps(port: int, key: str, body: dict, seconds: int, conns: int) -> float:
    script = ROOT / "bench" / "results" / f"wrk_{port}_{int(bool(body.get('stream')))}.lua"
    script.parent.mkdir(exist_ok=True)
    script.write_text(
        'wrk.method = "POST"\n'
        f'wrk.headers["Authorization"] = "Bearer {key}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = [[{json.dumps(body)}]]\n"
    )
    out = subprocess.run(
        pinned(LOAD_CORE)
        + [
            "wrk",
            "-t1",
            f"-c{conns}",
            f"-d{seconds}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}/v1/chat/completions",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError("wrk saw errors:\n" + out)
    return float(out.split("Requests/sec:")[1].split()[0])


async def aiohttp_rps(port: int, key: str, body: dict, seconds: int, conns: int) -> float:
    import aiohttp

    count = 0
    deadline = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {key}"}

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal count
        while time.monotonic() < deadline:
            async with session.post(
                f"http://127.0.0.1:{port}/v1/chat/completions", json=body, headers=headers
            ) as r:
                await r.read()
                count += 1

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=conns)) as s:
        await asyncio.gather(*(worker(s) for _ in range(conns)))
    return count / seconds


def load(port: int, key: str, body: dict, seconds: int) -> float:
    """Requests/s at concurrency 32, from wrk when installed, else from aiohttp."""
    if shutil.which("wrk"):
        return wrk_rps(port, key, body, seconds, 32)
    return asyncio.run(aiohttp_rps(port, key, body, seconds, 32))


def audited_events(data_dir: Path) -> int:
    import sqlite3

    with sqlite3.connect(data_dir / "zdr.db") as db:
        return int(db.execute("SELECT COUNT(*) FROM zdr_audit_events").fetchone()[0])


def audited_requests(port: int) -> int:
    """Requests the gateway finished, from its own /metrics."""
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics") as r:
        text = r.read().decode()
    return int(
        sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("zdr_requests_total{")
        )
    )


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=2, help="per load run")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved load rounds")
    parser.add_argument("--memory-requests", type=int, default=100_000)
    parser.add_argument("--baseline", type=Path, default=None, help="another checkout")
    args = parser.parse_args()

    data_dir = ROOT / "bench" / "results" / "gw-data"
    shutil.rmtree(data_dir, ignore_errors=True)
    up_port, gw_port = free_port(), free_port()
    upstream = start_upstream(up_port)
    # Three gateways, loaded one at a time: policies only ("gateway"), policies and
    # pseudonymization ("gateway+pseudo": the difference to "gateway" is what
    # pseudonymization adds), and the defaults, with the audit trail too ("gateway+all").
    audit_port, pseudo_port = free_port(), free_port()
    plain, key = start_gateway(gw_port, up_port, data_dir / "plain", BARE_CONFIG)
    pseudo, pseudo_key = start_gateway(pseudo_port, up_port, data_dir / "pseudo", PSEUDO_CONFIG)
    gateway, audit_key = start_gateway(audit_port, up_port, data_dir / "audit", FULL_CONFIG)
    keys = {gw_port: key, pseudo_port: pseudo_key, audit_port: audit_key, up_port: key}
    procs = [plain, pseudo, gateway, upstream]
    base_ports: dict[str, int] = {}
    if args.baseline is not None:
        base_bin = args.baseline.resolve() / ".venv" / "bin"
        for name, config in (
            ("gateway", BARE_CONFIG),
            ("gateway+pseudo", PSEUDO_CONFIG),
            ("gateway+all", FULL_CONFIG),
        ):
            port = free_port()
            proc, k = start_gateway(port, up_port, data_dir / f"base-{name}", config, base_bin)
            procs.append(proc)
            keys[port] = k
            base_ports[name] = port
    results: dict[str, dict[str, Any]] = {}
    try:
        # The fake echoes the last user message: "stream" answers in ~25 events (a short
        # reply), "stream-long" in ~250 events sent as one burst.
        short = {
            **CHAT,
            "stream": True,
            "messages": [
                {"role": "system", "content": CHAT["messages"][0]["content"] + "context " * 190},
                {
                    "role": "user",
                    "content": "Summarise ticket 4521 in one short paragraph for me "
                    "please, with the customer's main complaint first.",
                },
            ],
        }
        long = {**CHAT, "stream": True}
        load_start = os.getloadavg()
        print(
            f"chat bodies: {len(json.dumps(CHAT))}, {len(json.dumps(short))} bytes; "
            f"gateway pinned to core {GATEWAY_CORE}; load average at the start "
            + " ".join(f"{x:.2f}" for x in load_start)
        )
        kinds = (("json", CHAT), ("stream", short), ("stream-long", long))
        targets = [("direct", up_port)]
        for name, port in (
            ("gateway", gw_port),
            ("gateway+pseudo", pseudo_port),
            ("gateway+all", audit_port),
        ):
            if name in base_ports:
                targets.append((f"base {name}", base_ports[name]))
            targets.append((name, port))
        rounds: dict[str, list[float]] = {}
        for kind, body in kinds:
            for target, port in targets:
                lat = asyncio.run(latency(port, keys[port], body, args.requests))
                results[f"{kind}.{target}"] = lat
            for r in range(args.rounds):
                for target, port in targets if r % 2 == 0 else targets[::-1]:
                    rps = load(port, keys[port], body, args.seconds)
                    rounds.setdefault(f"{kind}.{target}", []).append(rps)
            for target, _ in targets:
                measured = rounds[f"{kind}.{target}"]
                results[f"{kind}.{target}"].update(
                    rps_c32=statistics.median(measured), rps_c32_rounds=measured
                )
        load_end = os.getloadavg()
        print(
            f"\n{args.rounds} rounds of {args.seconds} s per target; req/s c32 is the median; "
            "load average at the end " + " ".join(f"{x:.2f}" for x in load_end)
        )
        print(f"\n{'':32}{'p50 ms':>9}{'p99 ms':>9}{'TTFB p50':>10}{'req/s c32':>11}")
        for name, r in results.items():
            print(
                f"{name:32}{r['p50_ms']:9.3f}{r['p99_ms']:9.3f}{r['ttfb_p50_ms']:10.3f}"
                f"{r['rps_c32']:11.0f}"
            )
        print()
        for kind, _ in kinds:
            g, p = results[f"{kind}.gateway"], results[f"{kind}.gateway+pseudo"]
            print(
                f"{kind}: pseudonymization adds p50 {p['p50_ms'] - g['p50_ms']:.3f} ms "
                f"(target <= 1), TTFB {p['ttfb_p50_ms'] - g['ttfb_p50_ms']:.3f} ms"
            )
        for kind, _ in kinds:
            for target in ("gateway", "gateway+pseudo", "gateway+all"):
                d, g = results[f"{kind}.direct"], results[f"{kind}.{target}"]
                print(
                    f"{kind} {target}: added p50 {g['p50_ms'] - d['p50_ms']:.3f} ms "
                    f"(target <= 1), added p99 {g['p99_ms'] - d['p99_ms']:.3f} ms, "
                    f"added TTFB {g['ttfb_p50_ms'] - d['ttfb_p50_ms']:.3f} ms (target <= 1), "
                    f"{g['rps_c32']:.0f} req/s (target >= 2000) = "
                    f"{g['rps_c32'] / d['rps_c32']:.2f}x of direct"
                )
        if base_ports:
            print()
            for kind, _ in kinds:
                for name in base_ports:
                    new, old = results[f"{kind}.{name}"], results[f"{kind}.base {name}"]
                    paired = sorted(
                        n / o
                        for n, o in zip(
                            rounds[f"{kind}.{name}"], rounds[f"{kind}.base {name}"], strict=True
                        )
                    )
                    print(
                        f"{kind} {name}: req/s {new['rps_c32']:.0f} vs baseline "
                        f"{old['rps_c32']:.0f} = {new['rps_c32'] / old['rps_c32']:.3f}x "
                        f"(ratio of medians; per round: median {statistics.median(paired):.3f}x, "
                        f"{paired[0]:.3f}-{paired[-1]:.3f}x); "
                        f"p50 {new['p50_ms']:.3f} vs {old['p50_ms']:.3f} ms"
                    )
                    results[f"{kind}.{name}"]["rps_vs_baseline"] = new["rps_c32"] / old["rps_c32"]
        if args.memory_requests:
            before = rss_kib(gateway.pid)
            t0 = time.monotonic()
            done = 0
            rss_samples = []
            while done < args.memory_requests:
                rps = load(audit_port, audit_key, CHAT, 5)
                if rps <= 0:
                    raise RuntimeError("the audited gateway answered no request in 5 s")
                done += int(rps * 5)
                rss_samples.append(rss_kib(gateway.pid))
            after = rss_kib(gateway.pid)
            print(
                f"memory: RSS {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB after "
                f"~{done} more requests in {time.monotonic() - t0:.0f} s; samples (MiB): "
                + ", ".join(f"{s / 1024:.1f}" for s in rss_samples)
            )
            results["memory"] = {"rss_before_kib": before, "rss_after_kib": after, "requests": done}
        results["load_average"] = {"start": load_start[0], "end": load_end[0]}
        time.sleep(1)  # one flush interval and more
        written = audited_events(data_dir / "audit")
        served = audited_requests(audit_port)
        print(
            f"audit: {written} events written for {served} requests served by the audited "
            f"gateway ({'kept up' if written == served else 'BEHIND'}; pending at the end: "
            f"{served - written})"
        )
        out = ROOT / "bench" / "results" / "gateway_overhead.json"
        out.write_text(json.dumps(results, indent=2))
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
