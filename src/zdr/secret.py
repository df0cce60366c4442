"""The gateway's secret key: keys the hashes of identifiers, pseudonymization tokens
and audit fingerprints. From ``ZDR_SECRET_KEY``, else a file in the data directory,
created on first run readable by its owner only. Every replica must share it."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from zdr.db import ensure_private_dir
from zdr.errors import ConfigError

_MIN_LENGTH = 32


def load_secret(data_dir: Path, env: dict[str, str] | None = None) -> bytes:
    env = dict(os.environ) if env is None else env
    value = env.get("ZDR_SECRET_KEY")
    if value is not None:
        if len(value) < _MIN_LENGTH:
            raise ConfigError(f"ZDR_SECRET_KEY must be at least {_MIN_LENGTH} characters")
        return value.encode()
    path = data_dir / "secret.key"
    ensure_private_dir(data_dir)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if len(key) < _MIN_LENGTH:
            raise ConfigError(f"{path} holds fewer than {_MIN_LENGTH} characters") from None
        return key.encode()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        key = secrets.token_hex(32)
        f.write(key + "\n")
    return key.encode()


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A separate key per use of the secret (audit chain, fingerprints, tokens...)."""
    return hmac.new(secret, f"zdr/{purpose}/v1".encode(), hashlib.sha256).digest()
