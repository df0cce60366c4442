"""A short string a regular expression matches, for a JSON schema's ``pattern``.

It walks the pattern as Python's own regex parser reads it (``re._parser``: the one the
``re`` module compiles from, so every pattern ``re`` accepts is read the same way) and
takes the shortest choice at each node: the fewest repeats, the first branch, the first
character of a class. Lookarounds and back-references are not followed: the caller checks
the result with ``re.search`` and falls back when it does not match.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

_parser: Any = importlib.import_module("re._parser")  # no typeshed stub for it
_CATEGORY = {"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " "}
_MAX_REPEAT_TAKEN = 1000  # a pattern asking for more is not worth a demo value


def sample(pattern: str) -> str | None:
    """A string ``pattern`` matches, or None when none is found this way."""
    try:
        value = _walk(_parser.parse(pattern))
    except (re.error, RecursionError, ValueError):
        return None
    return value if value is not None and re.search(pattern, value) else None


def _walk(items: Any) -> str | None:
    out = []
    for op, arg in items:
        piece = _one(str(op), arg)
        if piece is None:
            return None
        out.append(piece)
    return "".join(out)


def _one(op: str, arg: Any) -> str | None:
    if op == "LITERAL":
        return chr(arg)
    if op == "ANY":
        return "a"
    if op == "AT":
        return ""
    if op == "IN":
        return _first_in(arg)
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _, sub = arg
        if low > _MAX_REPEAT_TAKEN:
            return None
        once = _walk(sub)
        return None if once is None else once * low
    if op == "SUBPATTERN":
        return _walk(arg[-1])
    if op == "ATOMIC_GROUP":
        return _walk(arg)
    if op == "BRANCH":
        for branch in arg[1]:
            value = _walk(branch)
            if value is not None:
                return value
        return None
    if op == "CATEGORY":
        return _CATEGORY.get(str(arg))
    return None  # lookarounds, back-references, conditionals: not followed


def _first_in(members: Any) -> str | None:
    negated = any(str(op) == "NEGATE" for op, _ in members)
    if negated:  # the first printable character the class leaves out
        excluded = re.compile(_parser_class_source(members))
        return next((c for c in "a0A_ -." if not excluded.fullmatch(c)), None)
    for op, arg in members:
        kind = str(op)
        if kind == "LITERAL":
            return chr(arg)
        if kind == "RANGE":
            return chr(arg[0])
        if kind == "CATEGORY":
            return _CATEGORY.get(str(arg))
    return None


def _parser_class_source(members: Any) -> str:
    """The positive class of a negated one, as a pattern (to test characters against)."""
    parts = []
    for op, arg in members:
        kind = str(op)
        if kind == "LITERAL":
            parts.append(re.escape(chr(arg)))
        elif kind == "RANGE":
            parts.append(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
        elif kind == "CATEGORY":
            parts.append({"CATEGORY_DIGIT": r"\d", "CATEGORY_WORD": r"\w"}.get(str(arg), r"\s"))
    return "[" + "".join(parts) + "]" if parts else "(?!)"
