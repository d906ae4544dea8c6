"""Make docs/action-log-word.png: a real Word action log, rendered by LibreOffice.

    .venv/bin/python docs/word_picture.py

Records a small log through the service functions in a throwaway SQLite database,
writes it with bot.papers (the code /actions export runs), converts the .docx to PDF
with LibreOffice headless and the first page to PNG with pdftoppm.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.papers.formats import PARTS, PaperFormat, write  # noqa: E402
from bot.papers.gather import gather_log  # noqa: E402
from storage import schema  # noqa: E402
from storage.db import make_engine, make_session_factory, read_transaction, transaction  # noqa: E402
from storage.models import ActionStatus, MeetingKind  # noqa: E402
from storage.owners import RoleOwner, UserOwner  # noqa: E402
from storage.services import actions, meetings, papers, roles, workspace  # noqa: E402
from storage.services.due import ResolvedDue  # noqa: E402
from storage.services.people import Actor  # noqa: E402

LONDON = ZoneInfo("Europe/London")
TEAM, SEC = "T0001", Actor("USEC")
NAMES = {"USEC": "Sam Policy", "UDCC": "Dana Deputy", "UACC": "Alex Assistant",
         "UCC": "Chris Chief", "UCEO": "Morgan Exec"}
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
OUT = Path(__file__).with_name("action-log-word.png")


def build(sessions) -> None:  # type: ignore[no-untyped-def]
    at = datetime(2026, 9, 1, 9, tzinfo=UTC)
    with transaction(sessions) as s:
        workspace.welcome(s, team_id=TEAM, user_id=SEC.user_id, now=at)
        workspace.change_setting(s, team_id=TEAM, actor=SEC, name="organisation_name",
                                 value="Office of the Police and Crime Commissioner", now=at)
        for code, user in (("DCC", "UDCC"), ("ACC", "UACC"), ("CC", "UCC"), ("CEO", "UCEO")):
            roles.set_role_holder(s, team_id=TEAM, actor=SEC, code=code, user_id=user, now=at)
        october, _ = meetings.set_next_meeting(
            s, team_id=TEAM, actor=SEC, starts_at=datetime(2026, 10, 28, 14, 30, tzinfo=UTC),
            kind=MeetingKind.MONTHLY, title="Monthly assurance meeting", venue=None, now=at,
            zone=LONDON)
        after = datetime(2026, 10, 29, 9, tzinfo=UTC)
        november, _ = meetings.set_next_meeting(
            s, team_id=TEAM, actor=SEC, starts_at=datetime(2026, 11, 26, 10, tzinfo=UTC),
            kind=MeetingKind.THEMATIC, title="Covid-19", venue=None, now=after, zone=LONDON)

        def add(text, owners, due, item):  # type: ignore[no-untyped-def]
            return actions.record_action(
                s, team_id=TEAM, actor=SEC, owners=owners, text=text, due=due,
                agenda_item=item, source_meeting=october, now=after)

        one = add("review the diary appointments metric for inclusion within the "
                  "performance management framework", [RoleOwner("DCC")],
                  ResolvedDue(on=None, meeting=november), "2.4")
        actions.add_update(s, team_id=TEAM, actor=Actor("UDCC"), action=one,
                           note="Draft metric circulated to chief officers",
                           now=datetime(2026, 11, 12, 15, tzinfo=UTC))
        actions.change_status(s, team_id=TEAM, actor=Actor("UDCC"), action=one,
                              to=ActionStatus.IN_PROGRESS, note=None,
                              now=datetime(2026, 11, 12, 15, 5, tzinfo=UTC))
        two = add("share his briefing note for the meeting with the PCC", [RoleOwner("CC")],
                  ResolvedDue(on=date(2026, 11, 6), meeting=None), "3.1")
        actions.revise_due(s, team_id=TEAM, actor=SEC, action=two,
                           due=ResolvedDue(on=date(2026, 11, 20), meeting=None),
                           now=datetime(2026, 11, 5, 9, tzinfo=UTC))
        three = add("provide the PCC with quarterly briefings on 101 call handling",
                    [RoleOwner("ACC"), UserOwner("UCEO")],
                    ResolvedDue(on=date(2026, 11, 20), meeting=None), "4")
        actions.change_status(s, team_id=TEAM, actor=Actor("UACC"), action=three,
                              to=ActionStatus.COMPLETE, note="First briefing given on 18/11",
                              now=datetime(2026, 11, 18, 16, tzinfo=UTC))
        four = add("bring the use of outcome 16 back to the September meeting",
                   [RoleOwner("DCC")], ResolvedDue(on=date(2026, 11, 2), meeting=None), "5")
        actions.change_status(s, team_id=TEAM, actor=SEC, action=four,
                              to=ActionStatus.CLOSED, note="Discussed and accepted",
                              now=datetime(2026, 11, 3, 10, tzinfo=UTC))


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        print("needs LibreOffice (soffice) and pdftoppm (poppler-utils)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        engine = make_engine(f"sqlite:///{folder / 'picture.db'}")
        schema.upgrade(engine)
        sessions = make_session_factory(engine)
        build(sessions)
        with read_transaction(sessions) as session:
            log = gather_log(session, team_id=TEAM, scope=papers.AllActions(),
                             names=lambda u: NAMES.get(u, "a former member"), now=NOW,
                             zone=LONDON, parts=PARTS[PaperFormat.DOCX])
        source = folder / "action-log.docx"
        source.write_bytes(write(log, PaperFormat.DOCX).content)
        subprocess.run([soffice, "--headless", "--norestore",
                        f"-env:UserInstallation=file://{folder / 'profile'}",
                        "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                       check=True, capture_output=True, timeout=180)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1",
                        "-singlefile", str(folder / "action-log.pdf"), str(folder / "page")],
                       check=True, timeout=60)
        shutil.copy(folder / "page.png", OUT)
        engine.dispose()
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
