"""Which fields are pseudonymized per endpoint, in one detection pass per request."""

from __future__ import annotations

import json
from typing import Any

from zdr.detect.engine import DetectorSet
from zdr.pseudonymize.request import pseudonymize_body
from zdr.pseudonymize.tokens import Vault

DETECT = DetectorSet()


def run(endpoint: str, body: dict[str, Any]) -> tuple[dict[str, Any], Vault]:
    """``endpoint`` names the body's kind for the reader: the walk is the same for all."""
    vault = Vault(b"r" * 32)
    return pseudonymize_body(body, DETECT, vault), vault


def test_a_name_found_in_one_message_is_masked_in_all() -> None:
    body, vault = run(
        "chat.completions.create",
        {
            "model": "m",
            "messages": [
                {"role": "system", "content": "Write to Mrs Kowalczyk about her claim."},
                {"role": "user", "content": "Kowalczyk called again today."},
            ],
        },
    )
    first, second = (m["content"] for m in body["messages"])
    token = first.split("Mrs ")[1].split(" ")[0]
    assert token.startswith("[PERSON_") and second.startswith(token)
    assert vault.counts["PERSON"] == 2


def test_chat_fields_and_untouched_ones() -> None:
    body, _ = run(
        "chat.completions.create",
        {
            "model": "jane.roe@example.com",  # not content: never rewritten
            "user": "jane.roe@example.com",  # hashed by the policy step, not here
            "metadata": {"contact": "jane.roe@example.com"},
            "messages": [
                {
                    "role": "user",
                    "name": "Jane Roe",
                    "content": [{"type": "text", "text": "mail jane.roe@example.com"}],
                },
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "c",
                            "type": "function",
                            "function": {
                                "name": "f",
                                "arguments": json.dumps({"to": "jane.roe@example.com"}),
                            },
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": "c", "content": "sent to jane.roe@example.com"},
            ],
        },
    )
    text = json.dumps(body)
    assert body["model"] == "jane.roe@example.com" and body["user"] == "jane.roe@example.com"
    assert text.count("jane.roe@example.com") == 2
    assert body["metadata"]["contact"].startswith("[EMAIL_")
    assert json.loads(body["messages"][1]["tool_calls"][0]["function"]["arguments"])[
        "to"
    ].startswith("[EMAIL_")


def test_responses_items_and_instructions() -> None:
    body, vault = run(
        "responses.create",
        {
            "model": "m",
            "instructions": "Reply to jane.roe@example.com",
            "input": [
                {"role": "user", "content": [{"type": "input_text", "text": "I am Jane Roe"}]},
                {
                    "type": "function_call_output",
                    "call_id": "c",
                    "output": "jane.roe@example.com ok",
                },
            ],
        },
    )
    assert "jane.roe@example.com" not in json.dumps(body)
    assert vault.counts["EMAIL"] == 2


def test_every_string_is_examined_by_default() -> None:
    raw = {"model": "m", "prompt_text": "call +44 20 7946 0958"}
    masked, _ = run("images.generate", dict(raw))
    assert masked["prompt_text"].startswith("call [PHONE_") and masked["model"] == "m"


def test_fields_are_cut_back_apart_by_offset() -> None:
    """Fields are joined by a separator for one detection pass and cut apart by
    offset: a field holding the separator itself, or ending where a value could run
    on into the next field, comes back as its own pseudonymized text."""
    from zdr.pseudonymize.request import _SEPARATOR

    body, vault = run(
        "chat.completions.create",
        {
            "model": "m",
            "messages": [
                {"role": "user", "content": f"a{_SEPARATOR}b mail jane.roe@example.com"},
                {"role": "user", "content": "call +49 30"},
                {"role": "user", "content": "901820 now"},
            ],
        },
    )
    first, second, third = (m["content"] for m in body["messages"])
    assert first.startswith(f"a{_SEPARATOR}b mail [EMAIL_") and "@" not in first
    assert (second, third) == ("call +49 30", "901820 now")
    assert vault.counts == {"EMAIL": 1}
