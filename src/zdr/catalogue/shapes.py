"""Request bodies as the openai SDK declares them, and a reader that holds a body to them.

``data/openai_shapes.json`` is generated from the installed SDK (scripts/gen_params.py).
A shape is one of: ``"bool" | "int" | "num" | "str" | "any" | "null"``,
``{"enum": [...]}`` (exact literals), ``{"ref": name}`` (an object in ``defs``, with its
``fields`` and ``required`` keys), ``{"list": shape}``, ``{"map": shape}`` or
``{"union": [...]}``. A union of objects names its ``tag`` field (``type``, ``role``) and
which members each literal selects (``by``); ``open`` lists the members whose tag may be
left out (an item reference is ``{"id": ...}`` with no ``type``). ``label`` is the field
the union sits in (``tools``, ``input``, ``content``...).

:func:`BodyShapes.read` walks a request body against its shape and returns the problems
(a value of the wrong type, a literal the SDK does not declare, in any letter case) and
every tagged object it met, with its label: the policy classifies those (tools wherever
they sit, item references, file inputs). Keys the SDK does not declare are not read here;
the top-level ones are the policy's ``parameter.unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

import orjson

from zdr.catalogue.sdk_paths import PathIndex

Shape = str | dict[str, Any]

_KINDS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "bool": ("a boolean", lambda v: isinstance(v, bool)),
    "int": ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "num": ("a number", lambda v: isinstance(v, int | float) and not isinstance(v, bool)),
    "str": ("a string", lambda v: isinstance(v, str)),
    "any": ("any value", lambda v: True),
    "null": ("null", lambda v: v is None),
}
# A value is repeated in a message only when it looks like an identifier or a small
# number (a literal put in the wrong place), never when it could be content.
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,47}")


def shown(value: Any) -> str | None:
    """The value as it may appear in an error message, or None when it must not."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) < 10_000_000:
        return str(value)
    if isinstance(value, str) and _IDENTIFIER.fullmatch(value):
        return f'"{value}"'
    return None


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


class Problem:
    """One place where a body differs from the SDK's declaration. Only the path, what the
    SDK declares and a value that looks like a literal (see :func:`shown`) are ever told;
    all three are formatted when asked for, since most problems belong to a union member
    that was tried and dropped."""

    __slots__ = ("_where", "expected", "_value", "_missing", "is_tag")

    def __init__(
        self, where: Path, expected: str, value: Any, missing: bool = False, is_tag: bool = False
    ):
        self._where = where
        self.expected = expected
        self._value = value
        self._missing = missing
        # True when the value says what an object is (its ``type`` or ``role``).
        self.is_tag = is_tag

    @property
    def path(self) -> str:
        return _format(self._where) or "(body)"

    @property
    def got(self) -> str:
        return "missing" if self._missing else (shown(self._value) or _type_name(self._value))

    def sentence(self) -> str:
        return f"`{self.path}` is {self.got}, but the openai SDK declares {self.expected} there"

    def __repr__(self) -> str:
        return f"Problem({self.path!r}, {self.expected!r}, {self.got!r})"


class Tagged(NamedTuple):
    """An object of a tagged union: where it sits, the literal that names it, itself.
    (A named tuple: one is made for every tagged object of every body read, and a
    frozen dataclass takes three times as long to make.)"""

    label: str | None
    tag: str
    obj: Mapping[str, Any]
    where: Path

    @property
    def path(self) -> str:
        return _format(self.where)


# Tagged(*fields) without the Python-level __new__ of named tuples (a third of the cost).
_tagged = tuple.__new__

# Where a value sits, built as the walk goes down and formatted only when reported:
# None at the top, else (parent, key), key a field name, an index, or "*" in a map.
Path = tuple[Any, str | int] | None


def _format(where: Path) -> str:
    parts: list[str | int] = []
    while where is not None:
        where, key = where
        parts.append(key)
    out = ""
    for key in reversed(parts):
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out


@dataclass(slots=True)
class Reading:
    problems: list[Problem] = field(default_factory=list)
    tagged: list[Tagged] = field(default_factory=list)

    def absorb(self, other: Reading) -> None:
        self.problems.extend(other.problems)
        self.tagged.extend(other.tagged)

    def problem(
        self, where: Path, expected: str, value: Any, missing: bool = False, is_tag: bool = False
    ) -> bool:
        self.problems.append(Problem(where, expected, value, missing, is_tag))
        return False


