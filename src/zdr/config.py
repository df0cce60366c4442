"""Settings: one frozen, validated object built from a YAML file and ``ZDR_*`` env.

Precedence: built-in defaults < YAML file < environment. Validation happens once at
startup; every message names the key at fault and what was expected, never a secret.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from zdr.errors import ConfigError

DEFAULT_CONFIG_FILE = "zdr.yaml"
OPENAI_BASE_URL = "https://api.openai.com/v1"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ServerSettings(_Model):
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8080
    max_body_bytes: Annotated[int, Field(gt=0)] = 32 * 1024 * 1024
    graceful_shutdown_seconds: Annotated[float, Field(ge=0)] = 30.0
    access_log: bool = True
    # Bounds on what an upstream answer may make the gateway hold or relay (decoded
    # size, so a compressed answer cannot inflate past them).
    max_answer_bytes: Annotated[int, Field(gt=0)] = 128 * 1024 * 1024
    max_event_bytes: Annotated[int, Field(gt=0)] = 16 * 1024 * 1024
    # A client must send a request's headers within this, and its body within the next.
    header_timeout_seconds: Annotated[float, Field(gt=0)] = 10.0
    body_timeout_seconds: Annotated[float, Field(gt=0)] = 60.0
    # Wrong keys allowed per client address and minute before it gets 429s.
    auth_failures_per_minute: Annotated[int, Field(ge=1)] = 30
    # If set, /metrics and /zdr/endpoints need "Authorization: Bearer <token>".
    ops_token: SecretStr | None = None
    # Request headers forwarded upstream besides the built-in allow-list (e.g. a
    # provider's attribution headers); their values must be short printable ASCII.
    forward_headers: list[str] = Field(default_factory=list)

    @field_validator("forward_headers")
    @classmethod
    def _lower_names(cls, value: list[str]) -> list[str]:
        return [v.strip().lower() for v in value]

    # Gateway processes (`zdr serve --workers`); null: one per core, 1 in demo mode.
    workers: Annotated[int, Field(ge=1)] | None = None


# Upstream presets: `preset: groq` fills in base_url, auth and provider (the catalogue's
# provider id); anything given explicitly wins. "{}" takes the part after a colon:
# `preset: "bedrock:eu-west-1"`, `preset: "azure:my-resource"`. `zdr providers` lists them.
PRESETS: dict[str, tuple[str, Literal["bearer", "api-key", "none"], str]] = {
    "openai": (OPENAI_BASE_URL, "bearer", "openai"),
    "azure": ("https://{}.openai.azure.com/openai/v1", "api-key", "azure"),
    "anthropic": ("https://api.anthropic.com/v1", "bearer", "anthropic"),
    "gemini": ("https://generativelanguage.googleapis.com/v1beta/openai", "bearer", "gemini"),
    "mistral": ("https://api.mistral.ai/v1", "bearer", "mistral"),
    "groq": ("https://api.groq.com/openai/v1", "bearer", "groq"),
    "together": ("https://api.together.xyz/v1", "bearer", "together"),
    "bedrock": ("https://bedrock-runtime.{}.amazonaws.com/openai/v1", "bearer", "bedrock"),
    "openrouter": ("https://openrouter.ai/api/v1", "bearer", "openrouter"),
    "fireworks": ("https://api.fireworks.ai/inference/v1", "bearer", "fireworks"),
    "vllm": ("http://127.0.0.1:8000/v1", "none", "selfhosted"),
    "ollama": ("http://127.0.0.1:11434/v1", "none", "selfhosted"),
}
_PRESET_PART = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def _apply_preset(data: Any) -> Any:
    """Fill an upstream's unset keys from its preset (before validation)."""
    if not isinstance(data, dict) or data.get("preset") is None:
        return data
    name, _, part = str(data["preset"]).partition(":")
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; known: {', '.join(PRESETS)}")
    base_url, auth, provider = PRESETS[name]
    if "{}" in base_url and "base_url" not in data:
        what = "a region" if name == "bedrock" else "a resource name"
        if not _PRESET_PART.fullmatch(part):
            raise ValueError(f'preset {name} needs {what}: preset: "{name}:<{what[2:]}>"')
        base_url = base_url.format(part)
    elif part:
        raise ValueError(f"preset {name} takes nothing after ':'")
    return {"base_url": base_url, "auth": auth, "provider": provider, **data}


