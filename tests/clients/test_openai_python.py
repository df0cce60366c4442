"""The official ``openai`` Python SDK through zdr, as its documentation shows it: a
reasoning model's tool loop and second turn with ``input += response.output``, chat tool
calls, structured outputs parsed by the SDK, and streams of each. The upstream is the
fake with the provider's ``store: false`` rules; the personal data planted in the
conversation never reaches it and comes back restored."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from pydantic import BaseModel

from tests.clients.conftest import ASK, EMAIL, PHONE, assert_never_sent
from tests.conftest import RunningGateway
from zdr.fake.openai import FakeOpenAI


class Weather(BaseModel):
    city: str
    days: int


TOOL: Any = {
    "type": "function",
    "name": "get_weather",
    "parameters": {**Weather.model_json_schema(), "additionalProperties": False},
    "strict": True,
}
FORECAST = f"Sunny. A copy went to {EMAIL}."


def _loop(client: openai.OpenAI, **kw: Any) -> list[Any]:
    """The documented loop: call, run the tool, send everything back, twice over."""
    context: list[Any] = [{"role": "user", "content": ASK}]
    first = client.responses.create(model="gpt-5-mini", input=context, tools=[TOOL], **kw)
    assert [i.type for i in first.output] == ["reasoning", "function_call"]
    call = first.output[1]
    assert call.type == "function_call" and Weather.model_validate_json(call.arguments).city == ASK
    context += first.output
    context.append({"type": "function_call_output", "call_id": call.call_id, "output": FORECAST})
    second = client.responses.create(model="gpt-5-mini", input=context, tools=[TOOL], **kw)
    assert second.output_text == f"get_weather returned: {FORECAST}"
    context += second.output
    context.append({"role": "user", "content": f"Thanks. Is {PHONE} on file?"})
    third = client.responses.create(model="gpt-5-mini", input=context, **kw)
    assert third.output_text == f"You said: Thanks. Is {PHONE} on file?"
    return context


def test_reasoning_tool_loop_and_second_turn(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    _loop(gateway.client())
    sent = [r.json() for r in fake.requests]
    assert len(sent) == 3
    for body in sent:  # zdr's rewrite, and what keeps the loop working under it
        assert body["store"] is False and "reasoning.encrypted_content" in body["include"]
    reasoning = [i for i in sent[1]["input"] if i.get("type") == "reasoning"]
    assert reasoning and reasoning[0]["encrypted_content"].startswith("gAAAAAB")
    assert_never_sent(fake)


def test_the_same_loop_fails_on_store_false_alone(fake: FakeOpenAI) -> None:
    """What zdr's rewrite to store: false did before it asked for the encrypted items:
    the provider (here its fake) refuses the second call."""
    direct = openai.OpenAI(base_url=fake.url + "/v1", api_key="k", max_retries=0)  # type: ignore[attr-defined]
    with pytest.raises(openai.NotFoundError, match="Items are not persisted when `store`"):
        _loop(direct, store=False)


def _streamed_loop(client: openai.OpenAI, summary: bool) -> None:
    context: list[Any] = [{"role": "user", "content": ASK}]
    kw: Any = {"model": "o4-mini", "tools": [TOOL]}
    if summary:
        kw["reasoning"] = {"summary": "auto"}
    headers = {"x-fake-chunk-chars": "5"}  # tokens cut across pieces
    with client.responses.stream(input=context, extra_headers=headers, **kw) as stream:
        first = stream.get_final_response()
    reasoning, call = first.output
    assert reasoning.type == "reasoning"
    if summary:
        assert reasoning.summary[0].text == f"The user asked: {ASK}"
    assert call.type == "function_call" and json.loads(call.arguments)["city"] == ASK
    output = {"type": "function_call_output", "call_id": call.call_id, "output": FORECAST}
    context += [*first.output, output]
    with client.responses.stream(input=context, extra_headers=headers, **kw) as stream:
        deltas = "".join(e.delta for e in stream if e.type == "response.output_text.delta")
    assert deltas == f"get_weather returned: {FORECAST}"


def test_streamed_tool_loop(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    _streamed_loop(gateway.client(), summary=False)
    assert_never_sent(fake)


def test_reasoning_summaries_sent_back_are_masked(
    gateway: RunningGateway, fake: FakeOpenAI
) -> None:
    _streamed_loop(gateway.client(), summary=True)
    assert_never_sent(fake)


class Contact(BaseModel):
    name: str
    email: str
    notes: list[str]


def test_structured_outputs(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    client = gateway.client()
    parsed = client.responses.parse(
        model="gpt-5-mini", input=ASK, text_format=Contact
    ).output_parsed
    assert parsed == Contact(name=ASK, email=ASK, notes=[ASK])
    messages: Any = [{"role": "user", "content": ASK}]
    with client.chat.completions.stream(
        model="gpt-4.1-mini", messages=messages, response_format=Contact
    ) as stream:
        streamed = stream.get_final_completion().choices[0].message.parsed
    assert streamed == parsed
    assert_never_sent(fake)


def _chat_loop(client: openai.OpenAI, parse: bool) -> None:
    tool = openai.pydantic_function_tool(Weather, name="get_weather")
    messages: list[Any] = [{"role": "user", "content": ASK}]
    create = client.chat.completions.parse if parse else client.chat.completions.create
    first = create(model="gpt-4.1-mini", messages=messages, tools=[tool])
    message = first.choices[0].message
    (call,) = message.tool_calls or []
    assert Weather.model_validate_json(call.function.arguments) == Weather(city=ASK, days=0)  # type: ignore[union-attr]
    messages += [message, {"role": "tool", "tool_call_id": call.id, "content": FORECAST}]
    second = client.chat.completions.create(model="gpt-4.1-mini", messages=messages, tools=[tool])
    assert second.choices[0].message.content == f"get_weather returned: {FORECAST}"


def test_chat_tool_loop(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    _chat_loop(gateway.client(), parse=False)
    assert_never_sent(fake)


def test_parsed_chat_message_sent_back_is_masked(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    _chat_loop(gateway.client(), parse=True)
    assert_never_sent(fake)
