"""closing days: the organisation's extra non-working days

Revision ID: 0012_closing_days
Revises: 0011_station_version
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_closing_days"
down_revision = "0011_station_version"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "closing_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_closing_days")),
    )


def downgrade() -> None:
    op.drop_table("closing_days")
