"""cancelled meetings, which kinds are the next meeting, recurring and undated actions,
reminders for an action's own date

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 19:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", storage.types.UTCDateTime(), nullable=True))

    # Existing actions keep their meaning: none awaits a meeting, none recurs.
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("awaits_next_meeting", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("recurrence_months", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recurrence_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("recurrence_left", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("occurrence", sa.Integer(), nullable=False,
                                      server_default="1"))

    # Before this, Panel meetings never counted as "the next meeting": keep that for
    # workspaces that already exist; new ones count every kind.
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_meeting_kinds", sa.String(length=200),
                                      nullable=True))
        batch_op.add_column(sa.Column("own_date_lead_days", sa.String(length=40),
                                      nullable=False, server_default="3"))
        batch_op.add_column(sa.Column("overdue_nudge", sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    op.execute(
        "UPDATE workspace_settings "
        "SET next_meeting_kinds = 'monthly,thematic,extraordinary,public'"
    )


def downgrade() -> None:
    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.drop_column("overdue_nudge")
        batch_op.drop_column("own_date_lead_days")
        batch_op.drop_column("next_meeting_kinds")

    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_column("occurrence")
        batch_op.drop_column("recurrence_left")
        batch_op.drop_column("recurrence_until")
        batch_op.drop_column("recurrence_months")
        batch_op.drop_column("awaits_next_meeting")

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("cancelled_at")
