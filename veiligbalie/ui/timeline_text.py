"""One readable line for each event on a report's timeline, the same in the team lead's
detail view and in the reporter's *Mijn meldingen*: "Toegewezen aan Els Jansen",
"Afgesloten. Conclusie: …", "Bericht van je teamleider: …", "Nazorggesprek gedaan op …".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import Category, Channel, FollowUpKind, IncidentStatus, Severity
from veiligbalie.services.incidents import TimelineEvent
from veiligbalie.ui import labels

#: Fields holding restricted (perpetrator) data: their edits show no value to others.
RESTRICTED = frozenset({"perpetrator_description", "perpetrator_reference"})


# lupdate reads the context from each call: it is written out as "TimelineText" every time.


def local_time(moment: datetime) -> str:
    """An instant in the workstation's time zone, as Dutch offices write it."""
    return QLocale().toString(
        QDateTime.fromSecsSinceEpoch(int(moment.timestamp())), "dd-MM-yyyy HH:mm"
    )


def _date(value: Any) -> str:
    if not value:
        return ""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return local_time(moment)


def field_label(name: str) -> str:
    names = {
        "occurred_at": QCoreApplication.translate("TimelineText", "When"),
        "location": QCoreApplication.translate("TimelineText", "Where"),
        "channel": QCoreApplication.translate("TimelineText", "How"),
        "categories": QCoreApplication.translate("TimelineText", "What happened"),
        "severity": QCoreApplication.translate("TimelineText", "Severity"),
        "description": QCoreApplication.translate("TimelineText", "Description"),
        "on_behalf_of": QCoreApplication.translate("TimelineText", "On behalf of"),
        "perpetrator_known": QCoreApplication.translate("TimelineText", "Perpetrator known"),
        "perpetrator_description": QCoreApplication.translate("TimelineText", "Perpetrator"),
        "perpetrator_reference": QCoreApplication.translate(
            "TimelineText", "Client or case number"
        ),
        "witnesses": QCoreApplication.translate("TimelineText", "Witnesses"),
        "injury": QCoreApplication.translate("TimelineText", "Injury"),
        "damage": QCoreApplication.translate("TimelineText", "Damage"),
        "damage_amount_cents": QCoreApplication.translate("TimelineText", "Estimated damage"),
        "absence": QCoreApplication.translate("TimelineText", "Absence"),
        "police_called": QCoreApplication.translate("TimelineText", "Police called"),
        "arrest": QCoreApplication.translate("TimelineText", "Arrest"),
        "police_report_intended": QCoreApplication.translate(
            "TimelineText", "Police report intended"
        ),
        "aftercare_wanted": QCoreApplication.translate("TimelineText", "Aftercare talk wanted"),
        "team_lead_only": QCoreApplication.translate(
            "TimelineText", "Only visible to the team lead"
        ),
    }
    return names.get(name, name)


