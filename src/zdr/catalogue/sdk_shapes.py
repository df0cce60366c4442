"""Read the request bodies the installed ``openai`` SDK declares, as shapes.

For every ``self._post/_put/_patch(path, body=maybe_transform(..., XParams))`` call in the
SDK's ``resources/``, the ``XParams`` TypedDict (found with ``ast``, then imported) is
turned into the shape form that :mod:`zdr.catalogue.shapes` reads: every declared field
with its type, literals as exact enums, and each union of objects with the field whose
literal tells its variants apart (``type`` for tools and input items, ``role`` for chat
messages). Needs the SDK (a development dependency): scripts/gen_params.py writes the
result to ``data/openai_shapes.json``, a test and ``zdr catalogue check`` compare it with
the installed SDK.
"""

from __future__ import annotations

import ast
import collections.abc
import importlib
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import typing_extensions

from zdr.catalogue.sdk import _imports, _module_name, _path_of, _raw_path_of, sdk_resources_dir
from zdr.catalogue.shapes import Shape

_WRITES = {"_post": "POST", "_put": "PUT", "_patch": "PATCH"}
_TRANSFORMS = {"maybe_transform", "async_maybe_transform"}
_WRAPPERS = {typing_extensions.Required, typing_extensions.NotRequired, typing.Annotated}
_LISTS = {list, collections.abc.Iterable, collections.abc.Sequence, tuple, set}
_MAPS = {dict, collections.abc.Mapping}
_PRIMITIVES: dict[Any, str] = {bool: "bool", int: "int", float: "num", str: "str", object: "any"}
# The field that tells a union's objects apart, when several could.
_PREFERRED_TAGS = ("type", "role")


def _transform_targets(expr: ast.AST | None, imports: dict[str, str]) -> list[str]:
    """'module.Name' of every TypedDict a ``maybe_transform(x, T)`` in ``expr`` names."""
    found: list[str] = []
    for node in ast.walk(expr) if expr is not None else ():
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _TRANSFORMS
            and len(node.args) == 2
        ):
            continue
        target = node.args[1]
        for cand in (target.body, target.orelse) if isinstance(target, ast.IfExp) else (target,):
            if isinstance(cand, ast.Attribute) and isinstance(cand.value, ast.Name):
                found.append(f"{imports.get(cand.value.id, cand.value.id)}.{cand.attr}")
            elif isinstance(cand, ast.Name) and cand.id in imports:
                found.append(imports[cand.id])
    return found


def sdk_body_types(package_root: Path | None = None) -> dict[str, list[str]]:
    """{"POST /v1/responses": ["openai.types...ResponseCreateParamsStreaming", ...]} for
    every write call of the synchronous client that sends a JSON or multipart body.
    Query strings in SDK paths (``?beta=true``) are dropped: the body is the union."""
    found: dict[str, set[str]] = {}
    for fn, imports in _sync_methods(package_root):
        _collect_bodies(fn, imports, found)
    return {key: sorted(targets) for key, targets in sorted(found.items()) if targets}


def _sync_methods(package_root: Path | None) -> Iterator[tuple[ast.FunctionDef, dict[str, str]]]:
    """Each method of the SDK's synchronous resource classes, with its module's imports."""
    if package_root is None:
        resources = sdk_resources_dir()
        if resources is None:
            return
        package_root = resources.parent
    for file in sorted((package_root / "resources").rglob("*.py")):
        module = _module_name(file, package_root)
        tree = ast.parse(file.read_text(encoding="utf-8"))
        imports = _imports(tree, module, file.name == "__init__.py")
        for cls in tree.body:
            if not isinstance(cls, ast.ClassDef) or cls.name.startswith("Async"):
                continue
            for fn in cls.body:
                if isinstance(fn, ast.FunctionDef):
                    yield fn, imports


def _collect_bodies(fn: ast.FunctionDef, imports: dict[str, str], out: dict[str, set[str]]) -> None:
    assigned = {
        n.targets[0].id: n.value
        for n in ast.walk(fn)
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
    }
    for node, method, path in _calls(fn, _WRITES):
        body: ast.AST | None = next((k.value for k in node.keywords if k.arg == "body"), None)
        if isinstance(body, ast.Name):
            body = assigned.get(body.id)
        key = f"{method} /v1{path.split('?', 1)[0]}"
        out.setdefault(key, set()).update(_transform_targets(body, imports))


def _calls(fn: ast.FunctionDef, verbs: dict[str, str]) -> Iterator[tuple[ast.Call, str, str]]:
    """(call, HTTP method, path as the SDK writes it, "?beta=true" included) of each
    ``self._post("/x", ...)``-style call in a method, for the ``verbs`` given."""
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in verbs
            and node.args
        ):
            path = _raw_path_of(node.args[0])
            if path is not None and path.startswith("/"):
                yield node, verbs[node.func.attr], path


