"""Regenerate src/zdr/catalogue/data/openai_shapes.json (request bodies) and
openai_queries.json (query parameters) from the installed openai SDK.

The gateway cannot import the SDK at run time (it is not a dependency), so the request
bodies the SDK declares (every parameter, its type, the literals of every tagged union:
tool types, input item types...) are written out as data; a test checks the file
matches the installed SDK, and `zdr catalogue check` compares it with the user's SDK.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from zdr.catalogue.sdk_shapes import dump_shapes, sdk_models, sdk_query_params, sdk_shapes

DATA = Path(__file__).resolve().parents[1] / "src/zdr/catalogue/data"
OUT = DATA / "openai_shapes.json"
QUERIES = DATA / "openai_queries.json"

if __name__ == "__main__":
    import openai

    data = {"sdk_version": openai.__version__, "models": sdk_models(), **sdk_shapes()}
    OUT.write_text(dump_shapes(data), encoding="utf-8")
    print(f"wrote {OUT} ({len(data['bodies'])} bodies, {len(data['defs'])} types)", file=sys.stderr)
    queries = sdk_query_params()
    QUERIES.write_text(json.dumps(queries, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {QUERIES} ({len(queries)} calls)", file=sys.stderr)
