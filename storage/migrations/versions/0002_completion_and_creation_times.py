"""completion time and workspace creation time

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:31:07.509647
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("completed_at", storage.types.UTCDateTime(), nullable=True))

    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_at", storage.types.UTCDateTime(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("workspace_settings", schema=None) as batch_op:
        batch_op.drop_column("created_at")

    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_column("completed_at")
