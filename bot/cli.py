"""The ``actionlog`` command line: the one place that wires settings, storage and Slack."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from bot.app import make_web_client
from bot.directory import SlackDirectory
from bot.dry_run import describe_plan
from bot.log import configure_logging
from bot.messenger import SlackMessenger
from bot.papers.attach import SummaryAttachment
from bot.runtime import instance_id
from bot.serve import serve_web, serve_worker
from bot.settings import HOW_TO_FIX, Settings, SettingsError, load_settings
from bot.startup import StartupError, verify_token
from reminders.clock import SystemClock
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
    run.add_argument("--web-only", action="store_true",
                     help="only take requests (store and acknowledge them); run the work "
                     "in separate 'actionlog worker' processes")
    run.set_defaults(handler=_run)

    worker = commands.add_parser(
        "worker",
        help="carry out the requests the web part stored, and run the reminders",
        description="Run a worker: it carries out stored requests, sends the answers and "
        "runs the reminder scheduler. 'actionlog run' starts one itself; start more (on "
        "PostgreSQL) beside 'actionlog run --web-only' to share the work.",
    )
    worker.set_defaults(handler=_worker)

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

    console = commands.add_parser(
        "console",
        help="try the bot without Slack: the real bot against a local stand-in, as a "
        "pretend workspace's people",
        description="Run the real bot against a built-in stand-in for Slack, with a pretend "
        "workspace (a secretariat member, a DCC, an ACC, the PCC and a team channel). Type "
        "/actions commands as any of them, press buttons, fill in forms and move the clock "
        "to see reminders, summaries and digests arrive. Needs no Slack tokens and never "
        "reads DATABASE_URL. When stdin is not a terminal it reads commands line by line.",
    )
    console.add_argument(
        "--db", metavar="PATH", default="actionlog-console.db",
        help="SQLite file to use, created and migrated as needed "
        "(default: actionlog-console.db in the working directory)",
    )
    console.add_argument(
        "--at", metavar="TIME",
        help="start the clock at this local time (ACTIONLOG_TIMEZONE), e.g. "
        "'2026-11-16 10:00'; default: now",
    )
    console.set_defaults(handler=_console)
    _add_papers_command(commands)
    _add_data_protection_commands(commands)
    _add_import_command(commands)
    return parser


def _add_import_command(commands: Any) -> None:
    minutes = commands.add_parser(
        "import",
        help="find the actions agreed in a file of minutes (.docx, .pdf, .txt, .md)",
        description="Read a file of minutes and list the meeting, the next meeting and every "
        "agreed action with its owners, due date, agenda item and source sentence. Records "
        "nothing unless --record is given; then every action found is recorded, or none if "
        "any is refused. Works offline; nothing is sent anywhere.",
    )
    minutes.add_argument("path", metavar="PATH", help="the minutes: .docx, .pdf, .txt or .md")
    minutes.add_argument("--meeting", metavar="DD/MM/YYYY",
                         help="the date of the meeting the minutes record (default: the date "
                         "the minutes give)")
    minutes.add_argument("--json", action="store_true",
                         help="print exactly one JSON object instead of a listing")
    minutes.add_argument("--record", action="store_true",
                         help="record every action found in DATABASE_URL, all or none")
    minutes.add_argument("--as", dest="as_user", metavar="SLACK_USER_ID",
                         help="with --record: who is recording, e.g. U012AB3CD")
    minutes.add_argument("--team", metavar="T",
                         help="with --record: the workspace (Slack team id); needed when the "
                         "database holds more than one")
    minutes.set_defaults(handler=_import)


def _import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.import_cli import (
        ImportRefused,
        MinutesReadError,
        import_minutes,
        print_json,
        print_text,
        record_all,
    )
    from bot.parsing.dates import DueParseError, parse_date

    if args.record and not args.as_user:
        raise CliError("--record needs --as SLACK_USER_ID: who is recording the actions")
    today = datetime.now(UTC).date()
    meeting_date = None
    if args.meeting:
        try:
            meeting_date = parse_date(args.meeting, today, allow_past=True)
        except DueParseError as exc:
            raise CliError(f"--meeting: {exc.message.replace('`', '')}") from None
    try:
        extraction = import_minutes(Path(args.path), today=today, meeting_date=meeting_date)
    except MinutesReadError as exc:
        if args.json:
            print_json(None, sys.stdout, problem=exc.message)
            return 2
        raise CliError(exc.message) from None
    if args.record:
        settings = load_settings()
        try:
            return record_all(extraction, engine=_data_engine(), team_id=args.team,
                              user_id=args.as_user, source_name=Path(args.path).name,
                              zone=settings.timezone, now=datetime.now(UTC), out=sys.stdout)
        except ImportRefused as exc:
            raise CliError(str(exc)) from None
    if args.json:
        print_json(extraction, sys.stdout)
    else:
        print_text(extraction, sys.stdout)
    return 0


def _console(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.console.main import ConsoleError, run_console

    try:
        return run_console(Path(args.db), args.at)
    except ConsoleError as exc:
        raise CliError(str(exc)) from None
    except SQLAlchemyError as exc:
        reason = type(getattr(exc, "orig", None) or exc).__name__
        raise CliError(f"cannot open the console database {args.db} ({reason})") from None


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
    settings, engine = _serving_setup()
    try:
        # Checked here too, so a refused token is reported by `run` itself.
        verify_token(make_web_client(settings))
    except StartupError as exc:
        raise CliError(str(exc)) from None
    return serve_web(settings, engine, make_session_factory(engine), host=args.host,
                     with_worker=not args.web_only)


def _worker(_args: argparse.Namespace) -> int:
    settings, engine = _serving_setup()
    try:
        return serve_worker(settings, make_session_factory(engine))
    except StartupError as exc:
        raise CliError(str(exc)) from None
    except (BoltError, SlackApiError) as exc:
        raise CliError(f"the Slack app could not be set up ({_slack_reason(exc)})") from None


def _serving_setup() -> tuple[Settings, Engine]:
    """Settings, logging and a database whose schema is current, for `run` and `worker`."""
    settings = load_settings()
    settings.require_slack()
    configure_logging(settings.secrets())
    engine = _engine(settings)
    if not schema.is_up_to_date(engine):
        raise CliError(
            f"the database schema is at {schema.current_revision(engine) or 'empty'} but this "
            f"version needs {schema.head_revision()}: run 'actionlog migrate' first"
        )
    return settings, engine


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
    client = make_web_client(settings)
    attachment = SummaryAttachment(sessions, SlackDirectory(client).names_for, clock,
                                   settings.timezone)
    messenger = SlackMessenger(client, clock, settings.timezone, summary_paper=attachment)
    service = ReminderService(sessions, messenger, clock, settings.timezone, instance_id(),
                              posts_per_minute=settings.ACTIONLOG_POSTS_PER_MINUTE)
    reports = service.run_due(at)
    sent = sum(len(r.sent) for r in reports.values())
    failed = [f for r in reports.values() for f in r.failed]
    skipped = sum(len(r.skipped) for r in reports.values())
    unreported = [f for r in reports.values() for f in r.unreported]
    print(f"sent {sent}, already sent {skipped}, failed {len(failed)}")
    for key, error in failed:
        print(f"  failed: {key}: {error}")
    if unreported:
        print(f"not reported to anyone ({len(unreported)}): the messages telling the "
              "secretariat failed too, so only this output and the error log say so")
        for key, error in unreported:
            print(f"  unreported: {key}: {error}")
    return 1 if failed else 0


class _NoMessenger:
    """A dry run plans only; anything trying to send is a bug."""

    def send(self, *args: object) -> str:
        raise AssertionError("a dry run sends nothing")

    def find_sent(self, *args: object) -> str | None:
        raise AssertionError("a dry run sends nothing")


def _slack_reason(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error", "error"))
    # BoltError's text can include the API response; keep only its first clause.
    return str(exc).split(":")[0][:120]


# -- papers: the action log for the meeting papers -----------------------------------


def _add_papers_command(commands: Any) -> None:
    from bot.papers.formats import PaperFormat

    papers = commands.add_parser(
        "export",
        help="the action log for the meeting papers, as Word, Excel, CSV or JSON",
        description="Write the action log as the meeting papers show it: one row per action "
        "(ref, meeting, item, action, owners by name, original and revised due dates, "
        "status with its RAG colour, latest update, closed on), local times "
        "(ACTIONLOG_TIMEZONE) and UK dates. Open actions unless --all, --meeting or --since "
        "says otherwise. People's names come from Slack, so SLACK_BOT_TOKEN is needed. "
        "For the data-protection export of the whole record use 'actionlog export-data'.",
    )
    papers.add_argument("--format", choices=[f.value for f in PaperFormat],
                        default=PaperFormat.DOCX.value, help="file format (default: docx)")
    which = papers.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true",
                       help="every action, closed and dropped included")
    which.add_argument("--meeting", metavar="DD/MM/YYYY", type=_uk_day,
                       help="the actions agreed at the meeting held that day")
    which.add_argument("--since", metavar="DD/MM/YYYY", type=_uk_day,
                       help="the actions agreed at meetings on or after that day")
    papers.add_argument("--out", metavar="PATH",
                        help="file to write, or a folder to write it in (default: "
                        "action-log-<date>.<format> in the working directory)")
    papers.add_argument("--team", metavar="T",
                        help="the workspace (Slack team id); needed only when the database "
                        "holds more than one")
    papers.set_defaults(handler=_export_papers)


def _uk_day(text: str) -> date:
    """A day typed the UK way on the command line."""
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it day first, like 28/10/2026"
        ) from None


def _export_papers(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.directory import SlackDirectory
    from bot.papers.formats import PARTS, PaperFormat, write
    from bot.papers.gather import read_log
    from storage.db import read_transaction
    from storage.errors import ServiceError
    from storage.services import papers
    from storage.services.workspace import team_ids

    settings = load_settings()
    if settings.SLACK_BOT_TOKEN is None:
        raise SettingsError(
            "SLACK_BOT_TOKEN is missing: the papers show people's names, which come from "
            f"Slack; {HOW_TO_FIX['SLACK_BOT_TOKEN']}."
        )
    engine = _data_engine()
    scope: papers.Scope = papers.OpenActions()
    if args.all:
        scope = papers.AllActions()
    elif args.meeting:
        scope = papers.FromMeeting(args.meeting)
    elif args.since:
        scope = papers.Since(args.since)
    directory = SlackDirectory(make_web_client(settings))
    sessions = make_session_factory(engine)
    fmt = PaperFormat(args.format)
    try:
        with read_transaction(sessions) as session:
            teams = team_ids(session)
            team = args.team or (teams[0] if len(teams) == 1 else None)
            if team is None:
                raise CliError(
                    "the database holds no workspace yet" if not teams else
                    f"the database holds several workspaces ({', '.join(teams)}): "
                    "choose one with --team")
            if team not in teams:
                raise CliError(f"there is no workspace {team} in the database")
            records = read_log(session, team_id=team, scope=scope, now=datetime.now(UTC),
                               zone=settings.timezone, parts=PARTS[fmt])
    except ServiceError as exc:
        raise CliError(exc.message.replace("`/actions meeting list`", "the meetings")) \
            from None
    try:
        log = records.build(directory.names_for(records.people()))
    except SlackApiError as exc:
        raise CliError(f"Slack did not answer a name lookup ({_slack_reason(exc)})") from None
    except OSError as exc:
        raise CliError(f"cannot reach Slack at SLACK_API_URL ({type(exc).__name__})") from None
    paper = write(log, fmt)
    target = Path(args.out) if args.out else Path(paper.filename)
    if target.is_dir():
        target = target / paper.filename
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(paper.content)
    except OSError as exc:
        raise CliError(f"cannot write {target} ({exc.strerror or type(exc).__name__})") \
            from None
    count = len(log.rows)
    history = f", {len(log.history)} history entries" if PARTS[fmt].history else ""
    print(f"wrote {target} ({log.scope.lower()}: {count} action{'' if count == 1 else 's'}"
          f"{history})")
    return 0


# -- data protection: export and forget-user -------------------------------------------


def _add_data_protection_commands(commands: Any) -> None:
    export = commands.add_parser(
        "export-data",
        help="data protection: write the whole record, with history, as JSON and CSV",
        description="Write the action log from DATABASE_URL into DIR: actionlog-export.json "
        "(everything, with each action's full history) and one CSV per table (meetings, "
        "actions, owners, events, roles, secretariat). Times are ISO 8601 in UTC. Needs no "
        "Slack tokens.",
    )
    export.add_argument("--out", metavar="DIR", required=True,
                        help="folder to write into (created if missing)")
    export.add_argument("--team", metavar="T",
                        help="only this workspace (Slack team id, e.g. T012AB3CD); default: all")
    export.set_defaults(handler=_export)

    forget = commands.add_parser(
        "forget-user",
        help="anonymise a person who has left, keeping the record of what they owned",
        description="Replace a person's Slack id everywhere in the record (owners, role "
        "history, who recorded or changed what, mentions in text) by a placeholder such as "
        "UFORGOTTEN-1A2B3C4D5E, or hand what they owned to a role with --role. Roles they "
        "still hold become vacant and they leave the secretariat. Each affected action's "
        "history records the anonymising. Running it again changes nothing.",
    )
    forget.add_argument("user_id", metavar="SLACK_ID",
                        help="the person's Slack member id, e.g. U012AB3CD")
    forget.add_argument("--team", metavar="T",
                        help="only this workspace (Slack team id); default: every workspace")
    forget.add_argument("--role", metavar="CODE",
                        help="give what they owned to this role (e.g. DCC) instead of the "
                        "placeholder")
    forget.set_defaults(handler=_forget_user)


def _data_engine() -> Engine:
    settings = load_settings()
    configure_logging(settings.secrets())
    engine = _engine(settings)
    if not schema.is_up_to_date(engine):
        raise CliError("the database schema is behind: run 'actionlog migrate' first")
    return engine


def _export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from storage.db import transaction
    from storage.services import export

    engine = _data_engine()
    with transaction(make_session_factory(engine)) as session:
        data = export.export_log(session, team_id=args.team, now=datetime.now(UTC))
    if args.team and args.team not in data["workspaces"]:
        raise CliError(f"there is no workspace {args.team} in the database")
    out = Path(args.out)
    try:
        json_path = export.write_json(data, out / export.JSON_NAME)
        tables = export.write_csv(data, out)
    except OSError as exc:
        raise CliError(f"cannot write to {out} ({exc.strerror or type(exc).__name__})") \
            from None
    rows = export.csv_rows(data)
    print(f"wrote {json_path} ({len(data['meetings'])} meetings, {len(data['actions'])} "
          f"actions, {len(rows['events'])} history entries, {len(data['roles'])} role terms; "
          f"workspaces: {', '.join(data['workspaces']) or 'none'})")
    for name, path in tables.items():
        print(f"wrote {path} ({len(rows[name])} rows)")
    return 0


def _forget_user(args: argparse.Namespace) -> int:
    from storage.db import transaction
    from storage.errors import ServiceError
    from storage.services import forget

    try:
        user_id = forget.check_user_id(args.user_id)
    except ServiceError as exc:
        raise CliError(exc.message) from None
    engine = _data_engine()
    now = datetime.now(UTC)
    try:
        with transaction(make_session_factory(engine)) as session:
            teams = [args.team] if args.team else forget.teams(session)
            reports = [
                forget.forget_user(session, team_id=team, user_id=user_id,
                                   actor=forget.SYSTEM_ACTOR, now=now, role=args.role)
                for team in teams
            ]
    except ServiceError as exc:
        raise CliError(exc.message) from None
    _forget_in_sqlite_inbox(engine, [report.team_id for report in reports], user_id)
    if not reports:
        print("the database holds no workspaces; nothing changed")
    for report in reports:
        print(_describe_forgetting(report, user_id))
    return 0


def _forget_in_sqlite_inbox(engine: Engine, teams: list[str], user_id: str) -> None:
    """On SQLite the inbox is a file beside the database: forget the person there too."""
    from storage.db import transaction
    from storage.inbox_db import open_inbox
    from storage.services import inbox

    if engine.url.get_backend_name() != "sqlite":
        return
    found = open_inbox(engine, make_session_factory(engine))
    with transaction(found.sessions) as session:
        for team in teams:
            inbox.forget_user(session, team_id=team, user_id=user_id)
    found.engine.dispose()


def _describe_forgetting(report: Any, user_id: str) -> str:
    if not report.changed:
        return f"{report.team_id}: no record of {user_id}; nothing changed"
    lines = [f"{report.team_id}: {user_id} is now {report.placeholder} in the record"]
    if report.refs:
        refs = ", ".join(f"A-{ref}" for ref in report.refs)
        lines.append(f"  actions anonymised ({len(report.refs)}): {refs}; each history "
                     "records it")
    if report.ownerships:
        to = f"the role {report.owner_role}" if report.owner_role else report.placeholder
        lines.append(f"  ownerships moved to {to}: {report.ownerships}")
    if report.roles_vacated:
        lines.append(f"  roles now vacant: {', '.join(report.roles_vacated)}")
    if report.secretariat_removed:
        lines.append("  removed from the secretariat")
    for where, count in sorted(report.values.items()):
        lines.append(f"  {where}: {count} rewritten")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
