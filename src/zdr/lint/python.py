"""The Python analyser: `ast`, following simple aliases of the OpenAI client."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from zdr.lint.knowledge import (
    API_PATH,
    CLIENT_CLASSES,
    CLIENTISH,
    EMAIL_NAME,
    EMAILISH,
    HTTP_VERBS,
    UNKNOWN,
    Issue,
    chain_prefixes,
    endpoint_for_chain,
    endpoint_for_http,
    endpoint_issue,
    param_issues,
)

Located = tuple[int, int, Issue]


def _literal(node: ast.AST, env: dict[str, Any]) -> Any:
    """A Python value for literal-ish nodes; UNKNOWN otherwise."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(e, env) for e in node.elts]
    if isinstance(node, ast.Dict):
        out: dict[Any, Any] = {}
        for k, v in zip(node.keys, node.values, strict=False):
            if k is None:
                spread = _literal(v, env)
                if isinstance(spread, dict):
                    out.update(spread)
            elif isinstance(k, ast.Constant):
                out[k.value] = _literal(v, env)
        return out
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return {kw.arg: _literal(kw.value, env) for kw in node.keywords if kw.arg}
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        return EMAILISH if EMAIL_NAME.search(node.id) else UNKNOWN
    if isinstance(node, ast.Attribute):
        return EMAILISH if EMAIL_NAME.search(node.attr) else UNKNOWN
    if isinstance(node, ast.JoinedStr):
        names = [ast.unparse(v.value) for v in node.values if isinstance(v, ast.FormattedValue)]
        if any(EMAIL_NAME.search(n) for n in names):
            return EMAILISH
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                parts.append(str(v.value))
            else:
                inner = _literal(v.value, env) if isinstance(v, ast.FormattedValue) else UNKNOWN
                parts.append(inner if isinstance(inner, str) else "{x}")
        return "".join(parts)
    return UNKNOWN


