"""station_version: the client version a workstation reports, and revoked workstations

Adds ``station_presence.client_version`` (what the heartbeat says the client runs, shown in
Beheer > Werkplekken) and ``workstations.revoked_at`` (an administrator revoked the
workstation: its tokens ended and no code issued before that moment enrols it again).

Revision ID: 0011_station_version
Revises: 0010_site_alarm
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_station_version"
down_revision = "0010_site_alarm"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("station_presence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_version", sa.String(length=64), nullable=True))
    with op.batch_alter_table("workstations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workstations", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
    with op.batch_alter_table("station_presence", schema=None) as batch_op:
        batch_op.drop_column("client_version")
