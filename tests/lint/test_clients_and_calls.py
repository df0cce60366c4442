"""Clients held the way libraries hold them, older SDK generations, reads and deletes
(not writes), hosted tools built away from the call, the Vercel AI SDK, and files the
grammar reads with local errors. Small reproductions of patterns seen in real code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zdr.lint.run import lint_paths, lint_source


def rules(name: str, src: str) -> list[str]:
    return [f.rule for f in lint_source(Path(name), src.encode())]


@pytest.mark.parametrize(
    "src",
    [
        # a union-annotated parameter stored on self
        "from openai import AsyncOpenAI, AsyncAzureOpenAI\nclass A:\n"
        "    def __init__(self, client: AsyncOpenAI | AsyncAzureOpenAI):\n        self._client = client\n"
        "    async def go(self):\n        await self._client.files.create(file=f, purpose='x')\n",
        "from typing import Optional, Union\nfrom openai import OpenAI, AzureOpenAI\nclass A:\n"
        "    def __init__(self, client: Optional[Union[OpenAI, AzureOpenAI]] = None):\n"
        "        self.api = client or OpenAI()\n"
        "    def go(self):\n        self.api.vector_stores.create(name='kb')\n",
        "import openai\nfrom typing import Any, cast\nclass A:\n"
        "    _client: 'openai.AsyncOpenAI'\n    async def go(self):\n"
        "        c = cast(Any, self._client)\n        await c.beta.threads.create()\n",
        # an injected client on self.client, a client from a getter
        "class Engine:\n    def __init__(self, client):\n        self.client = client\n"
        "    def start(self):\n        return self.client.beta.threads.create()\n",
        "class U:\n    def up(self):\n        return self._get_client().files.create(file=f, purpose='x')\n",
    ],
)
def test_python_clients_held_by_libraries(src: str) -> None:
    assert rules("lib.py", src) == ["ZDR001"]


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        # a parameter property, and `??` with a default client
        (
            'import OpenAI from "openai";\nclass S {\n  constructor(private client: OpenAI) {}\n'
            '  up() { return this.client.files.create({ file, purpose: "x" }); }\n}\n',
            ["ZDR001"],
        ),
        (
            'import OpenAI from "openai";\nclass S {\n  openai: OpenAI;\n'
            "  constructor(opts) { this.openai = opts.client ?? new OpenAI(); }\n"
            '  up() { return this.openai.vectorStores.create({ name: "kb" }); }\n}\n',
            ["ZDR001"],
        ),
        # URLs in ternary and string constants, a fetch passed in
        (
            'const url = dev ? "http://localhost:8080/v1/files" : "https://api.openai.com/v1/files";\n'
            'await fetch(url, { method: "POST", body });\n',
            ["ZDR020"],
        ),
        (
            'const BASE = "https://api.openai.com/v1";\nexport async function up(fetchImpl, body) {\n'
            '  return fetchImpl(`${BASE}/vector_stores`, { method: "POST", body });\n}\n',
            ["ZDR020"],
        ),
        (
            "const url = `https://api.openai.com/v1/containers/${c}/files/${f}/content`;\nawait fetch(url);\n",
            [],
        ),
    ],
)
def test_javascript_clients_and_urls(src: str, expected: list[str]) -> None:
    assert rules("svc.ts", src) == expected


PY = "from openai import OpenAI\nclient = OpenAI()\n"
JS = 'import OpenAI from "openai";\nconst openai = new OpenAI();\n'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # older generations: beta.vector_stores (openai < 1.66), Assistants v1 files
        ("client.beta.vector_stores.create(name='kb')", ["ZDR001"]),
        ("client.beta.vector_stores.files.list('vs')", []),
        ("client.beta.assistants.files.create(assistant_id='a', file_id='f')", ["ZDR001"]),
        ("client.beta.responses.create(model='m', input='x')", ["ZDR002"]),
        # reads and deletes keep nothing new; cancel is the clean-up
        ("client.responses.retrieve('resp_1')", []),
        ("client.responses.delete('resp_1')", []),
        ("client.files.delete('file_1')", []),
        ("client.vector_stores.delete('vs_1')", []),
        ("client.files.list()", []),
        ("client.beta.threads.runs.poll(run_id='r', thread_id='t')", []),
        ("client.uploads.cancel(upload_id='u')", []),
        ("client.batches.cancel('b')", []),
        ("client.images.generate(model='gpt-image-1', prompt='x')", []),
    ],
)
def test_python_generations_reads_and_deletes(body: str, expected: list[str]) -> None:
    assert rules("app.py", PY + body + "\n") == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("await openai.beta.vectorStores.create({ name: 'kb' });", ["ZDR001"]),
        ("await openai.beta.vectorStores.files.del(vs, f);", []),
        ("await openai.files.del(f);", []),
        ("await openai.beta.threads.runs.retrieve(t, r);", []),
    ],
)
def test_javascript_generations_reads_and_deletes(body: str, expected: list[str]) -> None:
    assert rules("app.ts", JS + body + "\n") == expected


def test_hosted_tools_built_in_another_function() -> None:
    py = (
        "def get_tools(store_id):\n"
        "    return [{'type': 'file_search', 'vector_store_ids': [store_id]}, {'type': 'function', 'name': 'f'}]\n"
        "FORM = {'type': 'mcp', 'description': 'a settings field, not a tool'}\n"
    )
    assert [(f.line, f.rule) for f in lint_source(Path("tools.py"), py.encode())] == [(2, "ZDR005")]
    js = (
        "export function getTools(s) {\n  const tools = [];\n"
        '  if (s.web) tools.push({ type: "web_search" });\n'
        '  if (s.code) tools.push({ type: "code_interpreter", container: { type: "auto" } });\n'
        "  return tools;\n}\n"
        'interface WebSearchTool { type: "web_search" }\n'
    )
    assert [(f.line, f.rule) for f in lint_source(Path("tools.ts"), js.encode())] == [
        (3, "ZDR005"),
        (4, "ZDR005"),
    ]


def test_inline_tools_are_reported_once_by_their_call() -> None:
    body = "client.responses.create(model='m', input='x', store=False, tools=[{'type': 'web_search_preview'}])\n"
    assert rules("app.py", PY + body) == ["ZDR005"]


AI = 'import { openai, createOpenAI } from "@ai-sdk/openai";\nimport { streamText, generateText, ToolLoopAgent } from "ai";\n'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('streamText({ model: openai("gpt-5"), prompt });', ["ZDR002"]),
        (
            'const model = openai.responses("gpt-5");\nawait generateText({ model, prompt });',
            ["ZDR002"],
        ),
        (
            'streamText({ model: openai("gpt-5"), prompt, providerOptions: { openai: { store: false } } });',
            [],
        ),
        ('streamText({ model: openai.chat("gpt-4o"), prompt });', []),
        (
            'const my = createOpenAI({ apiKey });\nstreamText({ model: my("gpt-5"), prompt });',
            ["ZDR002"],
        ),
        ('const a = new ToolLoopAgent({ model: openai("gpt-5"), tools: {} });', ["ZDR002"]),
        ("const t = { search: openai.tools.webSearch({}) };", ["ZDR005"]),
        ('streamText({ model: gateway.languageModel("openai/gpt-5"), prompt });', []),
    ],
)
def test_vercel_ai_sdk(body: str, expected: list[str]) -> None:
    assert rules("route.ts", AI + body + "\n") == expected


def test_ai_sdk_1_openai_model_is_chat_completions(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(
        json.dumps({"dependencies": {"@ai-sdk/openai": "^1.3.22"}})
    )
    (tmp_path / "route.ts").write_text(
        AI
        + 'streamText({ model: openai("gpt-4o"), prompt });\nstreamText({ model: openai.responses("gpt-4o"), prompt });\n'
    )
    assert [(f.line, f.rule) for f in lint_paths([str(tmp_path)])] == [(4, "ZDR002")]


def test_ai_sdk_message_names_item_references() -> None:
    (finding,) = lint_source(
        Path("r.ts"), (AI + 'streamText({ model: openai("gpt-5") });\n').encode()
    )
    assert "item_reference" in finding.message and "store: false" in finding.message


@pytest.mark.parametrize(
    "extra",
    ["export const V = () => <p>Terms & conditions</p>;\n", 'type Mod = typeof import("./mod");\n'],
)
def test_local_parse_errors_do_not_hide_the_file(extra: str) -> None:
    src = JS + extra + 'await openai.files.create({ file, purpose: "x" });\n'
    assert rules("page.tsx", src) == ["ZDR001"]
