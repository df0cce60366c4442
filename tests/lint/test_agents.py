"""The OpenAI Agents SDK, Python and JS/TS: hosted-tool helpers, state kept by a run,
conversations sessions, generic and created agents, and agents whose model is not
OpenAI's Responses API. Each case is a small reproduction of a pattern seen in real code."""

from __future__ import annotations

from pathlib import Path

import pytest

from zdr.lint.run import lint_source

PY = "from agents import Agent, Runner, ModelSettings, RunConfig\n"
JS = 'import { Agent, run, Runner } from "@openai/agents";\n'


def py_rules(body: str, header: str = PY) -> list[str]:
    found = lint_source(Path("app.py"), (header + body).encode(), tracing_disabled=True)
    return [f.rule for f in found]


def js_rules(body: str, header: str = JS, suffix: str = ".ts") -> list[str]:
    found = lint_source(Path("app" + suffix), (header + body).encode(), tracing_disabled=True)
    return [f.rule for f in found]


STORE_OFF = "model_settings=ModelSettings(store=False)"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # hosted tools, made by the SDK's helper classes
        (
            f"from agents import WebSearchTool\nAgent(name='a', {STORE_OFF}, tools=[WebSearchTool()])",
            ["ZDR005"],
        ),
        (
            f"from agents import FileSearchTool\nAgent(name='a', {STORE_OFF}, tools=[FileSearchTool(vector_store_ids=['vs'])])",
            ["ZDR005"],
        ),
        (
            "from agents import CodeInterpreterTool\n"
            "t = CodeInterpreterTool(tool_config={'type': 'code_interpreter', 'container': {'type': 'auto'}})",
            ["ZDR005"],  # once: the dict inside the helper is the helper's
        ),
        (
            "from agents import HostedMCPTool\nt = HostedMCPTool(tool_config={'type': 'mcp', 'server_label': 'x', 'server_url': 'https://x'})",
            ["ZDR005"],
        ),
        # image generation: the catalogue lists the models that keep nothing; the default is not one
        (
            "from agents import ImageGenerationTool\nt = ImageGenerationTool(tool_config={'type': 'image_generation'})",
            ["ZDR005"],
        ),
        (
            "from agents import ImageGenerationTool\nt = ImageGenerationTool(tool_config={'type': 'image_generation', 'model': 'gpt-image-1'})",
            [],
        ),
        ("from agents import WebSearchTool\nt = WebSearchTool(external_web_access=False)", []),
        ("from agents import ShellTool\nt = ShellTool(executor=run_locally)", []),
        (
            "from agents import ShellTool\nt = ShellTool(environment={'type': 'container_auto'})",
            ["ZDR005"],
        ),
        # state kept at the provider by a run
        ("Runner.run(agent, 'x', previous_response_id=rid)", ["ZDR003"]),
        ("Runner.run_streamed(agent, 'x', conversation_id='conv_1')", ["ZDR003"]),
        ("Runner.run(agent, 'x', previous_response_id=None)", []),
        ("Runner.run(agent, 'x', auto_previous_response_id=True)", ["ZDR003"]),
        ("ws.run_streamed(agent, 'x', previous_response_id=last)", ["ZDR003"]),  # websocket session
        ("Runner.run(agent, 'x', session=session)", []),
        (
            "from agents import OpenAIConversationsSession\ns = OpenAIConversationsSession()",
            ["ZDR001"],
        ),
        # agents: generic, on other models, with settings
        ("a = Agent[Context](name='a')", ["ZDR011"]),
        ("a = Agent(name='a', model='gpt-5')", ["ZDR011"]),
        ("a = Agent(name='a', model=os.getenv('MODEL'))", ["ZDR011"]),
        ("a = Agent(name='a', model='litellm/anthropic/claude')", []),
        (
            "from agents.extensions.models.litellm_model import LitellmModel\na = Agent(name='a', model=LitellmModel(model='x'))",
            [],
        ),
        (
            "from agents import OpenAIChatCompletionsModel\nm = OpenAIChatCompletionsModel(model='x', openai_client=c)\na = Agent(name='a', model=m)",
            [],
        ),
        (
            "from agents import OpenAIResponsesModel\na = Agent(name='a', model=OpenAIResponsesModel(model='x', openai_client=c))",
            ["ZDR011"],
        ),
        (f"a = Agent(name='a', {STORE_OFF})", []),
        (
            "s = ModelSettings(store=False, temperature=0)\na = Agent(name='a', model_settings=s)",
            [],
        ),
        ("a = Agent(name='a', model_settings=ModelSettings(temperature=0))", ["ZDR011"]),
        ("a = Agent(name='a', model_settings=settings_from_config())", []),  # not guessed
        # the program sends its agents elsewhere, or stores nothing
        (
            "from agents import set_default_openai_api\nset_default_openai_api('chat_completions')\na = Agent(name='a')",
            [],
        ),
        (
            "from openai import AsyncOpenAI\nfrom agents import set_default_openai_client\n"
            "set_default_openai_client(AsyncOpenAI(base_url='http://localhost:11434/v1'))\na = Agent(name='a')",
            [],
        ),
        ("cfg = RunConfig(model_settings=ModelSettings(store=False))\na = Agent(name='a')", []),
        ("cfg = RunConfig(model_provider=provider)\na = Agent(name='a')", []),
    ],
)
def test_python_agents(body: str, expected: list[str]) -> None:
    assert py_rules(body) == expected


