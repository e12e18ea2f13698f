"""Logboek: the log of reports for those who review them (objectName ``logTable``).

A filter bar over a table model that fetches in pages, so the log stays smooth at 100,000
reports: period, site, location, category, severity, status, follow-up overdue, alarm,
"assigned to me" and a free-text search over descriptions and notes; every column sorts
both ways; filters can be saved per user. The count line says how many are shown of how
many, and from where: this workstation, or the shared log of the site. Enter or a double
click opens a report (``openRequested``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import Category, IncidentStatus, Severity
from veiligbalie.core.workdays import AMSTERDAM as OFFICE_TZ
from veiligbalie.services.log import LogFilter, LogRow, LogService, SortKey
from veiligbalie.ui.documents import DocumentRunner, csv_columns, suggested_name
from veiligbalie.ui.labels import (
    CATEGORY_ORDER,
    category_label,
    reference_text,
    severity_label,
    status_label,
    status_short_label,
)
from veiligbalie.ui.widgets import FlowLayout

PAGE = 200
#: Typing pauses this long before the search runs (one query per pause, not per key).
SEARCH_DEBOUNCE_MS = 150
# Pixels beside a cell's text (its margins), for columns sized to their labels.
CELL_PADDING = 16
#: The Vestiging column: its width before it fits the names, and the widest it grows.
SITE_WIDTH = 110
FITTED_MAX = 220
#: The least "what happened" (the column that takes the rest) keeps when site names widen.
STRETCH_MIN = 110
AnyIndex = QModelIndex | QPersistentModelIndex
E = TypeVar("E", bound=StrEnum)


class Period(StrEnum):
    ALL = "all"
    DAYS_7 = "7d"
    DAYS_30 = "30d"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    LAST_YEAR = "last_year"


def period_bounds(period: Period, now: datetime) -> tuple[datetime | None, datetime | None]:
    """[since, until) of a period, in office time, as UTC instants."""
    local = now.astimezone(OFFICE_TZ)

    def start(day: date) -> datetime:
        return datetime.combine(day, time(), OFFICE_TZ).astimezone(UTC)

    if period is Period.DAYS_7:
        return now - timedelta(days=7), None
    if period is Period.DAYS_30:
        return now - timedelta(days=30), None
    if period is Period.MONTH:
        return start(local.date().replace(day=1)), None
    if period is Period.QUARTER:
        month = (local.month - 1) // 3 * 3 + 1
        return start(date(local.year, month, 1)), None
    if period is Period.YEAR:
        return start(date(local.year, 1, 1)), None
    if period is Period.LAST_YEAR:
        return start(date(local.year - 1, 1, 1)), start(date(local.year, 1, 1))
    return None, None


class LogModel(QAbstractTableModel):
    """The log's rows, a page at a time, under the view's filter and sort."""

    COLUMNS = (
        SortKey.REFERENCE,
        SortKey.OCCURRED_AT,
        SortKey.CATEGORIES,
        SortKey.SEVERITY,
        SortKey.LOCATION,
        SortKey.STATUS,
        SortKey.ASSIGNEE,
        SortKey.FOLLOWUP,
        SortKey.SITE,
    )
    IdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, service: LogService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._rows: list[LogRow] = []
        self._cache: dict[int, tuple[str, ...]] = {}
        self._count = 0
        self.filter = LogFilter()
        self.sort_key = SortKey.OCCURRED_AT
        self.descending = True

    def reload(self) -> None:
        self.beginResetModel()
        self._cache.clear()
        self._rows, self._count = self.service.first_page(
            self.filter, self.sort_key, self.descending, PAGE
        )
        self.endResetModel()

    def set_filter(self, f: LogFilter) -> None:
        if f != self.filter:
            self.filter = f
            self.reload()

    def count(self) -> int:
        """How many reports match the filter (shown or still to be fetched)."""
        return self._count

    def row(self, row: int) -> LogRow:
        return self._rows[row]

    # -- Sorting and paging ------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.COLUMNS[column]
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self.sort_key, self.descending):
            self.sort_key, self.descending = key, descending
            self.reload()

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and len(self._rows) < self._count

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: N802, B008
        if parent.isValid():
            return
        more = self.service.page(
            self.filter, self.sort_key, self.descending, PAGE, offset=len(self._rows)
        )
        if not more:
            self._count = len(self._rows)
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
        titles = {
            SortKey.REFERENCE: self.tr("Reference"),
            SortKey.OCCURRED_AT: self.tr("Date"),
            SortKey.CATEGORIES: self.tr("What happened"),
            SortKey.SEVERITY: self.tr("Severity"),
            SortKey.LOCATION: self.tr("Location"),
            SortKey.STATUS: self.tr("Status"),
            SortKey.ASSIGNEE: self.tr("Handled by"),
            SortKey.FOLLOWUP: self.tr("Follow-up"),
            SortKey.SITE: self.tr("Site"),
        }
        return titles[self.COLUMNS[section]]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # Painting asks for many roles of every visible cell: answer the shown text from a
        # per-row cache, everything else in a few comparisons.
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts(index.row())[index.column()] if index.isValid() else None
        if not index.isValid():
            return None
        if role == self.IdRole:
            return self._rows[index.row()].id
        if role == Qt.ItemDataRole.ToolTipRole:
            item = self._rows[index.row()]
            column = self.COLUMNS[index.column()]
            if column is SortKey.CATEGORIES:
                labels = [category_label(c) for c in CATEGORY_ORDER if c in item.categories]
                return ", ".join(labels) + "\n\n" + item.excerpt
            if column is SortKey.STATUS:
                return status_label(item.status)
            return self._texts(index.row())[index.column()]
        return None

    def _texts(self, row: int) -> tuple[str, ...]:
        texts = self._cache.get(row)
        if texts is None:
            item = self._rows[row]
            texts = tuple(self._text(item, column) for column in self.COLUMNS)
            self._cache[row] = texts
        return texts

    def _text(self, item: LogRow, column: SortKey) -> str:
        if column is SortKey.REFERENCE:
            # Still this workstation's own number while a server will give the final one.
            provisional = item.status is IncidentStatus.SAVED_LOCALLY and self.service.linked()
            return reference_text(item.reference, provisional)
        if column is SortKey.OCCURRED_AT:
            return item.occurred_at.astimezone(OFFICE_TZ).strftime("%d-%m-%Y %H:%M")
        if column is SortKey.CATEGORIES:
            labels = [category_label(c) for c in CATEGORY_ORDER if c in item.categories]
            # The kind of incident first (short), then the reporter's own words.
            kinds = ", ".join(label.split(" (")[0] for label in labels)
            return f"{kinds} — {item.excerpt}" if item.excerpt else kinds
        if column is SortKey.SEVERITY:
            return severity_label(item.severity)
        if column is SortKey.LOCATION:
            return item.location
        if column is SortKey.STATUS:
            return status_short_label(item.status)
        if column is SortKey.ASSIGNEE:
            return item.assignee_name
        if column is SortKey.FOLLOWUP:
            return self.followup_text(item)
        return item.site_name

    def followup_text(self, item: LogRow) -> str:
        state = item.followup
        if state.open == 0:
            return self.tr("All done") if state.done else ""
        text = self.tr("%n open", "", state.open)
        if state.overdue:
            text += " · " + self.tr("%n late", "", state.overdue)
        return text


class ChoiceButton(QToolButton):
    """A filter of several values at once ("any of these"): a button with a menu of
    check boxes; its text tells what is chosen."""

    changed = Signal()

    def __init__(
        self,
        name: str,
        accessible: str,
        everything: str,
        values: Iterable[tuple[StrEnum, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setToolTip(accessible)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._everything = everything
        menu = QMenu(self)
        self.actions_by_value: dict[StrEnum, QAction] = {}
        for value, label in values:
            action = menu.addAction(label)
            action.setCheckable(True)
            action.setObjectName(f"{name}_{value}")
            action.toggled.connect(self._toggled)
            self.actions_by_value[value] = action
        self.setMenu(menu)
        self._update_text()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        # Room for the menu's arrow, which the style draws in the corner over the text.
        hint = super().sizeHint()
        indicator = self.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, self)
        return QSize(hint.width() + indicator, hint.height())

    def chosen(self) -> frozenset[StrEnum]:
        return frozenset(v for v, a in self.actions_by_value.items() if a.isChecked())

    def set_chosen(self, values: Iterable[StrEnum]) -> None:
        wanted = set(values)
        for value, action in self.actions_by_value.items():
            action.blockSignals(True)
            action.setChecked(value in wanted)
            action.blockSignals(False)
        self._update_text()

    def _toggled(self) -> None:
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        chosen = [a.text() for a in self.actions_by_value.values() if a.isChecked()]
        if not chosen:
            self.setText(self._everything)
        elif len(chosen) == 1:
            self.setText(chosen[0])
        else:
            self.setText(f"{chosen[0]} +{len(chosen) - 1}")


def _combo(parent: QWidget, name: str, accessible: str) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    combo.setToolTip(accessible)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


class LogView(QWidget):
    #: Enter or a double click on a report: open it (the detail view).
    openRequested = Signal(uuid.UUID)  # noqa: N815 (Qt naming)

    def __init__(self, service: LogService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logView")
        self.setAccessibleName(self.tr("Log"))
        self.service = service
        self.model = LogModel(service, self)
        self._applying = False
        self._total = 0

        title = QLabel(self.tr("Log"), self)
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        self.scope = QLabel(self)
        self.scope.setObjectName("logScope")
        self.scope.setAccessibleName(self.tr("What the log shows"))
        self.scope.setWordWrap(True)

        self._build_filters()
        self.documents = DocumentRunner(self)

        self.table = QTableView(self)
        self.table.setObjectName("logTable")
        self.table.setAccessibleName(self.tr("Log of reports"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.setSortingEnabled(True)
        header = self.table.horizontalHeader()
        header.setSortIndicator(
            LogModel.COLUMNS.index(SortKey.OCCURRED_AT), Qt.SortOrder.DescendingOrder
        )
        header.setSectionsClickable(True)
        header.setStretchLastSection(False)
        # Fixed widths (no measuring of 100,000 rows); "what happened" takes the rest.
        widths = {
            SortKey.REFERENCE: 112,
            SortKey.OCCURRED_AT: 124,
            SortKey.SEVERITY: 84,
            SortKey.LOCATION: 128,
            SortKey.STATUS: 120,
            SortKey.ASSIGNEE: 100,
            SortKey.FOLLOWUP: 122,
            SortKey.SITE: SITE_WIDTH,
        }
        # Columns of a few fixed labels are as wide as their longest label in the language
        # shown ("Levensbedreigend" is wider than "Life-threatening").
        metrics = self.table.fontMetrics()
        for key, labels in (
            (SortKey.STATUS, [status_short_label(s) for s in IncidentStatus]),
            (SortKey.SEVERITY, [severity_label(s) for s in Severity]),
        ):
            widest = max(metrics.horizontalAdvance(label) for label in labels)
            widths[key] = max(widths[key], widest + CELL_PADDING)
        for column, key in enumerate(LogModel.COLUMNS):
            if key in widths:
                header.resizeSection(column, widths[key])
        self._site_names: tuple[str, ...] = ()
        header.setSectionResizeMode(
            LogModel.COLUMNS.index(SortKey.CATEGORIES), QHeaderView.ResizeMode.Stretch
        )
        header.setMinimumSectionSize(60)
        self.table.doubleClicked.connect(self._open_index)
        self.openRequested.connect(self._open_in_window)
        self.table.installEventFilter(self)
        self.table.viewport().installEventFilter(self)  # its width: the site column fits

        self.empty = QLabel(self)
        self.empty.setObjectName("logEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.table)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.scope)
        layout.addWidget(self.pages, 1)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)

        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(0)
        self._reload.timeout.connect(self.refresh)
        service.changed.connect(self._reload.start)
        service.saved_filters_changed.connect(self._fill_saved)
        self.refresh()

    # -- The filter bar ----------------------------------------------------------------------
    def _build_filters(self) -> None:
        bar = QWidget(self)
        bar.setObjectName("logFilterBar")
        self.filter_bar = bar

        self.search = QLineEdit(bar)
        self.search.setObjectName("logSearch")
        self.search.setAccessibleName(
            self.tr("Search by report number or in descriptions and notes")
        )
        self.search.setPlaceholderText(
            self.tr("Report number, or words from descriptions and notes (Ctrl+F)")
        )
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._debounce.start)

        self.period = _combo(bar, "logFilterPeriod", self.tr("Period"))
        for period, label in (
            (Period.ALL, self.tr("Any time")),
            (Period.DAYS_7, self.tr("Last 7 days")),
            (Period.DAYS_30, self.tr("Last 30 days")),
            (Period.MONTH, self.tr("This month")),
            (Period.QUARTER, self.tr("This quarter")),
            (Period.YEAR, self.tr("This year")),
            (Period.LAST_YEAR, self.tr("Last year")),
        ):
            self.period.addItem(label, period.value)
        self.site = _combo(bar, "logFilterSite", self.tr("Site"))
        self.location = _combo(bar, "logFilterLocation", self.tr("Location"))
        self.location.setMaximumWidth(220)
        self.category = ChoiceButton(
            "logFilterCategory",
            self.tr("Category"),
            self.tr("Every category"),
            [(c, category_label(c)) for c in CATEGORY_ORDER],
            bar,
        )
        self.severity = ChoiceButton(
            "logFilterSeverity",
            self.tr("Severity"),
            self.tr("Every severity"),
            [(s, severity_label(s)) for s in Severity],
            bar,
        )
        shown_statuses = [s for s in IncidentStatus if s is not IncidentStatus.SAVED_LOCALLY]
        self.status = ChoiceButton(
            "logFilterStatus",
            self.tr("Status"),
            self.tr("Every status"),
            [(s, status_label(s)) for s in [IncidentStatus.SAVED_LOCALLY, *shown_statuses]],
            bar,
        )
        self.overdue = QCheckBox(self.tr("Follow-up late"), bar)
        self.overdue.setObjectName("logFilterOverdue")
        self.overdue.setAccessibleName(self.tr("Only reports with follow-up past its deadline"))
        self.alarm = _combo(bar, "logFilterAlarm", self.tr("Alarm"))
        self.alarm.addItem(self.tr("With or without alarm"), None)
        self.alarm.addItem(self.tr("With alarm"), True)
        self.alarm.addItem(self.tr("Without alarm"), False)
        self.mine = QCheckBox(self.tr("Assigned to me"), bar)
        self.mine.setObjectName("logFilterMine")
        self.mine.setAccessibleName(self.tr("Only reports assigned to me"))

        self.saved = _combo(bar, "logSavedFilters", self.tr("Saved filters"))
        self.saved.setMinimumWidth(160)
        self.save_filter_button = QPushButton(self.tr("Save filter…"), bar)
        self.save_filter_button.setObjectName("logSaveFilter")
        self.save_filter_button.setAccessibleName(self.tr("Save these filters under a name"))
        self.delete_filter_button = QPushButton(self.tr("Delete"), bar)
        self.delete_filter_button.setObjectName("logDeleteFilter")
        self.delete_filter_button.setAccessibleName(self.tr("Delete the chosen saved filter"))
        self.export_button = QPushButton(self.tr("Export (CSV)…"), bar)
        self.export_button.setObjectName("logExportCsv")
        self.export_button.setAccessibleName(
            self.tr("Export the reports shown to a spreadsheet file (CSV)")
        )
        self.clear_button = QPushButton(self.tr("Clear filters"), bar)
        self.clear_button.setObjectName("logClearFilters")
        self.clear_button.setAccessibleName(self.tr("Show every report again"))

        # The search on a line of its own; the filters flow on and wrap where the window (or
        # a larger scaling) leaves no room, so nothing needs a sideways scroll.
        column = QVBoxLayout(bar)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self.search)
        flow = FlowLayout(spacing=8)
        for widget in (
            self.period,
            self.site,
            self.location,
            self.category,
            self.severity,
            self.status,
            self.alarm,
            self.overdue,
            self.mine,
            self.clear_button,
            self.saved,
            self.save_filter_button,
            self.delete_filter_button,
            self.export_button,
        ):
            flow.addWidget(widget)
        column.addLayout(flow)

        for combo in (self.period, self.site, self.location, self.alarm):
            combo.currentIndexChanged.connect(self.apply_filters)
        for button in (self.category, self.severity, self.status):
            button.changed.connect(self.apply_filters)
        self.overdue.toggled.connect(self.apply_filters)
        self.mine.toggled.connect(self.apply_filters)
        self.saved.activated.connect(self._saved_chosen)
        self.save_filter_button.clicked.connect(self._ask_filter_name)
        self.delete_filter_button.clicked.connect(self._delete_saved)
        self.clear_button.clicked.connect(self.clear_filters)
        self.export_button.clicked.connect(self.export_csv)
        # Tab goes through the bar in reading order, then into the table.
        order: list[QWidget] = [
            self.search,
            self.period,
            self.site,
            self.location,
            self.category,
            self.severity,
            self.status,
            self.alarm,
            self.overdue,
            self.mine,
            self.clear_button,
            self.saved,
            self.save_filter_button,
            self.delete_filter_button,
            self.export_button,
        ]
        for before, after in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(before, after)
        self._fill_saved()

    def _fit_sites(self) -> None:
        """Widen the Vestiging column to its longest site name ("Stadswinkel Noord" and
        "Stadswinkel Noordoost" must not both read "Stadswinkel N..."), up to
        :data:`FITTED_MAX` and only as far as "what happened" keeps :data:`STRETCH_MIN`;
        a name cut still shows whole in its tooltip. Again when the names or the width of
        the table change."""
        column = LogModel.COLUMNS.index(SortKey.SITE)
        if self.table.isColumnHidden(column):
            return
        header = self.table.horizontalHeader()
        stretch = LogModel.COLUMNS.index(SortKey.CATEGORIES)
        metrics = self.table.fontMetrics()
        widest = max((metrics.horizontalAdvance(n) for n in self._site_names), default=0)
        others = sum(
            header.sectionSize(c)
            for c in range(header.count())
            if c not in (column, stretch) and not header.isSectionHidden(c)
        )
        room = self.table.viewport().width() - others - STRETCH_MIN
        header.resizeSection(column, max(SITE_WIDTH, min(widest + CELL_PADDING, FITTED_MAX, room)))

    def _fill_choices(self, combo: QComboBox, everything: str, values: list[str]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for value in values:
            combo.addItem(value, value)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _fill_saved(self) -> None:
        current = self.saved.currentData()
        self.saved.blockSignals(True)
        self.saved.clear()
        self.saved.addItem(self.tr("Saved filters"), None)
        for name in self.service.saved_filters():
            self.saved.addItem(name, name)
        index = self.saved.findData(current) if current is not None else 0
        self.saved.setCurrentIndex(max(index, 0))
        self.saved.blockSignals(False)
        self.delete_filter_button.setEnabled(self.saved.currentData() is not None)

    def current_filter(self) -> LogFilter:
        since, until = period_bounds(Period(self.period.currentData()), self.service.now())
        viewer = self.service.viewer()
        me = viewer.user_id
        return LogFilter(
            since=since,
            until=until,
            site=self.site.currentData(),
            location=self.location.currentData(),
            categories=frozenset(Category(c) for c in self.category.chosen()),
            severities=frozenset(Severity(s) for s in self.severity.chosen()),
            statuses=frozenset(IncidentStatus(s) for s in self.status.chosen()),
            overdue=self.overdue.isChecked() and viewer.sees_review,
            alarm=self.alarm.currentData(),
            assignee_user_id=me if self.mine.isChecked() and me is not None else None,
            text=self.search.text(),
        )

    def apply_filters(self) -> None:
        """Read the bar and show what it selects (called on every change of a filter)."""
        if self._applying:
            return
        self._debounce.stop()
        self.model.set_filter(self.current_filter())
        self._show_counts()

    def set_filter_controls(self, f: LogFilter, period: Period = Period.ALL) -> None:
        """Put a (saved) filter into the bar, then apply it once."""
        self._applying = True
        try:
            self.period.setCurrentIndex(max(self.period.findData(period.value), 0))
            self.site.setCurrentIndex(max(self.site.findData(f.site), 0) if f.site else 0)
            index = self.location.findData(f.location) if f.location else 0
            if f.location and index < 0:
                self.location.addItem(f.location, f.location)
                index = self.location.count() - 1
            self.location.setCurrentIndex(index)
            self.category.set_chosen(f.categories)
            self.severity.set_chosen(f.severities)
            self.status.set_chosen(f.statuses)
            self.overdue.setChecked(f.overdue)
            self.alarm.setCurrentIndex(max(self.alarm.findData(f.alarm), 0))
            self.mine.setChecked(f.assignee_user_id is not None)
            self.search.setText(f.text)
        finally:
            self._applying = False
        self.apply_filters()

    def clear_filters(self) -> None:
        self.saved.setCurrentIndex(0)
        self.delete_filter_button.setEnabled(False)
        self.set_filter_controls(LogFilter())

    # -- Saved filters -----------------------------------------------------------------------
    def _saved_chosen(self, _index: int) -> None:
        name = self.saved.currentData()
        self.delete_filter_button.setEnabled(name is not None)
        if name is None:
            return
        stored = self.service.saved_filters().get(name)
        if stored is None:
            return
        try:
            period = Period(self.service.saved_periods().get(name) or Period.ALL)
        except ValueError:
            period = Period.ALL
        self.set_filter_controls(stored, period)

    def save_current_filter(self, name: str) -> None:
        """Keep the bar's filter under ``name`` for this user (the period as a choice, so
        "this month" stays this month)."""
        f = self.current_filter()
        period = Period(self.period.currentData())
        self.service.save_filter(name, replace(f, since=None, until=None), period.value)
        self.saved.setCurrentIndex(max(self.saved.findData(name.strip()), 0))
        self.delete_filter_button.setEnabled(True)

    def _ask_filter_name(self) -> None:
        name, ok = QInputDialog.getText(
            self, self.tr("Save filter"), self.tr("Name of this filter:")
        )
        if ok and name.strip():
            self.save_current_filter(name)

    def _delete_saved(self) -> None:
        name = self.saved.currentData()
        if name is not None:
            self.service.delete_filter(name)
            self.saved.setCurrentIndex(0)

    # -- Keyboard and opening ----------------------------------------------------------------
    def export_csv(self) -> bool:
        """Save the reports under the current filter, in the table's order, as CSV (made
        off the GUI thread, then opened); False when the user chose no file."""
        f, sort, descending = self.model.filter, self.model.sort_key, self.model.descending
        service, columns = self.service, csv_columns()

        def build(path: Path) -> None:
            service.export_csv(path, f, sort, descending, columns)

        stamp = self.service.now().astimezone().strftime("%Y-%m-%d")
        return self.documents.start(
            "log_csv",
            build,
            self.tr("Export the log"),
            suggested_name(fill(self.tr("log %1"), stamp), ".csv"),
            self.tr("Spreadsheet (CSV) (*.csv)"),
        )

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self._fit_sites()
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.search and key == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                self.apply_filters()
                return True
            if watched is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open_index(self.table.currentIndex())
                return True
        return super().eventFilter(watched, event)

    def _open_index(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self.openRequested.emit(self.model.row(index.row()).id)

    def _open_in_window(self, incident_id: uuid.UUID) -> None:
        """The main window opens the report when it can (its ``open_incident``)."""
        opener = getattr(self.window(), "open_incident", None)
        if callable(opener):
            opener(incident_id)

    # -- Showing -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the log again (new or pulled reports, another reader, a changed link)."""
        viewer = self.service.viewer()
        sites = self.service.sites()
        self._fill_choices(self.site, self.tr("Every site"), sites)
        self.site.setVisible(len(sites) > 1)
        self.table.setColumnHidden(LogModel.COLUMNS.index(SortKey.SITE), len(sites) <= 1)
        self._fill_choices(self.location, self.tr("Every location"), self.service.locations())
        # Follow-up is for those who review: an employee reading a shared log sees the
        # reports, not their follow-up nor who handles them.
        review = viewer.sees_review
        for key in (SortKey.FOLLOWUP, SortKey.ASSIGNEE):
            self.table.setColumnHidden(LogModel.COLUMNS.index(key), not review)
        self._site_names = tuple(sites)
        self._fit_sites()
        self.overdue.setVisible(review)
        self.mine.setVisible(review and viewer.user_id is not None)
        self._total = self.service.total()  # the "of N": changes with the data, not a filter
        self.model.filter = self.current_filter()
        self.model.reload()
        self._show_counts()

    def _show_counts(self) -> None:
        shown = self.model.count()
        total = self._total if self.model.filter.narrowed else shown
        self.pages.setCurrentWidget(self.table if total else self.empty)
        source = self.service.source()
        if source == "shared":
            everything = self.tr("%n report(s) from the shared log.", "", total)
            narrowed = self.tr("%n of %1 reports from the shared log.", "", shown)
            empty = self.tr(
                "No reports in the shared log yet. Reports from every linked workstation of "
                "the site appear here."
            )
        elif source == "linked":
            everything = self.tr(
                "%n report(s) on this workstation; the shared log is fetched as soon as the "
                "server can be reached.",
                "",
                total,
            )
            narrowed = self.tr(
                "%n of %1 reports on this workstation; the shared log is fetched as soon as "
                "the server can be reached.",
                "",
                shown,
            )
            empty = self.tr(
                "No reports in the shared log yet. It is fetched as soon as the server can be "
                "reached."
            )
        else:
            everything = self.tr("%n report(s) on this workstation.", "", total)
            narrowed = self.tr("%n of %1 reports on this workstation.", "", shown)
            empty = self.tr(
                "No reports on this workstation yet. Reports made here appear in this log; "
                "once the workstation is linked to a server, the team's shared log does too."
            )
        if not total:
            self.scope.setText("")
        elif self.model.filter.narrowed:
            self.scope.setText(fill(narrowed, total))
        else:
            self.scope.setText(everything)
        self.empty.setText(empty)
