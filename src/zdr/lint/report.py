"""Output formats: text for people, JSON for scripts, SARIF 2.1.0 for code scanning."""

from __future__ import annotations

from typing import Any

import orjson

from zdr.lint.model import RULES, Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def as_text(findings: list[Finding]) -> str:
    lines = [f"{f.path}:{f.line}:{f.column}: {f.rule} [{f.severity}] {f.message}" for f in findings]
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "note")}
    summary = ", ".join(f"{n} {s}(s)" for s, n in counts.items() if n)
    lines.append(summary or "no findings")
    return "\n".join(lines)


def as_json(findings: list[Finding]) -> str:
    return orjson.dumps(
        [
            {
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
            }  # fmt: skip
            for f in findings
        ],
        option=orjson.OPT_INDENT_2,
    ).decode()


def as_sarif(findings: list[Finding], version: str) -> str:
    rules: list[dict[str, Any]] = [
        {
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "defaultConfiguration": {"level": _LEVEL[r.severity]},
        }
        for r in RULES.values()
    ]
    index = {r.id: i for i, r in enumerate(RULES.values())}
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path.replace("\\", "/")},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        for f in findings
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "zdr",
                        "version": version,
                        "informationUri": "https://github.com/zdr",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return orjson.dumps(log, option=orjson.OPT_INDENT_2).decode()
