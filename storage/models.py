"""The records: meetings, actions, owners, roles, history and deliveries.

Every table carries ``team_id`` (the Slack workspace) and every query filters on it, so
one installation can serve several workspaces without a data migration.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TEAM_ID = String(32)
USER_ID = String(32)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class MeetingKind(StrEnum):
    MONTHLY = "monthly"
    THEMATIC = "thematic"
    EXTRAORDINARY = "extraordinary"
    PUBLIC = "public"
    PANEL = "panel"


class ActionStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"  # the owner says it is done; awaits the meeting's acceptance
    CLOSED = "closed"  # the secretariat accepted it
    DROPPED = "dropped"


OPEN_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.COMPLETE)


class DueKind(StrEnum):
    """How an action's due date is held: a calendar date, a meeting, or none yet."""

    DATE = "date"
    MEETING = "meeting"
    NONE = "none"  # "TBC", "ongoing", "no date": reminded at every meeting


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    kind: Mapped[str] = mapped_column(String(20), default=MeetingKind.MONTHLY)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    venue: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(USER_ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A cancelled meeting stays on the record; its actions moved to the next one.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_meetings_team_starts", "team_id", "starts_at"),)


class RefCounter(Base):
    """The last action ref handed out in a workspace; refs are never reused."""

    __tablename__ = "ref_counters"

    team_id: Mapped[str] = mapped_column(TEAM_ID, primary_key=True)
    last_ref: Mapped[int] = mapped_column(Integer, default=0)


DUE_KIND_MATCHES = (
    "(due_kind = 'date' AND due_date IS NOT NULL AND due_meeting_id IS NULL)"
    " OR (due_kind = 'meeting' AND due_meeting_id IS NOT NULL AND due_date IS NULL)"
    " OR (due_kind = 'none' AND due_date IS NULL AND due_meeting_id IS NULL)"
)


class Action(Base):
    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    ref: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    agenda_item: Mapped[str | None] = mapped_column(String(40))
    source_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    # Due is either a calendar date or "at meeting X"; the meeting's date is looked up
    # when needed, so an action follows its meeting when the meeting moves.
    due_date: Mapped[date | None] = mapped_column(Date)
    due_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    original_due_date: Mapped[date | None] = mapped_column(Date)
    original_due_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    # Says which of the two above holds the due date; `none` means no date was agreed.
    due_kind: Mapped[str] = mapped_column(
        String(10), default=DueKind.DATE, server_default=DueKind.DATE
    )
    # The due phrase as the minutes wrote it ("end of July", "TBC"), shown beside the date.
    due_as_written: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.NOT_STARTED)
    created_by: Mapped[str] = mapped_column(USER_ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(USER_ID)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # owner said done
    # Denormalised from the event log so lists and reminder planning need no extra query.
    last_update_at: Mapped[datetime] = mapped_column(UTCDateTime())
    latest_note: Mapped[str | None] = mapped_column(Text)
    # Recorded "by the next meeting" when none was set: no date until one is.
    awaits_next_meeting: Mapped[bool] = mapped_column(default=False)
    # A standing commitment: "quarterly", "monthly", "every 3 months", "every meeting",
    # "annually" as months between occurrences (0: every meeting); None: it happens once.
    recurrence_months: Mapped[int | None] = mapped_column(Integer)
    recurrence_until: Mapped[date | None] = mapped_column(Date)
    recurrence_left: Mapped[int | None] = mapped_column(Integer)  # occurrences after this
    occurrence: Mapped[int] = mapped_column(Integer, default=1)

    owners: Mapped[list[ActionOwner]] = relationship(
        back_populates="action",
        cascade="all, delete-orphan",
        order_by="ActionOwner.position",
        lazy="selectin",
    )
    source_meeting: Mapped[Meeting | None] = relationship(
        foreign_keys=[source_meeting_id], lazy="joined"
    )
    due_meeting: Mapped[Meeting | None] = relationship(
        foreign_keys=[due_meeting_id], lazy="joined"
    )
    original_due_meeting: Mapped[Meeting | None] = relationship(
        foreign_keys=[original_due_meeting_id], lazy="joined"
    )

    __table_args__ = (
        UniqueConstraint("team_id", "ref", name="uq_actions_team_ref"),
        CheckConstraint(
            "(due_date IS NULL) OR (due_meeting_id IS NULL)", name="due_is_date_or_meeting"
        ),
        CheckConstraint(DUE_KIND_MATCHES, name="due_kind_matches"),
        Index("ix_actions_team_status", "team_id", "status"),
        Index("ix_actions_team_due_meeting", "team_id", "due_meeting_id"),
    )


class ActionOwner(Base):
    """One owner of an action: a Slack user or a role code, never both."""

    __tablename__ = "action_owners"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[str | None] = mapped_column(USER_ID)
    role_code: Mapped[str | None] = mapped_column(String(16))

    action: Mapped[Action] = relationship(back_populates="owners")

    __table_args__ = (
        CheckConstraint(
            "(user_id IS NULL) <> (role_code IS NULL)", name="owner_is_user_or_role"
        ),
        Index("ix_action_owners_action", "action_id"),
        Index("ix_action_owners_team_user", "team_id", "user_id"),
        Index("ix_action_owners_team_role", "team_id", "role_code"),
    )


class Role(Base):
    """An owner the minutes name: a post (DCC, "Director of Business Services"), a body or a
    named person, with a short code, and who in Slack holds it now (if anyone)."""

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    code: Mapped[str] = mapped_column(String(16))
    holder_user_id: Mapped[str | None] = mapped_column(USER_ID)
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    # The title as the minutes write it; None for a bare code such as an old "DCC" row.
    title: Mapped[str | None] = mapped_column(String(200))
    # Outside the workspace (force officers, the Panel): the secretariat chases them.
    external: Mapped[bool] = mapped_column(default=False, server_default=false())
    contact: Mapped[str | None] = mapped_column(String(300))  # how to reach an external owner
    is_person: Mapped[bool] = mapped_column(default=False, server_default=false())

    __table_args__ = (UniqueConstraint("team_id", "code", name="uq_roles_team_code"),)


class RoleAssignment(Base):
    """Who held a role from when to when; the open row has no ``ended_at``."""

    __tablename__ = "role_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    role_code: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str | None] = mapped_column(USER_ID)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_by: Mapped[str] = mapped_column(USER_ID)

    __table_args__ = (Index("ix_role_assignments_team_role", "team_id", "role_code"),)


class ActionEvent(Base):
    """Append-only history: who changed what, when, with the before and after."""

    __tablename__ = "action_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"))
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(USER_ID)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_action_events_action", "action_id", "id"),)


