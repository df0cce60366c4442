"""Upstream presets: one line points zdr at a provider the catalogue knows."""

from __future__ import annotations

from typing import Any

import pytest

from zdr.catalogue.load import load_catalogue
from zdr.config import PRESETS, load_settings
from zdr.errors import ConfigError


def _upstream(tmp_path: Any, upstream: dict[str, Any]) -> Any:
    import yaml

    path = tmp_path / "zdr.yaml"
    path.write_text(yaml.safe_dump({"upstreams": {"main": upstream}, "default_upstream": "main"}))
    return load_settings(path, env={}).upstreams["main"]


@pytest.mark.parametrize(
    ("preset", "base_url", "auth", "provider"),
    [
        ("groq", "https://api.groq.com/openai/v1", "bearer", "groq"),
        ("openrouter", "https://openrouter.ai/api/v1", "bearer", "openrouter"),
        (
            "bedrock:eu-west-1",
            "https://bedrock-runtime.eu-west-1.amazonaws.com/openai/v1",
            "bearer",
            "bedrock",
        ),
        ("azure:my-resource", "https://my-resource.openai.azure.com/openai/v1", "api-key", "azure"),
        ("ollama", "http://127.0.0.1:11434/v1", "none", "selfhosted"),
    ],
)
def test_a_preset_fills_base_url_auth_and_provider(
    tmp_path: Any, preset: str, base_url: str, auth: str, provider: str
) -> None:
    up = _upstream(tmp_path, {"preset": preset, "api_key_env": "KEY"})
    assert (up.base_url, up.auth, up.provider) == (base_url, auth, provider)


def test_explicit_keys_win_over_the_preset(tmp_path: Any) -> None:
    up = _upstream(tmp_path, {"preset": "vllm", "base_url": "http://10.0.0.5:9000/v1"})
    assert up.base_url == "http://10.0.0.5:9000/v1" and up.provider == "selfhosted"


def test_a_preset_upstream_is_not_the_demo(tmp_path: Any) -> None:
    import yaml

    path = tmp_path / "zdr.yaml"
    path.write_text(yaml.safe_dump({"upstreams": {"openai": {"preset": "vllm"}}}))
    assert load_settings(path, env={}).demo is False


@pytest.mark.parametrize(
    ("preset", "message"),
    [
        ("grok", "unknown preset 'grok'"),
        ("bedrock", "preset bedrock needs a region"),
        ("azure:evil.example/x", "needs a resource name"),
        ("groq:eu", "takes nothing after ':'"),
    ],
)
def test_bad_presets_say_what_is_wrong(tmp_path: Any, preset: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _upstream(tmp_path, {"preset": preset})


def test_every_preset_names_a_catalogue_provider_and_every_provider_has_one() -> None:
    providers = set(load_catalogue().providers)
    assert {p for _, _, p in PRESETS.values()} == providers
