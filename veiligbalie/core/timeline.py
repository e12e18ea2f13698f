"""The kinds of event on a report's timeline (the follow-up after registration), stored
locally and on the server under these stable values."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class TimelineKind(StrEnum):
    NOTE = "note"  # the reporter's extra information
    STATUS = "status"  # the team lead moved the report on
    MESSAGE = "message"  # the team lead wrote to the reporter
    FOLLOWUP = "followup"  # a follow-up step planned or done
    FIELD_EDITED = "field_edited"  # a field of the report corrected
    ASSIGNED = "assigned"  # the report given to a team lead to handle


#: News for the reporter ("what became of my report"): marks the report unread when it
#: comes from someone else.
NEWS_KINDS = frozenset(
    {TimelineKind.STATUS, TimelineKind.MESSAGE, TimelineKind.FOLLOWUP, TimelineKind.ASSIGNED}
)


def is_news(kind: str, data: Mapping[str, Any]) -> bool:
    """Whether an event by someone else is news for the reporter: a status, a message, an
    assignment or a follow-up step taken — not the plan the server makes on receipt."""
    if kind not in NEWS_KINDS:
        return False
    return not (kind == TimelineKind.FOLLOWUP and data.get("action") == "planned")
