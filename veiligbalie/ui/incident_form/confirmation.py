"""The confirmation after saving: the reference number, where the report is now (and only
what is true: kept here, being sent, waiting for the server, or received), and what happens
next. The delivery text follows the link and the send queue while it is on screen."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QWidget,
)

from veiligbalie.core.incident import Incident
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import FollowUpKind, IncidentStatus
from veiligbalie.core.workdays import AMSTERDAM
from veiligbalie.services.incidents import IncidentService, Link
from veiligbalie.ui import labels
from veiligbalie.ui.widgets import vbox


def page_title(text: str, parent: QWidget, name: str) -> QLabel:
    """The large bold title at the top of the form's pages."""
    title = QLabel(text, parent)
    title.setObjectName(name)
    font = title.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    title.setFont(font)
    title.setWordWrap(True)
    return title


class ConfirmationPage(QScrollArea):
    """Shows one saved report; ``new_button`` starts the next one."""

    def __init__(self, service: IncidentService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._incident: Incident | None = None
        self.setObjectName("incidentConfirmation")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        page = QFrame()
        layout = vbox(page, (24, 24, 24, 24), 10)
        layout.addWidget(
            page_title(self.tr("Your report has been saved"), page, "confirmationTitle")
        )
        layout.addWidget(QLabel(self.tr("Reference number"), page))
        self.reference = QLabel(page)
        self.reference.setObjectName("confirmationReference")
        self.reference.setAccessibleName(self.tr("Reference number"))
        self.reference.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        font = self.reference.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.reference.setFont(font)
        layout.addWidget(self.reference)
        self.status = QLabel(page)
        self.status.setObjectName("confirmationStatus")
        self.status.setAccessibleName(self.tr("Where your report is"))
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        heading = QLabel(self.tr("What happens next"), page)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        self.steps = QLabel(page)
        self.steps.setObjectName("confirmationSteps")
        self.steps.setAccessibleName(self.tr("What happens next"))
        self.steps.setWordWrap(True)
        self.steps.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.steps)
        self.new_button = QPushButton(self.tr("&New report"), page)
        self.new_button.setObjectName("incidentNewButton")
        self.new_button.setAccessibleName(self.tr("New report"))
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.setWidget(page)
        service.delivery_changed.connect(self._refresh)
        service.changed.connect(self._on_changed)

    def show_report(self, incident: Incident) -> None:
        self._incident = incident
        self._render(incident.status)

    def clear(self) -> None:
        """The confirmation is left: it no longer follows the report."""
        self._incident = None

    # -- Following the report ----------------------------------------------------------------
    def _on_changed(self, incident_id: uuid.UUID | None) -> None:
        if self._incident is not None and incident_id in (None, self._incident.id):
            self._refresh()

    def _refresh(self) -> None:
        if self._incident is None:
            return
        current = self._service.get(self._incident.id)
        self._render(current.status if current is not None else self._incident.status)

    def _render(self, status: IncidentStatus) -> None:
        assert self._incident is not None
        self.reference.setText(self._reference_text())
        self.status.setText(self._where(status))
        steps = [self._who_hears(status), *self._follow_up(self._incident)]
        self.steps.setText("\n\n".join("• " + s for s in steps))

    def _reference_text(self) -> str:
        """The report's number; "(provisional)" until the server gives the final one."""
        assert self._incident is not None
        numbers = self._service.reference_info(self._incident.id)
        if numbers is None:
            return self._incident.reference or ""
        return labels.reference_text(numbers.reference, self._service.shows_provisional(numbers))

    def _where(self, status: IncidentStatus) -> str:
        if status is not IncidentStatus.SAVED_LOCALLY:
            return labels.status_explanation(status)
        link = self._service.link()
        if link is Link.LOCAL:
            return self.tr(
                "Your report is saved on this workstation. No server is set up, so it stays "
                "here and is not sent anywhere."
            )
        if link is Link.CONNECTED:
            return self.tr("Your report is saved on this workstation and is being sent now.")
        return self.tr(
            "Your report is saved on this workstation. The server cannot be reached now; "
            "it is sent as soon as the server can be reached."
        )

    def _who_hears(self, status: IncidentStatus) -> str:
        if status is not IncidentStatus.SAVED_LOCALLY:
            return self.tr("Your team lead is informed and reads your report.")
        if self._service.link() is Link.LOCAL:
            return self.tr(
                "Tell your team lead about it yourself: without a server nobody is informed "
                "automatically."
            )
        return self.tr("Your team lead is informed as soon as your report reaches the server.")

    def _follow_up(self, incident: Incident) -> list[str]:
        plan = {task.kind: task for task in self._service.follow_up_plan(incident)}

        def when(kind: FollowUpKind) -> str:
            # The norm's deadlines are Dutch office time, whatever the machine's time zone.
            due = plan[kind].due.astimezone(AMSTERDAM)
            wall = QDateTime(QDate(due.year, due.month, due.day), QTime(due.hour, due.minute))
            return QLocale().toString(wall, "dddd d MMMM HH:mm")

        steps = []
        if FollowUpKind.AFTERCARE_TALK in plan:
            if incident.aftercare_wanted:
                text = self.tr("You asked for an aftercare talk: it takes place before %1.")
            else:
                text = self.tr("An aftercare talk is offered to you before %1.")
            steps.append(fill(text, when(FollowUpKind.AFTERCARE_TALK)))
        if FollowUpKind.POLICE_REPORT in plan:
            steps.append(
                fill(
                    self.tr(
                        "Advice: report this to the police (aangifte) before %1. Use the "
                        "organisation's address, never your own, and mention “VPT”."
                    ),
                    when(FollowUpKind.POLICE_REPORT),
                )
            )
        steps.append(self.tr("Follow your report and add information in My reports."))
        return steps
