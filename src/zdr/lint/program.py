"""What one file tells about the program it belongs to, and the programs of a tree.

Some findings depend on the whole program, not the file: the Agents SDK exports traces
unless the program switches tracing off, and an agent without `store=False` keeps
nothing if the program sends its agents elsewhere. A program is a file nobody imports
(an entry point) with everything it imports, transitively; a file belongs to every
program that reaches it, and such a finding is dropped only when every one of them
settles it. Only these small facts are kept per file, never its syntax tree."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from zdr.lint.knowledge import Issue

Located = tuple[int, int, Issue]

# What settles a pending finding, program-wide.
TRACING = "tracing"
AGENTS_STORE = "agents-store"

_JS_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")


@dataclass(slots=True)
class Pending:
    line: int
    column: int
    issue: Issue
    settled_by: str  # TRACING or AGENTS_STORE


@dataclass(slots=True)
class FileFacts:
    # Python: absolute dotted modules; JS/TS: import specifiers as written.
    imports: list[str] = field(default_factory=list)
    settles: set[str] = field(default_factory=set)  # TRACING, AGENTS_STORE
    # Python module constants (dicts and short strings) other files may import.
    constants: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Analysis:
    found: list[Located] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    facts: FileFacts = field(default_factory=FileFacts)
    # (module, name) imported and not known to be a constant yet: when another file of
    # the tree turns out to define it, this file is analysed again.
    from_imports: list[tuple[str, str]] = field(default_factory=list)
    # Whether any call here takes values (SDK, HTTP, agents): only then can constants
    # from other files change the findings.
    uses_values: bool = False


def python_module(path: PurePosixPath) -> str:
    parts = list(path.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(p for p in parts if p not in (".", "", "/"))


class Programs:
    """The import graph of the linted files, and which findings their programs settle."""

    def __init__(self, files: dict[str, FileFacts], settled_dirs: dict[str, set[str]]):
        self.files = files
        self._by_module: dict[str, list[str]] = {}
        self._by_stem: dict[str, list[str]] = {}
        for path in files:
            p = PurePosixPath(path)
            if p.suffix in (".py", ".pyi"):
                module = python_module(p)
                parts = module.split(".")
                for i in range(len(parts)):
                    self._by_module.setdefault(".".join(parts[i:]), []).append(path)
            else:
                self._by_stem.setdefault(str(p.with_suffix("")), []).append(path)
        self.edges: dict[str, set[str]] = {p: set() for p in files}
        self.importers: dict[str, set[str]] = {p: set() for p in files}
        for path, facts in files.items():
            for spec in facts.imports:
                for target in self._resolve(path, spec):
                    if target != path:
                        self.edges[path].add(target)
                        self.importers[target].add(path)
        # Deployment files (.env, Dockerfile, compose) that switch tracing off settle it
        # for every file below their folder.
        for path, facts in files.items():
            parent = PurePosixPath(path).parent
            for folder, what in settled_dirs.items():
                if parent == PurePosixPath(folder) or PurePosixPath(folder) in parent.parents:
                    facts.settles |= what
        self._closure_cache: dict[tuple[str, str], bool] = {}

    def _resolve(self, path: str, spec: str) -> Iterable[str]:
        p = PurePosixPath(path)
        if p.suffix in (".py", ".pyi"):
            return self._resolve_python(p, spec)
        return self._resolve_script(p, spec)

    def _resolve_python(self, p: PurePosixPath, module: str) -> list[str]:
        """A module of the tree whose package root is on the importer's path (its folder
        or one above, or a `src/` beside one): how the program would be run. Relative
        imports come as paths ("./context", "../tools/search")."""
        if module.startswith("."):
            base = PurePosixPath(posixpath.normpath(str(p.parent / module)))
            return [
                str(c)
                for c in (base.with_name(base.name + ".py"), base / "__init__.py")
                if str(c) in self.files
            ]
        out = []
        for candidate in self._by_module.get(module, ()):
            c = PurePosixPath(candidate)
            depth = module.count(".") + (2 if c.stem == "__init__" else 1)
            root = c.parents[depth - 1] if len(c.parents) >= depth else PurePosixPath(".")
            if root.name == "src":
                root = root.parent
            if root == p.parent or root in p.parents:
                out.append(candidate)
        return out

    def _resolve_script(self, p: PurePosixPath, spec: str) -> list[str]:
        if spec.startswith("."):
            base = posixpath.normpath(str(p.parent / spec))
        elif spec[:2] in ("@/", "~/"):
            # A path alias for the project's source root: the closest match wins.
            tail = spec[2:]
            matches = [s for s in self._by_stem if s == tail or s.endswith("/" + tail)]
            matches += [s for s in self._by_stem if s.endswith("/" + tail + "/index")]
            return [f for s in matches for f in self._by_stem[s]][:4]
        else:
            return []  # a package
        stem = str(PurePosixPath(base).with_suffix("")) if base.endswith(_JS_SUFFIXES) else base
        return [*self._by_stem.get(stem, ()), *self._by_stem.get(stem + "/index", ())]

    def _roots(self, path: str) -> set[str]:
        roots, seen, stack = set(), {path}, [path]
        while stack:
            node = stack.pop()
            importers = self.importers.get(node, set())
            if not importers:
                roots.add(node)
            for imp in importers - seen:
                seen.add(imp)
                stack.append(imp)
        return roots or {path}  # an import cycle nobody enters: the file stands alone

    def _closure_settles(self, root: str, what: str) -> bool:
        key = (root, what)
        if key not in self._closure_cache:
            seen, stack, found = {root}, [root], False
            while stack and not found:
                node = stack.pop()
                found = what in self.files[node].settles
                for nxt in self.edges.get(node, set()) - seen:
                    seen.add(nxt)
                    stack.append(nxt)
            self._closure_cache[key] = found
        return self._closure_cache[key]

    def settled(self, path: str, what: str) -> bool:
        """Every program that runs this file settles `what`."""
        return all(self._closure_settles(r, what) for r in self._roots(path))
