"""review: organisation-wide numbers, assignment, follow-up tasks, attachments, alarm follow-up

Adds the columns and tables of team-lead review and fills them from what is stored:
``incidents.alarm_id`` from each report's data, the number counters from the numbers already
given (so no new number repeats an old one), and ``followup_tasks`` by folding the follow-up
events already on the timelines.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from veiligbalie.core.followup import TaskState, apply_task_event, task_id_for
from veiligbalie.core.vocabulary import FollowUpKind

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_NUMBER = re.compile(r"^[A-Z]+-(\d{4})-(\d+)$")


def upgrade() -> None:
    op.add_column("incidents", sa.Column("provisional_reference", sa.String(length=64)))
    op.add_column("incidents", sa.Column("assignee_user_id", sa.Uuid()))
    op.add_column(
        "incidents",
        sa.Column("assignee_name", sa.String(length=200), nullable=False, server_default=""),
    )
    op.add_column("incidents", sa.Column("alarm_id", sa.Uuid()))
    op.create_index(op.f("ix_incidents_alarm_id"), "incidents", ["alarm_id"])
    op.create_index("ix_incidents_reference", "incidents", ["reference"])
    op.add_column("changes", sa.Column("assignee_user_id", sa.Uuid()))
    op.create_index(op.f("ix_changes_assignee_user_id"), "changes", ["assignee_user_id"])
    op.create_table(
        "followup_tasks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_from", sa.DateTime(timezone=True)),
        sa.Column("done_at", sa.DateTime(timezone=True)),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("assignee_user_id", sa.Uuid()),
        sa.Column("assignee_name", sa.String(length=200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("context", sa.JSON()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_followup_tasks_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_tasks")),
    )
    op.create_index(op.f("ix_followup_tasks_incident_id"), "followup_tasks", ["incident_id"])
    op.create_index(
        op.f("ix_followup_tasks_assignee_user_id"), "followup_tasks", ["assignee_user_id"]
    )
    op.create_table(
        "reference_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_reference_counters")),
    )
    op.create_table(
        "reference_aliases",
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_reference_aliases_incident_id_incidents"),
        ),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_reference_aliases")),
    )
    op.create_index(op.f("ix_reference_aliases_incident_id"), "reference_aliases", ["incident_id"])
    op.create_table(
        "attachment_uploads",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_attachment_uploads_incident_id_incidents"),
        ),
        sa.PrimaryKeyConstraint("incident_id", "sha256", name=op.f("pk_attachment_uploads")),
    )
    op.create_table(
        "alarm_followup_closures",
        sa.Column("alarm_id", sa.Uuid(), nullable=False),
        sa.Column("closed_by_user_id", sa.Uuid()),
        sa.Column("closed_by", sa.String(length=200), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alarm_id"], ["alarms.id"], name=op.f("fk_alarm_followup_closures_alarm_id_alarms")
        ),
        sa.PrimaryKeyConstraint("alarm_id", name=op.f("pk_alarm_followup_closures")),
    )
    _backfill()


def _backfill() -> None:
    conn = op.get_bind()
    incidents = sa.table(
        "incidents",
        sa.column("id", sa.Uuid()),
        sa.column("reference", sa.String()),
        sa.column("data", sa.JSON()),
        sa.column("alarm_id", sa.Uuid()),
    )
    counters: dict[int, int] = {}
    for row in conn.execute(sa.select(incidents.c.id, incidents.c.reference, incidents.c.data)):
        data = row.data or {}
        alarm = data.get("alarm_id")
        if alarm:
            try:
                conn.execute(
                    sa.update(incidents)
                    .where(incidents.c.id == row.id)
                    .values(alarm_id=uuid.UUID(str(alarm)))
                )
            except ValueError:
                pass
        match = _NUMBER.match(str(row.reference or ""))
        if match:
            year, number = int(match.group(1)), int(match.group(2))
            counters[year] = max(counters.get(year, 0), number)
    if counters:
        table = sa.table("reference_counters", sa.column("year"), sa.column("last"))
        conn.execute(sa.insert(table), [{"year": y, "last": n} for y, n in counters.items()])
    _backfill_tasks(conn)


def _when(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _backfill_tasks(conn: sa.Connection) -> None:
    events = sa.table(
        "incident_events",
        sa.column("incident_id", sa.Uuid()),
        sa.column("kind", sa.String()),
        sa.column("text", sa.Text()),
        sa.column("data", sa.JSON()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("id", sa.Uuid()),
    )
    tasks: dict[uuid.UUID, TaskState] = {}
    rows = conn.execute(
        sa.select(events.c.incident_id, events.c.text, events.c.data)
        .where(events.c.kind == "followup")
        .order_by(events.c.created_at, events.c.id)
    )
    for row in rows:
        data = dict(row.data or {})
        try:
            key = (
                uuid.UUID(str(data["task_id"]))
                if data.get("task_id")
                else task_id_for(row.incident_id, FollowUpKind(str(data["kind"])))
            )
        except (KeyError, ValueError):
            continue
        try:
            state = apply_task_event(tasks.get(key), row.incident_id, data, row.text or "")
        except (KeyError, ValueError):
            continue
        if state is not None:
            tasks[state.id] = state
    if not tasks:
        return
    now = datetime.now(UTC)
    table = sa.table(
        "followup_tasks",
        sa.column("id", sa.Uuid()),
        sa.column("incident_id", sa.Uuid()),
        sa.column("kind", sa.String()),
        sa.column("reason", sa.String()),
        sa.column("due", sa.DateTime(timezone=True)),
        sa.column("due_from", sa.DateTime(timezone=True)),
        sa.column("done_at", sa.DateTime(timezone=True)),
        sa.column("note", sa.Text()),
        sa.column("assignee_user_id", sa.Uuid()),
        sa.column("assignee_name", sa.String()),
        sa.column("details", sa.JSON()),
        sa.column("context", sa.JSON()),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    is_sqlite = conn.dialect.name == "sqlite"

    def moment(value: datetime | None) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if is_sqlite else value

    conn.execute(
        sa.insert(table),
        [
            {
                "id": s.id,
                "incident_id": s.incident_id,
                "kind": s.kind.value,
                "reason": s.reason,
                "due": moment(s.due),
                "due_from": moment(s.due_from),
                "done_at": moment(s.done_at),
                "note": s.note,
                "assignee_user_id": s.assignee_user_id,
                "assignee_name": s.assignee_name,
                "details": dict(s.details),
                "context": dict(s.context) if s.context else None,
                "updated_at": moment(now),
            }
            for s in tasks.values()
        ],
    )


def downgrade() -> None:
    op.drop_table("alarm_followup_closures")
    op.drop_table("attachment_uploads")
    op.drop_index(op.f("ix_reference_aliases_incident_id"), table_name="reference_aliases")
    op.drop_table("reference_aliases")
    op.drop_table("reference_counters")
    op.drop_index(op.f("ix_followup_tasks_assignee_user_id"), table_name="followup_tasks")
    op.drop_index(op.f("ix_followup_tasks_incident_id"), table_name="followup_tasks")
    op.drop_table("followup_tasks")
    op.drop_index(op.f("ix_changes_assignee_user_id"), table_name="changes")
    with op.batch_alter_table("changes") as batch:
        batch.drop_column("assignee_user_id")
    op.drop_index("ix_incidents_reference", table_name="incidents")
    op.drop_index(op.f("ix_incidents_alarm_id"), table_name="incidents")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("alarm_id")
        batch.drop_column("assignee_name")
        batch.drop_column("assignee_user_id")
        batch.drop_column("provisional_reference")
