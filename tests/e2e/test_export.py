"""`/actions export`: the secretariat gets the action log as a file in their DM."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import docx
import openpyxl

from tests.e2e.test_actions_flow import say
from tests.e2e.test_meeting_cycle import local, run_round
from tests.support.harness import RunningBot
from tests.support.world import LONDON


def _log(bot: RunningBot) -> None:
    say(bot, "role DCC <@UDCC>")
    say(bot, "meeting next 26/11/2026 10:00 Thematic: Covid-19")
    say(bot, "add DCC to review the diary appointments metric by 25/11/2026 (item 2.4)")
    say(bot, "add <@UACC> to brief the PCC on 101 calls by 20/12/2026")


def test_export_uploads_word_to_the_requesters_dm_through_the_three_steps(
    bot: RunningBot,
) -> None:
    _log(bot)
    reply = say(bot, "export")
    assert "2 actions" in reply and "direct messages" in reply
    [shared] = bot.standin.files.shared("DUSEC")
    assert shared.filename.endswith(".docx") and shared.content is not None
    assert len(shared.content) == shared.length
    [asked] = bot.standin.calls_to("files.getUploadURLExternal")
    assert asked.args["filename"] == shared.filename
    assert int(asked.args["length"]) == len(shared.content)
    [uploaded] = bot.standin.calls_to("upload_url")
    assert uploaded.status == 200
    [completed] = bot.standin.calls_to("files.completeUploadExternal")
    assert completed.args["channel_id"] == "DUSEC"
    assert "Open actions" in shared.title or "open actions" in shared.title
    document = docx.Document(io.BytesIO(shared.content))
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "DCC (Dana Deputy)" in cells and "Alex Assistant" in cells
    assert not any("UDCC" in c or "UACC" in c for c in cells)
    share = [m for m in bot.standin.messages_in("USEC") if m.get("subtype") == "file_share"]
    assert share and share[0]["files"][0]["id"] == shared.id


def test_export_formats_and_scopes(bot: RunningBot) -> None:
    _log(bot)
    say(bot, "export all xlsx")
    say(bot, "export meeting 26/11/2026 csv")
    [book, table] = bot.standin.files.shared("DUSEC")
    sheet = openpyxl.load_workbook(io.BytesIO(book.content))["Action log"]
    assert [c.value for c in sheet[2]][0] == "A-1"
    assert table.filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    # Both actions were recorded before any meeting was held, so none came from it.
    assert rows[1] == ["No actions"]


def test_export_is_for_the_secretariat_only(bot: RunningBot) -> None:
    _log(bot)
    reply = say(bot, "export", user="UDCC")
    assert "Only the secretariat can export the action log" in reply
    assert bot.standin.calls_to("files.getUploadURLExternal") == []


def test_export_refuses_a_missing_meeting_and_a_future_since(bot: RunningBot) -> None:
    _log(bot)
    assert "There is no meeting on 28/10/2020" in say(bot, "export meeting 28/10/2020")
    assert "is in the future" in say(bot, "export since 01/04/2027")
    assert "I can't export" in say(bot, "export everything")
    assert bot.standin.calls_to("files.getUploadURLExternal") == []


def test_a_refused_upload_is_reported_and_changes_nothing(bot: RunningBot) -> None:
    _log(bot)
    bot.standin.inject("files.completeUploadExternal", "channel_not_found")
    reply = say(bot, "export")
    assert "Slack refused the file (channel_not_found)" in reply
    assert bot.standin.files.shared() == []


def test_the_summary_carries_the_word_log_only_when_the_secretariat_asks(
    bot: RunningBot,
) -> None:
    bot.clock.set(local(14, 10))
    say(bot, "settings channel <#C0TEAM|opcc-team>")
    say(bot, "meeting next 30/12/2026 10:00 Monthly at Hindlip")
    say(bot, "add DCC to review the diary appointments metric by next meeting")
    run_round(bot, local(24, 9, 0))  # 2 working days before: the summary, no file
    assert bot.standin.files.shared() == []
    assert "attached" in say(bot, "settings summary attach on")
    assert "OPCC for West Mercia" in say(bot, "settings organisation OPCC for West Mercia")
    say(bot, "meeting next 26/01/2027 10:00 Monthly at Hindlip")
    bot.clock.set(local(31, 10))
    run_round(bot, datetime(2027, 1, 22, 9, 0, tzinfo=LONDON))
    files = bot.standin.files.shared("C0TEAM")
    assert len(files) == 1 and files[0].filename.endswith(".docx")
    summary = [m for m in bot.standin.messages_in("C0TEAM") if "Matters arising" in m["text"]]
    assert files[0].thread_ts == summary[-1]["ts"]
    document = docx.Document(io.BytesIO(files[0].content))
    assert document.sections[0].header.paragraphs[0].text == "OPCC for West Mercia"
    # The secretariat gets the summary by DM, with the file in its thread too.
    assert len(bot.standin.files.shared("DUSEC")) == 1
