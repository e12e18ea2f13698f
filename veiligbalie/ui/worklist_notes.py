"""The team lead's notifications of the follow-up worklist: a report came in, a task turned
due soon. Apart from the worklist itself (and its dialogs), because the main window wires
them at start while the worklist is built only when Opvolging is first opened."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QCoreApplication

from veiligbalie.core.text import fill
from veiligbalie.services.followup import FollowUpService, WorkItem
from veiligbalie.ui.labels import follow_up_label


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone().strftime("%d-%m-%Y %H:%M")


def new_report_text(service: FollowUpService, incident_id: uuid.UUID) -> str:
    """The notification of a report that came in (for a reviewer)."""
    reference, location = service.report_label(incident_id)
    return fill(
        QCoreApplication.translate("WorklistView", "New report %1 came in (%2)."),
        reference,
        location,
    )


def due_soon_text(item: WorkItem) -> str:
    """The notification of a task that turned due soon."""
    return fill(
        QCoreApplication.translate("WorklistView", "%1 for %2 is due %3."),
        follow_up_label(item.task.kind),
        item.reference,
        _local(item.task.due),
    )


def connect_notifications(service: FollowUpService, show: Callable[[str, str], None]) -> None:
    """Call ``show(title, text)`` (a tray message, a status line) when a report comes in and
    when a task turns due soon: the team lead's notifications."""
    service.new_report.connect(
        lambda incident_id: show(
            QCoreApplication.translate("WorklistView", "New report"),
            new_report_text(service, incident_id),
        )
    )
    service.due_soon.connect(
        lambda item: show(
            QCoreApplication.translate("WorklistView", "Follow-up due soon"), due_soon_text(item)
        )
    )


__all__ = ["connect_notifications", "due_soon_text", "new_report_text"]
