"""`erp`: the one command line for people and scripts.

Commands act on the store named by ERP_HOME / ERP_DATABASE_URL. Whoever can run them can open the store
file, so they act with full rights; the audit log records them as ``cli:<os user>``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from erp.errors import ServiceError
from erp.i18n import t

Command = Callable[[argparse.Namespace], int]


def _engine():  # type: ignore[no-untyped-def]
    from erp.db import make_engine

    return make_engine()


def _cli_session(engine=None):  # type: ignore[no-untyped-def]
    from erp.services.base import Actor, Session

    actor = Actor(user_id=None, username=f"cli:{getpass.getuser()}", permissions=frozenset({"*"}))
    return Session(engine or _engine(), actor)


def _require_store(engine) -> None:  # type: ignore[no-untyped-def]
    from erp.store import is_initialized

    if not is_initialized(engine):
        raise SystemExit(t("The store is not initialised yet: run `erp init` first."))


def _read_password(args: argparse.Namespace) -> str:
    if args.admin_password_file:
        return Path(args.admin_password_file).read_text(encoding="utf-8").strip()
    if not sys.stdin.isatty():
        raise SystemExit(t("No terminal to ask for the admin password: pass --admin-password-file."))
    first = getpass.getpass(t("Password for {user}: ", user=args.admin_user))
    if first != getpass.getpass(t("Repeat the password: ")):
        raise SystemExit(t("The passwords differ."))
    return first


def cmd_init(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from erp import schema as s
    from erp.services.users import create_user
    from erp.store import seed_reference_data, upgrade

    engine = _engine()
    upgrade(engine)
    year = dt.date.today().year
    years = (
        [int(y) for y in args.fiscal_years.split(",")] if args.fiscal_years else [year - 2, year - 1, year, year + 1]
    )
    seed_reference_data(engine, args.company, years)
    with engine.connect() as conn:
        has_user = conn.execute(select(s.app_user.c.id)).first() is not None
    if not has_user:
        password = _read_password(args)
        create_user(_cli_session(engine), args.admin_user, password, ["admin"], display_name=args.admin_user)
        print(t("Created the administrator {user}.", user=args.admin_user))
    print(t("The store is ready: {url}", url=engine.url.render_as_string(hide_password=True)))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from erp.io.transfer import ImportFailed, import_dir

    engine = _engine()
    _require_store(engine)
    try:
        report = import_dir(_cli_session(engine), Path(args.directory))
    except ImportFailed as exc:
        print(t("Nothing was imported; fix these problems and run the import again:"), file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    for note in report.notes:
        print(note)
    for name, count in report.counts.items():
        print(t("{name}: {count} rows", name=name, count=count))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from erp.io.transfer import export_entity
    from erp.registry import ENTITIES

    if args.entity not in ENTITIES:
        from erp.warehouse.export import export_mart
        from erp.warehouse.read import public_marts

        marts = public_marts()
        if args.entity not in marts:
            entities, published = ", ".join(sorted(ENTITIES)), ", ".join(marts) or t("none, run `erp build`")
            raise ServiceError(
                t(
                    "unknown entity or mart {name}; entities: {entities}; published marts: {marts}",
                    name=args.entity,
                    entities=entities,
                    marts=published,
                )
            )
        count = export_mart(args.entity, Path(args.out), encoding=args.encoding)
        print(t("Wrote {count} rows to {path}", count=count, path=args.out))
        return 0
    engine = _engine()
    _require_store(engine)
    count = export_entity(_cli_session(engine), args.entity, Path(args.out), encoding=args.encoding)
    print(t("Wrote {count} rows to {path}", count=count, path=args.out))
    return 0


def _as_of_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(t("{value} is not a date YYYY-MM-DD", value=value)) from None


def cmd_build(args: argparse.Namespace) -> int:
    from erp.warehouse.publish import BuildFailed, build

    try:
        build(as_of=args.as_of, select=args.select or None, full_refresh=args.full_refresh)
    except BuildFailed as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from erp.config import load_settings
    from erp.serve import run_services, services

    engine = _engine()
    _require_store(engine)
    engine.dispose()
    return run_services(services(load_settings(), app_port=args.port, dagster_port=args.dagster_port))


def cmd_demo(args: argparse.Namespace) -> int:
    import time

    from erp.config import PROJECT_ROOT
    from erp.demo.load import existing_data
    from erp.demo.people import DEMO_USERS
    from erp.demo.stages import run_demo

    engine = _engine()
    _require_store(engine)
    with engine.connect() as conn:
        found = existing_data(conn, [u for u, _role, _dept in DEMO_USERS])
    if found and args.if_empty:
        print(t("The store already holds data ({found}); the demo was not generated.", found=", ".join(found)))
        return 0
    if found:  # run_demo checks again inside its transaction; this only answers before any work
        message = t(
            "The store already holds data ({found}); the demo needs a new, empty store.", found=", ".join(found)
        )
        print(message, file=sys.stderr)
        return 1
    password_file = Path(args.password_file or PROJECT_ROOT / "seeds" / "demo-admin-password.txt")
    password = password_file.read_text(encoding="utf-8").strip()
    as_of = args.as_of or dt.date.today()
    print(
        t(
            "Generating the demo company: scale {scale}, seed {seed}, as of {date}",
            scale=args.scale,
            seed=args.seed,
            date=as_of,
        )
    )
    started = time.perf_counter()

    def report(result) -> None:  # type: ignore[no-untyped-def]
        print(t("{stage}: {seconds:.1f} s", stage=t(result.stage.label), seconds=result.seconds))
        for name, count in result.counts.items():
            print(t("{name}: {count} rows", name=name, count=count))

    run_demo(_cli_session(engine), seed=args.seed, scale=args.scale, as_of=as_of, password=password, on_stage=report)
    print(t("The demo company is ready in {seconds:.1f} s.", seconds=time.perf_counter() - started))
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    import csv

    from erp.io.transfer import template_header

    header = template_header(args.entity)
    if args.out:
        from erp.io.tables import write_table

        write_table(Path(args.out), header, [], encoding=args.encoding)
    else:
        csv.writer(sys.stdout).writerow(header)
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    from erp.services.users import create_user

    engine = _engine()
    _require_store(engine)
    if args.password_file:
        password = Path(args.password_file).read_text(encoding="utf-8").strip()
    elif sys.stdin.isatty():
        password = getpass.getpass(t("Password for {user}: ", user=args.username))
    else:
        password = sys.stdin.readline().rstrip("\n")
    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    create_user(
        _cli_session(engine),
        args.username,
        password,
        roles,
        display_name=args.name or args.username,
        language=args.language,
    )
    print(t("Created the user {user}.", user=args.username))
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    from erp.services.users import list_users

    engine = _engine()
    _require_store(engine)
    with engine.connect() as conn:
        users = list_users(conn)
    for u in users:
        state = t("active") if u["active"] else t("disabled")
        print(f"{u['username']:<20} {u['display_name']:<24} {u['roles']:<40} {state}")
    return 0


def _cmd_user_set_active(active: bool) -> Command:
    def run(args: argparse.Namespace) -> int:
        from erp.services.users import set_active

        engine = _engine()
        _require_store(engine)
        set_active(_cli_session(engine), args.username, active)
        print(t("{user} is now {state}.", user=args.username, state=t("active") if active else t("disabled")))
        return 0

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="erp", description=t("The ERP's command line."))
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help=t("Create or migrate the store and create the first administrator."))
    p.add_argument("--company", default=t("My company"), help=t("Company name for a new store."))
    p.add_argument("--admin-user", default="admin")
    p.add_argument("--admin-password-file", help=t("File holding the first administrator's password."))
    p.add_argument("--fiscal-years", help=t("Comma-separated fiscal years to open, e.g. 2025,2026."))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("import", help=t("Import every <entity>.csv or .xlsx in a directory, all or nothing."))
    p.add_argument("directory")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help=t("Export an entity in its import format, or a mart of the published warehouse."))
    p.add_argument("entity")
    p.add_argument("--out", required=True, help=t("Output file (.csv or .xlsx; .json for a mart)."))
    p.add_argument("--encoding", default="utf-8-sig", help=t("CSV encoding, e.g. utf-8-sig or gb18030."))
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("build", help=t("Build the warehouse with dbt and publish it when every model and test passed."))
    p.add_argument("--as-of", type=_as_of_date, help=t("Date the date-relative models use (default today)."))
    p.add_argument("--select", nargs="+", help=t("dbt node selection, e.g. standard_cost_rollup+ (default all)."))
    p.add_argument(
        "--full-refresh",
        action="store_true",
        help=t("Start from an empty warehouse and rebuild incremental models from scratch (as the nightly run does)."),
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", help=t("Start the web app and the Dagster UI on 127.0.0.1 until Ctrl-C."))
    p.add_argument("--port", type=int, default=8501, help=t("Port of the web app (default 8501)."))
    p.add_argument("--dagster-port", type=int, default=3000, help=t("Port of the Dagster UI (default 3000)."))
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "demo", help=t("Generate the demo company into a new, initialised store (deterministic for a seed).")
    )
    p.add_argument(
        "--scale", type=float, default=1.0, help=t("Volume factor: 1 is about 150 products, 10 is ten times that.")
    )
    p.add_argument("--seed", type=int, default=2026, help=t("Random seed; the same seed gives the same company."))
    p.add_argument("--as-of", type=_as_of_date, help=t("The demo's today (default today)."))
    p.add_argument(
        "--password-file",
        help=t("File holding the password of the demo users (default seeds/demo-admin-password.txt)."),
    )
    p.add_argument(
        "--if-empty",
        action="store_true",
        help=t("Leave a store that already holds data as it is and exit 0, instead of refusing it."),
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("template", help=t("Print an empty file with an entity's documented columns."))
    p.add_argument("entity")
    p.add_argument("--out", help=t("Write to this file (.csv or .xlsx) instead of the terminal."))
    p.add_argument("--encoding", default="utf-8-sig")
    p.set_defaults(func=cmd_template)

    user = sub.add_parser("user", help=t("Manage users.")).add_subparsers(dest="user_command", required=True)
    p = user.add_parser("add", help=t("Add a user (password from a prompt, --password-file or standard input)."))
    p.add_argument("username")
    p.add_argument("--roles", required=True, help=t("Comma-separated roles, e.g. sales,finance."))
    p.add_argument("--name", help=t("Display name."))
    p.add_argument("--language", default="zh_CN", choices=["zh_CN", "en"])
    p.add_argument("--password-file")
    p.set_defaults(func=cmd_user_add)
    p = user.add_parser("list", help=t("List users."))
    p.set_defaults(func=cmd_user_list)
    p = user.add_parser("disable", help=t("Disable a user."))
    p.add_argument("username")
    p.set_defaults(func=_cmd_user_set_active(False))
    p = user.add_parser("enable", help=t("Enable a user again."))
    p.add_argument("username")
    p.set_defaults(func=_cmd_user_set_active(True))
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ServiceError as exc:
        for error in exc.errors:
            print(f"{error.field}: {error.message}" if error.field else error.message, file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
