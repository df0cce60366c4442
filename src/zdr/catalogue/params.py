"""Known request parameters per endpoint, taken from the openai SDK's TypedDicts.

``sdk_params()`` needs the SDK (a development dependency) and is used by
scripts/gen_params.py and a test; the gateway reads the generated data file.
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib import resources

import yaml

# endpoint id -> the SDK module and TypedDict describing its body
_SDK_TYPES = {
    "chat.completions.create": (
        "openai.types.chat.completion_create_params",
        "CompletionCreateParamsBase",
    ),
    "responses.create": (
        "openai.types.responses.response_create_params",
        "ResponseCreateParamsBase",
    ),
    "completions.create": ("openai.types.completion_create_params", "CompletionCreateParamsBase"),
    "embeddings.create": ("openai.types.embedding_create_params", "EmbeddingCreateParams"),
    "moderations.create": ("openai.types.moderation_create_params", "ModerationCreateParams"),
    "images.generations": ("openai.types.image_generate_params", "ImageGenerateParamsBase"),
    "audio.speech": ("openai.types.audio.speech_create_params", "SpeechCreateParams"),
}
# Parameters every endpoint accepts on the wire besides its documented body.
_ALWAYS = ("stream",)


def sdk_params() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for endpoint, (module, name) in _SDK_TYPES.items():
        cls = getattr(importlib.import_module(module), name)
        keys: set[str] = set()
        for klass in cls.__mro__:
            keys.update(getattr(klass, "__annotations__", {}))
        keys.update(_ALWAYS)
        out[endpoint] = sorted(keys)
    return out


@cache
def known_params() -> dict[str, frozenset[str]]:
    text = (resources.files("zdr.catalogue") / "data" / "openai_params.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return {k: frozenset(v) for k, v in data["params"].items()}
