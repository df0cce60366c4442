"""Findings, rules and severities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "note"]
SEVERITY_RANK = {"note": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    severity: Severity
    summary: str


RULES = {
    r.id: r
    for r in (
        Rule("ZDR001", "stateful-endpoint", "error",
             "Calls an endpoint that keeps data at the provider or is not eligible for "
             "zero data retention."),
        Rule("ZDR002", "store", "error",
             "Asks the provider to store the request and answer (store=True, or the "
             "Responses API with store left unset, which defaults to storing)."),
        Rule("ZDR003", "stateful-parameter", "error",
             "Uses a parameter that relies on state kept at the provider (background, "
             "conversation, previous_response_id, item references)."),
        Rule("ZDR004", "extended-prompt-cache", "warning",
             "prompt_cache_retention='24h' keeps cached tensors up to 24 h."),
        Rule("ZDR005", "hosted-tool", "error",
             "A hosted tool that stores data at the provider (file search, code "
             "interpreter, shell, web search, remote MCP)."),
        Rule("ZDR006", "identifier-in-clear", "warning",
             "Sends an end user's identifier (an e-mail address) in clear as user= or "
             "safety_identifier=."),
        Rule("ZDR010", "agents-tracing", "warning",
             "The OpenAI Agents SDK exports traces, sensitive data included, to the "
             "provider by default."),
        Rule("ZDR011", "agents-store", "warning",
             "The OpenAI Agents SDK leaves store unset, so the Responses API stores."),
        Rule("ZDR020", "raw-http-stateful", "error",
             "A raw HTTP call to an endpoint that keeps data at the provider."),
        Rule("ZDR900", "unreadable", "note",
             "A file that could not be analysed (syntax error, binary, too large, "
             "unreadable); it is reported and skipped."),
    )
}  # fmt: skip


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    rule: str
    message: str
    severity: Severity = "error"
