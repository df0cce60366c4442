"""Each rule, in Python and in JavaScript/TypeScript: hits and near misses."""

from __future__ import annotations

from pathlib import Path

import pytest

from zdr.lint.run import lint_source

PY_HEADER = "from openai import OpenAI\nclient = OpenAI()\n"


def rules_py(body: str, tracing_disabled: bool = False) -> list[str]:
    found = lint_source(Path("app.py"), (PY_HEADER + body).encode(), tracing_disabled)
    return [f.rule for f in found]


def rules_js(body: str, suffix: str = ".ts") -> list[str]:
    src = 'import OpenAI from "openai";\nconst client = new OpenAI();\n' + body
    return [f.rule for f in lint_source(Path("app" + suffix), src.encode())]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # ZDR001: stateful or non-eligible endpoints
        ("client.files.create(file=f, purpose='assistants')", ["ZDR001"]),
        ("client.beta.threads.create()", ["ZDR001"]),
        ("client.vector_stores.create(name='kb')", ["ZDR001"]),
        (
            "client.batches.create(input_file_id='f', endpoint='/v1/chat/completions', completion_window='24h')",
            ["ZDR001"],
        ),
        ("client.fine_tuning.jobs.create(model='m', training_file='f')", ["ZDR001"]),
        ("client.conversations.create()", ["ZDR001"]),
        ("client.embeddings.create(model='m', input='x')", []),
        ("client.moderations.create(input='x')", []),
        # ZDR002: store
        ("client.chat.completions.create(model='m', messages=[], store=True)", ["ZDR002"]),
        ("client.chat.completions.create(model='m', messages=[])", []),
        ("client.chat.completions.create(model='m', messages=[], store=False)", []),
        ("client.responses.create(model='m', input='x')", ["ZDR002"]),
        ("client.responses.create(model='m', input='x', store=False)", []),
        ("client.responses.create(**params)", []),  # unknown kwargs: no guess
        # ZDR003: stateful parameters
        ("client.responses.create(model='m', input='x', store=False, background=True)", ["ZDR003"]),
        ("client.responses.create(model='m', input='x', store=False, background=False)", []),
        (
            "client.responses.create(model='m', input='x', store=False, conversation='conv_1')",
            ["ZDR003"],
        ),
        (
            "client.responses.create(model='m', input='x', store=False, previous_response_id=rid)",
            ["ZDR003"],
        ),
        (
            "client.responses.create(model='m', input='x', store=False, previous_response_id=None)",
            [],
        ),
        # ZDR004: extended prompt caching
        (
            "client.responses.create(model='m', input='x', store=False, prompt_cache_retention='24h')",
            ["ZDR004"],
        ),
        (
            "client.responses.create(model='m', input='x', store=False, prompt_cache_retention='in_memory')",
            [],
        ),
        # ZDR005: hosted tools
        (
            "client.responses.create(model='m', input='x', store=False, tools=[{'type': 'code_interpreter', 'container': {'type': 'auto'}}])",
            ["ZDR005"],
        ),
        (
            "client.responses.create(model='m', input='x', store=False, tools=[{'type': 'function', 'name': 'f'}])",
            [],
        ),
        # ZDR006: identifiers in clear
        (
            "client.chat.completions.create(model='m', messages=[], user='ann@example.com')",
            ["ZDR006"],
        ),
        (
            "client.chat.completions.create(model='m', messages=[], safety_identifier=user.email)",
            ["ZDR006"],
        ),
        ("client.chat.completions.create(model='m', messages=[], user=hashed_id)", []),
        # ZDR020: raw HTTP
        ("import httpx\nhttpx.post('https://api.openai.com/v1/files', files={})", ["ZDR020"]),
        (
            "import requests\nrequests.post(f'{BASE}/v1/vector_stores/{vs}/files', json={})",
            ["ZDR020"],
        ),
        (
            "import requests\nrequests.post('https://api.openai.com/v1/chat/completions', json={})",
            [],
        ),
        ("import requests\nrequests.post('https://example.com/v1/files', json={})", []),
        # Not the SDK: a storage client with a .files attribute
        ("storage.files.create(name='x')", []),
    ],
)
def test_python_rules(body: str, expected: list[str]) -> None:
    assert rules_py(body) == expected


