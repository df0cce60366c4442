"""The Python analyser: `ast`, following the OpenAI client the way applications and
libraries hold it, and the OpenAI Agents SDK's own surface."""

from __future__ import annotations

import ast
from typing import Any

from zdr.lint import agents_sdk as sdk
from zdr.lint.knowledge import (
    API_PATH,
    CLIENT_CLASSES,
    CLIENTISH,
    EMAIL_NAME,
    EMAILISH,
    HTTP_VERBS,
    UNKNOWN,
    Issue,
    call_issue,
    catalogue,
    endpoint_issue,
    is_hosted_tool,
    is_sdk_resource,
    is_sdk_verb,
    param_issues,
    responses_endpoint,
    sdk_call,
    tool_issue,
)
from zdr.lint.program import AGENTS_STORE, TRACING, Analysis, Pending, python_module

Located = tuple[int, int, Issue]
_RUN_METHODS = {"run", "run_streamed", "run_sync"}
# Runner.run keyword -> the Responses API parameter it becomes.
_RUN_STATE = {"previous_response_id": "previous_response_id", "conversation_id": "conversation"}


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
    if isinstance(node, ast.Subscript):  # Agent[Context](...)
        node = node.value
        if isinstance(node, ast.Name) and not parts:
            return [node.id]
        return None
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


