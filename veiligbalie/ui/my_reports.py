"""*Mijn meldingen*: the reporter's own reports with their status as they travel, the
timeline of what became of each, and a way to add information (a note, never an edit)."""

from __future__ import annotations

import html
import uuid
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QItemSelection,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from veiligbalie import settings
from veiligbalie.core.incident import DESCRIPTION_MAX, Incident
from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import Category, IncidentStatus
from veiligbalie.services.dossier import DossierService
from veiligbalie.services.incidents import IncidentService, IncidentSummary, TimelineEvent
from veiligbalie.services.letterhead import LetterheadService
from veiligbalie.ui import labels
from veiligbalie.ui.dossier import MeasureLookup
from veiligbalie.ui.labels import CATEGORY_ORDER
from veiligbalie.ui.letterhead import LetterheadRunner
from veiligbalie.ui.timeline_text import event_heading, event_line
from veiligbalie.ui.widgets import FieldMessage, vbox

PAGE_SIZE = 200

_Index = QModelIndex | QPersistentModelIndex


def _local(moment: datetime) -> str:
    return QLocale().toString(
        QDateTime.fromSecsSinceEpoch(int(moment.timestamp())), "dd-MM-yyyy HH:mm"
    )


def _categories_text(summary_categories: frozenset[Category]) -> str:
    ordered = [c for c in CATEGORY_ORDER if c in summary_categories]
    return ", ".join(labels.category_label(c) for c in ordered)


