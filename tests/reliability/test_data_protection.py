"""`actionlog export` and `actionlog forget-user`: the whole record out; a leaver anonymised."""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from storage.db import transaction
from storage.errors import InvalidChange, NotFound
from storage.models import (
    Action,
    ActionEvent,
    ActionStatus,
    Base,
    Delivery,
    MeetingKind,
    Role,
    RoleAssignment,
    SecretariatMember,
)
from storage.owners import RoleOwner, UserOwner
from storage.services import actions, export, forget, meetings, people, roles, workspace
from storage.services.due import ResolvedDue
from storage.services.people import Actor
from tests.reliability.conftest import check_layout, everything_sent, outgoing, say
from tests.support.harness import RunningBot
from tests.support.world import LONDON

TEAM, OTHER_TEAM = "T0001", "T0002"
LEAVER = "U07LEAVR9Q"
SEC, LEAVING = Actor("USEC"), Actor(LEAVER)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")


def _ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _record(
    session: Session,
    actor: Actor,
    owners: list[Any],
    text: str,
    when: datetime,
    team: str = TEAM,
    on: date = date(2027, 6, 30),
) -> Action:
    return actions.record_action(
        session,
        team_id=team,
        actor=actor,
        owners=owners,
        text=text,
        due=ResolvedDue(on=on, meeting=None),
        agenda_item="2.4",
        source_meeting=None,
        now=when,
    )


def build(sessions: sessionmaker[Session]) -> None:
    """A workspace in which the leaver did a bit of everything, and one other workspace."""
    with transaction(sessions) as s:
        workspace.welcome(s, team_id=TEAM, user_id="USEC", now=_ago(30))
        people.add_secretariat_member(s, team_id=TEAM, actor=SEC, user_id=LEAVER, now=_ago(29))
        people.add_secretariat_member(s, team_id=TEAM, actor=LEAVING, user_id="UACC", now=_ago(28))
        roles.set_role_holder(s, team_id=TEAM, actor=SEC, code="DCC", user_id=LEAVER, now=_ago(20))
        roles.set_role_holder(
            s, team_id=TEAM, actor=LEAVING, code="DCC", user_id="UDCC", now=_ago(10)
        )
        roles.set_role_holder(s, team_id=TEAM, actor=SEC, code="ACC", user_id=LEAVER, now=_ago(9))
        meetings.set_next_meeting(
            s,
            team_id=TEAM,
            actor=LEAVING,
            starts_at=datetime(2026, 11, 26, 10, tzinfo=LONDON),
            kind=MeetingKind.THEMATIC,
            title="Covid-19",
            venue="Hindlip",
            now=_ago(8),
            zone=LONDON,
        )
        a1 = _record(
            s,
            SEC,
            [UserOwner(LEAVER)],
            f"brief <@{LEAVER}|leaver> and the PCC on 101 calls 🚓",
            _ago(7),
        )
        a2 = _record(
            s,
            LEAVING,
            [UserOwner(LEAVER), RoleOwner("DCC")],
            "review the diary appointments metric",
            _ago(6),
        )
        actions.add_update(
            s,
            team_id=TEAM,
            actor=LEAVING,
            action=a2,
            note=f"Draft sent by {LEAVER} to <@UDCC>",
            now=_ago(5),
        )
        actions.change_status(
            s,
            team_id=TEAM,
            actor=LEAVING,
            action=a2,
            to=ActionStatus.IN_PROGRESS,
            note=None,
            now=_ago(4),
        )
        a3 = _record(s, SEC, [RoleOwner("ACC")], "share the custody briefing", _ago(6))
        actions.change_status(
            s,
            team_id=TEAM,
            actor=LEAVING,
            action=a3,
            to=ActionStatus.COMPLETE,
            note="sent",
            now=_ago(3),
        )
        actions.change_status(
            s,
            team_id=TEAM,
            actor=LEAVING,
            action=a3,
            to=ActionStatus.CLOSED,
            note="accepted",
            now=_ago(2),
        )
        actions.revise_due(
            s,
            team_id=TEAM,
            actor=SEC,
            action=a1,
            due=ResolvedDue(on=date(2027, 7, 31), meeting=None),
            now=_ago(2),
        )
        _record(s, SEC, [UserOwner("UDCC")], "nothing to do with the leaver", _ago(1))
        s.add(
            Delivery(
                team_id=TEAM,
                key=f"reminder:1:5:{LEAVER}",
                kind="reminder",
                recipient=LEAVER,
                state="sent",
                claimed_by="host:1",
                claimed_at=_ago(1),
                sent_at=_ago(1),
                attempts=1,
                detail={"refs": [a1.ref, a2.ref]},
            )
        )
        workspace.welcome(s, team_id=OTHER_TEAM, user_id="USEC2", now=_ago(30))
        _record(s, Actor("USEC2"), [UserOwner(LEAVER)], "elsewhere", _ago(1), team=OTHER_TEAM)


