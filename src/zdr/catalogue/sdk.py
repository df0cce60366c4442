"""Enumerate every (method, path) the installed ``openai`` SDK can call.

The SDK's ``resources/`` modules call ``self._get/_post/...`` with a literal path or
``path_template("/x/{id}", ...)``; reading them with ``ast`` gives the full list
without importing or executing anything. Used to prove the catalogue is complete.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

_METHODS = {
    "_get": "GET",
    "_get_api_list": "GET",
    "_post": "POST",
    "_delete": "DELETE",
    "_patch": "PATCH",
    "_put": "PUT",
}


def _path_of(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "path_template"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    if isinstance(node, ast.JoinedStr):  # f"/x/{id}" in older SDKs
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                parts.append(str(v.value))
            else:
                parts.append("{param}")
        return "".join(parts)
    return None


def sdk_resources_dir() -> Path | None:
    spec = importlib.util.find_spec("openai")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "resources"


def sdk_endpoints(resources_dir: Path | None = None) -> set[tuple[str, str]]:
    """{(METHOD, "/v1/path/{param}")} for every call in the SDK's resources."""
    root = resources_dir or sdk_resources_dir()
    if root is None:
        return set()
    found: set[tuple[str, str]] = set()
    for file in sorted(root.rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            method = _METHODS.get(node.func.attr)
            if method is None or not node.args:
                continue
            if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "self"):
                continue
            path = _path_of(node.args[0])
            if path is None or not path.startswith("/"):
                continue
            found.add((method, "/v1" + path))
    return found
