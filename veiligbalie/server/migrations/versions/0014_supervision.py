"""supervision: site opening hours and test-alarm schedule, station drop-outs, uptime

Revision ID: 0014_supervision
Revises: 0013_teams
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_supervision"
down_revision = "0013_teams"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_supervision",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("opening_hours", sa.JSON(), nullable=False),
        sa.Column("test_every_days", sa.Integer(), nullable=True),
        sa.Column("test_weekday", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_site_supervision_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_site_supervision")),
    )
    op.create_table(
        "station_dropouts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("workstation_id", sa.Uuid(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("back_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_station_dropouts_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["workstation_id"],
            ["workstations.id"],
            name=op.f("fk_station_dropouts_workstation_id_workstations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_dropouts")),
        sa.UniqueConstraint(
            "workstation_id", "since", name="uq_station_dropouts_workstation_since"
        ),
    )
    with op.batch_alter_table("station_dropouts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_station_dropouts_site_id"), ["site_id"], unique=False)
    op.create_table(
        "station_uptime",
        sa.Column("workstation_id", sa.Uuid(), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workstation_id"],
            ["workstations.id"],
            name=op.f("fk_station_uptime_workstation_id_workstations"),
        ),
        sa.PrimaryKeyConstraint("workstation_id", name=op.f("pk_station_uptime")),
    )


def downgrade() -> None:
    op.drop_table("station_uptime")
    with op.batch_alter_table("station_dropouts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_station_dropouts_site_id"))
    op.drop_table("station_dropouts")
    op.drop_table("site_supervision")
