"""What the linter knows of the agent SDKs built on the OpenAI API: which helpers make
which hosted tool, which model classes do not reach OpenAI's Responses API, and how
tracing is switched off. What a tool type keeps is the catalogue's to say
(`knowledge.tool_issue`); these tables only name the type each helper sends.

Sources, read at the commits below:
- openai/openai-agents-python 7f7a44f: src/agents/models/openai_responses.py
  (`_convert_tool`), src/agents/tracing/provider.py (`OPENAI_AGENTS_DISABLE_TRACING`,
  "true" or "1"), src/agents/model_settings.py (`store`, `response_include`).
- openai/openai-agents-js 6d0c61a: packages/agents-openai/src/tools.ts,
  packages/agents-core/src/tool.ts, packages/agents-core/src/config.ts (tracing is off
  in browsers and when the variable is "true" or "1"),
  packages/agents-openai/src/openaiResponsesModel.ts (`store: modelSettings.store`,
  left out when unset, so the API's default, storing, applies).
- vercel/ai ed857f5: packages/openai/src/openai-tools.ts, openai-provider.ts
  (`openai(model)` is the Responses API from @ai-sdk/openai 2.0 on),
  responses/openai-responses-language-model.ts (`store` is sent only when set;
  `store === false` adds reasoning.encrypted_content) and
  convert-to-openai-responses-input.ts (with store on, history is sent as
  `item_reference`).
"""

from __future__ import annotations

import re
from typing import Any

# The one variable the SDKs read (Python and JS alike).
TRACING_ENV = "OPENAI_AGENTS_DISABLE_TRACING"
TRACING_ENV_ON = frozenset({"1", "true", "True", "TRUE"})
# A variable someone meant to be that one: it names both disabling and tracing, in the
# OpenAI or Agents namespace (OPENAI_TRACING_DISABLED, OPENAI_AGENTS_TRACING_DISABLED...).
MISSPELT_TRACING_ENV = re.compile(
    r"^(?=.*(?:OPENAI|AGENTS))(?=.*DISABLE)(?=.*TRAC)[A-Z0-9_]+$", re.IGNORECASE
)

# Python: the class a tool is made of -> the tool type it sends.
PY_TOOL_CLASSES = {
    "WebSearchTool": "web_search",
    "FileSearchTool": "file_search",
    "CodeInterpreterTool": "code_interpreter",
    "HostedMCPTool": "mcp",
    "ImageGenerationTool": "image_generation",
    "ShellTool": "shell",
    "LocalShellTool": "local_shell",
    "ComputerTool": "computer_use_preview",
    "ToolSearchTool": "tool_search",
    "ProgrammaticToolCallingTool": "programmatic_tool_calling",
    "ApplyPatchTool": "apply_patch",
}
# JS/TS (@openai/agents): the helper function -> the tool type it sends.
JS_TOOL_HELPERS = {
    "webSearchTool": "web_search",
    "fileSearchTool": "file_search",
    "codeInterpreterTool": "code_interpreter",
    "hostedMcpTool": "mcp",
    "imageGenerationTool": "image_generation",
    "shellTool": "shell",
    "computerTool": "computer_use_preview",
    "toolSearchTool": "tool_search",
    "programmaticToolCallingTool": "programmatic_tool_calling",
    "applyPatchTool": "apply_patch",
}
# The Vercel AI SDK (@ai-sdk/openai): openai.tools.<name>(...) -> tool type. Its `shell`
# and `localShell` run on the caller's machine.
AI_SDK_TOOLS = {
    "webSearch": "web_search",
    "webSearchPreview": "web_search_preview",
    "fileSearch": "file_search",
    "codeInterpreter": "code_interpreter",
    "mcp": "mcp",
    "imageGeneration": "image_generation",
}
# Model classes of the Agents SDKs that call the Responses API; every other model
# object (OpenAIChatCompletionsModel, LitellmModel, AnyLLMModel, aisdk(...)) does not.
RESPONSES_MODEL_CLASSES = frozenset(
    {"OpenAIResponsesModel", "OpenAIResponsesWSModel", "OpenAIResponsesWebSocketModel"}
)
# Model names the Python SDK routes to another provider by prefix.
OTHER_PROVIDER_PREFIXES = ("litellm/", "any-llm/")

PY_AGENT_ADVICE = (
    'model_settings=ModelSettings(store=False, response_include=["reasoning.encrypted_content"])'
    " (without the include, reasoning models fail under store=False)"
)
JS_AGENT_ADVICE = (
    "modelSettings: { store: false, providerData: { include: "
    "['reasoning.encrypted_content'] } } (without the include, reasoning models fail "
    "under store: false)"
)
AI_SDK_ADVICE = (
    "providerOptions: { openai: { store: false } } (the AI SDK then asks for "
    "reasoning.encrypted_content itself)"
)


def is_openai_url(url: str) -> bool:
    """A base URL that reaches OpenAI (or an Azure OpenAI resource)."""
    return "openai.com" in url or "openai.azure.com" in url


def tool_object(kind: str, options: dict[str, Any]) -> dict[str, Any] | None:
    """The tool object a helper sends, for the catalogue's tool rows to judge: its
    options as the API's fields, a `tool_config` as is, and the shell's environment as
    the SDKs fill it in (local unless a container is named). None when the environment
    is not known here (a variable)."""
    config = options.get("tool_config")
    tool: dict[str, Any] = {k: v for k, v in options.items() if k != "tool_config"}
    if isinstance(config, dict):
        tool.update(config)
    tool["type"] = kind
    if kind == "shell":
        env = tool.setdefault("environment", {"type": "local"})
        if not isinstance(env, dict):
            return None
        env.setdefault("type", "local")
    return tool
