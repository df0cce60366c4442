"""Look for sensitive values in files and text, raw or encoded as a leak would be."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote, quote_plus


def encodings(value: str) -> set[bytes]:
    """The forms a value could take on disk: raw, lower-case, JSON- and URL-escaped,
    and base64 at each of the three alignments it could start at inside a longer blob."""
    raw = value.encode()
    forms = {raw, raw.lower(), json.dumps(value)[1:-1].encode()}
    forms |= {quote(value).encode(), quote_plus(value).encode()}
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw)
        # Drop the characters that mix in bytes from before and after the value.
        start = (shift * 4 + 2) // 3 + (1 if shift else 0)
        core = encoded[start:].rstrip(b"=")
        core = core[: len(core) - 2]
        if len(core) >= 8:
            forms.add(core)
            forms.add(core.replace(b"+", b"-").replace(b"/", b"_"))  # urlsafe
    return {f for f in forms if len(f) >= 6}


def find_values(blob: bytes, values: list[str]) -> list[str]:
    """The values found in ``blob`` in any of their encodings."""
    lowered = blob.lower()
    hits = []
    for value in values:
        for form in encodings(value):
            if form in blob or form.lower() in lowered:
                hits.append(value)
                break
    return hits


def scan_tree(root: Path, values: list[str]) -> dict[str, list[str]]:
    """Every regular file under ``root`` -> the values found in it."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            hits = find_values(path.read_bytes(), values)
            if hits:
                found[str(path)] = hits
    return found
