"""Simon Willison's ``llm`` command-line tool through zdr, configured as its docs show
for an OpenAI-compatible server (``extra-openai-models.yaml``): a streamed prompt, a
structured output (``--schema``) and a tool call (``--functions``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.clients.conftest import ASK, assert_never_sent
from tests.conftest import RunningGateway
from zdr.fake.openai import FakeOpenAI

LLM = Path(sys.executable).with_name("llm")
TOOL = """
def get_weather(city: str) -> str:
    "The weather in a city."
    return "Sunny, 21C."
"""


@pytest.fixture
def llm(gateway: RunningGateway, tmp_path: Path):  # type: ignore[no-untyped-def]
    home = tmp_path / "llm"
    home.mkdir()
    model = {
        "model_id": "zdr",
        "model_name": "gpt-4.1-mini",
        "api_base": gateway.url + "/v1",
        "api_key_name": "zdr",
        "supports_tools": True,
        "supports_schema": True,
    }
    (home / "extra-openai-models.yaml").write_text(yaml.safe_dump([model]))
    (home / "keys.json").write_text(json.dumps({"zdr": gateway.key}))
    env = {"PATH": os.environ.get("PATH", ""), "LLM_USER_PATH": str(home), "HOME": str(tmp_path)}

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(LLM), "-m", "zdr", "--no-log", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip()

    return run


def test_prompt_schema_and_tool(llm, fake: FakeOpenAI) -> None:  # type: ignore[no-untyped-def]
    assert llm(ASK) == f"You said: {ASK}"
    assert json.loads(llm("--schema", "name, tags", ASK)) == {"name": ASK, "tags": ASK}
    assert llm("--functions", TOOL, ASK).endswith("get_weather returned: Sunny, 21C.")
    assert_never_sent(fake)
