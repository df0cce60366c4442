"""The README's and docs' snippets are true: the configuration blocks are valid
configurations, and the quick start's Python runs and prints what it says it prints."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import openai
import yaml

from tests.conftest import RunningGateway
from zdr.config import Settings
from zdr.fake.openai import FakeOpenAI

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _yaml_block(text: str, heading: str) -> dict[str, Any]:
    section = text.split(heading, 1)[1]
    data = yaml.safe_load(section.split("```yaml", 1)[1].split("```", 1)[0])
    assert isinstance(data, dict)
    return data


def test_configuration_blocks_validate() -> None:
    for path, heading in ((README, "## Configuration"), (ROOT / "docs/configuration.md", "#")):
        data = _yaml_block(path.read_text(), heading)
        settings = Settings.model_validate(data)
        # Every top-level settings group is shown.
        assert set(Settings.model_fields) - set(data) == set(), path
        assert settings.audit.retention_days == 30


def test_configuration_reference_names_every_key() -> None:
    """docs/configuration.md lists every setting of every group (one level down)."""
    data = _yaml_block((ROOT / "docs/configuration.md").read_text(), "#")
    for group, field in Settings.model_fields.items():
        model = field.annotation
        fields = getattr(model, "model_fields", None)
        if fields is None or not isinstance(data.get(group), dict):
            continue
        missing = set(fields) - set(data[group])
        assert not missing, f"docs/configuration.md lacks {group}.{sorted(missing)}"


def test_quick_start_commands_exist() -> None:
    text = README.read_text()
    for script in ("scripts/serve", "scripts/test"):
        assert script in text
        assert (README.parent / script).exists()


def test_quick_start_python_runs_as_written(gateway: RunningGateway, fake: FakeOpenAI) -> None:
    """The snippet, run against a gateway in front of the echo model, prints what its
    `# -> ...` comments say, and the upstream saw none of its personal data."""
    quick = README.read_text().split("## Quick start", 1)[1]
    code = quick.split("```python", 1)[1].split("```", 1)[0]
    expected = [m.group(1).strip() for m in re.finditer(r"# -> (.*)", code)]
    assert expected

    def client(**kw: Any) -> openai.OpenAI:
        assert kw["base_url"] == "http://127.0.0.1:8080/v1"
        return gateway.client()

    out = io.StringIO()
    namespace: dict[str, Any] = {}
    with contextlib.redirect_stdout(out):
        exec(code.replace("from openai import OpenAI", ""), {"OpenAI": client, **namespace})
    assert out.getvalue().splitlines() == expected
    upstream_saw = b"".join(r.body for r in fake.requests)
    assert b"/v1/responses" in b"".join(r.path.encode() for r in fake.requests)
    for value in (b"jane@example.com", b"Jane Roe"):
        assert value not in upstream_saw


def test_relative_links_resolve() -> None:
    for doc in [README, *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (doc.parent / target).exists(), f"{doc.name}: {target}"
