"""The openai SDK's calls by method and path template, found for a concrete path."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class PathIndex:
    """'METHOD /v1/x/{id}' keys, found for a concrete request path: one trie of path
    segments per method ("{}" for a parameter); a literal segment is preferred."""

    def __init__(self, keys: Iterable[str]):
        self._roots: dict[str, dict[str, Any]] = {}
        self._found: dict[tuple[str, str], str | None] = {}  # (method, path) -> key
        for key in keys:
            method, path = key.split(" ", 1)
            node = self._roots.setdefault(method, {})
            for seg in path.strip("/").split("/"):
                node = node.setdefault("{}" if seg.startswith("{") else seg, {})
            node[""] = key

    def key_for(self, method: str, path: str) -> str | None:
        """The key whose template matches ``method path``, or None."""
        try:
            return self._found[method, path]
        except KeyError:
            pass
        root = self._roots.get(method)
        segs = path.split("?", 1)[0].strip("/").split("/")
        key = _walk(root, segs, 0) if root is not None else None
        if len(self._found) < 1024:  # bounded: paths that carry ids are many
            self._found[method, path] = key
        return key


def _walk(node: dict[str, Any], segs: list[str], i: int) -> str | None:
    if i == len(segs):
        key = node.get("")
        return key if isinstance(key, str) else None
    for child in (node.get(segs[i]), node.get("{}") if segs[i] else None):
        if isinstance(child, dict):
            found = _walk(child, segs, i + 1)
            if found is not None:
                return found
    return None
