"""The Logboek at 100,000 reports: a full-text index over descriptions and notes (FTS5,
trigram tokenizer: substring search, case-insensitive for all of Unicode) kept in step by
triggers, and the indexes the log's filters, sorts and count use.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

SEARCH_TABLE = "incident_search"
SEARCH_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5(body, tokenize = 'trigram')"
)
#: One row per report at the report's own rowid: its description, then its notes, one per
#: line. A search asks the index for rowids only (fast; reading a column of the index
#: would cost more than the search), and VACUUM keeps rowids. A later migration that
#: copies ``incidents`` into a new table must refill the index (see upgrade()).
_BODY = (
    "{row}.description || coalesce(char(10) || (SELECT group_concat(e.text, char(10)) "
    "FROM incident_events e WHERE e.incident_id = {row}.id AND e.kind = 'note'), '')"
)
SEARCH_TRIGGERS = {
    "incident_search_insert": f"""
        CREATE TRIGGER incident_search_insert AFTER INSERT ON incidents BEGIN
            INSERT OR REPLACE INTO {SEARCH_TABLE} (rowid, body)
            VALUES (new.rowid, new.description);
        END""",
    "incident_search_update": f"""
        CREATE TRIGGER incident_search_update AFTER UPDATE OF description ON incidents BEGIN
            INSERT OR REPLACE INTO {SEARCH_TABLE} (rowid, body)
            VALUES (new.rowid, {_BODY.format(row="new")});
        END""",
    "incident_search_delete": f"""
        CREATE TRIGGER incident_search_delete AFTER DELETE ON incidents BEGIN
            DELETE FROM {SEARCH_TABLE} WHERE rowid = old.rowid;
        END""",
    "incident_search_note": f"""
        CREATE TRIGGER incident_search_note AFTER INSERT ON incident_events
        WHEN new.kind = 'note' BEGIN
            UPDATE {SEARCH_TABLE} SET body = body || char(10) || new.text
            WHERE rowid = (SELECT rowid FROM incidents WHERE id = new.incident_id);
        END""",
}


revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(SEARCH_DDL)
    for name, ddl in SEARCH_TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(ddl)
    # What is already stored (the same text the triggers keep).
    op.execute(f"DELETE FROM {SEARCH_TABLE}")
    op.execute(
        f"INSERT INTO {SEARCH_TABLE} (rowid, body) "
        f"SELECT rowid, {_BODY.format(row='incidents')} FROM incidents"
    )
    op.create_index(
        "ix_incidents_log",
        "incidents",
        [
            "occurred_at",
            "id",
            "team_lead_only",
            "severity",
            "status",
            "location",
            "site_name",
            "alarm_id",
            "assignee_user_id",
            "categories",
        ],
    )
    # Narrow ones that count a severity or status filter without reading the wide one.
    op.create_index(
        "ix_incidents_severity_status", "incidents", ["severity", "status", "team_lead_only"]
    )
    op.create_index("ix_incidents_status_team_lead_only", "incidents", ["status", "team_lead_only"])
    op.create_index(
        "ix_incidents_categories_team_lead_only", "incidents", ["categories", "team_lead_only"]
    )
    op.create_index("ix_incidents_location_id", "incidents", ["location", "id"])
    op.create_index("ix_incidents_site_name_id", "incidents", ["site_name", "id"])
    op.create_index(
        "ix_followup_tasks_open_due",
        "followup_tasks",
        ["due", "incident_id"],
        sqlite_where=sa.text("done_at IS NULL"),
    )
    op.create_index("ix_followup_tasks_incident_id_kind", "followup_tasks", ["incident_id", "kind"])


def downgrade() -> None:
    op.drop_index("ix_followup_tasks_incident_id_kind", table_name="followup_tasks")
    op.drop_index("ix_followup_tasks_open_due", table_name="followup_tasks")
    op.drop_index("ix_incidents_site_name_id", table_name="incidents")
    op.drop_index("ix_incidents_location_id", table_name="incidents")
    op.drop_index("ix_incidents_categories_team_lead_only", table_name="incidents")
    op.drop_index("ix_incidents_status_team_lead_only", table_name="incidents")
    op.drop_index("ix_incidents_severity_status", table_name="incidents")
    op.drop_index("ix_incidents_log", table_name="incidents")
    for name in SEARCH_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
