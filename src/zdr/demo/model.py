"""The demo model's one decision per request: what this turn says (pure, no I/O).

An echo model, labelled as such: it repeats the user's last message. With function
tools it calls one (the tool whose name the text mentions, else the first; the one
``tool_choice`` names when it names one), its arguments built from the tool's JSON schema;
once the tool's output is in the conversation it answers with that output. With a JSON
schema for the answer (``response_format`` on chat completions, ``text.format`` on the
Responses API) the answer is a JSON object valid against it. Reasoning models (gpt-5*,
the o-series) also think: a reasoning item whose summary says what they were asked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from zdr.demo.schema import instance

DEMO_MODEL = "zdr-demo-echo"
_REASONING = re.compile(r"^(?:gpt-5|o\d)")  # gpt-5, gpt-5-mini, gpt-5.1, o1, o3, o4-mini...
_WORD = re.compile(r"[a-z]+")
_GENERIC = frozenset({"get", "set", "the", "tool", "function", "run", "call", "do", "fetch"})


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    arguments: str  # JSON text, as the providers send it


@dataclass(frozen=True, slots=True)
class Turn:
    """What the model says: it thinks (reasoning models), then calls a tool or answers."""

    reasoning: str | None
    call: Call | None
    text: str
    prompt: str  # what it read (for usage figures)


def is_reasoning(model: Any) -> bool:
    return isinstance(model, str) and bool(_REASONING.match(model))


def echo(text: str) -> str:
    return f"You said: {text}" if text else "You said nothing."


def content_text(content: Any) -> str:
    """The text of a message's content: a string or a list of text parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            str(p.get("text", "")) for p in content if isinstance(p, dict) and "text" in p
        )
    return ""


@dataclass(frozen=True, slots=True)
class _Tool:
    name: str
    parameters: Mapping[str, Any]


def _choose(tools: Sequence[_Tool], choice: Any, text: str) -> _Tool | None:
    if not tools or choice == "none":
        return None
    if isinstance(choice, Mapping):
        named = choice.get("name") or (choice.get("function") or {}).get("name")
        return next((t for t in tools if t.name == named), None)
    words = set(_WORD.findall(text.lower()))
    for tool in tools:
        parts = {w for w in _WORD.findall(re.sub(r"([a-z])([A-Z])", r"\1 \2", tool.name).lower())}
        if parts - _GENERIC & words:
            return tool
    return tools[0]


def _decide(
    model: Any,
    prompt: str,
    tool_output: tuple[str, str] | None,
    tools: Sequence[_Tool],
    choice: Any,
    answer_schema: Mapping[str, Any] | None,
) -> Turn:
    """``tool_output``: (tool name, output) when the conversation ends with one."""
    thought = f"The user asked: {prompt}" if is_reasoning(model) else None
    tool = _choose(tools, choice, prompt)
    # Once a tool has answered, the model answers too, unless it is made to call one.
    forced = choice == "required" or isinstance(choice, Mapping)
    if tool is not None and (tool_output is None or forced):
        args = instance(tool.parameters, prompt)
        if not isinstance(args, dict):  # arguments are an object, whatever the schema says
            args = {}
        return Turn(thought, Call(tool.name, orjson.dumps(args).decode()), "", prompt)
    said = f"{tool_output[0]} returned: {tool_output[1]}" if tool_output else echo(prompt)
    if answer_schema is not None:
        source = tool_output[1] if tool_output else prompt
        said = orjson.dumps(instance(answer_schema, source)).decode()
    return Turn(thought, None, said, prompt)


# -- chat completions -------------------------------------------------------------------


def chat_turn(body: Mapping[str, Any]) -> Turn:
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict)]
    prompt = next(
        (content_text(m.get("content")) for m in reversed(messages) if m.get("role") == "user"),
        "",
    )
    tool_output = None
    if messages and messages[-1].get("role") == "tool":
        last = messages[-1]
        names = {
            c.get("id"): (c.get("function") or {}).get("name", "tool")
            for m in messages
            for c in m.get("tool_calls") or []
            if isinstance(c, dict)
        }
        tool_output = (names.get(last.get("tool_call_id"), "tool"), content_text(last["content"]))
    tools = [
        _Tool(fn["name"], fn.get("parameters") or {})
        for t in body.get("tools") or []
        if isinstance(t, dict) and t.get("type") == "function"
        for fn in [t.get("function") or {}]
        if isinstance(fn.get("name"), str)
    ]
    fmt = body.get("response_format") or {}
    schema = None
    if fmt.get("type") == "json_schema":
        schema = (fmt.get("json_schema") or {}).get("schema") or {}
    elif fmt.get("type") == "json_object":
        schema = {"type": "object", "properties": {"answer": {"type": "string"}}}
    return _decide(body.get("model"), prompt, tool_output, tools, body.get("tool_choice"), schema)


# -- responses --------------------------------------------------------------------------


def responses_turn(body: Mapping[str, Any]) -> Turn:
    raw = body.get("input")
    items = [i for i in raw if isinstance(i, dict)] if isinstance(raw, list) else []
    prompt = raw if isinstance(raw, str) else ""
    for item in reversed(items):
        if item.get("type", "message") == "message" and item.get("role", "user") == "user":
            prompt = content_text(item.get("content"))
            break
    tool_output = None
    last = next((i for i in reversed(items) if i.get("type") != "reasoning"), None)
    if last is not None and last.get("type") == "function_call_output":
        names = {i.get("call_id"): i.get("name") for i in items if i.get("type") == "function_call"}
        output = last.get("output")
        text = output if isinstance(output, str) else content_text(output)
        tool_output = (str(names.get(last.get("call_id")) or "tool"), text)
    tools = [
        _Tool(t["name"], t.get("parameters") or {})
        for t in body.get("tools") or []
        if isinstance(t, dict) and t.get("type") == "function" and isinstance(t.get("name"), str)
    ]
    fmt = (body.get("text") or {}).get("format") or {}
    schema = None
    if fmt.get("type") == "json_schema":
        schema = fmt.get("schema") or {}
    elif fmt.get("type") == "json_object":
        schema = {"type": "object", "properties": {"answer": {"type": "string"}}}
    return _decide(body.get("model"), prompt, tool_output, tools, body.get("tool_choice"), schema)
