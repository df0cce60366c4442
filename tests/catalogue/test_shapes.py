"""The SDK reading of request bodies: bodies the official SDK itself sends read without a
problem; look-alikes, case variants and undeclared literals are found, wherever they sit."""

from __future__ import annotations

import json
from typing import Any

import httpx
import openai
import pytest

from zdr.catalogue.shapes import BodyShapes, Problem, load_shapes, shown

SHAPES = load_shapes()


def _sent(call: Any) -> tuple[str, str, dict[str, Any]]:
    """The method, path and JSON body the official SDK sends for ``call(client)``."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(400, json={"error": {"message": "recorded", "type": "x"}})

    client = openai.OpenAI(
        api_key="sk-test",
        base_url="http://127.0.0.1:9/v1",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        max_retries=0,
    )
    with pytest.raises(openai.BadRequestError):
        call(client)
    (request,) = seen
    return request.method, request.url.path, json.loads(request.content)


SCHEMA = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
SDK_CALLS: dict[str, Any] = {
    "chat with tools, images and structured output": lambda c: c.chat.completions.create(
        model="gpt-4.1",
        messages=[
            {"role": "developer", "content": "Be brief."},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}},
                    {"type": "input_audio", "input_audio": {"data": "AA", "format": "wav"}},
                ],
            },
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "42"},
        ],
        tools=[
            {"type": "function", "function": {"name": "f", "parameters": SCHEMA, "strict": True}},
            {"type": "custom", "custom": {"name": "g", "description": "free text"}},
        ],
        tool_choice={"type": "function", "function": {"name": "f"}},
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "s", "schema": SCHEMA, "strict": True},
        },
        temperature=0.2,
        max_completion_tokens=100,
        stop=["\n\n"],
        seed=7,
        logit_bias={"50256": -100},
        store=False,
        stream_options=None,
        metadata={"app": "demo"},
        prompt_cache_retention="in_memory",
        reasoning_effort="low",
    ),
    "responses with every client-run tool and replayed items": lambda c: c.responses.create(
        model="gpt-5.4",
        instructions="Be brief.",
        input=[
            {"role": "user", "content": "hi"},
            {
                "type": "message",
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "see"},
                    {
                        "type": "input_image",
                        "image_url": "data:image/png;base64,AA",
                        "detail": "low",
                    },
                    {
                        "type": "input_file",
                        "file_data": "data:application/pdf;base64,AA",
                        "filename": "a.pdf",
                    },
                ],
            },
            {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "42"},
            {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAA"},
        ],
        tools=[
            {"type": "function", "name": "f", "parameters": SCHEMA, "strict": True},
            {"type": "custom", "name": "g"},
            {
                "type": "namespace",
                "name": "crm",
                "description": "d",
                "tools": [{"type": "function", "name": "h", "defer_loading": True}],
            },
            {"type": "tool_search", "execution": "client"},
            {"type": "shell", "environment": {"type": "local"}},
            {"type": "apply_patch"},
            {"type": "web_search", "external_web_access": False},
        ],
        text={
            "format": {"type": "json_schema", "name": "s", "schema": SCHEMA, "strict": True},
            "verbosity": "low",
        },
        reasoning={"effort": "low", "summary": "auto"},
        include=["reasoning.encrypted_content"],
        store=False,
        prompt_cache_retention="in_memory",
        prompt_cache_options={"ttl": "30m"},
        parallel_tool_calls=True,
        truncation="auto",
        max_output_tokens=200,
    ),
    "embeddings": lambda c: c.embeddings.create(
        model="text-embedding-3-small", input=["a", "b"], dimensions=256, encoding_format="float"
    ),
    "moderations": lambda c: c.moderations.create(
        model="omni-moderation-latest",
        input=[
            {"type": "text", "text": "x"},
            {"type": "image_url", "image_url": {"url": "data:,"}},
        ],
    ),
    "images": lambda c: c.images.generate(
        model="gpt-image-2",
        prompt="a cat",
        size="1024x1024",
        quality="low",
        n=1,
        output_format="webp",
    ),
    "speech": lambda c: c.audio.speech.create(
        model="gpt-4o-mini-tts", voice="alloy", input="hello", response_format="mp3", speed=1.0
    ),
    "legacy completions": lambda c: c.completions.create(
        model="gpt-3.5-turbo-instruct", prompt="Say hi", max_tokens=5, logprobs=2, echo=False
    ),
}


@pytest.mark.parametrize("name", list(SDK_CALLS))
def test_what_the_official_sdk_sends_reads_clean(name: str) -> None:
    method, path, body = _sent(SDK_CALLS[name])
    key = SHAPES.key_for(method, path)
    assert key is not None, path
    reading = SHAPES.read(key, body)
    assert [p.sentence() for p in reading.problems] == []
    assert set(body) <= SHAPES.params(key)


@pytest.mark.parametrize(
    ("body", "path", "expected", "got"),
    [
        ({"background": "true"}, "background", "a boolean or null", '"true"'),
        (
            {"prompt_cache_retention": "24H"},
            "prompt_cache_retention",
            'one of "in_memory", "24h"',
            '"24H"',
        ),
        ({"store": 0}, "store", "a boolean or null", "0"),
        ({"temperature": True}, "temperature", "a number or null", "true"),
        ({"tools": {"type": "function"}}, "tools", "a list", "an object"),
        ({"tools": [{"type": "WEB_SEARCH"}]}, "tools[0].type", "one of", '"WEB_SEARCH"'),
        (
            {"input": [{"type": "message", "role": "root", "content": "x"}]},
            "input[0].role",
            "one of",
            '"root"',
        ),
        ({"input": [{"content": "x"}]}, "input[0].type", "one of", "missing"),
        (
            {"prompt_cache_options": {"ttl": 43200}},
            "prompt_cache_options.ttl",
            'one of "30m", "12h"',
            "43200",
        ),
    ],
)
def test_problems_say_where_what_and_which_literal(
    body: dict[str, Any], path: str, expected: str, got: str
) -> None:
    reading = SHAPES.read("POST /v1/responses", {"model": "m", "input": "x", **body})
    (problem,) = reading.problems
    assert problem.path == path
    assert problem.expected.startswith(expected)
    assert problem.got == got


def test_tags_are_found_wherever_the_sdk_lets_an_object_sit() -> None:
    body = {
        "model": "m",
        "input": [
            {"id": "msg_1"},
            {"type": "additional_tools", "tools": [{"type": "mcp", "server_label": "s"}]},
        ],
        "tools": [
            {
                "type": "namespace",
                "name": "n",
                "description": "d",
                "tools": [{"type": "custom", "name": "c"}],
            }
        ],
    }
    reading = SHAPES.read("POST /v1/responses", body)
    assert reading.problems == []
    found = {(t.label, t.tag, t.path) for t in reading.tagged}
    assert ("input", "item_reference", "input[0]") in found
    assert ("tools", "mcp", "input[1].tools[0]") in found
    assert ("tools", "custom", "tools[0].tools[0]") in found


def test_exceptions_open_a_label_and_nothing_else() -> None:
    body = {"model": "m", "input": "x", "tools": [{"type": "hosted_notebook"}]}
    assert SHAPES.read("POST /v1/responses", body).problems != []
    opened = SHAPES.read("POST /v1/responses", body, {"tools": frozenset({"hosted_notebook"})})
    assert opened.problems == [] and [t.tag for t in opened.tagged] == ["hosted_notebook"]
    # The shared compiled tree is untouched by a policy's exceptions.
    assert SHAPES.read("POST /v1/responses", body).problems != []


def test_a_body_nested_deeper_than_python_can_walk_is_a_problem() -> None:
    shapes = BodyShapes(
        {
            "bodies": {"POST /v1/x": {"ref": "node"}},
            "defs": {"node": {"fields": {"next": {"ref": "node"}}, "required": []}},
        }
    )
    body: dict[str, Any] = {}
    for _ in range(5000):
        body = {"next": body}
    (problem,) = shapes.read("POST /v1/x", body).problems
    assert "nested less deeply" in problem.expected


def test_key_for_prefers_literal_segments_and_matches_whole_paths() -> None:
    assert SHAPES.key_for("POST", "/v1/responses") == "POST /v1/responses"
    assert SHAPES.key_for("POST", "/v1/responses/compact") == "POST /v1/responses/compact"
    assert SHAPES.key_for("POST", "/v1/realtime/calls/c1/accept") == (
        "POST /v1/realtime/calls/{call_id}/accept"
    )
    assert SHAPES.key_for("POST", "/v1/responses/x/y/z") is None
    assert SHAPES.key_for("GET", "/v1/responses") is None


@pytest.mark.parametrize(
    ("value", "told"),
    [
        ("web_search_2025_08_26", '"web_search_2025_08_26"'),
        ("ann@example.com", None),
        ("two words", None),
        ("x" * 60, None),
        (86400, "86400"),
        (4155550123, None),  # a number long enough to be a phone number
        (True, "true"),
        ({"a": 1}, None),
    ],
)
def test_only_literal_looking_values_are_ever_told(value: Any, told: str | None) -> None:
    assert shown(value) == told


def test_problem_text_is_built_from_the_path_and_declaration_only() -> None:
    problem = Problem(((None, "input"), 3), "a string", "ann@example.com")
    assert problem.sentence() == (
        "`input[3]` is a string, but the openai SDK declares a string there"
    )
