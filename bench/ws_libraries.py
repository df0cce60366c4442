"""Which WebSocket libraries the gateway's realtime path should use, measured.

    .venv/bin/python bench/ws_libraries.py [--events 2000] [--sessions 50] [--rounds 3]

The gateway sits between two WebSocket connections: uvicorn serves the client's side
(``ws="websockets"``, ``"websockets-sansio"`` or ``"wsproto"``) and a client library
connects upstream (aiohttp's, already a dependency, or ``websockets``). Each pair runs
the same minimal relay (accept, connect upstream, copy messages both ways; nothing
else) in its own process on core 0, in front of an echo upstream; the load generator
and the upstream run on core 1. Printed per pair and message size:

* added latency per event: median round trip through the relay minus straight to the
  echo upstream, one session sending one event at a time;
* relay CPU per event: the relay process's user+system time (``/proc``) divided by
  the events it relayed both ways, while ``--sessions`` sessions send at once; and the
  events per second one core could relay at that cost.

CPU time per event, not wall time, is what is compared: it does not depend on what
else the shared machine is running. Every pair is measured in the same run, in
alternating rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from gateway_overhead import free_port, wait_port  # this folder is on the path as a script

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
RELAY_CORE, LOAD_CORE = 0, 1
SERVERS = ("websockets-sansio", "websockets", "wsproto")
CLIENTS = ("aiohttp", "websockets")
# A text delta of a realtime answer, and 100 ms of 24 kHz PCM16 audio in base64 (the
# largest event a voice session sends many of).
SMALL = '{"type":"response.output_text.delta","event_id":"event_1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"Hello there, how"}'  # noqa: E501
AUDIO = '{"type":"input_audio_buffer.append","audio":"' + "QUJD" * 1600 + '"}'


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the processes -----------------------------------------------------------------------


async def _echo(port: int) -> None:
    from websockets.asyncio.server import serve

    async def handler(ws: Any) -> None:
        async for message in ws:
            await ws.send(message)

    async with serve(handler, "127.0.0.1", port, max_size=None, compression=None):
        await asyncio.Future()


def relay_app(upstream_url: str, client: str) -> Any:
    """The minimal relay: accept, connect upstream with ``client``, copy both ways."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            return
        await receive()  # websocket.connect
        if client == "aiohttp":
            import aiohttp

            session = aiohttp.ClientSession()
            up = await session.ws_connect(upstream_url, max_msg_size=0, compress=0)

            async def upstream_send(text: str) -> None:
                await up.send_str(text)

            async def upstream_recv() -> str | None:
                msg = await up.receive()
                return msg.data if msg.type == aiohttp.WSMsgType.TEXT else None

            async def close() -> None:
                await up.close()
                await session.close()
        else:
            from websockets.asyncio.client import connect

            ws = await connect(upstream_url, max_size=None, compression=None)

            async def upstream_send(text: str) -> None:
                await ws.send(text)

            async def upstream_recv() -> str | None:
                try:
                    data = await ws.recv()
                except Exception:
                    return None
                return data if isinstance(data, str) else None

            async def close() -> None:
                await ws.close()

        await send({"type": "websocket.accept"})

        async def down() -> None:
            while (text := await upstream_recv()) is not None:
                await send({"type": "websocket.send", "text": text})

        async def up_() -> None:
            while True:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    return
                await upstream_send(message["text"])

        tasks = [asyncio.ensure_future(down()), asyncio.ensure_future(up_())]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for t in tasks:
            t.cancel()
        await close()

    return app


def _relay(port: int, upstream_port: int, server: str, client: str) -> None:
    import uvicorn

    app = relay_app(f"ws://127.0.0.1:{upstream_port}/", client)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        ws=server,
        loop="uvloop",
        log_level="warning",
        ws_per_message_deflate=False,
        ws_max_size=64 * 1024 * 1024,
    )


# -- the load ----------------------------------------------------------------------------


