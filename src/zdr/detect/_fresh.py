"""Makes sure the compiled detection modules are never older than their source.

zdr.detect is compiled at install (setup.py), and an editable install builds the
extensions beside the ``.py`` files, where Python imports an extension first: after an
edit, a plain ``pytest`` would test the old compiled code. setup.py records a hash of
each source it compiled (``_compiled_from.txt``); if any source differs now, or
``ZDR_PURE_PYTHON`` is set, every module of zdr.detect is imported from its source and
the C loops are left out (each has a Python reference): what a build without a C
compiler runs. This module itself is never compiled.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

_HERE = Path(__file__).resolve().parent
STAMP = "_compiled_from.txt"
# The modules setup.py does not compile (it reads this line): the package itself,
# this module, and those that read settings or load a model at run time.
NOT_COMPILED = frozenset({"__init__.py", "_fresh.py", "configured.py", "ner.py"})


def source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _extensions() -> dict[str, Path]:
    """Module name -> extension file, for the extensions beside this file."""
    found: dict[str, Path] = {}
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        for path in _HERE.glob(f"*{suffix}"):
            found[path.name.split(".", 1)[0]] = path
    return found


def stale_sources() -> list[str]:
    """The compiled modules whose source is not what was compiled (all of them when
    nothing says what was)."""
    extensions = _extensions()
    if not extensions:
        return []
    recorded: dict[str, str] = {}
    stamp = _HERE / STAMP
    if stamp.exists():
        for line in stamp.read_text().splitlines():
            name, _, digest = line.partition(" ")
            recorded[name] = digest
    stale = []
    for module in extensions:
        source = _HERE / (f"{module}.c" if module == "_runs" else f"{module}.py")
        if not source.exists() or recorded.get(source.name) != source_digest(source):
            stale.append(module)
    return sorted(stale)


def build_outdated() -> bool:
    """For scripts/_venv.sh: what was compiled (the recorded sources) is not the
    source now, or a module was added since. False where nothing was compiled."""
    stamp = _HERE / STAMP
    if not stamp.exists():
        return False
    recorded = {line.partition(" ")[0] for line in stamp.read_text().splitlines()}
    current = {p.name for p in _HERE.glob("*.py") if p.name not in NOT_COMPILED}
    return bool(stale_sources()) or current != recorded - {"_runs.c"}


class _SourceFirst(importlib.abc.MetaPathFinder):
    """Imports ``zdr.detect.<name>`` from ``<name>.py`` even where an extension exists."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = {f"{__package__}.{name}" for name in names}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.names:
            return None
        source = _HERE / f"{fullname.rsplit('.', 1)[1]}.py"
        return importlib.util.spec_from_file_location(fullname, source)


def use_source_if_stale() -> bool:
    """Called before any other module of zdr.detect is imported. True when the
    package runs from its source (stale extensions, or ZDR_PURE_PYTHON set)."""
    extensions = _extensions()
    if not extensions:
        return False
    if not os.environ.get("ZDR_PURE_PYTHON") and not stale_sources():
        return False
    sys.modules[f"{__package__}._runs"] = None  # type: ignore[assignment]  # ImportError
    sys.meta_path.insert(0, _SourceFirst([n for n in extensions if n != "_runs"]))
    return True
