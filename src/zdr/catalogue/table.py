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


def render_providers(catalogue: Catalogue, presets: dict[str, list[str]]) -> str:
    """``zdr providers``: per provider what it keeps by default, whether zero retention can
    be switched on self-serve and how, the preset that points zdr at it, and the source."""
    out: list[str] = []
    for pid in sorted(catalogue.providers, key=lambda p: (p != "openai", p)):
        p = catalogue.providers[pid]
        serve = {"yes": "self-serve", "no": "not self-serve", "n/a": "n/a"}[p.self_serve]
        out.append(f"{p.name} [{pid}] — ZDR: {p.zdr_available} ({serve})")
        for label, text in (
            ("Keeps by default", p.default_retention),
            ("How to get ZDR", p.how_to_get_zdr),
            ("Checkable from outside", p.verify_how),
            ("Only a contract shows", p.contract_only),
        ):
            out.append(
                textwrap.fill(
                    f"{label}: {text}", 110, initial_indent="  ", subsequent_indent="    "
                )
            )
        names = ", ".join(f"preset: {n}" for n in presets.get(pid, [])) or "none"
        out.append(f"  Point zdr at it: {names}")
        out.append(f"  Source: {p.sources[0].url} (checked {p.checked})")
        out.append("")
    return "\n".join(out).rstrip()
