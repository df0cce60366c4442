"""Shared fixtures: a real fake upstream and a real gateway, both uvicorn servers on
127.0.0.1 in background threads, driven by the official ``openai`` SDK."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import psycopg
import pytest

from zdr.config import Settings, load_settings
from zdr.fake.openai import FakeOpenAI
from zdr.keys.store import open_key_store
from zdr.serve import build_gateway
from zdr.testing import ServerThread

UPSTREAM_KEY = "sk-upstream-secret-DO-NOT-LEAK-1234567890"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("ZDR_", "OPENAI_")) or name.lower().endswith("_proxy"):
            monkeypatch.delenv(name, raising=False)


PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A real PostgreSQL database URL whose tables live in a private schema per test."""
    schema = "t_" + secrets.token_hex(4)
    with psycopg.connect(PG_URL, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with psycopg.connect(PG_URL, autocommit=True) as db:
        db.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(scope="session")
def fake() -> Iterator[FakeOpenAI]:
    app = FakeOpenAI(record=True)
    with ServerThread(app) as server:
        app.url = server.url  # type: ignore[attr-defined]
        yield app


@pytest.fixture(autouse=True)
def _reset_fake(request: pytest.FixtureRequest) -> None:
    if "fake" in request.fixturenames:
        request.getfixturevalue("fake").requests.clear()


def make_settings(
    data_dir: Path, upstream_url: str, extra: dict[str, Any] | None = None
) -> Settings:
    raw: dict[str, Any] = {
        "upstreams": {
            "openai": {
                "base_url": upstream_url + "/v1",
                "api_key": UPSTREAM_KEY,
                "read_timeout": 2.0,
                "connect_timeout": 2.0,
            }
        },
        "storage": {"data_dir": str(data_dir)},
        # The fake upstream misbehaves on request: the tests' one extra forwarded header.
        "server": {"forward_headers": ["x-fake-fault", "x-fake-chunk-chars"]},
    }
    for k, v in (extra or {}).items():
        if k == "server":
            v = {**raw["server"], **v}
        raw[k] = v
    return Settings.model_validate(raw)


class RunningGateway:
    def __init__(self, server: ServerThread, settings: Settings, keys: dict[str, str]):
        self.server = server
        self.settings = settings
        self.keys = keys
        self.url = server.url

    @property
    def key(self) -> str:
        return self.keys["app"]

    def client(self, key: str | None = None, **kw: Any) -> openai.OpenAI:
        return openai.OpenAI(
            base_url=self.url + "/v1", api_key=key or self.key, max_retries=0, **kw
        )

    def async_client(self, key: str | None = None) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(base_url=self.url + "/v1", api_key=key or self.key, max_retries=0)


GatewayFactory = Callable[..., RunningGateway]


@pytest.fixture
def gateway_factory(tmp_path: Path, fake: FakeOpenAI) -> Iterator[GatewayFactory]:
    started: list[ServerThread] = []

    def factory(
        extra: dict[str, Any] | None = None,
        keys: dict[str, str] | None = None,
        upstream_url: str | None = None,
    ) -> RunningGateway:
        settings = make_settings(tmp_path / f"data{len(started)}", upstream_url or fake.url, extra)  # type: ignore[attr-defined]
        store = open_key_store(settings.storage.database_url, settings.storage.sqlite_path())
        created = {
            name: store.create(name, policy)
            for name, policy in (keys or {"app": "default"}).items()
        }
        server = ServerThread(
            build_gateway(settings),
            header_timeout=settings.server.header_timeout_seconds,
            body_timeout=settings.server.body_timeout_seconds,
            ws_max_bytes=settings.server.max_event_bytes,
        ).start()
        started.append(server)
        return RunningGateway(server, settings, created)

    yield factory
    for server in started:
        server.stop()


@pytest.fixture
def gateway(gateway_factory: GatewayFactory) -> RunningGateway:
    return gateway_factory()


__all__ = ["load_settings", "UPSTREAM_KEY", "RunningGateway", "make_settings"]
