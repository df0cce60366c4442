"""The ``zdr`` command. Each subcommand parses its arguments and calls one function;
results go to stdout, diagnostics to stderr, and errors exit non-zero with one line."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TextIO

import orjson

from zdr.config import Settings, load_settings
from zdr.errors import ConfigError

Handler = Callable[[argparse.Namespace], int]


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _read_input(name: str | None) -> bytes:
    """A file's bytes, or stdin's for None or "-"; an unreadable file is a usage error."""
    if name in (None, "-"):
        return sys.stdin.buffer.read()
    try:
        with open(name, "rb") as f:
            return f.read()
    except OSError as exc:
        raise ConfigError(f"cannot read {name}: {exc.strerror}") from None


@contextlib.contextmanager
def _output(name: str | None) -> Iterator[TextIO]:
    """stdout for None or "-", else the named file (text, UTF-8)."""
    if name in (None, "-"):
        yield sys.stdout
        return
    with open(name, "w", encoding="utf-8", newline="") as f:
        yield f


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "config", None))


# -- serve -------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from zdr.serve import run
    from zdr.supervisor import default_workers, supervise

    settings = _settings(args)
    server = settings.server.model_copy(
        update={k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    )
    settings = settings.model_copy(update={"server": server})
    workers = args.workers or settings.server.workers or default_workers(settings)
    if workers > 1:
        supervise(settings, workers)
    else:
        run(settings)
    return 0


# -- keys --------------------------------------------------------------------------------


def _key_store(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from zdr.keys.store import open_key_store

    s = _settings(args)
    return s, open_key_store(s.storage.database_url, s.storage.sqlite_path())


def cmd_keys_create(args: argparse.Namespace) -> int:
    from zdr.keys.store import KeyExists

    settings, store = _key_store(args)
    if args.policy not in settings.policies:
        _err(f"zdr: unknown policy {args.policy!r}; defined: {', '.join(settings.policies)}")
        return 2
    try:
        key = store.create(args.name, args.policy)
    except (KeyExists, ValueError) as exc:
        _err(f"zdr: {exc}")
        return 2
    _out(key)
    _err(f"Created key {args.name!r} with policy {args.policy!r}. It is shown only once.")
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    _, store = _key_store(args)
    keys = store.list(include_revoked=args.all)
    if args.json:
        _out(
            orjson.dumps(
                [
                    {
                        "name": k.name,
                        "policy": k.policy,
                        "created_at": k.created_at.isoformat(),
                        "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
                    }
                    for k in keys
                ]
            ).decode()
        )
        return 0
    if not keys:
        _err("No keys. Create one with: zdr keys create --name NAME")
        return 0
    _out(f"{'NAME':<24} {'POLICY':<16} {'CREATED':<26} STATUS")
    for k in keys:
        status = f"revoked {k.revoked_at.isoformat()}" if k.revoked_at else "active"
        _out(f"{k.name:<24} {k.policy:<16} {k.created_at.isoformat():<26} {status}")
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    from zdr.keys.store import KeyNotFound

    _, store = _key_store(args)
    try:
        store.revoke(args.name)
    except KeyNotFound as exc:
        _err(f"zdr: {exc}")
        return 2
    _err(f"Revoked key {args.name!r}.")
    return 0


# -- endpoints ---------------------------------------------------------------------------


def cmd_endpoints(args: argparse.Namespace) -> int:
    from zdr.catalogue.load import load_catalogue
    from zdr.catalogue.query import catalogue_as_json, select
    from zdr.catalogue.table import render_table

    catalogue = load_catalogue()
    if args.provider and args.provider not in catalogue.providers:
        _err(f"zdr: unknown provider {args.provider!r}; known: {', '.join(catalogue.providers)}")
        return 2
    rows = select(catalogue, args.provider, args.eligible, args.stateful)
    if args.json:
        _out(orjson.dumps(catalogue_as_json(catalogue, rows), option=orjson.OPT_INDENT_2).decode())
    else:
        _out(render_table(catalogue, rows, args.provider))
    return 0


# -- providers and catalogue check -------------------------------------------------------


def cmd_providers(args: argparse.Namespace) -> int:
    from zdr.catalogue.load import load_catalogue
    from zdr.catalogue.query import provider_json
    from zdr.catalogue.table import render_providers
    from zdr.config import PRESETS

    catalogue = load_catalogue()
    presets: dict[str, list[str]] = {}
    for name, (base_url, _, provider) in PRESETS.items():
        part = ":<region>" if name == "bedrock" else ":<resource>"
        presets.setdefault(provider, []).append(name + (part if "{}" in base_url else ""))
    if args.json:
        rows = [
            {**provider_json(p), "presets": presets.get(pid, [])}
            for pid, p in sorted(catalogue.providers.items())
        ]
        _out(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode())
    else:
        _out(render_providers(catalogue, presets))
    return 0


def cmd_catalogue_check(args: argparse.Namespace) -> int:
    """Exit 0: the installed openai SDK declares nothing the catalogue does not classify;
    1: it does (listed); 2: no openai SDK is installed here."""
    try:
        import openai
    except ImportError:
        _err("zdr: the openai package is not installed in this environment; nothing to check")
        return 2
    from zdr.catalogue.drift import find_drift
    from zdr.catalogue.load import load_catalogue
    from zdr.catalogue.sdk import sdk_endpoints
    from zdr.catalogue.sdk_shapes import sdk_models, sdk_query_params, sdk_shapes, sdk_websockets
    from zdr.catalogue.shapes import BodyShapes

    catalogue = load_catalogue()
    shapes = BodyShapes({"sdk_version": openai.__version__, "models": sdk_models(), **sdk_shapes()})
    drift = find_drift(
        catalogue,
        shapes,
        sdk_endpoints(),
        websockets=sdk_websockets(),
        queries=sdk_query_params(),
    )
    built = catalogue.shapes.sdk_version
    if args.json:
        _out(orjson.dumps({**drift.as_json(), "catalogue_sdk_version": built}).decode())
        return 0 if drift.clean else 1
    _out(f"openai SDK {openai.__version__} (the catalogue was generated from {built})")
    for title, items in (
        ("endpoints", drift.endpoints),
        ("parameters", drift.params),
        ("tool types", drift.tools),
        ("query parameters", drift.queries),
    ):
        _out(f"unclassified {title}: {len(items)}")
        for item in items:
            _out(f"  {item}")
    if not drift.clean:
        _out("The gateway refuses what it does not classify (unless a policy forwards unknowns).")
    return 0 if drift.clean else 1


# -- audit and report --------------------------------------------------------------------


def _audit_store(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from zdr.secret import load_secret
    from zdr.serve import open_audit_store

    s = _settings(args)
    return s, open_audit_store(s, load_secret(s.storage.data_dir))


def _verify_audit(settings: Any, store: Any, anchor_file: str | None = None) -> Any:
    """The chain's verdict, compared with the newest head anchor (config, ``--anchor``)."""
    from zdr.audit.anchor import open_sinks, read_anchor_lines, verify_anchored

    given = read_anchor_lines(_read_input(anchor_file).decode()) if anchor_file else []
    sinks = open_sinks(settings.audit.anchor, settings.storage.data_dir)
    return verify_anchored(store, sinks, given)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    settings, store = _audit_store(args)
    verdict = _verify_audit(settings, store, args.anchor)
    anchor = verdict.anchor
    if args.json:
        _out(
            orjson.dumps(
                {
                    "ok": verdict.ok,
                    "events": verdict.events,
                    "first_seq": verdict.first_seq,
                    "last_seq": verdict.last_seq,
                    "head": verdict.last_hash,
                    "checkpoint": verdict.checkpoint.first_seq if verdict.checkpoint else None,
                    "anchor": (
                        {"seq": anchor.seq, "hash": anchor.hash, "written_at": anchor.written_at}
                        if anchor
                        else None
                    ),
                    "problems": [
                        {"seq": p.seq, "kind": p.kind, "message": p.message}
                        for p in verdict.problems
                    ],
                },
                option=orjson.OPT_INDENT_2,
            ).decode()
        )
    else:
        start = (
            f" from the signed checkpoint at event {verdict.checkpoint.first_seq}"
            if verdict.checkpoint
            else ""
        )
        for p in verdict.problems:
            _out(f"event {p.seq}: {p.kind}: {p.message}")
        state = "OK" if verdict.ok else f"BROKEN ({len(verdict.problems)} problem(s))"
        span = f", events {verdict.first_seq}..{verdict.last_seq}" if verdict.events else ""
        _out(f"audit chain {state}: {verdict.events} events{span}{start}")
        if verdict.last_hash:
            _out(f"head {verdict.last_hash}")
        if anchor is not None:
            _out(f"anchor: event {anchor.seq}, written at {anchor.written_at}")
        else:
            _out("anchor: none found (truncation cannot be detected; see audit.anchor)")
        from zdr.audit.writer import spooled_not_stored
        from zdr.serve import spool_dir

        spooled = spooled_not_stored(store, spool_dir(settings))
        if spooled:
            _out(f"spool: {spooled} events not in the store yet (a gateway writes them)")
    return 0 if verdict.ok else 1


