"""The README's configuration reference is a valid config: docs that match the code."""

from __future__ import annotations

from pathlib import Path

import yaml

from zdr.config import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_configuration_reference_validates() -> None:
    section = README.read_text().split("## Configuration", 1)[1]
    block = section.split("```yaml", 1)[1].split("```", 1)[0]
    data = yaml.safe_load(block)
    settings = Settings.model_validate(data)
    # Every top-level settings group is documented.
    assert set(Settings.model_fields) - set(data) == set()
    assert settings.audit.retention_days == 30


def test_quick_start_commands_exist() -> None:
    text = README.read_text()
    for script in ("scripts/serve", "scripts/test"):
        assert script in text
        assert (README.parent / script).exists()
