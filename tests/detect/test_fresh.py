"""Compiled detection code older than its source is never what runs: a copy of the
installed package, one of its sources edited, imports every module from source."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import zdr

SRC = Path(zdr.__file__).parent

PROBE = (
    "import zdr.detect as d, zdr.detect.secrets as s, zdr.detect.model as m\n"
    "from zdr.detect.model import in_c\n"
    "print(d.RUNS_FROM_SOURCE, s.__file__.endswith('.py'), in_c('span', None) is None)\n"
)


def _run(root: Path, **env: str) -> list[str]:
    environ = {k: v for k, v in os.environ.items() if k != "ZDR_PURE_PYTHON"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**environ, "PYTHONPATH": str(root), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    if not any(SRC.joinpath("detect").glob("engine.*.so")):
        pytest.skip("zdr.detect is not compiled here (pure Python, or the sanitizer's build)")
    shutil.copytree(SRC, tmp_path / "zdr", ignore=shutil.ignore_patterns("__pycache__"))
    # mypyc's shared library sits beside the package in an editable install
    for lib in SRC.parent.glob("*__mypyc*"):
        shutil.copy(lib, tmp_path)
    return tmp_path


def test_unchanged_sources_run_compiled(copy: Path) -> None:
    assert _run(copy) == ["False", "False", "False"]


def test_an_edited_source_runs_from_source(copy: Path) -> None:
    secrets = copy / "zdr" / "detect" / "secrets.py"
    secrets.write_text(secrets.read_text() + "\n# edited\n")
    assert _run(copy) == ["True", "True", "True"]


def test_edited_c_loops_run_from_source(copy: Path) -> None:
    runs = copy / "zdr" / "detect" / "_runs.c"
    runs.write_text(runs.read_text() + "\n/* edited */\n")
    assert _run(copy) == ["True", "True", "True"]


def test_pure_python_asked_for(copy: Path) -> None:
    assert _run(copy, ZDR_PURE_PYTHON="1") == ["True", "True", "True"]