class UpstreamSettings(_Model):
    # A known provider (see PRESETS) whose base URL, auth and provider id fill the rest.
    preset: str | None = None
    base_url: str = OPENAI_BASE_URL
    # The key itself, or the name of an environment variable holding it.
    api_key: SecretStr | None = None
    api_key_env: str | None = None
    # "bearer": Authorization: Bearer <key> (OpenAI, most servers);
    # "api-key": api-key: <key> (Azure OpenAI).
    auth: Literal["bearer", "api-key", "none"] = "bearer"
    provider: str = "openai"
    connect_timeout: Annotated[float, Field(gt=0)] = 10.0
    # Longest silence allowed between two bytes of an answer (streams included).
    read_timeout: Annotated[float, Field(gt=0)] = 600.0
    max_connections: Annotated[int, Field(ge=1)] = 256
    # Extra query parameters on every upstream call (e.g. Azure's api-version).
    query: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _fill_from_preset(cls, data: Any) -> Any:
        return _apply_preset(data)

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    def resolved_api_key(self) -> str | None:
        if self.api_key is not None:
            return self.api_key.get_secret_value()
        if self.api_key_env:
            return os.environ.get(self.api_key_env) or None
        return None


class PolicySettings(_Model):
    mode: Literal["enforce", "strict", "observe"] = "enforce"
    upstream: str | None = None
    # What to do with an endpoint or parameter the catalogue does not know.
    # Unset means: refuse in enforce and strict, forward in observe.
    unknown: Literal["refuse", "forward"] | None = None
    # Allow-lists; None means "anything the mode permits".
    endpoints: list[str] | None = None
    models: list[str] | None = None
    tools: list[str] | None = None
    # Replace personal data and secrets by tokens before they leave; restore answers.
    pseudonymize: bool = True
    # Send embeddings input through pseudonymization too (changes the vectors).
    pseudonymize_embeddings: bool = False
    # Also pseudonymize the bodies of endpoints the catalogue does not know.
    pseudonymize_unknown: bool = True
    # Whose tokens are these: one namespace per policy (default) or per virtual key.
    # The same value gets different tokens in two namespaces, so a provider cannot
    # link one person across the apps behind a gateway.
    token_scope: Literal["policy", "key"] = "policy"
    # Labels put back into answers (null: all); a label left out stays a token.
    restore_labels: list[str] | None = None
    # Labels put back even inside a URL or a link/image target in an answer (where a
    # prompt-injected model would exfiltrate them). API_KEY and SECRET never are.
    restore_in_links: list[str] = Field(default_factory=list)

    @field_validator("restore_labels", "restore_in_links")
    @classmethod
    def _known_labels(cls, value: list[str] | None) -> list[str] | None:
        from zdr.detect.model import LABELS

        for label in value or ():
            if label not in LABELS:
                raise ValueError(f"unknown label {label!r}; labels: {', '.join(LABELS)}")
        return value

    @field_validator("restore_in_links")
    @classmethod
    def _no_secrets_in_links(cls, value: list[str]) -> list[str]:
        secrets = {"API_KEY", "SECRET"} & set(value)
        if secrets:
            raise ValueError(
                f"{', '.join(sorted(secrets))} are never restored inside links (a "
                "prompt-injected model could send them to any address)"
            )
        return value

    @property
    def effective_unknown(self) -> Literal["refuse", "forward"]:
        if self.unknown is not None:
            return self.unknown
        return "forward" if self.mode == "observe" else "refuse"


