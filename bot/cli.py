"""The ``actionlog`` command line: the one place that wires settings, storage and Slack."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Sequence
from typing import Any

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from bot.app import Deps, build_app
from bot.http import SlackWsgiApp, make_server, stop_server
from bot.log import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from reminders.clock import SystemClock
from storage import schema
from storage.db import make_engine, make_session_factory


class CliError(Exception):
    """A problem the person running the command can fix; printed as one line."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except (SettingsError, CliError) as exc:
        print(f"actionlog: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="actionlog",
        description="Action Log for Slack: record and chase the actions agreed at meetings.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="run the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP on PORT)",
        description="Run the bot. The database schema must be up to date: run "
        "'actionlog migrate' first (the bot refuses to start on an old schema).",
    )
    run.add_argument("--host", default="0.0.0.0", help="address to listen on in HTTP mode")
    run.set_defaults(handler=_run)

    migrate = commands.add_parser(
        "migrate",
        help="bring the database schema up to date",
        description="Apply database migrations to DATABASE_URL (default: the SQLite file).",
    )
    migrate.add_argument("--revision", default="head", help="target revision (default: head)")
    migrate.set_defaults(handler=_migrate)
    return parser


def _engine(settings: Settings) -> Engine:
    try:
        engine = make_engine(settings.DATABASE_URL)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, ModuleNotFoundError) as exc:
        reason = type(getattr(exc, "orig", None) or exc).__name__
        raise CliError(
            f"cannot open the database at DATABASE_URL ({reason}): check the URL and that "
            "the server is running"
        ) from None
    return engine


def _migrate(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.secrets())
    engine = _engine(settings)
    before = schema.current_revision(engine)
    schema.upgrade(engine, args.revision)
    after = schema.current_revision(engine)
    print(f"database schema: {before or 'empty'} -> {after}")
    return 0


def _run(args: argparse.Namespace) -> int:
    settings = load_settings()
    settings.require_slack()
    configure_logging(settings.secrets())
    engine = _engine(settings)
    if not schema.is_up_to_date(engine):
        raise CliError(
            f"the database schema is at {schema.current_revision(engine) or 'empty'} but this "
            f"version needs {schema.head_revision()}: run 'actionlog migrate' first"
        )
    deps = Deps(
        sessions=make_session_factory(engine), clock=SystemClock(), timezone=settings.timezone
    )
    try:
        app = build_app(settings, deps)
    except (BoltError, SlackApiError) as exc:
        raise CliError(f"Slack did not accept SLACK_BOT_TOKEN ({_slack_reason(exc)})") from None
    if settings.socket_mode:
        return _serve_socket_mode(app, settings)
    return _serve_http(SlackWsgiApp(app, health_check=lambda: _database_ok(engine)), settings, args)


def _serve_http(wsgi: SlackWsgiApp, settings: Settings, args: argparse.Namespace) -> int:
    server = make_server(wsgi, host=args.host, port=settings.PORT)
    signal.signal(signal.SIGTERM, lambda *_: stop_server(server))
    print(f"actionlog: serving HTTP on {args.host}:{settings.PORT}", file=sys.stderr, flush=True)
    # OSError: the listening socket was closed by the SIGTERM handler.
    with contextlib.suppress(KeyboardInterrupt, OSError):
        server.run()
    return 0


def _serve_socket_mode(app: Any, settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    assert settings.SLACK_APP_TOKEN is not None
    handler = SocketModeHandler(app, settings.SLACK_APP_TOKEN.get_secret_value())
    print("actionlog: connected in Socket Mode", file=sys.stderr, flush=True)
    handler.start()
    return 0


def _database_ok(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


def _slack_reason(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error", "error"))
    # BoltError's text can include the API response; keep only its first clause.
    return str(exc).split(":")[0][:120]


if __name__ == "__main__":
    raise SystemExit(main())
