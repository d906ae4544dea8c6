"""inbox and outbox: requests stored before the ack, carried out once by workers

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 21:40:00

Only new tables: nothing existing is rewritten or locked for long, so it runs while the
bot serves requests.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("what", sa.String(length=120), nullable=False),
        sa.Column("transport", sa.String(length=10), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("received_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("expires_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox")),
        sa.UniqueConstraint("key", name=op.f("uq_inbox_key")),
    )
    op.create_index("ix_inbox_state_priority_id", "inbox", ["state", "priority", "id"])
    op.create_index("ix_inbox_expires_at", "inbox", ["expires_at"])
    op.create_table(
        "inbox_acks",
        sa.Column("request_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_inbox_acks")),
    )
    op.create_table(
        "inbox_done",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("done_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_inbox_done")),
    )
    op.create_index("ix_inbox_done_done_at", "inbox_done", ["done_at"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_key", sa.String(length=100), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", storage.types.UTCDateTime(), nullable=True),
        sa.Column("sent_at", storage.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_state_claimed_at", "outbox", ["state", "claimed_at"])
    op.create_index("ix_outbox_request_key", "outbox", ["request_key"])


def downgrade() -> None:
    op.drop_index("ix_outbox_request_key", table_name="outbox")
    op.drop_index("ix_outbox_state_claimed_at", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_inbox_done_done_at", table_name="inbox_done")
    op.drop_table("inbox_done")
    op.drop_table("inbox_acks")
    op.drop_index("ix_inbox_expires_at", table_name="inbox")
    op.drop_index("ix_inbox_state_priority_id", table_name="inbox")
    op.drop_table("inbox")
