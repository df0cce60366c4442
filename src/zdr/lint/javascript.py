"""The JavaScript/TypeScript analyser, on tree-sitter's grammars (a real parser; no
regular expressions over source). Same rules as for Python."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from tree_sitter import Language, Node, Parser

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
from zdr.lint.python import Located

# JS SDK names differ from Python's in case only: vectorStores -> vector_stores.
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


@functools.cache
def _parser(kind: str) -> Parser:
    if kind == "js":
        import tree_sitter_javascript as grammar

        return Parser(Language(grammar.language()))
    import tree_sitter_typescript as ts

    return Parser(Language(ts.language_tsx() if kind == "tsx" else ts.language_typescript()))


def _text(node: Node) -> str:
    return node.text.decode("utf-8", "replace") if node.text else ""


def _value(node: Node | None, consts: dict[str, Any]) -> Any:
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
        if subs:
            return "".join(
                _text(c) if c.type == "string_fragment" else "{x}" for c in node.named_children
            )
        return _text(node)[1:-1]
    if t == "number":
        return _text(node)
    if t == "array":
        return [_value(c, consts) for c in node.named_children]
    if t == "object":
        out: dict[str, Any] = {}
        for pair in node.named_children:
            if pair.type == "pair":
                key = pair.child_by_field_name("key")
                name = _text(key).strip("'\"") if key is not None else ""
                out[name] = _value(pair.child_by_field_name("value"), consts)
            elif pair.type == "shorthand_property_identifier":
                name = _text(pair)
                out[name] = consts.get(name, EMAILISH if EMAIL_NAME.search(name) else UNKNOWN)
            elif pair.type == "spread_element" and pair.named_children:
                spread = _value(pair.named_children[0], consts)
                if isinstance(spread, dict):
                    out.update(spread)
        return out
    if t == "identifier":
        name = _text(node)
        return consts.get(name, EMAILISH if EMAIL_NAME.search(name) else UNKNOWN)
    if t == "member_expression":
        prop = node.child_by_field_name("property")
        return EMAILISH if prop is not None and EMAIL_NAME.search(_text(prop)) else UNKNOWN
    if t in ("as_expression", "satisfies_expression", "parenthesized_expression"):
        return _value(node.named_children[0] if node.named_children else None, consts)
    return UNKNOWN


def _chain(node: Node) -> list[str] | None:
    parts: list[str] = []
    while node.type == "member_expression":
        prop = node.child_by_field_name("property")
        parts.append(_text(prop) if prop is not None else "")
        obj = node.child_by_field_name("object")
        if obj is None:
            return None
        node = obj
    if node.type in ("identifier", "this"):
        parts.append(_text(node))
    elif node.type == "new_expression":
        ctor = node.child_by_field_name("constructor")
        parts.append(f"new {_text(ctor) if ctor is not None else ''}")
    else:
        return None
    return list(reversed(parts))


def _snake(name: str) -> str:
    return _CAMEL.sub(r"_\1", name).lower()


class _Analyzer:
    def __init__(self) -> None:
        self.client_classes: set[str] = set()
        self.clients: set[str] = set()
        self.consts: dict[str, Any] = {}
        self.found: list[Located] = []
        self.agents_import: Node | None = None
        self.agent_calls: list[Node] = []

    def walk(self, root: Node) -> None:
        stack = [root]
        while stack:
            node = stack.pop()
            handler = getattr(self, f"_on_{node.type}", None)
            if handler is not None:
                handler(node)
            stack.extend(reversed(node.children))

    # -- bindings ----------------------------------------------------------------------

    def _on_import_statement(self, node: Node) -> None:
        source = node.child_by_field_name("source")
        module = _value(source, {}) if source is not None else ""
        if module == "openai":
            for ident in _descendants(node, ("identifier",)):
                if ident.parent is not None and ident.parent.type in (
                    "import_clause",
                    "import_specifier",
                ):
                    self.client_classes.add(_text(ident))
        elif module == "@openai/agents":
            self.agents_import = node
        elif isinstance(module, str):
            for ident in _descendants(node, ("identifier",)):
                if CLIENTISH.search(_text(ident)) and not _text(ident)[0].isupper():
                    self.clients.add(_text(ident))

    def _is_client_factory(self, node: Node | None) -> bool:
        if node is None:
            return False
        if node.type == "await_expression" and node.named_children:
            node = node.named_children[0]
        if node.type == "new_expression":
            ctor = node.child_by_field_name("constructor")
            name = _text(ctor) if ctor is not None else ""
            return name in self.client_classes or name.split(".")[-1] in CLIENT_CLASSES
        return False

    def _on_variable_declarator(self, node: Node) -> None:
        name_node = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name_node is None or name_node.type != "identifier":
            return
        name = _text(name_node)
        if self._is_client_factory(value):
            self.clients.add(name)
        elif value is not None and value.type == "object":
            self.consts[name] = _value(value, self.consts)

    def _on_assignment_expression(self, node: Node) -> None:
        left = node.child_by_field_name("left")
        if left is not None and self._is_client_factory(node.child_by_field_name("right")):
            chain = _chain(left)
            if chain:
                self.clients.add(".".join(chain[-2:]) if chain[0] == "this" else chain[-1])

    def _on_public_field_definition(self, node: Node) -> None:
        name = node.child_by_field_name("name")
        if name is not None and self._is_client_factory(node.child_by_field_name("value")):
            self.clients.add(f"this.{_text(name)}")

    # -- calls -------------------------------------------------------------------------

    def _on_call_expression(self, node: Node) -> None:
        func = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if func is None:
            return
        chain = _chain(func)
        if not chain:
            return
        arguments = [
            c for c in (args.named_children if args is not None else []) if c.type != "comment"
        ]
        self._sdk_call(node, chain, arguments)
        self._http_call(node, chain, arguments)

    def _on_new_expression(self, node: Node) -> None:
        ctor = node.child_by_field_name("constructor")
        if self.agents_import is not None and ctor is not None and _text(ctor) == "Agent":
            self.agent_calls.append(node)

    def _sdk_call(self, node: Node, chain: list[str], arguments: list[Node]) -> None:
        known, start = False, 1
        if chain[0] == "this" and len(chain) > 2 and f"this.{chain[1]}" in self.clients:
            known, start = True, 2
        elif chain[0] in self.clients:
            known = True
        elif chain[0].startswith("new ") and chain[0][4:].split(".")[-1] in (
            self.client_classes | CLIENT_CLASSES
        ):
            known = True
        rest = [_snake(p) for p in chain[start:]]
        if len(rest) < 2:
            return
        ep = endpoint_for_chain(".".join(rest))
        if ep is None:
            return
        if not known:
            receiver = chain[start - 1]
            if len(rest) < 3 and not CLIENTISH.search(receiver):
                return
            if ".".join(rest[:-1]) not in chain_prefixes():
                return
        line, col = node.start_point[0] + 1, node.start_point[1] + 1
        issue = endpoint_issue(ep)
        if issue is not None:
            self.found.append((line, col, issue))
            return
        params = _value(arguments[0], self.consts) if arguments else {}
        kwargs = params if isinstance(params, dict) else {}
        unpacked = not isinstance(params, dict)
        for issue in param_issues(ep, {_snake(k): v for k, v in kwargs.items()}, unpacked):
            self.found.append((line, col, issue))

    def _http_call(self, node: Node, chain: list[str], arguments: list[Node]) -> None:
        verb = chain[-1]
        if verb == "fetch" and len(chain) == 1 and arguments:
            options = _value(arguments[1], self.consts) if len(arguments) > 1 else {}
            method = options.get("method", "GET") if isinstance(options, dict) else "GET"
            url = _value(arguments[0], self.consts)
        elif verb.lower() in HTTP_VERBS and len(chain) >= 2 and arguments:
            method, url = HTTP_VERBS[verb.lower()], _value(arguments[0], self.consts)
        else:
            return
        if not isinstance(url, str) or not isinstance(method, str):
            return
        m = API_PATH.search(url)
        if m is None or ("://" in url and "openai" not in url):
            return
        ep = endpoint_for_http(method, re.sub(r"\$\{[^}]*\}", "{x}", m.group(1)))
        if ep is None:
            return
        issue = endpoint_issue(ep, "ZDR020")
        if issue is not None:
            self.found.append((node.start_point[0] + 1, node.start_point[1] + 1, issue))


def _descendants(node: Node, types: tuple[str, ...]) -> Iterator[Node]:
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in types:
            yield n
        stack.extend(n.children)


def analyse_javascript(
    source: bytes, kind: str, tracing_disabled: bool
) -> tuple[list[Located], bool]:
    """(findings, whether the parse had syntax errors)."""
    tree = _parser(kind).parse(source)
    analyzer = _Analyzer()
    analyzer.walk(tree.root_node)
    found = list(analyzer.found)
    if analyzer.agents_import is not None:
        if not tracing_disabled:
            imp = analyzer.agents_import
            found.append(
                (
                    imp.start_point[0] + 1,
                    imp.start_point[1] + 1,
                    Issue(
                        "ZDR010",
                        "The OpenAI Agents SDK exports traces to the provider by default. "
                        "Fix: setTracingDisabled(true) or OPENAI_AGENTS_DISABLE_TRACING=1.",
                    ),
                )
            )
        for call in analyzer.agent_calls:
            args = call.child_by_field_name("arguments")
            config = (
                _value(args.named_children[0], analyzer.consts)
                if args and args.named_children
                else {}
            )
            settings = config.get("modelSettings") if isinstance(config, dict) else None
            if not (isinstance(settings, dict) and settings.get("store") is False):
                found.append(
                    (
                        call.start_point[0] + 1,
                        call.start_point[1] + 1,
                        Issue(
                            "ZDR011",
                            "Agent without modelSettings: { store: false }: the Responses "
                            "API stores every turn.",
                        ),
                    )
                )
    return found, tree.root_node.has_error
