"""LangChain's ``ChatOpenAI`` through zdr: a tool loop (bound tools, the AIMessage and a
ToolMessage sent back) on the Responses API with a reasoning model and on chat
completions, and ``with_structured_output``."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import HumanMessage, ToolMessage
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from tests.clients.conftest import ASK, PHONE, assert_never_sent
from tests.conftest import RunningGateway
from zdr.fake.openai import FakeOpenAI

FORECAST = "Sunny, 21C."


class GetWeather(BaseModel):
    """The weather in a city."""

    city: str


def _chat(gateway: RunningGateway, responses: bool) -> ChatOpenAI:
    return ChatOpenAI(
        model="gpt-5-mini" if responses else "gpt-4.1-mini",
        base_url=gateway.url + "/v1",
        api_key=gateway.key,  # type: ignore[arg-type]
        max_retries=0,
        use_responses_api=responses,
    )


@pytest.mark.parametrize("responses", [True, False], ids=["responses", "chat"])
def test_tool_loop_and_second_turn(
    gateway: RunningGateway, fake: FakeOpenAI, responses: bool
) -> None:
    llm = _chat(gateway, responses).bind_tools([GetWeather])
    messages: list[Any] = [HumanMessage(ASK)]
    first = llm.invoke(messages)
    (call,) = first.tool_calls
    assert call["name"] == "GetWeather" and call["args"] == {"city": ASK}
    messages += [first, ToolMessage(FORECAST, tool_call_id=call["id"])]
    second = llm.invoke(messages)
    assert second.text == f"GetWeather returned: {FORECAST}"
    messages += [second, HumanMessage(f"Is {PHONE} on file?")]
    third = llm.invoke(messages)
    assert third.tool_calls[0]["args"] == {"city": f"Is {PHONE} on file?"}
    if responses:  # the reasoning items went back whole, as zdr's include asked
        sent_back = [i for i in fake.requests[-1].json()["input"] if i.get("type") == "reasoning"]
        assert len(sent_back) == 2 and all(i["encrypted_content"] for i in sent_back)
    assert_never_sent(fake)


def test_structured_output(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    found = _chat(gateway, responses=True).with_structured_output(GetWeather).invoke(ASK)
    assert found == GetWeather(city=ASK)
    assert_never_sent(fake)
