"""Domain vocabulary and rules of VeiligBalie: pure Python, no Qt, no SQL.

Everything here can be imported by every other layer; this package imports nothing
of the project outside itself.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from veiligbalie.core.alarm import (
        CANCEL_WINDOW,
        EscalationLevel,
        InvalidTransition,
        can_cancel,
        can_transition,
        default_escalation,
        due_levels,
    )
    from veiligbalie.core.followup import (
        FollowUpReason,
        FollowUpRule,
        FollowUpTask,
        default_plan,
        is_overdue,
    )
    from veiligbalie.core.ids import uuid7
    from veiligbalie.core.vocabulary import (
        AlarmKind,
        AlarmState,
        AlarmType,
        Category,
        Channel,
        FollowUpKind,
        IncidentStatus,
        Role,
        Severity,
    )
    from veiligbalie.core.workdays import (
        AMSTERDAM,
        Holiday,
        add_working_days,
        holidays,
        is_working_day,
    )

#: Where each re-exported name lives: loaded on first use (PEP 562), so importing one small
#: module of the package (``veiligbalie.core.text`` for the first window) does not load the
#: follow-up rules, the working-day calendar and its time zone data.
_HOME = {
    **dict.fromkeys(
        (
            "CANCEL_WINDOW",
            "EscalationLevel",
            "InvalidTransition",
            "can_cancel",
            "can_transition",
            "default_escalation",
            "due_levels",
        ),
        "alarm",
    ),
    **dict.fromkeys(
        ("FollowUpReason", "FollowUpRule", "FollowUpTask", "default_plan", "is_overdue"),
        "followup",
    ),
    "uuid7": "ids",
    **dict.fromkeys(
        (
            "AlarmKind",
            "AlarmState",
            "AlarmType",
            "Category",
            "Channel",
            "FollowUpKind",
            "IncidentStatus",
            "Role",
            "Severity",
        ),
        "vocabulary",
    ),
    **dict.fromkeys(
        ("AMSTERDAM", "Holiday", "add_working_days", "holidays", "is_working_day"), "workdays"
    ),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AMSTERDAM",
    "CANCEL_WINDOW",
    "AlarmKind",
    "AlarmState",
    "AlarmType",
    "Category",
    "Channel",
    "EscalationLevel",
    "FollowUpKind",
    "FollowUpReason",
    "FollowUpRule",
    "FollowUpTask",
    "Holiday",
    "IncidentStatus",
    "InvalidTransition",
    "Role",
    "Severity",
    "add_working_days",
    "can_cancel",
    "can_transition",
    "default_escalation",
    "default_plan",
    "due_levels",
    "holidays",
    "is_overdue",
    "is_working_day",
    "uuid7",
]
