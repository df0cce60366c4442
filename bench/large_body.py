"""A large body beside small requests, side by side in one run: small chat requests
answered one after another, alone and then while a ~1 MB chat request (the corpus
twice, ~6,600 personal values) is pseudonymized, sent upstream and restored.

    .venv/bin/python bench/large_body.py [--small 200] [--copies 2]

The gateway runs as `zdr serve` with the defaults (pseudonymization and audit on) and
the fake upstream, which echoes the large body back, so its answer is restored too.
Bodies over detection.worker_thread_above_bytes are examined in a worker thread; what
is measured is how much the small requests wait meanwhile.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import statistics
import threading
import time

import httpx

from gateway_overhead import CHAT, FULL_CONFIG, ROOT, free_port, start_gateway, start_upstream

CORPUS = ROOT.parent / "shared" / "pii-dev" / "dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--copies", type=int, default=2)
    args = parser.parse_args()
    texts = [json.loads(line)["text"] for line in CORPUS.open(encoding="utf-8")]
    big = {
        "model": "gpt-4.1-mini",
        "messages": [{"role": "user", "content": "\n\n".join(texts) * args.copies}],
    }
    data_dir = ROOT / "bench" / "results" / "large-body"
    shutil.rmtree(data_dir, ignore_errors=True)
    up_port, gw_port = free_port(), free_port()
    upstream = start_upstream(up_port)
    gateway, key = start_gateway(gw_port, up_port, data_dir, FULL_CONFIG)
    url = f"http://127.0.0.1:{gw_port}/v1/chat/completions"
    headers = {"Authorization": f"Bearer {key}"}
    try:
        client = httpx.Client(timeout=120)

        def small() -> float:
            t0 = time.perf_counter()
            reply = client.post(url, json=CHAT, headers=headers)
            if reply.status_code != 200:
                raise RuntimeError(f"small request: HTTP {reply.status_code}")
            return (time.perf_counter() - t0) * 1000

        for _ in range(50):
            small()  # warm up
        alone = sorted(small() for _ in range(args.small))
        large: dict[str, float] = {}

        def send_large() -> None:
            t0 = time.perf_counter()
            reply = httpx.post(url, json=big, headers=headers, timeout=300)
            large["seconds"] = time.perf_counter() - t0
            large["status"] = reply.status_code

        sender = threading.Thread(target=send_large)
        sender.start()
        time.sleep(0.05)  # the large body is on its way
        during: list[float] = []
        while sender.is_alive():
            during.append(small())
        sender.join()
        during.sort()
        mb = len(json.dumps(big)) / 1e6
        print(f"large body: {mb:.2f} MB, HTTP {large['status']}, {large['seconds']:.2f} s")
        print(f"{'small requests':28}{'n':>6}{'p50 ms':>9}{'max ms':>9}")
        for name, lat in (("alone", alone), ("during the large body", during)):
            print(f"{name:28}{len(lat):6}{statistics.median(lat):9.2f}{lat[-1]:9.2f}")
        ratio = statistics.median(during) / statistics.median(alone)
        print(f"p50 during / alone: {ratio:.1f}x")
    finally:
        for proc in (gateway, upstream):
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
