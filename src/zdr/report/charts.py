"""Inline SVG charts for the HTML report: no script, no external file, prints well.

Labels are escaped here; the template inserts the SVG as markup.
"""

from __future__ import annotations

from html import escape

COLORS = {
    "allow": "#2e7d32",
    "rewrite": "#1565c0",
    "refuse": "#c62828",
    "observe": "#757575",
}
_BAR = "#455a64"


def hbar_chart(items: list[tuple[str, int]], label: str, color: str = _BAR) -> str:
    """Horizontal bars, one per item, longest first as given."""
    if not items:
        return ""
    row, label_w, bar_w, pad = 22, 260, 360, 8
    height = row * len(items) + pad * 2
    peak = max(n for _, n in items) or 1
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(label)}" '
        f'width="{label_w + bar_w + 80}" height="{height}" '
        f'viewBox="0 0 {label_w + bar_w + 80} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    for i, (name, n) in enumerate(items):
        y = pad + i * row
        w = max(1, round(bar_w * n / peak))
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(name)}</text>"
            f'<rect class="bar" data-label="{escape(name)}" data-value="{n}" x="{label_w}" '
            f'y="{y + 3}" width="{w}" height="{row - 6}" fill="{color}"/>'
            f'<text x="{label_w + w + 6}" y="{y + 15}" font-size="12">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_day_chart(days: list[tuple[str, dict[str, int]]], label: str) -> str:
    """One column per day, stacked by decision, with a legend."""
    if not days:
        return ""
    col, gap, plot_h, top, bottom, left = 28, 8, 180, 24, 60, 40
    width = max(left + len(days) * (col + gap) + 20, left + 80 * len(COLORS))
    height = top + plot_h + bottom
    peak = max(sum(c.values()) for _, c in days) or 1
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(label)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
        f'<text x="{left}" y="14" font-size="11">max {peak} requests/day</text>',
    ]
    for i, (day, counts) in enumerate(days):
        x = left + i * (col + gap)
        y = top + plot_h
        for decision, color in COLORS.items():
            n = counts.get(decision, 0)
            if not n:
                continue
            h = max(1, round(plot_h * n / peak))
            y -= h
            parts.append(
                f'<rect class="bar" data-label="{escape(day)} {decision}" data-value="{n}" '
                f'x="{x}" y="{y}" width="{col}" height="{h}" fill="{color}"/>'
            )
        parts.append(
            f'<text x="{x + col / 2}" y="{top + plot_h + 12}" font-size="10" '
            f'text-anchor="end" transform="rotate(-45 {x + col / 2} {top + plot_h + 12})">'
            f"{escape(day[5:])}</text>"
        )
    lx = left
    for decision, color in COLORS.items():
        parts.append(
            f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{color}"/>'
            f'<text x="{lx + 14}" y="{height - 5}" font-size="11">{decision}</text>'
        )
        lx += 80
    parts.append("</svg>")
    return "".join(parts)
