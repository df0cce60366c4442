"""`zdr redact` and the Python API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zdr.cli import main
from zdr.redact import Pseudonymizer, find_spans, redact

TEXT = "Contact Jane Roe at jane.roe@example.com or +44 20 7946 0958. Order #A-12345."


def test_python_api() -> None:
    assert redact(TEXT) == "Contact [PERSON] at [EMAIL] or [PHONE]. Order #A-12345."
    assert [s.label for s in find_spans(TEXT)] == ["PERSON", "EMAIL", "PHONE"]
    assert (
        redact(TEXT, ["email"])
        == "Contact Jane Roe at [EMAIL] or +44 20 7946 0958. Order #A-12345."
    )
    masked, vault = Pseudonymizer(b"k" * 32).pseudonymize(TEXT)
    assert "jane.roe@example.com" not in masked and vault.restore(masked) == TEXT


def test_redact_file_and_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "t.txt"
    f.write_text(TEXT)
    assert main(["redact", str(f)]) == 0
    assert capsys.readouterr().out == "Contact [PERSON] at [EMAIL] or [PHONE]. Order #A-12345."
    assert main(["redact", str(f), "--spans", "--json"]) == 0
    spans = json.loads(capsys.readouterr().out)
    assert spans[1] == {"start": 20, "end": 40, "label": "EMAIL"}
    assert "jane" not in json.dumps(spans)  # spans, never values
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"mail a.b@c.de")))
    assert main(["redact", "-", "--spans"]) == 0
    assert capsys.readouterr().out == "5\t13\tEMAIL\n"


def test_bad_input_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["redact", str(tmp_path / "missing.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"\xff\xfe\x00abc")
    assert main(["redact", str(binary)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    text = tmp_path / "t.txt"
    text.write_text("hello")
    assert main(["redact", str(text), "--detectors", "nope"]) == 2
    assert "unknown ['nope']" in capsys.readouterr().err
