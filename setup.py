"""Compiles the detection modules with mypyc (they are plain typed Python) and builds
zdr/detect/_runs.c, the C loops each of which has a Python reference; together ~3x
faster, see bench/detect_speed.py. Each extension is optional: with no C compiler, or
with ZDR_PURE_PYTHON=1, zdr installs and runs as pure Python, with the same results.
A hash of each source compiled is written to zdr/detect/_compiled_from.txt: zdr.detect
imports its source instead of an extension built from other source (zdr/detect/_fresh.py).
"""

import ast
import hashlib
import os
import re
import sys
from pathlib import Path

from setuptools import Extension, setup

DETECT = Path("src/zdr/detect")
# Every module of zdr.detect but those _fresh.py names (it cannot be imported here).
NOT_COMPILED = ast.literal_eval(
    re.search(r"NOT_COMPILED = frozenset\((\{.*?\})\)", (DETECT / "_fresh.py").read_text())[1]
)
COMPILED = sorted(str(p) for p in DETECT.glob("*.py") if p.name not in NOT_COMPILED)
RUNS = DETECT / "_runs.c"


def record_sources() -> None:
    lines = [
        f"{Path(p).name} {hashlib.sha256(Path(p).read_bytes()).hexdigest()}"
        for p in [*COMPILED, str(RUNS)]
    ]
    (DETECT / "_compiled_from.txt").write_text("\n".join(lines) + "\n")


def extensions() -> list:
    if os.environ.get("ZDR_PURE_PYTHON"):
        return []
    try:
        from mypyc.build import mypycify

        modules = mypycify(COMPILED, opt_level="3")
    except (Exception, SystemExit) as exc:  # no mypyc, or it exits on a type error
        sys.stderr.write(f"zdr: not compiling zdr.detect ({exc!r}); it runs as Python\n")
        return []
    # Hand-written C for two loops where the regex engine's per-character cost
    # dominated (each function's Python reference is named in the file).
    modules.append(Extension("zdr.detect._runs", [str(RUNS)]))
    for module in modules:
        module.optional = True  # a failed C compile leaves the pure-Python module
    record_sources()
    return modules


setup(ext_modules=extensions())
