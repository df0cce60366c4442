"""detect() on ../shared/pii-dev with two builds side by side, interleaved in one run
(this machine's timings drift by several percent between runs): e.g. the commit
before a change, installed in its own checkout and venv, against this one.

    .venv/bin/python bench/detect_ab.py --other /path/to/checkout/.venv/bin/python \
        [--rounds 5] [--repeat 5]

Each round runs each build in a fresh process (best of --repeat passes over the
corpus, and the gateway bench's 1.7 KB chat request); the table gives each build's
best over all rounds and the ratio.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# ../shared beside a clone (CI), or the workplace's shared folder beside the worktrees.
CORPUS = next(
    p / "pii-dev" / "dev.jsonl"
    for p in (HERE.parents[1] / "shared", HERE.parents[2] / "shared")
    if p.exists()
)

PROBE = """
import json, sys, time
sys.path.insert(0, {bench!r})
from gateway_overhead import CHAT
from zdr.detect import DetectorSet
texts = [json.loads(line)["text"] for line in open({corpus!r}, encoding="utf-8")]
chat = "\\n\\n".join(m["content"] for m in CHAT["messages"])
d = DetectorSet()
def best(fn, n):
    out = []
    for _ in range(n):
        t0 = time.perf_counter(); fn(); out.append(time.perf_counter() - t0)
    return min(out)
corpus = best(lambda: [d.detect(t) for t in texts], {repeat})
one = best(lambda: [d.detect(chat) for _ in range(1000)], {repeat}) / 1000
print(json.dumps({{"corpus_ms": corpus * 1000, "chat_us": one * 1e6,
                  "mb": sum(len(t.encode()) for t in texts) / 1e6}}))
"""


def run(python: str, repeat: int) -> dict[str, float]:
    code = PROBE.format(bench=str(HERE), corpus=str(CORPUS), repeat=repeat)
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--other", required=True, help="the other build's python")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    builds = {"this": sys.executable, "other": args.other}
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.rounds):
        for name, python in builds.items():
            result = run(python, args.repeat)
            kept = best.setdefault(name, result)
            for key in ("corpus_ms", "chat_us"):
                kept[key] = min(kept[key], result[key])
    mb = best["this"]["mb"]
    print("| build | detect() corpus ms | MB/s | 1.7 KB chat request us |")
    print("|---|---|---|---|")
    for name in builds:
        ms, us = best[name]["corpus_ms"], best[name]["chat_us"]
        print(f"| {name} | {ms:.1f} | {mb / ms * 1000:.2f} | {us:.1f} |")
    ratio = best["this"]["corpus_ms"] / best["other"]["corpus_ms"]
    chat = best["this"]["chat_us"] / best["other"]["chat_us"]
    print(f"this / other: corpus {ratio:.3f}, chat request {chat:.3f} (target: corpus <= 1.20)")


if __name__ == "__main__":
    main()
