"""The `/actions` command grammar: every subcommand, the must-work examples and the errors."""

from datetime import date, time

import pytest

from bot.parsing import commands as c
from bot.parsing.commands import (
    HELP_TEXT,
    MAX_TEXT_LENGTH,
    USAGE,
    AddAction,
    AllOpen,
    AssignAction,
    AtMeeting,
    ByOwner,
    CloseAction,
    CommandError,
    DoneAction,
    DropAction,
    DueNext,
    Help,
    ListActions,
    ListRoles,
    MeetingKind,
    MeetingList,
    Mine,
    MoveMeeting,
    OpenForm,
    Overdue,
    ReopenAction,
    ReviseDue,
    SetNextMeeting,
    SetRole,
    ShowAction,
    StartAction,
    Summary,
    UpdateAction,
    parse_command,
)
from bot.parsing.owners import RoleOwner, UserOwner
from storage.due import DueAtMeetingInMonth, DueAtNextMeeting, DueOnDate
from storage.services import papers

TODAY = date(2026, 11, 23)  # a Monday


def parse(text: str, today: date = TODAY):
    return parse_command(text, today)


def error(text: str, today: date = TODAY) -> CommandError:
    with pytest.raises(CommandError) as caught:
        parse_command(text, today)
    assert caught.value.message
    assert caught.value.usage
    return caught.value


def add(text: str) -> AddAction:
    command = parse(text)
    assert isinstance(command, AddAction), command
    return command


# --- add: the examples that must work -------------------------------------------------


def test_add_with_role_next_meeting_and_item() -> None:
    command = parse("add DCC to review the diary appointments metric by next meeting (item 2.4)")
    assert command == AddAction(
        owners=(RoleOwner("DCC"),),
        text="review the diary appointments metric",
        due=DueAtNextMeeting(),
        agenda_item="2.4",
    )


def test_add_with_mention_and_role_and_date() -> None:
    command = parse("add <@U012AB3CD> and ACC to brief the PCC on 101 call handling by 30/06/2027")
    assert command == AddAction(
        owners=(UserOwner("U012AB3CD"), RoleOwner("ACC")),
        text="brief the PCC on 101 call handling",
        due=DueOnDate(date(2027, 6, 30)),
        agenda_item=None,
    )


@pytest.mark.parametrize(
    ("tail", "due"),
    [
        ("by 30 Jun 2027", DueOnDate(date(2027, 6, 30))),
        ("by 30 June", DueOnDate(date(2027, 6, 30))),
        ("by friday", DueOnDate(date(2026, 11, 27))),
        ("by in 2 weeks", DueOnDate(date(2026, 12, 7))),
        ("in 2 weeks", DueOnDate(date(2026, 12, 7))),
        ("in 3 days", DueOnDate(date(2026, 11, 26))),
        ("within a month", DueOnDate(date(2026, 12, 23))),
        ("by the November meeting", DueAtMeetingInMonth(2026, 11)),
        ("by next meeting", DueAtNextMeeting()),
        ("by the next meeting.", DueAtNextMeeting()),
    ],
)
def test_add_due_forms(tail: str, due: object) -> None:
    command = add(f"add <@U012AB3CD> and ACC to brief the PCC on 101 call handling {tail}")
    assert command.text == "brief the PCC on 101 call handling"
    assert command.due == due


def test_add_without_due_leaves_it_to_the_service() -> None:
    command = add("add CC to share his briefing note for the meeting with the PCC")
    assert command.due is None
    assert command.text == "share his briefing note for the meeting with the PCC"


def test_add_keeps_by_phrases_that_are_not_dates_in_the_text() -> None:
    command = add("add DCC to review the measures used by the force")
    assert command.text == "review the measures used by the force"
    assert command.due is None


def test_add_uses_the_last_by_that_is_a_date() -> None:
    command = add("add DCC to report crimes committed by 16 year olds by friday")
    assert command.text == "report crimes committed by 16 year olds"
    assert command.due == DueOnDate(date(2026, 11, 27))