class StorageSettings(_Model):
    data_dir: Path = Path(".zdr")
    # sqlite (default, a file in data_dir) or postgresql://... for several replicas.
    database_url: str | None = None

    def sqlite_path(self) -> Path:
        return self.data_dir / "zdr.db"


class AnchorSettings(_Model):
    # Where the signed head of the audit chain is also written, so that `zdr audit
    # verify` catches deleted newest events or a wiped table: a file, a second
    # database, a command given the anchor as a JSON line on stdin. Any or all.
    file: Path | None = None
    database_url: str | None = None
    command: list[str] | None = None
    interval_seconds: Annotated[float, Field(gt=0)] = 5.0


class AuditSettings(_Model):
    enabled: bool = True
    # Events older than this are purged, by a background task in every gateway and by
    # `zdr audit purge`. The chain stays verifiable through a signed checkpoint.
    retention_days: Annotated[float, Field(gt=0)] = 30.0
    purge_interval_seconds: Annotated[float, Field(gt=0)] = 3600.0
    # Another database for the audit trail than storage.database_url, if set.
    database_url: str | None = None
    # When the store cannot be written: "refuse" new requests (503) until it can, or
    # "buffer" events in memory up to buffer_max_events, then refuse.
    on_store_failure: Literal["refuse", "buffer"] = "refuse"
    buffer_max_events: Annotated[int, Field(ge=1)] = 100_000
    flush_interval_seconds: Annotated[float, Field(gt=0)] = 0.1
    batch_max_events: Annotated[int, Field(ge=1)] = 2000
    # Each event is appended to a local spool (group commit) before the answer's last
    # byte leaves, and replayed into the store after a crash. Default: data_dir/spool.
    spool_dir: Path | None = None
    # fsync each group: survives power loss, not only a crash of the process.
    spool_fsync: bool = True
    # Longest wait on the store (connect, lock, statement) before it counts as down.
    store_timeout_seconds: Annotated[float, Field(gt=0)] = 2.0
    anchor: AnchorSettings = AnchorSettings()


# The default of detection.worker_thread_above_bytes (64 KiB: ~20 ms of detection).
WORKER_THREAD_ABOVE_BYTES = 65536


class NerSettings(_Model):
    # A spaCy pipeline: an installed model package (en_core_web_sm) or a directory a
    # pipeline was saved to. Its entity labels map to zdr's labels.
    backend: Literal["spacy"] = "spacy"
    model: str
    labels: dict[str, str] = Field(default_factory=lambda: {"PERSON": "PERSON", "PER": "PERSON"})


class DetectionSettings(_Model):
    # Which detectors run (null: all): email, phone, credit_card, iban, us_ssn,
    # ip_address, url, date_of_birth, street_address, secrets, codes, person, fields.
    detectors: list[str] | None = None
    # Bodies larger than this are examined in a worker thread, so that the event loop
    # keeps serving other requests meanwhile (detection runs at a few MB/s).
    worker_thread_above_bytes: int = Field(default=WORKER_THREAD_ABOVE_BYTES, ge=0)
    # An optional named-entity model added to the built-in detectors (null: none).
    ner: NerSettings | None = None


class LogSettings(_Model):
    level: Literal["debug", "info", "warning", "error"] = "info"


