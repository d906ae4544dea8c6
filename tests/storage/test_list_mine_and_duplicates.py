"""`list mine` and the duplicate check, as rewritten to read less: the same answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from storage.db import transaction
from storage.errors import DuplicateAction
from storage.models import ActionStatus
from storage.owners import RoleOwner, UserOwner
from storage.services import actions, listing
from storage.services.due import ResolvedDue
from storage.services.home import home_data
from storage.services.people import Actor
from tests.support.world import LONDON, SEC, TEAM, World

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_mine_is_what_the_person_owns_directly_or_through_a_role_they_hold(sessions) -> None:  # type: ignore[no-untyped-def]
    world = World(sessions, NOW - timedelta(days=10))
    world.role("DCC", "UDCC", NOW - timedelta(days=10))
    world.role("ACC", "UACC", NOW - timedelta(days=10))
    earlier = NOW - timedelta(days=5)
    as_role = world.action("as the DCC", earlier)
    as_person = world.action("as a person", earlier, owners=[UserOwner("UDCC")])
    both = world.action("both ways", earlier, owners=[RoleOwner("DCC"), UserOwner("UDCC")])
    with_other = world.action("with the ACC", earlier, owners=[RoleOwner("ACC"),
                                                               UserOwner("UDCC")])
    world.action("the ACC's", earlier, owners=[RoleOwner("ACC")])
    world.action("someone else's", earlier, owners=[UserOwner("UOTHER")])
    closed = world.action("done with", earlier)
    world.set_status(closed, ActionStatus.CLOSED, earlier)

    mine = [as_role, as_person, both, with_other]
    with transaction(sessions) as session:
        page = listing.list_actions(session, team_id=TEAM, which=listing.Mine(),
                                    user_id="UDCC", now=NOW, zone=LONDON)
        home = home_data(session, team_id=TEAM, actor=Actor("UDCC"), now=NOW, zone=LONDON)
        nobody = listing.list_actions(session, team_id=TEAM, which=listing.Mine(),
                                      user_id="UNOBODY", now=NOW, zone=LONDON)
    assert [a.ref for a in page.actions] == mine and page.total == len(mine)
    assert [a.ref for a in home.mine] == mine
    assert nobody.total == 0 and nobody.actions == []


def _add(sessions, text: str, owners, at: datetime) -> int:  # type: ignore[no-untyped-def]
    with transaction(sessions) as session:
        return actions.record_action(
            session, team_id=TEAM, actor=SEC, owners=owners, text=text,
            due=ResolvedDue(on=date(2027, 1, 15)), agenda_item=None, source_meeting=None,
            now=at,
        ).ref


def test_a_duplicate_is_the_same_text_and_owners_within_a_minute(sessions) -> None:  # type: ignore[no-untyped-def]
    world = World(sessions, NOW - timedelta(days=1))
    world.role("DCC", "UDCC", NOW - timedelta(days=1))
    first = _add(sessions, "Review the Straße metric", [RoleOwner("DCC"), UserOwner("UA")],
                 NOW)
    soon = NOW + timedelta(seconds=30)
    # Owners in another order and the text in other case (casefolded, ß as ss): refused.
    with pytest.raises(DuplicateAction, match=f"A-{first} "):
        _add(sessions, "REVIEW THE STRASSE METRIC", [UserOwner("UA"), RoleOwner("DCC")], soon)
    # Not the same owners, even sharing the first, or not the same text: recorded.
    _add(sessions, "review the straße metric", [RoleOwner("DCC")], soon)
    _add(sessions, "review the straße metric", [RoleOwner("DCC"), UserOwner("UB")], soon)
    _add(sessions, "review the other metric", [RoleOwner("DCC"), UserOwner("UA")], soon)
    # A minute later the same action may be recorded again.
    _add(sessions, "review the straße metric", [RoleOwner("DCC"), UserOwner("UA")],
         NOW + timedelta(seconds=61))