def every_value(session: Session, team: str) -> str:
    """Every value of every row of every table in one workspace, as one string."""
    values = []
    for table in Base.metadata.sorted_tables:
        if "team_id" in table.c:
            for row in session.execute(select(table).where(table.c.team_id == team)):
                values.extend(str(v) for v in row)
    return "\n".join(values)


def _forget(sessions: sessionmaker[Session], **options: Any) -> forget.ForgetReport:
    with transaction(sessions) as session:
        return forget.forget_user(
            session, team_id=TEAM, user_id=LEAVER, actor=forget.SYSTEM_ACTOR, now=NOW, **options
        )


def _export(sessions: sessionmaker[Session], team: str | None = TEAM) -> dict[str, Any]:
    with transaction(sessions) as session:
        return export.export_log(session, team_id=team)


def _history(data: dict[str, Any], ref: int) -> list[dict[str, Any]]:
    [action] = [a for a in data["actions"] if a["ref"] == ref]
    return action["history"]


# -- export --------------------------------------------------------------------------------


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_export_round_trip(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    build(sessions)
    with transaction(sessions) as session:
        data = export.export_log(session, now=NOW)
        counts = {
            "actions": session.query(Action).count(),
            "events": session.query(ActionEvent).count(),
            "roles": session.query(RoleAssignment).count(),
            "secretariat": session.query(SecretariatMember).count(),
        }
    assert data["exported_at"] == "2026-11-23T10:00:00Z"
    assert data["workspaces"] == [TEAM, OTHER_TEAM]

    path = export.write_json(data, tmp_path / export.JSON_NAME)
    assert json.loads(path.read_text(encoding="utf-8")) == data
    written = export.write_csv(data, tmp_path)
    assert set(written) >= {"meetings", "actions", "owners", "events", "roles"}
    tables = {name: _read_csv(p) for name, p in written.items()}
    assert len(tables["actions"]) == counts["actions"] == 5
    assert len(tables["events"]) == counts["events"]
    assert len(tables["roles"]) == counts["roles"]
    assert len(tables["secretariat"]) == counts["secretariat"]
    assert len(tables["meetings"]) == 1 and tables["meetings"][0]["venue"] == "Hindlip"
    assert len(tables["owners"]) == sum(len(a["owners"]) for a in data["actions"]) == 6

    a1 = next(r for r in tables["actions"] if r["team_id"] == TEAM and r["ref"] == "1")
    assert a1["text"] == f"brief <@{LEAVER}|leaver> and the PCC on 101 calls 🚓"
    assert (a1["original_due_date"], a1["due_date"]) == ("2027-06-30", "2027-07-31")
    a3 = next(r for r in tables["actions"] if r["team_id"] == TEAM and r["ref"] == "3")
    assert (a3["status"], a3["closed_by"]) == ("closed", LEAVER)
    assert a3["owners"] == "ACC"
    kinds = [e["kind"] for e in tables["events"] if e["team_id"] == TEAM and e["ref"] == "3"]
    assert kinds == ["created", "status", "status"]
    closing = [e for e in tables["events"] if e["team_id"] == TEAM and e["ref"] == "3"][-1]
    assert json.loads(closing["after"])["status"] == "closed"
    assert [h["kind"] for h in _history(data, 2)] == ["created", "update", "status"]

    times = (
        [m["starts_at"] for m in tables["meetings"]]
        + [r[k] for r in tables["actions"] for k in ("created_at", "last_update_at")]
        + [e["at"] for e in tables["events"]]
        + [r["started_at"] for r in tables["roles"]]
    )
    assert times and all(ISO_UTC.fullmatch(t) for t in times), times
    assert tables["meetings"][0]["starts_at"] == "2026-11-26T10:00:00Z"


def test_export_of_one_workspace(sessions: sessionmaker[Session]) -> None:
    build(sessions)
    data = _export(sessions, OTHER_TEAM)
    assert data["workspaces"] == [OTHER_TEAM]
    assert [a["text"] for a in data["actions"]] == ["elsewhere"]
    assert {a["team_id"] for a in data["actions"]} == {OTHER_TEAM}
    assert data["meetings"] == [] and data["roles"] == []


# -- forget-user --------------------------------------------------------------------------


def test_forget_user_removes_the_id_and_keeps_the_record(
    sessions: sessionmaker[Session],
) -> None:
    build(sessions)
    before = _export(sessions)
    placeholder = forget.placeholder_for(LEAVER)
    assert LEAVER not in placeholder and re.fullmatch(r"UFORGOTTEN-[0-9A-F]{10}", placeholder)

    report = _forget(sessions)

    assert report.placeholder == placeholder
    assert report.refs == [1, 2, 3]
    assert report.roles_vacated == ["ACC"] and report.secretariat_removed
    assert report.ownerships == 2
    after = _export(sessions)
    with transaction(sessions) as session:
        assert LEAVER not in every_value(session, TEAM)
        assert LEAVER in every_value(session, OTHER_TEAM)  # another workspace is untouched
        assert forget.occurrences(session, team_id=TEAM, user_id=LEAVER) == {}
        delivery = session.scalar(select(Delivery))
        assert delivery is not None and delivery.recipient == placeholder
        assert session.get(Role, _role_id(session, "ACC")).holder_user_id is None
        assert sorted(
            session.scalars(
                select(SecretariatMember.user_id).where(SecretariatMember.team_id == TEAM)
            )
        ) == ["UACC", "USEC"]
    assert LEAVER not in json.dumps(after)

    owners = {
        a["ref"]: [o["user_id"] or o["role_code"] for o in a["owners"]] for a in after["actions"]
    }
    assert owners == {1: [placeholder], 2: [placeholder, "DCC"], 3: ["ACC"], 4: ["UDCC"]}
    a1 = next(a for a in after["actions"] if a["ref"] == 1)
    assert a1["text"] == f"brief <@{placeholder}> and the PCC on 101 calls 🚓"
    a3 = next(a for a in after["actions"] if a["ref"] == 3)
    assert a3["closed_by"] == placeholder and a3["closed_at"] is not None

    # The history keeps every entry, when and what; only the id changed, and one entry
    # per affected action says so.
    for ref in (1, 2, 3):
        old, new = _history(before, ref), _history(after, ref)
        assert len(new) == len(old) + 1
        assert [(e["kind"], e["at"]) for e in new[:-1]] == [(e["kind"], e["at"]) for e in old]
        assert [e["actor"] for e in new[:-1]] == [
            placeholder if e["actor"] == LEAVER else e["actor"] for e in old
        ]
        last = new[-1]
        assert (last["kind"], last["actor"], last["at"]) == (
            "anonymised",
            "system",
            "2026-11-23T10:00:00Z",
        )
        assert "anonymised" in last["note"] and placeholder in last["note"]
    assert _history(after, 4) == _history(before, 4)
    assert _history(after, 2)[1]["note"] == f"Draft sent by {placeholder} to <@UDCC>"

    # Role terms keep their dates; the leaver's current ACC term ends now.
    terms = [(t["role_code"], t["user_id"], t["started_at"], t["ended_at"]) for t in after["roles"]]
    old_terms = [
        (t["role_code"], t["user_id"], t["started_at"], t["ended_at"]) for t in before["roles"]
    ]
    assert ("DCC", placeholder, old_terms[1][2], old_terms[1][3]) in terms
    assert ("ACC", placeholder, "2026-11-14T10:00:00Z", "2026-11-23T10:00:00Z") in terms
    assert ("ACC", None, "2026-11-23T10:00:00Z", None) in terms
    assert [t for t in after["roles"] if t["assigned_by"] == placeholder]


def _role_id(session: Session, code: str) -> int:
    role = roles.get_role(session, team_id=TEAM, code=code)
    assert role is not None
    return role.id


def test_forget_user_twice_changes_nothing_the_second_time(
    sessions: sessionmaker[Session],
) -> None:
    build(sessions)
    _forget(sessions)
    first = _export(sessions)
    again = _forget(sessions)
    assert not again.changed and again.refs == [] and not again.values
    assert _export(sessions) == first


def test_forget_user_hands_ownership_to_a_role(sessions: sessionmaker[Session]) -> None:
    build(sessions)
    report = _forget(sessions, role="dcc")
    assert report.owner_role == "DCC" and report.ownerships == 2
    after = _export(sessions)
    owners = {
        a["ref"]: [o["user_id"] or o["role_code"] for o in a["owners"]] for a in after["actions"]
    }
    assert owners[1] == ["DCC"] and owners[2] == ["DCC"]  # never the same role twice
    assert LEAVER not in json.dumps(after)
    last = _history(after, 1)[-1]
    assert last["kind"] == "anonymised" and "passed to the role DCC" in last["note"]
    assert last["after"]["owners"] == ["DCC"]
    # The history still says who owned it before, as the placeholder.
    assert _history(after, 1)[0]["after"]["owners"] == [f"<@{report.placeholder}>"]


def test_forget_user_refuses_what_would_do_harm(sessions: sessionmaker[Session]) -> None:
    build(sessions)
    before = _export(sessions)
    with transaction(sessions) as session:
        session.execute(
            SecretariatMember.__table__.delete().where(SecretariatMember.user_id != "USEC")
        )
    for user_id, role, error in (
        ("USEC", None, InvalidChange),  # the only secretariat
        ("A", None, InvalidChange),
        ("U0", None, InvalidChange),
        ("UFORGOTTEN", None, InvalidChange),
        (LEAVER, "NOPE", NotFound),
    ):
        with pytest.raises(error), transaction(sessions) as session:
            forget.forget_user(
                session, team_id=TEAM, user_id=user_id, actor="system", now=NOW, role=role
            )
    after = _export(sessions)
    assert after["actions"] == before["actions"] and after["roles"] == before["roles"]


def test_history_stays_append_only_outside_forgetting(sessions: sessionmaker[Session]) -> None:
    build(sessions)
    with pytest.raises(ValueError, match="append-only"), transaction(sessions) as session:
        session.scalars(select(ActionEvent)).first().actor = "UOTHER"  # type: ignore[union-attr]


# -- the command line -----------------------------------------------------------------------


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The CLI's environment: the test database, no Slack tokens, no .env file."""
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    yield tmp_path
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_cli_export_and_forget_user(
    sessions: sessionmaker[Session], cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(sessions)
    out = cli_env / "export"
    assert main(["export-data", "--out", str(out), "--team", TEAM]) == 0
    printed = capsys.readouterr().out
    for name in (
        export.JSON_NAME,
        "meetings.csv",
        "actions.csv",
        "owners.csv",
        "events.csv",
        "roles.csv",
    ):
        assert (out / name).exists() and name in printed
    assert "4 actions" in printed
    assert json.loads((out / export.JSON_NAME).read_text(encoding="utf-8"))["team_id"] == TEAM

    assert main(["forget-user", LEAVER, "--team", TEAM]) == 0
    printed = capsys.readouterr().out
    placeholder = forget.placeholder_for(LEAVER)
    assert f"is now {placeholder}" in printed and "A-1, A-2, A-3" in printed
    assert "roles now vacant: ACC" in printed and "removed from the secretariat" in printed

    assert main(["forget-user", LEAVER, "--team", TEAM]) == 0
    assert "nothing changed" in capsys.readouterr().out

    assert main(["forget-user", LEAVER]) == 0  # every workspace: now the other one too
    printed = capsys.readouterr().out
    assert f"{TEAM}: no record" in printed and f"{OTHER_TEAM}: {LEAVER} is now" in printed
    assert main(["export-data", "--out", str(out)]) == 0
    assert LEAVER not in (out / export.JSON_NAME).read_text(encoding="utf-8")
    for name in ("actions.csv", "owners.csv", "events.csv", "roles.csv", "secretariat.csv"):
        assert LEAVER not in (out / name).read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["forget-user", "not-an-id"], "is not a Slack user id"),
        (["forget-user", LEAVER, "--team", TEAM, "--role", "XYZ"], "There is no role XYZ"),
        (["forget-user", "USEC", "--team", TEAM], "only member of the secretariat"),
        (["export-data", "--out", "x", "--team", "TNOPE"], "no workspace TNOPE"),
    ],
)
def test_cli_refusals_exit_2_and_change_nothing(
    sessions: sessionmaker[Session],
    cli_env: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    build(sessions)
    with transaction(sessions) as session:
        session.execute(
            SecretariatMember.__table__.delete().where(SecretariatMember.user_id != "USEC")
        )
    before = _export(sessions, None)
    assert main(argv) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]  # after any JSON log lines
    assert error.startswith("actionlog: ") and message in error
    assert _export(sessions, None) == before


