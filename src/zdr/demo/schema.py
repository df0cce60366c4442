"""A JSON value valid against a JSON schema, built from the schema and a text.

The demo model answers a structured-output request or calls a tool with a value of the
shape the schema asks for: strings carry the text it echoes (so a test sees personal data
travel through tool arguments and structured outputs), enums and numbers take a value the
text names when the schema allows it, else the first one the schema allows.

It covers the subset of JSON Schema the providers' structured outputs accept (objects,
arrays, the scalar types, ``enum``/``const``, ``anyOf``/``oneOf``/``allOf``, ``$ref`` to
``$defs``/``definitions``, length, item-count and numeric bounds, the common string
formats). A ``pattern`` is not generated for: the text is used when it matches, else an
empty string, which may not; the demo says so in its docs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from zdr.demo.pattern import sample

# Values for string formats a free text would not satisfy.
_FORMATS = {
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "time": "00:00:00Z",
    "duration": "P1D",
    "email": "demo@example.com",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "uri": "https://example.com/",
}
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")  # standalone, not in a word
_MAX_DEPTH = 12  # a recursive schema ends in its smallest value


def instance(schema: Any, text: str) -> Any:
    """A value ``schema`` accepts, its strings taken from ``text``."""
    root = schema if isinstance(schema, Mapping) else {}
    return _build(root, root, text, 0)


def _resolve(node: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    for _ in range(_MAX_DEPTH):
        ref = node.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#"):
            return node
        target: Any = root
        for part in ref.lstrip("#/").split("/") if ref != "#" else ():
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        node = merged if isinstance(target, Mapping) else {}
    return node


def _type_of(node: Mapping[str, Any]) -> str | None:
    kind = node.get("type")
    if isinstance(kind, list):  # ["string", "null"]: the first non-null type
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if isinstance(kind, str):
        return kind
    if "properties" in node:
        return "object"
    if "items" in node:
        return "array"
    return None


def _build(node: Mapping[str, Any], root: Mapping[str, Any], text: str, depth: int) -> Any:
    node = _resolve(node, root)
    if "const" in node:
        return node["const"]
    if isinstance(node.get("enum"), list) and node["enum"]:
        return _named(node["enum"], text)
    for key in ("anyOf", "oneOf"):
        options = node.get(key)
        if isinstance(options, list) and options:
            usable = [o for o in options if isinstance(o, Mapping)]
            # The first option that is not null: a nullable field still gets a value.
            choice = next((o for o in usable if _resolve(o, root).get("type") != "null"), None)
            return _build((choice or usable[0]) if usable else {}, root, text, depth + 1)
    if isinstance(node.get("allOf"), list):
        merged: dict[str, Any] = {}
        for part in node["allOf"]:
            if isinstance(part, Mapping):
                part = _resolve(part, root)
                props = {**merged.get("properties", {}), **part.get("properties", {})}
                merged = {**merged, **part, "properties": props}
        rest = {k: v for k, v in node.items() if k != "allOf"}
        return _build({**merged, **rest}, root, text, depth + 1)
    kind = _type_of(node)
    if kind == "object":
        return _object(node, root, text, depth)
    if kind == "array":
        return _array(node, root, text, depth)
    if kind == "string":
        return _string(node, text)
    if kind in ("integer", "number"):
        return _number(node, text, kind == "integer")
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return text  # no type: any value is valid; the text is the most useful one


def _object(node: Mapping[str, Any], root: Mapping[str, Any], text: str, depth: int) -> Any:
    props = node.get("properties")
    if not isinstance(props, Mapping) or depth >= 2 * _MAX_DEPTH:
        return {}
    required = node.get("required")
    wanted = set(required) if isinstance(required, list) else set(props)
    # Every property the schema lists (strict structured outputs require all of them);
    # past the depth limit only the required ones, so a recursive schema ends.
    return {
        name: _build(sub if isinstance(sub, Mapping) else {}, root, text, depth + 1)
        for name, sub in props.items()
        if depth < _MAX_DEPTH or name in wanted
    }


def _array(node: Mapping[str, Any], root: Mapping[str, Any], text: str, depth: int) -> Any:
    items = node.get("items")
    given = node.get("minItems")
    low = given if isinstance(given, int) else 0
    count = max(low, 1) if depth < _MAX_DEPTH else low  # one item, or as few as allowed
    if isinstance(node.get("maxItems"), int):
        count = min(count, node["maxItems"])
    prefix = node.get("prefixItems")
    if isinstance(prefix, list):
        return [_build(p, root, text, depth + 1) for p in prefix if isinstance(p, Mapping)]
    sub = items if isinstance(items, Mapping) else {}
    return [_build(sub, root, text, depth + 1) for _ in range(count)]


def _string(node: Mapping[str, Any], text: str) -> str:
    fmt = node.get("format")
    value = _FORMATS.get(fmt, text) if isinstance(fmt, str) else text
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        try:
            matches = re.search(pattern, value) is not None
        except re.error:
            matches = False
        if not matches:
            value = sample(pattern) or ""
            return value  # length bounds would break the match; patterns usually hold them
    low, high = node.get("minLength"), node.get("maxLength")
    if isinstance(high, int):
        value = value[:high]
    if isinstance(low, int) and len(value) < low:
        value = value + "." * (low - len(value))
    return value


def _number(node: Mapping[str, Any], text: str, integer: bool) -> int | float:
    """A number the text names within the bounds, else one inside them."""
    low, high = node.get("minimum"), node.get("maximum")
    above, below = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")

    def fits(v: float) -> bool:
        return (
            (not integer or v == int(v))
            and not (isinstance(low, int | float) and v < low)
            and not (isinstance(high, int | float) and v > high)
            and not (isinstance(above, int | float) and v <= above)
            and not (isinstance(below, int | float) and v >= below)
        )

    floor = max((b for b in (low, above) if isinstance(b, int | float)), default=None)
    ceiling = min((b for b in (high, below) if isinstance(b, int | float)), default=None)
    candidates = [float(m) for m in _NUMBER.findall(text)] + [0.0]
    if floor is not None:
        candidates += [float(floor), math.floor(floor) + 1.0]
    if ceiling is not None:
        candidates += [float(ceiling), math.ceil(ceiling) - 1.0]
    if floor is not None and ceiling is not None:
        candidates.append((floor + ceiling) / 2)
    value = next((v for v in candidates if fits(v)), 0.0)
    return int(value) if integer else value


def _named(options: list[Any], text: str) -> Any:
    """The option the text names (word for word), else the first."""
    lowered = text.lower()
    for option in options:
        if (
            isinstance(option, str)
            and option
            and re.search(rf"\b{re.escape(option.lower())}\b", lowered)
        ):
            return option
    return options[0]