class Settings(_Model):
    server: ServerSettings = ServerSettings()
    upstreams: dict[str, UpstreamSettings] = Field(
        default_factory=lambda: {"openai": UpstreamSettings(api_key_env="ZDR_UPSTREAM_API_KEY")}
    )
    default_upstream: str = "openai"
    policies: dict[str, PolicySettings] = Field(
        default_factory=lambda: {"default": PolicySettings()}
    )
    storage: StorageSettings = StorageSettings()
    audit: AuditSettings = AuditSettings()
    detection: DetectionSettings = DetectionSettings()
    log: LogSettings = LogSettings()
    # True when no provider key is set: serve a loopback echo model instead.
    demo: bool = False

    @model_validator(mode="after")
    def _check_references(self) -> Settings:
        if self.default_upstream not in self.upstreams:
            raise ValueError(
                f"default_upstream {self.default_upstream!r} is not a key of upstreams"
            )
        if "default" not in self.policies:
            raise ValueError("policies must define a policy named 'default'")
        for name, policy in self.policies.items():
            if policy.upstream is not None and policy.upstream not in self.upstreams:
                raise ValueError(
                    f"policies.{name}.upstream {policy.upstream!r} is not a key of upstreams"
                )
        return self

    def upstream_for(self, policy: PolicySettings) -> str:
        return policy.upstream or self.default_upstream


def _apply_env(data: dict[str, Any], env: dict[str, str]) -> None:
    """Fold ``ZDR_*`` variables into the raw settings dict."""
    server = data.setdefault("server", {})
    if "ZDR_HOST" in env:
        server["host"] = env["ZDR_HOST"]
    if "ZDR_PORT" in env:
        server["port"] = env["ZDR_PORT"]
    storage = data.setdefault("storage", {})
    if "ZDR_DATA_DIR" in env:
        storage["data_dir"] = env["ZDR_DATA_DIR"]
    if "ZDR_DATABASE_URL" in env:
        storage["database_url"] = env["ZDR_DATABASE_URL"]
    if "ZDR_OPS_TOKEN" in env:
        server["ops_token"] = env["ZDR_OPS_TOKEN"]
    if "ZDR_LOG_LEVEL" in env:
        data.setdefault("log", {})["level"] = env["ZDR_LOG_LEVEL"].lower()
    base_url = env.get("ZDR_UPSTREAM_BASE_URL")
    api_key = env.get("ZDR_UPSTREAM_API_KEY")
    if base_url or api_key:
        upstreams = data.setdefault("upstreams", {})
        name = data.get("default_upstream", "openai")
        upstream = dict(upstreams.get(name) or {})
        if base_url:
            upstream["base_url"] = base_url
        if api_key:
            upstream["api_key"] = api_key
            upstream.pop("api_key_env", None)
        upstreams[name] = upstream


def _needs_demo(data: dict[str, Any], env: dict[str, str]) -> bool:
    """No key and no base URL given for the default upstream: nothing real to call."""
    name = data.get("default_upstream", "openai")
    upstream = (data.get("upstreams") or {}).get(name)
    if upstream is None:
        return not env.get("ZDR_UPSTREAM_API_KEY")
    has_key = bool(upstream.get("api_key")) or bool(
        upstream.get("api_key_env") and env.get(upstream["api_key_env"])
    )
    return not has_key and "base_url" not in upstream and "preset" not in upstream


def _format_validation_error(exc: ValidationError, source: str) -> str:
    lines = [f"invalid configuration ({source}):"]
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        # err["msg"] describes the expected type; err["input"] may be a secret: never shown.
        lines.append(f"  {where}: {err['msg']}")
    return "\n".join(lines)


def load_settings(path: str | Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read the YAML file (explicit path, ``ZDR_CONFIG``, or ./zdr.yaml if present)."""
    env = dict(os.environ) if env is None else env
    explicit = path if path is not None else env.get("ZDR_CONFIG")
    file_path = Path(explicit) if explicit else Path(DEFAULT_CONFIG_FILE)
    data: dict[str, Any] = {}
    source = "built-in defaults"
    if explicit or file_path.exists():
        try:
            text = file_path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read config file {file_path}: {exc.strerror}") from None
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"config file {file_path} is not valid YAML{where}") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"config file {file_path} must hold a mapping at the top level")
        data = loaded
        source = str(file_path)
    _apply_env(data, env)
    if "demo" not in data:
        data["demo"] = _needs_demo(data, env)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(exc, source)) from None
