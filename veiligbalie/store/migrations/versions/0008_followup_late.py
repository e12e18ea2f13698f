"""An alarm on the team lead's follow-up list says whether its station reported it after the
fact (the server could not be reached when it was pressed): the server's list carries
``late`` (``AlarmFollowUpOut``) and the station keeps it with its copy of the list.

Revision ID: 0008_followup_late
Revises: 0007_search_later
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_followup_late"
down_revision: str | Sequence[str] | None = "0007_search_later"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "alarm_followups",
        sa.Column("late", sa.Boolean(), server_default=sa.text("0"), nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("alarm_followups") as batch:
        batch.drop_column("late")
