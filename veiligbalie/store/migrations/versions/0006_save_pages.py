"""Fewer index pages written by every save of a report (issue #17, the save against its
floor): each index a new report or its follow-up plan lands in is one more page appended to
the WAL and synced by the commit.

- ``ix_followup_tasks_incident_id`` (incident_id) goes: ``ix_followup_tasks_incident_id_kind``
  (incident_id, kind) starts with the same column, so every query that used it seeks the
  other the same way.
- Two narrow indexes that counted the Logboek's filters, ``ix_incidents_severity_status``
  (severity, status, team_lead_only) and ``ix_incidents_status_team_lead_only``, become one,
  ``ix_incidents_status_severity_team_lead_only``: a status filter, with or without
  severity, still seeks it; a severity filter alone counts by reading it through (a narrow
  index of three short columns), as a category filter reads its own. The category index
  stays: the sort by categories reads it in order. tests/unit/test_store_query_plans.py
  compares every plan with the schema before.
- ``ix_followup_tasks_due`` (every task by due date) becomes ``ix_followup_tasks_done_due``,
  the done tasks alone: the open ones are in ``ix_followup_tasks_open_due`` already, and
  the worklist's "all" merges the two in date order. The plan of a new report (four or five
  open tasks with deadlines days to weeks apart, each on another page of a date index)
  then writes none of its pages here.
- The search table is made again with ``columnsize=0``: FTS5 then keeps no per-report token
  count (``incident_search_docsize``, one more row and page per save), which only ranking
  (bm25) reads and the Logboek never asks for. The same rowids and the same text are copied
  over; the triggers of 0004 keep the new table (they name it, and it keeps its name).

Revision ID: 0006_save_pages
Revises: 0005_dossier
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_save_pages"
down_revision: str | Sequence[str] | None = "0005_dossier"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MERGED = "ix_incidents_status_severity_team_lead_only"
SEARCH_TABLE = "incident_search"


def _remake_search(options: str) -> None:
    """The search table again with ``options``, holding the same rows (rowid and text); the
    triggers that keep it are set aside meanwhile and made again as they were."""
    conn = op.get_bind()
    triggers = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE ?",
        (f"%{SEARCH_TABLE}%",),
    ).all()
    for name, _sql in triggers:
        op.execute(f"DROP TRIGGER {name}")
    op.execute(
        f"CREATE VIRTUAL TABLE {SEARCH_TABLE}_new USING fts5(body, tokenize = 'trigram'{options})"
    )
    op.execute(
        f"INSERT INTO {SEARCH_TABLE}_new (rowid, body) SELECT rowid, body FROM {SEARCH_TABLE}"
    )
    op.execute(f"DROP TABLE {SEARCH_TABLE}")
    op.execute(f"ALTER TABLE {SEARCH_TABLE}_new RENAME TO {SEARCH_TABLE}")
    for _name, sql in triggers:
        op.execute(sql)


def upgrade() -> None:
    op.drop_index("ix_followup_tasks_incident_id", table_name="followup_tasks")
    op.drop_index("ix_followup_tasks_due", table_name="followup_tasks")
    op.create_index(
        "ix_followup_tasks_done_due",
        "followup_tasks",
        ["due"],
        sqlite_where=sa.text("done_at IS NOT NULL"),
    )
    op.drop_index("ix_incidents_severity_status", table_name="incidents")
    op.drop_index("ix_incidents_status_team_lead_only", table_name="incidents")
    op.create_index(MERGED, "incidents", ["status", "severity", "team_lead_only"])
    _remake_search(", columnsize = 0")


def downgrade() -> None:
    _remake_search("")
    op.drop_index(MERGED, table_name="incidents")
    op.create_index("ix_incidents_status_team_lead_only", "incidents", ["status", "team_lead_only"])
    op.create_index(
        "ix_incidents_severity_status", "incidents", ["severity", "status", "team_lead_only"]
    )
    op.create_index("ix_followup_tasks_incident_id", "followup_tasks", ["incident_id"])
    op.drop_index("ix_followup_tasks_done_due", table_name="followup_tasks")
    op.create_index("ix_followup_tasks_due", "followup_tasks", ["due"])
