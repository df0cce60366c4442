"""Detection speed on ../shared/pii-dev, one core: the shared Hyperscan pass, then each
detector on the scanned texts, then the whole DetectorSet.detect as the gateway calls
it, all measured in one run (best of --repeat); then the chat request of
bench/gateway_overhead.py (a support ticket with three personal values: text less
dense with them than the corpus).

    .venv/bin/python bench/detect_speed.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from gateway_overhead import CHAT  # this folder is on the path when run as a script
from zdr.detect import DetectorSet

# ../shared beside a clone (CI), or the workplace's shared folder beside the worktrees.
_HERE = Path(__file__).resolve().parent
CORPUS = next(
    p / "pii-dev" / "dev.jsonl"
    for p in (_HERE.parents[1] / "shared", _HERE.parents[2] / "shared")
    if p.exists()
)


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    texts = [json.loads(line)["text"] for line in CORPUS.open(encoding="utf-8")]
    mb = sum(len(t.encode()) for t in texts) / 1e6
    detectors = DetectorSet()
    scanned = [detectors.scanner.scan(t) for t in texts]

    scan = best(lambda: [detectors.scanner.scan(t) for t in texts], args.repeat)
    rows = [("scan (all anchors)", scan)]
    for d in detectors.detectors:
        rows.append((d.name, best(lambda d=d: [list(d.find(s)) for s in scanned], args.repeat)))
    total = best(lambda: [detectors.detect(t) for t in texts], args.repeat)
    # The same corpus as one long document, 16 times over (~8 MB): time must grow in
    # proportion to length (a name search once made it quadratic).
    long_text = "\n\n".join(texts) * 16
    long_mb = len(long_text.encode()) / 1e6
    long_seconds = best(lambda: detectors.detect(long_text), 1)
    chat = "\n\n".join(m["content"] for m in CHAT["messages"])
    chat_kb = len(chat.encode()) / 1e3
    chat_seconds = best(lambda: [detectors.detect(chat) for _ in range(1000)], args.repeat) / 1000
    print(f"{len(texts)} texts, {mb:.3f} MB (UTF-8)")
    print("| part | ms | MB/s |")
    print("|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds * 1000:.1f} | {mb / seconds:.1f} |")
    print(f"| **detect() end to end** | {total * 1000:.1f} | **{mb / total:.2f}** |")
    rate = long_mb / long_seconds
    print(f"| detect(), one {long_mb:.1f} MB document | {long_seconds * 1000:.0f} | {rate:.2f} |")
    chat_rate = chat_kb / 1e3 / chat_seconds
    chat_ms = chat_seconds * 1000
    print(f"| detect(), the {chat_kb:.1f} KB chat request | {chat_ms:.3f} | {chat_rate:.1f} |")
    print("target: >= 10 MB/s on one core")


if __name__ == "__main__":
    main()
