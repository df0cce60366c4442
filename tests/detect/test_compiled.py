"""The detection modules are compiled by mypyc when zdr is installed (setup.py); a
machine without a C compiler runs them as Python. CI requires the compiled build
(REQUIRE_COMPILED=1), so a build that silently fell back is caught there."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

import zdr.detect
from zdr.detect._fresh import NOT_COMPILED

PACKAGE = Path(zdr.detect.__file__).parent
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.name not in NOT_COMPILED)


def test_detection_modules_are_compiled() -> None:
    python = [
        name
        for name in MODULES
        if str(importlib.import_module(f"zdr.detect.{name}").__file__).endswith(".py")
    ]
    try:  # the hand-written C loops (setup.py), built beside the compiled modules
        importlib.import_module("zdr.detect._runs")
    except ImportError:
        python.append("_runs")
    if python and not os.environ.get("REQUIRE_COMPILED"):
        pytest.skip(f"running as Python: {python} (no C compiler, or ZDR_PURE_PYTHON)")
    assert python == []
