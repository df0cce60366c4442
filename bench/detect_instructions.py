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


def count(python: str, texts: Path, lib: Path, out: Path) -> int:
    code = CHILD.format(lib=str(lib), texts=str(texts))
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            f"--callgrind-out-file={out}",
            python,
            "-c",
            code,
        ],
        check=True,
        capture_output=True,
    )
    totals = re.search(r"^(?:totals|summary): (\d+)", out.read_text(), re.MULTILINE)
    if totals is None:
        raise SystemExit(f"no totals in {out}")
    return int(totals.group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", help="another checkout with a built .venv")
    parser.add_argument("--corpus", choices=("pii-dev", "chat", "both"), default="both")
    args = parser.parse_args()
    builds = {"this": sys.executable}
    if args.baseline:
        builds["baseline"] = str(Path(args.baseline) / ".venv" / "bin" / "python")
    corpora = ("pii-dev", "chat") if args.corpus == "both" else (args.corpus,)
    # Synthetic corpus texts and callgrind's profiles (kept for callgrind_annotate).
    work = ROOT / "bench" / "results" / "detect_instructions"
    work.mkdir(parents=True, exist_ok=True)
    lib = build_client(work)
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