def test_add_text_before_a_trailing_span_may_contain_by() -> None:
    command = add("add DCC to brief the PCC by phone in 2 weeks")
    assert command.text == "brief the PCC by phone"
    assert command.due == DueOnDate(date(2026, 12, 7))


def test_add_keeps_the_users_text_exactly() -> None:
    command = add("add dcc to   Review  the DIARY metric, too  by friday")
    assert command.owners == (RoleOwner("DCC"),)
    assert command.text == "Review  the DIARY metric, too"


def test_add_text_may_contain_to() -> None:
    command = add("add ACC to write to the PCC about the move to Hindlip")
    assert command.text == "write to the PCC about the move to Hindlip"


@pytest.mark.parametrize(
    ("owners", "expected"),
    [
        ("DCC", (RoleOwner("DCC"),)),
        ("The ACC", (RoleOwner("ACC"),)),
        ("the dcc and the acc", (RoleOwner("DCC"), RoleOwner("ACC"))),
        ("DCC, ACC & CC", (RoleOwner("DCC"), RoleOwner("ACC"), RoleOwner("CC"))),
        ("DCC &amp; ACC", (RoleOwner("DCC"), RoleOwner("ACC"))),
        ("DCC and DCC and dcc", (RoleOwner("DCC"),)),
        ("PCC's CEO", (RoleOwner("CEO"),)),
        ("the PCC’s CEO and DPCC", (RoleOwner("CEO"), RoleOwner("DPCC"))),
        ("<@U012AB3CD|jo.bloggs>", (UserOwner("U012AB3CD"),)),
        ("<@U1|Smith, John and co>, DCC", (UserOwner("U1"), RoleOwner("DCC"))),
        ("<@U1> <@W2>", (UserOwner("U1"), UserOwner("W2"))),
        ("<@U1> and <@U1>", (UserOwner("U1"),)),
        ("R&D_LEAD", (RoleOwner("R&D_LEAD"),)),
    ],
)
def test_add_owners(owners: str, expected: tuple[object, ...]) -> None:
    assert add(f"add {owners} to do the thing").owners == expected


def test_add_accepts_a_pasted_action_label() -> None:
    command = add("add ACTION: DCC to review diary appointments metric")
    assert command.owners == (RoleOwner("DCC"),)
    assert add("add Actions arising: The CC to clarify the position").owners == (RoleOwner("CC"),)


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("add DCC to review it by friday (item 2.4)", "2.4"),
        ("add DCC to review it by friday (item 2.4a)", "2.4a"),
        ("add DCC to review it by friday (agenda item 3)", "3"),
        ("add DCC to review it by friday (Item 2.4)", "2.4"),
        ("add DCC to review it (item 2.4) by friday", "2.4"),
        ("add DCC (item 2.4) to review it by friday", "2.4"),
    ],
)
def test_add_agenda_item(text: str, item: str) -> None:
    command = add(text)
    assert command.agenda_item == item
    assert command.text == "review it"
    assert command.due == DueOnDate(date(2026, 11, 27))


def test_add_item_before_a_full_stop() -> None:
    command = add("add CC to share the note (item 1.1).")
    assert command.text == "share the note."
    assert command.agenda_item == "1.1"


def test_add_two_items_is_an_error() -> None:
    assert "one agenda reference" in error("add DCC to x (item 1) (item 2)").message


def test_add_alone_and_empty_text_open_the_form() -> None:
    assert parse("") == OpenForm()
    assert parse("   ") == OpenForm()
    assert parse("add") == OpenForm()
    assert parse("ADD  ") == OpenForm()


# --- add: errors ----------------------------------------------------------------------


def test_add_without_owners_explains_the_form() -> None:
    caught = error("add to do x")
    assert "add <owners> to <what> by <when>" in caught.message
    assert caught.usage == USAGE["add"]


def test_add_without_to_explains_the_form() -> None:
    assert "add <owners> to <what> by <when>" in error("add DCC review it").message


