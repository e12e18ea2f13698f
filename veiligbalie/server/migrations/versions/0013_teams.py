"""teams: teams per site, who leads them, a user's team, a password that must be changed

Adds ``teams`` (a name unique per site) and ``team_leads`` (which team lead reviews which
team), ``users.team_id`` and ``users.must_change_password`` (set by an administrator's
password reset: the one-time password must be changed at the next sign-in), and
``incidents.team_id`` / ``changes.team_id``: the reporter's team when the report arrived,
so that a report only team leads see is shown to the leads of that team (one SQL clause).

Revision ID: 0013_teams
Revises: 0012_closing_days
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_teams"
down_revision = "0012_closing_days"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_teams_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("site_id", "name", name="uq_teams_site_id_name"),
    )
    op.create_index(op.f("ix_teams_site_id"), "teams", ["site_id"])
    op.create_table(
        "team_leads",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_team_leads_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_team_leads_user_id_users")
        ),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_team_leads")),
    )
    op.create_index(op.f("ix_team_leads_user_id"), "team_leads", ["user_id"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("team_id", sa.Uuid(), nullable=True))
        batch.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch.create_index(batch.f("ix_users_team_id"), ["team_id"], unique=False)
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("team_id", sa.Uuid(), nullable=True))
    with op.batch_alter_table("changes") as batch:
        batch.add_column(sa.Column("team_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("changes") as batch:
        batch.drop_column("team_id")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("team_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_index(batch.f("ix_users_team_id"))
        batch.drop_column("must_change_password")
        batch.drop_column("team_id")
    op.drop_index(op.f("ix_team_leads_user_id"), table_name="team_leads")
    op.drop_table("team_leads")
    op.drop_index(op.f("ix_teams_site_id"), table_name="teams")
    op.drop_table("teams")