def test_cli_entry_point_exit_codes(
    sessions: sessionmaker[Session], cli_env: Path, database_url: str
) -> None:
    build(sessions)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["DATABASE_URL"] = database_url

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *argv],
            env=env,
            cwd=cli_env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    done = run("forget-user", LEAVER, "--team", TEAM, "--role", "DCC")
    assert done.returncode == 0, done.stderr
    assert "ownerships moved to the role DCC: 2" in done.stdout
    refused = run("forget-user", "nobody")
    assert refused.returncode == 2 and "not a Slack user id" in refused.stderr


def test_the_bot_shows_an_anonymised_record(fresh_bot: RunningBot) -> None:
    """After forgetting, show, list, Home and a reminder round still work, without the id."""
    bot = fresh_bot
    with transaction(bot.sessions) as s:
        workspace.welcome(s, team_id=TEAM, user_id="USEC", now=_ago(3))
        meetings.set_next_meeting(
            s,
            team_id=TEAM,
            actor=SEC,
            starts_at=datetime(2026, 11, 26, 10, tzinfo=LONDON),
            kind=MeetingKind.THEMATIC,
            title="Covid-19",
            venue=None,
            now=_ago(2),
            zone=LONDON,
        )
        action = _record(s, SEC, [UserOwner("UOWNER")], "brief <@UOWNER> on custody", _ago(1))
        actions.add_update(
            s, team_id=TEAM, actor=Actor("UOWNER"), action=action, note="drafted", now=_ago(1)
        )
        forget.forget_user(
            s, team_id=TEAM, user_id="UOWNER", actor=forget.SYSTEM_ACTOR, now=_ago(0.5)
        )
    placeholder = forget.placeholder_for("UOWNER")
    assert "A-1" in say(bot, "show A-1")
    say(bot, "list")
    bot.slack.event({"type": "app_home_opened", "user": "USEC", "tab": "home"})
    bot.standin.wait_for("views.publish", count=1)
    bot.reminders.run_due(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    sent = outgoing(bot.standin)
    assert any(placeholder in everything_sent(c) for c in sent)
    for call in sent:
        check_layout(call)
        assert "UOWNER" not in everything_sent(call)
