"""owners as the minutes name them (titles, external owners) and actions with no due date

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 19:00:00

Old data keeps its meaning: every role keeps its code and holder and gets no title (it is
still shown by its code), nobody becomes external, and every action's new ``due_kind`` says
what its columns already said: a meeting if it had one, a date if it had one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DUE_KIND_MATCHES = (
    "(due_kind = 'date' AND due_date IS NOT NULL AND due_meeting_id IS NULL)"
    " OR (due_kind = 'meeting' AND due_meeting_id IS NOT NULL AND due_date IS NULL)"
    " OR (due_kind = 'none' AND due_date IS NULL AND due_meeting_id IS NULL)"
)


def upgrade() -> None:
    with op.batch_alter_table("roles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("external", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("contact", sa.String(length=300), nullable=True))
        batch_op.add_column(
            sa.Column("is_person", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("due_kind", sa.String(length=10), server_default="date", nullable=False)
        )
        batch_op.add_column(sa.Column("due_as_written", sa.String(length=120), nullable=True))

    # Say in the new column what the old columns meant, before the check holds them to it.
    actions = sa.table(
        "actions",
        sa.column("due_kind", sa.String),
        sa.column("due_date", sa.Date),
        sa.column("due_meeting_id", sa.Integer),
    )
    op.execute(
        actions.update()
        .where(actions.c.due_meeting_id.is_not(None))
        .values(due_kind="meeting")
    )
    op.execute(
        actions.update()
        .where(actions.c.due_meeting_id.is_(None), actions.c.due_date.is_(None))
        .values(due_kind="none")
    )

    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_actions_due_kind_matches"), sa.text(DUE_KIND_MATCHES)
        )


def downgrade() -> None:
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_actions_due_kind_matches"), type_="check")
        batch_op.drop_column("due_as_written")
        batch_op.drop_column("due_kind")

    with op.batch_alter_table("roles", schema=None) as batch_op:
        batch_op.drop_column("is_person")
        batch_op.drop_column("contact")
        batch_op.drop_column("external")
        batch_op.drop_column("title")
