"""Instructions per request through the gateway, counted by callgrind: a figure that
does not move with the machine's load, for before/after comparisons on a busy machine.

    .venv/bin/python bench/gateway_instructions.py [--requests 200] [--baseline DIR]

Each gateway runs under ``valgrind --tool=callgrind``, uninstrumented while it starts
(several times faster on a busy machine); then instrumentation is switched on, and after
a warm-up its counters are zeroed, ``--requests`` requests are sent one at a time, the
counters are dumped, and the instructions the gateway process executed are divided by
their number.
With ``--baseline``, the same gateways run from another checkout's ``.venv`` too and
the ratios new/baseline are printed. Requests/s on an idle core is roughly the
inverse (instructions per request / instructions per second of the core).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gateway_overhead import (
    BARE_CONFIG,
    CHAT,
    FULL_CONFIG,
    PSEUDO_CONFIG,
    ROOT,
    _read_response,
    free_port,
    request_bytes,
    serve_command,
    start_upstream,
    wait_port,
)

PY = sys.executable


def start_counted_gateway(
    port: int, upstream_port: int, data_dir: Path, config: str, bin_dir: Path
) -> tuple[subprocess.Popen[bytes], str, Path]:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "zdr.yaml").write_text(config)
    env = {
        "PATH": "/usr/bin:/bin",
        "ZDR_CONFIG": str(data_dir / "zdr.yaml"),
        "ZDR_UPSTREAM_BASE_URL": f"http://127.0.0.1:{upstream_port}/v1",
        "ZDR_UPSTREAM_API_KEY": "sk-bench",
        "ZDR_DATA_DIR": str(data_dir),
        "ZDR_PORT": str(port),
        "ZDR_LOG_LEVEL": "warning",
    }
    key = subprocess.run(
        [str(bin_dir / "zdr"), "keys", "create", "--name", f"b{port}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    out = data_dir / "callgrind.out"
    proc = subprocess.Popen(
        [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            str(bin_dir / "python"),
            *serve_command(str(bin_dir / "zdr")),
        ],
        env=env,
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_port(port, timeout=900)
    except RuntimeError:
        proc.kill()  # not left running under valgrind after the bench gave up
        raise
    return proc, key, out


async def send(port: int, key: str, body: dict, n: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    raw = request_bytes(port, key, body)
    for _ in range(n):
        writer.write(raw)
        await _read_response(reader)
    writer.close()


def control(pid: int, *args: str) -> None:
    subprocess.run(["callgrind_control", *args, str(pid)], check=True, capture_output=True)


def total_instructions(out: Path) -> int:
    for path in sorted(out.parent.glob(out.name + "*")):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError(f"no totals in {out}")


def measure(
    port: int, key: str, proc: subprocess.Popen[bytes], out: Path, body: dict, n: int
) -> float:
    control(proc.pid, "--instr=on")
    asyncio.run(send(port, key, body, 30))  # warm-up: caches, lazy imports
    for stale in out.parent.glob(out.name + "*"):
        stale.unlink()
    control(proc.pid, "--zero")
    asyncio.run(send(port, key, body, n))
    control(proc.pid, "--dump")
    time.sleep(0.5)
    return total_instructions(out) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--baseline", type=Path, default=None)
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        raise SystemExit("needs valgrind (apt-get install valgrind)")
    data = ROOT / "bench" / "results" / "instr-data"
    shutil.rmtree(data, ignore_errors=True)
    up_port = free_port()
    upstream = start_upstream(up_port)
    stream = {**CHAT, "stream": True}
    checkouts = [("new", Path(PY).parent)]
    if args.baseline is not None:
        checkouts.insert(0, ("base", args.baseline.resolve() / ".venv" / "bin"))
    results: dict[str, float] = {}
    try:
        for config_name, config in (
            ("gateway", BARE_CONFIG),
            ("gateway+pseudo", PSEUDO_CONFIG),
            ("gateway+all", FULL_CONFIG),
        ):
            for label, bin_dir in checkouts:
                port = free_port()
                proc, key, out = start_counted_gateway(
                    port, up_port, data / f"{label}-{config_name}", config, bin_dir
                )
                try:
                    for kind, body in (("json", CHAT), ("stream", stream)):
                        per = measure(port, key, proc, out, body, args.requests)
                        results[f"{kind} {config_name} {label}"] = per
                        print(f"{kind:7}{config_name:16}{label:5}{per / 1e6:9.3f} M instr/request")
                finally:
                    proc.terminate()
                    proc.wait(timeout=60)
        if args.baseline is not None:
            print()
            for name in [k.rsplit(" ", 1)[0] for k in results if k.endswith(" new")]:
                new, base = results[f"{name} new"], results[f"{name} base"]
                print(f"{name}: {new / base:.3f}x the baseline's instructions per request")
    finally:
        upstream.terminate()
        upstream.wait(timeout=30)


if __name__ == "__main__":
    main()
