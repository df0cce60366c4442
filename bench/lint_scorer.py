"""Score `zdr lint` against the judged corpus (bench/lint_corpus/judged/*.yaml):
precision and recall per rule, dev and held-out repositories reported apart, and
every read or delete reported as a write.

The corpus holds only judgements and each repository's name, commit and licence. The
code is read from a checkout at the judged commit (default /work/ext/<owner>+<name>;
see bench/lint_corpus/README.md for how to get one):

    .venv/bin/python bench/lint_scorer.py [--src DIR] [--set dev|held-out] [--show]

A finding matches an expected one of the same rule in the same file within
`TOLERANCE` lines (the judge records the line of the call or constructor; a
multi-line call may be reported on a neighbouring line); each expected finding
matches at most one reported.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from zdr.lint.run import lint_paths

CORPUS = Path(__file__).resolve().parent / "lint_corpus" / "judged"
TOLERANCE = 2
SCORED = ("error", "warning")


@dataclass
class Tally:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    writes_on_reads: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def _lines(value: object) -> list[int]:
    return [int(v) for v in value] if isinstance(value, list) else [int(value)]  # type: ignore[arg-type]


def _in_scope(rel: str, scope: list[str]) -> bool:
    return any(rel == s or rel.startswith(s.rstrip("/") + "/") for s in scope)


def checkout(src: Path, repo: str, commit: str) -> Path:
    path = src / repo.replace("/", "+")
    if not path.is_dir():
        sys.exit(f"{path}: no checkout of {repo} (see bench/lint_corpus/README.md)")
    head = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    if head != commit:
        sys.exit(f"{path} is at {head[:12]}, judged at {commit[:12]}")
    return path


def score_repo(judged: dict, root: Path, tally: Tally, show: bool) -> None:
    scope = judged.get("scope") or ["."]
    findings = (
        [f for f in lint_paths([str(root)], exclude=()) if f.severity in SCORED]
        if "exclude" in lint_paths.__code__.co_varnames
        else [f for f in lint_paths([str(root)]) if f.severity in SCORED]
    )
    reported = []
    for f in findings:
        rel = str(Path(f.path).relative_to(root))
        if scope == ["."] or _in_scope(rel, scope):
            reported.append((rel, f.line, f.rule))
    expected = [
        (path, _lines(item[0]), item[1], item[2])
        for path, items in (judged.get("expect") or {}).items()
        for item in items
    ]
    ignored = {
        (path, line, item[1])
        for path, items in (judged.get("ignore") or {}).items()
        for item in items
        for line in _lines(item[0])
    }
    clean = {
        (path, line): item[1]
        for path, items in (judged.get("clean") or {}).items()
        for item in items
        for line in _lines(item[0])
    }
    used = [False] * len(expected)
    name = judged["repository"]
    for rel, line, rule in sorted(reported):
        if any(p == rel and r == rule and abs(line - x) <= TOLERANCE for p, x, r in ignored):
            continue
        best = None
        for i, (path, lines, erule, _why) in enumerate(expected):
            if used[i] or path != rel or erule != rule:
                continue
            dist = min(abs(line - x) for x in lines)
            if dist <= TOLERANCE and (best is None or dist < best[0]):
                best = (dist, i)
        if best is not None:
            used[best[1]] = True
            tally.tp[rule] += 1
            continue
        tally.fp[rule] += 1
        why = clean.get((rel, line), "")
        if why.startswith(("read:", "delete:")):
            tally.writes_on_reads.append(f"{name}: {rel}:{line} {rule} ({why})")
        tally.lines.append(f"  FP {name}: {rel}:{line} {rule}{f'  [{why}]' if why else ''}")
    for i, (path, lines, rule, why) in enumerate(expected):
        if not used[i]:
            tally.fn[rule] += 1
            tally.lines.append(f"  FN {name}: {path}:{lines[0]} {rule}  [{why}]")


def report(label: str, tally: Tally, show: bool) -> None:
    rules = sorted(set(tally.tp) | set(tally.fp) | set(tally.fn))
    print(f"\n{label}")
    print(f"  {'rule':8} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>6}")
    for rule in [*rules, "all"]:
        if rule == "all":
            tp, fp, fn = (sum(c.values()) for c in (tally.tp, tally.fp, tally.fn))
        else:
            tp, fp, fn = tally.tp[rule], tally.fp[rule], tally.fn[rule]
        p = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
        r = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
        print(f"  {rule:8} {tp:>4} {fp:>4} {fn:>4} {p:>9} {r:>6}")
    print(f"  reads or deletes reported as writes: {len(tally.writes_on_reads)}")
    for line in tally.writes_on_reads:
        print(f"    {line}")
    if show:
        print("\n".join(tally.lines))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", type=Path, default=Path("/work/ext"))
    parser.add_argument("--set", choices=["dev", "held-out"], action="append")
    parser.add_argument("--only", help="one repository (owner/name)")
    parser.add_argument("--show", action="store_true", help="list every miss and false finding")
    args = parser.parse_args()
    sets = args.set or ["dev", "held-out"]
    for which in sets:
        tally = Tally()
        names = []
        for path in sorted(CORPUS.glob("*.yaml")):
            judged = yaml.safe_load(path.read_text())
            if judged["set"] != which or (args.only and judged["repository"] != args.only):
                continue
            root = checkout(args.src, judged["repository"], judged["commit"])
            score_repo(judged, root, tally, args.show)
            names.append(judged["repository"])
        if names:
            report(f"{which}: {len(names)} repositories ({', '.join(names)})", tally, args.show)


if __name__ == "__main__":
    main()
