"""Follow-up tasks in the local store: every followup event stored (made here, planned on
save, pulled) folded into its task in the same transaction, idempotent and in order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, text

from tests.support.pulled import pull_report
from tests.unit.test_store_incidents import make_incident
from veiligbalie.core.followup import plan_event_id, task_id_for
from veiligbalie.core.timeline import TimelineKind
from veiligbalie.core.vocabulary import Category, FollowUpKind
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import IncidentRepository, TimelineEvent
from veiligbalie.store.pulled import SERVER, EventRow, PulledData, PulledEvent
from veiligbalie.store.tasks import PLAN_AUTHOR, FoldEvent, TaskRepository, fold
from veiligbalie.store.types import dumps, utc_text

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def followup_data(kind: FollowUpKind, action: str, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": kind.value,
        "task_id": None,
        "action": action,
        "due": None,
        "due_from": None,
        "reason": "",
        "done": action == "done",
        "done_at": None,
        "assignee_user_id": None,
        "assignee_name": "",
        "details": {},
        "context": None,
    }
    data.update(fields)
    return data


def pulled_followup(
    incident_id: uuid.UUID, at: datetime, data: dict[str, Any], note: str = ""
) -> PulledEvent:
    row = EventRow(
        id=str(uuid.uuid4()),
        incident_id=str(incident_id),
        kind=TimelineKind.FOLLOWUP.value,
        author="teamleider Els",
        text=note,
        data=dumps(data),
        created_at=utc_text(at),
        origin=SERVER,
    )
    return PulledEvent(row)


def local_followup(
    repo: IncidentRepository, incident_id: uuid.UUID, at: datetime, data: dict[str, Any]
) -> None:
    event = TimelineEvent(
        id=uuid.uuid4(),
        incident_id=incident_id,
        kind=TimelineKind.FOLLOWUP.value,
        author="teamleider Els",
        text=str(data.pop("_note", "")),
        data=data,
        created_at=at,
    )
    repo.add_event(event, "incident.followup", {"event_id": str(event.id), **data})


def violent(**changes: Any) -> Any:
    return make_incident(
        categories=frozenset({Category.PHYSICAL_VIOLENCE}),
        occurred_at=T0,
        created_at=T0 + timedelta(minutes=20),
        **changes,
    )


def test_saving_a_report_here_plans_its_tasks_without_outbox_rows(db: Database) -> None:
    repo = IncidentRepository(db)
    saved = repo.save_new(violent(), plan=True)
    tasks = TaskRepository(db).tasks_of(saved.id)
    kinds = {t.kind for t in tasks}
    assert FollowUpKind.POLICE_REPORT in kinds and FollowUpKind.AFTERCARE_TALK in kinds
    assert all(t.id == task_id_for(saved.id, t.kind) for t in tasks)
    events = repo.timeline(saved.id)
    assert {e.id for e in events} == {plan_event_id(saved.id, t.kind) for t in tasks}
    assert {e.author for e in events} == {PLAN_AUTHOR}
    with db.session() as session:
        kinds_sent = session.execute(text("SELECT kind FROM outbox")).scalars().all()
    assert kinds_sent == ["incident.created"]


def test_a_new_reports_plan_folded_in_memory_equals_the_fold_from_the_store(
    db: Database,
) -> None:
    """Saving skips reading back the plan it just wrote; folding it again from the stored
    timeline (as a pull or a re-plan does) must give the very same task rows."""
    repo = IncidentRepository(db)
    saved = repo.save_new(violent(), plan=True)

    def task_rows() -> list[tuple[Any, ...]]:
        with db.session() as session:
            rows = session.execute(text("SELECT * FROM followup_tasks ORDER BY id")).all()
        return [tuple(row) for row in rows]

    in_memory = task_rows()
    assert len(in_memory) >= 2
    with db.session() as session:
        session.execute(text("DELETE FROM followup_tasks"))
    with db.write_connection() as conn:
        events = [
            FoldEvent(str(e.id), e.incident_id, e.created_at, e.text, e.data)
            for e in repo.timeline(saved.id)
        ]
        fold(conn, events, datetime.now(UTC))
    from_store = task_rows()
    # Every column but the fold's own timestamp (when the row was written) is the same.
    assert [r[:-1] for r in from_store] == [r[:-1] for r in in_memory]


def test_a_done_event_made_here_ticks_the_task_off_in_the_same_write(db: Database) -> None:
    repo = IncidentRepository(db)
    saved = repo.save_new(violent(), plan=True)
    done_at = T0 + timedelta(hours=5)
    data = followup_data(
        FollowUpKind.POLICE_REPORT,
        "done",
        done_at=done_at.isoformat(),
        details={"report_number": "PL0900-2026123456"},
        _note="Aangifte gedaan bij bureau Centrum",
    )
    local_followup(repo, saved.id, done_at, data)
    task = TaskRepository(db).get(task_id_for(saved.id, FollowUpKind.POLICE_REPORT))
    assert task is not None and task.done_at == done_at
    assert task.details["report_number"] == "PL0900-2026123456"
    assert task.note == "Aangifte gedaan bij bureau Centrum"


def test_pulled_events_fold_once_and_in_order_whatever_the_arrival(db: Database) -> None:
    incident = violent()
    pull_report(db, incident)  # no tasks from this (older) server: planned here
    kind = FollowUpKind.AFTERCARE_TALK
    tasks = TaskRepository(db)
    task_id = task_id_for(incident.id, kind)
    assert tasks.get(task_id) is not None
    done = pulled_followup(
        incident.id,
        T0 + timedelta(hours=2),
        followup_data(kind, "done", done_at=(T0 + timedelta(hours=2)).isoformat()),
        "Gesprek gevoerd",
    )
    reopened = pulled_followup(
        incident.id, T0 + timedelta(hours=3), followup_data(kind, "reopened"), "Toch niet"
    )
    # The later event arrives first, the earlier one next: the fold follows created_at.
    PulledData(db).apply(events=[reopened])
    PulledData(db).apply(events=[done])
    state = tasks.get(task_id)
    assert state is not None and state.done_at is None and state.note == "Toch niet"
    # Replayed page: nothing folds twice, nothing changes.
    PulledData(db).apply(events=[done, reopened])
    assert tasks.get(task_id) == state
    with db.session() as session:
        count = session.execute(
            text("SELECT count(*) FROM incident_events WHERE kind = 'followup'")
        ).scalar_one()
    assert count == len(tasks.tasks_of(incident.id)) + 2


def test_the_servers_plan_collapses_with_the_local_one(db: Database) -> None:
    repo = IncidentRepository(db)
    saved = repo.save_new(violent(), plan=True)
    before = TaskRepository(db).tasks_of(saved.id)
    kind = FollowUpKind.POLICE_REPORT
    task = next(t for t in before if t.kind is kind)
    row = EventRow(
        id=str(plan_event_id(saved.id, kind)),
        incident_id=str(saved.id),
        kind="followup",
        author=PLAN_AUTHOR,
        text="",
        data=dumps(followup_data(kind, "planned", due=task.due.isoformat())),
        created_at=utc_text(saved.created_at),
        origin=SERVER,
    )
    PulledData(db).apply(events=[PulledEvent(row)])
    assert TaskRepository(db).tasks_of(saved.id) == before
    assert len(repo.timeline(saved.id)) == len(before)


def test_a_peer_support_task_arrives_without_its_report(db: Database) -> None:
    incident_id = uuid.uuid4()  # a report this workstation never receives
    kind = FollowUpKind.AFTERCARE_TALK
    context = {
        "reference": "VB-2026-000412",
        "occurred_at": T0.isoformat(),
        "location": "Stadswinkel Noord",
        "reporter": "Fatima el Amrani",
    }
    due = T0 + timedelta(hours=72)
    assigned = pulled_followup(
        incident_id,
        T0 + timedelta(hours=1),
        followup_data(
            kind,
            "assigned",
            due=due.isoformat(),
            assignee_name="Joost (opvangteam)",
            assignee_user_id=str(uuid.uuid4()),
            context=context,
        ),
    )
    page = PulledData(db).apply(events=[assigned])
    assert page.skipped_events == 1  # not on the timeline: the report is not here
    tasks = TaskRepository(db)
    task_id = task_id_for(incident_id, kind)
    assert page.tasks == {task_id}
    items = tasks.worklist(T0 + timedelta(hours=2))
    assert [(i.reference, i.location, i.report_here) for i in items] == [
        ("VB-2026-000412", "Stadswinkel Noord", False)
    ]
    # A later event without context still reaches the task; a replay changes nothing.
    done = pulled_followup(
        incident_id,
        T0 + timedelta(hours=30),
        followup_data(kind, "done", done_at=(T0 + timedelta(hours=30)).isoformat()),
        "Gesprek gevoerd met Fatima",
    )
    PulledData(db).apply(events=[done, assigned])
    state = tasks.get(task_id)
    assert state is not None and state.done and state.assignee_name == "Joost (opvangteam)"
    # An unrelated event of an unknown report without context is left out entirely.
    stray = pulled_followup(uuid.uuid4(), T0, followup_data(kind, "planned", due=due.isoformat()))
    assert PulledData(db).apply(events=[stray]).tasks == set()
    # Another person signs in: what was given to the previous one goes.
    IncidentRepository(db).forget_pulled()
    assert tasks.get(task_id) is None


def test_worklist_status_and_filters(db: Database) -> None:
    repo = IncidentRepository(db)
    saved = repo.save_new(violent(reporter="Sanne"), plan=True)
    tasks = TaskRepository(db)
    now = T0 + timedelta(hours=50)
    everything = tasks.worklist(now, state="all")
    assert [i.task.due for i in everything] == sorted(i.task.due for i in everything)
    assert {i.reference for i in everything} == {saved.reference}
    statuses = {i.task.kind: i.status for i in everything}
    assert statuses[FollowUpKind.AFTERCARE_TALK] == "due_soon"  # 22 of its 72 h left
    overdue = tasks.worklist(T0 + timedelta(days=20), state="overdue")
    assert FollowUpKind.POLICE_REPORT in {i.task.kind for i in overdue}
    assert all(i.status == "overdue" for i in overdue)
    assert tasks.worklist(now, assignee_name="Els") == []


def test_a_peer_support_member_ticks_off_a_task_without_its_report(db: Database) -> None:
    incident_id = uuid.uuid4()
    kind = FollowUpKind.AFTERCARE_FOLLOW_UP_2W
    due = T0 + timedelta(days=16)
    assigned = pulled_followup(
        incident_id,
        T0,
        followup_data(
            kind,
            "assigned",
            due=due.isoformat(),
            assignee_name="Joost Vermeer",
            context={"reference": "VB-2026-000412", "location": "Stadswinkel Noord"},
        ),
    )
    PulledData(db).apply(events=[assigned])
    repo = IncidentRepository(db)
    done_at = T0 + timedelta(days=13)
    local_followup(
        repo,
        incident_id,
        done_at,
        followup_data(kind, "done", done_at=done_at.isoformat(), _note="Gaat goed met Fatima"),
    )
    task = TaskRepository(db).get(task_id_for(incident_id, kind))
    assert task is not None and task.done_at == done_at and task.note == "Gaat goed met Fatima"
    with db.session() as session:
        queued = session.execute(text("SELECT kind FROM outbox")).scalars().all()
    assert queued == ["incident.followup"]  # sent like any step; no timeline here for it
    # A step for a task that is not here at all is refused.
    with pytest.raises(LookupError):
        local_followup(
            repo, uuid.uuid4(), done_at, followup_data(kind, "done", done_at=done_at.isoformat())
        )


def test_due_soon_is_announced_once_per_task_with_one_statement_for_any_number(
    db: Database,
) -> None:
    """The check every minute asks which of the tasks due soon were announced: the same SQL
    text for any number of tasks (an IN list per count filled the connection's statement
    cache with ever longer statements: memory that grew for a client running for weeks)."""
    tasks = TaskRepository(db)
    first = [uuid.uuid4() for _ in range(3)]
    more = [uuid.uuid4() for _ in range(700)]  # past any chunk size of an IN list
    texts: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if "FROM meta" in statement:
            texts.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert tasks.unannounced(first) == set(first)
        assert tasks.unannounced(first) == set()
        assert tasks.unannounced([*first, *more]) == set(more)
        assert tasks.unannounced(reversed([*first, *more])) == set()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert tasks.unannounced([]) == set()
    assert len(texts) == 4
    assert len(set(texts)) == 1
