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
    path = _raw_path_of(node)
    # "/responses?beta=true": the query selects a variant, the endpoint is the path.
    return path.split("?", 1)[0] if path is not None else None


def _raw_path_of(node: ast.expr) -> str | None:
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


# -- call chains: client.files.create -> (POST, /v1/files) -------------------------------


def _in_source_order(fn: ast.AST) -> list[ast.expr]:
    nodes = [n for n in ast.walk(fn) if isinstance(n, ast.expr)]
    return sorted(nodes, key=lambda n: (n.lineno, n.col_offset))


def _is_overload(fn: ast.FunctionDef) -> bool:
    return any(
        (isinstance(d, ast.Name) and d.id == "overload")
        or (isinstance(d, ast.Attribute) and d.attr == "overload")
        for d in fn.decorator_list
    )


def _module_name(file: Path, package_root: Path) -> str:
    rel = file.relative_to(package_root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.Module, module: str, is_package: bool) -> dict[str, str]:
    """Names imported by a module -> 'module.Name' (relative imports resolved)."""
    found: dict[str, str] = {}
    package = module if is_package else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:
                found[alias.asname or alias.name] = f"{base}.{alias.name}"
    return found


def sdk_call_chains(package_root: Path | None = None) -> dict[str, tuple[str, str]]:
    """{"chat.completions.create": ("POST", "/v1/chat/completions"), ...} for the
    synchronous client, read from the installed SDK's source with ``ast``."""
    if package_root is None:
        resources = sdk_resources_dir()
        if resources is None:
            return {}
        package_root = resources.parent
    classes: dict[str, ast.ClassDef] = {}
    functions: dict[str, ast.FunctionDef] = {}  # module-level helpers (runs_poll...)
    imports: dict[str, dict[str, str]] = {}
    for file in sorted(package_root.rglob("*.py")):
        module = _module_name(file, package_root)
        tree = ast.parse(file.read_text(encoding="utf-8"))
        imports[module] = _imports(tree, module, file.name == "__init__.py")
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                classes[f"{module}.{node.name}"] = node
            elif isinstance(node, ast.FunctionDef):
                functions[f"{module}.{node.name}"] = node

    def resolve(module: str, name: str) -> str | None:
        if f"{module}.{name}" in classes:
            return f"{module}.{name}"
        target = imports.get(module, {}).get(name)
        seen = 0
        while target is not None and target not in classes and seen < 5:
            mod, _, nm = target.rpartition(".")
            target = imports.get(mod, {}).get(nm)
            seen += 1
        return target if target in classes else None

    def direct_call(fn: ast.FunctionDef) -> tuple[str, str] | None:
        for node in _in_source_order(fn):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _METHODS
                and node.args
            ):
                path = _path_of(node.args[0])
                if path is not None:
                    return _METHODS[node.func.attr], "/v1" + path
        return None

    def sibling_calls(fn: ast.FunctionDef, module: str, depth: int = 0) -> list[str]:
        """The sibling methods a helper uses, in source order: `self.retrieve(...)`,
        `self.with_raw_response.retrieve(...)`, `partial(self.create, ...)`, or the
        same inside a library function it hands `self` to (`runs_poll(self, ...)`)."""
        receiver = fn.args.args[0].arg if fn.args.args else "self"
        out: list[str] = []
        for n in _in_source_order(fn):
            if isinstance(n, ast.Attribute):
                root = n.value
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name) and root.id == receiver:
                    out.append(n.attr)
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and depth == 0:
                first = n.args[0] if n.args else None
                if isinstance(first, ast.Name) and first.id == receiver:
                    target = imports.get(module, {}).get(n.func.id, f"{module}.{n.func.id}")
                    helper = functions.get(target)
                    if helper is not None:
                        out.extend(sibling_calls(helper, target.rsplit(".", 1)[0], depth + 1))
        return out

    chains: dict[str, tuple[str, str]] = {}

    def walk(qualified: str, prefix: str, depth: int) -> None:
        if depth > 6:
            return
        module = qualified.rsplit(".", 1)[0]
        cls = classes[qualified]
        own: dict[str, tuple[str, str]] = {}
        delegating: dict[str, list[str]] = {}
        for item in cls.body:
            if not isinstance(item, ast.FunctionDef) or item.name.startswith("_"):
                continue
            if item.name.startswith("with_") or _is_overload(item):
                continue  # an @overload stub has no body: its implementation follows
            is_property = any(
                isinstance(d, ast.Name) and d.id == "cached_property" for d in item.decorator_list
            )
            if is_property:
                ret = item.returns
                name = ret.id if isinstance(ret, ast.Name) else None
                if isinstance(ret, ast.Constant) and isinstance(ret.value, str):
                    name = ret.value
                child = resolve(module, name) if name else None
                if child is None:  # imported inside the function body (the client)
                    for node in ast.walk(item):
                        if isinstance(node, ast.ImportFrom) and name:
                            local = _imports(
                                ast.Module(body=[node], type_ignores=[]), module, False
                            )
                            target = local.get(name)
                            if target:
                                child = (
                                    target if target in classes else resolve(*target.rsplit(".", 1))
                                )
                if child is not None:
                    walk(child, f"{prefix}{item.name}.", depth + 1)
                continue
            call = direct_call(item)
            if call is not None:
                own[item.name] = call
            else:
                delegating[item.name] = sibling_calls(item, module)
        for name, call in own.items():
            chains[prefix + name] = call
        # Helpers call siblings (create_and_poll: create, then retrieve; poll: retrieve;
        # stream: retrieve to resume, else create) or a library function (parse: the
        # create endpoint). A helper that writes is named by its write.
        fallback = own.get("create") or next(iter(own.values()), None)
        for name, callees in delegating.items():
            called = [own[c] for c in callees if c in own]
            writes = [c for c in called if c[0] != "GET"]
            call_of = (writes or called)[0] if called else fallback
            if call_of is not None:
                chains[prefix + name] = call_of

    client = resolve("openai._client", "OpenAI")
    if client is not None:
        walk(client, "", 0)
    return chains


# -- tool parameters: {"type": "file_search", ...} -> its fields -------------------------


def _literal_types(annotation: ast.expr | None) -> list[str]:
    """`Required[Literal["web_search", "web_search_2025_08_26"]]` -> both values."""
    while isinstance(annotation, ast.Subscript):
        name = annotation.value
        attr = name.attr if isinstance(name, ast.Attribute) else getattr(name, "id", "")
        inner = annotation.slice
        if attr == "Literal":
            values = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            return [
                v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)
            ]
        annotation = inner
    return []


def sdk_tool_keys(package_root: Path | None = None) -> dict[str, list[str]]:
    """{"file_search": ["filters", "max_num_results", ..., "vector_store_ids"], ...}: the
    fields of every request TypedDict (`*_param.py`) whose `type` is a literal, by that
    literal, read from the installed SDK's `types/` with ``ast``."""
    if package_root is None:
        resources = sdk_resources_dir()
        if resources is None:
            return {}
        package_root = resources.parent
    keys: dict[str, set[str]] = {}
    for file in sorted((package_root / "types").rglob("*_param.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            fields = {
                item.target.id: item.annotation
                for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
            }
            for kind in _literal_types(fields.get("type")):
                keys.setdefault(kind, set()).update(fields)
    return {kind: sorted(names) for kind, names in sorted(keys.items())}
