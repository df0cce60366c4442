"""PII detection quality and speed on ../shared/pii-dev, zdr side by side with
Microsoft Presidio (spaCy model) in one run, through the corpus's own scorer.

    .venv/bin/python bench/pii_quality.py [--presidio-python PATH]

Presidio is not a zdr dependency: point --presidio-python at an interpreter that has
presidio-analyzer and a spaCy English model installed (see bench/presidio_adapter.py).
Without one, only zdr is scored and the table says so.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "pii-dev" / "score.py"


def score(python: str, detector: str) -> dict | None:
    out = ROOT / "bench" / "results" / f"pii_{detector.split('/')[1].split('_')[0]}.json"
    out.parent.mkdir(exist_ok=True)
    out.unlink(missing_ok=True)
    done = subprocess.run(
        [python, str(SCORER), "--detector", detector, "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or not out.exists():
        sys.stderr.write(f"{detector}: scorer failed\n{done.stderr[-2000:]}\n")
        return None
    result: dict = json.loads(out.read_text())
    return result


def row(name: str, result: dict | None) -> str:
    if result is None:
        return f"| {name} | not run | | | | | |"
    o = result["overall"]
    person = result["labels"].get("PERSON", {}).get("leak_rate", 0)
    mbps = result["throughput"].get("mb_per_s") or (
        o["chars"] / 1e6 / max(o["detector_seconds"], 1e-9)
    )
    return (
        f"| {name} | {o['leak_rate'] * 100:.1f}% | {person * 100:.1f}% | "
        f"{o['decoy_flag_rate'] * 100:.1f}% | {o['typed']['f1']:.3f} | "
        f"{o['neg_fp_rate'] * 100:.1f}% | {mbps:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--presidio-python", help="interpreter with presidio-analyzer + spaCy")
    args = parser.parse_args()
    results = {"zdr": score(sys.executable, "bench/zdr_adapter.py:make_detector")}
    if args.presidio_python:
        results["presidio"] = score(args.presidio_python, "bench/presidio_adapter.py:make_detector")
    print(
        "| detector | LEAK | PERSON LEAK | decoys flagged | typed F1 | negatives flagged | MB/s |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, result in results.items():
        print(row(name, result))
    if not args.presidio_python:
        print("| presidio | not run (no --presidio-python) | | | | | |")
    print("targets: LEAK <= 2%, PERSON <= 5%, decoys <= 5%, >= 10 MB/s")


if __name__ == "__main__":
    main()