@event.listens_for(ActionEvent, "before_update")
@event.listens_for(ActionEvent, "before_delete")
def _history_is_append_only(mapper: Any, connection: Any, target: ActionEvent) -> None:
    raise ValueError("action history is append-only")


class SecretariatMember(Base):
    """A user configured as secretariat (besides members of the configured user group)."""

    __tablename__ = "secretariat_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    user_id: Mapped[str] = mapped_column(USER_ID)
    added_by: Mapped[str] = mapped_column(USER_ID)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("team_id", "user_id", name="uq_secretariat_members_team_user"),
    )


class WorkspaceSettings(Base):
    """Per-workspace settings the secretariat changes from Slack."""

    __tablename__ = "workspace_settings"

    team_id: Mapped[str] = mapped_column(TEAM_ID, primary_key=True)
    secretariat_usergroup_id: Mapped[str | None] = mapped_column(String(32))
    team_channel_id: Mapped[str | None] = mapped_column(String(32))
    reminder_lead_days: Mapped[str] = mapped_column(String(40), default="5,1")
    send_time: Mapped[str] = mapped_column(String(5), default="09:00")
    summary_lead_days: Mapped[int] = mapped_column(Integer, default=2)
    digest_weekday: Mapped[int] = mapped_column(Integer, default=0)  # Monday
    reminders_enabled: Mapped[bool] = mapped_column(default=True)
    summary_enabled: Mapped[bool] = mapped_column(default=True)
    digest_enabled: Mapped[bool] = mapped_column(default=True)
    digest_when_empty: Mapped[bool] = mapped_column(default=False)
    # Shown at the top of the exported action log (Word); None: the papers say nothing.
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    # Attach the Word action log to the pre-meeting summary; off unless asked for.
    summary_attach_log: Mapped[bool] = mapped_column(default=False)
    # Meeting kinds that count as "the next meeting", comma-separated; None: every kind.
    next_meeting_kinds: Mapped[str | None] = mapped_column(String(200))
    # Working days before an action's own due date to remind its owners ("" : never);
    # overdue nudges go once, the working day after.
    own_date_lead_days: Mapped[str] = mapped_column(String(40), default="3")
    overdue_nudge: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeliveryState(StrEnum):
    CLAIMED = "claimed"  # an instance has taken it and is sending
    SENT = "sent"
    FAILED = "failed"  # gave up after retries; reported to the secretariat