_CALLS = {**_WRITES, "_get": "GET", "_get_api_list": "GET", "_delete": "DELETE"}


def sdk_query_params(package_root: Path | None = None) -> dict[str, list[str]]:
    """{"GET /v1/responses/{response_id}": ["include", "include_obfuscation", ...], ...}:
    the query parameters each call of the synchronous client can send (an empty list
    for a call that sends none), by their names before any ``[]`` the wire adds."""
    found: dict[str, set[str]] = {}
    for fn, _ in _sync_methods(package_root):
        _collect_queries(fn, found)
    return {key: sorted(names) for key, names in sorted(found.items())}


def _collect_queries(fn: ast.FunctionDef, out: dict[str, set[str]]) -> None:
    for node, method, raw in _calls(fn, _CALLS):
        path, _, inline = raw.partition("?")  # "/responses?beta=true"
        names = {pair.split("=", 1)[0] for pair in inline.split("&") if pair}
        for options in (k.value for k in node.keywords if k.arg == "options"):
            for call in ast.walk(options):
                if not isinstance(call, ast.Call):
                    continue
                for query in (k.value for k in call.keywords if k.arg == "query"):
                    for d in ast.walk(query):
                        if isinstance(d, ast.Dict):
                            names.update(
                                k.value
                                for k in d.keys
                                if isinstance(k, ast.Constant) and isinstance(k.value, str)
                            )
        out.setdefault(f"{method} /v1{path}", set()).update(names)


class _Converter:
    """Python type hints -> shapes; TypedDicts become named definitions."""

    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}
        self.opaque: set[str] = set()  # hints read as "any" (file objects and the like)
        self.aliases: dict[str, str] = {}
        self._seen: dict[str, str] = {}

    def body(self, qualnames: list[str]) -> Shape:
        """One shape for an endpoint's body: the SDK's variants (streaming or not, beta)
        merged into one object whose fields accept what any variant accepts."""
        classes = [_import(q) for q in qualnames]
        if len(classes) == 1:
            return self.convert(classes[0])
        fields: dict[str, list[Shape]] = {}
        required: set[str] | None = None
        for cls in classes:
            hints = typing.get_type_hints(cls, include_extras=True)
            for name, hint in _wire_fields(hints).items():
                fields.setdefault(name, []).append(self.convert(hint, name))
            keys = set(_required_keys(cls, hints))
            required = keys if required is None else required & keys
        name = "+".join(_short(q) for q in qualnames)
        self.defs[name] = {
            "fields": {k: _simplify_union(v, k) for k, v in sorted(fields.items())},
            "required": sorted(required or ()),
        }
        return {"ref": name}

    def convert(self, hint: Any, label: str | None = None) -> Shape:
        origin = get_origin(hint)
        if origin in _WRAPPERS:
            return self.convert(get_args(hint)[0], label)
        if hint is type(None) or hint is None:
            return "null"
        if origin is Union or origin is types.UnionType:
            return _simplify_union([self.convert(a, label) for a in get_args(hint)], label)
        if origin is Literal:
            return {"enum": list(get_args(hint))}
        if hint in _PRIMITIVES:
            return _PRIMITIVES[hint]
        if typing_extensions.is_typeddict(hint):
            return {"ref": self._typeddict(hint)}
        if origin in _LISTS:
            return {"list": self.convert(get_args(hint)[0], label)}
        if origin in _MAPS:
            return {"map": self.convert(get_args(hint)[1])}
        self.opaque.add(repr(hint))
        return "any"

    def _typeddict(self, cls: Any) -> str:
        name = _short(f"{cls.__module__}.{cls.__qualname__}")
        if name in self.aliases:
            return self.aliases[name]
        if name not in self.defs:
            self.defs[name] = {}  # placeholder: recursive types refer to themselves
            hints = typing.get_type_hints(cls, include_extras=True)
            d = {
                "fields": {k: self.convert(v, k) for k, v in sorted(_wire_fields(hints).items())},
                "required": _required_keys(cls, hints),
            }
            # The same TypedDict is often declared again by another module (beta, realtime
            # variants): one definition is kept, so unions do not list it twice.
            same = self._seen.get(_canonical(d))
            if same is not None:
                del self.defs[name]
                self.aliases[name] = same
                return same
            self.defs[name] = d
            self._seen[_canonical(d)] = name
        return name

    def tag_unions(self) -> None:
        """Give every union of two or more objects the field that tells them apart."""
        for d in self.defs.values():
            for shape in d["fields"].values():
                self.tag(shape)

    def tag(self, shape: Shape) -> None:
        if isinstance(shape, dict):
            if "union" in shape:
                for member in shape["union"]:
                    self.tag(member)
                _tag_union(shape, self.defs)
            for key in ("list", "map"):
                if key in shape:
                    self.tag(shape[key])