# The types of a parsed JSON value that hold nothing inside.
_PRIMITIVES: frozenset[type] = frozenset({str, int, float, bool, type(None)})


class _Node:
    """A compiled shape: ``check`` walks a value, adds problems and tagged objects.
    ``accepts``: types whose every value ``check`` passes, adding nothing (a kind,
    a union of kinds): a container's walk skips the call for them."""

    __slots__ = ()
    accepts: frozenset[type] = frozenset()

    def check(self, value: Any, where: Path, r: Reading) -> bool:
        raise NotImplementedError

    def same_kind(self, value: Any) -> bool:
        return True

    def describe(self) -> str:
        return "a value of another kind"


# The exact types each kind accepts: a first test that needs no call (``ok`` decides
# for subclasses, which a parsed JSON body never holds).
_EXACT: dict[str, frozenset[type]] = {
    "bool": frozenset({bool}),
    "int": frozenset({int}),
    "num": frozenset({int, float}),
    "str": frozenset({str}),
    "any": _PRIMITIVES | {list, dict},
    "null": frozenset({type(None)}),
}


class _Kind(_Node):
    __slots__ = ("expected", "ok", "exact", "accepts")

    def __init__(self, kind: str):
        self.expected, self.ok = _KINDS[kind]
        self.exact = self.accepts = _EXACT[kind]

    def check(self, value: Any, where: Path, r: Reading) -> bool:
        return type(value) in self.exact or self.ok(value) or r.problem(where, self.expected, value)

    def same_kind(self, value: Any) -> bool:
        return type(value) in self.exact or self.ok(value)

    def describe(self) -> str:
        return self.expected


class _Enum(_Node):
    __slots__ = ("literals", "exact", "expected")

    def __init__(self, literals: list[Any]):
        self.literals = literals
        self.exact = {(type(v), v) for v in literals}  # True is not 1, "24H" is not "24h"
        self.expected = _one_of(literals)

    def check(self, value: Any, where: Path, r: Reading) -> bool:
        try:
            if (type(value), value) in self.exact:
                return True
        except TypeError:  # an unhashable value (a list or an object)
            pass
        return r.problem(where, self.expected, value)

    def same_kind(self, value: Any) -> bool:
        return any(type(value) is type(v) for v in self.literals)

    def describe(self) -> str:
        return self.expected


class _List(_Node):
    __slots__ = ("item",)

    def __init__(self, item: _Node):
        self.item = item

    def check(self, value: Any, where: Path, r: Reading) -> bool:
        if type(value) is not list:
            return r.problem(where, "a list", value)
        ok = True
        check = self.item.check
        accepts = self.item.accepts
        for i, v in enumerate(value):
            if type(v) not in accepts and not check(v, (where, i), r):
                ok = False
        return ok

    def same_kind(self, value: Any) -> bool:
        return type(value) is list

    def describe(self) -> str:
        return "a list"


class _Map(_Node):
    __slots__ = ("inner",)

    def __init__(self, inner: _Node):
        self.inner = inner

    def check(self, value: Any, where: Path, r: Reading) -> bool:
        if type(value) is not dict:
            return r.problem(where, "an object", value)
        ok = True
        for v in value.values():
            if not self.inner.check(v, (where, "*"), r):
                ok = False
        return ok

    def same_kind(self, value: Any) -> bool:
        return type(value) is dict

    def describe(self) -> str:
        return "an object"


class _Object(_Node):
    __slots__ = ("fields", "required")

    def __init__(self) -> None:
        self.fields: dict[str, _Node] = {}
        self.required: frozenset[str] = frozenset()

    def check(self, value: Any, where: Path, r: Reading) -> bool:
        if type(value) is not dict:
            return r.problem(where, "an object", value)
        ok = True
        fields = self.fields
        for key, v in value.items():
            node = fields.get(key)
            if node is None or (v is None and key not in self.required):
                continue  # undeclared (not read here), or an optional field set to null
            if type(v) not in node.accepts and not node.check(v, (where, key), r):
                ok = False
        return ok

    def same_kind(self, value: Any) -> bool:
        return type(value) is dict

    def describe(self) -> str:
        return "an object"