def test_agent_advice_includes_encrypted_reasoning() -> None:
    (finding,) = lint_source(Path("a.py"), (PY + "a = Agent(name='a')\n").encode(), True)
    assert (
        'ModelSettings(store=False, response_include=["reasoning.encrypted_content"])'
        in finding.message
    )
    assert "reasoning models fail" in finding.message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('import { webSearchTool } from "@openai/agents";\nconst t = webSearchTool();', ["ZDR005"]),
        (
            'import { fileSearchTool } from "@openai/agents";\nconst t = fileSearchTool(["vs"]);',
            ["ZDR005"],
        ),
        (
            'import { codeInterpreterTool } from "@openai/agents";\nconst t = codeInterpreterTool({ container: { type: "auto" } });',
            ["ZDR005"],
        ),
        (
            'import { hostedMcpTool } from "@openai/agents";\nconst t = hostedMcpTool({ serverLabel: "x", serverUrl: "https://x" });',
            ["ZDR005"],
        ),
        (
            'import { imageGenerationTool } from "@openai/agents";\nconst t = imageGenerationTool();',
            ["ZDR005"],
        ),
        (
            'import { imageGenerationTool } from "@openai/agents";\nconst t = imageGenerationTool({ model: "gpt-image-1" });',
            [],
        ),
        (
            'import { webSearchTool } from "@openai/agents";\nconst t = webSearchTool({ externalWebAccess: false });',
            [],
        ),
        ('import { shellTool } from "@openai/agents";\nconst t = shellTool({ shell });', []),
        (
            'import { shellTool } from "@openai/agents";\nconst t = shellTool({ environment: { type: "container_auto" } });',
            ["ZDR005"],
        ),
        ('await run(agent, "x", { previousResponseId: id });', ["ZDR003"]),
        ('const options = { conversationId };\nawait run(agent, "x", options);', ["ZDR003"]),
        (
            'await runner.run(agent, "x", { stream: true, ...(id ? { previousResponseId: id } : {}) });',
            ["ZDR003"],
        ),
        ('await run(agent, "x", { stream: true });', []),
        (
            'import { OpenAIConversationsSession } from "@openai/agents";\nconst s = new OpenAIConversationsSession();',
            ["ZDR001"],
        ),
        ('const a = new Agent<Ctx>({ name: "a" });', ["ZDR011"]),
        ('const a = Agent.create({ name: "a", handoffs: [b] });', ["ZDR011"]),
        (
            'const a = new Agent({ name: "a", model: "gpt-5", modelSettings: { toolChoice: "required" } });',
            ["ZDR011"],
        ),
        ('const a = new Agent({ name: "a", modelSettings: { store: false } });', []),
        (
            'const a = new Agent({ name: "a", modelSettings: { ...shared, toolChoice: "auto" } });',
            [],
        ),  # not guessed
        (
            'import { OpenAIChatCompletionsModel } from "@openai/agents";\nconst a = new Agent({ name: "a", model: new OpenAIChatCompletionsModel(c, "m") });',
            [],
        ),
        ('const model = aisdk(openai("gpt-5"));\nconst a = new Agent({ name: "a", model });', []),
        (
            'import { RealtimeAgent } from "@openai/agents/realtime";\nconst a = new RealtimeAgent({ name: "a" });',
            [],
        ),
        (
            'import { setOpenAIAPI } from "@openai/agents";\nsetOpenAIAPI("chat_completions");\nconst a = new Agent({ name: "a" });',
            [],
        ),
        (
            'const r = new Runner({ modelSettings: { store: false } });\nconst a = new Agent({ name: "a" });',
            [],
        ),
    ],
)
def test_javascript_agents(body: str, expected: list[str]) -> None:
    assert js_rules(body) == expected


def test_js_agent_advice() -> None:
    (finding,) = lint_source(
        Path("a.ts"), (JS + 'const a = new Agent({ name: "a" });\n').encode(), True
    )
    assert "store: false" in finding.message and "reasoning.encrypted_content" in finding.message
