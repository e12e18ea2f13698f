"""A new report's search entry is made after its save, not inside it (issue #17, the save
against its floor): the FTS5 insert of a report's text (a trigram per character, a new index
segment per commit, and now and then a merge of segments) was most of a save's slowest
hundredth. The insert trigger of 0004 now notes the report's rowid in ``search_pending``;
store/search_index.py makes the entries in idle moments and before every search, so a
search still finds every report. The triggers for a changed description, a note and a
deleted report stay as they were (a note on a report not yet indexed changes nothing: its
entry is made later from the description and every note).

Revision ID: 0007_search_later
Revises: 0006_save_pages
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_search_later"
down_revision: str | Sequence[str] | None = "0006_save_pages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_TABLE = "incident_search"
_BODY = (
    "incidents.description || coalesce(char(10) || (SELECT group_concat(e.text, char(10)) "
    "FROM incident_events e WHERE e.incident_id = incidents.id AND e.kind = 'note'), '')"
)


def upgrade() -> None:
    op.create_table(
        "search_pending",
        sa.Column("report_rowid", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("report_rowid", name="pk_search_pending"),
    )
    op.execute("DROP TRIGGER incident_search_insert")
    op.execute(
        """CREATE TRIGGER incident_search_insert AFTER INSERT ON incidents BEGIN
            INSERT OR IGNORE INTO search_pending (report_rowid) VALUES (new.rowid);
        END"""
    )


def downgrade() -> None:
    op.execute(
        f"INSERT OR REPLACE INTO {SEARCH_TABLE} (rowid, body) SELECT incidents.rowid, {_BODY} "
        "FROM incidents JOIN search_pending p ON p.report_rowid = incidents.rowid"
    )
    op.execute("DROP TRIGGER incident_search_insert")
    op.execute(
        f"""CREATE TRIGGER incident_search_insert AFTER INSERT ON incidents BEGIN
            INSERT OR REPLACE INTO {SEARCH_TABLE} (rowid, body)
            VALUES (new.rowid, new.description);
        END"""
    )
    op.drop_table("search_pending")
