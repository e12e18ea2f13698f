"""guidance: the organisation's cards with their versions, prevention checks, refresher dates

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guidance_cards",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", "language", name=op.f("pk_guidance_cards")),
    )
    op.create_table(
        "guidance_card_versions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "id", "language", "version", name=op.f("pk_guidance_card_versions")
        ),
    )
    op.create_table(
        "prevention_checks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("checked_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_prevention_checks_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prevention_checks")),
    )
    op.create_table(
        "guidance_refreshers",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_guidance_refreshers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_guidance_refreshers")),
    )


def downgrade() -> None:
    op.drop_table("guidance_refreshers")
    op.drop_table("prevention_checks")
    op.drop_table("guidance_card_versions")
    op.drop_table("guidance_cards")
