"""Follow-up tasks in the local store: ``followup_tasks`` kept in step with the timeline.

Every ``followup`` event stored (made here through
:meth:`veiligbalie.store.incidents.IncidentRepository.add_event`, planned when a report is
saved, or pulled through :class:`veiligbalie.store.pulled.PulledData`) is folded with
:func:`veiligbalie.core.followup.apply_task_event` into its task's row in the same
transaction. A task is always folded again from *all* its stored events, ordered by
``created_at`` then id: an event stored twice counts once and an event that arrives late
lands in its place.

A peer-support member receives a task assigned to them without its report (the event
carries ``context``): such events cannot join the report's timeline, so they are kept per
task in ``meta`` (``followup.events.<task id>``) and folded from there.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Row,
    Select,
    String,
    bindparam,
    delete,
    literal_column,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.types import TypeDecorator

from veiligbalie.core.followup import (
    DUE_SOON,
    FollowUpTask,
    TaskState,
    TaskStatus,
    apply_task_event,
    default_plan,
    plan_event_id,
    status,
    task_id_for,
)
from veiligbalie.core.incident import Incident, incident_from_dict
from veiligbalie.core.timeline import TimelineKind
from veiligbalie.core.vocabulary import FollowUpKind, TaskAction
from veiligbalie.store.database import Database, PreparedInsert
from veiligbalie.store.schema import followup_tasks, incident_events, incidents, meta
from veiligbalie.store.types import JSONText, dumps

log = logging.getLogger(__name__)

#: The author of the planned events a workstation (or the server) makes for a new report.
PLAN_AUTHOR = "VeiligBalie"
#: Events of tasks whose report is not here, per task (``meta`` key prefix).
ORPHAN_PREFIX = "followup.events."
_FOLLOWUP = TimelineKind.FOLLOWUP.value
_CHUNK = 500
_INCIDENT_ID = type_coerce(incidents.c.id, String)
_EVENT_INCIDENT = type_coerce(incident_events.c.incident_id, String)
_EVENT_ID_TEXT = type_coerce(incident_events.c.id, String)
# The statements of every fold, built once (saving a report folds its plan on the GUI
# thread; building them anew each time cost more than running them). The timeline's
# follow-up events are read as stored text (the column types' conversions done here).
_TIMELINE_EVENTS = select(
    _EVENT_ID_TEXT,
    _EVENT_INCIDENT,
    type_coerce(incident_events.c.created_at, String),
    incident_events.c.text,
    type_coerce(incident_events.c.data, String),
).where(incident_events.c.kind == _FOLLOWUP, _EVENT_INCIDENT.in_(bindparam("ids", expanding=True)))
# The plan's events, compiled once and run on the sqlite3 connection (store.database):
# saving a report stores them on the GUI thread.
_INSERT_PLANNED = PreparedInsert(
    incident_events, [c.name for c in incident_events.c], conflict_do_nothing=["id"]
)
_ORPHANS = select(meta.c.key, meta.c.value).where(meta.c.key.in_(bindparam("keys", expanding=True)))
# Which of these tasks' "due soon" was announced: the keys go in as one JSON array, so the
# statement's text is the same for any number of them. (An IN list of the keys made a new
# statement for every count; checked every minute over every task due soon, they filled the
# connection's statement cache with ever longer copies: the soak's growth in memory.)
_ANNOUNCED = "SELECT key FROM meta WHERE key IN (SELECT value FROM json_each(?))"
# Whether any task's events are kept at all (most stores keep none): a range of the key.
_ANY_ORPHANS = (
    select(meta.c.key)
    .where(meta.c.key >= ORPHAN_PREFIX, meta.c.key < ORPHAN_PREFIX[:-1] + "/")
    .limit(1)
)


@dataclass(frozen=True, slots=True)
class FoldEvent:
    """One stored ``followup`` event as the fold reads it."""

    id: str
    incident_id: uuid.UUID
    created_at: datetime
    text: str
    data: Mapping[str, Any]

    def task_id(self) -> uuid.UUID | None:
        """The task this event belongs to; None when this version cannot read it."""
        try:
            given = self.data.get("task_id")
            if given:
                return uuid.UUID(str(given))
            return task_id_for(self.incident_id, FollowUpKind(str(self.data["kind"])))
        except (KeyError, ValueError, TypeError):
            return None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "incident_id": str(self.incident_id),
            "created_at": self.created_at.isoformat(),
            "text": self.text,
            "data": dict(self.data),
        }

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> FoldEvent:
        return cls(
            id=str(value["id"]),
            incident_id=uuid.UUID(str(value["incident_id"])),
            created_at=_aware(value["created_at"]),
            text=str(value.get("text") or ""),
            data=dict(value.get("data") or {}),
        )


def _aware(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _order(event: FoldEvent) -> tuple[datetime, str]:
    return (event.created_at, event.id)


# --- folding -----------------------------------------------------------------------------


def fold(
    conn: Connection,
    events: Iterable[FoldEvent],
    now: datetime,
    complete: Mapping[uuid.UUID, Sequence[FoldEvent]] | None = None,
) -> set[uuid.UUID]:
    """Fold ``events`` (already stored in ``incident_events``) into their tasks' rows, inside
    the caller's transaction. Returns the ids of the tasks that were folded.

    ``complete``: for the reports it lists, *every* stored ``followup`` event (a report
    that arrived with them in this transaction); only the other reports' events are read
    from the store."""
    touched: dict[uuid.UUID, uuid.UUID] = {}
    tasks: dict[int, uuid.UUID | None] = {}  # by event object: each event's task, once
    for event in events:
        task_id = tasks[id(event)] = event.task_id()
        if task_id is not None:
            touched[task_id] = event.incident_id
    if touched:
        timeline = None
        if complete:
            reports = set(touched.values())
            timeline = _timeline_events(conn, [i for i in reports if i not in complete])
            for incident_id in reports & complete.keys():
                for event in complete[incident_id]:
                    task_id = tasks[id(event)] if id(event) in tasks else event.task_id()
                    if task_id is not None:
                        timeline.setdefault(task_id, []).append(event)
        _refold(conn, touched, now, timeline)
    return set(touched)


def fold_orphans(conn: Connection, events: Iterable[FoldEvent], now: datetime) -> set[uuid.UUID]:
    """Fold pulled ``followup`` events of reports that are not here: those of a task given
    to this identity (the event carries ``context``, or the task is already here) are kept
    per task in ``meta`` and folded; the rest are left out. Returns the folded task ids."""
    by_task: dict[uuid.UUID, list[FoldEvent]] = {}
    for event in events:
        task_id = event.task_id()
        if task_id is not None:
            by_task.setdefault(task_id, []).append(event)
    if not by_task:
        return set()
    known = _existing_tasks(conn, list(by_task))
    wanted = [
        task_id
        for task_id, new in by_task.items()
        if task_id in known or any(e.data.get("context") for e in new)
    ]
    stored = _orphan_events(conn, wanted)
    touched: dict[uuid.UUID, uuid.UUID] = {}
    for task_id in wanted:
        new = by_task[task_id]
        kept = {e.id: e for e in stored.get(task_id, [])}
        before = len(kept)
        kept.update((e.id, e) for e in new if e.id not in kept)
        if len(kept) != before:
            value = dumps([e.to_json() for e in sorted(kept.values(), key=_order)])
            conn.execute(_upsert_meta(ORPHAN_PREFIX + str(task_id), value))
        touched[task_id] = new[0].incident_id
    if touched:
        _refold(conn, touched, now)
    return set(touched)


def _upsert_meta(key: str, value: str) -> Any:
    stmt = sqlite_insert(meta).values(key=key, value=value)
    return stmt.on_conflict_do_update(index_elements=[meta.c.key], set_={"value": value})


def _existing_tasks(conn: Connection, task_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for start in range(0, len(task_ids), _CHUNK):
        chunk = task_ids[start : start + _CHUNK]
        found.update(
            conn.execute(select(followup_tasks.c.id).where(followup_tasks.c.id.in_(chunk)))
            .scalars()
            .all()
        )
    return found


def _orphan_events(
    conn: Connection, task_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[FoldEvent]]:
    """The events kept in ``meta`` for these tasks (one query per chunk, not per task)."""
    found: dict[uuid.UUID, list[FoldEvent]] = {}
    if task_ids and conn.execute(_ANY_ORPHANS).first() is None:
        return found  # none kept: no need to ask for each of thousands of tasks
    for start in range(0, len(task_ids), _CHUNK):
        keys = {ORPHAN_PREFIX + str(i): i for i in task_ids[start : start + _CHUNK]}
        rows = conn.execute(_ORPHANS, {"keys": list(keys)})
        for key, raw in rows:
            if not raw:
                continue
            task_id = keys[key]
            try:
                found[task_id] = [FoldEvent.from_json(item) for item in json.loads(raw)]
            except (KeyError, ValueError, TypeError):
                log.warning("unreadable follow-up events kept for task %s", task_id)
    return found


def _timeline_events(
    conn: Connection, incident_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[FoldEvent]]:
    """The stored ``followup`` events of these reports, per task. Read as the stored text
    (the column types' conversions done here, once per report for its id)."""
    found: dict[uuid.UUID, list[FoldEvent]] = {}
    reports = {str(i): i for i in incident_ids}
    ids = sorted(reports)
    for start in range(0, len(ids), _CHUNK):
        rows = conn.execute(_TIMELINE_EVENTS, {"ids": ids[start : start + _CHUNK]})
        for event_id, incident_id, created_at, text, data in rows:
            report = reports.get(incident_id)
            if report is None:  # not the canonical text: as the column type reads it
                report = reports[incident_id] = uuid.UUID(incident_id)
            event = FoldEvent(event_id, report, _aware(created_at), text, json.loads(data))
            task_id = event.task_id()
            if task_id is not None:
                found.setdefault(task_id, []).append(event)
    return found


def _refold(
    conn: Connection,
    touched: Mapping[uuid.UUID, uuid.UUID],
    now: datetime,
    timeline: Mapping[uuid.UUID, Sequence[FoldEvent]] | None = None,
    orphans: bool = True,
) -> None:
    """Fold the tasks ``touched`` (task id → report id) from their stored events and the
    kept orphans. ``timeline``: every timeline event of those tasks when the caller knows
    them all (a report saved in this very transaction), read from the store otherwise;
    ``orphans``: False when no kept orphan event can belong to those tasks."""
    if timeline is None:
        timeline = _timeline_events(conn, list(touched.values()))
    kept = _orphan_events(conn, list(touched)) if orphans else {}
    rows = []
    for task_id, incident_id in touched.items():
        events = {e.id: e for e in timeline.get(task_id, [])}
        for orphan in kept.get(task_id, ()):
            events.setdefault(orphan.id, orphan)
        state = _fold_task(incident_id, sorted(events.values(), key=_order))
        if state is not None:
            rows.append(_task_row(state, now))
    if rows:
        conn.exec_driver_sql(_UPSERT_TASKS_SQL, [_upsert_params(row) for row in rows])


def _upsert_statement() -> tuple[str, list[tuple[str, Any]]]:
    """INSERT … ON CONFLICT (id) DO UPDATE of ``followup_tasks``, compiled once; with each
    parameter's column conversion (what SQLAlchemy would apply per row)."""
    stmt = sqlite_insert(followup_tasks).values(
        {c.name: bindparam(c.name) for c in followup_tasks.c}
    )
    columns = {c.name: stmt.excluded[c.name] for c in followup_tasks.c if c.name != "id"}
    compiled = stmt.on_conflict_do_update(index_elements=["id"], set_=columns).compile(
        dialect=sqlite.dialect()
    )
    order = list(compiled.positiontup or [])
    assert sorted(order) == sorted(c.name for c in followup_tasks.c)
    dialect = sqlite.dialect()
    converters: list[tuple[str, Any]] = []
    for name in order:
        kind = followup_tasks.c[name].type
        # The column type's own conversion, called directly (no per-value wrapper); the
        # plain columns (text) need none.
        convert = kind.process_bind_param if isinstance(kind, TypeDecorator) else None
        if isinstance(kind, JSONText):  # most tasks have no details: "{}" without the encoder
            converters.append((name, _json_text))
        else:
            converters.append(
                (name, None if convert is None else partial(convert, dialect=dialect))
            )
    return str(compiled), converters


def _json_text(value: Any) -> str | None:
    """What JSONText stores for ``value``."""
    if value is None:
        return None
    return "{}" if type(value) is dict and not value else dumps(value)


_UPSERT_TASKS_SQL, _UPSERT_TASKS_PARAMS = _upsert_statement()


def _upsert_params(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(
        [
            row[name] if convert is None else convert(row[name])
            for name, convert in _UPSERT_TASKS_PARAMS
        ]
    )


def _fold_task(incident_id: uuid.UUID, events: Sequence[FoldEvent]) -> TaskState | None:
    """One task from its events in order. Events stamped before the task was planned (a
    clock that ran behind) are not lost: they follow right after the plan."""
    state: TaskState | None = None
    early: list[FoldEvent] = []
    for event in events:
        try:
            before = state
            state = apply_task_event(state, incident_id, event.data, event.text)
            if state is None:
                early.append(event)
            elif before is None:
                for waiting in early:
                    state = apply_task_event(state, incident_id, waiting.data, waiting.text)
                early.clear()
        except (KeyError, ValueError, TypeError):
            log.warning("follow-up event %s cannot be read; left out", event.id)
    return state


def _task_row(state: TaskState, now: datetime) -> dict[str, Any]:
    return {
        "id": state.id,
        "incident_id": state.incident_id,
        "kind": state.kind.value,
        "reason": state.reason,
        "due": state.due,
        "due_from": state.due_from,
        "done_at": state.done_at,
        "note": state.note,
        "assignee_user_id": state.assignee_user_id,
        "assignee_name": state.assignee_name or None,
        "details": dict(state.details),
        "context": dict(state.context) if state.context else None,
        "updated_at": now,
    }


# --- planning ------------------------------------------------------------------------------


def plan_rows(incident: Incident, plan: Sequence[FollowUpTask]) -> list[dict[str, Any]]:
    """The ``incident_events`` rows that plan ``plan``'s tasks of ``incident``: deterministic
    ids (:func:`plan_event_id`), so the server's plan of the same report is the same."""
    rows = []
    for task in plan:
        # The data of the planned event exactly as protocol.sync.timeline_entry maps it.
        data: dict[str, Any] = {
            "kind": task.kind.value,
            "task_id": str(task_id_for(incident.id, task.kind)),
            "action": TaskAction.PLANNED.value,
            "due": task.due.isoformat(),
            "due_from": task.due_from.isoformat() if task.due_from else None,
            "reason": task.reason.value,
            "done": False,
            "done_at": None,
            "assignee_user_id": None,
            "assignee_name": "",
            "details": {},
            "context": None,
        }
        rows.append(
            {
                "id": plan_event_id(incident.id, task.kind),
                "incident_id": incident.id,
                "kind": _FOLLOWUP,
                "author": PLAN_AUTHOR,
                "text": "",
                "data": data,
                "created_at": incident.created_at,
                "origin": "local",
            }
        )
    return rows


def store_plan(
    conn: Connection,
    incident: Incident,
    now: datetime,
    extra_closed: Collection[date] = (),
    *,
    new_report: bool = False,
) -> set[uuid.UUID]:
    """Store the default plan of ``incident`` as planned events (no outbox rows: the server
    makes the same plan) and fold them; an event already here stays as it is, a done task
    stays done. ``extra_closed``: the organisation's closing days (deadlines skip them, as
    on the server). ``new_report``: the report was inserted in this very transaction, so
    its timeline holds nothing but this plan (events need their report row) and the fold
    need not read it back (saving a report from the form). Returns the task ids."""
    rows = plan_rows(incident, default_plan(incident, extra_closed))
    if not rows:
        return set()
    _INSERT_PLANNED.execute_many(conn, rows)
    events = [
        FoldEvent(str(r["id"]), incident.id, r["created_at"], r["text"], r["data"]) for r in rows
    ]
    if not new_report:
        return fold(conn, events, now)
    timeline: dict[uuid.UUID, list[FoldEvent]] = {}
    for event in events:
        task_id = event.task_id()
        if task_id is not None:
            timeline.setdefault(task_id, []).append(event)
    if timeline:
        # Nor are there kept events of its tasks to read: those come from the server for a
        # report it holds, and this one was only made now (its id is new; saving it twice
        # fails on that id before this point).
        _refold(conn, {task_id: incident.id for task_id in timeline}, now, timeline, False)
    return set(timeline)


def plan_missing(
    conn: Connection,
    reports: Sequence[Mapping[str, Any]],
    now: datetime,
    extra_closed: Collection[date] = (),
) -> int:
    """Plan the reports (stored rows of :class:`veiligbalie.store.pulled.IncidentRow`) that
    arrived without any task (from a server that does not plan). Returns how many."""
    ids = [str(r["id"]) for r in reports]
    with_tasks: set[str] = set()
    column = type_coerce(followup_tasks.c.incident_id, String)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        with_tasks.update(conn.execute(select(column).where(column.in_(chunk))).scalars())
    planned = 0
    for report in reports:
        if str(report["id"]) in with_tasks:
            continue
        try:
            incident = _incident_of(report)
        except (KeyError, ValueError, TypeError):
            log.warning("pulled report %s cannot be planned", report["id"])
            continue
        store_plan(conn, incident, now, extra_closed)
        planned += 1
    return planned


def _incident_of(row: Mapping[str, Any]) -> Incident:
    data = dict(row)
    for name in ("categories", "witnesses"):
        if isinstance(data.get(name), str):
            data[name] = json.loads(data[name])
    return incident_from_dict(data)


def forget_orphans(conn: Connection) -> None:
    """Drop the tasks whose report is gone and every kept event of such tasks (another
    person now uses this workstation's pulled data)."""
    conn.execute(
        delete(followup_tasks).where(
            type_coerce(followup_tasks.c.incident_id, String).not_in(select(_INCIDENT_ID))
        )
    )
    conn.execute(delete(meta).where(meta.c.key.like(ORPHAN_PREFIX + "%")))
    # Row numbers of removed reports are used again: what arrives next sets a new mark.
    conn.execute(delete(meta).where(meta.c.key == SEEN_KEY))


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkItem:
    """One task of the worklist with what the reader needs of its report."""

    task: TaskState
    status: TaskStatus
    reference: str
    reporter: str
    location: str
    occurred_at: datetime | None
    #: The report is on this workstation (else only ``task.context`` tells about it).
    report_here: bool

    @property
    def overdue(self) -> bool:
        return self.status == "overdue"


def _state(row: Row[Any]) -> TaskState:
    return TaskState(
        id=row.id,
        incident_id=row.incident_id,
        kind=FollowUpKind(row.kind),
        reason=row.reason,
        due=row.due,
        due_from=row.due_from,
        done_at=row.done_at,
        note=row.note,
        assignee_user_id=row.assignee_user_id,
        assignee_name=row.assignee_name or "",
        details=dict(row.details or {}),
        context=dict(row.context) if row.context else None,
    )


#: Worklist filters (``state``).
ALL = "all"
OPEN = "open"
OVERDUE = "overdue"
DONE = "done"


class TaskRepository:
    """Reading the follow-up tasks (writing happens with the events, see :func:`fold`)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def tasks_of(self, incident_id: uuid.UUID) -> list[TaskState]:
        """The report's tasks, earliest due first."""
        query = (
            select(followup_tasks)
            .where(followup_tasks.c.incident_id == incident_id)
            .order_by(followup_tasks.c.due, followup_tasks.c.id)
        )
        return self._db.fetch_all(query, _state)

    def due_soon(self, now: datetime, soon: timedelta = DUE_SOON) -> list[TaskState]:
        """Open tasks that are due soon at ``now`` (deadline within ``soon``, or their window
        has opened), whatever else is overdue."""
        t = followup_tasks
        query = (
            select(t)
            .where(t.c.done_at.is_(None))
            .where(t.c.due >= now)
            .where((t.c.due <= now + soon) | (t.c.due_from <= now))
            .order_by(t.c.due, t.c.id)
        )
        return self._db.fetch_all(query, _state)

    def get(self, task_id: uuid.UUID) -> TaskState | None:
        with self._db.engine.connect() as conn:
            row = conn.execute(select(followup_tasks).where(followup_tasks.c.id == task_id)).first()
        return _state(row) if row is not None else None

    def worklist(
        self,
        now: datetime,
        *,
        state: str = OPEN,
        kinds: Iterable[FollowUpKind] = (),
        assignee_user_id: uuid.UUID | None = None,
        assignee_name: str = "",
        limit: int = 2000,
    ) -> list[WorkItem]:
        """Tasks across reports, earliest due first, with their status at ``now``.

        ``state``: ``open`` (not done), ``overdue`` (open past its deadline), ``done`` or
        ``all``. ``assignee_user_id`` / ``assignee_name``: only tasks assigned to that person
        (matched on either). ``kinds``: only these kinds."""
        t = followup_tasks
        query = select(
            t,
            incidents.c.reference.label("r_reference"),
            incidents.c.reporter.label("r_reporter"),
            incidents.c.location.label("r_location"),
            incidents.c.occurred_at.label("r_occurred_at"),
            incidents.c.id.label("r_id"),
        ).outerjoin(incidents, incidents.c.id == t.c.incident_id)
        wanted = [FollowUpKind(k).value for k in kinds]
        if wanted:
            query = query.where(t.c.kind.in_(wanted))
        if assignee_user_id is not None and assignee_name:
            query = query.where(
                (t.c.assignee_user_id == assignee_user_id) | (t.c.assignee_name == assignee_name)
            )
        elif assignee_user_id is not None:
            query = query.where(t.c.assignee_user_id == assignee_user_id)
        elif assignee_name:
            query = query.where(t.c.assignee_name == assignee_name)
        open_ = query.where(t.c.done_at.is_(None))
        done = query.where(t.c.done_at.is_not(None))
        ordered: Select[Any] | CompoundSelect[Any]
        if state == OPEN:
            ordered = open_.order_by(t.c.due, t.c.id)
        elif state == OVERDUE:
            ordered = open_.where(t.c.due < now).order_by(t.c.due, t.c.id)
        elif state == DONE:
            ordered = done.order_by(t.c.due, t.c.id)
        else:
            # Open and done tasks each in the order of their own index (migration 0006: no
            # index of every task's due date), merged: every task once, the same order.
            # (Named with their table: SQLite matches them to the first arm's columns.)
            ordered = union_all(open_, done).order_by(
                literal_column("followup_tasks.due"), literal_column("followup_tasks.id")
            )
        limited = ordered.limit(limit)

        def item(row: Row[Any]) -> WorkItem:
            task = _state(row)
            context = task.context or {}
            here = row.r_id is not None
            occurred = row.r_occurred_at if here else _maybe_time(context.get("occurred_at"))
            return WorkItem(
                task=task,
                status=status(task.as_task(), now),
                reference=(row.r_reference if here else str(context.get("reference") or "")),
                reporter=(row.r_reporter if here else str(context.get("reporter") or "")),
                location=(row.r_location if here else str(context.get("location") or "")),
                occurred_at=occurred,
                report_here=here,
            )

        return self._db.fetch_all(limited, item)

    def earlier_incidents(self, incident_id: uuid.UUID, limit: int = 50) -> list[EarlierIncident]:
        """Other reports about the person of this report (the same non-empty
        ``perpetrator_reference``), newest first. Restricted data: for reviewers only."""
        reference = (
            select(incidents.c.perpetrator_reference)
            .where(incidents.c.id == incident_id)
            .scalar_subquery()
        )
        query = (
            select(
                incidents.c.id,
                incidents.c.reference,
                incidents.c.occurred_at,
                incidents.c.categories,
            )
            .where(incidents.c.perpetrator_reference == reference)
            .where(incidents.c.perpetrator_reference != "")
            .where(incidents.c.id != incident_id)
            .order_by(incidents.c.occurred_at.desc())
            .limit(limit)
        )
        return self._db.fetch_all(
            query,
            lambda r: EarlierIncident(r.id, r.reference, r.occurred_at, tuple(r.categories)),
        )

    # -- What was announced -------------------------------------------------------------------
    def arrived_reports(self, since: datetime, limit: int = 20) -> list[ArrivedReport]:
        """Pulled reports stored since the last call (created at or after ``since``), oldest
        first; the first call only sets the mark (nothing counts as arrived)."""
        with self._db.write() as session:
            conn = session.connection()
            newest = conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM incidents")
            top = int(newest.scalar_one())
            seen = _get_meta(conn, SEEN_KEY)
            if seen != str(top):
                conn.execute(_upsert_meta(SEEN_KEY, str(top)))
            if seen is None or int(seen) >= top:
                return []
            rows = conn.exec_driver_sql(
                "SELECT id, created_at FROM incidents WHERE rowid > ? AND rowid <= ? "
                "AND origin = 'server' AND created_at >= ? ORDER BY rowid LIMIT ?",
                (int(seen), top, since.astimezone(UTC).isoformat(timespec="microseconds"), limit),
            )
            return [ArrivedReport(uuid.UUID(r[0]), _aware(r[1])) for r in rows]

    def unannounced(self, task_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Of these tasks, those whose "due soon" was not announced yet; marks them now."""
        wanted = {str(t) for t in task_ids}
        if not wanted:
            return set()
        with self._db.write() as session:
            conn = session.connection()
            keys = [ANNOUNCED_PREFIX + t for t in sorted(wanted)]
            done = set(conn.exec_driver_sql(_ANNOUNCED, (json.dumps(keys),)).scalars())
            fresh = [k for k in keys if k not in done]
            if fresh:
                conn.execute(
                    sqlite_insert(meta).on_conflict_do_nothing(index_elements=["key"]),
                    [{"key": k, "value": "1"} for k in fresh],
                )
        return {uuid.UUID(k[len(ANNOUNCED_PREFIX) :]) for k in fresh}


@dataclass(frozen=True)
class EarlierIncident:
    """Another report about the same perpetrator (same non-empty perpetrator_reference)."""

    id: uuid.UUID
    reference: str
    occurred_at: datetime
    categories: tuple[str, ...]


@dataclass(frozen=True)
class ArrivedReport:
    id: uuid.UUID
    created_at: datetime


#: The last report (SQLite rowid) whose arrival was announced to a reviewer.
SEEN_KEY = "followup.seen_rowid"
#: Tasks whose turning "due soon" was announced (prefix, then the task id).
ANNOUNCED_PREFIX = "followup.announced."


def _get_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()


def _maybe_time(value: Any) -> datetime | None:
    try:
        return _aware(value) if value else None
    except ValueError:
        return None
