"""Audit in Instellingen: who read or changed restricted data, filtered by user, dossier
person and period; for an administrator or privacy officer who is signed in."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.text import fill
from veiligbalie.core.workdays import AMSTERDAM as OFFICE_TZ
from veiligbalie.services.audit import AuditEntry, AuditQuery, AuditService
from veiligbalie.ui.widgets import buddy_label, line_edit, office_today

_Index = QModelIndex | QPersistentModelIndex


class AuditTableModel(QAbstractTableModel):
    """The rows of one audit page: when, who, what, station, about, detail."""

    COLUMNS = ("when", "who", "action", "station", "about", "detail")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[AuditEntry] = []

    def set_rows(self, rows: list[AuditEntry]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def entry(self, row: int) -> AuditEntry:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is not Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = (
            self.tr("When"),
            self.tr("Who"),
            self.tr("Action"),
            self.tr("Workstation"),
            self.tr("About"),
            self.tr("Detail"),
        )
        return titles[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        e = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if column == "when":
            return e.at.astimezone(OFFICE_TZ).strftime("%d-%m-%Y %H:%M:%S")
        if column == "who":
            return e.actor
        if column == "action":
            return e.action
        if column == "station":
            return e.station or "–"
        if column == "about":
            return e.about or "–"
        return e.detail


class AuditView(QGroupBox):
    """Filters, a search button and the table; a line says how many rows matched."""

    def __init__(self, service: AuditService, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Audit log"), parent)
        self.setObjectName("auditView")
        self.setAccessibleName(self.tr("Audit log"))
        self.service = service
        column = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Who read or changed restricted data (perpetrator details, dossier, "
                "team-lead-only reports and their files), when and from which workstation."
            ),
            self,
        )
        intro.setWordWrap(True)
        column.addWidget(intro)
        filters = QGridLayout()
        self.user = line_edit(self, "auditUser", self.tr("User"), max_length=200)
        self.user.setPlaceholderText(self.tr("user name"))
        self.person = line_edit(self, "auditPerson", self.tr("Dossier person"), max_length=36)
        self.person.setPlaceholderText(self.tr("dossier person's id"))
        self.use_period = QCheckBox(self.tr("&Period"), self)
        self.use_period.setObjectName("auditUsePeriod")
        self.use_period.setAccessibleName(self.tr("Filter by period"))
        today = office_today()
        self.since = QDateEdit(today.addMonths(-1), self)
        self.since.setObjectName("auditSince")
        self.since.setAccessibleName(self.tr("From"))
        self.until = QDateEdit(today, self)
        self.until.setObjectName("auditUntil")
        self.until.setAccessibleName(self.tr("Until"))
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd-MM-yyyy")
            edit.setEnabled(False)
            self.use_period.toggled.connect(edit.setEnabled)
        filters.addWidget(buddy_label(self.tr("&User"), self.user)[0], 0, 0)
        filters.addWidget(self.user, 0, 1)
        filters.addWidget(buddy_label(self.tr("Dossier pe&rson"), self.person)[0], 0, 2)
        filters.addWidget(self.person, 0, 3)
        filters.addWidget(self.use_period, 1, 0)
        period = QHBoxLayout()
        period.addWidget(self.since)
        period.addWidget(QLabel(self.tr("to"), self))
        period.addWidget(self.until)
        period.addStretch(1)
        filters.addLayout(period, 1, 1, 1, 3)
        column.addLayout(filters)
        buttons = QHBoxLayout()
        self.search = QPushButton(self.tr("&Search"), self)
        self.search.setObjectName("auditSearch")
        self.search.setAccessibleName(self.tr("Search the audit log"))
        self.search.clicked.connect(self.run)
        self.status = QLabel(self)
        self.status.setObjectName("auditStatus")
        self.status.setWordWrap(True)
        buttons.addWidget(self.search)
        buttons.addWidget(self.status, 1)
        column.addLayout(buttons)
        self.model = AuditTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("auditTable")
        self.table.setAccessibleName(self.tr("Audit rows"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(240)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        column.addWidget(self.table)
        service.loaded.connect(self._loaded)
        service.failed.connect(self._failed)

    def query(self) -> AuditQuery | None:
        person: uuid.UUID | None = None
        text = self.person.text().strip()
        if text:
            try:
                person = uuid.UUID(text)
            except ValueError:
                self.status.setText(self.tr("A dossier person is named by their id."))
                return None
        since = until = None
        if self.use_period.isChecked():
            since = self.since.date().toPython()
            until = self.until.date().toPython()
        return AuditQuery(self.user.text(), person, since, until)  # type: ignore[arg-type]

    def run(self) -> None:
        query = self.query()
        if query is None:
            return
        self.status.setText(self.tr("Searching…"))
        self.search.setEnabled(False)
        self.service.load(query)

    def _loaded(self, entries: list[AuditEntry], total: int) -> None:
        self.search.setEnabled(True)
        self.model.set_rows(entries)
        if total > len(entries):
            self.status.setText(
                fill(self.tr("The newest %1 of %2 rows."), str(len(entries)), str(total))
            )
        elif total:
            self.status.setText(self.tr("%n row(s).", "", total))
        else:
            self.status.setText(self.tr("No rows match."))

    def _failed(self, message: str) -> None:
        self.search.setEnabled(True)
        self.status.setText(message)
