"""Logboek: the log of reports for team leads (objectName ``logTable``).

A table model that fetches in pages, so the log stays smooth at 100,000 reports. Without a
server it shows the reports stored on this workstation; the shared log of the team arrives
through sync, and the count line says which of the two the reader is looking at.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.services.incidents import IncidentService, IncidentSummary
from veiligbalie.ui.labels import (
    category_label,
    reference_text,
    severity_label,
    status_label,
)

if TYPE_CHECKING:
    from veiligbalie.services.sync import SyncEngine

PAGE = 200
AnyIndex = QModelIndex | QPersistentModelIndex


class LogModel(QAbstractTableModel):
    COLUMNS = ("reference", "when", "categories", "severity", "location", "status")

    def __init__(self, service: IncidentService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._rows: list[IncidentSummary] = []
        self._total = 0

    def reload(self) -> None:
        self.beginResetModel()
        self._total = self.service.count()
        self._rows = self.service.shared_log(limit=PAGE, offset=0)
        self.endResetModel()

    def total(self) -> int:
        return self._total

    def summary(self, row: int) -> IncidentSummary:
        return self._rows[row]

    # -- Paging ------------------------------------------------------------------------------
    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: N802, B008
        if parent.isValid():
            return
        more = self.service.shared_log(limit=PAGE, offset=len(self._rows))
        if not more:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    # -- Table -------------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = (
            self.tr("Reference"),
            self.tr("Date"),
            self.tr("What happened"),
            self.tr("Severity"),
            self.tr("Location"),
            self.tr("Status"),
        )
        return titles[section]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        item = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if column == "reference":
            return reference_text(item.reference, self.service.shows_provisional(item))
        if column == "when":
            return item.occurred_at.astimezone().strftime("%d-%m-%Y %H:%M")
        if column == "categories":
            return ", ".join(sorted(category_label(c) for c in item.categories))
        if column == "severity":
            return severity_label(item.severity)
        if column == "location":
            return item.location
        return status_label(item.status)


class LogView(QWidget):
    #: Enter or a double click on a report: open its detail.
    openRequested = Signal(uuid.UUID)

    def __init__(
        self,
        service: IncidentService,
        parent: QWidget | None = None,
        sync: SyncEngine | None = None,
    ) -> None:
        super().__init__(parent)
        self.sync = sync
        self.setObjectName("logView")
        self.setAccessibleName(self.tr("Log"))
        self.service = service
        self.model = LogModel(service, self)

        title = QLabel(self.tr("Log"), self)
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.scope = QLabel(self)
        self.scope.setObjectName("logScope")
        self.scope.setWordWrap(True)

        self.table = QTableView(self)
        self.table.setObjectName("logTable")
        self.table.setAccessibleName(self.tr("Log of reports"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        # Enter and a double click both "activate" a row.
        self.table.activated.connect(
            lambda index: self.openRequested.emit(self.model.summary(index.row()).id)
        )

        self.empty = QLabel(self)
        self.empty.setObjectName("logEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.table)

        column = QVBoxLayout(self)
        column.addWidget(title)
        column.addWidget(self.scope)
        column.addWidget(self.pages, 1)
        # New and pulled reports: one reload for a burst of changes, not one per report.
        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(0)
        self._reload.timeout.connect(self.refresh)
        service.saved.connect(self._reload.start)
        service.changed.connect(self._reload.start)
        if sync is not None:  # linking, unlinking and the first pull change the count line
            sync.state_changed.connect(self._reload.start)
            sync.synced.connect(self._reload.start)
        self.refresh()

    def source(self) -> str:
        """Where the listed reports come from: "local" (no server), "shared" (linked and
        pulled from the server) or "linked" (linked, the shared log not fetched yet)."""
        if self.sync is None or not self.sync.configured:
            return "local"
        return "shared" if self.sync.logic.cursor > 0 else "linked"

    def refresh(self) -> None:
        self.model.reload()
        total = self.model.total()
        self.pages.setCurrentWidget(self.table if total else self.empty)
        source = self.source()
        if source == "shared":
            scope = self.tr("%n report(s) from the shared log.", "", total)
            empty = self.tr(
                "No reports in the shared log yet. Reports from every linked workstation of "
                "the site appear here."
            )
        elif source == "linked":
            scope = self.tr(
                "%n report(s) on this workstation; the shared log is fetched as soon as the "
                "server can be reached.",
                "",
                total,
            )
            empty = self.tr(
                "No reports in the shared log yet. It is fetched as soon as the server can be "
                "reached."
            )
        else:
            scope = self.tr("%n report(s) on this workstation.", "", total)
            empty = self.tr(
                "No reports on this workstation yet. Reports made here appear in this log; "
                "once the workstation is linked to a server, the team's shared log does too."
            )
        self.scope.setText(scope if total else "")
        self.empty.setText(empty)
