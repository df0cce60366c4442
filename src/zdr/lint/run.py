"""Walks paths, picks the analyser per file, applies inline suppressions, and never
crashes on bad input: unreadable, binary, huge or unparsable files are reported as
ZDR900 notes and skipped."""

from __future__ import annotations

import ast
import fnmatch
import gc
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from zdr.lint.model import RULES, SEVERITY_RANK, Finding, Severity
from zdr.lint.program import TRACING, Analysis, Located, Programs, python_module
from zdr.lint.python import constants_index, constants_of, misspelt_tracing_env

PYTHON = {".py", ".pyi"}
SCRIPT = {".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "js", ".ts": "ts", ".mts": "ts",
          ".cts": "ts", ".tsx": "tsx"}  # fmt: skip
SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", "dist", "build", ".tox",
             ".mypy_cache", ".ruff_cache", ".pytest_cache", "site-packages"}  # fmt: skip
MAX_BYTES = 2 * 1024 * 1024
Suppressions = dict[int, tuple[set[str], str]]
_SUPPRESS = re.compile(r"(?:#|//)\s*zdr:\s*ignore\[([A-Z0-9, ]+)\](.*)")


def excluded(relative: PurePosixPath, patterns: tuple[str, ...]) -> bool:
    """A glob matches the path below the linted root (`examples/*/tests`, `**/*.test.ts`)
    or, without a slash, any one of its parts (`tests`, `*_test.py`)."""
    text = str(relative)
    for pattern in patterns:
        pattern = pattern.strip("/")
        if "/" in pattern:
            if fnmatch.fnmatchcase(text, pattern) or fnmatch.fnmatchcase(text, pattern + "/*"):
                return True
            if pattern.startswith("**/") and excluded(relative, (pattern[3:],)):
                return True
        elif any(fnmatch.fnmatchcase(part, pattern) for part in relative.parts):
            return True
    return False


