"""The demo model driven by the official ``openai`` SDK's helpers, on a real server:
function calls on both APIs, structured outputs parsed into pydantic models, streaming
of both, and the provider's reasoning-item rules under ``store: false``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

import openai
import pytest
from pydantic import BaseModel

from zdr.demo import DEMO_MODEL, DemoUpstream
from zdr.testing import ServerThread


class Weather(BaseModel):
    city: str
    unit: Literal["celsius", "fahrenheit"]
    days: int


class Contact(BaseModel):
    name: str
    tags: list[str]
    nickname: str | None
    weather: Weather


@pytest.fixture(scope="module")
def client() -> Iterator[openai.OpenAI]:
    with ServerThread(DemoUpstream()) as server:
        yield openai.OpenAI(base_url=server.url + "/v1", api_key="demo", max_retries=0)


WEATHER_TOOL: Any = openai.pydantic_function_tool(Weather, name="get_weather")


class Mail(BaseModel):
    to: str


OTHER_TOOL: Any = openai.pydantic_function_tool(Mail, name="send_mail")


def test_models_say_it_is_an_echo(client: openai.OpenAI) -> None:
    (model,) = client.models.list().data
    assert model.id == DEMO_MODEL and "echo" in model.owned_by


def test_chat_tool_loop(client: openai.OpenAI) -> None:
    messages: list[Any] = [{"role": "user", "content": "Weather in Paris for 3 days, fahrenheit?"}]
    first = client.chat.completions.parse(
        model=DEMO_MODEL, messages=messages, tools=[OTHER_TOOL, WEATHER_TOOL]
    )
    (call,) = first.choices[0].message.tool_calls or []
    assert call.function.name == "get_weather"  # the tool the text names
    args = call.function.parsed_arguments  # type: ignore[union-attr]
    assert isinstance(args, Weather) and args.unit == "fahrenheit" and args.days == 3
    messages += [
        first.choices[0].message,
        {"role": "tool", "tool_call_id": call.id, "content": "21C"},
    ]
    second = client.chat.completions.create(
        model=DEMO_MODEL, messages=messages, tools=[WEATHER_TOOL]
    )
    assert second.choices[0].message.content == "get_weather returned: 21C"
    assert second.choices[0].finish_reason == "stop"


def test_chat_tool_message_must_answer_a_call(client: openai.OpenAI) -> None:
    stray: Any = [
        {"role": "user", "content": "x"},
        {"role": "tool", "tool_call_id": "c", "content": "y"},
    ]
    with pytest.raises(openai.BadRequestError, match="must be a response to a preceeding"):
        client.chat.completions.create(model=DEMO_MODEL, messages=stray)


def test_chat_structured_output_and_stream(client: openai.OpenAI) -> None:
    messages: Any = [{"role": "user", "content": "Ada Lovelace"}]
    parsed = (
        client.chat.completions.parse(model=DEMO_MODEL, messages=messages, response_format=Contact)
        .choices[0]
        .message.parsed
    )
    assert parsed is not None and parsed.name == "Ada Lovelace" and parsed.tags == ["Ada Lovelace"]
    with client.chat.completions.stream(
        model=DEMO_MODEL, messages=messages, response_format=Contact
    ) as stream:
        final = stream.get_final_completion()
    assert final.choices[0].message.parsed == parsed
    with client.chat.completions.stream(
        model=DEMO_MODEL, messages=messages, tools=[WEATHER_TOOL]
    ) as stream:
        streamed = stream.get_final_completion().choices[0].message.tool_calls or []
    assert isinstance(streamed[0].function.parsed_arguments, Weather)


def test_responses_tool_loop_and_structured_output(client: openai.OpenAI) -> None:
    tool: Any = {
        "type": "function",
        "name": "get_weather",
        "parameters": Weather.model_json_schema(),
        "strict": False,
    }
    context: list[Any] = [{"role": "user", "content": "Weather in Oslo in celsius"}]
    first = client.responses.create(model=DEMO_MODEL, input=context, tools=[tool])
    (call,) = [i for i in first.output if i.type == "function_call"]
    assert Weather.model_validate_json(call.arguments).city == "Weather in Oslo in celsius"
    context += first.output
    context.append({"type": "function_call_output", "call_id": call.call_id, "output": "cold"})
    second = client.responses.parse(
        model=DEMO_MODEL, input=context, tools=[tool], text_format=Weather
    )
    assert second.output_parsed is not None and second.output_parsed.city == "cold"


def test_function_output_must_answer_a_call(client: openai.OpenAI) -> None:
    stray: Any = [{"type": "function_call_output", "call_id": "call_x", "output": "y"}]
    with pytest.raises(openai.BadRequestError, match="No tool call found"):
        client.responses.create(model=DEMO_MODEL, input=stray)


def _turn(client: openai.OpenAI, context: list[Any], **kw: Any) -> openai.types.responses.Response:
    return client.responses.create(model="gpt-5-mini", input=context, **kw)


def test_reasoning_items_by_id_need_store(client: openai.OpenAI) -> None:
    context: list[Any] = [{"role": "user", "content": "think"}]
    stored = _turn(client, context)  # store defaults to true: items are kept by id
    assert [i.type for i in stored.output] == ["reasoning", "message"]
    assert stored.output[0].encrypted_content is None
    _turn(client, [*context, *stored.output, {"role": "user", "content": "again"}])

    first = _turn(client, context, store=False)
    again = [*context, *first.output, {"role": "user", "content": "again"}]
    with pytest.raises(openai.NotFoundError) as info:
        _turn(client, again, store=False)
    body: Any = info.value.body
    assert body["message"] == (
        f"Item with id '{first.output[0].id}' not found. Items are not persisted when `store` "
        "is set to false. Try again with `store` set to true, or remove this item from your input."
    )
    assert body["param"] == "input" and body["type"] == "invalid_request_error"


def test_encrypted_reasoning_travels_with_the_request(client: openai.OpenAI) -> None:
    context: list[Any] = [{"role": "user", "content": "think"}]
    kw: Any = {"store": False, "include": ["reasoning.encrypted_content"]}
    first = _turn(client, context, **kw)
    blob = first.output[0].encrypted_content  # type: ignore[union-attr]
    assert blob and blob.startswith("gAAAAAB") and "think" not in blob
    context += [*first.output, {"role": "user", "content": "again"}]
    assert _turn(client, context, **kw).output_text == "You said: again"
    item = context[1].model_dump()
    context[1] = {**item, "encrypted_content": blob[:-8] + "AAAAAAAA"}
    with pytest.raises(openai.BadRequestError) as info:
        _turn(client, context, **kw)
    assert info.value.code == "invalid_encrypted_content"


def test_item_reference_needs_store(client: openai.OpenAI) -> None:
    first = _turn(client, [{"role": "user", "content": "hi"}], store=False)
    ref: Any = [{"type": "item_reference", "id": first.output[-1].id}]
    with pytest.raises(openai.NotFoundError, match="not persisted"):
        _turn(client, ref, store=False)


def test_streamed_response_matches_the_response(client: openai.OpenAI) -> None:
    kw: Any = {
        "model": "o4-mini",
        "input": "Weather in Rome",
        "tools": [
            {
                "type": "function",
                "name": "get_weather",
                "parameters": Weather.model_json_schema(),
                "strict": False,
            }
        ],
        "reasoning": {"summary": "auto"},
        "include": ["reasoning.encrypted_content"],
        "store": False,
    }
    with client.responses.stream(**kw) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_response()
    assert "response.reasoning_summary_text.delta" in kinds
    assert "response.function_call_arguments.delta" in kinds
    reasoning, call = final.output
    assert reasoning.summary[0].text == "The user asked: Weather in Rome"  # type: ignore[union-attr]
    assert json.loads(call.arguments)["city"] == "Weather in Rome"  # type: ignore[union-attr]
    plain = client.responses.create(**kw)
    assert [i.type for i in plain.output] == [i.type for i in final.output]
