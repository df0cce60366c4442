"""Compiles the detection modules with mypyc (they are plain typed Python) and builds
zdr/detect/_runs.c, the C loops each of which has a Python reference; together ~3x
faster, see bench/detect_speed.py. Each extension is optional: with no C compiler, or
with ZDR_PURE_PYTHON=1, zdr installs and runs as pure Python, with the same results."""

import os
import sys

from setuptools import Extension, setup

COMPILED = [
    "src/zdr/detect/model.py",
    "src/zdr/detect/scan.py",
    "src/zdr/detect/validators.py",
    "src/zdr/detect/patterns.py",
    "src/zdr/detect/secrets.py",
    "src/zdr/detect/names.py",
    "src/zdr/detect/engine.py",
]


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
    modules.append(Extension("zdr.detect._runs", ["src/zdr/detect/_runs.c"]))
    for module in modules:
        module.optional = True  # a failed C compile leaves the pure-Python module
    return modules


setup(ext_modules=extensions())
