"""The catalogue as a readable terminal table (``zdr endpoints``)."""

from __future__ import annotations

import textwrap

from zdr.catalogue.load import Catalogue
from zdr.catalogue.model import Endpoint

_COLUMNS = (("ENDPOINT", 34), ("METHODS", 14), ("ZDR", 11), ("KEEPS", 44), ("FOR HOW LONG", 30))


def _cells(e: Endpoint) -> list[str]:
    zdr = e.zdr if e.content else f"{e.zdr} (no content)"
    return [e.path, ",".join(e.methods), zdr, e.app_state, e.app_state_retention]


def render_table(catalogue: Catalogue, rows: list[Endpoint], provider: str | None) -> str:
    out: list[str] = []
    providers = [provider] if provider else sorted({e.provider for e in rows})
    for pid in providers:
        p = catalogue.providers[pid]
        out.append(f"{p.name} — ZDR: {p.zdr_available}")
        out.append(textwrap.fill(f"Default: {p.default_retention}", 110))
        out.append(textwrap.fill(f"How to get it: {p.how_to_get_zdr}", 110))
        out.append("")
        out.append("  ".join(name.ljust(width) for name, width in _COLUMNS))
        for e in (r for r in rows if r.provider == pid):
            wrapped = [
                textwrap.wrap(c, w) or [""] for c, (_, w) in zip(_cells(e), _COLUMNS, strict=True)
            ]
            for i in range(max(len(w) for w in wrapped)):
                out.append(
                    "  ".join(
                        (w[i] if i < len(w) else "").ljust(width)
                        for w, (_, width) in zip(wrapped, _COLUMNS, strict=True)
                    ).rstrip()
                )
            if e.condition:
                out.append(
                    textwrap.fill(
                        f"condition: {e.condition}",
                        110,
                        initial_indent="    ",
                        subsequent_indent="    ",
                    )
                )
            out.append(
                f"    source: {', '.join(s.url for s in e.sources)} "
                f"(checked {e.sources[0].checked})"
            )
        out.append("")
    return "\n".join(out).rstrip()
