"""Initial local store: meta, incidents with their timeline and attachments, drafts, the
sync outbox, and a minimal alarm log.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Migrations use plain column types on purpose: they must keep describing the schema of
# their day even when the application's column types change later.
UUID = sa.String(36)
STAMP = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_meta"),
    )
    op.create_table(
        "incidents",
        sa.Column("id", UUID, nullable=False),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("occurred_at", STAMP, nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reporter", sa.Text(), nullable=False),
        sa.Column("on_behalf_of", sa.Text(), nullable=True),
        sa.Column("perpetrator_known", sa.Boolean(), nullable=False),
        sa.Column("perpetrator_description", sa.Text(), nullable=False),
        sa.Column("perpetrator_reference", sa.Text(), nullable=False),
        sa.Column("witnesses", sa.Text(), nullable=False),
        sa.Column("injury", sa.Boolean(), nullable=False),
        sa.Column("damage", sa.Boolean(), nullable=False),
        sa.Column("damage_amount_cents", sa.Integer(), nullable=True),
        sa.Column("absence", sa.Boolean(), nullable=False),
        sa.Column("police_called", sa.Boolean(), nullable=False),
        sa.Column("arrest", sa.Boolean(), nullable=False),
        sa.Column("police_report_intended", sa.Boolean(), nullable=False),
        sa.Column("aftercare_wanted", sa.Boolean(), nullable=False),
        sa.Column("team_lead_only", sa.Boolean(), nullable=False),
        sa.Column("alarm_id", UUID, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("revision", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("unread", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("origin", sa.String(8), server_default=sa.text("'local'"), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incidents"),
    )
    op.create_index("ix_incidents_reporter_created_at", "incidents", ["reporter", "created_at"])
    op.create_index("ix_incidents_created_at", "incidents", ["created_at"])
    op.create_index(
        "uq_incidents_local_reference",
        "incidents",
        ["reference"],
        unique=True,
        sqlite_where=sa.text("origin = 'local'"),
    )
    op.create_table(
        "incident_events",
        sa.Column("id", UUID, nullable=False),
        sa.Column("incident_id", UUID, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("origin", sa.String(8), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_incident_events_incident_id_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_incident_events"),
    )
    op.create_index(
        "ix_incident_events_incident_id_created_at",
        "incident_events",
        ["incident_id", "created_at"],
    )
    # The timeline is append-only: a follow-up step is a new event, never an edit.
    op.execute(
        "CREATE TRIGGER incident_events_append_only BEFORE UPDATE ON incident_events "
        "BEGIN SELECT RAISE(ABORT, 'incident_events is append-only'); END"
    )
    op.create_table(
        "attachments",
        sa.Column("id", UUID, nullable=False),
        sa.Column("incident_id", UUID, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("original_name", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mime_type", sa.String(100), nullable=False),
        sa.Column("stored_path", sa.Text(), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_attachments_incident_id_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_attachments"),
        sa.UniqueConstraint("incident_id", "sha256", name="uq_attachments_incident_id_sha256"),
    )
    op.create_table(
        "drafts",
        sa.Column("id", UUID, nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_drafts"),
    )
    op.create_index("ix_drafts_updated_at", "drafts", ["updated_at"])
    op.create_table(
        "outbox",
        sa.Column("device_seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", UUID, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("entity_id", UUID, nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("base_revision", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(8), server_default=sa.text("'pending'"), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("sent_at", STAMP, nullable=True),
        sa.CheckConstraint("state IN ('pending', 'sent', 'dead')", name="ck_outbox_state"),
        sa.PrimaryKeyConstraint("device_seq", name="pk_outbox"),
        sa.UniqueConstraint("id", name="uq_outbox_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_state_device_seq", "outbox", ["state", "device_seq"])
    op.create_table(
        "alarms",
        sa.Column("id", UUID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("station", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("raised_at", STAMP, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("test", sa.Boolean(), nullable=False),
        sa.Column("updated_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alarms"),
    )
    op.create_index("ix_alarms_state", "alarms", ["state"])
    op.create_table(
        "alarm_events",
        sa.Column("id", UUID, nullable=False),
        sa.Column("alarm_id", UUID, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("path", sa.String(16), nullable=False),
        sa.Column("at", STAMP, nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alarm_id"],
            ["alarms.id"],
            name="fk_alarm_events_alarm_id_alarms",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_alarm_events"),
    )
    op.create_index("ix_alarm_events_alarm_id_at", "alarm_events", ["alarm_id", "at"])


def downgrade() -> None:
    op.drop_table("alarm_events")
    op.drop_table("alarms")
    op.drop_table("outbox")
    op.drop_table("drafts")
    op.drop_table("attachments")
    op.execute("DROP TRIGGER IF EXISTS incident_events_append_only")
    op.drop_table("incident_events")
    op.drop_table("incidents")
    op.drop_table("meta")
