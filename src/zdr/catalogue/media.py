"""Which endpoints take a multipart body: facts generated from the installed SDK.

The gateway accepts ``multipart/form-data`` only on these routes, JSON everywhere
else. ``sdk_multipart_routes()`` reads the SDK's ``resources/`` with ``ast`` (a method
that sets ``Content-Type: multipart/form-data`` and calls ``self._post(path)``); it is
used by ``scripts/gen_multipart.py`` and a drift test. The gateway reads the generated
``data/openai_multipart.yaml``.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from zdr.catalogue.sdk import sdk_resources_dir

_POSTS = frozenset({"_post", "_put", "_patch"})
_VERB = {"_post": "POST", "_put": "PUT", "_patch": "PATCH"}


def _sets_multipart(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for node in ast.walk(fn):
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(k, ast.Constant)
                    and isinstance(k.value, str)
                    and k.value.lower() == "content-type"
                    and isinstance(v, ast.Constant)
                    and v.value == "multipart/form-data"
                ):
                    return True
    return False


def _path(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        value = node.args[0].value  # path_template("/x/{id}", ...)
        return value if isinstance(value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(v.value) if isinstance(v, ast.Constant) else "{param}" for v in node.values
        )
    return None


def sdk_multipart_routes(resources_dir: Path | None = None) -> list[str]:
    """["POST /v1/audio/transcriptions", ...], sorted, with ``{param}`` placeholders."""
    root = resources_dir or sdk_resources_dir()
    if root is None:
        return []
    found: set[str] = set()
    for file in sorted(root.rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if not _sets_multipart(fn):
                continue
            for node in ast.walk(fn):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _POSTS
                    and node.args
                ):
                    path = _path(node.args[0])
                    if path and path.startswith("/"):
                        path = re.sub(r"\{[^}]*\}", "{param}", path)
                        found.add(f"{_VERB[node.func.attr]} /v1{path}")
    return sorted(found)


class MultipartRoutes:
    """Matches (method, canonical path) against the generated multipart routes."""

    def __init__(self, routes: list[str]):
        self._patterns: dict[str, list[re.Pattern[str]]] = {}
        for route in routes:
            method, _, path = route.partition(" ")
            parts = ["[^/]+" if seg.startswith("{") else re.escape(seg) for seg in path.split("/")]
            self._patterns.setdefault(method, []).append(re.compile("/".join(parts)))

    def accepts(self, method: str, path: str) -> bool:
        return any(p.fullmatch(path) for p in self._patterns.get(method, ()))


@cache
def multipart_routes() -> MultipartRoutes:
    text = (resources.files("zdr.catalogue") / "data" / "openai_multipart.yaml").read_text("utf-8")
    return MultipartRoutes(yaml.safe_load(text)["routes"])