def field_value(name: str, value: Any) -> str:
    """A field's value in words (categories, channel and severity by their labels)."""
    if value is None or value == "" or value == []:
        return QCoreApplication.translate("TimelineText", "(empty)")
    if isinstance(value, bool):
        return (
            QCoreApplication.translate("TimelineText", "yes")
            if value
            else QCoreApplication.translate("TimelineText", "no")
        )
    try:
        if name == "categories":
            return ", ".join(labels.category_label(Category(str(c))) for c in value)
        if name == "channel":
            return labels.channel_label(Channel(str(value)))
        if name == "severity":
            return labels.severity_label(Severity(str(value)))
    except ValueError:
        pass
    if name == "damage_amount_cents" and isinstance(value, int | float):
        return QLocale().toCurrencyString(value / 100, "€")
    if name == "occurred_at":
        return _date(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _status(event: TimelineEvent) -> str:
    try:
        status = IncidentStatus(str(event.data.get("status")))
    except ValueError:
        return fill(
            QCoreApplication.translate("TimelineText", "Status: %1"), event.data.get("status", "")
        )
    if status is IncidentStatus.CLOSED:
        if event.text.strip():
            return fill(
                QCoreApplication.translate("TimelineText", "Closed. Conclusion: %1"),
                event.text.strip(),
            )
        return labels.status_label(status)
    return fill(
        QCoreApplication.translate("TimelineText", "Status: %1"), labels.status_label(status)
    )


def _followup(event: TimelineEvent) -> str:
    data = event.data
    try:
        task = labels.follow_up_label(FollowUpKind(str(data.get("kind"))))
    except ValueError:
        task = str(data.get("kind", ""))
    action = str(data.get("action") or ("done" if data.get("done") else "planned"))
    if action == "planned":
        line = (
            fill(
                QCoreApplication.translate("TimelineText", "%1 planned, due %2"),
                task,
                _date(data.get("due")),
            )
            if data.get("due")
            else fill(QCoreApplication.translate("TimelineText", "%1 planned"), task)
        )
    elif action == "done":
        line = fill(
            QCoreApplication.translate("TimelineText", "%1 done on %2"),
            task,
            _date(data.get("done_at") or event.created_at),
        )
    elif action == "assigned":
        line = fill(
            QCoreApplication.translate("TimelineText", "%1 assigned to %2"),
            task,
            data.get("assignee_name") or "—",
        )
    elif action == "reopened":
        line = fill(QCoreApplication.translate("TimelineText", "%1 reopened"), task)
    else:
        line = fill(QCoreApplication.translate("TimelineText", "%1 updated"), task)
    details = data.get("details")
    letter = details.get("letter_kind") if isinstance(details, dict) else None
    if letter:
        names = {
            "warning": QCoreApplication.translate("TimelineText", "warning letter"),
            "invitation": QCoreApplication.translate("TimelineText", "invitation to a talk"),
            "access_ban": QCoreApplication.translate("TimelineText", "access ban"),
        }
        line += " · " + fill(
            QCoreApplication.translate("TimelineText", "Letter made: %1"),
            names.get(str(letter), str(letter)),
        )
    if event.text.strip():
        line += " · " + event.text.strip()
    return line


def event_line(event: TimelineEvent, for_reporter: bool = False, restricted: bool = True) -> str:
    """What the event says, in one readable sentence (without time and author).

    ``for_reporter``: worded for the reporter (Mijn meldingen); ``restricted``: the reader
    may see perpetrator data (an edit of those fields shows its value)."""
    kind = event.kind
    if kind == "status":
        return _status(event)
    if kind == "assigned":
        name = str(event.data.get("assignee_name") or "")
        return (
            fill(QCoreApplication.translate("TimelineText", "Assigned to %1"), name)
            if name
            else QCoreApplication.translate("TimelineText", "No longer assigned")
        )
    if kind == "message":
        if for_reporter:
            return fill(
                QCoreApplication.translate("TimelineText", "Message from your team lead: %1"),
                event.text,
            )
        return fill(
            QCoreApplication.translate("TimelineText", "Message to the reporter: %1"), event.text
        )
    if kind == "note":
        if for_reporter:
            return fill(QCoreApplication.translate("TimelineText", "You added: %1"), event.text)
        return fill(
            QCoreApplication.translate("TimelineText", "Added by the reporter: %1"), event.text
        )
    if kind == "followup":
        return _followup(event)
    if kind == "field_edited":
        name = str(event.data.get("field", ""))
        if name in RESTRICTED and not restricted:
            return fill(
                QCoreApplication.translate("TimelineText", "Changed: %1"), field_label(name)
            )
        return fill(
            QCoreApplication.translate("TimelineText", "Changed: %1 is now %2"),
            field_label(name),
            field_value(name, event.data.get("value")),
        )
    return event.text


def event_heading(event: TimelineEvent) -> str:
    """When and by whom: "02-12-2026 10:15 · Els Jansen"."""
    when = local_time(event.created_at)
    return f"{when} · {event.author}" if event.author else when
