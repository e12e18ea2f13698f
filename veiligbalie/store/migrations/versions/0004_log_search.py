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
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} "
    "USING fts5(body, incident_id UNINDEXED, tokenize = 'trigram')"
)
# A description sits at its report's rowid, a note at minus its event's rowid: every
# trigger finds its row by rowid (no scan of the index). The id check keeps a row that is
# not the report's (rowids renumbered by a rebuild) from being removed; searches join on
# incident_id, never on rowid, so a stale row can never show a wrong report.
SEARCH_TRIGGERS = {
    "incident_search_insert": f"""
        CREATE TRIGGER incident_search_insert AFTER INSERT ON incidents BEGIN
            INSERT OR REPLACE INTO {SEARCH_TABLE} (rowid, body, incident_id)
            VALUES (new.rowid, new.description, new.id);
        END""",
    "incident_search_update": f"""
        CREATE TRIGGER incident_search_update AFTER UPDATE OF description ON incidents BEGIN
            DELETE FROM {SEARCH_TABLE} WHERE rowid = old.rowid AND incident_id = old.id;
            INSERT OR REPLACE INTO {SEARCH_TABLE} (rowid, body, incident_id)
            VALUES (new.rowid, new.description, new.id);
        END""",
    "incident_search_delete": f"""
        CREATE TRIGGER incident_search_delete AFTER DELETE ON incidents BEGIN
            DELETE FROM {SEARCH_TABLE} WHERE rowid = old.rowid AND incident_id = old.id;
        END""",
    "incident_search_note": f"""
        CREATE TRIGGER incident_search_note AFTER INSERT ON incident_events
        WHEN new.kind = 'note' BEGIN
            INSERT OR REPLACE INTO {SEARCH_TABLE} (rowid, body, incident_id)
            VALUES (-new.rowid, new.text, new.incident_id);
        END""",
    "incident_search_note_delete": f"""
        CREATE TRIGGER incident_search_note_delete AFTER DELETE ON incident_events
        WHEN old.kind = 'note' BEGIN
            DELETE FROM {SEARCH_TABLE} WHERE rowid = -old.rowid AND incident_id = old.incident_id;
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
    # What is already stored: descriptions at their report's rowid, notes at minus theirs.
    op.execute(
        f"INSERT INTO {SEARCH_TABLE} (rowid, body, incident_id) "
        "SELECT rowid, description, id FROM incidents"
    )
    op.execute(
        f"INSERT INTO {SEARCH_TABLE} (rowid, body, incident_id) "
        "SELECT -rowid, text, incident_id FROM incident_events WHERE kind = 'note'"
    )
    op.create_index("ix_incidents_occurred_at_id", "incidents", ["occurred_at", "id"])
    op.create_index(
        "ix_incidents_log",
        "incidents",
        [
            "team_lead_only",
            "occurred_at",
            "id",
            "severity",
            "status",
            "location",
            "site_name",
            "alarm_id",
            "assignee_user_id",
            "categories",
        ],
    )
    op.create_index("ix_incidents_location_id", "incidents", ["location", "id"])
    op.create_index("ix_incidents_site_name_id", "incidents", ["site_name", "id"])
    op.create_index(
        "ix_incidents_assignee_user_id_occurred_at", "incidents", ["assignee_user_id", "occurred_at"]
    )
    op.create_index(
        "ix_followup_tasks_open_due",
        "followup_tasks",
        ["due", "incident_id"],
        sqlite_where=sa.text("done_at IS NULL"),
    )
    op.create_index(
        "ix_followup_tasks_incident_id_kind", "followup_tasks", ["incident_id", "kind"]
    )


def downgrade() -> None:
    op.drop_index("ix_followup_tasks_incident_id_kind", table_name="followup_tasks")
    op.drop_index("ix_followup_tasks_open_due", table_name="followup_tasks")
    op.drop_index("ix_incidents_assignee_user_id_occurred_at", table_name="incidents")
    op.drop_index("ix_incidents_site_name_id", table_name="incidents")
    op.drop_index("ix_incidents_location_id", table_name="incidents")
    op.drop_index("ix_incidents_log", table_name="incidents")
    op.drop_index("ix_incidents_occurred_at_id", table_name="incidents")
    for name in SEARCH_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
