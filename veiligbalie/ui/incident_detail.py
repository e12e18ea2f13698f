"""The detail of one report for whoever reviews it (objectName ``incidentDetail``): the report
as the reporter wrote it, later notes, the evidence, the linked alarm with its log, the
timeline of follow-up with author and time, and, for reviewers, the actions: Toewijzen,
In behandeling, Afsluiten… (with a conclusion), Bericht aan melder….

Keyboard first: every action is a button in the Tab order, Esc (or "Terug") goes back to the
log. A colleague viewing the shared log sees it read-only, without perpetrator data and
without follow-up.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.incident import Incident
from veiligbalie.core.limits import TEXT_MAX
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import AlarmKind, AlarmType, Category, IncidentStatus
from veiligbalie.services.dossier import DossierService
from veiligbalie.services.incidents import AttachmentInfo
from veiligbalie.services.letterhead import LetterheadService
from veiligbalie.services.review import (
    AlarmLogLine,
    AttachmentState,
    LinkedAlarm,
    Person,
    ReportDetail,
    ReviewError,
    ReviewProblem,
    ReviewService,
)
from veiligbalie.ui import labels
from veiligbalie.ui.documents import DocumentRunner, incident_report_document, suggested_name
from veiligbalie.ui.dossier import DossierSection
from veiligbalie.ui.labels import CATEGORY_ORDER
from veiligbalie.ui.letterhead import LetterDialog, LetterheadRunner
from veiligbalie.ui.timeline_text import event_heading, event_line, local_time
from veiligbalie.ui.widgets import FieldMessage, vbox

DETAIL_STYLE = """
QFrame#detailActions { background: #eef2f5; border-radius: 8px; }
QLabel[heading="true"] { font-weight: bold; font-size: 15px; margin-top: 6px; }
QLabel#detailTitle { font-size: 20px; font-weight: bold; }
QLabel#detailFeedback { color: #1b5e20; }
"""


def _size(size: int) -> str:
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)


def _time(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M:%S")


class TextDialog(QDialog):
    """A short text asked for an action (a conclusion, a message); ``submit`` does the action
    and may refuse with a ReviewError, whose reason is shown in the dialog."""

    def __init__(
        self,
        name: str,
        title: str,
        prompt: str,
        accept_text: str,
        submit: Callable[[str], object],
        describe: Callable[[ReviewError], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self._submit = submit
        self._describe = describe
        layout = vbox(self, (16, 16, 16, 16), 8)
        label = QLabel(prompt, self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName(f"{name}Text")
        self.text.setAccessibleName(prompt)
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        label.setBuddy(self.text)
        layout.addWidget(self.text)
        self.message = FieldMessage(f"{name}Message", self)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(self)
        self.ok_button = buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName(f"{name}Ok")
        self.ok_button.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName(f"{name}Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 280)
        self.text.setFocus()

    def accept(self) -> None:
        try:
            self._submit(self.text.toPlainText())
        except ReviewError as error:
            self.message.show_message(self._describe(error))
            self.text.setFocus()
            return
        super().accept()


class IncidentDetailView(QWidget):
    """One report, its evidence, its alarm and its follow-up; actions for reviewers."""

    backRequested = Signal()
    #: After an action: the report's id (the log and Mijn meldingen refresh by themselves).
    acted = Signal(uuid.UUID)

    #: A report the dossier section wants opened (another report about the same person).
    openRequested = Signal(uuid.UUID)

    def __init__(
        self,
        review: ReviewService,
        parent: QWidget | None = None,
        dossier: DossierService | None = None,
        documents: LetterheadService | None = None,
    ) -> None:
        super().__init__(parent)
        self.review = review
        self.dossier_service = dossier
        self.dossier: DossierSection | None = None
        self._detail: ReportDetail | None = None
        #: Police-report sheet and letters of this report (None: no documents here).
        self.documents = LetterheadRunner(documents, self) if documents is not None else None
        self.letter_dialog: LetterDialog | None = None
        self._alarm_for: uuid.UUID | None = None
        self._people: list[Person] = []
        self.dialog: TextDialog | None = None
        #: How a file is opened (tests replace it; the desktop's viewer by default).
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.setObjectName("incidentDetail")
        self.setAccessibleName(self.tr("Report detail"))
        self.setStyleSheet(DETAIL_STYLE)

        outer = vbox(self, (8, 4, 8, 8), 8)
        top = QHBoxLayout()
        self.back_button = QPushButton(self.tr("← Back"), self)
        self.back_button.setObjectName("detailBackButton")
        self.back_button.setAccessibleName(self.tr("Back to the log"))
        self.back_button.setToolTip(self.tr("Back to the log (Esc)"))
        self.back_button.clicked.connect(self.backRequested)
        top.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        titles = QVBoxLayout()
        titles.setSpacing(2)
        self.title = QLabel(self)
        self.title.setObjectName("detailTitle")
        self.title.setWordWrap(True)
        titles.addWidget(self.title)
        self.status_line = QLabel(self)
        self.status_line.setObjectName("detailStatus")
        self.status_line.setAccessibleName(self.tr("Status"))
        self.status_line.setWordWrap(True)
        titles.addWidget(self.status_line)
        top.addLayout(titles, 1)
        self.report_button = QPushButton(self.tr("Report (PDF)"), self)
        self.report_button.setObjectName("detailReportPdf")
        self.report_button.setAccessibleName(self.tr("Make the incident report for the file (PDF)"))
        self.report_button.clicked.connect(self.make_report)
        top.addWidget(self.report_button, 0, Qt.AlignmentFlag.AlignTop)
        #: The incident report for the file (made off the GUI thread, saved, opened).
        self.report_documents = DocumentRunner(self)
        self.police_sheet_button = QPushButton(self.tr("Prepare police report"), self)
        self.police_sheet_button.setObjectName("detailPoliceSheetButton")
        self.police_sheet_button.setAccessibleName(self.tr("Prepare police report"))
        self.police_sheet_button.clicked.connect(self.prepare_police_report)
        self.police_sheet_button.setVisible(False)
        top.addWidget(self.police_sheet_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)

        outer.addWidget(self._build_actions())
        self.feedback = QLabel(self)
        self.feedback.setObjectName("detailFeedback")
        self.feedback.setWordWrap(True)
        self.feedback.hide()
        outer.addWidget(self.feedback)
        self.action_message = FieldMessage("detailActionMessage", self)
        outer.addWidget(self.action_message)

        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addLayout(self._build_report_column(), 3)
        columns.addLayout(self._build_follow_column(), 2)
        outer.addLayout(columns, 1)

        review.incidents.changed.connect(self._on_changed)
        downloads = review.attachment_service
        failed = getattr(downloads, "failed", None)
        if failed is not None:  # the download service explains why a file did not open
            failed.connect(lambda _sha256, text: self._refuse(str(text)))

    # ------------------------------------------------------------------ building
    def _heading(self, text: str, buddy: QWidget | None = None) -> QLabel:
        label = QLabel(text, self)
        label.setProperty("heading", True)
        if buddy is not None:
            label.setBuddy(buddy)
        return label

    def _build_actions(self) -> QFrame:
        bar = QFrame(self)
        bar.setObjectName("detailActions")
        bar.setAccessibleName(self.tr("Actions"))
        row = QHBoxLayout(bar)
        row.setContentsMargins(10, 6, 10, 6)
        row.setSpacing(8)
        self.assignee = QComboBox(bar)
        self.assignee.setObjectName("detailAssignee")
        self.assignee.setAccessibleName(self.tr("Assign to"))
        self.assignee.setMinimumContentsLength(16)
        self.assignee.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        label = QLabel(self.tr("&Assign to:"), bar)
        label.setBuddy(self.assignee)
        row.addWidget(label)
        row.addWidget(self.assignee)
        self.assign_button = QPushButton(self.tr("Assign"), bar)
        self.assign_button.setObjectName("detailAssignButton")
        self.assign_button.setAccessibleName(self.tr("Assign"))
        self.assign_button.clicked.connect(self.assign_selected)
        row.addWidget(self.assign_button)
        row.addSpacing(12)
        self.in_progress_button = QPushButton(self.tr("In progress"), bar)
        self.in_progress_button.setObjectName("detailInProgressButton")
        self.in_progress_button.setAccessibleName(self.tr("Set to in progress"))
        self.in_progress_button.clicked.connect(self.set_in_progress)
        row.addWidget(self.in_progress_button)
        self.close_button = QPushButton(self.tr("Close…"), bar)
        self.close_button.setObjectName("detailCloseButton")
        self.close_button.setAccessibleName(self.tr("Close the report"))
        self.close_button.clicked.connect(self.ask_close)
        row.addWidget(self.close_button)
        self.message_button = QPushButton(self.tr("Message to reporter…"), bar)
        self.message_button.setObjectName("detailMessageButton")
        self.message_button.setAccessibleName(self.tr("Message to reporter"))
        self.message_button.clicked.connect(self.ask_message)
        row.addWidget(self.message_button)
        self.letter_button = QPushButton(self.tr("Make letter…"), bar)
        self.letter_button.setObjectName("detailLetterButton")
        self.letter_button.setAccessibleName(self.tr("Make a letter to the perpetrator"))
        self.letter_button.clicked.connect(self.ask_letter)
        self.letter_button.setVisible(self.documents is not None)
        row.addWidget(self.letter_button)
        row.addStretch(1)
        self.actions_bar = bar
        return bar

    def make_report(self) -> bool:
        """Save the incident report (PDF) of the shown report where the user chooses, made
        off the GUI thread, then opened; False when there is nothing to make or no file."""
        detail = self._detail
        if detail is None:
            return False
        document = incident_report_document(
            detail, self.review.tasks(detail.incident.id), datetime.now(UTC)
        )

        # Imported here, on the GUI thread (reportlab is usually warm by now): a worker
        # never imports the project's modules beside the GUI thread's imports.
        from veiligbalie.reports.incident_report import build_incident_report

        def build(path: Path) -> None:
            build_incident_report(path, document)

        name = fill(self.tr("incident report %1"), detail.incident.reference or "")
        return self.report_documents.start(
            "incident_report",
            build,
            self.tr("Save the incident report"),
            suggested_name(name.strip(), ".pdf"),
            self.tr("PDF document (*.pdf)"),
        )

    def _build_report_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(6)
        self.report = QLabel(self)
        self.report.setObjectName("detailReport")
        self.report.setAccessibleName(self.tr("The report"))
        self.report.setWordWrap(True)
        self.report.setTextFormat(Qt.TextFormat.RichText)
        self.report.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self._heading(self.tr("The report")))
        column.addWidget(self.report)
        self.notes_heading = self._heading(self.tr("Added later by the reporter"))
        column.addWidget(self.notes_heading)
        self.notes = QLabel(self)
        self.notes.setObjectName("detailNotes")
        self.notes.setAccessibleName(self.tr("Added later by the reporter"))
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(self.notes)
        column.addWidget(self._heading(self.tr("Evidence")))
        self.attachments = QFrame(self)
        self.attachments.setObjectName("detailAttachments")
        self.attachments.setAccessibleName(self.tr("Evidence"))
        self._attachment_grid = QGridLayout(self.attachments)
        self._attachment_grid.setContentsMargins(0, 0, 0, 0)
        self._attachment_grid.setHorizontalSpacing(12)
        self._attachment_grid.setColumnStretch(0, 1)
        column.addWidget(self.attachments)
        if self.dossier_service is not None:
            self.dossier = DossierSection(self.dossier_service, self)
            self.dossier.openRequested.connect(self.openRequested)
            self.dossier.hide()
            column.addWidget(self.dossier)
        column.addStretch(1)
        return column

    def _build_follow_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(6)
        self.alarm_heading = self._heading(self.tr("Alarm"))
        column.addWidget(self.alarm_heading)
        self.alarm_summary = QLabel(self)
        self.alarm_summary.setObjectName("detailAlarmSummary")
        self.alarm_summary.setWordWrap(True)
        column.addWidget(self.alarm_summary)
        self.alarm_log = QListWidget(self)
        self.alarm_log.setObjectName("detailAlarmLog")
        self.alarm_log.setAccessibleName(self.tr("Alarm log"))
        self.alarm_log.setWordWrap(True)
        self.alarm_log.setAlternatingRowColors(True)
        self.alarm_log.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        self.alarm_log.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        column.addWidget(self.alarm_log)
        self.timeline_heading = self._heading(self.tr("Follow-up"))
        column.addWidget(self.timeline_heading)
        self.timeline = QListWidget(self)
        self.timeline.setObjectName("detailTimeline")
        self.timeline.setAccessibleName(self.tr("Follow-up"))
        self.timeline.setWordWrap(True)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setSpacing(2)
        self.timeline.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        column.addWidget(self.timeline, 1)
        return column

    # ------------------------------------------------------------------ showing
    def incident_id(self) -> uuid.UUID | None:
        return self._detail.incident.id if self._detail is not None else None

    def detail(self) -> ReportDetail | None:
        return self._detail

    def show_incident(self, incident_id: uuid.UUID) -> bool:
        """Open a report (the first open by a reviewer records "received"); False when the
        report is not on this workstation."""
        self.feedback.hide()
        self.action_message.clear_message()
        self._alarm_for = None
        detail = self.review.open(incident_id)
        if detail is None:
            return False
        self._show(detail)
        if detail.can_act:
            self.review.people(self._fill_people, incident_id)
        if detail.received_now:
            self._say(self.tr("The reporter now sees that you received the report."))
        return True

    def reload(self) -> None:
        """Show the current report again as it is stored now."""
        current = self.incident_id()
        if current is None:
            return
        detail = self.review.open(current)
        if detail is not None:
            self._show(detail)

    def _show(self, detail: ReportDetail) -> None:
        self._detail = detail
        incident = detail.incident
        categories = [c for c in CATEGORY_ORDER if c in incident.categories]
        self.title.setText(
            fill(
                self.tr("%1 · %2"),
                incident.reference or self.tr("(no number yet)"),
                ", ".join(labels.category_label(c) for c in categories),
            )
        )
        parts = [fill(self.tr("Status: %1"), labels.status_label(incident.status))]
        if detail.can_act or detail.assignee_name:
            parts.append(
                fill(self.tr("Assigned to %1"), detail.assignee_name)
                if detail.assignee_name
                else self.tr("Not assigned yet")
            )
        self.status_line.setText(" · ".join(parts))
        self.actions_bar.setVisible(detail.can_act)
        # The reporter (their own report) and reviewers prepare the police report.
        self.police_sheet_button.setVisible(self.documents is not None and detail.show_restricted)
        closed = detail.closed
        for button in (self.assign_button, self.in_progress_button, self.close_button):
            button.setEnabled(not closed)
        self.assignee.setEnabled(not closed)
        self.in_progress_button.setEnabled(
            not closed and incident.status is not IncidentStatus.IN_PROGRESS
        )
        self.report.setText(self._report_html(incident, detail.show_restricted))
        self._show_notes(detail)
        self._show_attachments(detail)
        self._show_dossier(detail)
        self._show_timeline(detail)
        self._show_alarm(incident)

    def _show_dossier(self, detail: ReportDetail) -> None:
        """ "Betrokkene": reviewers with a server see and change the person(s) linked."""
        section, service = self.dossier, self.dossier_service
        if section is None or service is None:
            return
        shown = detail.can_act and detail.show_restricted and service.reviewer()
        section.setVisible(shown)
        if shown:
            section.show_for(detail.incident)

    def _report_html(self, incident: Incident, restricted: bool) -> str:
        esc = html.escape

        def row(name: str, value: str) -> str:
            return (
                f"<tr><td style='padding-right:10px; color:#37474f'>{esc(name)}</td>"
                f"<td>{value}</td></tr>"
            )

        ordered: list[Category] = [c for c in CATEGORY_ORDER if c in incident.categories]
        rows = [
            row(self.tr("When"), esc(local_time(incident.occurred_at))),
            row(self.tr("Where"), esc(incident.location)),
            row(self.tr("How"), esc(labels.channel_label(incident.channel))),
            row(
                self.tr("What happened"),
                esc(", ".join(labels.category_label(c) for c in ordered)),
            ),
            row(self.tr("Severity"), esc(labels.severity_label(incident.severity))),
            row(self.tr("Reporter"), esc(incident.reporter)),
        ]
        if incident.on_behalf_of:
            rows.append(row(self.tr("On behalf of"), esc(incident.on_behalf_of)))
        if restricted and (incident.perpetrator_description or incident.perpetrator_reference):
            if incident.perpetrator_description:
                rows.append(row(self.tr("Perpetrator"), esc(incident.perpetrator_description)))
            if incident.perpetrator_reference:
                rows.append(
                    row(self.tr("Client or case number"), esc(incident.perpetrator_reference))
                )
        elif restricted and incident.perpetrator_known:
            rows.append(row(self.tr("Perpetrator"), esc(self.tr("known, not described"))))
        elif incident.perpetrator_known or incident.restricted:
            rows.append(
                row(self.tr("Perpetrator"), esc(self.tr("recorded (only visible to team leads)")))
            )
        if incident.witnesses:
            rows.append(row(self.tr("Witnesses"), esc(", ".join(incident.witnesses))))
        consequences = labels.consequence_labels(incident)
        rows.append(
            row(self.tr("Consequences"), esc(", ".join(consequences) or self.tr("none recorded")))
        )
        wishes = []
        if incident.aftercare_wanted:
            wishes.append(self.tr("aftercare talk wanted"))
        if incident.team_lead_only:
            wishes.append(self.tr("only visible to the team lead"))
        if wishes:
            rows.append(row(self.tr("Wishes"), esc(", ".join(wishes))))
        description = esc(incident.description).replace("\n", "<br>")
        return (
            "<table cellspacing='2'>"
            + "".join(rows)
            + "</table>"
            + f"<p style='margin-top:8px'>{description}</p>"
        )

    def _show_notes(self, detail: ReportDetail) -> None:
        notes = detail.notes
        self.notes_heading.setVisible(bool(notes))
        self.notes.setVisible(bool(notes))
        self.notes.setText(
            "".join(
                f"<p><span style='color:#37474f'>{html.escape(event_heading(n))}</span><br>"
                + html.escape(n.text).replace("\n", "<br>")
                + "</p>"
                for n in notes
            )
        )

    def _show_attachments(self, detail: ReportDetail) -> None:
        grid = self._attachment_grid
        while grid.count():
            item = grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # gone at once, not only when the event loop deletes it
                widget.deleteLater()
        if not detail.attachments:
            none = QLabel(self.tr("No files attached."), self.attachments)
            none.setObjectName("detailNoAttachments")
            grid.addWidget(none, 0, 0)
            return
        for row, info in enumerate(detail.attachments):
            name = QLabel(info.original_name, self.attachments)
            name.setObjectName(f"detailAttachmentName_{row}")
            name.setWordWrap(True)
            grid.addWidget(name, row, 0)
            grid.addWidget(QLabel(_size(info.size), self.attachments), row, 1)
            state = self.review.attachment_state(detail.incident.id, info)
            button = QPushButton(self.tr("Open"), self.attachments)
            button.setObjectName(f"detailOpenAttachment_{row}")
            button.setAccessibleName(fill(self.tr("Open %1"), info.original_name))
            button.clicked.connect(lambda _=False, i=info: self.open_attachment(i))
            grid.addWidget(button, row, 2)
            if state is not AttachmentState.HERE:
                where = (
                    self.tr("on the server")
                    if state is AttachmentState.ON_SERVER
                    else self.tr("file missing on this workstation")
                )
                note = QLabel(where, self.attachments)
                note.setObjectName(f"detailAttachmentWhere_{row}")
                note.setStyleSheet("color:#6b6b6b")
                grid.addWidget(note, row, 3)
                button.setEnabled(state is AttachmentState.ON_SERVER)

    def open_attachment(self, info: AttachmentInfo) -> None:
        detail = self._detail
        if detail is None:
            return
        path = self.review.local_file(info)
        if path is not None:
            if not self.open_url(QUrl.fromLocalFile(str(path))):
                self._refuse(self.tr("No program on this workstation opens this kind of file."))
            return
        if self.review.can_download():
            # Said first: the download service may answer (fail) before this returns.
            self._say(fill(self.tr("Fetching %1 from the server…"), info.original_name))
            self.review.download(detail.incident.id, info)
            return
        self._refuse(
            fill(
                self.tr(
                    "%1 is on the server; it cannot be fetched to this workstation yet. "
                    "Open the report on the reporter's workstation to see it."
                ),
                info.original_name,
            )
        )

    def _show_timeline(self, detail: ReportDetail) -> None:
        self.timeline.clear()
        # Notes are shown under the report; a colleague sees how far it got, nothing more.
        events = [
            e
            for e in detail.timeline
            if (e.kind != "note" if detail.can_act else e.kind == "status")
        ]
        self.timeline_heading.setText(self.tr("Follow-up") if detail.can_act else self.tr("Status"))
        for event in events:
            text = event_line(event, restricted=detail.show_restricted)
            item = QListWidgetItem(f"{event_heading(event)}\n{text}")
            item.setData(Qt.ItemDataRole.UserRole, str(event.id))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{event_heading(event)}: {text}")
            self.timeline.addItem(item)
        if not events:
            self.timeline.addItem(QListWidgetItem(self.tr("Nothing yet.")))

    def _show_alarm(self, incident: Incident) -> None:
        alarm_id = incident.alarm_id
        has = alarm_id is not None
        self.alarm_heading.setVisible(has)
        self.alarm_summary.setVisible(has)
        self.alarm_log.setVisible(has)
        if alarm_id is None:
            return
        if self._alarm_for == alarm_id:
            return
        self._alarm_for = alarm_id
        self.alarm_summary.setText(self.tr("Fetching the alarm log…"))
        self.alarm_log.clear()
        wanted = incident.id
        self.review.alarm(alarm_id, lambda alarm: self._fill_alarm(wanted, alarm))

    def _fill_alarm(self, incident_id: uuid.UUID, alarm: LinkedAlarm | None) -> None:
        if self.incident_id() != incident_id:
            return  # another report is shown by now
        self.alarm_log.clear()
        if alarm is None:
            self.alarm_summary.setText(
                self.tr("An alarm was pressed for this report; its log is not on this workstation.")
            )
            return
        kind = self.tr("silent alarm") if alarm.kind is AlarmKind.SILENT else self.tr("open alarm")
        types = {
            AlarmType.AGGRESSION: self.tr("aggression"),
            AlarmType.MEDICAL: self.tr("medical"),
            AlarmType.OTHER: self.tr("other"),
        }
        summary = fill(
            self.tr("%1 (%2) pressed at %3 on %4, %5."),
            kind.capitalize(),
            types[alarm.type],
            local_time(alarm.raised_at),
            alarm.station,
            alarm.location or "—",
        )
        if alarm.test:
            summary += " " + self.tr("Test alarm.")
        responders = [line for line in alarm.lines if line.kind == "acknowledged"]
        if responders:
            first = responders[0]
            summary += " " + fill(
                self.tr("First answer after %1."), self._seconds(first.after_seconds)
            )
        else:
            summary += " " + self.tr("Nobody answered.")
        self.alarm_summary.setText(summary)
        for line in alarm.lines:
            item = QListWidgetItem(f"{_time(line.at)} · {self._alarm_line(line)}")
            self.alarm_log.addItem(item)
        if not alarm.lines:
            self.alarm_log.addItem(QListWidgetItem(self.tr("No log lines.")))

    def _seconds(self, value: float | None) -> str:
        """ "8,2 s" under a minute, "4 min 12 s" from a minute on."""
        seconds = max(0.0, value or 0.0)
        if seconds < 60:
            return fill(self.tr("%1 s"), QLocale().toString(seconds, "f", 1))
        whole = round(seconds)
        return fill(self.tr("%1 min %2 s"), whole // 60, whole % 60)

    def _path(self, path: str) -> str:
        names = {
            "server": self.tr("the server"),
            "lan": self.tr("the network (LAN)"),
            "local": self.tr("this workstation"),
            "webhook": self.tr("the webhook"),
        }
        parts = [names.get(p.strip(), p.strip()) for p in path.split(",") if p.strip()]
        return self.tr(" and ").join(parts) if parts else "—"

    def _alarm_line(self, line: AlarmLogLine) -> str:
        who = line.actor or line.station
        if line.station and line.actor and line.station != line.actor:
            who = f"{line.actor} ({line.station})"
        after = self._seconds(line.after_seconds)
        path = self._path(line.path)
        kind = line.kind
        if kind == "raised" and line.late:
            return fill(self.tr("Pressed by %1 (the server heard of it afterwards)"), who)
        if kind == "raised":
            return fill(self.tr("Pressed by %1"), who)
        if kind == "stored" and line.late:
            return self.tr("Reported to the server afterwards: it could not be reached then")
        if kind == "stored":
            return self.tr("Stored on the server")
        if kind == "refused":
            return fill(self.tr("The server refused it: %1"), line.reason)
        if kind == "sent":
            return fill(self.tr("Sent over %1"), path)
        if kind in ("delivered", "received"):
            return fill(self.tr("Reached %1 over %2, after %3"), who, path, after)
        if kind == "acknowledged":
            return fill(self.tr('%1 answered "I\'m coming" over %2, after %3'), who, path, after)
        if kind == "escalated" and line.level is not None:
            level = str(line.level)
            if line.targets:
                names = ", ".join(labels.escalation_target_label(t) for t in line.targets)
                level = f"{level}: {names}"
            if line.at_once:
                return fill(self.tr("Alerted at once with the press (level %1)"), level)
            return fill(self.tr("Escalated to level %1, after %2"), level, after)
        if kind == "escalated":
            return fill(self.tr("Escalated after %1"), after)
        if kind == "resolved":
            return fill(self.tr("Resolved by %1, after %2"), who, after)
        if kind == "cancelled":
            return fill(self.tr("Cancelled by %1 (a mistake), after %2"), who, after)
        if kind == "undelivered":
            return self.tr("Reached nobody at the moment of the press")
        if kind == "unreached":
            return self.tr("Sent, but no colleague was reachable at the moment of the press")
        if kind == "type_changed":
            return fill(self.tr("Type changed by %1"), who)
        return fill(self.tr("%1 by %2 over %3"), kind, who, path)

    # ------------------------------------------------------------------ people
    def _fill_people(self, people: list[Person], _error: object) -> None:
        self._people = people
        detail = self._detail
        current = detail.assignee_user_id if detail is not None else None
        current_name = detail.assignee_name if detail is not None else ""
        self.assignee.clear()
        chosen = 0
        for index, person in enumerate(people):
            text = fill(self.tr("Myself (%1)"), person.name) if person.me else person.name
            self.assignee.addItem(text, index)
            if (current is not None and person.user_id == current) or (
                current is None and current_name and person.name == current_name
            ):
                chosen = index
        self.assignee.setCurrentIndex(chosen)

    def people(self) -> list[Person]:
        return list(self._people)

    # ------------------------------------------------------------------ acting
    def prepare_police_report(self) -> None:
        """The police-report sheet of this report: saved where chosen, then opened."""
        if self.documents is None or self._detail is None or self.documents.busy():
            return
        self.documents.police_sheet(self._detail.incident.id)

    def ask_letter(self) -> LetterDialog | None:
        """ "Brief maken…": the letter dialog for this report (shown, not blocking)."""
        if self.documents is None or self._detail is None or not self._detail.can_act:
            return None
        dialog = LetterDialog(self.documents, self._detail.incident.id, parent=self)
        dialog.accepted.connect(self._letter_made)
        self.letter_dialog = dialog
        dialog.open()
        return dialog

    def _letter_made(self) -> None:
        if self._detail is not None:
            incident_id = self._detail.incident.id
            self.show_incident(incident_id)
            self.feedback.setText(self.tr("The letter is made and recorded on the timeline."))
            self.acted.emit(incident_id)

    def _act(self, action: Callable[[], object], done: str) -> bool:
        self.action_message.clear_message()
        try:
            action()
        except ReviewError as error:
            self._refuse(self.describe(error))
            return False
        self.reload()
        self._say(done)
        current = self.incident_id()
        if current is not None:
            self.acted.emit(current)
        return True

    def assign_selected(self) -> bool:
        current = self.incident_id()
        index = self.assignee.currentIndex()
        if current is None or not (0 <= index < len(self._people)):
            self._refuse(self.describe(ReviewError(ReviewProblem.NEEDS_PERSON)))
            return False
        person = self._people[index]
        return self._act(
            lambda: self.review.assign(current, person.user_id, person.name),
            fill(self.tr("Assigned to %1."), person.name),
        )

    def set_in_progress(self) -> bool:
        current = self.incident_id()
        if current is None:
            return False
        return self._act(
            lambda: self.review.set_status(current, IncidentStatus.IN_PROGRESS),
            self.tr("The report is in progress; the reporter sees it."),
        )

    def ask_close(self) -> TextDialog | None:
        current = self.incident_id()
        if current is None:
            return None

        def submit(text: str) -> None:
            self.review.close(current, text)

        dialog = TextDialog(
            "closeDialog",
            self.tr("Close the report"),
            self.tr("&Conclusion for the reporter (short, required):"),
            self.tr("Close report"),
            submit,
            self.describe,
            self,
        )
        dialog.accepted.connect(lambda: self._after_dialog(self.tr("The report is closed.")))
        return self._open_dialog(dialog)

    def ask_message(self) -> TextDialog | None:
        current = self.incident_id()
        if current is None:
            return None

        def submit(text: str) -> None:
            self.review.message(current, text)

        dialog = TextDialog(
            "messageDialog",
            self.tr("Message to reporter"),
            self.tr("&Message (the reporter reads it in My reports):"),
            self.tr("Send message"),
            submit,
            self.describe,
            self,
        )
        dialog.accepted.connect(
            lambda: self._after_dialog(self.tr("Message saved; it goes to the reporter."))
        )
        return self._open_dialog(dialog)

    def _open_dialog(self, dialog: TextDialog) -> TextDialog:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.open()
        dialog.text.setFocus()
        return dialog

    def _after_dialog(self, done: str) -> None:
        self.reload()
        self._say(done)
        current = self.incident_id()
        if current is not None:
            self.acted.emit(current)

    def describe(self, error: ReviewError) -> str:
        texts = {
            ReviewProblem.NOT_ALLOWED: self.tr("Only a team lead or the coordinator can do this."),
            ReviewProblem.NOT_FOUND: self.tr("This report is no longer on this workstation."),
            ReviewProblem.NEEDS_CONCLUSION: self.tr(
                "Write a short conclusion: the reporter reads it when the report is closed."
            ),
            ReviewProblem.NEEDS_TEXT: self.tr("Write the message first."),
            ReviewProblem.TOO_LONG: fill(
                self.tr("This is too long: at most %1 characters."), TEXT_MAX
            ),
            ReviewProblem.CLOSED: self.tr("This report is closed already."),
            ReviewProblem.NEEDS_PERSON: self.tr("Choose who to assign the report to."),
        }
        return texts[error.problem]

    def _say(self, text: str) -> None:
        self.action_message.clear_message()
        self.feedback.setText(text)
        self.feedback.show()

    def _refuse(self, text: str) -> None:
        self.feedback.hide()
        self.action_message.show_message(text)

    def _on_changed(self, incident_id: object) -> None:
        current = self.incident_id()
        if current is not None and self.isVisible() and incident_id in (current, None):
            self.reload()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        # Esc anywhere in the detail (not in its dialogs, which close themselves): back.
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            event.accept()
            self.backRequested.emit()
            return
        super().keyPressEvent(event)

    def focus_first(self) -> None:
        """Where the keyboard starts: the first action for reviewers, else "Terug"."""
        if self._detail is not None and self._detail.can_act and self.assignee.isEnabled():
            self.assignee.setFocus()
        else:
            self.back_button.setFocus()