class Delivery(Base):
    """One outgoing reminder, summary or digest, keyed so it is sent exactly once.

    The unique ``(team_id, key)`` pair is the lock: whichever instance inserts the row
    sends the message; every other instance (or a hand-run round) sees it and skips.
    """

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    recipient: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(20), default=DeliveryState.CLAIMED)
    claimed_by: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        UniqueConstraint("team_id", "key", name="uq_deliveries_team_key"),
        Index("ix_deliveries_team_state", "team_id", "state"),
    )


class ImportState(StrEnum):
    PENDING = "pending"  # proposals waiting for the secretariat's review
    RECORDED = "recorded"
    CANCELLED = "cancelled"


class PendingImport(Base):
    """Actions proposed from a set of minutes, kept while someone reviews them in Slack.

    The proposals (with the reviewer's edits) live here, not in the form: Slack caps a
    form's private metadata at 3,000 characters, far less than a meeting's actions.
    """

    __tablename__ = "pending_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    user_id: Mapped[str] = mapped_column(USER_ID)
    source_name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20), default=ImportState.PENDING)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_pending_imports_team_user", "team_id", "user_id"),)


class RequestKey(Base):
    """A request from Slack (or a form's submission) already taken, kept until it expires.

    A replayed or retried request finds its key here and is answered without acting
    again; the primary key is the lock, so two copies arriving at once act once.
    """

    __tablename__ = "request_keys"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_request_keys_expires_at", "expires_at"),)


class InboxState(StrEnum):
    QUEUED = "queued"
    DONE = "done"
    FAILED = "failed"


class InboxRequest(Base):
    """A request from Slack stored before its ack, waiting for (or done by) a worker.

    The key (bot/replays.py) is unique, so a replay or Slack's retry of a request already
    stored is answered without being stored twice. Done rows stay until ``expires_at`` so
    their keys keep catching repeats. On SQLite this table lives in a sibling file (see
    storage/inbox_db.py), so storing a request never waits for a worker's write lock.
    """

    __tablename__ = "inbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    user_id: Mapped[str | None] = mapped_column(USER_ID, nullable=True)
    what: Mapped[str] = mapped_column(String(120))  # for logs: "/actions add", "block_actions x"
    transport: Mapped[str] = mapped_column(String(10))  # "http" or "socket"
    content_type: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    # 0 for requests that cannot wait (a form's trigger expires in 3 s, a submission's
    # ack waits for its result); 1 for the rest.
    priority: Mapped[int] = mapped_column(Integer, default=1)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(10), default=InboxState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_inbox_state_priority_id", "state", "priority", "id"),
        Index("ix_inbox_expires_at", "expires_at"),
    )


class InboxAck(Base):
    """The ack a worker hands back to the web process still holding a form submission.

    ``state`` goes from "waiting" to "answered" (the worker was in time) or "gave_up" (the
    web process acked without it); whichever update comes first wins.
    """

    __tablename__ = "inbox_acks"

    request_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(10))
    body: Mapped[str | None] = mapped_column(Text, nullable=True)


class InboxDone(Base):
    """A request carried out: written in the same transaction as its changes.

    This marker, in the main database, is what makes a request act exactly once: a worker
    that finds it skips straight to sending what the request left in the outbox.
    """

    __tablename__ = "inbox_done"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_inbox_done_done_at", "done_at"),)


class OutboxState(StrEnum):
    SENDING = "sending"
    SENT = "sent"


class OutboxMessage(Base):
    """A reply, direct message or Home refresh a request left, sent after its commit.

    Rows are written claimed ("sending") by the worker that committed them; if that worker
    dies, another takes them over once the claim is stale or its process is gone.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_key: Mapped[str] = mapped_column(String(100))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # "respond", "post" or "home"
    team_id: Mapped[str] = mapped_column(TEAM_ID)
    user_id: Mapped[str | None] = mapped_column(USER_ID, nullable=True)
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when Slack sent the request
    state: Mapped[str] = mapped_column(String(10), default=OutboxState.SENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (
        Index("ix_outbox_state_claimed_at", "state", "claimed_at"),
        Index("ix_outbox_request_key", "request_key"),
    )
