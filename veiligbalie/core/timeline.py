"""The kinds of event on a report's timeline (the follow-up after registration), stored
locally and on the server under these stable values."""

from __future__ import annotations

from enum import StrEnum


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
