"""Guidance: the organisation's cards kept for offline use, prevention self-checks and the
refresher date per user.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UUID = sa.String(36)
STAMP = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "guidance_cards",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", "language", name="pk_guidance_cards"),
    )
    op.create_table(
        "prevention_checks",
        sa.Column("id", UUID, nullable=False),
        sa.Column("place", sa.Text(), nullable=False),
        sa.Column("checked_on", sa.String(10), nullable=False),
        sa.Column("items", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("checked_by", sa.Text(), nullable=False),
        sa.Column("synced", sa.Boolean(), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_prevention_checks"),
    )
    op.create_index(
        "ix_prevention_checks_place_checked_on", "prevention_checks", ["place", "checked_on"]
    )
    op.create_table(
        "guidance_refresher",
        sa.Column("user", sa.Text(), nullable=False),
        sa.Column("last_done", STAMP, nullable=True),
        sa.Column("reminded_for", STAMP, nullable=True),
        sa.Column("synced", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("user", name="pk_guidance_refresher"),
    )


def downgrade() -> None:
    op.drop_table("guidance_refresher")
    op.drop_index("ix_prevention_checks_place_checked_on", table_name="prevention_checks")
    op.drop_table("prevention_checks")
    op.drop_table("guidance_cards")
