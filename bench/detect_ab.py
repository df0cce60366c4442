"""detect() on ../shared/pii-dev with two builds side by side, interleaved in one run
(this machine's timings drift by several percent between runs): e.g. the commit
before a change, installed in its own checkout and venv, against this one.

    .venv/bin/python bench/detect_ab.py --other /path/to/checkout/.venv/bin/python \
        [--rounds 5] [--repeat 5]

Each round runs each build in a fresh process (best of --repeat passes over the
corpus, and the gateway bench's 1.7 KB chat request); the table gives each build's
best over all rounds and the ratio.

With ``--per-detector``, each build also times its parts inside the corpus pass, in
the order detect() runs them (the scan, each detector on the texts its anchors let
through, then resolving), the pass that was fastest in total; a part's time moves
with what runs before it (caches), so it is timed in place, not alone.

With ``--cpu`` each pass is timed by the process's CPU time (``time.process_time``)
instead of the wall clock: on a machine busier than its cores, the time a pass waits
for a core is left out (not the caches the other processes leave cold).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

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
        t0 = time.{clock}(); fn(); out.append(time.{clock}() - t0)
    return min(out)
corpus = best(lambda: [d.detect(t) for t in texts], {repeat})
one = best(lambda: [d.detect(chat) for _ in range(1000)], {repeat}) / 1000
parts = {{}}
if {per_detector!r}:
    from zdr.detect import engine
    mentions = getattr(engine, "other_mentions", None)  # builds before it had none
    clock = time.perf_counter
    for _ in range({repeat}):
        took = {{}}
        start = clock()
        for text in texts:
            t0 = clock(); scanned = d.scanner.scan(text); t1 = clock()
            took["scan"] = took.get("scan", 0.0) + t1 - t0
            present = scanned.anchors_found()
            spans = []
            for detector, needs in d._plan:
                if needs is None or not needs.isdisjoint(present):
                    t0 = clock(); spans.extend(detector.find(scanned)); t1 = clock()
                    took[detector.name] = took.get(detector.name, 0.0) + t1 - t0
            t0 = clock(); taken = engine._resolve(spans, engine.PRIORITY)
            if mentions is not None:
                mentions(text, taken)
            t1 = clock()
            took["resolve"] = took.get("resolve", 0.0) + t1 - t0
        took["pass"] = clock() - start
        if not parts or took["pass"] < parts["pass"]:
            parts = took
print(json.dumps({{"corpus_ms": corpus * 1000, "chat_us": one * 1e6,
                  "mb": sum(len(t.encode()) for t in texts) / 1e6,
                  "parts_ms": {{k: v * 1000 for k, v in parts.items()}}}}))
"""


def run(python: str, repeat: int, per_detector: bool, clock: str) -> dict[str, Any]:
    code = PROBE.format(
        bench=str(HERE), corpus=str(CORPUS), repeat=repeat, per_detector=per_detector, clock=clock
    )
    done = subprocess.run([python, "-c", code], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{python} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--other", required=True, help="the other build's python")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--per-detector", action="store_true", help="also time each part of the pass"
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time the passes by the process's CPU time, not the wall clock (a loaded "
        "machine: waiting for a core is left out, the caches others leave cold are not)",
    )
    args = parser.parse_args()
    clock = "process_time" if args.cpu else "perf_counter"
    builds = {"this": sys.executable, "other": args.other}
    best: dict[str, dict[str, Any]] = {}
    for _ in range(args.rounds):
        for name, python in builds.items():
            result = run(python, args.repeat, args.per_detector, clock)
            kept = best.setdefault(name, result)
            for key in ("corpus_ms", "chat_us"):
                kept[key] = min(kept[key], result[key])
            if result["parts_ms"] and result["parts_ms"]["pass"] < kept["parts_ms"]["pass"]:
                kept["parts_ms"] = result["parts_ms"]
    mb = best["this"]["mb"]
    print("| build | detect() corpus ms | MB/s | 1.7 KB chat request us |")
    print("|---|---|---|---|")
    for name in builds:
        ms, us = best[name]["corpus_ms"], best[name]["chat_us"]
        print(f"| {name} | {ms:.1f} | {mb / ms * 1000:.2f} | {us:.1f} |")
    ratio = best["this"]["corpus_ms"] / best["other"]["corpus_ms"]
    chat = best["this"]["chat_us"] / best["other"]["chat_us"]
    print(f"this / other: corpus {ratio:.3f}, chat request {chat:.3f} (target: corpus <= 1.20)")
    if args.per_detector:
        print_parts(best["this"]["parts_ms"], best["other"]["parts_ms"])


def print_parts(this: dict[str, float], other: dict[str, float]) -> None:
    """Each part's ms in the fastest timed pass of each build, and their ratio."""
    print()
    print("| part of the pass (timed in place) | this ms | other ms | this / other |")
    print("|---|---|---|---|")
    for part in sorted(this.keys() | other.keys(), key=lambda p: -this.get(p, 0.0)):
        mine, theirs = this.get(part), other.get(part)
        ratio = f"{mine / theirs:.2f}" if mine and theirs else "-"
        shown = [f"{v:.1f}" if v is not None else "-" for v in (mine, theirs)]
        print(f"| {part} | {shown[0]} | {shown[1]} | {ratio} |")


if __name__ == "__main__":
    main()
