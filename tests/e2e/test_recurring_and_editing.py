"""Issue 12's recurring actions and corrections, through the real app and the stand-in."""

from __future__ import annotations

from datetime import date

from storage.db import transaction
from storage.models import ActionEvent, ActionStatus
from tests.e2e.test_actions_flow import _action, say
from tests.support.harness import RunningBot


def _setup(bot: RunningBot) -> None:
    say(bot, "role DCC <@UDCC>")
    say(bot, "role ACC <@UACC>")


def _history(bot: RunningBot, ref: int) -> str:
    say(bot, f"show A-{ref}")
    blocks = bot.standin.calls_to("response_url")[-1].args["blocks"]
    return "\n".join(b.get("text", {}).get("text", "") for b in blocks)


def test_quarterly_briefings_the_first_in_july(bot: RunningBot) -> None:
    _setup(bot)
    reply = say(bot, "add ACC to provide the PCC with quarterly briefings on the uplift in "
                     "officer numbers, the first by 31/07/2027")
    assert "Fri 30 Jul 2027" not in reply and "Sat 31 Jul 2027" in reply
    assert "recurs quarterly" in reply
    action = _action(bot, 1)
    assert action.recurrence_months == 3 and action.due_date == date(2027, 7, 31)
    assert action.text == ("provide the PCC with quarterly briefings on the uplift in "
                           "officer numbers")


def test_closing_an_occurrence_makes_the_next_due_until_the_end(bot: RunningBot) -> None:
    _setup(bot)
    say(bot, "add DCC to send the performance commentary monthly from 31/12/2026 "
             "until 31/03/2027")
    expected = [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 31)]  # last working days
    for occurrence, due in enumerate(expected, start=2):
        say(bot, "done A-1 sent", "UDCC")
        reply = say(bot, "close A-1")
        assert f"occurrence {occurrence - 1} closed; the next one is now due" in reply
        action = _action(bot, 1)
        assert (action.occurrence, action.due_date, action.status) == (
            occurrence, due, ActionStatus.NOT_STARTED)
        assert action.original_due_date == due  # a new occurrence, not a revised date
    say(bot, "close A-1")  # the next would be April, after "until"
    action = _action(bot, 1)
    assert action.status == ActionStatus.CLOSED and action.recurrence_months is None
    history = _history(bot, 1)
    assert history.count("made the next occurrence due") == 3
    assert "ended the recurrence" in history and "occurrence 3 → 4" in history


def test_every_meeting_and_a_count(bot: RunningBot) -> None:
    _setup(bot)
    say(bot, "meeting next 26/11/2026 10:00 Monthly")
    say(bot, "meeting next 16/12/2026 10:00 Monthly")
    say(bot, "add CC to report on 101 call handling every meeting, 2 times")
    assert _action(bot, 1).due_meeting.starts_at.day == 26  # type: ignore[union-attr]
    say(bot, "close A-1")
    assert _action(bot, 1).due_meeting.starts_at.day == 16  # type: ignore[union-attr]
    say(bot, "close A-1")
    assert _action(bot, 1).status == ActionStatus.CLOSED


def test_recurring_actions_are_listed_and_show_that_they_recur(bot: RunningBot) -> None:
    _setup(bot)
    say(bot, "add ACC to brief the PCC every 3 months from 31/01/2027")
    say(bot, "add DCC to review the metric by 30/06/2027")
    assert say(bot, "list recurring") == "Recurring actions: 1 action"
    assert "recurs quarterly (no. 1)" in str(
        bot.standin.calls_to("response_url")[-1].args["blocks"])


def test_a_recurrence_needs_a_readable_first_date(bot: RunningBot) -> None:
    _setup(bot)
    reply = say(bot, "add ACC to brief the PCC quarterly until sometime")
    assert "sometime" in reply and "Recorded" not in reply
    reply = say(bot, "add ACC to brief the PCC quarterly")  # no meeting and no date
    assert "first one due" in reply and "Recorded" not in reply


def test_only_the_secretariat_ends_a_recurrence(bot: RunningBot) -> None:
    _setup(bot)
    say(bot, "add ACC to brief the PCC quarterly, the first by 31/07/2027")
    assert "Only the secretariat" in say(bot, "stop A-1", "UACC")
    assert _action(bot, 1).recurrence_months == 3
    assert "no longer recurs" in say(bot, "stop A-1")
    say(bot, "close A-1")
    assert _action(bot, 1).status == ActionStatus.CLOSED
    assert "does not recur" in say(bot, "stop A-1")


def test_the_secretariat_corrects_text_item_and_source(bot: RunningBot) -> None:
    _setup(bot)
    say(bot, "meeting held 20/11/2026 14:00 Monthly")
    say(bot, "add DCC to reveiw the diary metric by 30/06/2027 (item 2.4)")
    assert "Only the secretariat" in say(bot, "edit A-1 text review it", "UDCC")
    assert "corrected" in say(bot, "edit A-1 text review the diary metric")
    say(bot, "edit A-1 item 2.5")
    say(bot, "meeting held 28/10/2026 10:00 Monthly")
    say(bot, "edit A-1 source 28/10/2026")
    action = _action(bot, 1)
    assert (action.text, action.agenda_item) == ("review the diary metric", "2.5")
    assert action.source_meeting.starts_at.day == 28  # type: ignore[union-attr]
    history = _history(bot, 1)
    assert "text “reveiw the diary metric” → “review the diary metric”" in history
    assert "agenda item “2.4” → “2.5”" in history and "source meeting changed" in history
    assert "nothing changed" in say(bot, "edit A-1 item 2.5")
    with transaction(bot.sessions) as session:
        assert session.query(ActionEvent).filter_by(kind="edited").count() == 3
