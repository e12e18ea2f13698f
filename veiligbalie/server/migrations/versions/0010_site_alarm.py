"""site alarm: the LAN beacon port, multicast group and on/off switch per site

Adds ``sites.lan_port`` and ``sites.lan_group`` (NULL: each workstation keeps its own
setting) and ``sites.lan_enabled`` (false: the site's workstations switch the LAN path off).

Revision ID: 0010_site_alarm
Revises: 0009_privacy
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_site_alarm"
down_revision = "0009_privacy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both backends: a batch on SQLite would copy ``sites``, which the
    # workstations' foreign keys refuse once rows exist.
    op.add_column("sites", sa.Column("lan_port", sa.Integer()))
    op.add_column("sites", sa.Column("lan_group", sa.String(length=64)))
    op.add_column(
        "sites", sa.Column("lan_enabled", sa.Boolean(), nullable=False, server_default=sa.true())
    )


def downgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("lan_enabled")
        batch.drop_column("lan_group")
        batch.drop_column("lan_port")
