"""Throughput of `zdr serve --workers 1` and `--workers 2`, side by side in one run.

    .venv/bin/python bench/workers.py [--seconds 10] [--rounds 3] [--conns 64]

The gateway runs with its defaults (policy enforcement, pseudonymization, the audit
trail with its fsynced spool, SQLite) on a 1.6 KB chat request with personal data.
To measure the gateway and not its helpers, the upstream is nginx answering a fixed
chat completion (`apt-get install nginx-light`) and the load comes from wrk
(`apt-get install wrk`): both are C and cost a few percent of a core. Rounds
alternate 1, 2, 1, 2, ... so drift on the shared machine hits both alike; the
median of each is reported with the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.gateway_overhead import CHAT, free_port, wait_port

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "results" / "workers"
ZDR = str(Path(sys.executable).parent / "zdr")

ANSWER = json.dumps(
    {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4.1-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Likely causes: the bucket name."},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 420, "completion_tokens": 9, "total_tokens": 429},
    }
)


def start_nginx(port: int) -> subprocess.Popen[bytes]:
    prefix = WORK / "nginx"
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(
        "worker_processes 1; pid nginx.pid; error_log logs/error.log;\n"
        "events { worker_connections 1024; }\n"
        "http { access_log off;\n"
        f"  server {{ listen 127.0.0.1:{port};\n"
        "    location / { default_type application/json;\n"
        f"      return 200 '{ANSWER}'; }} }} }}\n"
    )
    proc = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        stderr=subprocess.DEVNULL,
    )
    wait_port(port)
    return proc


def start_gateway(
    port: int, upstream: int, workers: int, data: Path, config: str = ""
) -> tuple[subprocess.Popen[bytes], str]:
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    env = {
        **os.environ,
        "ZDR_UPSTREAM_BASE_URL": f"http://127.0.0.1:{upstream}/v1",
        "ZDR_UPSTREAM_API_KEY": "sk-bench",
        "ZDR_DATA_DIR": str(data),
        "ZDR_PORT": str(port),
        "ZDR_LOG_LEVEL": "info",
        "ZDR_CONFIG": str(data / "zdr.yaml"),
    }
    (data / "zdr.yaml").write_text("server: {access_log: false}\n" + config)
    key = subprocess.run(
        [ZDR, "keys", "create", "--name", "bench"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    log = data / "stderr.log"
    with log.open("wb") as err:
        proc = subprocess.Popen([ZDR, "serve", "--workers", str(workers)], env=env, stderr=err)
    wait_port(port)  # the supervisor's socket: workers may still be starting
    wait_ready(log, workers)
    return proc, key


def wait_ready(log: Path, workers: int, timeout: float = 60) -> None:
    """Until every worker logged that it is ready (the socket accepts before that)."""
    deadline = time.monotonic() + timeout
    while log.read_text().count('"gateway ready"') < workers:
        if time.monotonic() > deadline:
            raise RuntimeError("workers not ready:\n" + log.read_text()[-2000:])
        time.sleep(0.1)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes and their children so far."""
    total = 0
    for pid in pids:
        for task in _tree(pid):
            try:
                fields = Path(f"/proc/{task}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    out = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for child in children:
        out.extend(_tree(int(child)))
    return out


def wrk(port: int, key: str, seconds: int, conns: int) -> float:
    script = WORK / "chat.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f'wrk.headers["Authorization"] = "Bearer {key}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = [[{json.dumps(CHAT)}]]\n"
    )
    out = subprocess.run(
        [
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
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError("wrk saw errors:\n" + out)
    return float(out.split("Requests/sec:")[1].split()[0])


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--conns", type=int, default=64)
    args = parser.parse_args()
    for tool in ("nginx", "wrk"):
        if not shutil.which(tool):
            sys.exit(
                f"{tool} is needed: apt-get install {'nginx-light' if tool == 'nginx' else tool}"
            )
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"cores: {os.cpu_count()}, load average before: {loadavg()}")
    upstream_port = free_port()
    nginx = start_nginx(upstream_port)
    results: dict[int, list[float]] = {1: [], 2: []}
    try:
        for r in range(args.rounds):
            for workers in (1, 2):
                port = free_port()
                gw, key = start_gateway(port, upstream_port, workers, WORK / f"data{workers}")
                try:
                    wrk(port, key, 2, args.conns)  # warm-up: connections, caches
                    cpu0, t0 = cpu_seconds([gw.pid]), time.monotonic()
                    rps = wrk(port, key, args.seconds, args.conns)
                    cores = (cpu_seconds([gw.pid]) - cpu0) / (time.monotonic() - t0)
                finally:
                    gw.send_signal(signal.SIGTERM)
                    gw.wait(60)
                results[workers].append(rps)
                print(
                    f"round {r + 1}: {workers} worker(s): {rps:,.0f} req/s, "
                    f"gateway used {cores:.2f} cores (load {loadavg()})"
                )
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(10)
    one, two = statistics.median(results[1]), statistics.median(results[2])
    print(f"median: 1 worker {one:,.0f} req/s, 2 workers {two:,.0f} req/s: {two / one:.2f}x")
    print(f"load average after: {loadavg()}")


if __name__ == "__main__":
    main()
