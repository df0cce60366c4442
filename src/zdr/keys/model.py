"""Virtual keys: what clients present instead of the provider key.

A key is 32 random bytes; only its SHA-256 is stored. With that much entropy a fast
hash is irreversible, and lookup by hash means the secret is never compared byte by
byte against stored data (what leaks through timing is a hash prefix, which is useless).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

KEY_PREFIX = "zdr-"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True, slots=True)
class VirtualKey:
    name: str
    policy: str
    key_hash: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def check_name(name: str) -> str:
    if not _NAME_RE.match(name):
        raise ValueError(
            "a key name is 1-64 characters: letters, digits, '_', '.', '-', "
            "starting with a letter or digit"
        )
    return name