class _Union(_Node):
    __slots__ = (
        "members",
        "nullable",
        "tag",
        "by",
        "open",
        "label",
        "declared",
        "_fitting",
        "accepts",
    )

    def __init__(self, shape: dict[str, Any], members: list[_Node]):
        self.members = members
        self.nullable = "null" in shape["union"]
        self.tag: str | None = shape.get("tag")
        self.label: str | None = shape.get("label")
        self.by: dict[str, list[_Node]] = {
            lit: [members[i] for i in idx] for lit, idx in shape.get("by", {}).items()
        }
        # Members that may leave the tag out, the other keys they require, their literals.
        self.open: list[tuple[_Object, tuple[str, ...], list[str]]] = []
        for i in shape.get("open", ()):
            member = members[i]
            assert isinstance(member, _Object)
            lits = [lit for lit, idx in shape["by"].items() if i in idx]
            needs = tuple(sorted(set(shape["_required"][i]) - {self.tag}))
            self.open.append((member, needs, lits))
        self.declared = _one_of(list(self.by)) if self.by else ""
        # type -> the members of the same kind as a value of that type: every node's
        # same_kind depends on the value's type alone.
        self._fitting: dict[type, list[_Node]] = {}
        # A value that holds nothing inside passes when a member accepts its type (the
        # others' trials are dropped); a nested union's members are compiled before it.
        accepts = {type(None)} if self.nullable else set()
        for m in members:
            accepts |= m.accepts & _PRIMITIVES
        self.accepts = frozenset(accepts)

    def check(self, value: Any, where: Path, r: Reading) -> bool:
        if value is None and self.nullable:
            return True
        if self.tag is not None and type(value) is dict:
            return self._tagged(value, where, r)
        fitting = self._fitting.get(type(value))
        if fitting is None:
            fitting = [m for m in self.members if m.same_kind(value)]
            if len(self._fitting) < 64:
                self._fitting[type(value)] = fitting
        if len(fitting) == 1:  # a list that fails inside: say where, not "not a list"
            return fitting[0].check(value, where, r)
        first: Reading | None = None
        for m in fitting:
            trial = Reading()
            if m.check(value, where, trial):
                r.absorb(trial)
                return True
            first = first or trial
        if first is not None:
            r.absorb(first)
            return False
        return r.problem(where, " or ".join(m.describe() for m in self.members), value)

    def _tagged(self, value: dict[str, Any], where: Path, r: Reading) -> bool:
        tag = self.tag
        assert tag is not None
        literal = value.get(tag)
        if literal is None:
            return self._untagged(value, where, r)
        chosen = self.by.get(literal) if type(literal) is str else None
        if chosen is None:
            return r.problem((where, tag), self.declared, literal, is_tag=True)
        if len(chosen) == 1:
            ok = chosen[0].check(value, where, r)
        else:
            ok = False
            first: Reading | None = None
            for m in chosen:
                trial = Reading()
                if m.check(value, where, trial):
                    r.absorb(trial)
                    ok = True
                    break
                first = first or trial
            if not ok and first is not None:
                r.absorb(first)
        if ok:
            r.tagged.append(_tagged(Tagged, (self.label, literal, value, where)))
        return ok

    def _untagged(self, value: dict[str, Any], where: Path, r: Reading) -> bool:
        """An object without its tag: every member that may omit it and whose required
        fields are present is a reading, and all of them count (an id alone reads as an
        item reference, even when it could also be something else)."""
        tag = self.tag
        assert tag is not None
        candidates = [
            (member, lits) for member, needs, lits in self.open if all(k in value for k in needs)
        ]
        matched: list[str] = []
        for n, (member, lits) in enumerate(candidates):
            if matched and all(lit in matched for lit in lits):
                continue  # read already under the same literal (two shapes of a message)
            trial = r if n == len(candidates) - 1 and not matched else Reading()
            if member.check(value, where, trial):
                if trial is not r:
                    r.absorb(trial)
                r.tagged.extend(Tagged(self.label, lit, value, where) for lit in lits)
                matched.extend(lits)
        if not candidates:
            return r.problem((where, tag), self.declared, None, missing=True, is_tag=True)
        return bool(matched)  # if none matched, the last one's problems were kept

    def same_kind(self, value: Any) -> bool:
        return any(m.same_kind(value) for m in self.members)


