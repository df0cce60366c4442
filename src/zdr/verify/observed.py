"""Observed behaviour: ask the provider to store, then try to read it back. Each probe
is the smallest request that can answer the question, and everything it creates is
deleted again."""

from __future__ import annotations

import secrets
from typing import Any

from zdr.verify.client import ApiClient, Unreachable, error_code
from zdr.verify.model import PROMPT_CACHING, YOUR_DATA, Finding

PROBE_TEXT = "Reply with OK."
MAX_OUTPUT_TOKENS = 16


def cost_statement(model: str) -> str:
    return (
        f"The observed checks make 2 requests to {model} (a chat completion and a "
        f"response with store: true), each with ~10 input and at most {MAX_OUTPUT_TOKENS} "
        "output tokens, then read them back and delete them."
    )


async def _cleanup(client: ApiClient, path: str) -> str:
    try:
        status, _ = await client.call("DELETE", path)
    except Unreachable:
        return " (deleting it failed: network)"
    return "" if status in (200, 404) else f" (deleting it failed: HTTP {status})"


async def _create(client: ApiClient, check: str, path: str, body: dict[str, Any]) -> Any:
    """The created object, or the Finding that says why there is none."""
    status, created = await client.call("POST", path, body)
    if status == 400 and "retention" in str(created).lower():
        return Finding(
            check,
            "pass",
            "store: true rejected for zero data retention",
            "The account refuses to store, as under zero data retention.",
            YOUR_DATA,
        )
    if status != 200 or not isinstance(created, dict) or "id" not in created:
        return Finding(
            check,
            "error",
            f"HTTP {status} {error_code(created)}",
            "The probe request failed, so storage could not be observed.",
            YOUR_DATA,
        )
    return created


def _unreachable(check: str, exc: Unreachable) -> list[Finding]:
    return [
        Finding(
            check,
            "error",
            f"unreachable ({exc})",
            "The provider could not be reached. If it failed after the probe was created, "
            "the stored object may remain: list stored completions with metadata "
            "zdr_probe, or responses, and delete them.",
            YOUR_DATA,
        )
    ]


async def chat_store(client: ApiClient, model: str) -> list[Finding]:
    check = "observed.chat_store"
    tag = "zdr-verify-" + secrets.token_hex(6)
    body: dict[str, Any] = {
        "model": model,
        "messages": [{"role": "user", "content": PROBE_TEXT}],
        "store": True,
        "metadata": {"zdr_probe": tag},
        "max_completion_tokens": MAX_OUTPUT_TOKENS,
    }
    try:
        created = await _create(client, check, "/chat/completions", body)
        if isinstance(created, Finding):
            return [created]
        cid = created["id"]
        status, _ = await client.call("GET", f"/chat/completions/{cid}")
        listed_status, listed = await client.call(
            "GET", f"/chat/completions?metadata[zdr_probe]={tag}&limit=5"
        )
        in_list = (
            listed_status == 200
            and isinstance(listed, dict)
            and any(isinstance(o, dict) and o.get("id") == cid for o in listed.get("data", []))
        )
        note = (
            await _cleanup(client, f"/chat/completions/{cid}") if status == 200 or in_list else ""
        )
    except Unreachable as exc:
        return _unreachable(check, exc)
    if status == 200 or in_list:
        return [
            Finding(
                check,
                "fail",
                f"stored: retrievable by id{' and listed by metadata' if in_list else ''}{note}",
                "The account kept a chat completion sent with store: true. Under zero data "
                "retention it would not. The gateway forces store: false; calls that "
                "bypass it are kept.",
                YOUR_DATA,
            )
        ]
    return [
        Finding(
            check,
            "pass",
            f"not stored (retrieve: HTTP {status}, not listed)",
            "A chat completion sent with store: true was not kept, as under zero data retention.",
            YOUR_DATA,
        )
    ]


async def responses_store(client: ApiClient, model: str) -> list[Finding]:
    check = "observed.responses_store"
    body: dict[str, Any] = {
        "model": model,
        "input": PROBE_TEXT,
        "store": True,
        "max_output_tokens": MAX_OUTPUT_TOKENS,
    }
    try:
        created = await _create(client, check, "/responses", body)
        if isinstance(created, Finding):
            return [created]
        rid = created["id"]
        status, _ = await client.call("GET", f"/responses/{rid}")
        note = await _cleanup(client, f"/responses/{rid}") if status == 200 else ""
    except Unreachable as exc:
        return _unreachable(check, exc)
    if status == 200:
        stored = Finding(
            check,
            "fail",
            f"stored: retrievable by id{note}",
            "The account kept a response (the Responses API stores by default, for "
            "at least 30 days). Under zero data retention it would not.",
            YOUR_DATA,
        )
    else:
        stored = Finding(
            check,
            "pass",
            f"not stored (retrieve: HTTP {status})",
            "A response sent with store: true was not kept, as under zero data retention.",
            YOUR_DATA,
        )
    return [stored, _cache_retention(created)]


def _cache_retention(created: dict[str, Any]) -> Finding:
    value = created.get("prompt_cache_retention")
    if value == "24h":
        return Finding(
            "observed.prompt_cache_retention",
            "warn",
            "24h (extended prompt caching)",
            "Extended caching keeps key/value tensors on the provider for up to 24 h; "
            "send prompt_cache_retention: in_memory (the gateway does) to avoid it.",
            PROMPT_CACHING,
        )
    if value in (None, "in_memory"):
        return Finding(
            "observed.prompt_cache_retention",
            "pass",
            str(value or "not reported"),
            "In-memory prompt caching only: cached prefixes live minutes, in memory.",
            PROMPT_CACHING,
        )
    return Finding(
        "observed.prompt_cache_retention",
        "warn",
        str(value),
        "An unknown prompt cache retention value.",
        PROMPT_CACHING,
    )