def test_python_aliases_and_dict_kwargs() -> None:
    src = (
        "import openai as oa\nfrom openai import AsyncOpenAI as Client\n"
        "c = oa.OpenAI()\nclass Svc:\n    def __init__(self):\n        self.llm = Client()\n"
        "    async def go(self):\n        await self.llm.files.create(file=f, purpose='x')\n"
        "params = dict(model='m', input='x', store=True)\n"
        "c.responses.create(**params)\n"
        "oa.responses.create(model='m', input='x')\n"
        "def handler(api: 'OpenAI'):\n    api.batches.create()\n"
    )
    found = lint_source(Path("svc.py"), src.encode())
    assert [(f.line, f.rule) for f in found] == [
        (8, "ZDR001"),
        (10, "ZDR002"),
        (11, "ZDR002"),
        (13, "ZDR001"),
    ]


def test_agents_sdk_defaults() -> None:
    src = "from agents import Agent, Runner, ModelSettings\nagent = Agent(name='a')\n"
    assert rules_py(src) == ["ZDR010", "ZDR011"]
    ok = "from agents import Agent, ModelSettings\nagent = Agent(name='a', model_settings=ModelSettings(store=False))\n"
    assert rules_py(ok, tracing_disabled=True) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('await client.files.create({ file, purpose: "assistants" });', ["ZDR001"]),
        ("await client.beta.threads.create();", ["ZDR001"]),
        ('await client.vectorStores.files.create("vs", { file_id: "f" });', ["ZDR001"]),
        (
            'await client.chat.completions.create({ model: "m", messages: [], store: true });',
            ["ZDR002"],
        ),
        ('await client.chat.completions.create({ model: "m", messages: [] });', []),
        ('await client.responses.create({ model: "m", input: "x" });', ["ZDR002"]),
        ('await client.responses.create({ model: "m", input: "x", store: false });', []),
        (
            'await client.responses.create({ model: "m", input: "x", store: false, background: true });',
            ["ZDR003"],
        ),
        (
            'await client.responses.create({ model: "m", input: "x", store: false, prompt_cache_retention: "24h" });',
            ["ZDR004"],
        ),
        (
            'await client.responses.create({ model: "m", input: "x", store: false, tools: [{ type: "web_search" }] });',
            ["ZDR005"],
        ),
        (
            'await client.chat.completions.create({ model: "m", messages: [], user: "a@b.io" });',
            ["ZDR006"],
        ),
        ('await fetch("https://api.openai.com/v1/files", { method: "POST", body });', ["ZDR020"]),
        ('await fetch("https://api.openai.com/v1/models");', []),  # no content kept
        ("await axios.post(`${base}/v1/batches`, body);", ["ZDR020"]),
        (
            'const opts = { model: "m", input: "x", store: true };\nawait client.responses.create(opts);',
            ["ZDR002"],
        ),
        ("await storage.files.create({ name: 'x' });", []),
    ],
)
def test_javascript_rules(body: str, expected: list[str]) -> None:
    assert rules_js(body) == expected


def test_tsx_and_class_fields() -> None:
    src = (
        'import OpenAI from "openai";\n'
        "class Bot {\n  private ai = new OpenAI();\n"
        '  async run() { return this.ai.files.create({ file: f, purpose: "x" }); }\n}\n'
        "export const View = () => <div>{String(1)}</div>;\n"
    )
    found = lint_source(Path("bot.tsx"), src.encode())
    assert [(f.line, f.rule) for f in found] == [(4, "ZDR001")]


def test_js_agents_sdk() -> None:
    src = 'import { Agent } from "@openai/agents";\nconst a = new Agent({ name: "x" });\n'
    assert [f.rule for f in lint_source(Path("a.ts"), src.encode())] == ["ZDR010", "ZDR011"]


def test_messages_carry_the_catalogue_reason_and_fix() -> None:
    (finding,) = lint_source(
        Path("a.py"),
        (
            PY_HEADER
            + "client.responses.create(model='m', input='x', store=False, previous_response_id=r)"
        ).encode(),
    )
    assert "stored earlier response" in finding.message
    assert "reasoning.encrypted_content" in finding.message