def iter_files(
    paths: Iterable[str], exclude: tuple[str, ...] = ()
) -> Iterator[tuple[Path, str | None]]:
    """(file, problem) for every candidate file; problem is set for unreadable paths."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield path, "no such file or directory"
        elif path.is_file():
            yield path, None
        else:
            for dirpath, dirnames, filenames in os.walk(path, onerror=None):
                here = PurePosixPath(Path(dirpath).relative_to(path).as_posix())
                dirnames[:] = sorted(
                    d for d in dirnames if d not in SKIP_DIRS and not excluded(here / d, exclude)
                )
                for name in sorted(filenames):
                    p = Path(dirpath) / name
                    wanted = p.suffix in PYTHON or p.suffix in SCRIPT or name in _DEPLOYMENT_FILES
                    if (wanted or name.startswith(".env")) and not excluded(here / name, exclude):
                        yield p, None


def _read(path: Path) -> tuple[bytes | None, str | None]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, f"larger than {MAX_BYTES // (1024 * 1024)} MiB, skipped"
        data = path.read_bytes()
    except OSError as exc:
        return None, f"unreadable ({exc.strerror or type(exc).__name__})"
    if b"\0" in data[:8192]:
        return None, "binary file, skipped"
    return data, None


def _suppressions(lines: list[str]) -> dict[int, tuple[set[str], str]]:
    out: dict[int, tuple[set[str], str]] = {}
    for i, line in enumerate(lines, start=1):
        m = _SUPPRESS.search(line)
        if m:
            rules = {r.strip() for r in m.group(1).split(",") if r.strip()}
            out[i] = (rules, m.group(2).strip(" -:"))
    return out


def _note(path: Path, problem: str) -> Finding:
    return Finding(str(path), 1, 1, "ZDR900", problem, "note")


@dataclass(slots=True)
class _Source:
    """One file, decoded, and for Python parsed; dropped once analysed."""

    path: Path
    data: bytes
    text: str
    tree: ast.Module | None


def _prepare(path: Path, data: bytes) -> _Source | Finding:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _note(path, "not UTF-8 text, skipped")
    tree = None
    if path.suffix in PYTHON:
        try:
            tree = ast.parse(text)
        except SyntaxError as exc:
            return Finding(str(path), exc.lineno or 1, exc.offset or 1, "ZDR900",
                           f"syntax error ({exc.msg}), file skipped", "note")  # fmt: skip
        except (RecursionError, ValueError):
            return _note(path, "too deeply nested to analyse, skipped")
    return _Source(path, data, text, tree)


def lint_paths(paths: Iterable[str], exclude: Iterable[str] = ()) -> list[Finding]:
    """Lint files and trees. Each file is read, parsed, analysed and dropped: what
    outlives it is its findings and a few facts for the program-wide rules (imports,
    tracing switched off, module constants), so memory does not grow with the tree."""
    # Syntax trees hold no reference cycles and are freed by reference counting as
    # each file is done; the cyclic collector would only walk them again and again.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _lint_paths(tuple(paths), tuple(exclude))
    finally:
        if gc_was_enabled:
            gc.enable()


def _lint_paths(paths: tuple[str, ...], patterns: tuple[str, ...]) -> list[Finding]:
    findings: list[Finding] = []
    analysed: dict[str, tuple[Analysis, Suppressions]] = {}
    settled_dirs: dict[str, set[str]] = {}
    for path, problem in iter_files(paths, patterns):
        if path.name in _DEPLOYMENT_FILES or path.name.startswith(".env"):
            findings.extend(_deployment_file(path, settled_dirs))
            continue
        result = _lint_file(path, problem, {})
        if isinstance(result, list):
            findings.extend(result)
        else:
            analysed[str(path)] = result
    project = constants_index(
        {
            python_module(PurePosixPath(p)): a.facts.constants
            for p, (a, _) in analysed.items()
            if a.facts.constants
        }
    )
    for p, (a, _) in list(analysed.items()):
        # Constants imported from a file analysed later: analyse this one again.
        if (
            a.uses_values
            and a.from_imports
            and any(name in constants_of(project, module) for module, name in a.from_imports)
        ):
            again = _lint_file(Path(p), None, project)
            if not isinstance(again, list):
                analysed[p] = again
    programs = Programs({p: a.facts for p, (a, _) in analysed.items()}, settled_dirs)
    for p, (a, suppressed) in analysed.items():
        located = list(a.found)
        located += [
            (x.line, x.column, x.issue) for x in a.pending if not programs.settled(p, x.settled_by)
        ]
        findings.extend(_findings(p, located, suppressed))
    return sorted(findings)


_DEPLOYMENT_FILES = {"Dockerfile", "docker-compose.yml", "docker-compose.yaml", "compose.yml",
                     "compose.yaml"}  # fmt: skip
# NAME=value, export NAME=value, ENV NAME=value (Dockerfile), - NAME=value or NAME: value
# (compose).
_ENV_LINE = re.compile(
    r"^\s*(?:export\s+|ENV\s+|-\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*[\"']?([^\"'\s#]*)"
)


def _deployment_file(path: Path, settled_dirs: dict[str, set[str]]) -> list[Finding]:
    """.env files, Dockerfiles and compose files set the environment a program runs
    in: OPENAI_AGENTS_DISABLE_TRACING=1 there switches tracing off for the files below
    their folder; a misspelt name is reported where it is set."""
    from zdr.lint import agents_sdk as sdk

    data, problem = _read(path)
    if data is None or problem is not None:
        return []
    out = []
    for i, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        m = _ENV_LINE.match(line)
        if m is None:
            continue
        name, value = m.group(1), m.group(2)
        if name == sdk.TRACING_ENV and value in sdk.TRACING_ENV_ON:
            settled_dirs.setdefault(str(path.parent), set()).add(TRACING)
        elif sdk.MISSPELT_TRACING_ENV.match(name):
            issue = misspelt_tracing_env(name)
            out.append(Finding(str(path), i, m.start(1) + 1, issue.rule, issue.message, "warning"))
    return out


def _lint_file(
    path: Path, problem: str | None, project: dict[str, dict[str, Any]]
) -> list[Finding] | tuple[Analysis, Suppressions]:
    data = None
    if problem is None:
        data, problem = _read(path)
    if problem is not None or data is None:
        return [_note(path, problem or "unreadable")]
    prepared = _prepare(path, data)
    if isinstance(prepared, Finding):
        return [prepared]
    analysis = _analyse(prepared, project)
    if isinstance(analysis, Finding):
        return [analysis]
    return analysis, _suppressions(prepared.text.splitlines())


def lint_source(
    path: Path,
    data: bytes,
    tracing_disabled: bool = False,
    project: dict[str, dict[str, Any]] | None = None,
) -> list[Finding]:
    """One file on its own (the tests' entry; `lint_paths` for trees): a program of
    one file, with tracing switched off elsewhere when `tracing_disabled`."""
    prepared = _prepare(path, data)
    if isinstance(prepared, Finding):
        return [prepared]
    analysis = _analyse(prepared, constants_index(project or {}))
    if isinstance(analysis, Finding):
        return [analysis]
    settled = analysis.facts.settles | ({TRACING} if tracing_disabled else set())
    located = list(analysis.found)
    located += [
        (x.line, x.column, x.issue) for x in analysis.pending if x.settled_by not in settled
    ]
    return sorted(_findings(str(path), located, _suppressions(prepared.text.splitlines())))


def _analyse(src: _Source, project: dict[str, dict[str, Any]]) -> Analysis | Finding:
    from zdr.lint.javascript import analyse_javascript
    from zdr.lint.python import analyse_python

    path = src.path
    if src.tree is not None:
        try:
            return analyse_python(src.tree, str(path), project)
        except RecursionError:
            return _note(path, "too deeply nested to analyse, skipped")
    analysis, unreadable = analyse_javascript(src.data, SCRIPT[path.suffix], path)
    if unreadable:
        return _note(path, "syntax errors, nothing recognisable analysed")
    return analysis


def _findings(
    path: str, located: list[Located], suppressed: dict[int, tuple[set[str], str]]
) -> list[Finding]:
    out: list[Finding] = []
    for line, col, issue in located:
        rule = RULES[issue.rule]
        severity: Severity = issue.severity or rule.severity  # type: ignore[assignment]
        message = issue.message
        for at in (line, line - 1):
            entry = suppressed.get(at)
            if entry and (issue.rule in entry[0]):
                if entry[1]:
                    break
                message += " (a zdr: ignore comment without a reason is not honoured)"
        else:
            out.append(Finding(path, line, col, issue.rule, message, severity))
    return out


def at_least(findings: list[Finding], minimum: Severity) -> list[Finding]:
    return [f for f in findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[minimum]]
