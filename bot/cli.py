"""The ``actionlog`` command line: the one place that wires settings, storage and Slack."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from bot.app import make_web_client
from bot.dry_run import describe_plan
from bot.http import SlackWsgiApp, make_server, stop_server
from bot.log import configure_logging
from bot.messenger import SlackMessenger
from bot.runtime import build_runtime, instance_id
from bot.settings import HOW_TO_FIX, Settings, SettingsError, load_settings
from reminders.clock import SystemClock
from reminders.scheduler import start_scheduler
from reminders.service import ReminderService
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

    reminders = commands.add_parser(
        "reminders", help="owner reminders, the pre-meeting summary and the weekly digest",
    )
    reminders_commands = reminders.add_subparsers(title="commands", metavar="COMMAND")
    round_ = reminders_commands.add_parser(
        "run",
        help="run one round of whatever is due, exactly as the scheduler would",
        description="Send every reminder, summary and digest due at TIME that has not been "
        "sent yet. Safe to run at any time, from cron or by hand: nothing is sent twice.",
    )
    round_.add_argument(
        "--at", metavar="TIME", type=_parse_at,
        help="the moment to run as, e.g. '2026-11-19 09:00' (ACTIONLOG_TIMEZONE) or ISO "
        "8601 with an offset; default: now",
    )
    round_.add_argument("--dry-run", action="store_true",
                        help="print who would get what, and send nothing")
    round_.set_defaults(handler=_reminders_run)
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
    try:
        runtime = build_runtime(settings, make_session_factory(engine), SystemClock())
    except (BoltError, SlackApiError) as exc:
        raise CliError(f"Slack did not accept SLACK_BOT_TOKEN ({_slack_reason(exc)})") from None
    except OSError as exc:
        raise CliError(
            f"cannot reach Slack at SLACK_API_URL ({type(exc).__name__}): check the URL "
            "and the network"
        ) from None
    scheduler = start_scheduler(runtime.reminders)
    try:
        if settings.socket_mode:
            return _serve_socket_mode(runtime.app, settings)
        wsgi = SlackWsgiApp(runtime.app, health_check=lambda: _database_ok(engine))
        return _serve_http(wsgi, settings, args)
    finally:
        scheduler.shutdown(wait=False)


def _parse_at(text: str) -> datetime:
    """A time given on the command line; naive times are in ACTIONLOG_TIMEZONE."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time; write it like '2026-11-19 09:00'"
        ) from None


def _reminders_run(args: argparse.Namespace) -> int:
    settings = load_settings()
    configure_logging(settings.secrets())
    engine = _engine(settings)
    if not schema.is_up_to_date(engine):
        raise CliError("the database schema is behind: run 'actionlog migrate' first")
    at = args.at or datetime.now(UTC)
    if at.tzinfo is None:
        at = at.replace(tzinfo=settings.timezone)
    sessions = make_session_factory(engine)
    if args.dry_run:
        service = ReminderService(sessions, _NoMessenger(), SystemClock(), settings.timezone,
                                  instance_id())
        print(describe_plan(service.plan(at), sessions))
        return 0
    if settings.SLACK_BOT_TOKEN is None:
        raise SettingsError(f"SLACK_BOT_TOKEN is missing: {HOW_TO_FIX['SLACK_BOT_TOKEN']}.")
    clock = SystemClock()
    messenger = SlackMessenger(make_web_client(settings), clock, settings.timezone)
    service = ReminderService(sessions, messenger, clock, settings.timezone, instance_id())
    reports = service.run_due(at)
    sent = sum(len(r.sent) for r in reports.values())
    failed = [f for r in reports.values() for f in r.failed]
    skipped = sum(len(r.skipped) for r in reports.values())
    print(f"sent {sent}, already sent {skipped}, failed {len(failed)}")
    for key, error in failed:
        print(f"  failed: {key}: {error}")
    return 1 if failed else 0


class _NoMessenger:
    """A dry run plans only; anything trying to send is a bug."""

    def send(self, *args: object) -> str:
        raise AssertionError("a dry run sends nothing")

    def find_sent(self, *args: object) -> str | None:
        raise AssertionError("a dry run sends nothing")


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
