"""The profile-guided build of zdr.detect (setup.py's PgoBuildExt): its training texts
(scripts/pgo_training.py) reach every detector, and what is installed is never the
instrumented build (which would write gcc's counts at every interpreter's exit)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path

import pytest

import zdr.detect
from zdr.detect import LABELS, DetectorSet

TRAINING = Path(__file__).resolve().parents[2] / "scripts" / "pgo_training.py"
PACKAGE = Path(zdr.detect.__file__).parent


def training_texts() -> list[str]:
    spec = importlib.util.spec_from_file_location("pgo_training", TRAINING)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    texts: list[str] = module.texts()
    return texts


def test_training_texts_reach_every_label() -> None:
    texts = training_texts()
    assert texts == training_texts()  # the same profile from every build
    detector = DetectorSet()
    found = {span.label for text in texts for span in detector.detect(text)}
    assert found == set(LABELS)


def test_training_texts_are_mostly_text_around_the_values() -> None:
    # Like traffic: prose, code, logs and tables around the values, not lists of them.
    texts = training_texts()
    detector = DetectorSet()
    covered = sum(s.end - s.start for text in texts for s in detector.detect(text))
    assert covered < 0.3 * sum(map(len, texts))


def extension_files() -> list[Path]:
    files = [
        p for suffix in importlib.machinery.EXTENSION_SUFFIXES for p in PACKAGE.glob(f"*{suffix}")
    ]
    # mypyc's shared library of the compiled modules (their shims above import it).
    files += [
        Path(str(m.__file__))
        for name, m in list(sys.modules.items())
        if name.endswith("__mypyc") and getattr(m, "__file__", None)
    ]
    return files


def test_no_instrumented_extension_is_installed() -> None:
    files = extension_files()
    if not files:
        pytest.skip("zdr.detect runs as Python (nothing compiled)")
    instrumented = [p.name for p in files if b"__gcov_" in p.read_bytes()]
    assert instrumented == []