class _OpenTags(_Node):
    """A union that also accepts, by their tag, literals a policy lists as exceptions."""

    __slots__ = ("union", "extra")

    def __init__(self, union: _Union, extra: frozenset[str]):
        self.union = union
        self.extra = extra

    def check(self, value: Any, where: Path, r: Reading) -> bool:
        u = self.union
        if type(value) is dict and u.tag is not None:
            literal = value.get(u.tag)
            if type(literal) is str and literal not in u.by and literal in self.extra:
                r.tagged.append(Tagged(u.label, literal, value, where))
                return True
        return u.check(value, where, r)


class _Compiler:
    def __init__(self, defs: dict[str, dict[str, Any]]):
        self.defs = defs
        self.objects: dict[str, _Object] = {}

    def node(self, shape: Shape) -> _Node:
        if isinstance(shape, str):
            return _Kind(shape)
        if "ref" in shape:
            return self.object(shape["ref"])
        if "enum" in shape:
            return _Enum(shape["enum"])
        if "list" in shape:
            return _List(self.node(shape["list"]))
        if "map" in shape:
            return _Map(self.node(shape["map"]))
        shape = {
            **shape,
            "_required": [
                self.defs[m["ref"]]["required"] if isinstance(m, dict) and "ref" in m else []
                for m in shape["union"]
            ],
        }
        return _Union(shape, [self.node(m) for m in shape["union"]])

    def object(self, name: str) -> _Object:
        obj = self.objects.get(name)
        if obj is None:
            obj = self.objects[name] = _Object()  # before its fields: types can recurse
            d = self.defs[name]
            obj.fields = {k: self.node(s) for k, s in d["fields"].items()}
            obj.required = frozenset(d["required"])
        return obj


class BodyShapes:
    """The SDK's request bodies by (method, path template), and the reader."""

    def __init__(self, data: Mapping[str, Any]):
        self.sdk_version = str(data.get("sdk_version", ""))
        self.models: tuple[str, ...] = tuple(data.get("models", ()))
        self.defs: dict[str, dict[str, Any]] = data["defs"]
        self.bodies: dict[str, Shape] = data["bodies"]
        self._compiler = _Compiler(self.defs)
        self._compiled: dict[str, _Node] = {}
        self._opened: dict[tuple[str, tuple[Any, ...]], _Node] = {}  # per policy exceptions
        self._params: dict[str, frozenset[str]] = {}
        self._event_params: dict[tuple[str, str], frozenset[str]] = {}
        self._paths = PathIndex(self.bodies)

    def key_for(self, method: str, path: str) -> str | None:
        """The SDK's 'METHOD /v1/x/{id}' for a concrete request path, or None; a literal
        segment is preferred to a parameter."""
        return self._paths.key_for(method, path)

    def params(self, key: str) -> frozenset[str]:
        """The top-level parameters the SDK declares for one body (a WebSocket
        connection's: the fields of any of its client events)."""
        found = self._params.get(key)
        if found is None:
            shape = self.bodies[key]
            members = shape.get("union", [shape]) if isinstance(shape, dict) else []
            refs = [m["ref"] for m in members if isinstance(m, dict) and "ref" in m]
            found = self._params[key] = frozenset(f for r in refs for f in self.defs[r]["fields"])
        return found

    def event_params(self, key: str, event_type: str) -> frozenset[str]:
        """The parameters the SDK declares for one type of a connection's client events
        (``key`` a ``WEBSOCKET <path>`` body); empty for a type it does not declare.
        Asked once per event of a session: read once per (key, type)."""
        found = self._event_params.get((key, event_type))
        if found is not None:
            return found
        shape = self.bodies[key]
        if not isinstance(shape, dict) or event_type not in shape.get("by", {}):
            return frozenset()  # a client's type: not kept (the refusal is decided anyway)
        members = [shape["union"][i] for i in shape["by"][event_type]]
        found = frozenset(f for m in members for f in self.defs[m["ref"]]["fields"])
        self._event_params[key, event_type] = found
        return found

    def read(
        self,
        key: str,
        body: Mapping[str, Any],
        open_tags: Mapping[str, frozenset[str]] | None = None,
    ) -> Reading:
        """Hold ``body`` to the SDK's shape for ``key``. ``open_tags`` accepts, per union
        label, literals the SDK does not declare (a policy's listed exceptions)."""
        node = self._compiled.get(key)
        if node is None:
            node = self._compiled[key] = self._compiler.node(self.bodies[key])
        if open_tags:
            opened = (key, tuple(sorted((k, tuple(sorted(v))) for k, v in open_tags.items())))
            node = self._opened.get(opened)
            if node is None:
                node = _Compiler(self.defs).node(self.bodies[key])  # a private copy
                _open_unions(node, open_tags, set())
                self._opened[opened] = node
        reading = Reading()
        try:
            node.check(body, None, reading)
        except RecursionError:
            reading.problem(None, "a body nested less deeply", None, missing=True)
        return reading