@pytest.mark.parametrize("text", ["add DCC to", "add DCC to   ", "add DCC to by friday"])
def test_add_without_action_text(text: str) -> None:
    assert "What is the action" in error(text).message


def test_add_text_over_slack_limit() -> None:
    caught = error("add DCC to " + "x" * (MAX_TEXT_LENGTH + 1))
    assert "3,001 characters" in caught.message
    assert "3,000" in caught.message


def test_add_text_at_slack_limit_is_fine() -> None:
    assert len(add("add DCC to " + "x" * MAX_TEXT_LENGTH).text) == MAX_TEXT_LENGTH


@pytest.mark.parametrize(
    ("owners", "fragment"),
    [
        ("@john", "I can't find anyone called `@john` in this workspace"),
        ("<!subteam^S123|@execs>", "is a group"),
        ("<#C123|general>", "is a channel"),
        ("DCC and 42", "`42`"),
        ("DCC and <@U1> Smith", "`&lt;@U1&gt; Smith` isn't an owner"),
    ],
)
def test_add_unknown_owner_words(owners: str, fragment: str) -> None:
    caught = error(f"add {owners} to do the thing")
    assert fragment in caught.message
    assert caught.usage == USAGE["add"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("add DCC to review stats by 31/02/2027", "February 2027 has 28 days"),
        ("add DCC to review stats by 12/13/2026", "day/month/year"),
        ("add DCC to review stats by 01/06/2026", "in the past"),
        ("add DCC to review stats by the Novembr meeting", "couldn't read"),
        ("add DCC to review stats by Fridya 3", "couldn't read"),
    ],
)
def test_add_never_keeps_a_mistyped_date_in_the_text(text: str, fragment: str) -> None:
    caught = error(text)
    assert fragment in caught.message
    assert caught.usage == USAGE["add"]


# --- the other action subcommands -----------------------------------------------------


@pytest.mark.parametrize("ref", ["A-7", "a-7", "A7", "#A-7", "7", "#7", "A-7:"])
def test_refs(ref: str) -> None:
    assert parse(f"show {ref}") == ShowAction(7)


@pytest.mark.parametrize("ref", ["B-7", "A-", "A-0", "0", "seven", "A-99999999999", "A--7"])
def test_bad_refs(ref: str) -> None:
    caught = error(f"show {ref}")
    assert caught.message.startswith(f"`{ref}` is not an action reference; refs look like A-7")
    assert caught.usage == USAGE["show"]


def test_update() -> None:
    assert parse("update A-7 Draft circulated to the DCC") == UpdateAction(
        7, "Draft circulated to the DCC"
    )


def test_update_needs_a_note() -> None:
    assert error("update A-7").usage == USAGE["update"]


def test_update_needs_a_ref() -> None:
    assert "Which action" in error("update").message


def test_start() -> None:
    assert parse("start A-7") == StartAction(7)
    assert "takes just the reference" in error("start A-7 now").message


def test_done_close_reopen_take_optional_notes() -> None:
    assert parse("done A-7 Briefing sent to the PCC") == DoneAction(7, "Briefing sent to the PCC")
    assert parse("done A-7") == DoneAction(7, None)
    assert parse("close A-7") == CloseAction(7, None)
    assert parse("close A-7 Accepted at the meeting") == CloseAction(7, "Accepted at the meeting")
    assert parse("reopen A-7") == ReopenAction(7, None)
    assert parse("reopen a7 Not finished") == ReopenAction(7, "Not finished")


def test_drop_needs_a_reason() -> None:
    assert parse("drop A-7 superseded by A-9") == DropAction(7, "superseded by A-9")
    assert error("drop A-7").usage == USAGE["drop"]


def test_notes_respect_the_slack_limit() -> None:
    assert "3,000" in error("update A-7 " + "y" * 3001).message


def test_due() -> None:
    assert parse("due A-7 15/01/2027") == ReviseDue(7, DueOnDate(date(2027, 1, 15)))
    assert parse("due A-7 next meeting") == ReviseDue(7, DueAtNextMeeting())
    assert parse("due A-7 by the March meeting") == ReviseDue(7, DueAtMeetingInMonth(2027, 3))