def _chain(node: ast.AST) -> list[str] | None:
    """client.chat.completions.create -> ["client", "chat", "completions", "create"]."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):  # OpenAI().files.create(...)
        inner = _chain(node.func)
        if inner is None:
            return None
        parts.append("()".join([".".join(inner), ""]))
    else:
        return None
    return list(reversed(parts))


class _Analyzer(ast.NodeVisitor):
    def __init__(self, project: dict[str, dict[str, Any]] | None = None) -> None:
        # Module-level constants of the other files linted in the same run, by module
        # name suffix ("app.llm"), so `from app.llm import PARAMS` resolves.
        self.project = project or {}
        self.client_classes: set[str] = set()
        self.openai_modules: set[str] = set()
        self.clients: set[str] = set()  # names and self.attributes holding a client
        self.env_stack: list[dict[str, Any]] = [{}]
        self.found: list[Located] = []
        self.agents: dict[str, str] = {}  # local name -> agents SDK name
        self.agent_calls: list[ast.Call] = []

    # -- bindings ----------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == "openai":
                self.openai_modules.add(alias.asname or "openai")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            local = alias.asname or alias.name
            if module == "openai" and alias.name in CLIENT_CLASSES:
                self.client_classes.add(local)
            elif module.split(".")[0] == "agents":
                self.agents[local] = alias.name
            else:
                constants = _module_constants(self.project, module)
                if alias.name in constants:
                    self.env_stack[0][local] = constants[alias.name]
                elif CLIENTISH.search(local) and not local[0].isupper():
                    self.clients.add(local)  # `from app.llm import client`

    def _is_client_factory(self, call: ast.AST) -> bool:
        if not isinstance(call, ast.Call):
            return False
        f = call.func
        if isinstance(f, ast.Name):
            return f.id in self.client_classes
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            return f.value.id in self.openai_modules and f.attr in CLIENT_CLASSES
        return False

    def _target_name(self, target: ast.AST) -> str | None:
        if isinstance(target, ast.Name):
            return target.id
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            return f"{target.value.id}.{target.attr}"
        return None

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            name = self._target_name(target)
            if name is None:
                continue
            if self._is_client_factory(node.value):
                self.clients.add(name)
            elif isinstance(node.value, (ast.Dict, ast.Call, ast.Constant, ast.JoinedStr)) and (
                isinstance(target, ast.Name)
            ):
                value = _literal(node.value, self.env_stack[-1])
                if isinstance(value, (dict, str)):
                    self.env_stack[-1][target.id] = value
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        name = self._target_name(node.target)
        if name and node.value is not None and self._is_client_factory(node.value):
            self.clients.add(name)
        if name and isinstance(node.annotation, ast.Name):
            if node.annotation.id in self.client_classes:
                self.clients.add(name)
        self.generic_visit(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for arg in [*node.args.args, *node.args.kwonlyargs]:
            ann = arg.annotation
            ann_name = (
                ann.id
                if isinstance(ann, ast.Name)
                else (ann.value if isinstance(ann, ast.Constant) else None)
            )
            if ann_name in self.client_classes or ann_name in CLIENT_CLASSES:
                self.clients.add(arg.arg)
        self.env_stack.append(dict(self.env_stack[-1]))
        self.generic_visit(node)
        self.env_stack.pop()

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    # -- calls -------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        chain = _chain(node.func)
        if chain:
            self._sdk_call(node, chain)
            self._http_call(node, chain)
            if self.agents.get(chain[-1]) == "Agent":
                self.agent_calls.append(node)
        self.generic_visit(node)

    def _root_is_client(self, chain: list[str]) -> tuple[bool, int]:
        """(is a client, index where the SDK chain starts)."""
        if len(chain) >= 2 and f"{chain[0]}.{chain[1]}" in self.clients:
            return True, 2
        if chain[0] in self.clients or chain[0] in self.openai_modules:
            return True, 1
        if chain[0].endswith("()") and chain[0][:-2].split(".")[-1] in (
            self.client_classes | CLIENT_CLASSES
        ):
            return True, 1
        return False, 1

    def _sdk_call(self, node: ast.Call, chain: list[str]) -> None:
        known, start = self._root_is_client(chain)
        rest = chain[start:]
        if len(rest) < 2:
            return
        sdk_chain = ".".join(rest)
        ep = endpoint_for_chain(sdk_chain)
        if ep is None:
            return
        if not known:
            # An unknown receiver: trust it only when the chain is unmistakably the
            # SDK's (three parts, like x.chat.completions.create) or the name says so.
            if len(rest) < 3 and not CLIENTISH.search(chain[start - 1]):
                return
            if ".".join(rest[:-1]) not in chain_prefixes():
                return
        issue = endpoint_issue(ep)
        if issue is not None:
            self.found.append((node.lineno, node.col_offset + 1, issue))
            return
        kwargs, unpacked = self._kwargs(node)
        for issue in param_issues(ep, kwargs, unpacked):
            self.found.append((node.lineno, node.col_offset + 1, issue))

    def _kwargs(self, node: ast.Call) -> tuple[dict[str, Any], bool]:
        env = self.env_stack[-1]
        kwargs: dict[str, Any] = {}
        unpacked = False
        for kw in node.keywords:
            if kw.arg is None:
                spread = _literal(kw.value, env)
                if isinstance(spread, dict):
                    kwargs.update(spread)
                else:
                    unpacked = True
            else:
                kwargs[kw.arg] = _literal(kw.value, env)
        return kwargs, unpacked

    def _http_call(self, node: ast.Call, chain: list[str]) -> None:
        verb = chain[-1].lower()
        method = HTTP_VERBS.get(verb)
        args = list(node.args)
        if verb in ("request", "fetch") and args:
            first = _literal(args[0], self.env_stack[-1])
            if isinstance(first, str) and len(args) >= 2:
                method, args = first.upper(), args[1:]
        if method is None or not args:
            return
        url = _literal(args[0], self.env_stack[-1])
        if not isinstance(url, str) and isinstance(args[0], ast.JoinedStr):
            url = "".join(
                str(v.value) if isinstance(v, ast.Constant) else "{x}" for v in args[0].values
            )
        if not isinstance(url, str):
            return
        m = API_PATH.search(url)
        if m is None or ("://" in url and "openai" not in url):
            return
        ep = endpoint_for_http(method, m.group(1))
        if ep is None:
            return
        issue = endpoint_issue(ep, "ZDR020")
        if issue is not None:
            self.found.append((node.lineno, node.col_offset + 1, issue))


def _module_constants(project: dict[str, dict[str, Any]], module: str) -> dict[str, Any]:
    for name, constants in project.items():
        if name == module or name.endswith("." + module) or module.endswith("." + name):
            return constants
    return {}


def module_constants(tree: ast.Module) -> dict[str, Any]:
    """Module-level dict and string constants, for imports from other files."""
    out: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                value = _literal(node.value, out)
                if isinstance(value, (dict, str)):
                    out[target.id] = value
    return out


def analyse_python(
    tree: ast.Module, tracing_disabled: bool, project: dict[str, dict[str, Any]] | None = None
) -> Iterator[Located]:
    analyzer = _Analyzer(project)
    analyzer.visit(tree)
    yield from analyzer.found
    if analyzer.agents:
        yield from _agents_findings(tree, analyzer, tracing_disabled)


def _agents_findings(
    tree: ast.Module, analyzer: _Analyzer, tracing_disabled: bool
) -> Iterator[Located]:
    if not tracing_disabled and any(v in ("Agent", "Runner") for v in analyzer.agents.values()):
        first = next(
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("agents")
        )
        yield (
            first.lineno,
            first.col_offset + 1,
            Issue(
                "ZDR010",
                "The OpenAI Agents SDK exports traces (inputs and outputs included) to the "
                "provider by default. Fix: set_tracing_disabled(True), "
                "RunConfig(tracing_disabled=True) or OPENAI_AGENTS_DISABLE_TRACING=1.",
            ),
        )
    for call in analyzer.agent_calls:
        settings = next((kw.value for kw in call.keywords if kw.arg == "model_settings"), None)
        store_false = isinstance(settings, ast.Call) and any(
            kw.arg == "store" and isinstance(kw.value, ast.Constant) and kw.value.value is False
            for kw in settings.keywords
        )
        if not store_false:
            yield (
                call.lineno,
                call.col_offset + 1,
                Issue(
                    "ZDR011",
                    "Agent without model_settings=ModelSettings(store=False): the Agents "
                    "SDK leaves store unset, so the Responses API stores every turn.",
                ),
            )
