"""The scanner the privacy proof relies on finds what it must: a check that can fail."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from tests.privacy.scan import find_values, scan_tree

VALUE = "jane.roe@example.com"


def test_raw_and_escaped_forms_are_found() -> None:
    assert find_values(b"xx" + VALUE.upper().encode() + b"yy", [VALUE]) == [VALUE]
    assert find_values(json.dumps({"a": 'say "hi" ' + VALUE}).encode(), [VALUE]) == [VALUE]
    assert find_values(b"q=jane.roe%40example.com", [VALUE]) == [VALUE]


def test_base64_is_found_at_every_offset() -> None:
    for prefix in ("", "a", "ab", "abc", "Hello, "):
        blob = base64.b64encode((prefix + VALUE + " and more").encode())
        assert find_values(b"data:" + blob, [VALUE]) == [VALUE], prefix
        urlsafe = base64.urlsafe_b64encode((prefix + VALUE).encode())
        assert find_values(urlsafe, [VALUE]) == [VALUE], prefix


def test_clean_text_has_no_hits(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_text('{"route": "/v1/chat/completions", "status": 200}')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.bin").write_bytes(b"\x00\x01" + VALUE.encode())
    assert scan_tree(tmp_path, [VALUE, "4111 1111 1111 1111"]) == {
        str(tmp_path / "sub" / "b.bin"): [VALUE]
    }
