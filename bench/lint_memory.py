"""`zdr lint` on a real tree: wall time and peak memory (max RSS of a fresh process),
optionally side by side with another checkout of zdr (a before/after in one run).

    .venv/bin/python bench/lint_memory.py /work/ext/openai+openai-agents-python \\
        [--against /tmp/old-zdr/src] [--rounds 2]

Target: under 200 MB on a 400,000-line tree. Each measurement runs in its own process
pinned to one core, so the peaks do not mix; rounds alternate old and new. On a shared
machine compare the CPU seconds (the process's own), not the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

CHILD = """
import json, resource, sys, time
from zdr.lint.run import lint_paths
t0 = time.perf_counter()
findings = lint_paths([sys.argv[1]])
elapsed = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": elapsed, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": usage.ru_maxrss / 1024, "findings": len(findings)}))
"""

SUFFIXES = {".py", ".pyi", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"}
SKIP = {"node_modules", ".git", ".venv", "venv", "dist", "build", "__pycache__"}


def count_lines(root: Path) -> tuple[int, int]:
    files = lines = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP]
        for name in filenames:
            if Path(name).suffix in SUFFIXES:
                files += 1
                with open(Path(dirpath) / name, "rb") as f:
                    lines += f.read().count(b"\n")
    return files, lines


def measure(tree: Path, src: str | None) -> dict[str, float]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src
    cmd = [sys.executable, "-c", CHILD, str(tree)]
    if os.path.exists("/usr/bin/taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("tree", type=Path)
    parser.add_argument("--against", help="another zdr src/ to run side by side (before)")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    files, lines = count_lines(args.tree)
    print(f"{args.tree}: {lines:,} lines of Python/JS/TS in {files:,} files")
    runs = [("this checkout", None)]
    if args.against:
        runs.insert(0, ("against", args.against))
    for r in range(args.rounds):
        for label, src in runs:
            m = measure(args.tree, src)
            print(
                f"  round {r + 1} {label:14} {m['seconds']:6.2f} s wall, {m['cpu']:6.2f} s CPU  "
                f"peak {m['peak_mb']:6.0f} MB  "
                f"{int(m['findings'])} findings"
            )


if __name__ == "__main__":
    main()
