"""Follow-up steps after an incident: which steps apply, their deadlines and their status.

Deadlines run from the moment the incident *occurred* (not from when it was registered):
the norm's clock starts with the incident, so a late registration shows a late task.
Three kinds of deadline exist:

- elapsed time (``within``): "within 24 hours" is 24 real hours, nights and weekends
  included, because care and a reaction to the perpetrator should not wait for Monday;
- working days (``working_days``): the end of the n-th Dutch working day after the day of
  the incident (see :mod:`veiligbalie.core.workdays`);
- calendar days (``calendar_days``): the end of the local day n days after the incident;
  when that day is not a working day the deadline moves to the end of the next working
  day, as the Algemene termijnenwet does for statutory terms.

Pure data, no I/O: the store and the UI keep and show the tasks this module computes.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Literal

from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category, Channel, FollowUpKind, TaskAction
from veiligbalie.core.workdays import (
    AMSTERDAM,
    add_working_days,
    end_of_day,
    local_date,
    next_working_day,
    start_of_day,
)

TaskStatus = Literal["open", "due_soon", "overdue", "done"]

#: Namespace of the follow-up ids derived from a report's id (see :func:`task_id_for`).
TASK_NAMESPACE = uuid.UUID("5b0c2f8e-6a51-4f7e-9d3c-2e1f0a9b7c64")

#: How long before its deadline an open task is shown as "due soon".
DUE_SOON = timedelta(hours=24)

#: Channels where the organisation deals with the person directly and can react to them.
DIRECT_CHANNELS = frozenset(
    {Channel.COUNTER, Channel.PHONE, Channel.EMAIL_LETTER, Channel.HOME_VISIT}
)


class FollowUpReason(StrEnum):
    """Why a step was put in the plan; the UI shows each as a short sentence."""

    PHYSICAL_VIOLENCE = "physical_violence"
    THREAT = "threat"
    REPORT_INTENDED = "report_intended"
    ARREST = "arrest"
    AFTERCARE_WANTED = "aftercare_wanted"
    INJURY = "injury"
    PERPETRATOR_KNOWN = "perpetrator_known"
    DIRECT_CONTACT = "direct_contact"
    DAMAGE = "damage"
    ABSENCE = "absence"
    ALWAYS = "always"


@dataclass(frozen=True)
class FollowUpRule:
    """How the deadline of one follow-up step is computed.

    Exactly one of ``within``, ``working_days`` and ``calendar_days`` is set.
    ``window_from_days`` opens a window: the step should not happen before the start of the
    local day that many days after the incident (the aftercare follow-ups).
    """

    kind: FollowUpKind
    within: timedelta | None = None
    working_days: int | None = None
    calendar_days: int | None = None
    window_from_days: int | None = None

    def __post_init__(self) -> None:
        set_ = [v for v in (self.within, self.working_days, self.calendar_days) if v is not None]
        if len(set_) != 1:
            raise ValueError(
                f"{self.kind}: give exactly one of within, working_days, calendar_days"
            )
        if self.within is not None and self.within <= timedelta(0):
            raise ValueError(f"{self.kind}: within must be positive")
        for name in ("working_days", "calendar_days", "window_from_days"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise TypeError(f"{self.kind}: {name} must be an int")
            if value is not None and value < 0:
                raise ValueError(f"{self.kind}: {name} must not be negative")
        if self.window_from_days is not None:
            if self.calendar_days is None:
                raise ValueError(f"{self.kind}: a window needs calendar_days as its end")
            if self.window_from_days > self.calendar_days:
                raise ValueError(f"{self.kind}: the window opens after it closes")

    def schedule(
        self, occurred_at: datetime, extra_closed: Collection[date] = ()
    ) -> tuple[datetime | None, datetime]:
        """``(due_from, due)`` for an incident at ``occurred_at`` (aware), in Amsterdam time."""
        _require_aware(occurred_at, "occurred_at")
        if self.within is not None:
            # Through UTC: a deadline in hours is real elapsed time, also across a DST change.
            # (A window needs calendar_days: no due_from here.)
            return None, (occurred_at.astimezone(UTC) + self.within).astimezone(AMSTERDAM)
        return _dated_schedule(self, local_date(occurred_at), frozenset(extra_closed))


@lru_cache(maxsize=8192)
def _dated_schedule(
    rule: FollowUpRule, day: date, closed: frozenset[date]
) -> tuple[datetime | None, datetime]:
    """``(due_from, due)`` of a rule counted in days from the local ``day`` of the incident:
    the same for every incident of that day (remembered: the server plans a few thousand
    tasks per push, most on a few hundred distinct days)."""
    due_from = None
    if rule.window_from_days is not None:
        due_from = start_of_day(day + timedelta(days=rule.window_from_days))
    if rule.working_days is not None:
        due = add_working_days(day, rule.working_days, closed)
    else:
        # FollowUpRule.__post_init__ guarantees calendar_days is the one set here.
        last = day + timedelta(days=rule.calendar_days or 0)
        due = end_of_day(next_working_day(last, closed))
    return due_from, due


#: The defaults. Those from the norm's guidance: reaction to the perpetrator within 24 h,
#: police report within 2 working days (ELA agreements), aftercare talk within 72 h,
#: follow-ups at about 2 weeks (days 12-16) and at 6-8 weeks. Organisation defaults, to be
#: overridden through ``rules``: damage recovery started within 10 working days (joining the
#: criminal case as injured party must happen before the hearing, and VPT cases are handled
#: fast), evaluation within 4 weeks.
DEFAULT_RULES: Mapping[FollowUpKind, FollowUpRule] = MappingProxyType(
    {
        FollowUpKind.PERPETRATOR_RESPONSE: FollowUpRule(
            FollowUpKind.PERPETRATOR_RESPONSE, within=timedelta(hours=24)
        ),
        FollowUpKind.POLICE_REPORT: FollowUpRule(FollowUpKind.POLICE_REPORT, working_days=2),
        FollowUpKind.AFTERCARE_TALK: FollowUpRule(
            FollowUpKind.AFTERCARE_TALK, within=timedelta(hours=72)
        ),
        FollowUpKind.AFTERCARE_FOLLOW_UP_2W: FollowUpRule(
            FollowUpKind.AFTERCARE_FOLLOW_UP_2W, window_from_days=12, calendar_days=16
        ),
        FollowUpKind.AFTERCARE_FOLLOW_UP_6W: FollowUpRule(
            FollowUpKind.AFTERCARE_FOLLOW_UP_6W, window_from_days=42, calendar_days=56
        ),
        FollowUpKind.DAMAGE_RECOVERY: FollowUpRule(FollowUpKind.DAMAGE_RECOVERY, working_days=10),
        FollowUpKind.EVALUATION: FollowUpRule(FollowUpKind.EVALUATION, calendar_days=28),
    }
)


@dataclass(frozen=True)
class FollowUpTask:
    """One follow-up step of one incident. ``due_from`` is set for a window."""

    kind: FollowUpKind
    due: datetime
    reason: FollowUpReason
    due_from: datetime | None = None
    incident_id: uuid.UUID | None = None
    done_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None


def task_id_for(incident_id: uuid.UUID | str, kind: FollowUpKind) -> uuid.UUID:
    """The id of ``kind``'s task of a report: the same on every workstation and the server,
    so a plan made twice (here while offline, and by the server on receipt) is one plan.
    (``incident_id`` may be given as its text, the server's planning does so.)"""
    return _uuid5(f"{incident_id}/{_kind_text(kind)}")


def plan_event_id(incident_id: uuid.UUID | str, kind: FollowUpKind) -> uuid.UUID:
    """The id of the timeline event that plans ``kind``'s task (one per report and kind)."""
    return _uuid5(f"{incident_id}/{_kind_text(kind)}/planned")


#: A kind's text, found by the member or by its text (a StrEnum member hashes as its text).
_KIND_TEXTS: dict[str, str] = {k.value: k.value for k in FollowUpKind}


def _kind_text(kind: FollowUpKind | str) -> str:
    """``FollowUpKind(kind).value`` (ValueError for an unknown kind), looked up."""
    found = _KIND_TEXTS.get(kind)
    return found if found is not None else FollowUpKind(kind).value


_TASK_NAMESPACE_BYTES = TASK_NAMESPACE.bytes
#: RFC 4122 version 5 and variant bits, set as uuid.UUID(bytes=..., version=5) sets them.
_V5_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_V5_SET = (0x8000 << 48) | (5 << 76)
#: Read once: an enum member read from its class goes through a descriptor (~3 µs a time
#: on Python 3.11, a tenth of this function).
_SAFE_UNKNOWN = uuid.SafeUUID.unknown


def _uuid5(name: str) -> uuid.UUID:
    """``uuid.uuid5(TASK_NAMESPACE, name)`` without its per-call overhead (the server plans
    a few thousand tasks per push; tests/unit/test_core_followup.py holds them equal)."""
    digest = hashlib.sha1(_TASK_NAMESPACE_BYTES + name.encode(), usedforsecurity=False).digest()
    made = _new_uuid(uuid.UUID)
    _set_slot(made, "int", (int.from_bytes(digest[:16]) & _V5_CLEAR) | _V5_SET)
    _set_slot(made, "is_safe", _SAFE_UNKNOWN)
    return made


# uuid.UUID(int=...) sets these two slots after checks a value made here always passes.
_new_uuid = object.__new__
_set_slot = object.__setattr__


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must carry a time zone")


def applicable_steps(incident: Incident) -> dict[FollowUpKind, FollowUpReason]:
    """The follow-up steps that apply to ``incident``, each with its first reason."""
    cats = incident.categories
    steps: dict[FollowUpKind, FollowUpReason] = {}

    # Perpetrator response: someone to react to, or a channel where the organisation
    # knows who it is dealing with.
    if incident.perpetrator_known:
        steps[FollowUpKind.PERPETRATOR_RESPONSE] = FollowUpReason.PERPETRATOR_KNOWN
    elif incident.channel in DIRECT_CHANNELS:
        steps[FollowUpKind.PERPETRATOR_RESPONSE] = FollowUpReason.DIRECT_CONTACT

    # Police report: always suggested for physical violence or threats (ELA agreements).
    if Category.PHYSICAL_VIOLENCE in cats:
        steps[FollowUpKind.POLICE_REPORT] = FollowUpReason.PHYSICAL_VIOLENCE
    elif Category.THREAT in cats:
        steps[FollowUpKind.POLICE_REPORT] = FollowUpReason.THREAT
    elif incident.police_report_intended:
        steps[FollowUpKind.POLICE_REPORT] = FollowUpReason.REPORT_INTENDED
    elif incident.arrest:
        # An arrest leads nowhere without a report from the organisation.
        steps[FollowUpKind.POLICE_REPORT] = FollowUpReason.ARREST

    aftercare: FollowUpReason | None = None
    if incident.aftercare_wanted:
        aftercare = FollowUpReason.AFTERCARE_WANTED
    elif incident.injury:
        aftercare = FollowUpReason.INJURY
    elif Category.PHYSICAL_VIOLENCE in cats:
        aftercare = FollowUpReason.PHYSICAL_VIOLENCE
    elif Category.THREAT in cats:
        aftercare = FollowUpReason.THREAT
    if aftercare is not None:
        steps[FollowUpKind.AFTERCARE_TALK] = aftercare
        steps[FollowUpKind.AFTERCARE_FOLLOW_UP_2W] = aftercare
        steps[FollowUpKind.AFTERCARE_FOLLOW_UP_6W] = aftercare

    # Damage recovery: the victim's damage (injury) and the organisation's (property,
    # continued salary during absence).
    if incident.damage or Category.PROPERTY_DAMAGE in cats:
        steps[FollowUpKind.DAMAGE_RECOVERY] = FollowUpReason.DAMAGE
    elif incident.injury:
        steps[FollowUpKind.DAMAGE_RECOVERY] = FollowUpReason.INJURY
    elif incident.absence:
        steps[FollowUpKind.DAMAGE_RECOVERY] = FollowUpReason.ABSENCE

    steps[FollowUpKind.EVALUATION] = FollowUpReason.ALWAYS
    return steps


def default_plan(
    incident: Incident,
    extra_closed: Collection[date] = (),
    rules: Mapping[FollowUpKind, FollowUpRule] | None = None,
) -> list[FollowUpTask]:
    """The follow-up tasks for ``incident``, earliest deadline first.

    ``extra_closed`` are the organisation's bridge days and closing days; ``rules``
    replaces some or all of :data:`DEFAULT_RULES` (organisation settings).
    """
    _require_aware(incident.occurred_at, "occurred_at")
    table = {**DEFAULT_RULES, **rules} if rules else DEFAULT_RULES
    closed = frozenset(extra_closed)
    occurred_at = incident.occurred_at
    day = local_date(occurred_at)
    tasks = []
    for kind, reason in applicable_steps(incident).items():
        rule = table[kind]
        if rule.kind is not kind:
            raise ValueError(f"rule for {kind} is declared for {rule.kind}")
        if rule.within is not None:
            due_from, due = rule.schedule(occurred_at, closed)
        else:
            due_from, due = _dated_schedule(rule, day, closed)
        tasks.append(FollowUpTask(kind, due, reason, due_from, incident.id))
    tasks.sort(key=lambda t: (t.due, _KIND_ORDER[t.kind]))
    return tasks


#: The order of equal deadlines in a plan: the kinds' declaration order.
_KIND_ORDER = {kind: index for index, kind in enumerate(FollowUpKind)}


def complete(task: FollowUpTask, at: datetime) -> FollowUpTask:
    """A copy of ``task`` marked done at ``at``."""
    _require_aware(at, "at")
    return replace(task, done_at=at)


def is_overdue(task: FollowUpTask, now: datetime) -> bool:
    """Whether the task is still open after its deadline."""
    _require_aware(now, "now")
    return not task.done and now > task.due


def status(task: FollowUpTask, now: datetime, soon: timedelta = DUE_SOON) -> TaskStatus:
    """``done``, ``overdue``, ``due_soon`` (deadline within ``soon``, or the task's window
    has opened) or ``open``."""
    _require_aware(now, "now")
    if task.done:
        return "done"
    if now > task.due:
        return "overdue"
    if now >= task.due - soon:
        return "due_soon"
    if task.due_from is not None and now >= task.due_from:
        return "due_soon"
    return "open"


# --- the state of a task, folded from its timeline events ----------------------------------


@dataclass(frozen=True)
class TaskState:
    """A follow-up task as its ``followup`` events left it (see :func:`apply_task_event`)."""

    id: uuid.UUID
    incident_id: uuid.UUID
    kind: FollowUpKind
    reason: str
    due: datetime
    due_from: datetime | None = None
    done_at: datetime | None = None
    note: str = ""
    assignee_user_id: uuid.UUID | None = None
    assignee_name: str = ""
    details: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    #: What a peer-support assignee knows of the report (reference, occurred_at, location,
    #: reporter) when the report itself is not visible to them.
    context: Mapping[str, Any] | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def as_task(self) -> FollowUpTask:
        """The task for :func:`status` and :func:`is_overdue`."""
        try:
            reason = FollowUpReason(self.reason)
        except ValueError:
            reason = FollowUpReason.ALWAYS
        return FollowUpTask(
            self.kind, self.due, reason, self.due_from, self.incident_id, self.done_at
        )


def _when(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _uuid(value: Any) -> uuid.UUID | None:
    if not value:
        return None
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def apply_task_event(
    state: TaskState | None, incident_id: uuid.UUID, data: Mapping[str, Any], note: str = ""
) -> TaskState | None:
    """The task after one ``followup`` timeline event (``data`` as
    :func:`veiligbalie.protocol.sync.timeline_entry` makes it, ``note`` its text).

    The same fold runs on every workstation and on the server, so all agree on a task:
    ``planned`` creates it (a repeated plan only moves the due date of an open task),
    ``done`` ticks it off with its date, note and details, ``updated`` merges details,
    ``assigned`` names who does it, ``reopened`` opens it again. An event for a task that was
    never planned creates it only when the event carries a due date; otherwise the result is
    None (nothing to show). Raises ValueError for data this version cannot read.
    """
    kind = FollowUpKind(str(data["kind"]))
    action = TaskAction(str(data.get("action") or ("done" if data.get("done") else "planned")))
    task_id = _uuid(data.get("task_id")) or task_id_for(incident_id, kind)
    due = _when(data.get("due"))
    details = data.get("details") or {}
    if state is None:
        if due is None:
            return None
        state = TaskState(
            id=task_id,
            incident_id=incident_id,
            kind=kind,
            reason=str(data.get("reason") or FollowUpReason.ALWAYS.value),
            due=due,
            due_from=_when(data.get("due_from")),
        )
        if action is TaskAction.PLANNED:
            return state
    if action is TaskAction.PLANNED:
        if state.done:
            return state
        return replace(
            state,
            due=due or state.due,
            due_from=_when(data.get("due_from")) or state.due_from,
            reason=str(data.get("reason") or state.reason),
        )
    merged = MappingProxyType({**state.details, **details})
    if action is TaskAction.DONE:
        done_at = _when(data.get("done_at")) or state.done_at
        return replace(state, done_at=done_at, note=note or state.note, details=merged)
    if action is TaskAction.UPDATED:
        return replace(state, note=note or state.note, details=merged)
    if action is TaskAction.ASSIGNED:
        context = data.get("context")
        return replace(
            state,
            assignee_user_id=_uuid(data.get("assignee_user_id")),
            assignee_name=str(data.get("assignee_name") or ""),
            context=MappingProxyType(dict(context)) if context else state.context,
        )
    # Reopened: ticked off by mistake.
    return replace(state, done_at=None, note=note or state.note)
