"""request keys: replays and retries act once

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 19:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_keys",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("expires_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_request_keys")),
    )
    op.create_index("ix_request_keys_expires_at", "request_keys", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_request_keys_expires_at", table_name="request_keys")
    op.drop_table("request_keys")
