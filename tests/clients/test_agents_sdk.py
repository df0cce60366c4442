"""The OpenAI Agents SDK through zdr: its Runner drives a gpt-5-style model with a
function tool (reasoning items, the call, the tool's output, the answer) and a second
turn from ``result.to_input_list()``, with default settings (zdr rewrites ``store`` and
asks for the encrypted reasoning) and with the settings zdr's advice names."""

from __future__ import annotations

import asyncio
from typing import Any

import openai
import pytest
from agents import (
    Agent,
    ModelSettings,
    OpenAIChatCompletionsModel,
    OpenAIResponsesModel,
    RunConfig,
    Runner,
    function_tool,
)

from tests.clients.conftest import ASK, PHONE, assert_never_sent
from tests.conftest import RunningGateway
from zdr.fake.openai import FakeOpenAI

FORECAST = "Sunny, 21C."
NO_TRACES = RunConfig(tracing_disabled=True)  # traces would go to the provider's API


def _agent(
    gateway: RunningGateway, seen: list[str], settings: ModelSettings, chat: bool = False
) -> Agent:
    @function_tool
    def get_weather(city: str) -> str:
        """The weather in a city."""
        seen.append(city)
        return FORECAST

    client = openai.AsyncOpenAI(base_url=gateway.url + "/v1", api_key=gateway.key, max_retries=0)
    model: Any = (
        OpenAIChatCompletionsModel(model="gpt-4.1-mini", openai_client=client)
        if chat
        else OpenAIResponsesModel(model="gpt-5-mini", openai_client=client)
    )
    return Agent(name="assistant", model=model, tools=[get_weather], model_settings=settings)


SETTINGS = {
    "default": ModelSettings(),
    "advised": ModelSettings(store=False, response_include=["reasoning.encrypted_content"]),
}


@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
def test_runner_tool_loop_and_second_turn(
    gateway: RunningGateway, fake: FakeOpenAI, settings: ModelSettings
) -> None:
    seen: list[str] = []
    agent = _agent(gateway, seen, settings)
    result = Runner.run_sync(agent, ASK, run_config=NO_TRACES)
    assert result.final_output == f"get_weather returned: {FORECAST}"
    assert seen == [ASK]  # the tool ran on the user's own words, restored
    follow_up = {"role": "user", "content": f"And is {PHONE} on file?"}
    again = Runner.run_sync(agent, [*result.to_input_list(), follow_up], run_config=NO_TRACES)
    assert again.final_output == f"get_weather returned: {FORECAST}"
    assert seen == [ASK, f"And is {PHONE} on file?"]
    bodies = [r.json() for r in fake.requests]
    assert len(bodies) == 4 and all(b["store"] is False for b in bodies)
    sent_back = [i for b in bodies[1:] for i in b["input"] if i.get("type") == "reasoning"]
    assert sent_back and all(i["encrypted_content"] for i in sent_back)
    assert_never_sent(fake)


def test_streamed_run(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    seen: list[str] = []
    agent = _agent(gateway, seen, ModelSettings())

    async def run() -> tuple[Any, list[str]]:
        result = Runner.run_streamed(agent, ASK, run_config=NO_TRACES)
        kinds = [event.type async for event in result.stream_events()]
        return result.final_output, kinds

    final, kinds = asyncio.run(run())
    assert final == f"get_weather returned: {FORECAST}" and seen == [ASK]
    assert "raw_response_event" in kinds and "run_item_stream_event" in kinds
    assert_never_sent(fake)


def test_chat_completions_model(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    seen: list[str] = []
    agent = _agent(gateway, seen, ModelSettings(), chat=True)
    result = Runner.run_sync(agent, ASK, run_config=NO_TRACES)
    assert result.final_output == f"get_weather returned: {FORECAST}" and seen == [ASK]
    assert_never_sent(fake)


def test_server_side_history_is_refused(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    agent = _agent(gateway, [], ModelSettings())
    result = Runner.run_sync(agent, "hello", run_config=NO_TRACES)
    with pytest.raises(openai.BadRequestError) as info:
        Runner.run_sync(
            agent, "again", previous_response_id=result.last_response_id, run_config=NO_TRACES
        )
    assert info.value.code == "zdr_feature_not_allowed"
    assert "`previous_response_id`" in info.value.message
    assert "send the history in `input`" in info.value.message
