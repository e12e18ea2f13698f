"""The worklist's "all" (and "done") since migration 0006 merge the open and the done tasks,
each read in date order from its own partial index: the same tasks in the same order as one
query over every task sorted by due date (the query before 0006), on a store of realistic
reports with open, done and overdue tasks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.support.log_data import fill, task_row, write_tasks
from veiligbalie.core.vocabulary import FollowUpKind
from veiligbalie.store.database import Database
from veiligbalie.store.schema import followup_tasks, incidents
from veiligbalie.store.tasks import ALL, DONE, TaskRepository, WorkItem, _state

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def one_query(
    db: Database, state: str, limit: int, kinds: tuple[FollowUpKind, ...] = ()
) -> list[Any]:
    """The tasks as the single sorted query before 0006 read them."""
    t = followup_tasks
    query = select(t).outerjoin(incidents, incidents.c.id == t.c.incident_id)
    if state == DONE:
        query = query.where(t.c.done_at.is_not(None))
    if kinds:
        query = query.where(t.c.kind.in_([k.value for k in kinds]))
    return db.fetch_all(query.order_by(t.c.due, t.c.id).limit(limit), _state)


def store(db: Database) -> None:
    """400 realistic reports with their tasks, and 30 more tasks whose due dates tie in
    threes across open and done (the order then rests on the task id)."""
    fill(db, 400, NOW)
    due = NOW - timedelta(days=3)
    rows = []
    for i in range(10):
        for j, done in enumerate((None, NOW - timedelta(days=4), None)):
            report = uuid.UUID(int=i * 10 + j + 1)
            rows.append(
                task_row(report, FollowUpKind.AFTERCARE_TALK, due + timedelta(hours=i), done, NOW)
            )
    write_tasks(db, rows)


def tasks(items: list[WorkItem]) -> list[Any]:
    return [item.task for item in items]


@pytest.mark.parametrize("state", [ALL, DONE])
@pytest.mark.parametrize("limit", [1, 37, 500, 5000])
def test_merged_worklist_equals_one_sorted_query(db: Database, state: str, limit: int) -> None:
    store(db)
    repo = TaskRepository(db)
    expected = one_query(db, state, limit)
    assert len(expected) == min(limit, len(one_query(db, state, 10_000)))
    got = repo.worklist(NOW, state=state, limit=limit)
    assert tasks(got) == expected
    kinds = (FollowUpKind.AFTERCARE_TALK, FollowUpKind.POLICE_REPORT)
    got = repo.worklist(NOW, state=state, kinds=kinds, limit=limit)
    assert tasks(got) == one_query(db, state, limit, kinds)


def test_the_store_holds_open_and_done_tasks_with_equal_due_dates(db: Database) -> None:
    """The data above exercises the merge: both kinds, and ties on the due date across
    them."""
    store(db)
    with db.engine.connect() as conn:
        open_, done = conn.exec_driver_sql(
            "SELECT sum(done_at IS NULL), sum(done_at IS NOT NULL) FROM followup_tasks"
        ).one()
        mixed_ties = conn.exec_driver_sql(
            "SELECT count(*) FROM (SELECT due FROM followup_tasks GROUP BY due "
            "HAVING sum(done_at IS NULL) > 0 AND sum(done_at IS NOT NULL) > 0)"
        ).scalar_one()
    assert open_ > 20 and done > 20
    assert mixed_ties == 10