def test_due_errors_carry_the_due_usage() -> None:
    caught = error("due A-7 31/02/2027")
    assert "February 2027 has 28 days" in caught.message
    assert caught.usage == USAGE["due"]
    assert error("due A-7").usage == USAGE["due"]


def test_assign() -> None:
    assert parse("assign A-7 CC") == AssignAction(7, (RoleOwner("CC"),))
    assert parse("assign A-7 <@U1> and DCC") == AssignAction(7, (UserOwner("U1"), RoleOwner("DCC")))
    assert parse("assign A-7 to the ACC") == AssignAction(7, (RoleOwner("ACC"),))


def test_assign_needs_owners() -> None:
    assert error("assign A-7").usage == USAGE["assign"]
    assert "isn't an owner" in error("assign A-7 #5").message


# --- list -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("list", ListActions(AllOpen())),
        ("list open", ListActions(AllOpen())),
        ("list mine", ListActions(Mine())),
        ("LIST Mine", ListActions(Mine())),
        ("list DCC", ListActions(ByOwner(RoleOwner("DCC")))),
        ("list the dcc", ListActions(ByOwner(RoleOwner("DCC")))),
        ("list <@U012AB3CD>", ListActions(ByOwner(UserOwner("U012AB3CD")))),
        ("list <@U012AB3CD|Jo Bloggs>", ListActions(ByOwner(UserOwner("U012AB3CD")))),
        ("list overdue", ListActions(Overdue())),
        ("list next", ListActions(DueNext())),
        ("list meeting 26/11/2026", ListActions(AtMeeting(date(2026, 11, 26)))),
        ("list meeting 26 Nov 2026", ListActions(AtMeeting(date(2026, 11, 26)))),
        ("list meeting 28/05/2019", ListActions(AtMeeting(date(2019, 5, 28)))),
        ("list overdue page 2", ListActions(Overdue(), page=2)),
        ("list page 3", ListActions(AllOpen(), page=3)),
        ("list DCC page 2", ListActions(ByOwner(RoleOwner("DCC")), page=2)),
    ],
)
def test_list(text: str, expected: ListActions) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "list overdue page",
        "list page 0",
        "list page two",
        "list meeting",
        "list meeting 31/02/2027",
        "list DCC and ACC",
    ],
)
def test_list_errors(text: str) -> None:
    assert error(text).usage == USAGE["list"]


# --- meetings -------------------------------------------------------------------------


def test_meeting_next_thematic() -> None:
    assert parse("meeting next 26/11/2026 10:00 Thematic: Covid-19") == SetNextMeeting(
        starts_on=date(2026, 11, 26),
        starts_time=time(10, 0),
        kind=MeetingKind.THEMATIC,
        title="Covid-19",
        venue=None,
    )


def test_meeting_next_monthly_with_venue() -> None:
    assert parse("meeting next 16/12/2026 10:00 Monthly at Hindlip, room 1.38") == SetNextMeeting(
        starts_on=date(2026, 12, 16),
        starts_time=time(10, 0),
        kind=MeetingKind.MONTHLY,
        title="Monthly assurance meeting",
        venue="Hindlip, room 1.38",
    )


def test_meeting_next_defaults() -> None:
    assert parse("meeting next 26/11/2026") == SetNextMeeting(
        date(2026, 11, 26), time(10, 0), MeetingKind.MONTHLY, "Monthly assurance meeting", None
    )


@pytest.mark.parametrize(
    ("time_text", "expected"),
    [
        ("10:00", time(10, 0)),
        ("14:30", time(14, 30)),
        ("10am", time(10, 0)),
        ("10 am", time(10, 0)),
        ("2.30pm", time(14, 30)),
        ("7pm", time(19, 0)),
        ("12pm", time(12, 0)),
        ("12am", time(0, 0)),
        ("@ 19:00", time(19, 0)),
        ("at 9.15", time(9, 15)),
    ],
)
def test_meeting_next_times(time_text: str, expected: time) -> None:
    command = parse(f"meeting next 26/11/2026 {time_text} Panel")
    assert isinstance(command, SetNextMeeting)
    assert command.starts_time == expected
    assert command.kind is MeetingKind.PANEL


