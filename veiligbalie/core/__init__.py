"""Domain vocabulary and rules of VeiligBalie: pure Python, no Qt, no SQL.

Everything here can be imported by every other layer; this package imports nothing
of the project outside itself.
"""

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
