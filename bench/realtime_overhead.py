"""What the gateway adds to a realtime session, measured side by side in one run.

    .venv/bin/python bench/realtime_overhead.py [--events 2000] [--sessions 40] [--rounds 3]

An upstream on core 1 answers every client event with one server event, as the
Realtime API does for the events that matter here: an ``input_audio_buffer.append``
(100 ms of 24 kHz PCM16, base64) with a ``response.output_audio.delta`` carrying the
same audio; a ``conversation.item.create`` holding a user's text with personal data in
it with the ``conversation.item.added`` that echoes the item. The gateway (the real
one: virtual key, enforce policy, event reading, pseudonymization and restore, audit
on) runs alone on core 0. Printed per kind of event:

* added latency per event: median round trip (client event -> server event) through
  the gateway minus straight to the upstream, one session, one event at a time (on a
  loaded machine this is mostly the time the gateway's process waits for its core);
* the gateway's own work per event, in the bench's process without sockets: a
  client event parsed, decided, masked and serialized ("out"), and the server event
  that answers it parsed, restored and serialized ("in");
* gateway CPU per event (user+system time of its process, ``/proc``) while
  ``--sessions`` sessions send at once, divided by the events it relayed both ways;
* sessions per core: how many voice sessions one core carries at that cost, for a
  session that streams 20 ms audio frames both ways (50 events/s each way).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.ws_libraries import cpu_seconds, free_port, wait_port

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
GATEWAY_CORE, LOAD_CORE = 0, 1
UPSTREAM_KEY = "sk-bench-upstream"
VOICE_EVENTS_PER_SECOND = 100  # 50 frames of 20 ms up, 50 down

AUDIO = {"type": "input_audio_buffer.append", "audio": "QUJD" * 1600}
TEXT = {
    "type": "conversation.item.create",
    "item": {
        "type": "message",
        "role": "user",
        "content": [
            {
                "type": "input_text",
                "text": "Hi, this is Helen Murray (helen.murray@northwind-mail.com, "
                "+44 20 7946 0123). The export job fails every night since the upgrade; "
                "can you move it to the early morning and call me back before Friday?",
            }
        ],
    },
}


async def _upstream(port: int) -> None:
    from websockets.asyncio.server import serve

    async def handler(ws: Any) -> None:
        async for message in ws:
            event = orjson.loads(message)
            if event["type"] == "input_audio_buffer.append":
                reply = {
                    "type": "response.output_audio.delta",
                    "event_id": "event_1",
                    "response_id": "resp_1",
                    "item_id": "item_1",
                    "output_index": 0,
                    "content_index": 0,
                    "delta": event["audio"],
                }
            else:
                reply = {
                    "type": "conversation.item.added",
                    "event_id": "event_2",
                    "previous_item_id": None,
                    "item": {"id": "item_2", **event["item"]},
                }
            await ws.send(orjson.dumps(reply).decode())

    async with serve(handler, "127.0.0.1", port, max_size=None, compression=None):
        await asyncio.Future()


def _gateway(data_dir: str, port: int, upstream_port: int) -> None:
    import uvicorn

    from zdr.config import Settings
    from zdr.serve import build_gateway, uvicorn_config

    settings = Settings.model_validate(
        {
            "upstreams": {
                "openai": {
                    "base_url": f"http://127.0.0.1:{upstream_port}/v1",
                    "api_key": UPSTREAM_KEY,
                }
            },
            "storage": {"data_dir": data_dir},
            "server": {"access_log": False},
        }
    )
    gateway = build_gateway(settings)
    config = uvicorn_config(gateway, "127.0.0.1", port)
    config.log_level = "warning"
    uvicorn.Server(config).run()


def _make_key(data_dir: str) -> str:
    from zdr.config import Settings
    from zdr.keys.store import open_key_store

    settings = Settings.model_validate({"storage": {"data_dir": data_dir}})
    store = open_key_store(settings.storage.database_url, settings.storage.sqlite_path())
    return store.create("bench", "default")


async def _round_trips(url: str, headers: dict[str, str], message: str, n: int) -> list[float]:
    from websockets.asyncio.client import connect

    out = []
    async with connect(url, additional_headers=headers, max_size=None, compression=None) as ws:
        for _ in range(n):
            t0 = time.perf_counter()
            await ws.send(message)
            await ws.recv()
            out.append(time.perf_counter() - t0)
    return out


async def _many(url: str, headers: dict[str, str], message: str, sessions: int, each: int) -> None:
    from websockets.asyncio.client import connect

    async def one() -> None:
        async with connect(url, additional_headers=headers, max_size=None, compression=None) as ws:

            async def reader() -> None:
                for _ in range(each):
                    await ws.recv()

            task = asyncio.ensure_future(reader())
            for i in range(each):
                await ws.send(message)
                if i % 8 == 7:
                    await asyncio.sleep(0)
            await task

    await asyncio.gather(*(one() for _ in range(sessions)))


def _processing(event: dict[str, Any], reply: dict[str, Any], n: int = 2000) -> tuple[float, float]:
    """The gateway's own work per event, in this process (no sockets, no scheduler):
    median microseconds for a client event (parse, decide, mask, serialize) and for
    the server event that answers it (parse, restore, serialize)."""
    from zdr.catalogue.load import load_catalogue
    from zdr.config import Settings
    from zdr.detect.configured import detector_set
    from zdr.gateway.canonical import parse_json_object
    from zdr.policy.events import EventPolicy
    from zdr.policy.model import Policy
    from zdr.pseudonymize.realtime import SessionMasker
    from zdr.pseudonymize.tokens import Vault
    from zdr.testing import make_exchange

    settings = Settings.model_validate({})
    catalogue = load_catalogue()
    policy = EventPolicy(catalogue, b"s" * 32)
    masker = SessionMasker(Vault(b"k" * 32), detector_set(settings.detection))
    ex = make_exchange("WEBSOCKET", b"/v1/realtime")
    ex.path, ex.model = "/v1/realtime", "gpt-realtime"
    ex.policy = Policy.compile_all(settings)["default"]
    ex.endpoint = catalogue.match("WEBSOCKET", "/v1/realtime")
    raw = orjson.dumps(event)

    async def client_side() -> bytes:
        parsed = parse_json_object(raw)
        assert policy.client_event(ex, parsed) is None
        return orjson.dumps(await masker.mask(parsed, len(raw)))

    async def both() -> tuple[list[float], list[float]]:
        out_times, in_times = [], []
        for _ in range(n):
            t0 = time.perf_counter()
            sent = await client_side()
            t1 = time.perf_counter()
            answer = dict(reply)
            if "item" in answer:  # the upstream echoes the (masked) item
                answer["item"] = {"id": "item_2", **orjson.loads(sent)["item"]}
            data = orjson.dumps(answer)
            t2 = time.perf_counter()
            got = orjson.loads(data)
            if masker.vault and got.get("type") != "response.output_audio.delta":
                for e in masker.restore(got):
                    orjson.dumps(e)
            t3 = time.perf_counter()
            out_times.append(t1 - t0)
            in_times.append(t3 - t2)
        return out_times, in_times

    outs, ins = asyncio.run(both())
    return statistics.median(outs) * 1e6, statistics.median(ins) * 1e6


AUDIO_REPLY = {
    "type": "response.output_audio.delta",
    "event_id": "event_1",
    "response_id": "resp_1",
    "item_id": "item_1",
    "output_index": 0,
    "content_index": 0,
    "delta": AUDIO["audio"],
}
TEXT_REPLY = {"type": "conversation.item.added", "event_id": "event_2", "previous_item_id": None}


def spawn(args: list[str], core: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["taskset", "-c", str(core), PY, __file__, *args], cwd=ROOT)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=2000)
    p.add_argument("--sessions", type=int, default=40)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--role", default="")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--upstream-port", type=int, default=0)
    p.add_argument("--data-dir", default="")
    a = p.parse_args()
    if a.role == "upstream":
        asyncio.run(_upstream(a.port))
        return
    if a.role == "gateway":
        _gateway(a.data_dir, a.port, a.upstream_port)
        return

    data_dir = str(ROOT / "bench" / "results" / "realtime-data")
    shutil.rmtree(data_dir, ignore_errors=True)
    Path(data_dir).mkdir(parents=True)
    key = _make_key(data_dir)
    up_port, gw_port = free_port(), free_port()
    upstream = spawn(["--role", "upstream", "--port", str(up_port)], LOAD_CORE)
    gateway = spawn(
        [
            "--role", "gateway", "--port", str(gw_port), "--upstream-port", str(up_port),
            "--data-dir", data_dir,
        ],
        GATEWAY_CORE,
    )  # fmt: skip
    try:
        wait_port(up_port)
        wait_port(gw_port)
        os.sched_setaffinity(0, {LOAD_CORE})
        direct = (f"ws://127.0.0.1:{up_port}/v1/realtime?model=gpt-realtime", {})
        through = (
            f"ws://127.0.0.1:{gw_port}/v1/realtime?model=gpt-realtime",
            {"Authorization": f"Bearer {key}"},
        )
        results: dict[str, dict[str, list[float]]] = {}
        for rnd in range(a.rounds):
            for name, event in (("audio 100 ms", AUDIO), ("text with PII", TEXT)):
                message = orjson.dumps(event).decode()
                base = statistics.median(asyncio.run(_round_trips(*direct, message, a.events)))
                rtt = statistics.median(asyncio.run(_round_trips(*through, message, a.events)))
                each = max(1, a.events * 2 // a.sessions)
                c0 = cpu_seconds(gateway.pid)
                t0 = time.perf_counter()
                asyncio.run(_many(*through, message, a.sessions, each))
                wall = time.perf_counter() - t0
                used = cpu_seconds(gateway.pid) - c0
                relayed = 2 * a.sessions * each
                r = results.setdefault(name, {"direct": [], "added": [], "cpu": [], "rate": []})
                r["direct"].append(base * 1e6)
                r["added"].append((rtt - base) * 1e6)
                r["cpu"].append(used / relayed * 1e6)
                r["rate"].append(relayed / wall)
            print(f"round {rnd + 1}/{a.rounds} done", file=sys.stderr)
    finally:
        gateway.terminate()
        upstream.terminate()
        gateway.wait()
        upstream.wait()
    work = {
        "audio 100 ms": _processing(AUDIO, AUDIO_REPLY),
        "text with PII": _processing(TEXT, TEXT_REPLY),
    }
    print(
        f"\n{'event':14} {'direct us':>9} {'added us':>9} {'work out/in us':>15}"
        f" {'cpu us/ev':>10} {'events/s/core':>14} {'voice sessions/core':>20}"
    )
    for name, r in results.items():
        cpu = statistics.median(r["cpu"])
        out, back = work[name]
        print(
            f"{name:14} {statistics.median(r['direct']):9.0f} {statistics.median(r['added']):9.0f}"
            f" {out:7.0f}/{back:<7.0f} {cpu:10.1f} {1e6 / cpu:14.0f}"
            f" {1e6 / cpu / VOICE_EVENTS_PER_SECOND:20.0f}"
        )
    print(
        f"(rounds: {a.rounds}; {a.events} round trips per figure; {a.sessions} concurrent "
        "sessions for CPU; voice session = 100 events/s)"
    )


if __name__ == "__main__":
    main()