class ReportsModel(QAbstractTableModel):
    """The reporter's reports, newest first; loads further pages as the view scrolls."""

    COLUMNS = ("reference", "occurred_at", "categories", "status")
    ID_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, service: IncidentService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._rows: list[IncidentSummary] = []
        self._more = False

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self._service.my_reports(limit=PAGE_SIZE)
        self._more = len(self._rows) == PAGE_SIZE
        self.endResetModel()

    def summary(self, row: int) -> IncidentSummary:
        return self._rows[row]

    def row_of(self, incident_id: uuid.UUID) -> int:
        return next((i for i, s in enumerate(self._rows) if s.id == incident_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: _Index) -> bool:  # noqa: N802 - Qt override
        return not parent.isValid() and self._more

    def fetchMore(self, parent: _Index) -> None:  # noqa: N802 - Qt override
        if parent.isValid():
            return
        page = self._service.my_reports(limit=PAGE_SIZE, offset=len(self._rows))
        self._more = len(page) == PAGE_SIZE
        if page:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("Reference"),
            self.tr("When"),
            self.tr("What happened"),
            self.tr("Status"),
        )[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        summary = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == "reference":
                provisional = self._service.shows_provisional(summary)
                return labels.reference_text(summary.reference, provisional)
            if column == "occurred_at":
                return _local(summary.occurred_at)
            if column == "categories":
                return _categories_text(summary.categories)
            text = labels.status_label(summary.status)
            if summary.has_unread:
                text += " · " + self.tr("new")
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return summary.description_excerpt
        if role == Qt.ItemDataRole.FontRole and summary.has_unread:
            font = QFont()
            font.setBold(True)
            return font
        if role == self.ID_ROLE:
            return summary.id
        return None


class MyReportsView(QWidget):
    """The list of one's own reports and the detail of the selected one."""

    def __init__(
        self,
        service: IncidentService,
        parent: QWidget | None = None,
        documents: LetterheadService | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._current: uuid.UUID | None = None
        #: Makes the police-report sheet of the selected report (None: no documents here).
        self.documents = LetterheadRunner(documents, self) if documents is not None else None
        self.setObjectName("myReports")
        self.setAccessibleName(self.tr("My reports"))

        self.model = ReportsModel(service, self)
        self._stack = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._outer = outer
        self.measure_lookup: MeasureLookup | None = None
        outer.addWidget(self._stack)
        self._stack.addWidget(self._build_empty())
        self._stack.addWidget(self._build_content())

        service.saved.connect(self._on_saved)
        service.changed.connect(self._on_changed)
        # Linking or unlinking decides whether a number is shown as provisional.
        service.delivery_changed.connect(self._on_delivery)

    def attach_measures(self, dossier: DossierService) -> None:
        """ "Maatregel opzoeken" above the list: a client number in, only the active measure
        out (never a name or history)."""
        if self.measure_lookup is None:
            self.measure_lookup = MeasureLookup(dossier, self)
            self._outer.insertWidget(0, self.measure_lookup)
        self._show_lookup()

    def showEvent(self, event: QShowEvent) -> None:
        self._show_lookup()
        super().showEvent(event)

    def _show_lookup(self) -> None:
        """Only with a server to ask (a station without one has no dossier)."""
        lookup = self.measure_lookup
        if lookup is not None:
            lookup.setVisible(lookup.service.counter_lookup_available())

    # ------------------------------------------------------------------ building
    def _build_empty(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("myReportsEmpty")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(32, 32, 32, 32)
        title = QLabel(self.tr("My reports"), page)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.empty_label = QLabel(
            self.tr(
                "You have not made any reports yet. When something happens, report it under "
                "Report (Ctrl+N): it takes less than a minute, and here you will see what "
                "becomes of it."
            ),
            page,
        )
        self.empty_label.setObjectName("myReportsEmptyText")
        self.empty_label.setWordWrap(True)
        layout.addWidget(self.empty_label)
        layout.addStretch(1)
        return page

    def _build_content(self) -> QWidget:
        page = QWidget(self)
        column = vbox(page, (0, 0, 0, 0), 6)
        # News the reporter has not looked at yet: a line above the list, the reports bold.
        self.news_label = QLabel(page)
        self.news_label.setObjectName("myReportsNews")
        self.news_label.setAccessibleName(self.tr("News on your reports"))
        self.news_label.setWordWrap(True)
        self.news_label.setStyleSheet(
            "background:#fff4d6; border:1px solid #e0b84a; border-radius:6px; padding:6px 10px;"
        )
        self.news_label.hide()
        column.addWidget(self.news_label)
        column.addWidget(self._build_split(), 1)
        return page

    def _build_split(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("myReportsSplitter")
        splitter.setChildrenCollapsible(False)

        self.table = QTableView(splitter)
        self.table.setObjectName("myReportsTable")
        self.table.setAccessibleName(self.tr("My reports"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        scroll = QScrollArea(splitter)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        detail = QWidget()
        detail.setObjectName("myReportsDetail")
        layout = vbox(detail, (16, 12, 16, 12), 8)
        self.detail_title = QLabel(detail)
        self.detail_title.setObjectName("detailTitle")
        font = self.detail_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.detail_title.setFont(font)
        self.detail_title.setWordWrap(True)
        layout.addWidget(self.detail_title)
        self.earlier_reference = QLabel(detail)
        self.earlier_reference.setObjectName("detailEarlierReference")
        self.earlier_reference.setAccessibleName(self.tr("Earlier reference number"))
        self.earlier_reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.earlier_reference.setVisible(False)
        layout.addWidget(self.earlier_reference)
        self.status_track = QLabel(detail)
        self.status_track.setObjectName("statusTrack")
        self.status_track.setAccessibleName(self.tr("Status"))
        self.status_track.setWordWrap(True)
        self.status_track.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.status_track)
        self.status_text = QLabel(detail)
        self.status_text.setObjectName("statusExplanation")
        self.status_text.setWordWrap(True)
        layout.addWidget(self.status_text)
        self.conclusion_text = QLabel(detail)
        self.conclusion_text.setObjectName("statusConclusion")
        self.conclusion_text.setAccessibleName(self.tr("Conclusion"))
        self.conclusion_text.setWordWrap(True)
        self.conclusion_text.hide()
        layout.addWidget(self.conclusion_text)
        self.assignee_text = QLabel(detail)
        self.assignee_text.setObjectName("assigneeText")
        self.assignee_text.setWordWrap(True)
        self.assignee_text.hide()
        layout.addWidget(self.assignee_text)
        self.report_text = QLabel(detail)
        self.report_text.setObjectName("reportText")
        self.report_text.setAccessibleName(self.tr("Your report"))
        self.report_text.setWordWrap(True)
        self.report_text.setTextFormat(Qt.TextFormat.RichText)
        self.report_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.report_text)

        timeline_label = QLabel(self.tr("What happened since"), detail)
        font = timeline_label.font()
        font.setBold(True)
        timeline_label.setFont(font)
        layout.addWidget(timeline_label)
        self.timeline = QListWidget(detail)
        self.timeline.setObjectName("timelineList")
        self.timeline.setAccessibleName(self.tr("What happened since"))
        self.timeline.setWordWrap(True)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setSpacing(2)
        self.timeline.setMinimumHeight(self.fontMetrics().lineSpacing() * 10)
        timeline_label.setBuddy(self.timeline)
        layout.addWidget(self.timeline)

        note_label = QLabel(self.tr("Add &information to this report"), detail)
        note_label.setWordWrap(True)
        layout.addWidget(note_label)
        self.note_edit = QPlainTextEdit(detail)
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setAccessibleName(self.tr("Add information to this report"))
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlaceholderText(
            self.tr("Something you remembered later, or what happened afterwards.")
        )
        self.note_edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.note_edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)
        note_label.setBuddy(self.note_edit)
        layout.addWidget(self.note_edit)
        self.note_message = FieldMessage("noteMessage", detail)
        layout.addWidget(self.note_message)
        row = QHBoxLayout()
        self.add_note_button = QPushButton(self.tr("Add information"), detail)
        self.add_note_button.setObjectName("addNoteButton")
        self.add_note_button.setAccessibleName(self.tr("Add information"))
        self.add_note_button.clicked.connect(self.add_note)
        row.addWidget(self.add_note_button)
        self.police_sheet_button = QPushButton(self.tr("Prepare police report"), detail)
        self.police_sheet_button.setObjectName("myReportPoliceSheetButton")
        self.police_sheet_button.setAccessibleName(self.tr("Prepare police report"))
        self.police_sheet_button.setToolTip(
            self.tr(
                "A sheet for the police with the facts, the evidence and your organisation's "
                "address instead of your own."
            )
        )
        self.police_sheet_button.clicked.connect(self.prepare_police_report)
        self.police_sheet_button.setVisible(self.documents is not None)
        row.addWidget(self.police_sheet_button)
        self.note_status = QLabel(detail)
        self.note_status.setObjectName("noteStatus")
        self.note_status.setWordWrap(True)
        row.addWidget(self.note_status, 1)
        layout.addLayout(row)
        layout.addStretch(1)
        scroll.setWidget(detail)
        self._detail_scroll = scroll

        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        return splitter

    # ------------------------------------------------------------------ behaviour
    def refresh(self) -> None:
        """Reload the list (keeps the selected report selected)."""
        keep = self._current
        self.model.reload()
        has_rows = self.model.rowCount() > 0
        self._stack.setCurrentIndex(1 if has_rows else 0)
        unread = sum(
            1 for row in range(self.model.rowCount()) if self.model.summary(row).has_unread
        )
        self.news_label.setText(
            self.tr("News on %n of your reports: shown in bold below.", "", unread)
        )
        self.news_label.setVisible(unread > 0)
        if not has_rows:
            self._current = None
            return
        row = self.model.row_of(keep) if keep is not None else -1
        self.select_row(row if row >= 0 else 0)

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def current_id(self) -> uuid.UUID | None:
        return self._current

    def add_note(self) -> None:
        """Append what the user typed to the selected report's timeline."""
        if self._current is None:
            return
        text = self.note_edit.toPlainText()
        if not text.strip():
            self.note_message.show_message(self.tr("Type the information you want to add."))
            self.note_edit.setFocus()
            return
        if len(text) > DESCRIPTION_MAX:
            self.note_message.show_message(
                fill(self.tr("This is too long: at most %1 characters."), DESCRIPTION_MAX)
            )
            self.note_edit.setFocus()
            return
        self.note_message.clear_message()
        self._service.add_note(self._current, self._service.reporter_name(), text)
        self.note_edit.clear()
        self.note_status.setText(
            self.tr(
                "Added. Your original report stays as it was; your team lead sees the addition."
            )
        )

    def _on_saved(self, incident: Incident) -> None:
        # A report just made is the one the reporter wants to see first.
        self._current = incident.id
        self.refresh()

    def _on_changed(self, incident_id: object) -> None:
        self.refresh()
        if self._current is not None and incident_id == self._current:
            self._show_detail(self._current)

    def _on_delivery(self) -> None:
        rows = self.model.rowCount()
        if rows:
            self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(rows - 1, 0))
        if self._current is not None:
            self._show_reference(self._current)

    def _show_reference(self, incident_id: uuid.UUID) -> None:
        numbers = self._service.reference_info(incident_id)
        if numbers is None:
            return
        self.detail_title.setText(
            labels.reference_text(numbers.reference, self._service.shows_provisional(numbers))
        )
        earlier = numbers.earlier_reference
        self.earlier_reference.setText(labels.earlier_reference_text(earlier) if earlier else "")
        self.earlier_reference.setVisible(bool(earlier))

    def prepare_police_report(self) -> None:
        """The police-report sheet of the selected report: saved, then opened."""
        if self.documents is None or self._current is None or self.documents.busy():
            return
        self.documents.police_sheet(self._current)

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        incident_id = self.model.summary(rows[0].row()).id
        if incident_id != self._current:
            self.note_status.clear()
            self.note_message.clear_message()
        self._current = incident_id
        self._show_detail(incident_id)

    def _show_detail(self, incident_id: uuid.UUID) -> None:
        incident = self._service.get(incident_id)
        if incident is None:
            return
        self._show_reference(incident_id)
        self.status_track.setText(self._status_track(incident.status))
        status = labels.status_explanation(incident.status)
        if incident.status == IncidentStatus.SAVED_LOCALLY and not settings.SERVER_URL.get():
            # No server set up: it will not be "sent as soon as the server can be reached".
            status = self.tr(
                "Saved on this workstation only: no server is set up, so it has not gone to "
                "anyone. Once the administrator links this workstation to a server, it is "
                "sent to your team lead."
            )
        self.status_text.setText(status)
        events = self._service.timeline(incident_id)
        conclusion = next(
            (
                e.text
                for e in reversed(events)
                if e.kind == "status" and e.data.get("status") == "closed" and e.text.strip()
            ),
            "",
        )
        self.conclusion_text.setText(fill(self.tr("Conclusion of your team lead: %1"), conclusion))
        self.conclusion_text.setVisible(
            incident.status is IncidentStatus.CLOSED and bool(conclusion)
        )
        assignee = self._service.assignee(incident_id)
        if assignee is not None and assignee.name:
            self.assignee_text.setText(fill(self.tr("Handled by %1."), assignee.name))
        self.assignee_text.setVisible(assignee is not None and bool(assignee.name))
        self.report_text.setText(self._report_html(incident))
        self.timeline.clear()
        for event in events:
            item = QListWidgetItem(self._event_text(event))
            item.setData(Qt.ItemDataRole.UserRole, str(event.id))
            self.timeline.addItem(item)
        if not events:
            self.timeline.addItem(QListWidgetItem(self.tr("Nothing yet.")))
        # The latest step in sight: what became of the report lately matters most.
        self.timeline.scrollToBottom()
        row = self.model.row_of(incident_id)
        if row >= 0 and self.model.summary(row).has_unread and self.isVisible():
            # Seen: the report stays marked until the reporter has actually looked at it.
            self._service.mark_read(incident_id)

    def _status_track(self, status: IncidentStatus) -> str:
        parts = []
        for step in IncidentStatus:
            text = html.escape(labels.status_label(step))
            if step is status:
                parts.append(f"<b>{text}</b>")
            elif step.rank < status.rank:
                parts.append(text)
            else:
                parts.append(f"<span style='color:#6b6b6b'>{text}</span>")
        return " → ".join(parts)

    def _report_html(self, incident: Incident) -> str:
        def row(name: str, value: str) -> str:
            return f"<tr><td><b>{html.escape(name)}</b>&nbsp;</td><td>{value}</td></tr>"

        esc = html.escape
        rows = [
            row(self.tr("When"), esc(_local(incident.occurred_at))),
            row(self.tr("Where"), esc(incident.location)),
            row(self.tr("How"), esc(labels.channel_label(incident.channel))),
            row(self.tr("What happened"), esc(_categories_text(incident.categories))),
            row(self.tr("Severity"), esc(labels.severity_label(incident.severity))),
            row(self.tr("Reporter"), esc(incident.reporter)),
        ]
        if incident.on_behalf_of:
            rows.append(row(self.tr("On behalf of"), esc(incident.on_behalf_of)))
        if incident.restricted or incident.perpetrator_known:
            # Restricted data is not shown here: this screen may be read on a shared counter.
            rows.append(
                row(self.tr("Perpetrator"), esc(self.tr("recorded (only visible to team leads)")))
            )
        if incident.witnesses:
            rows.append(row(self.tr("Witnesses"), esc(", ".join(incident.witnesses))))
        consequences = labels.consequence_labels(incident)
        if consequences:
            rows.append(row(self.tr("Consequences"), esc(", ".join(consequences))))
        wishes = []
        if incident.aftercare_wanted:
            wishes.append(self.tr("aftercare talk wanted"))
        if incident.team_lead_only:
            wishes.append(self.tr("only visible to my team lead"))
        if wishes:
            rows.append(row(self.tr("Your wishes"), esc(", ".join(wishes))))
        files = self._service.attachments(incident.id)
        if files:
            rows.append(row(self.tr("Evidence"), esc(", ".join(a.original_name for a in files))))
        description = esc(incident.description).replace("\n", "<br>")
        heading = esc(self.tr("Description"))
        return (
            "<table cellspacing='2'>"
            + "".join(rows)
            + "</table>"
            + f"<p><b>{heading}</b><br>{description}</p>"
        )

    def _event_text(self, event: TimelineEvent) -> str:
        """ "02-12-2026 10:15 · Els Jansen" over "Toegewezen aan Els Jansen" and the like."""
        return f"{event_heading(event)}\n{event_line(event, for_reporter=True, restricted=True)}"
