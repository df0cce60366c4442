"""The ``zdr`` command. Each subcommand parses its arguments and calls one function;
results go to stdout, diagnostics to stderr, and errors exit non-zero with one line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

import orjson

from zdr.config import Settings, load_settings
from zdr.errors import ConfigError

Handler = Callable[[argparse.Namespace], int]


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "config", None))


# -- serve -------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    from zdr.serve import run

    settings = _settings(args)
    server = settings.server.model_copy(
        update={k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    )
    run(settings.model_copy(update={"server": server}))
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
