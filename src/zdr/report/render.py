"""Lay a ``Report`` out as HTML (with inline SVG charts) or Markdown, via Jinja2."""

from __future__ import annotations

from typing import Literal

import jinja2
from markupsafe import Markup

from zdr.report.charts import hbar_chart, stacked_day_chart
from zdr.report.data import DECISIONS, Report

Format = Literal["html", "md"]


def _md_cell(value: object) -> str:
    """Keep a value inside its Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _environment(fmt: Format) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("zdr.report", "templates"),
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _md_cell
    return env


def render(report: Report, fmt: Format) -> str:
    env = _environment(fmt)
    charts: dict[str, Markup] = {}
    if fmt == "html":
        top = [(f"{e.endpoint}", e.total) for e in report.endpoints[:15]]
        charts = {
            "days": Markup(stacked_day_chart(report.by_day, "Requests per day by decision")),
            "endpoints": Markup(hbar_chart(top, "Requests by endpoint")),
            "refusals": Markup(hbar_chart(report.refusals, "Refusals by rule", "#c62828")),
            "pseudonymized": Markup(
                hbar_chart(report.pseudonymized, "Values pseudonymized by label", "#1565c0")
            ),
        }
    template = env.get_template(f"report.{fmt}.j2")
    return template.render(r=report, charts=charts, decisions=DECISIONS)