def _open_unions(node: _Node, open_tags: Mapping[str, frozenset[str]], seen: set[int]) -> None:
    """Wrap, in a private copy of the compiled tree, every union whose label has exceptions."""
    if id(node) in seen:
        return
    seen.add(id(node))
    children: list[tuple[Any, str, _Node]] = []
    if isinstance(node, _Object):
        children = [(node.fields, k, n) for k, n in node.fields.items()]
    elif isinstance(node, _List):
        _open_unions(node.item, open_tags, seen)
        if isinstance(node.item, _Union) and node.item.label in open_tags:
            node.item = _OpenTags(node.item, open_tags[node.item.label or ""])
        return
    elif isinstance(node, _Map):
        _open_unions(node.inner, open_tags, seen)
        return
    elif isinstance(node, _Union):
        for m in node.members:
            _open_unions(m, open_tags, seen)
        return
    for holder, key, child in children:
        _open_unions(child, open_tags, seen)
        if isinstance(child, _Union) and child.label in open_tags:
            holder[key] = _OpenTags(child, open_tags[child.label or ""])


def _one_of(literals: list[Any]) -> str:
    names = [orjson.dumps(v).decode() for v in literals]
    if len(names) > 12:
        names = names[:12] + [f"... ({len(literals)} in all)"]
    return "one of " + ", ".join(names) if len(names) > 1 else names[0]


def shapes_data() -> dict[str, Any]:
    """The packaged data file, parsed (a fresh copy each call)."""
    raw = (resources.files("zdr.catalogue") / "data" / "openai_shapes.json").read_bytes()
    data: dict[str, Any] = orjson.loads(raw)
    return data


@cache
def load_shapes() -> BodyShapes:
    """The packaged shapes of the openai SDK's request bodies, parsed once."""
    return BodyShapes(shapes_data())


def _literal_only(shape: Shape) -> bool:
    """A shape whose values are never text: literals, booleans, numbers, lists of them."""
    if isinstance(shape, str):
        return shape in ("bool", "int", "num", "null")
    if "enum" in shape:
        return True
    if "union" in shape:
        return all(_literal_only(m) for m in shape["union"])
    if "list" in shape:
        return _literal_only(shape["list"])
    return False


def _holds_map(shape: Shape) -> bool:
    if isinstance(shape, str):
        return False
    if "map" in shape:
        return True
    return "union" in shape and any(_holds_map(m) for m in shape["union"])


def _fields() -> list[tuple[str, Shape]]:
    return [
        (name, shape)
        for d in shapes_data()["defs"].values()
        for name, shape in (d.get("fields") or {}).items()
    ]


@cache
def literal_only_keys() -> frozenset[str]:
    """Field names whose values the SDK declares as literals, booleans or numbers only,
    in every request object that has them: they never hold content."""
    seen: dict[str, bool] = {}
    for name, shape in _fields():
        seen[name] = seen.get(name, True) and _literal_only(shape)
    return frozenset(name for name, only in seen.items() if only)


@cache
def map_keys() -> frozenset[str]:
    """Field names that hold a free-form map somewhere (``metadata``, ``variables``):
    its keys are chosen by the application and may be content."""
    return frozenset(name for name, shape in _fields() if _holds_map(shape))
