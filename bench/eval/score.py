"""Detection quality on text the rules were not written from, per source and label:

- ``pii-dev`` (../shared/pii-dev) split by template: the templates of the "heldout"
  part (a hash of the template name, 40%) are scored beside the whole corpus and the
  "dev" templates; examples of misses are shown for "dev" records only.
- the peers' fixture sets bench/eval/build.py makes (gitleaks, secretlint, presidio,
  presidio-research), split the same way by rule, recognizer or template.

Scored with the corpus's own scorer (score.py's ``evaluate``): LEAK is the share of
sensitive values left verbatim (recall is 1 - LEAK), "look-alikes" the share of decoys
(false-positive fixtures, placeholders, presidio-research's organizations, titles,
nationalities and places) overlapped by any finding, "over-masked" the share of the
characters outside labelled values that a finding covers.

    .venv/bin/python bench/eval/score.py [--detector zdr|presidio] [--examples N] [--flags N]
        [--only SET,...] [--json OUT]
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import sys
from contextlib import redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# ../shared beside a clone (CI), or the workplace's shared folder beside the worktrees.
PII_DEV = next(
    (p / "pii-dev" for p in (ROOT.parent / "shared", ROOT.parents[1] / "shared") if p.exists()),
    ROOT.parent / "shared" / "pii-dev",
)
sys.path.insert(0, str(HERE))
from build import split_of  # noqa: E402

SECRET_LABELS = {"API_KEY", "SECRET"}


def load_scorer():
    spec = importlib.util.spec_from_file_location("pii_dev_score", PII_DEV / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def sets() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    dev = load(PII_DEV / "dev.jsonl")
    for rec in dev:
        rec["split"] = split_of("pii-dev", rec["template"])
    out["pii-dev"] = dev
    for path in sorted((HERE / "data").glob("*.jsonl")):
        out[path.stem] = load(path)
    return out


def make_detector(name: str):
    if name == "zdr":
        from zdr.detect import DetectorSet

        return DetectorSet().detect
    sys.path.insert(0, str(ROOT / "bench"))
    from presidio_adapter import make_detector as presidio

    return presidio()


def summarise(result: dict) -> dict:
    o = result["overall"]
    labels = {
        label: {"values": v["values"], "leak": v["leak_rate"]}
        for label, v in result["labels"].items()
        if v["values"]
    }
    return {
        "values": o["values"],
        "leak": o["leak_rate"],
        "decoys": o["decoys"],
        "decoys_flagged": o["decoy_flag_rate"],
        "placeholders": result["decoys"].get("placeholder"),
        "over_masked": o["over_redaction_rate"],
        "labels": labels,
    }


STRAY_LABELS = ("PERSON", "STREET_ADDRESS", "URL")


def stray(det, records: list[dict]) -> dict[str, float]:
    """Findings of a personal-data label that touch no labelled value, per 100 records:
    what a detector masks in text that holds none of that label (code in the secret
    scanners' fixtures, company names and places in presidio-research)."""
    counts = dict.fromkeys(STRAY_LABELS, 0)
    for rec in records:
        gold = [(s["start"], s["end"]) for s in rec["spans"]]
        for a, b, label in det(rec["text"]):
            if label in counts and not any(a < e and s < b for s, e in gold):
                counts[label] += 1
    return {label: 100 * n / len(records) for label, n in counts.items()}


def pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--detector", default="zdr", choices=["zdr", "presidio"])
    parser.add_argument("--examples", type=int, default=0, help="misses to show (dev only)")
    parser.add_argument(
        "--flags",
        type=int,
        default=0,
        help="look-alikes flagged to show (dev only), with their kind",
    )
    parser.add_argument("--only", help="comma-separated set names")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    scorer = load_scorer()
    det = scorer.Detector.wrap(make_detector(args.detector), default_name=args.detector)
    figures: dict[str, dict] = {}
    examples: list[str] = []
    for name, records in sets().items():
        if args.only and name not in args.only.split(","):
            continue
        parts = {"all": records} if name != "pii-dev" else {"whole": records}
        parts["dev"] = [r for r in records if r["split"] == "dev"]
        parts["heldout"] = [r for r in records if r["split"] == "heldout"]
        for part, recs in parts.items():
            if not recs:
                continue
            with redirect_stdout(io.StringIO()):
                result = scorer.evaluate(det, recs, progress=False)
            figures[f"{name}/{part}"] = summarise(result)
            figures[f"{name}/{part}"]["stray"] = stray(det, recs)
            if part == "dev" and args.examples:
                examples.extend(misses(det, recs, name, args.examples, scorer))
            if part == "dev" and args.flags:
                examples.extend(flagged(det, recs, name, args.flags))
    print_table(figures)
    print("\nStray findings per 100 records (touching no labelled value)")
    print("| set | " + " | ".join(STRAY_LABELS) + " |")
    print("|---|" + "---|" * len(STRAY_LABELS))
    for name, f in figures.items():
        print(f"| {name} | " + " | ".join(f"{f['stray'][lab]:.1f}" for lab in STRAY_LABELS) + " |")
    for line in examples:
        print(line)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))