def _wire_name(name: str, hint: Any) -> str | None:
    """A field's name on the wire: ``PropertyInfo(alias="async")`` renames it; an alias
    that is an HTTP header name (``openai-beta``) takes it out of the body (None)."""
    if get_origin(hint) is typing.Annotated:
        alias = next((m.alias for m in hint.__metadata__ if getattr(m, "alias", None)), None)
        if alias is not None:
            return None if "-" in alias else str(alias)
    return name


def _wire_fields(hints: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, hint in hints.items():
        wire = _wire_name(name, hint)
        if wire is not None:
            out[wire] = hint
    return out


def _required_keys(cls: Any, hints: dict[str, Any]) -> list[str]:
    """The keys a TypedDict requires. ``__required_keys__`` cannot be trusted here: the SDK
    declares its types under ``from __future__ import annotations``, so ``Required[...]``
    is a string when the class is built and Python 3.11 misses it."""
    required = []
    for key, hint in hints.items():
        wire = _wire_name(key, hint)
        if wire is None:
            continue
        origin = get_origin(hint)
        if origin is typing.Annotated:
            origin = get_origin(get_args(hint)[0])
        if origin is typing_extensions.Required:
            required.append(wire)
        elif origin is not typing_extensions.NotRequired:
            owner = next(
                (c for c in cls.__mro__ if key in c.__dict__.get("__annotations__", {})), cls
            )
            if getattr(owner, "__total__", True):
                required.append(wire)
    return sorted(required)


def _canonical(d: dict[str, Any]) -> str:
    import orjson

    return orjson.dumps(d, option=orjson.OPT_SORT_KEYS).decode()


def _short(qualname: str) -> str:
    return qualname.removeprefix("openai.types.")


def _import(qualname: str) -> Any:
    module, _, name = qualname.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _simplify_union(members: list[Shape], label: str | None) -> Shape:
    flat: list[Shape] = []
    for m in members:
        for part in m["union"] if isinstance(m, dict) and "union" in m else [m]:
            if part not in flat:
                flat.append(part)
    if "any" in flat:
        return "any"
    enums = [m for m in flat if isinstance(m, dict) and "enum" in m]
    rest = [m for m in flat if not (isinstance(m, dict) and "enum" in m)]
    values: list[Any] = []
    for e in enums:
        values.extend(v for v in e["enum"] if v not in values)
    if "str" in rest:  # Union[str, Literal[...]]: any string (open enums such as models)
        values = [v for v in values if not isinstance(v, str)]
    if values:
        rest.insert(0, {"enum": values})
    if len(rest) == 1:
        return rest[0]
    out: dict[str, Any] = {"union": rest}
    if label is not None:
        out["label"] = label
    return out


def _field_literals(d: dict[str, Any], key: str) -> tuple[list[str], bool] | None:
    """(the string literals of field ``key`` of an object, whether it may be absent)."""
    shape = d["fields"].get(key)
    if shape is None:
        return None
    optional = key not in d["required"]
    members = shape["union"] if isinstance(shape, dict) and "union" in shape else [shape]
    values: list[str] = []
    for m in members:
        if m == "null":
            optional = True
        elif isinstance(m, dict) and "enum" in m and all(isinstance(v, str) for v in m["enum"]):
            values.extend(m["enum"])
        else:
            return None
    return (values, optional) if values else None


def _tag_union(shape: dict[str, Any], defs: dict[str, dict[str, Any]]) -> None:
    objects = [
        (i, defs[m["ref"]])
        for i, m in enumerate(shape["union"])
        if isinstance(m, dict) and "ref" in m
    ]
    if len(objects) < 2:
        return
    common = set.intersection(*(set(d["fields"]) for _, d in objects))
    keys = [k for k in _PREFERRED_TAGS if k in common] + sorted(common - set(_PREFERRED_TAGS))
    for key in keys:
        literals = [(i, _field_literals(d, key)) for i, d in objects]
        if any(lit is None for _, lit in literals):
            continue
        by: dict[str, list[int]] = {}
        open_variants: list[int] = []
        for i, lit in literals:
            assert lit is not None
            values, optional = lit
            for v in values:
                by.setdefault(v, []).append(i)
            if optional:
                open_variants.append(i)
        shape["tag"] = key
        shape["by"] = by
        if open_variants:
            shape["open"] = open_variants
        return


def sdk_shapes() -> dict[str, Any]:
    """The installed SDK's request bodies as the data file's content (without version).
    A WebSocket connection's body, ``WEBSOCKET <path>``, is the union of the client
    events it sends, told apart by their ``type``."""
    conv = _Converter()
    bodies = {key: conv.body(targets) for key, targets in sdk_body_types().items()}
    for path, aliases in sdk_websocket_events().items():
        members = [conv.convert(_import(q)) for q in aliases]
        bodies[f"WEBSOCKET {path}"] = _simplify_union(members, "event")
    conv.tag_unions()
    for shape in bodies.values():
        conv.tag(shape)
    return {"bodies": dict(sorted(bodies.items())), "defs": dict(sorted(conv.defs.items()))}


def _websocket_modules(package_root: Path | None) -> list[tuple[set[str], ast.Module, str]]:
    """(the paths it opens, its syntax tree, its module name) of every SDK module that
    opens WebSocket connections: functions that read ``websocket_base_url`` append a
    literal path (bytes) or a ``path_template``."""
    if package_root is None:
        resources = sdk_resources_dir()
        if resources is None:
            return []
        package_root = resources.parent
    out: list[tuple[set[str], ast.Module, str]] = []
    for file in sorted((package_root / "resources").rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        found: set[str] = set()
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef) or not any(
                isinstance(n, ast.Attribute) and n.attr == "websocket_base_url"
                for n in ast.walk(fn)
            ):
                continue
            for node in ast.walk(fn):
                path = None
                if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
                    path = node.value.decode()
                elif isinstance(node, ast.Call) and _path_of(node) is not None:
                    path = _path_of(node)
                if path and path.startswith("/") and len(path) > 1:
                    found.add("/v1" + path)
        if found:
            out.append((found, tree, _module_name(file, package_root)))
    return out


def sdk_websockets(package_root: Path | None = None) -> set[str]:
    """Paths the SDK opens WebSocket connections to ("/v1/realtime", ...)."""
    return {path for paths, _, _ in _websocket_modules(package_root) for path in paths}


def sdk_websocket_events(package_root: Path | None = None) -> dict[str, list[str]]:
    """{"/v1/realtime": ["openai.types...RealtimeClientEventParam", ...]}: the client
    events each WebSocket connection sends, as its connection classes' ``send(event)``
    declares them (the ``...Param`` types of the annotation; the beta and GA clients of
    one path add up)."""
    found: dict[str, set[str]] = {}
    for paths, tree, module in _websocket_modules(package_root):
        imports = _imports(tree, module, module.endswith("__init__"))
        names: set[str] = set()
        for cls in tree.body:
            if not isinstance(cls, ast.ClassDef) or cls.name.startswith("Async"):
                continue
            for fn in cls.body:
                if not (isinstance(fn, ast.FunctionDef) and fn.name == "send"):
                    continue
                for arg in fn.args.args + fn.args.kwonlyargs:
                    if arg.arg != "event" or arg.annotation is None:
                        continue
                    for node in ast.walk(arg.annotation):
                        if isinstance(node, ast.Name) and node.id.endswith("Param"):
                            names.add(imports.get(node.id, f"{module}.{node.id}"))
        for path in paths:
            found.setdefault(path, set()).update(names)
    return {path: sorted(names) for path, names in sorted(found.items()) if names}


def dump_shapes(data: dict[str, Any]) -> str:
    """JSON with one body or type per line, so that an SDK update reads as a small diff."""
    import orjson

    def line(value: Any) -> str:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()

    out = ["{"]
    for key in sorted(data):
        value = data[key]
        if isinstance(value, dict):
            out.append(f"{line(key)}: {{")
            rows = [f"{line(k)}: {line(v)}" for k, v in sorted(value.items())]
            out.append(",\n".join(rows))
            out.append("},")
        else:
            out.append(f"{line(key)}: {line(value)},")
    out[-1] = out[-1].rstrip(",")
    out.append("}")
    return "\n".join(out) + "\n"


def sdk_models() -> list[str]:
    """Every model id the SDK names (chat, responses, images, embeddings, audio...)."""
    found: set[str] = set()
    for module, name in (
        ("openai.types.shared.chat_model", "ChatModel"),
        ("openai.types.shared.responses_model", "ResponsesModel"),
        ("openai.types.image_model", "ImageModel"),
        ("openai.types.embedding_model", "EmbeddingModel"),
        ("openai.types.audio_model", "AudioModel"),
        ("openai.types.audio.speech_model", "SpeechModel"),
        ("openai.types.moderation_model", "ModerationModel"),
    ):
        try:
            alias = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
        found.update(_literals(alias))
    return sorted(found)


def _literals(hint: Any) -> set[str]:
    if get_origin(hint) is Literal:
        return {v for v in get_args(hint) if isinstance(v, str)}
    if get_origin(hint) in (Union, types.UnionType):
        return set().union(*(_literals(a) for a in get_args(hint)))
    return set()