@pytest.mark.parametrize("time_text", ["25:00", "10:60", "13pm", "10", "at 7"])
def test_meeting_next_bad_times(time_text: str) -> None:
    caught = error(f"meeting next 26/11/2026 {time_text} Monthly")
    assert "time" in caught.message
    assert caught.usage == USAGE["meeting"]


@pytest.mark.parametrize(
    ("words", "kind", "title"),
    [
        ("Monthly", MeetingKind.MONTHLY, "Monthly assurance meeting"),
        ("Monthly assurance meeting", MeetingKind.MONTHLY, "Monthly assurance meeting"),
        ("Thematic on Covid-19", MeetingKind.THEMATIC, "Covid-19"),
        ("thematic meeting - Knife crime", MeetingKind.THEMATIC, "Knife crime"),
        ("Thematic", MeetingKind.THEMATIC, "Thematic meeting"),
        ("Extraordinary", MeetingKind.EXTRAORDINARY, "Extraordinary meeting"),
        ("Public Facebook Live on rural crime", MeetingKind.PUBLIC, "Facebook Live on rural crime"),
        ("Police and Crime Panel", MeetingKind.PANEL, "Police and Crime Panel"),
        ("Budget scrutiny", MeetingKind.MONTHLY, "Budget scrutiny"),
        ("Publication review", MeetingKind.MONTHLY, "Publication review"),
    ],
)
def test_meeting_next_kinds(words: str, kind: MeetingKind, title: str) -> None:
    command = parse(f"meeting next 26/11/2026 10:00 {words}")
    assert isinstance(command, SetNextMeeting)
    assert (command.kind, command.title) == (kind, title)


def test_meeting_next_with_written_date_weekday_and_venue() -> None:
    command = parse("meeting next Thu 26 Nov 2026 2.30pm Thematic: Covid-19 @ Hindlip")
    assert command == SetNextMeeting(
        date(2026, 11, 26), time(14, 30), MeetingKind.THEMATIC, "Covid-19", "Hindlip"
    )


def test_meeting_next_time_before_a_full_stop() -> None:
    command = parse("meeting next 26/11/2026 10:00.")
    assert isinstance(command, SetNextMeeting)
    assert (command.starts_time, command.title) == (time(10, 0), "Monthly assurance meeting")


def test_meeting_next_venue_without_title() -> None:
    command = parse("meeting next 26/11/2026 at Hindlip")
    assert isinstance(command, SetNextMeeting)
    assert (command.title, command.venue) == ("Monthly assurance meeting", "Hindlip")


def test_meeting_next_today_is_allowed() -> None:
    command = parse("meeting next today 19:00 Public")
    assert isinstance(command, SetNextMeeting)
    assert command.starts_on == TODAY


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("meeting next 01/11/2026 10:00", "in the past"),
        ("meeting next 31/02/2027 10:00", "February 2027 has 28 days"),
        ("meeting next", "When is it"),
        ("meeting next soon", "couldn't read"),
        ("meeting next 26/11/2026 Monthly at", "venue"),
        ("meeting", "meeting next"),
        ("meeting 26/11/2026", "meeting next"),
        ("meeting list please", "takes nothing"),
    ],
)
def test_meeting_errors(text: str, fragment: str) -> None:
    caught = error(text)
    assert fragment in caught.message
    assert caught.usage == USAGE["meeting"]


def test_meeting_list() -> None:
    assert parse("meeting list") == MeetingList()


def test_meeting_kind_is_a_str_enum() -> None:
    assert MeetingKind.THEMATIC == "thematic"
    assert [kind.value for kind in MeetingKind] == [
        "monthly",
        "thematic",
        "extraordinary",
        "public",
        "panel",
    ]


# --- roles, summary, help -------------------------------------------------------------