def misses(det, records: list[dict], name: str, limit: int, scorer) -> list[str]:
    """Values left verbatim and look-alikes flagged, in dev records only."""
    out: list[str] = []
    for rec in records:
        assert rec["split"] == "dev"
        text = rec["text"]
        found = det(text)
        merged = scorer.merge_intervals([(a, b) for a, b, _ in found])
        red = scorer.redact(text, merged)
        for s in rec["spans"]:
            if scorer.verbatim_present(s["value"], red) and len(out) < limit:
                out.append(
                    f"MISS {name} {rec['id']} {s['label']} {s['value'][:60]!r} in {text[:160]!r}"
                )
        for d in rec["decoys"]:
            hits = [(a, b, lab) for a, b, lab in found if a < d["end"] and d["start"] < b]
            if hits and len(out) < limit:
                got = [(lab, text[a:b][:40]) for a, b, lab in hits]
                out.append(f"FLAG {name} {rec['id']} {got} in {text[:160]!r}")
    return out


def flagged(det, records: list[dict], name: str, limit: int) -> list[str]:
    """Look-alikes a finding overlaps, in dev records only: the decoy's kind
    ("placeholder", or "other": a plain look-alike), each finding's label and text."""
    out: list[str] = []
    for rec in records:
        assert rec["split"] == "dev"
        text = rec["text"]
        found = det(text)
        for d in rec["decoys"]:
            hits = [(lab, text[a:b][:40]) for a, b, lab in found if a < d["end"] and d["start"] < b]
            if hits and len(out) < limit:
                kind = d.get("kind", "other")
                out.append(f"FLAG {name} {rec['id']} {kind} {hits} in {d['value'][:120]!r}")
    return out


def print_table(figures: dict[str, dict]) -> None:
    labels = sorted({label for f in figures.values() for label in f["labels"]})
    print("LEAK % per label (values left verbatim; recall = 100 - LEAK), look-alikes flagged %")
    print(
        "| set | values | LEAK | "
        + " | ".join(labels)
        + " | look-alikes | placeholders | over-masked |"
    )
    print("|---|---|---|" + "---|" * len(labels) + "---|---|---|")
    for name, f in figures.items():
        cells = [pct(f["labels"][lab]["leak"]) if lab in f["labels"] else "" for lab in labels]
        look = f"{pct(f['decoys_flagged'])} of {f['decoys']}" if f["decoys"] else "-"
        held = f.get("placeholders")
        look += f" | {pct(held['rate'])} of {held['n']}" if held else " | -"
        look += f" | {pct(f.get('over_masked'))}"
        print(
            f"| {name} | {f['values']} | {pct(f['leak'])} | " + " | ".join(cells) + f" | {look} |"
        )


if __name__ == "__main__":
    main()
