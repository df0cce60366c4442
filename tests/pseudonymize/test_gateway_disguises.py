"""A disguised value (zero-width characters inside it, full-width or mathematical
letters, percent-escapes: tests/detect/disguises.py) is pseudonymized through the
gateway as its plain form is: the upstream gets one token in place of exactly the
characters of the value, and the app gets its own text back, disguise and all."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.conftest import RunningGateway
from tests.detect.disguises import DISGUISES, PLANTED, undisguised
from zdr.fake.openai import FakeOpenAI


def upstream_content(fake: FakeOpenAI) -> str:
    body = json.loads(fake.requests[-1].body)
    content: str = body["messages"][0]["content"]
    return content


def test_disguised_values_do_not_reach_the_upstream(
    gateway: RunningGateway, fake: FakeOpenAI
) -> None:
    client = gateway.client()
    wrong = []
    for disguise, disguised_form in DISGUISES.items():
        for label, sentence, value in PLANTED:
            text = sentence.format(disguised_form(value))
            messages: Any = [{"role": "user", "content": text}]
            answer = client.chat.completions.create(model="gpt-4.1-mini", messages=messages)
            sent = upstream_content(fake)
            before, after = sentence.split("{}")
            token = rf"\[{label}_[0-9a-f]+\]"
            masked = re.fullmatch(re.escape(before) + token + re.escape(after), sent)
            if not masked or value in undisguised(sent):
                wrong.append((disguise, label, sent))
            if answer.choices[0].message.content != f"You said: {text}":
                wrong.append((disguise, label, "not restored"))
    assert wrong == []
