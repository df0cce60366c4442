"""Compiles the detection modules with mypyc (they are plain typed Python) and builds
zdr/detect/_runs.c, the C loops each of which has a Python reference; together ~3x
faster, see bench/detect_speed.py. Each extension is optional: with no C compiler, or
with ZDR_PURE_PYTHON=1, zdr installs and runs as pure Python, with the same results.
A hash of each source compiled is written to zdr/detect/_compiled_from.txt: zdr.detect
imports its source instead of an extension built from other source (zdr/detect/_fresh.py).

With gcc the extensions are compiled twice, profile-guided (``PgoBuildExt``): once
instrumented, then run over scripts/pgo_training.py's texts, then again with the counts
that run left, so that gcc lays the hot paths together and straightens their branches
(over a megabyte of machine code: instruction-cache misses and mispredictions, not
instructions, were most of its cost; bench/RESULTS.md). ZDR_PGO=0 builds without.
"""

import ast
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

DETECT = Path("src/zdr/detect")
# Every module of zdr.detect but those _fresh.py names (it cannot be imported here).
NOT_COMPILED = ast.literal_eval(
    re.search(r"NOT_COMPILED = frozenset\((\{.*?\})\)", (DETECT / "_fresh.py").read_text())[1]
)
COMPILED = sorted(str(p) for p in DETECT.glob("*.py") if p.name not in NOT_COMPILED)
RUNS = DETECT / "_runs.c"
TRAINING = Path("scripts/pgo_training.py")


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


class PgoBuildExt(build_ext):
    """build_ext, profile-guided with gcc: (1) every extension compiled with
    -fprofile-generate, (2) scripts/pgo_training.py run in a fresh interpreter against a
    copy of the package holding those extensions, (3) every extension compiled again
    with -fprofile-use. The counts live in a temporary directory, deleted after (never
    in the package or the tree). Anything failing on the way (no gcc, an extension not
    built, the training's exit status, no counts written) leaves one line on stderr and
    the plain build, as without a profile: the profile changes where code goes, never
    what it does. -fprofile-partial-training: code the training did not run is compiled
    as usual, not for size, since traffic may run it (without it, pii-dev's simulated
    cache and branch misses were no fewer: bench/RESULTS.md, stop 33)."""

    def build_extensions(self) -> None:
        self.plain = {
            e.name: (list(e.extra_compile_args), list(e.extra_link_args)) for e in self.extensions
        }
        if not self.extensions or os.environ.get("ZDR_PGO") == "0":
            self._build_with([], [])
            return
        # The counts and the training's copy of the package, beside the objects; they
        # must start empty (gcc adds to counts it finds).
        work = Path(self.build_temp).resolve() / "zdr-pgo"
        shutil.rmtree(work, ignore_errors=True)
        try:
            self._profiled(work)
            return
        except Exception as exc:
            sys.stderr.write(f"zdr: no profile-guided build ({exc}); building zdr.detect without\n")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        self._build_with([], [])

    def _profiled(self, work: Path) -> None:
        version = subprocess.run(
            [self.compiler.compiler_so[0], "--version"], capture_output=True, text=True
        ).stdout
        if self.compiler.compiler_type != "unix" or "Free Software Foundation" not in version:
            raise RuntimeError("the compiler is not gcc")
        if not TRAINING.exists():
            raise RuntimeError(f"no {TRAINING}")
        counts = work / "counts"
        self._build_with([f"-fprofile-generate={counts}"], ["-fprofile-generate"], check=True)
        tree = work / "tree"
        shutil.copytree(
            DETECT.parent, tree / "zdr", ignore=shutil.ignore_patterns("*.so", "__pycache__")
        )
        for ext in self.extensions:
            built = self.get_ext_fullpath(ext.name)
            shutil.copy2(built, tree / os.path.relpath(built, self.build_lib))
        trained = subprocess.run(
            [sys.executable, "-E", "-S", str(TRAINING), str(tree), *sys.path],
            capture_output=True,
            text=True,
            timeout=900,
        )
        if trained.returncode != 0:
            last = (trained.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"the training run failed: {last}")
        if not any(counts.rglob("*.gcda")):
            raise RuntimeError("the training run left no counts")
        self._build_with(
            [f"-fprofile-use={counts}", "-fprofile-partial-training", "-Wno-missing-profile"],
            [],
            check=True,
        )

    def _build_with(self, compile_args: list, link_args: list, check: bool = False) -> None:
        """Every extension built again with these flags added to its own; with check,
        raises unless all were built. The previous build's files are removed first: an
        instrumented extension must never be left for a failed compile to install."""
        for ext in self.extensions:
            ext.extra_compile_args = self.plain[ext.name][0] + compile_args
            ext.extra_link_args = self.plain[ext.name][1] + link_args
            Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
        self.force = True  # every object again, whatever the file times say
        super().build_extensions()
        missing = [
            e.name for e in self.extensions if not Path(self.get_ext_fullpath(e.name)).exists()
        ]
        if check and missing:
            raise RuntimeError(f"{', '.join(missing)} not built with {' '.join(compile_args)}")


setup(ext_modules=extensions(), cmdclass={"build_ext": PgoBuildExt})
