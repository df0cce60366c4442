"""`zdr lint` speed: a generated tree of ~100,000 lines (80% Python, 20% TypeScript,
application-style code with OpenAI calls scattered in it), linted on one core.

    .venv/bin/python bench/lint_speed.py [--lines 100000]

Target: under 10 s on one core.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from zdr.lint.run import lint_paths

ROOT = Path(__file__).resolve().parents[1]

PY_MODULE = '''"""Service module {i}."""

import logging
from dataclasses import dataclass

from app.clients import client

log = logging.getLogger(__name__)


@dataclass
class Order{i}:
    id: int
    total: float
    items: list[str]

    def describe(self) -> str:
        return f"order {{self.id}}: {{len(self.items)}} items, {{self.total:.2f}}"


def summarise_{i}(text: str) -> str:
    resp = client.chat.completions.create(
        model="gpt-4.1-mini",
        messages=[{{"role": "user", "content": text}}],
        store={store},
    )
    return resp.choices[0].message.content or ""


def helper_{i}(values: list[int]) -> int:
    total = 0
    for v in values:
        if v % 2:
            total += v * 3
        else:
            total -= v
    log.debug("total %s", total)
    return total
'''

TS_MODULE = """import {{ openai }} from "./clients";

export interface Row{i} {{ id: number; name: string; tags: string[] }}

export function format{i}(rows: Row{i}[]): string {{
  return rows.map((r) => `${{r.id}}: ${{r.name}} [${{r.tags.join(", ")}}]`).join("\\n");
}}

export async function ask{i}(input: string) {{
  const res = await openai.responses.create({{ model: "gpt-4.1-mini", input, store: {store} }});
  return res.output_text;
}}
"""


def generate(root: Path, lines: int) -> int:
    shutil.rmtree(root, ignore_errors=True)
    (root / "app").mkdir(parents=True)
    (root / "web").mkdir()
    (root / "app" / "clients.py").write_text("from openai import OpenAI\nclient = OpenAI()\n")
    written, i = 0, 0
    while written < lines:
        store = "True" if i % 10 == 0 else "False"
        if i % 5 == 4:
            text = TS_MODULE.format(i=i, store=store.lower())
            (root / "web" / f"mod{i}.ts").write_text(text)
        else:
            text = PY_MODULE.format(i=i, store=store)
            (root / "app" / f"mod{i}.py").write_text(text)
        written += text.count("\n")
        i += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    if shutil.which("taskset") and os.environ.get("ZDR_BENCH_PINNED") != "1":
        os.environ["ZDR_BENCH_PINNED"] = "1"
        os.execvp("taskset", ["taskset", "-c", "0", sys.executable, *sys.argv])
    root = ROOT / "bench" / "results" / "lint-tree"
    lines = generate(root, args.lines)
    t0 = time.perf_counter()
    findings = lint_paths([str(root)])
    elapsed = time.perf_counter() - t0
    files = sum(1 for _ in root.rglob("*.*"))
    print(
        f"zdr lint: {lines:,} lines in {files:,} files, {len(findings)} findings, "
        f"{elapsed:.2f} s on one core ({lines / elapsed:,.0f} lines/s; target < 10 s)"
    )


if __name__ == "__main__":
    main()
