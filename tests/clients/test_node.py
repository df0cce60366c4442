"""Node clients through zdr: the official ``openai`` SDK and the Vercel AI SDK, run by
node on the scripts beside this file (versions pinned in ``node/package.json`` and its
lock file; ``.ci/run`` installs them with ``npm ci``). Without node or the packages the
tests skip, except with ``REQUIRE_NODE=1`` (CI), where they fail."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.clients.conftest import ASK, PHONE, assert_never_sent
from tests.conftest import RunningGateway
from zdr.fake.openai import FakeOpenAI

HERE = Path(__file__).parent / "node"
FORECAST = "Sunny, 21C."
FOLLOW_UP = f"Is {PHONE} on file?"


def _node() -> str:
    node = shutil.which("node")
    missing = (
        "node is not installed"
        if node is None
        else "the node packages are not installed (npm ci --prefix tests/clients/node)"
        if not (HERE / "node_modules").is_dir()
        else None
    )
    if missing is not None:
        if os.environ.get("REQUIRE_NODE") == "1":
            pytest.fail(f"{missing}, and REQUIRE_NODE=1")
        pytest.skip(missing)
    assert node is not None
    return node


def _run(script: str, gateway: RunningGateway) -> Any:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "ZDR_BASE_URL": gateway.url + "/v1",
        "ZDR_KEY": gateway.key,
        "ZDR_ASK": ASK,
        "ZDR_FORECAST": FORECAST,
        "ZDR_FOLLOW_UP": FOLLOW_UP,
    }
    done = subprocess.run(
        [_node(), str(HERE / script)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_openai_node_sdk(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    seen = _run("openai_sdk.mjs", gateway)
    assert seen["firstTypes"] == ["reasoning", "function_call"]
    assert seen["toolArgs"] == {"city": ASK}
    assert seen["answer"] == f"get_weather returned: {FORECAST}"
    assert seen["secondTurn"] == f"You said: {FOLLOW_UP}"
    assert seen["streamedArgs"] == {"city": ASK}
    assert seen["parsed"] == {"name": ASK, "notes": [ASK]}
    assert_never_sent(fake)


def test_vercel_ai_sdk(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    seen = _run("ai_sdk.mjs", gateway)
    # With providerOptions.openai.store = false: the tool loop and the second turn work.
    assert seen["advised"] == {
        "first": f"get_weather returned: {FORECAST}",
        "second": f"get_weather returned: {FORECAST}",
    }
    assert seen["toolArgs"][:2] == [ASK, FOLLOW_UP]
    # With the defaults, the history refers to items by id: refused, with the fix.
    refused = seen["refused"]
    assert refused["status"] == 400
    message = refused["message"]
    assert "item_reference" in message and "store: false" in message
    assert "providerOptions.openai.store = false" in message
    assert seen["streamed"] == f"You said: {ASK}"
    assert seen["structured"] == {"name": ASK, "tags": [ASK]}
    assert_never_sent(fake)
