"""List the lines of a checked-out repository that a judge should read: a grep that
does not use `zdr lint` (so the judged corpus does not inherit the linter's blind
spots). It proposes; the judge decides, file by file, by reading the code.

    python bench/lint_corpus/candidates.py /work/ext/owner+name examples/basic src/app
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SUFFIXES = {".py", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"}
SKIP = {"node_modules", ".git", "dist", "build", ".next", "__pycache__"}
PATTERNS = re.compile(
    r"""
    \b(files|vector_?[sS]tores|beta|threads|assistants|responses|completions|conversations
       |batches|fine_?[tT]uning|uploads|containers|images|audio|evals|realtime)\.\w+
    | \bAgent(\[[^\]]*\])?\( | new\ (Realtime)?Agent\b | Agent\.create\(
    | (WebSearch|FileSearch|CodeInterpreter|HostedMCP|ImageGeneration|Computer|Shell
       |LocalShell)Tool\(
    | \b(webSearch|fileSearch|codeInterpreter|hostedMcp|imageGeneration|computer|shell)Tool\(
    | \btools\.(webSearch|fileSearch|codeInterpreter|mcp|imageGeneration|shell|localShell)\w*\(
    | ["'](file_search|web_search\w*|code_interpreter|mcp|image_generation|item_reference)["']
    | previous_?[rR]esponse_?[iI]d | conversation_?[iI]d | ConversationsSession | background
    | \bstore\b | [tT]racing | TRACING
    | /v1/ | api\.openai\.com
    | ["'`][^"'`]*/(responses|files|vector_stores|assistants|threads|batches|uploads)\b
    | \bopenai(\.responses|\.chat)?\(["'`] | \b(stream|generate)(Text|Object)\( | providerOptions
    | \b(user|safety_identifier|safetyIdentifier)\s*[=:]
    | set_default_openai_(api|client) | setOpenAIAPI | OpenAIChatCompletionsModel | LitellmModel
    | base_?[uU][rR][lL]
    """,
    re.VERBOSE,
)


def main(root: Path, scopes: list[str]) -> None:
    for scope in scopes or ["."]:
        base = root / scope
        files = [base] if base.is_file() else sorted(base.rglob("*"))
        for path in files:
            if path.suffix not in SUFFIXES or SKIP & set(path.parts):
                continue
            rel = path.relative_to(root)
            for i, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                if PATTERNS.search(line):
                    print(f"{rel}:{i}: {line.strip()[:150]}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