def test_role() -> None:
    assert parse("role DCC <@U012AB3CD>") == SetRole("DCC", "U012AB3CD")
    assert parse("role dcc <@U012AB3CD|Jo Bloggs>") == SetRole("DCC", "U012AB3CD")
    assert parse("role DCC none") == SetRole("DCC", None)
    assert parse("role DCC vacant") == SetRole("DCC", None)
    assert parse("role the ACC None") == SetRole("ACC", None)


@pytest.mark.parametrize(
    "text", ["role", "role DCC", "role DCC @jo", "role 123 <@U1>", "role <#C1> <@U1>"]
)
def test_role_errors(text: str) -> None:
    assert error(text).usage == USAGE["role"]


def test_roles_summary_help() -> None:
    assert parse("roles") == ListRoles()
    assert parse("summary") == Summary()
    assert parse("help") == Help()
    assert parse("HELP add") == Help()
    assert error("summary now").usage == USAGE["summary"]


def test_unknown_subcommand() -> None:
    caught = error("frobnicate the widgets")
    assert caught.message.startswith("I don't know `frobnicate`.")
    assert caught.usage == HELP_TEXT


def test_usage_covers_every_subcommand() -> None:
    subcommands = {"add", "update", "start", "done", "close", "reopen", "drop", "due"}
    subcommands |= {"assign", "show", "list", "meeting", "role", "roles", "summary", "help"}
    subcommands |= {"secretariat", "settings", "more-time", "export", "stop", "edit"}
    subcommands |= {"import"}
    assert set(USAGE) == subcommands
    for name, line in USAGE.items():
        assert line.startswith(f"/actions {name}")
    assert USAGE["add"] == "/actions add <owners> to <what> by <when> (item 2.4)"


def test_help_text_is_short() -> None:
    assert len(HELP_TEXT) < 3000
    for name in ("add", "list", "show", "update", "done", "close", "meeting", "role"):
        assert name in HELP_TEXT


def test_slack_escapes_are_undone_in_text() -> None:
    command = add("add DCC to compare A &amp; B &lt;quarterly&gt; by friday")
    assert command.text == "compare A & B <quarterly>"


def test_commands_are_frozen() -> None:
    command = add("add DCC to review it")
    with pytest.raises(AttributeError):
        command.text = "changed"  # type: ignore[misc]


def test_meeting_move() -> None:
    assert parse("meeting move 26/11/2026 to 03/12/2026") == MoveMeeting(
        date(2026, 11, 26), date(2026, 12, 3), None)
    assert parse("meeting move 26/11/2026 to 3 Dec 2026 14:00") == MoveMeeting(
        date(2026, 11, 26), date(2026, 12, 3), time(14, 0))
    assert "move" in error("meeting move 26/11/2026").message
    assert "past" in error("meeting move 26/11/2026 to 01/01/2026").message


@pytest.mark.parametrize(("text", "expected"), [
    ("export", c.ExportLog(papers.OpenActions(), "docx")),
    ("export all", c.ExportLog(papers.AllActions(), "docx")),
    ("export xlsx", c.ExportLog(papers.OpenActions(), "xlsx")),
    ("export CSV all", c.ExportLog(papers.AllActions(), "csv")),
    ("export meeting 28/10/2020", c.ExportLog(papers.FromMeeting(date(2020, 10, 28)), "docx")),
    ("export since 01/04/2027 docx", c.ExportLog(papers.Since(date(2027, 4, 1)), "docx")),
])
def test_export_words(text: str, expected: c.ExportLog) -> None:
    assert c.parse_command(text, date(2026, 11, 23)) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("export csv xlsx", "Choose one format"),
    ("export everything", "I can't export `everything`"),
    ("export meeting", "Which day?"),
    ("export since someday", "someday"),
    ("export all meeting 28/10/2020", "I can't export"),
])
def test_export_refusals(text: str, message: str) -> None:
    with pytest.raises(c.CommandError) as caught:
        c.parse_command(text, date(2026, 11, 23))
    assert message in caught.value.message
    assert caught.value.usage == c.USAGE["export"]
