"""Team-lead review: organisation-wide report numbers (the provisional one kept), the
assignee of a report, follow-up tasks, uploaded attachments, alarms needing follow-up.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UUID = sa.String(36)
STAMP = sa.String(32)


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("provisional_reference", sa.String(32), nullable=True))
        batch.add_column(sa.Column("assignee_user_id", UUID, nullable=True))
        batch.add_column(sa.Column("assignee_name", sa.Text(), nullable=True))
        batch.add_column(sa.Column("site_name", sa.Text(), nullable=True))
    # The local number moves to provisional_reference: the server's number may repeat one
    # of ours (it numbers the whole organisation), so only our own numbers stay unique.
    op.execute("UPDATE incidents SET provisional_reference = reference WHERE origin = 'local'")
    op.drop_index("uq_incidents_local_reference", table_name="incidents")
    op.create_index(
        "uq_incidents_local_provisional_reference",
        "incidents",
        ["provisional_reference"],
        unique=True,
        sqlite_where=sa.text("origin = 'local'"),
    )
    op.create_index("ix_incidents_reference", "incidents", ["reference"])
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(sa.Column("uploaded_at", STAMP, nullable=True))
    op.create_table(
        "followup_tasks",
        sa.Column("id", UUID, nullable=False),
        sa.Column("incident_id", UUID, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("due", STAMP, nullable=False),
        sa.Column("due_from", STAMP, nullable=True),
        sa.Column("done_at", STAMP, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("assignee_user_id", UUID, nullable=True),
        sa.Column("assignee_name", sa.Text(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("context", sa.Text(), nullable=True),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_followup_tasks"),
    )
    op.create_index("ix_followup_tasks_due", "followup_tasks", ["due"])
    op.create_index("ix_followup_tasks_incident_id", "followup_tasks", ["incident_id"])
    op.create_table(
        "alarm_followups",
        sa.Column("id", UUID, nullable=False),
        sa.Column("station", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("raised_by", sa.Text(), nullable=False),
        sa.Column("raised_at", STAMP, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("closed_at", STAMP, nullable=True),
        sa.Column("handled_at", STAMP, nullable=True),
        sa.Column("handled_by", sa.Text(), nullable=True),
        sa.Column("handled_reason", sa.Text(), nullable=True),
        sa.Column("incident_id", UUID, nullable=True),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alarm_followups"),
    )
    op.create_index("ix_alarm_followups_raised_at", "alarm_followups", ["raised_at"])


def downgrade() -> None:
    op.drop_index("ix_alarm_followups_raised_at", table_name="alarm_followups")
    op.drop_table("alarm_followups")
    op.drop_index("ix_followup_tasks_incident_id", table_name="followup_tasks")
    op.drop_index("ix_followup_tasks_due", table_name="followup_tasks")
    op.drop_table("followup_tasks")
    with op.batch_alter_table("attachments") as batch:
        batch.drop_column("uploaded_at")
    op.drop_index("ix_incidents_reference", table_name="incidents")
    op.drop_index("uq_incidents_local_provisional_reference", table_name="incidents")
    op.create_index(
        "uq_incidents_local_reference",
        "incidents",
        ["reference"],
        unique=True,
        sqlite_where=sa.text("origin = 'local'"),
    )
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("site_name")
        batch.drop_column("assignee_name")
        batch.drop_column("assignee_user_id")
        batch.drop_column("provisional_reference")
