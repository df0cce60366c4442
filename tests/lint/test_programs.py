"""Findings that belong to a program, not a file (tracing, where agents' models go),
deployment files, --exclude, and memory that does not grow with the tree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from zdr.cli import main
from zdr.lint.run import lint_paths

AGENT = "from agents import Agent, Runner, ModelSettings\nagent = Agent(name='a', model_settings=ModelSettings(store=False))\n"


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def found(root: Path, **kw: tuple[str, ...]) -> list[tuple[str, int, str]]:
    return [
        (Path(f.path).relative_to(root).as_posix(), f.line, f.rule)
        for f in lint_paths([str(root)], **kw)
    ]


def test_tracing_is_settled_per_program(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "quiet.py": "from agents import set_tracing_disabled\nset_tracing_disabled(True)\n"
            + AGENT,
            "loud.py": AGENT,  # another program: the first one's switch does not reach it
        },
    )
    assert found(root) == [("loud.py", 1, "ZDR010")]


def test_an_entry_point_settles_the_modules_it_imports(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "app/main.py": "from agents import set_tracing_disabled\nfrom app.bots import agent\n"
            "from .runs import go\nset_tracing_disabled(disabled=True)\n",
            "app/__init__.py": "",
            "app/bots.py": AGENT,
            "app/runs.py": "from agents import Runner\n",
            "app/helpers.py": "import json\nfrom agents import Runner\n",
        },
    )
    # helpers.py is imported by nobody: a program of its own, tracing on
    assert found(root) == [("app/helpers.py", 2, "ZDR010")]


def test_a_module_shared_by_two_programs_needs_both(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "shared.py": AGENT,
            "a.py": "import shared\nfrom agents import set_tracing_disabled\nset_tracing_disabled(True)\n",
            "b.py": "import shared\n",
        },
    )
    assert found(root) == [("shared.py", 1, "ZDR010")]


def test_javascript_programs(tmp_path: Path) -> None:
    agent = 'import { Agent, run } from "@openai/agents";\nexport const a = new Agent({ name: "a", modelSettings: { store: false } });\n'
    root = tree(
        tmp_path,
        {
            "src/agents.ts": agent,
            "src/index.ts": 'import { setTracingDisabled } from "@openai/agents";\nimport { a } from "./agents";\nsetTracingDisabled(true);\n',
            "web/chat.tsx": '"use client";\n' + agent,  # the SDK never traces in a browser
            "cli/main.ts": agent,
        },
    )
    assert found(root) == [("cli/main.ts", 1, "ZDR010")]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import os\nos.environ['OPENAI_AGENTS_DISABLE_TRACING'] = '1'\n", []),
        ("import os\nos.environ.setdefault('OPENAI_AGENTS_DISABLE_TRACING', 'true')\n", []),
        (
            "import os\nos.environ['OPENAI_AGENTS_DISABLE_TRACING'] = '0'\n",
            [("app.py", 1, "ZDR010")],
        ),
        (
            "import os\nos.environ.setdefault('OPENAI_TRACING_DISABLED', '1')\n",
            [("app.py", 1, "ZDR010"), ("app.py", 4, "ZDR010")],  # misspelt: ignored by the SDK
        ),
        ("from agents import RunConfig\ncfg = RunConfig(tracing_disabled=True)\n", []),
        # reading the variable (as the SDK itself does) switches nothing off
        (
            "import os\nflag = os.environ.get('OPENAI_AGENTS_DISABLE_TRACING', 'false')\n",
            [("app.py", 1, "ZDR010")],
        ),
    ],
)
def test_tracing_variables(tmp_path: Path, code: str, expected: list[tuple[str, int, str]]) -> None:
    root = tree(tmp_path, {"app.py": AGENT + code})
    assert found(root) == expected


def test_deployment_files(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "svc/.env.example": "OPENAI_API_KEY=\nOPENAI_AGENTS_DISABLE_TRACING=true\n",
            "svc/app.py": AGENT,
            "worker/Dockerfile": "FROM python:3.12\nENV OPENAI_AGENTS_TRACING_DISABLED=1\n",
            "worker/run.py": AGENT,
        },
    )
    assert found(root) == [("worker/Dockerfile", 2, "ZDR010"), ("worker/run.py", 1, "ZDR010")]


def test_exclude(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    upload = "from openai import OpenAI\nOpenAI().files.create(file=f, purpose='x')\n"
    root = tree(
        tmp_path,
        {
            "app/up.py": upload,
            "tests/test_up.py": upload,
            "examples/demo/fixtures/x.py": upload,
            "web/up.test.ts": 'import OpenAI from "openai";\nawait new OpenAI().files.create({ file });\n',
        },
    )
    assert [
        p for p, _, _ in found(root, exclude=("tests", "examples/*/fixtures", "**/*.test.ts"))
    ] == ["app/up.py"]
    assert (
        main(
            [
                "lint",
                str(root),
                "--exclude",
                "app",
                "--exclude",
                "tests",
                "--exclude",
                "examples",
                "--exclude",
                "web",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == "no findings"
    assert [p for p, _, _ in found(root, exclude=("app", "tests", "examples", "*.ts"))] == []


# Peaks measured in a process of their own: tracemalloc counts every thread's
# allocations, and servers other tests leave running in this one allocate meanwhile.
_PEAKS = """
import sys, tracemalloc
from zdr.lint.run import lint_paths
def peak(root):
    tracemalloc.start()
    try:
        lint_paths([root])
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
peak(sys.argv[1])  # warm caches (grammars, the catalogue)
print(peak(sys.argv[1]), peak(sys.argv[2]))
"""


def _peaks(small: Path, large: Path) -> tuple[int, int]:
    done = subprocess.run(
        [sys.executable, "-c", _PEAKS, str(small), str(large)],
        capture_output=True,
        text=True,
        check=True,
    )
    first, second = done.stdout.split()
    return int(first), int(second)


def test_memory_does_not_grow_with_the_tree(tmp_path: Path) -> None:
    module = "import json\n\n" + "".join(
        f"def f{i}(x):\n    return json.dumps({{'k{i}': [x, x + {i}, str(x) * 2]}})\n\n"
        for i in range(200)
    )
    small = tree(tmp_path / "small", {f"m{i}.py": module for i in range(5)})
    large = tree(tmp_path / "large", {f"m{i}.py": module for i in range(40)})
    small_peak, large_peak = _peaks(small, large)
    # eight times the files, about the same peak: one syntax tree at a time
    assert large_peak < 1.5 * small_peak


def test_the_commands_in_docs_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every `zdr lint` line of docs/lint.md's first example runs as written (paths
    pointed at a small tree)."""
    import shlex

    docs = Path(__file__).resolve().parents[2] / "docs" / "lint.md"
    block = docs.read_text().split("```bash", 1)[1].split("```", 1)[0]
    root = tree(
        tmp_path, {"src/app.py": "from openai import OpenAI\nOpenAI().files.create(file=f)\n"}
    )
    commands = [
        shlex.split(line.split(" #", 1)[0].split(" >", 1)[0]) for line in block.strip().splitlines()
    ]
    assert len(commands) >= 4
    for words in commands:
        assert words[:2] == ["zdr", "lint"]
        paths = {".", "src/", "web/"}  # the documented paths, pointed at the tree
        args = [str(root) if w in paths else w for w in words[2:]]
        assert main(["lint", *args]) in (0, 1)
        capsys.readouterr()
