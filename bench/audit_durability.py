"""What "durable before done" costs, side by side in one run: the same gateway (one
worker, defaults otherwise) with the audit trail off, with the spool written but not
fsynced, and with the default (each group fsynced before the answer's last byte).

    .venv/bin/python bench/audit_durability.py [--requests 2000] [--seconds 8] [--rounds 3]

Latency: a keep-alive client at concurrency 1 (p50, p99). Throughput: wrk at 32
connections, where group commit shares one fsync among the requests that finish
together. The upstream is nginx answering a fixed chat completion (see
bench/workers.py). Rounds alternate the three variants; medians are reported.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import signal
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.gateway_overhead import CHAT, free_port, latency
from bench.workers import WORK, loadavg, start_gateway, start_nginx, wrk

VARIANTS = {
    "audit off": "audit: {enabled: false}\n",
    "spool, no fsync": "audit: {spool_fsync: false}\n",
    "spool + fsync (default)": "",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed (apt-get install nginx-light wrk)")
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {loadavg()}")
    upstream = free_port()
    nginx = start_nginx(upstream)
    rows: dict[str, list[tuple[float, float, float]]] = {v: [] for v in VARIANTS}
    try:
        for r in range(args.rounds):
            for name, config in VARIANTS.items():
                port = free_port()
                gw, key = start_gateway(port, upstream, 1, WORK / "durability", config)
                try:
                    lat = asyncio.run(latency(port, key, CHAT, args.requests))
                    wrk(port, key, 2, 32)  # warm-up
                    rps = wrk(port, key, args.seconds, 32)
                finally:
                    gw.send_signal(signal.SIGTERM)
                    gw.wait(60)
                rows[name].append((lat["p50_ms"], lat["p99_ms"], rps))
                print(
                    f"round {r + 1} {name}: p50 {lat['p50_ms']:.3f} ms, "
                    f"p99 {lat['p99_ms']:.3f} ms, {rps:,.0f} req/s"
                )
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(10)
    print(f"load average after: {loadavg()}\n")
    print("| variant | p50 ms | p99 ms | req/s at 32 connections |")
    print("|---|---|---|---|")
    for name, values in rows.items():
        p50, p99, rps = (statistics.median(v[i] for v in values) for i in range(3))
        print(f"| {name} | {p50:.3f} | {p99:.3f} | {rps:,.0f} |")


if __name__ == "__main__":
    main()
