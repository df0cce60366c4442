"""Detection of disguised values: ../shared/pii-dev with every labelled value written in
one of the ways tests/detect/disguises.py knows (zero-width characters inside it,
full-width or mathematical letters, percent-escapes, ...), one set per way, scored
with the corpus's own scorer beside the plain corpus.

    .venv/bin/python bench/eval/disguised.py [--json OUT]

LEAK is the share of values left verbatim (here: in their disguised form), LEAK+ also
counts a value with five or more letters or digits of it left unmasked (a disguise
that splits a value leaves parts of it), "exact" the share of values a finding of
their label covers exactly, start and end. The look-alikes (decoys) of a record stay
plain; those overlapping a value are left out.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))  # tests.detect.disguises
from score import PII_DEV, load, load_scorer, make_detector  # noqa: E402
from tests.detect.disguises import DISGUISES  # noqa: E402


def disguised(record: dict, disguise: Callable[[str], str]) -> dict:
    """The record with each labelled value disguised, offsets moved to match."""
    text = record["text"]
    spans = sorted(record["spans"], key=lambda s: s["start"])
    pieces: list[str] = []
    moved: list[dict] = []
    last = shift = 0
    for s in spans:
        if s["start"] < last:  # overlapping labels: keep the record's first
            continue
        pieces.append(text[last : s["start"]])
        value = disguise(text[s["start"] : s["end"]])
        start = s["start"] + shift
        moved.append({**s, "start": start, "end": start + len(value), "value": value})
        pieces.append(value)
        shift += len(value) - (s["end"] - s["start"])
        last = s["end"]
    pieces.append(text[last:])

    def at(offset: int) -> int:
        return offset + sum(
            (m["end"] - m["start"]) - (s["end"] - s["start"])
            for s, m in zip(spans, moved, strict=False)
            if s["end"] <= offset
        )

    decoys = [
        {**d, "start": at(d["start"]), "end": at(d["end"])}
        for d in record.get("decoys", [])
        if not any(s["start"] < d["end"] and d["start"] < s["end"] for s in spans)
    ]
    return {**record, "text": "".join(pieces), "spans": moved, "decoys": decoys}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    scorer = load_scorer()
    det = scorer.Detector.wrap(make_detector("zdr"), default_name="zdr")
    records = load(PII_DEV / "dev.jsonl")
    ways: dict[str, Callable[[str], str]] = {"(plain)": lambda v: v, **DISGUISES}
    figures: dict[str, dict] = {}
    for name, way in ways.items():
        recs = [disguised(r, way) for r in records]
        with redirect_stdout(io.StringIO()):
            result = scorer.evaluate(det, recs, progress=False)
        labels = result["labels"]
        figures[name] = {
            "values": result["overall"]["values"],
            "leak": result["overall"]["leak_rate"],
            "leak_plus": result["overall"]["leak_plus_rate"],
            "exact": result["overall"]["strict"]["recall"],
            "look_alikes": result["overall"]["decoy_flag_rate"],
            "labels": {k: v["leak_plus_rate"] for k, v in labels.items() if v["values"]},
        }
    label_names = sorted({k for f in figures.values() for k in f["labels"]})
    print("pii-dev with its values disguised, % (LEAK+ per label)")
    print("| way | LEAK | LEAK+ | exact | look-alikes | " + " | ".join(label_names) + " |")
    print("|---|---|---|---|---|" + "---|" * len(label_names))
    for name, f in figures.items():
        cells = [f"{100 * f['labels'][k]:.1f}" if k in f["labels"] else "" for k in label_names]
        print(
            f"| {name} | {100 * f['leak']:.1f} | {100 * f['leak_plus']:.1f} | "
            f"{100 * f['exact']:.1f} | {100 * f['look_alikes']:.1f} | " + " | ".join(cells) + " |"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
