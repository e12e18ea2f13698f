"""The team lead's offline copy of the perpetrator dossier of the reports this station holds.

Revision ID: 0005_dossier
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_dossier"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UUID = sa.String(36)
STAMP = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "dossier_cache",
        sa.Column("incident_id", UUID, nullable=False),
        sa.Column("persons", sa.Text(), nullable=False),
        sa.Column("fetched_at", STAMP, nullable=False),
        sa.PrimaryKeyConstraint("incident_id", name="pk_dossier_cache"),
    )


def downgrade() -> None:
    op.drop_table("dossier_cache")
