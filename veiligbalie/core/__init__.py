"""Domain vocabulary and rules of VeiligBalie: pure Python, no Qt, no SQL.

Everything here can be imported by every other layer; this package imports nothing
of the project outside itself.
"""

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

__all__ = [
    "AlarmKind",
    "AlarmState",
    "AlarmType",
    "Category",
    "Channel",
    "FollowUpKind",
    "IncidentStatus",
    "Role",
    "Severity",
    "uuid7",
]