def cmd_audit_export(args: argparse.Namespace) -> int:
    from zdr.audit.export import parse_since, write_csv, write_jsonl

    since = parse_since(args.since)
    settings, store = _audit_store(args)
    write = write_csv if args.format == "csv" else write_jsonl
    with _output(args.out) as out:
        n = write(store.events(since), out)
    verdict = _verify_audit(settings, store)
    if not verdict.ok:
        # What was exported may have been edited: say so where a script notices.
        _err(f"exported {n} events; the audit chain is BROKEN: run `zdr audit verify`")
        return 1
    _err(f"exported {n} events (audit chain verified)")
    return 0


def cmd_audit_purge(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta

    from zdr.audit.store import ChainBroken

    settings, store = _audit_store(args)
    cutoff = datetime.now(UTC) - timedelta(days=settings.audit.retention_days)
    try:
        n = store.purge(cutoff)
    except ChainBroken as exc:
        _err(f"zdr: purge refused: {exc}")
        return 1
    _out(f"purged {n} events older than {settings.audit.retention_days:g} days")
    return 0


def cmd_audit_fingerprint(args: argparse.Namespace) -> int:
    from zdr.audit.tap import fingerprint

    data = _read_input(args.file)
    _, store = _audit_store(args)
    mac = fingerprint(store.fingerprint_key, data)
    hits = [
        (e["seq"], field)
        for e in store.events()
        for field in ("request_hmac", "response_hmac")
        if e.get(field) == mac
    ]
    _out(f"fingerprint {mac}")
    for seq, field in hits:
        _out(f"matches event {seq} ({field.removesuffix('_hmac')})")
    if not hits:
        _out("no recorded request or answer has these exact bytes")
    return 0 if hits else 1


def cmd_report(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from zdr.audit.export import parse_since
    from zdr.catalogue.load import load_catalogue
    from zdr.keys.store import open_key_store
    from zdr.report.data import build_report
    from zdr.report.render import render

    since = parse_since(args.since)
    settings, store = _audit_store(args)
    keys = open_key_store(settings.storage.database_url, settings.storage.sqlite_path())
    report = build_report(
        settings,
        store.events(since),
        load_catalogue(),
        _verify_audit(settings, store),
        {k.name: k.policy for k in keys.list()},
        datetime.now(UTC),
        since,
        store.db.describe(),
    )
    with _output(args.out) as out:
        out.write(render(report, args.format))
    if args.out not in (None, "-"):
        chain = "verified" if report.chain.ok else "BROKEN"
        _err(f"wrote {args.out} ({report.total} requests, audit chain {chain})")
    return 0 if report.chain.ok else 1


# -- verify ------------------------------------------------------------------------------


def cmd_verify(args: argparse.Namespace) -> int:
    import asyncio
    import os

    from zdr.catalogue.load import load_catalogue
    from zdr.verify.model import exit_code
    from zdr.verify.observed import cost_statement
    from zdr.verify.run import VerifyOptions, render_table, run_checks

    providers = load_catalogue().providers
    if args.provider not in providers:
        _err(f"zdr: unknown provider {args.provider!r}; known: {', '.join(sorted(providers))}")
        return 2
    api_key = args.api_key or os.environ.get("OPENAI_API_KEY")
    admin_key = args.admin_key or os.environ.get("OPENAI_ADMIN_KEY")
    settings = _settings(args) if getattr(args, "config", None) else None
    confirmed = args.yes
    if api_key and not confirmed and sys.stdin.isatty():
        _err(cost_statement(args.model))
        _err("Run them? [y/N] ")
        confirmed = sys.stdin.readline().strip().lower() in ("y", "yes")
    base_url = args.base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
    findings = asyncio.run(
        run_checks(
            VerifyOptions(
                base_url=base_url,
                api_key=api_key,
                admin_key=admin_key,
                project=args.project,
                model=args.model,
                probes_confirmed=confirmed,
                settings=settings,
                provider=providers[args.provider],
            )
        )
    )
    if args.json:
        body = {"ok": exit_code(findings) == 0, "findings": [f.as_json() for f in findings]}
        _out(orjson.dumps(body, option=orjson.OPT_INDENT_2).decode())
    else:
        _out(render_table(findings))
    return exit_code(findings)


# -- lint --------------------------------------------------------------------------------


def cmd_lint(args: argparse.Namespace) -> int:
    from importlib.metadata import version

    from zdr.lint.report import as_json, as_sarif, as_text
    from zdr.lint.run import at_least, lint_paths

    findings = lint_paths(args.paths, exclude=args.exclude)
    shown = at_least(findings, args.min_severity)
    if args.format == "sarif":
        _out(as_sarif(shown, version("zdr")))
    elif args.format == "json":
        _out(as_json(shown))
    else:
        _out(as_text(shown))
    # Notes (files skipped) never fail a run; errors and warnings at or above the
    # threshold do.
    return 1 if any(f.severity != "note" for f in shown) else 0


# -- redact ------------------------------------------------------------------------------


def cmd_redact(args: argparse.Namespace) -> int:
    from zdr.redact import find_spans, redact

    names = args.detectors.split(",") if args.detectors else None
    raw = _read_input(args.file)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        _err(f"zdr: {args.file or 'stdin'} is not UTF-8 text")
        return 2
    if args.spans:
        spans = find_spans(text, names)
        if args.json:
            _out(
                orjson.dumps(
                    [{"start": s.start, "end": s.end, "label": s.label} for s in spans]
                ).decode()
            )
        else:
            for s in spans:
                _out(f"{s.start}\t{s.end}\t{s.label}")
        return 0
    sys.stdout.write(redact(text, names))
    return 0


# -- parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zdr", description="Zero data retention for LLM APIs: know, enforce, minimise, prove."
    )
    parser.add_argument("--config", help="config file (default: $ZDR_CONFIG or ./zdr.yaml)")
    # --config is accepted before or after the subcommand.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS, help="config file")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the gateway", parents=[common])
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument(
        "--workers",
        type=int,
        help="gateway processes (default: one per core; 1 with the demo upstream)",
    )
    p.set_defaults(func=cmd_serve)

    keys = sub.add_parser("keys", help="manage virtual keys").add_subparsers(
        dest="keys_command", required=True
    )
    p = keys.add_parser("create", help="create a key and print it (once)", parents=[common])
    p.add_argument("--name", required=True)
    p.add_argument("--policy", default="default")
    p.set_defaults(func=cmd_keys_create)
    p = keys.add_parser("list", help="list keys (never the keys themselves)", parents=[common])
    p.add_argument("--all", action="store_true", help="include revoked keys")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_keys_list)
    p = keys.add_parser("revoke", help="revoke a key by name", parents=[common])
    p.add_argument("name")
    p.set_defaults(func=cmd_keys_revoke)

    p = sub.add_parser(
        "endpoints", help="what each endpoint retains, and ZDR eligibility", parents=[common]
    )
    p.add_argument("--provider")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--eligible", action="store_true", help="only ZDR-eligible endpoints")
    group.add_argument("--stateful", action="store_true", help="only endpoints that keep state")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_endpoints)

    p = sub.add_parser(
        "providers",
        help="how to get zero data retention from each provider, and what each keeps",
        parents=[common],
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_providers)

    catalogue = sub.add_parser("catalogue", help="the retention catalogue").add_subparsers(
        dest="catalogue_command", required=True
    )
    p = catalogue.add_parser(
        "check",
        help="list what the installed openai SDK declares that the catalogue does not "
        "classify (exit 1 if anything)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_catalogue_check)

    audit = sub.add_parser("audit", help="the content-free audit trail").add_subparsers(
        dest="audit_command", required=True
    )
    p = audit.add_parser("verify", help="check the hash chain (exit 1 if broken)", parents=[common])
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--anchor", help="a file of head anchors (JSON lines, e.g. from a log), or - for stdin"
    )
    p.set_defaults(func=cmd_audit_verify)
    p = audit.add_parser("export", help="write events as JSON lines or CSV", parents=[common])
    p.add_argument("--since", help="7d, 24h, 30m, 2w or an ISO date")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--out", help="file to write (default: stdout)")
    p.set_defaults(func=cmd_audit_export)
    p = audit.add_parser(
        "purge", help="delete events older than audit.retention_days now", parents=[common]
    )
    p.set_defaults(func=cmd_audit_purge)
    p = audit.add_parser(
        "fingerprint",
        help="keyed hash of a file's bytes, and the events that recorded them",
        parents=[common],
    )
    p.add_argument("file", help="a request or answer body as sent, or - for stdin")
    p.set_defaults(func=cmd_audit_fingerprint)

    p = sub.add_parser(
        "verify", help="check what a provider account retains (and the gateway's config)"
    )
    p.add_argument("--config", help="also check this gateway config: policies, audit chain")
    p.add_argument(
        "--provider",
        default="openai",
        help="a catalogue provider (zdr providers); probes run for openai only",
    )
    p.add_argument("--base-url", help="default: $OPENAI_BASE_URL or https://api.openai.com/v1")
    p.add_argument("--api-key", help="a normal key for the observed checks ($OPENAI_API_KEY)")
    p.add_argument("--admin-key", help="an admin key for declared settings ($OPENAI_ADMIN_KEY)")
    p.add_argument("--project", help="check this project only (default: every project)")
    p.add_argument("--model", default="gpt-4.1-nano", help="model for the probes")
    p.add_argument("--yes", action="store_true", help="run the probes without asking")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("lint", help="find code that would make the provider retain data")
    p.add_argument("paths", nargs="+", help="files or directories (Python, JS, TS)")
    p.add_argument("--format", choices=["text", "json", "sarif"], default="text")
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip matching paths (below each given path); without a slash, any folder or "
        "file name matches: --exclude tests --exclude 'examples/*/fixtures' (repeatable)",
    )
    p.add_argument(
        "--min-severity",
        choices=["note", "warning", "error"],
        default="warning",
        help="report findings at or above this severity (default: warning)",
    )
    p.set_defaults(func=cmd_lint)

    p = sub.add_parser(
        "redact", help="mask personal data and secrets in a file or stdin", parents=[common]
    )
    p.add_argument("file", nargs="?", help="a UTF-8 text file, or - for stdin (default)")
    p.add_argument("--spans", action="store_true", help="print the findings, not the text")
    p.add_argument("--json", action="store_true", help="with --spans: as a JSON list")
    p.add_argument("--detectors", help="comma-separated detector names (default: all)")
    p.set_defaults(func=cmd_redact)

    p = sub.add_parser("report", help="compliance report (HTML or Markdown)", parents=[common])
    p.add_argument("--since", help="7d, 24h, 30m, 2w or an ISO date")
    p.add_argument("--format", choices=["html", "md"], default="html")
    p.add_argument("--out", help="file to write (default: stdout)")
    p.set_defaults(func=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.func
    try:
        return handler(args)
    except ConfigError as exc:
        _err(f"zdr: {exc.message}")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
