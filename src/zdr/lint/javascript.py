"""The JavaScript/TypeScript analyser, on tree-sitter's grammars (a real parser; no
regular expressions over source). Same rules as for Python, plus the Vercel AI SDK."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tree_sitter import Language, Node, Parser

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
from zdr.lint.program import AGENTS_STORE, TRACING, Analysis, Pending
from zdr.lint.python import misspelt_tracing_env

# JS SDK names differ from Python's in case only: vectorStores -> vector_stores.
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")
_AGENTS_PACKAGES = ("@openai/agents", "@openai/agents-openai", "@openai/agents-core")
_AI_SDK_CALLS = {"streamText", "generateText", "streamObject", "generateObject"}
_AI_SDK_AGENTS = {"ToolLoopAgent", "Experimental_Agent", "Agent"}
# run(agent, input, { previousResponseId, conversationId }) -> the Responses API names.
_RUN_STATE = {"previousResponseId": "previous_response_id", "conversationId": "conversation"}
# Errors over this share of a file mean the grammar did not read it.
_UNREADABLE_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class OneOf:
    """A value that is one of several (a ternary): each is judged."""

    values: tuple[Any, ...]


@functools.cache
def _parser(kind: str) -> Parser:
    if kind == "js":
        import tree_sitter_javascript as grammar

        return Parser(Language(grammar.language()))
    import tree_sitter_typescript as ts

    return Parser(Language(ts.language_tsx() if kind == "tsx" else ts.language_typescript()))


def _text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text else ""


def _field(node: Node | None, name: str) -> Node | None:
    return node.child_by_field_name(name) if node is not None else None


def _unwrap(node: Node | None) -> Node | None:
    while node is not None and node.type in (
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "await_expression",
    ):
        node = node.named_children[0] if node.named_children else None
    return node


def _value(node: Node | None, consts: dict[str, Any]) -> Any:
    node = _unwrap(node)
    if node is None:
        return UNKNOWN
    t = node.type
    if t == "true":
        return True
    if t == "false":
        return False
    if t in ("null", "undefined"):
        return None
    if t == "string":
        return "".join(_text(c) for c in node.named_children if c.type == "string_fragment")
    if t == "template_string":
        subs = [c for c in node.named_children if c.type == "template_substitution"]
        if any(EMAIL_NAME.search(_text(s)) for s in subs):
            return EMAILISH
        parts = []
        for c in node.named_children:
            if c.type == "string_fragment":
                parts.append(_text(c))
            elif c.type == "template_substitution":
                inner = _value(c.named_children[0] if c.named_children else None, consts)
                parts.append(inner if isinstance(inner, str) else "{x}")
        return "".join(parts)
    if t == "number":
        return _text(node)
    if t == "array":
        return [_value(c, consts) for c in node.named_children]
    if t == "object":
        return _object(node, consts)
    if t == "ternary_expression":
        branches = (_field(node, "consequence"), _field(node, "alternative"))
        return OneOf(tuple(_value(b, consts) for b in branches))
    if t == "binary_expression" and _text(_field(node, "operator")) == "+":
        left, right = _value(_field(node, "left"), consts), _value(_field(node, "right"), consts)
        if isinstance(left, str) or isinstance(right, str):
            return (left if isinstance(left, str) else "{x}") + (
                right if isinstance(right, str) else "{x}"
            )
    if t == "identifier":
        name = _text(node)
        return consts.get(name, EMAILISH if EMAIL_NAME.search(name) else UNKNOWN)
    if t == "member_expression":
        prop = _field(node, "property")
        return EMAILISH if prop is not None and EMAIL_NAME.search(_text(prop)) else UNKNOWN
    return UNKNOWN


def _object(node: Node, consts: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in node.named_children:
        if pair.type == "pair":
            key = _field(pair, "key")
            name = _text(key).strip("'\"`") if key is not None else ""
            out[name] = _value(_field(pair, "value"), consts)
        elif pair.type == "shorthand_property_identifier":
            name = _text(pair)
            out[name] = consts.get(name, EMAILISH if EMAIL_NAME.search(name) else UNKNOWN)
        elif pair.type == "spread_element" and pair.named_children:
            spread = _value(pair.named_children[0], consts)
            # `...(cond ? { previousResponseId } : {})`: either branch may apply.
            for part in spread.values if isinstance(spread, OneOf) else (spread,):
                if isinstance(part, dict):
                    out.update({k: v for k, v in part.items() if k not in out})
    return out


def _alternatives(value: Any) -> tuple[Any, ...]:
    return value.values if isinstance(value, OneOf) else (value,)


def _chain(node: Node | None) -> list[str] | None:
    parts: list[str] = []
    node = _unwrap(node)
    while node is not None and node.type == "member_expression":
        parts.append(_text(_field(node, "property")))
        node = _unwrap(_field(node, "object"))
    if node is None:
        return None
    if node.type in ("identifier", "this"):
        parts.append(_text(node))
    elif node.type == "new_expression":
        parts.append(f"new {_text(_field(node, 'constructor'))}")
    elif node.type == "call_expression":
        inner = _chain(_field(node, "function"))
        if inner is None:
            return None
        parts.append(".".join(inner) + "()")
    else:
        return None
    return list(reversed(parts))


@functools.lru_cache(maxsize=4096)
def _snake(name: str) -> str:
    return _CAMEL.sub(r"_\1", name).lower()


def _snake_keys(value: Any) -> Any:
    """A helper's camelCase options as the API's fields (environment.type, serverLabel)."""
    if isinstance(value, dict):
        return {_snake(k): _snake_keys(v) for k, v in value.items()}
    return value


def _arguments(node: Node) -> list[Node]:
    args = _field(node, "arguments")
    return [c for c in (args.named_children if args is not None else []) if c.type != "comment"]


def _position(node: Node) -> tuple[int, int]:
    return node.start_point[0] + 1, node.start_point[1] + 1


class _Analyzer:
    def __init__(self, path: Path | None) -> None:
        self.out = Analysis()
        self.path = path
        self.client_classes: set[str] = set()
        self.clients: set[str] = set()
        self.consts: dict[str, Any] = {}
        self.const_nodes: dict[str, Node] = {}  # const name -> its initialiser
        self.agents: dict[str, str] = {}  # local name -> @openai/agents export
        self.agents_import: Node | None = None
        self.agent_configs: list[tuple[Node, Node | None]] = []
        self.ai_providers: set[str] = set()  # `openai` from @ai-sdk/openai, createOpenAI()
        self.ai_imports: set[str] = set()  # names imported from "ai"
        self.judged: set[int] = set()  # object literals inside a judged call
        self.browser = False

    @property
    def found(self) -> list[tuple[int, int, Issue]]:
        return self.out.found

    def _add(self, node: Node, issue: Issue | None) -> None:
        if issue is not None:
            self.found.append((*_position(node), issue))

    def walk(self, root: Node) -> None:
        first = next((c for c in root.named_children if c.type != "comment"), None)
        if first is not None and first.type == "expression_statement":
            self.browser = (
                _value(first.named_children[0] if first.named_children else None, {})
                == "use client"
            )
        handlers = {name[4:]: getattr(self, name) for name in dir(self) if name.startswith("_on_")}
        # Named nodes only: tokens (punctuation, keywords) have no children to visit.
        stack = [root]
        while stack:
            node = stack.pop()
            handler = handlers.get(node.type)
            if handler is not None:
                handler(node)
            stack.extend(reversed(node.named_children))

    # -- bindings ----------------------------------------------------------------------

    def _on_import_statement(self, node: Node) -> None:
        module = _value(_field(node, "source"), {})
        if not isinstance(module, str):
            return
        self.out.facts.imports.append(module)
        names = list(_import_names(node))
        if module == "openai":
            self.client_classes |= {local for _, local in names}
        elif module.startswith(_AGENTS_PACKAGES):
            self.agents.update({local: name for name, local in names})
            if not module.endswith("/realtime"):
                self.agents_import = self.agents_import or node
        elif module == "@ai-sdk/openai":
            self.ai_providers |= {local for name, local in names if name == "openai"}
            self.ai_imports |= {local for name, local in names if name == "createOpenAI"}
        elif module == "ai":
            self.ai_imports |= {
                local for name, local in names if name in _AI_SDK_CALLS | _AI_SDK_AGENTS
            }
        else:
            for _, local in names:
                if CLIENTISH.search(local) and not local[0].isupper():
                    self.clients.add(local)

    def _is_client_expr(self, node: Node | None) -> bool:
        node = _unwrap(node)
        if node is None:
            return False
        if node.type == "new_expression":
            name = _text(_field(node, "constructor"))
            return name in self.client_classes or name.split(".")[-1] in CLIENT_CLASSES
        if node.type == "binary_expression" and _text(_field(node, "operator")) in ("??", "||"):
            return self._is_client_expr(_field(node, "left")) or self._is_client_expr(
                _field(node, "right")
            )
        if node.type == "ternary_expression":
            return self._is_client_expr(_field(node, "consequence")) or self._is_client_expr(
                _field(node, "alternative")
            )
        chain = _chain(node)
        return bool(chain) and self._known_client(chain)  # type: ignore[arg-type]

    def _known_client(self, chain: list[str]) -> bool:
        return (
            ".".join(chain[-2:]) in self.clients if chain[0] == "this" else chain[0] in self.clients
        )

    def _on_variable_declarator(self, node: Node) -> None:
        name_node = _field(node, "name")
        value = _field(node, "value")
        if name_node is None or name_node.type != "identifier" or value is None:
            return
        name = _text(name_node)
        if self._is_client_expr(value):
            self.clients.add(name)
        inner = _unwrap(value)
        if inner is not None and inner.type == "call_expression":
            if _text(_field(inner, "function")) in self.ai_imports:  # createOpenAI({...})
                self.ai_providers.add(name)
        if inner is not None:
            self.const_nodes[name] = inner
        literal = _value(value, self.consts)
        if literal is not UNKNOWN:
            self.consts[name] = literal

    def _on_assignment_expression(self, node: Node) -> None:
        left, right = _field(node, "left"), _field(node, "right")
        chain = _chain(left)
        if not chain:
            return
        if self._is_client_expr(right):
            self.clients.add(".".join(chain[-2:]) if chain[0] == "this" else chain[-1])
        if chain[:2] == ["process", "env"] and len(chain) == 3:
            self._env_set(node, chain[2], _value(right, self.consts))

    def _env_set(self, node: Node, name: str, value: Any) -> None:
        if name == sdk.TRACING_ENV:
            if value in sdk.TRACING_ENV_ON:
                self.out.facts.settles.add(TRACING)
        elif sdk.MISSPELT_TRACING_ENV.match(name):
            self._add(node, misspelt_tracing_env(name))

    def _on_public_field_definition(self, node: Node) -> None:
        name = _field(node, "name")
        if name is not None and self._is_client_expr(_field(node, "value")):
            self.clients.add(f"this.{_text(name)}")

    def _on_required_parameter(self, node: Node) -> None:
        """`client: OpenAI`, `constructor(private client: OpenAI)`."""
        pattern, annotation = _field(node, "pattern"), _field(node, "type")
        names = {_text(n) for n in _descendants(annotation, ("type_identifier", "identifier"))}
        if pattern is not None and names & (self.client_classes | CLIENT_CLASSES):
            self.clients.add(_text(pattern))
            self.clients.add(f"this.{_text(pattern)}")

    _on_optional_parameter = _on_required_parameter

    # -- calls -------------------------------------------------------------------------

    def _on_call_expression(self, node: Node) -> None:
        func = _field(node, "function")
        chain = _chain(func)
        if not chain:
            return
        arguments = _arguments(node)
        self._sdk_call(node, chain, arguments)
        self._http_call(node, chain, arguments)
        self._agents_call(node, chain, arguments)
        self._ai_sdk_call(node, chain, arguments)

    def _on_new_expression(self, node: Node) -> None:
        name = _text(_field(node, "constructor"))
        arguments = _arguments(node)
        config = arguments[0] if arguments else None
        original = self.agents.get(name)
        if original == "Agent":
            self.agent_configs.append((node, config))
        elif original == "OpenAIConversationsSession":
            ep = catalogue().match("POST", "/v1/conversations")
            issue = endpoint_issue(ep, "POST") if ep else None
            if issue is not None:
                self._add(node, Issue(issue.rule, f"OpenAIConversationsSession: {issue.message}"))
        elif original == "Runner":
            self._runner_config(_value(config, self.consts))
        elif name in self.ai_imports and name in _AI_SDK_AGENTS:
            self._ai_sdk_options(node, config)

    def _on_object(self, node: Node) -> None:
        """A hosted tool built as an object literal, wherever it is built (a
        `getTools()` in another module); inside a judged call, the call reports it."""
        if node.id in self.judged:
            return
        pairs = [p for p in node.named_children if p.type == "pair"]
        tag = next((p for p in pairs if _text(_field(p, "key")).strip("'\"") == "type"), None)
        if tag is None:
            return
        kind = _value(_field(tag, "value"), {})
        keys = {_text(_field(p, "key")).strip("'\"") for p in pairs} | {
            _text(p) for p in node.named_children if p.type == "shorthand_property_identifier"
        }
        if is_hosted_tool(kind, keys):
            self._add(tag, tool_issue(_object(node, self.consts), f"a {kind} tool"))

    def _judge_inside(self, node: Node) -> None:
        for n in _descendants(node, ("object",)):
            self.judged.add(n.id)

    def _receiver(self, chain: list[str]) -> tuple[bool, int] | None:
        if chain[0] == "this" and len(chain) > 2 and f"this.{chain[1]}" in self.clients:
            return True, 2
        if chain[0] in self.clients:
            return True, 1
        if chain[0].startswith("new ") and chain[0][4:].split(".")[-1] in (
            self.client_classes | CLIENT_CLASSES
        ):
            return True, 1
        if not is_sdk_verb(_snake(chain[-1])):
            return None
        for start in range(1, len(chain) - 1):
            if sdk_call(".".join(_snake(p) for p in chain[start:])) is not None:
                return False, start
        return None

    def _sdk_call(self, node: Node, chain: list[str], arguments: list[Node]) -> None:
        found = self._receiver(chain)
        if found is None:
            return
        known, start = found
        rest = [_snake(p) for p in chain[start:]]
        if len(rest) < 2:
            return
        call = sdk_call(".".join(rest))
        if call is None:
            return
        if not known:
            receiver = chain[start - 1]
            if len(rest) < 3 and not CLIENTISH.search(receiver):
                return
            if not is_sdk_resource(".".join(rest[:-1])):
                return
        self._judge_inside(node)
        method, path = call
        ep = catalogue().match(method, path)
        if ep is None:
            return
        if ep.retains_data:
            self._add(node, endpoint_issue(ep, method, path=path))
            return
        params = _value(arguments[0], self.consts) if arguments else {}
        kwargs = params if isinstance(params, dict) else {}
        unpacked = not isinstance(params, dict)
        for issue in param_issues(ep, {_snake(k): v for k, v in kwargs.items()}, unpacked):
            self._add(node, issue)

    def _http_call(self, node: Node, chain: list[str], arguments: list[Node]) -> None:
        verb = chain[-1]
        if "fetch" in verb.lower() and arguments:
            # fetch, a fetch passed in (fetchImpl, this.fetch, options.fetch...)
            options = _value(arguments[1], self.consts) if len(arguments) > 1 else {}
            method = options.get("method", "GET") if isinstance(options, dict) else "GET"
        elif verb.lower() in HTTP_VERBS and len(chain) >= 2 and arguments:
            method = HTTP_VERBS[verb.lower()]
        else:
            return
        if not isinstance(method, str):
            return
        for url in _alternatives(_value(arguments[0], self.consts)):
            if not isinstance(url, str):
                continue
            m = API_PATH.search(url)
            if m is None or ("://" in url and "openai" not in url):
                continue
            issue = call_issue(method.upper(), re.sub(r"\$\{[^}]*\}", "{x}", m.group(1)), "ZDR020")
            if issue is not None:
                self._add(node, issue)
                return

    # -- the Agents SDK ----------------------------------------------------------------

    def _agents_call(self, node: Node, chain: list[str], arguments: list[Node]) -> None:
        original = self.agents.get(chain[0])
        if original is None:
            if chain[-1] == "run" and len(chain) > 1 and self.agents:
                self._run_call(node, arguments)  # runner.run(...), a Runner made here
            return
        name = ".".join([original, *chain[1:]])
        config = _value(arguments[0], self.consts) if arguments else None
        if name == "Agent.create":
            self.agent_configs.append((node, arguments[0] if arguments else None))
        elif name in sdk.JS_TOOL_HELPERS:
            self._judge_inside(node)
            options = config if isinstance(config, dict) else {}
            tool = sdk.tool_object(sdk.JS_TOOL_HELPERS[name], _snake_keys(options))
            if tool is not None:
                self._add(node, tool_issue(tool, f"{name}()"))
        elif name == "setTracingDisabled" and config is True:
            self.out.facts.settles.add(TRACING)
        elif name == "setOpenAIAPI" and config == "chat_completions":
            self.out.facts.settles.add(AGENTS_STORE)
        elif name == "setDefaultOpenAIClient" and arguments:
            client = _unwrap(arguments[0])
            if client is not None and client.type == "new_expression":
                options = _value(_arguments(client)[0], self.consts) if _arguments(client) else {}
                base = options.get("baseURL") if isinstance(options, dict) else None
                if isinstance(base, str) and not sdk.is_openai_url(base):
                    self.out.facts.settles.add(AGENTS_STORE)
        if (name == "run" or (chain[-1] == "run" and len(chain) > 1)) and self.agents:
            self._run_call(node, arguments)

    def _runner_config(self, config: Any) -> None:
        if not isinstance(config, dict):
            return
        if config.get("tracingDisabled") is True:
            self.out.facts.settles.add(TRACING)
        settings = config.get("modelSettings")
        if "modelProvider" in config or (
            isinstance(settings, dict) and settings.get("store") is False
        ):
            self.out.facts.settles.add(AGENTS_STORE)

    def _run_call(self, node: Node, arguments: list[Node]) -> None:
        """run(agent, input, { previousResponseId, conversationId }): state kept at the
        provider."""
        if len(arguments) < 3:
            return
        options = _value(arguments[2], self.consts)
        if not isinstance(options, dict):
            return
        self._runner_config(options)
        kwargs = {_RUN_STATE[k]: v for k, v in options.items() if k in _RUN_STATE}
        for issue in param_issues(responses_endpoint(), kwargs, True):
            self._add(node, issue)

    def agents_findings(self) -> None:
        if (
            self.agents_import is not None
            and not self.browser
            and ({"Agent", "Runner", "run"} & set(self.agents.values()))
        ):
            self.out.pending.append(
                Pending(*_position(self.agents_import), _TRACING_ISSUE, TRACING)
            )
        for node, config in self.agent_configs:
            if self._resolve(config) is None and config is not None:
                continue  # a config made elsewhere: not guessed
            if not self._responses_model(self._pair(config, "model")):
                continue
            settings = self._resolve(self._pair(config, "modelSettings"))
            if settings is not None:
                if settings.type != "object" or _has_unknown_spread(settings, self.consts):
                    continue  # settings made elsewhere: not guessed
                if _value(settings, self.consts).get("store") is False:
                    continue
            self.out.pending.append(Pending(*_position(node), _AGENT_ISSUE, AGENTS_STORE))

    def _resolve(self, node: Node | None) -> Node | None:
        """An object literal, directly or through a const; None when not known here."""
        node = _unwrap(node)
        if node is not None and node.type in ("identifier", "shorthand_property_identifier"):
            node = self.const_nodes.get(_text(node))
        return node

    def _pair(self, obj: Node | None, key: str) -> Node | None:
        obj = self._resolve(obj)
        if obj is None or obj.type != "object":
            return None
        for p in obj.named_children:
            if p.type == "pair" and _text(_field(p, "key")).strip("'\"") == key:
                return _field(p, "value")
            if p.type == "shorthand_property_identifier" and _text(p) == key:
                return p
        return None

    def _responses_model(self, model: Node | None) -> bool:
        """Whether an agent's model is OpenAI's Responses API: the default, a model name
        for the default provider, or a Responses model object; not
        OpenAIChatCompletionsModel, aisdk(...) or another model object."""
        model = _unwrap(model)
        if model is None:
            return True
        if model.type in ("identifier", "shorthand_property_identifier"):
            bound = self.const_nodes.get(_text(model))
            if bound is None:
                return True  # a parameter naming a model
            model = bound
        if model.type == "new_expression":
            return _text(_field(model, "constructor")) in sdk.RESPONSES_MODEL_CLASSES
        return model.type != "call_expression"

    # -- the Vercel AI SDK -------------------------------------------------------------

    def _ai_sdk_call(self, node: Node, chain: list[str], arguments: list[Node]) -> None:
        if chain[0] in self.ai_providers and chain[1:2] == ["tools"] and len(chain) == 3:
            kind = sdk.AI_SDK_TOOLS.get(chain[2])
            if kind is not None:
                self._judge_inside(node)
                options = _value(arguments[0], self.consts) if arguments else {}
                options = _snake_keys(options) if isinstance(options, dict) else {}
                tool = sdk.tool_object(kind, options)
                if tool is not None:
                    self._add(node, tool_issue(tool, f"{'.'.join(chain)}()"))
        elif len(chain) == 1 and chain[0] in self.ai_imports and chain[0] in _AI_SDK_CALLS:
            self._ai_sdk_options(node, arguments[0] if arguments else None)

    def _ai_sdk_options(self, node: Node, options_node: Node | None) -> None:
        """streamText/generateText/... and ToolLoopAgent on an OpenAI Responses model:
        the AI SDK sends store only when providerOptions.openai.store is set."""
        if options_node is None:
            return
        self._judge_inside(node)
        if not self._ai_responses_model(self._pair(options_node, "model")):
            return
        options = _value(options_node, self.consts)
        provider = options.get("providerOptions") if isinstance(options, dict) else None
        openai = provider.get("openai") if isinstance(provider, dict) else None
        if isinstance(openai, dict) and openai.get("store") is False:
            return
        if provider is not None and not isinstance(openai, dict):
            return  # provider options made elsewhere: not guessed
        self._add(node, _AI_SDK_ISSUE)

    def _ai_responses_model(self, model: Node | None) -> bool:
        model = self._resolve(model)
        if model is None or model.type != "call_expression":
            return False
        chain = _chain(_field(model, "function")) or []
        if not chain or chain[0] not in self.ai_providers:
            return False
        if len(chain) == 1:  # openai("gpt-5"): the Responses API from @ai-sdk/openai 2.0
            folder = self.path.parent.resolve() if self.path is not None else None
            return ai_sdk_responses_default(folder) if folder is not None else True
        return chain[1:] == ["responses"]


def _has_unknown_spread(obj: Node, consts: dict[str, Any]) -> bool:
    return any(
        p.type == "spread_element"
        and not isinstance(_value(p.named_children[0] if p.named_children else None, consts), dict)
        for p in obj.named_children
    )


_TRACING_ISSUE = Issue(
    "ZDR010",
    "The OpenAI Agents SDK exports traces to the provider by default, and no program "
    f"running this file switches them off. Fix: setTracingDisabled(true) or {sdk.TRACING_ENV}=1.",
)
_AGENT_ISSUE = Issue(
    "ZDR011",
    "Agent on the Responses API without store: false: the Agents SDK leaves store unset, "
    f"so the API stores every turn. Fix: {sdk.JS_AGENT_ADVICE}.",
)
_AI_SDK_ISSUE = Issue(
    "ZDR002",
    "The AI SDK's OpenAI Responses model leaves store unset, so the API stores every "
    "response, and later turns send earlier items as item_reference (which needs them "
    f"stored). Fix: {sdk.AI_SDK_ADVICE}.",
    "warning",
)


def _import_names(node: Node) -> Iterator[tuple[str, str]]:
    """(exported name, local name) of an import statement; "default" for the default."""
    clause = next((c for c in node.named_children if c.type == "import_clause"), None)
    if clause is None:
        return
    for c in clause.named_children:
        if c.type == "identifier":
            yield "default", _text(c)
            yield _text(c), _text(c)  # `import OpenAI from "openai"`
        elif c.type == "named_imports":
            for spec in c.named_children:
                if spec.type == "import_specifier":
                    name, alias = _field(spec, "name"), _field(spec, "alias")
                    yield _text(name), _text(alias or name)
        elif c.type == "namespace_import":
            ident = next((i for i in c.named_children if i.type == "identifier"), None)
            if ident is not None:
                yield "*", _text(ident)


def _descendants(node: Node | None, types: tuple[str, ...]) -> Iterator[Node]:
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        if n.type in types:
            yield n
        stack.extend(n.children)


def _error_share(root: Node, size: int) -> float:
    """The share of the source inside ERROR nodes (outermost ones only)."""
    if not root.has_error:
        return 0.0
    if root.type == "ERROR":
        return 1.0
    covered, stack = 0, [root]
    while stack:
        n = stack.pop()
        if n.type == "ERROR":
            covered += n.end_byte - n.start_byte
        elif n.has_error:
            stack.extend(n.children)
    return covered / max(size, 1)


@functools.lru_cache(maxsize=256)
def ai_sdk_responses_default(folder: Path) -> bool:
    """Whether `openai(model)` is the Responses API: @ai-sdk/openai 2.0 and later. Read
    from the nearest package.json that names it; unknown (a workspace, no manifest)
    means the current release."""
    for d in (folder, *folder.parents):
        manifest = d / "package.json"
        if not manifest.is_file():
            continue
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for key in ("dependencies", "devDependencies", "peerDependencies"):
            spec = (data.get(key) or {}).get("@ai-sdk/openai") if isinstance(data, dict) else None
            if isinstance(spec, str):
                m = re.search(r"\d+", spec)
                return m is None or int(m.group()) >= 2
    return True


def analyse_javascript(source: bytes, kind: str, path: Path | None = None) -> tuple[Analysis, bool]:
    """(the analysis, whether the grammar could not read the file)."""
    tree = _parser(kind).parse(source)
    if _error_share(tree.root_node, len(source)) > _UNREADABLE_SHARE:
        return Analysis(), True
    analyzer = _Analyzer(path)
    analyzer.walk(tree.root_node)
    analyzer.agents_findings()
    return analyzer.out, False
