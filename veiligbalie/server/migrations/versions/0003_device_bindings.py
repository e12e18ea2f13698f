"""device bindings: every device id belongs to the workstation or user that first used it

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_bindings",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("workstation_id", sa.Uuid(), nullable=True),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_device_bindings_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["workstation_id"],
            ["workstations.id"],
            name=op.f("fk_device_bindings_workstation_id_workstations"),
        ),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_device_bindings")),
    )
    with op.batch_alter_table("device_bindings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_bindings_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_device_bindings_workstation_id"), ["workstation_id"], unique=False
        )
    # The device ids workstations already pushed under belong to them; where two stations
    # carried the same id (a copied data folder), the one enrolled first keeps it.
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, device_id FROM workstations WHERE device_id IS NOT NULL "
            "ORDER BY enrolled_at, created_at, id"
        )
    ).all()
    bound: dict[uuid.UUID, uuid.UUID] = {}
    for workstation_id, device_id in rows:
        bound.setdefault(_uuid(device_id), _uuid(workstation_id))
    if bound:
        table = sa.table(
            "device_bindings",
            sa.column("device_id", sa.Uuid()),
            sa.column("workstation_id", sa.Uuid()),
            sa.column("bound_at", sa.DateTime(timezone=True)),
        )
        now = datetime.now(UTC)
        if conn.dialect.name == "sqlite":
            now = now.replace(tzinfo=None)
        op.bulk_insert(
            table,
            [
                {"device_id": device_id, "workstation_id": workstation_id, "bound_at": now}
                for device_id, workstation_id in bound.items()
            ],
        )


def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def downgrade() -> None:
    with op.batch_alter_table("device_bindings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_bindings_workstation_id"))
        batch_op.drop_index(batch_op.f("ix_device_bindings_user_id"))
    op.drop_table("device_bindings")