def _annotation_names(node: ast.AST | None) -> set[str]:
    """Every name in an annotation: `AsyncOpenAI | AsyncAzureOpenAI`, `Optional[OpenAI]`,
    `Union[...]`, `"OpenAI"`, `openai.OpenAI`."""
    if node is None:
        return set()
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return _annotation_names(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            return set()
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            out.add(n.id)
        elif isinstance(n, ast.Attribute):
            out.add(n.attr)
        elif isinstance(n, ast.Constant) and isinstance(n.value, str) and n is not node:
            out |= _annotation_names(n)
    return out


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


def _is_true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


class _Analyzer(ast.NodeVisitor):
    def __init__(self, project: dict[str, dict[str, Any]], module: str) -> None:
        # Module-level constants of the other files linted in the same run, by module
        # name suffix ("app.llm"), so `from app.llm import PARAMS` resolves.
        self.project = project
        self.module = module
        self.out = Analysis()
        self.client_classes: set[str] = set()
        self.openai_modules: set[str] = set()
        self.clients: set[str] = set()  # names and self.attributes holding a client
        self.env_stack: list[dict[str, Any]] = [{}]
        self.agents: dict[str, str] = {}  # local name -> Agents SDK name
        self.agents_modules: set[str] = set()  # `import agents`
        self.agents_import: ast.AST | None = None
        self.agent_calls: list[tuple[ast.Call, dict[str, Any]]] = []
        self.model_objects: dict[str, bool] = {}  # name -> is a Responses API model
        self.settings: dict[str, ast.Call] = {}  # name -> ModelSettings(...) call
        # Calls whose arguments are judged as a whole (SDK calls, tool helpers): a tool
        # dict inside them is not reported again.
        self.judged: set[int] = set()

    @property
    def found(self) -> list[Located]:
        return self.out.found

    def _add(self, node: ast.AST, issue: Issue | None) -> None:
        if issue is not None:
            self.found.append(
                (getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1, issue)
            )

    # -- bindings ----------------------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.out.facts.imports.append(alias.name)
            if alias.name == "openai":
                self.openai_modules.add(alias.asname or "openai")
            elif alias.name == "agents":
                self.agents_modules.add(alias.asname or "agents")
                self.agents_import = self.agents_import or node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            # Relative: a path from this file's folder, resolved against the tree.
            spec = "./" + "../" * (node.level - 1) + module.replace(".", "/")
            base = self.module.split(".")
            base = base[: len(base) - node.level] if node.level <= len(base) else []
            module = ".".join([*base, module] if module else base)
        else:
            spec = module
        self.out.facts.imports.append(spec)
        sep = "" if spec.endswith("/") else ("/" if node.level else ".")
        for alias in node.names:
            self.out.facts.imports.append(f"{spec}{sep}{alias.name}")
        for alias in node.names:
            local = alias.asname or alias.name
            if module == "openai" and alias.name in CLIENT_CLASSES:
                self.client_classes.add(local)
            elif module.split(".")[0] == "agents" and not node.level:
                self.agents[local] = alias.name
                self.agents_import = self.agents_import or node
            else:
                constants = constants_of(self.project, module)
                if alias.name in constants:
                    self.env_stack[0][local] = constants[alias.name]
                else:
                    self.out.from_imports.append((module, alias.name))
                if CLIENTISH.search(local) and not local[0].isupper():
                    self.clients.add(local)  # `from app.llm import client`

    def _is_client_expr(self, node: ast.AST | None) -> bool:
        """A client made here, or one already known: `AsyncOpenAI()`, `client`,
        `client or AsyncOpenAI()`, `x if c else OpenAI()`, `cast(Any, self._client)`."""
        if node is None:
            return False
        if isinstance(node, ast.Await):
            return self._is_client_expr(node.value)
        if isinstance(node, ast.BoolOp):
            return any(self._is_client_expr(v) for v in node.values)
        if isinstance(node, ast.IfExp):
            return self._is_client_expr(node.body) or self._is_client_expr(node.orelse)
        name = self._target_name(node)
        if name is not None:
            return name in self.clients
        if not isinstance(node, ast.Call):
            return False
        f = node.func
        if isinstance(f, ast.Name):
            if f.id in self.client_classes:
                return True
            if f.id == "cast" and len(node.args) == 2:
                return self._is_client_expr(node.args[1])
            return False
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            return f.value.id in self.openai_modules and f.attr in CLIENT_CLASSES
        return False

    def _is_client_type(self, annotation: ast.AST | None) -> bool:
        names = _annotation_names(annotation)
        return bool(names & (self.client_classes | CLIENT_CLASSES))

    def _target_name(self, target: ast.AST) -> str | None:
        if isinstance(target, ast.Name):
            return target.id
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            return f"{target.value.id}.{target.attr}"
        return None

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._bind(target, node.value)
            self._env_assignment(target, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        name = self._target_name(node.target)
        if name and (self._is_client_expr(node.value) or self._is_client_type(node.annotation)):
            self.clients.add(name)
        if node.value is not None:
            self._bind(node.target, node.value)
        self.generic_visit(node)

    def _bind(self, target: ast.AST, value: ast.expr) -> None:
        name = self._target_name(target)
        if name is None:
            return
        if self._is_client_expr(value):
            self.clients.add(name)
        if isinstance(value, ast.Call):
            callee = _chain(value.func)
            last = self.agents.get(callee[-1], callee[-1]) if callee else ""
            if last == "ModelSettings":
                self.settings[name] = value
            elif last.endswith("Model"):
                self.model_objects[name] = last in sdk.RESPONSES_MODEL_CLASSES
        if isinstance(target, ast.Name) and isinstance(
            value, (ast.Dict, ast.Call, ast.Constant, ast.JoinedStr)
        ):
            literal = _literal(value, self.env_stack[-1])
            if isinstance(literal, (dict, str)):
                self.env_stack[-1][target.id] = literal

    def _env_assignment(self, target: ast.AST, value: ast.expr) -> None:
        """os.environ["OPENAI_AGENTS_DISABLE_TRACING"] = "1" (and misspellings of it)."""
        if isinstance(target, ast.Subscript) and (_chain(target.value) or [""])[-1] == "environ":
            self._env_set(target, _literal(target.slice, {}), _literal(value, self.env_stack[-1]))

    def _env_set(self, node: ast.AST, name: Any, value: Any) -> None:
        if not isinstance(name, str):
            return
        if name == sdk.TRACING_ENV:
            if value in sdk.TRACING_ENV_ON:
                self.out.facts.settles.add(TRACING)
        elif sdk.MISSPELT_TRACING_ENV.match(name):
            self._add(node, misspelt_tracing_env(name))

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
            if self._is_client_type(arg.annotation):
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
            self._agents_call(node, chain)
            self._environ_call(node, chain)
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        """A hosted tool built as a dict, wherever it is built (a `get_tools()` in
        another module); inside a judged call, the call reports it."""
        if id(node) not in self.judged:
            tag = next(
                (
                    (k, v)
                    for k, v in zip(node.keys, node.values, strict=False)
                    if isinstance(k, ast.Constant) and k.value == "type"
                ),
                None,
            )
            if tag is not None:
                kind = _literal(tag[1], {})
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                if is_hosted_tool(kind, keys):  # type: ignore[arg-type]
                    tool = _literal(node, self.env_stack[-1])
                    self._add(tag[0], tool_issue(tool, f"a {kind} tool"))
        self.generic_visit(node)

    def _judge_inside(self, node: ast.Call) -> None:
        for n in ast.walk(node):
            if isinstance(n, ast.Dict):
                self.judged.add(id(n))

    def _receiver(self, chain: list[str]) -> tuple[bool, int] | None:
        """(known to be a client, index where the SDK chain starts), or None when no
        suffix of the chain is an SDK call."""
        if len(chain) >= 2 and f"{chain[0]}.{chain[1]}" in self.clients:
            return True, 2
        if chain[0] in self.clients or chain[0] in self.openai_modules:
            return True, 1
        if chain[0].endswith("()") and chain[0][:-2].split(".")[-1] in (
            self.client_classes | CLIENT_CLASSES
        ):
            return True, 1
        # An unknown receiver, possibly reached through attributes (self.client.x...).
        if not is_sdk_verb(chain[-1]):
            return None
        for start in range(1, len(chain) - 1):
            if sdk_call(".".join(chain[start:])) is not None:
                return False, start
        return None

    def _sdk_call(self, node: ast.Call, chain: list[str]) -> None:
        found = self._receiver(chain)
        if found is None:
            return
        known, start = found
        rest = chain[start:]
        if len(rest) < 2:
            return
        call = sdk_call(".".join(rest))
        if call is None:
            return
        if not known:
            # An unknown receiver: trust it only when the chain is unmistakably the
            # SDK's (three parts, like x.chat.completions.create) or the name says so.
            if len(rest) < 3 and not CLIENTISH.search(chain[start - 1]):
                return
            if not is_sdk_resource(".".join(rest[:-1])):
                return
        self._judge_inside(node)
        self.out.uses_values = True
        method, path = call
        ep = catalogue().match(method, path)
        if ep is None:
            return
        if ep.retains_data:
            self._add(node, endpoint_issue(ep, method, path=path))
            return
        kwargs, unpacked = self._kwargs(node)
        for issue in param_issues(ep, kwargs, unpacked):
            self._add(node, issue)

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
        self.out.uses_values = True
        url = _literal(args[0], self.env_stack[-1])
        if not isinstance(url, str):
            return
        m = API_PATH.search(url)
        if m is None or ("://" in url and "openai" not in url):
            return
        self._add(node, call_issue(method, m.group(1), "ZDR020"))

    # -- the Agents SDK ----------------------------------------------------------------

    def _agents_name(self, chain: list[str]) -> str | None:
        """The Agents SDK name a call refers to (`Agent`, `agents.Runner.run`...)."""
        if chain[0] in self.agents:
            return ".".join([self.agents[chain[0]], *chain[1:]])
        if chain[0] in self.agents_modules and len(chain) > 1:
            return ".".join(chain[1:])
        return None

    def _agents_call(self, node: ast.Call, chain: list[str]) -> None:
        name = self._agents_name(chain)
        if name == "Agent":  # Agent(...) and Agent[Context](...)
            self.agent_calls.append((node, dict(self.env_stack[-1])))
            self.out.uses_values = True
        elif name in sdk.PY_TOOL_CLASSES:
            self._judge_inside(node)
            kwargs, _ = self._kwargs(node)
            tool = sdk.tool_object(sdk.PY_TOOL_CLASSES[name], kwargs)
            if tool is not None:
                self._add(node, tool_issue(tool, f"{name}()"))
        elif name == "OpenAIConversationsSession":
            ep = catalogue().match("POST", "/v1/conversations")
            issue = endpoint_issue(ep, "POST") if ep else None
            if issue is not None:
                self._add(node, Issue(issue.rule, f"OpenAIConversationsSession: {issue.message}"))
        elif name == "set_tracing_disabled":
            if _is_true(node.args[0] if node.args else _kw(node, "disabled")):
                self.out.facts.settles.add(TRACING)
        elif name == "RunConfig":
            self._run_config(node)
        elif name == "set_default_openai_api":
            api = node.args[0] if node.args else _kw(node, "api")
            if api is not None and _literal(api, {}) == "chat_completions":
                self.out.facts.settles.add(AGENTS_STORE)
        elif name == "set_default_openai_client":
            client = node.args[0] if node.args else _kw(node, "client")
            if isinstance(client, ast.Call):
                base = _literal(_kw(client, "base_url") or ast.Constant(None), self.env_stack[-1])
                if isinstance(base, str) and not sdk.is_openai_url(base):
                    self.out.facts.settles.add(AGENTS_STORE)
        if chain[-1] in _RUN_METHODS and (self.agents or self.agents_modules):
            self._run_call(node)

    def _run_config(self, node: ast.Call) -> None:
        if _is_true(_kw(node, "tracing_disabled")):
            self.out.facts.settles.add(TRACING)
        if _kw(node, "model_provider") is not None or self._store_false(
            _kw(node, "model_settings")
        ):
            self.out.facts.settles.add(AGENTS_STORE)

    def _run_call(self, node: ast.Call) -> None:
        """Runner.run(..., previous_response_id=, conversation_id=) and the
        websocket session's run_streamed: state kept at the provider."""
        kwargs = {
            _RUN_STATE[kw.arg]: _literal(kw.value, self.env_stack[-1])
            for kw in node.keywords
            if kw.arg in _RUN_STATE
        }
        if _is_true(_kw(node, "auto_previous_response_id")):
            kwargs["previous_response_id"] = UNKNOWN
        if kwargs:
            for issue in param_issues(responses_endpoint(), kwargs, True):
                self._add(node, issue)

    def _environ_call(self, node: ast.Call, chain: list[str]) -> None:
        """os.environ.setdefault(NAME, v), os.putenv(NAME, v), os.environ.update(...)."""
        if chain[-1] in ("setdefault", "putenv") and len(node.args) == 2:
            if chain[-1] == "putenv" or chain[-2:-1] == ["environ"]:
                env = self.env_stack[-1]
                self._env_set(node, _literal(node.args[0], env), _literal(node.args[1], env))
        elif chain[-2:] == ["environ", "update"]:
            pairs = _literal(node.args[0], self.env_stack[-1]) if node.args else {}
            pairs = pairs if isinstance(pairs, dict) else {}
            pairs.update({kw.arg: _literal(kw.value, {}) for kw in node.keywords if kw.arg})
            for name, value in pairs.items():
                self._env_set(node, name, value)

    def _is_settings_call(self, node: ast.AST) -> bool:
        callee = _chain(node.func) if isinstance(node, ast.Call) else None
        return bool(callee) and self.agents.get(callee[-1], callee[-1]) == "ModelSettings"  # type: ignore[index]

    def _store_false(self, settings: ast.AST | None) -> bool:
        if isinstance(settings, ast.Name):
            settings = self.settings.get(settings.id)
        if isinstance(settings, ast.Call):
            store = _kw(settings, "store")
            return isinstance(store, ast.Constant) and store.value is False
        return False

    def agents_findings(self) -> None:
        if self.agents_import is not None and (
            {"Agent", "Runner"} & set(self.agents.values()) or self.agents_modules
        ):
            imp = self.agents_import
            self.out.pending.append(
                Pending(imp.lineno, imp.col_offset + 1, _TRACING_ISSUE, TRACING)  # type: ignore[attr-defined]
            )
        for call, env in self.agent_calls:
            if not self._responses_model(_kw(call, "model"), env):
                continue
            settings = _kw(call, "model_settings")
            if isinstance(settings, ast.Name):
                settings = self.settings.get(settings.id)
                if settings is None:
                    continue  # settings made elsewhere: not guessed
            if settings is not None and not self._is_settings_call(settings):
                continue
            if self._store_false(settings):
                continue
            self.out.pending.append(
                Pending(call.lineno, call.col_offset + 1, _AGENT_ISSUE, AGENTS_STORE)
            )

    def _responses_model(self, model: ast.AST | None, env: dict[str, Any]) -> bool:
        """Whether an agent's model is OpenAI's Responses API: the default, a model name
        (unless routed elsewhere by prefix), or a Responses model object."""
        if model is None or (isinstance(model, ast.Constant) and model.value is None):
            return True
        if isinstance(model, ast.Call):
            callee = _chain(model.func) or [""]
            if callee[-1] == "getenv" or callee[-2:] == ["environ", "get"]:
                return True  # a model name from the environment
            # A model object: a Responses one, or another (chat completions, LiteLLM...);
            # any other call is not guessed.
            return self.agents.get(callee[-1], callee[-1]) in sdk.RESPONSES_MODEL_CLASSES
        if isinstance(model, ast.Name) and model.id in self.model_objects:
            return self.model_objects[model.id]
        value = _literal(model, env)
        if isinstance(value, str):
            return not value.startswith(sdk.OTHER_PROVIDER_PREFIXES)
        # A name or expression giving a model name (os.getenv(...), a parameter).
        return not isinstance(model, (ast.Lambda, ast.Dict, ast.List))


_TRACING_ISSUE = Issue(
    "ZDR010",
    "The OpenAI Agents SDK exports traces (inputs and outputs included) to the provider "
    "by default, and no program running this file switches them off. Fix: "
    "set_tracing_disabled(True), RunConfig(tracing_disabled=True) or "
    f"{sdk.TRACING_ENV}=1.",
)
_AGENT_ISSUE = Issue(
    "ZDR011",
    "Agent on the Responses API without store=False: the Agents SDK leaves store unset, "
    f"so the API stores every turn. Fix: {sdk.PY_AGENT_ADVICE}.",
)


def misspelt_tracing_env(name: str) -> Issue:
    return Issue(
        "ZDR010",
        f"{name} is not read by the OpenAI Agents SDK, so tracing stays on. Fix: set "
        f"{sdk.TRACING_ENV}=1.",
    )


def constants_of(project: dict[str, dict[str, Any]], module: str) -> dict[str, Any]:
    """The constants of `module` ("app.llm"), from `project`, whose keys are the dotted
    paths of the linted files and every shorter suffix of them (see `constants_index`)."""
    if not module:
        return {}
    parts = module.split(".")
    for i in range(len(parts)):  # a longer import path than the tree's ("pkg.app.llm")
        found = project.get(".".join(parts[i:]))
        if found is not None:
            return found
    return {}


def constants_index(by_module: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each file's constants under its dotted path and every suffix of it, so that
    `from app.llm import X` finds /work/src/app/llm.py in one look-up."""
    out: dict[str, dict[str, Any]] = {}
    for module, constants in by_module.items():
        parts = module.split(".")
        for i in range(len(parts)):
            out.setdefault(".".join(parts[i:]), constants)
    return out


def module_constants(tree: ast.Module) -> dict[str, Any]:
    """Module-level values other files may pass to a call: dicts (keyword arguments)
    and short strings (URLs, model names). Long strings (prompts) are not kept."""
    out: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                value = _literal(node.value, out)
                if isinstance(value, dict) or (isinstance(value, str) and len(value) <= 200):
                    out[target.id] = value
    return out


def analyse_python(
    tree: ast.Module, path: str, project: dict[str, dict[str, Any]] | None = None
) -> Analysis:
    from pathlib import PurePosixPath

    analyzer = _Analyzer(project or {}, python_module(PurePosixPath(path)))
    analyzer.visit(tree)
    analyzer.agents_findings()
    analyzer.out.facts.constants = module_constants(tree)
    return analyzer.out
