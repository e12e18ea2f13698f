"""security: login throttling, deactivated users, the server's own alarm times

Adds ``login_throttle`` (failed sign-ins per account and per source address, with back-off
and lockout, in the database so that several server processes agree), ``users.active`` and
``users.deactivated_at`` (a user is never deleted: the history stays), and the columns that
keep a client's claimed alarm times next to the server's receipt times.

Revision ID: 0008_security
Revises: 0007_org_letters
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_security"
down_revision = "0007_org_letters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True)),
        sa.Column("locked_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_login_throttle")),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("deactivated_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("alarms") as batch:
        batch.add_column(sa.Column("raised_at_claimed", sa.DateTime(timezone=True)))
    with op.batch_alter_table("alarm_events") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("alarm_events") as batch:
        batch.drop_column("claimed_at")
    with op.batch_alter_table("alarms") as batch:
        batch.drop_column("raised_at_claimed")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("deactivated_at")
        batch.drop_column("active")
    op.drop_table("login_throttle")