async def _round_trips(url: str, message: str, n: int) -> list[float]:
    from websockets.asyncio.client import connect

    out = []
    async with connect(url, max_size=None, compression=None) as ws:
        for _ in range(n):
            t0 = time.perf_counter()
            await ws.send(message)
            await ws.recv()
            out.append(time.perf_counter() - t0)
    return out


async def _many(url: str, message: str, sessions: int, per_session: int) -> None:
    from websockets.asyncio.client import connect

    async def one() -> None:
        async with connect(url, max_size=None, compression=None) as ws:
            window = 8  # events in flight per session

            async def reader() -> None:
                for _ in range(per_session):
                    await ws.recv()

            task = asyncio.ensure_future(reader())
            for i in range(per_session):
                await ws.send(message)
                if i % window == window - 1:
                    await asyncio.sleep(0)
            await task

    await asyncio.gather(*(one() for _ in range(sessions)))


def spawn(args: list[str], core: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["taskset", "-c", str(core), PY, __file__, *args], cwd=ROOT)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=2000)
    p.add_argument("--sessions", type=int, default=50)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--role", default="")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--upstream-port", type=int, default=0)
    p.add_argument("--server", default="")
    p.add_argument("--client", default="")
    a = p.parse_args()
    if a.role == "echo":
        asyncio.run(_echo(a.port))
        return
    if a.role == "relay":
        _relay(a.port, a.upstream_port, a.server, a.client)
        return

    up_port = free_port()
    echo = spawn(["--role", "echo", "--port", str(up_port)], LOAD_CORE)
    relays: dict[tuple[str, str], tuple[subprocess.Popen[bytes], int]] = {}
    try:
        wait_port(up_port)
        for server in SERVERS:
            for client in CLIENTS:
                port = free_port()
                proc = spawn(
                    [
                        "--role", "relay", "--port", str(port), "--upstream-port", str(up_port),
                        "--server", server, "--client", client,
                    ],
                    RELAY_CORE,
                )  # fmt: skip
                relays[(server, client)] = (proc, port)
        for _, port in relays.values():
            wait_port(port)
        os.sched_setaffinity(0, {LOAD_CORE})
        direct = f"ws://127.0.0.1:{up_port}/"
        results: dict[tuple[str, str, str], dict[str, list[float]]] = {}
        for rnd in range(a.rounds):
            for size, message in (("small", SMALL), ("audio", AUDIO)):
                base = statistics.median(asyncio.run(_round_trips(direct, message, a.events)))
                for (server, client), (proc, port) in relays.items():
                    url = f"ws://127.0.0.1:{port}/"
                    rtt = statistics.median(asyncio.run(_round_trips(url, message, a.events)))
                    per_session = max(1, a.events * 2 // a.sessions)
                    c0 = cpu_seconds(proc.pid)
                    asyncio.run(_many(url, message, a.sessions, per_session))
                    used = cpu_seconds(proc.pid) - c0
                    relayed = 2 * a.sessions * per_session  # each event crosses twice
                    r = results.setdefault((server, client, size), {"added": [], "cpu": []})
                    r["added"].append((rtt - base) * 1e6)
                    r["cpu"].append(used / relayed * 1e6)
            print(f"round {rnd + 1}/{a.rounds} done", file=sys.stderr)
        print(f"\n{'server':18} {'client':10} {'event':6} {'added us':>9} {'cpu us/ev':>10}"
              f" {'events/s/core':>14}")  # fmt: skip
        for (server, client, size), r in sorted(results.items(), key=lambda kv: kv[0][2]):
            added = statistics.median(r["added"])
            cpu = statistics.median(r["cpu"])
            print(f"{server:18} {client:10} {size:6} {added:9.1f} {cpu:10.1f} {1e6 / cpu:14.0f}")
    finally:
        for proc, _ in relays.values():
            proc.terminate()
        echo.terminate()
        for proc, _ in relays.values():
            proc.wait()
        echo.wait()


if __name__ == "__main__":
    main()
