"""Open a page in headless Chromium (Debian's package) and read what it shows, over the
DevTools protocol. Skips the test when no Chromium is installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-port=0",
    "--window-size=1200,900",
]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if os.environ.get("REQUIRE_CHROMIUM"):
        pytest.fail("REQUIRE_CHROMIUM is set but no Chromium is installed")
    pytest.skip("Chromium is not installed (apt-get install chromium)")


def evaluate_page(url: str, expression: str, profile: Path) -> Any:
    """Load ``url``, wait for the load event, and return the value of ``expression``."""
    proc = subprocess.Popen(
        [chromium_path(), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("Chromium did not open its DevTools port")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        return asyncio.run(_evaluate(port, url, expression))
    finally:
        proc.terminate()
        proc.wait(10)


async def _evaluate(port: int, url: str, expression: str) -> Any:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/json/list") as r:
            targets = await r.json()
        page = next(t for t in targets if t["type"] == "page")
        async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
            ids = iter(range(1, 1000))

            async def call(method: str, **params: Any) -> dict[str, Any]:
                msg_id = next(ids)
                await ws.send_str(json.dumps({"id": msg_id, "method": method, "params": params}))
                while True:
                    msg = json.loads((await ws.receive()).data)
                    if msg.get("id") == msg_id:
                        if "error" in msg:
                            raise RuntimeError(msg["error"])
                        result: dict[str, Any] = msg["result"]
                        return result
                    if msg.get("method") == "Page.loadEventFired":
                        loaded.set()

            loaded = asyncio.Event()
            await call("Page.enable")
            await call("Page.navigate", url=url)
            deadline = time.monotonic() + 20
            while not loaded.is_set() and time.monotonic() < deadline:
                msg = json.loads((await asyncio.wait_for(ws.receive(), 20)).data)
                if msg.get("method") == "Page.loadEventFired":
                    loaded.set()
            result = await call("Runtime.evaluate", expression=expression, returnByValue=True)
            return result["result"].get("value")
