"""Instructions inside detect(), counted by callgrind, for this build and another side by
side: a figure that does not drift with the machine's load the way wall time does.

    .venv/bin/python bench/detect_instructions.py [--baseline /path/to/checkout] \
        [--corpus pii-dev|chat|both]

Each build runs in its own ``valgrind --tool=callgrind --collect-atstart=no`` process:
the detectors are built and warmed by one untimed pass, then collection is switched on
around the measured calls only (a client request through a small C library compiled
here from valgrind's own header), so imports, data loading and compiling the
Hyperscan databases are not counted. "pii-dev" is one detect() per record of
../shared/pii-dev/dev.jsonl; "chat" is 20 detect() calls on the gateway bench's 1.7 KB
chat request (this checkout's text for both builds). Needs valgrind and a C compiler;
a pass takes about a minute per build under callgrind.

With ``--cache``, callgrind also simulates the caches and the branch predictor as
bench/RESULTS.md's stop 32 did (I1 and D1 32 KB, last level 512 KB = this EPYC's L2 per
core, 8-way, 64-byte lines) over every 4th record of pii-dev, and the table gives
instructions, I1 misses, L2 instruction and data misses and mispredicted branches:
where the cycles beyond the instructions go (code layout, e.g. a profile-guided build).
Run it with PYTHONHASHSEED=0 for figures that repeat.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

from detect_ab import CORPUS  # this folder is on the path when run as a script
from gateway_overhead import CHAT, ROOT

# Two entry points the child calls through ctypes around the measured work.
CLIENT_C = """
#include <valgrind/callgrind.h>
void zdr_cg_toggle(void) { CALLGRIND_TOGGLE_COLLECT; }
"""

CHILD = """
import ctypes, json, sys
from zdr.detect import DetectorSet
lib = ctypes.CDLL({lib!r})
texts = json.load(open({texts!r}, encoding="utf-8"))
d = DetectorSet()
for t in texts:
    d.detect(t)
lib.zdr_cg_toggle()
for t in texts:
    d.detect(t)
lib.zdr_cg_toggle()
"""


def texts_for(corpus: str) -> list[str]:
    if corpus == "pii-dev":
        with CORPUS.open(encoding="utf-8") as lines:
            return [json.loads(line)["text"] for line in lines]
    chat = "\n\n".join(str(m["content"]) for m in CHAT["messages"])
    return [chat] * 20


def build_client(work: Path) -> Path:
    source, lib = work / "cg.c", work / "libzdrcg.so"
    source.write_text(CLIENT_C)
    subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", str(lib), str(source)], check=True)
    return lib


SIMULATE = [
    "--cache-sim=yes",
    "--branch-sim=yes",
    "--I1=32768,8,64",
    "--D1=32768,8,64",
    "--LL=524288,8,64",
]
# Callgrind's events -> the rows of --cache's table.
CACHE_ROWS = {
    "instructions": ("Ir",),
    "I1 misses": ("I1mr",),
    "D1 misses (read + write)": ("D1mr", "D1mw"),
    "L2 instruction misses": ("ILmr",),
    "L2 data misses": ("DLmr", "DLmw"),
    "mispredicted branches (cond + indirect)": ("Bcm", "Bim"),
}


def events(python: str, texts: Path, lib: Path, out: Path, simulate: bool) -> dict[str, int]:
    code = CHILD.format(lib=str(lib), texts=str(texts))
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            *(SIMULATE if simulate else []),
            f"--callgrind-out-file={out}",
            python,
            "-c",
            code,
        ],
        check=True,
        capture_output=True,
    )
    text = out.read_text()
    names = re.search(r"^events: (.+)$", text, re.MULTILINE)
    totals = re.search(r"^(?:totals|summary): ([\d ]+)$", text, re.MULTILINE)
    if names is None or totals is None:
        raise SystemExit(f"no totals in {out}")
    return dict(zip(names.group(1).split(), map(int, totals.group(1).split()), strict=False))


def count(python: str, texts: Path, lib: Path, out: Path) -> int:
    return events(python, texts, lib, out, simulate=False)["Ir"]


def cache_table(builds: dict[str, str], work: Path, lib: Path, baseline: bool) -> None:
    texts = work / "pii-dev-every4th.json"
    texts.write_text(json.dumps(texts_for("pii-dev")[::4]), encoding="utf-8")
    found = {
        name: events(python, texts, lib, work / f"cache-{name}.out", simulate=True)
        for name, python in builds.items()
    }
    print(
        f"| per {len(json.loads(texts.read_text()))} records | "
        + " | ".join(builds)
        + (" | this / baseline |" if baseline else " |")
    )
    print("|---|" + "---|" * len(builds) + ("---|" if baseline else ""))
    for row, keys in CACHE_ROWS.items():
        sums = {name: sum(ev.get(k, 0) for k in keys) for name, ev in found.items()}
        cells = " | ".join(
            f"{n / 1e6:.2f} M" if n >= 1e6 else f"{n / 1e3:.1f} k" for n in sums.values()
        )
        ratio = f" | {sums['this'] / sums['baseline']:.3f}x |" if baseline else " |"
        print(f"| {row} | {cells}{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", help="another checkout with a built .venv")
    parser.add_argument("--corpus", choices=("pii-dev", "chat", "both"), default="both")
    parser.add_argument(
        "--cache", action="store_true", help="cache and branch simulation (every 4th record)"
    )
    args = parser.parse_args()
    builds = {"this": sys.executable}
    if args.baseline:
        builds["baseline"] = str(Path(args.baseline) / ".venv" / "bin" / "python")
    corpora = ("pii-dev", "chat") if args.corpus == "both" else (args.corpus,)
    # Synthetic corpus texts and callgrind's profiles (kept for callgrind_annotate).
    work = ROOT / "bench" / "results" / "detect_instructions"
    work.mkdir(parents=True, exist_ok=True)
    lib = build_client(work)
    if args.cache:
        cache_table(builds, work, lib, bool(args.baseline))
        return
    ratio_head = " | this / baseline |" if args.baseline else " |"
    print("| corpus | " + " | ".join(builds) + ratio_head)
    print("|---|" + "---|" * len(builds) + ("---|" if args.baseline else ""))
    for corpus in corpora:
        texts = work / f"{corpus}.json"
        texts.write_text(json.dumps(texts_for(corpus)), encoding="utf-8")
        counts = {
            name: count(python, texts, lib, work / f"{corpus}-{name}.out")
            for name, python in builds.items()
        }
        cells = " | ".join(f"{n / 1e6:.1f} M" for n in counts.values())
        ratio = f" | {counts['this'] / counts['baseline']:.3f}x |" if args.baseline else " |"
        print(f"| {corpus} | {cells}{ratio}")


if __name__ == "__main__":
    main()
