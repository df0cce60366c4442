"""The realtime tests' fixtures: a fake WebSocket upstream (the ``websockets`` library's
server on 127.0.0.1) and gateways pointed at it, driven by the official SDK."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import GatewayFactory, RunningGateway
from zdr.fake.realtime import FakeRealtimeServer


@pytest.fixture(scope="session")
def ws_fake() -> Iterator[FakeRealtimeServer]:
    with FakeRealtimeServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _reset_ws_fake(request: pytest.FixtureRequest) -> None:
    if "ws_fake" in request.fixturenames:
        request.getfixturevalue("ws_fake").sessions.clear()


@pytest.fixture
def ws_gateway(gateway_factory: GatewayFactory, ws_fake: FakeRealtimeServer) -> RunningGateway:
    return gateway_factory(upstream_url=ws_fake.url)
