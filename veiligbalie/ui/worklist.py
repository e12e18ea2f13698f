"""Opvolging: the team lead's worklist (objectName ``worklistView``).

Above, the alarms that need follow-up (resolved without a report, or cancelled), each closed
with a reason or turned into a report. Below, every follow-up task across reports by due
date (``worklistTable``, a table model), its state in words and colour: Gedaan, Bijna te
laat, Te laat, Open. Enter or "Afvinken" opens the dialog of the task's kind.
"""

from __future__ import annotations

import html
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.text import fill
from veiligbalie.core.vocabulary import AlarmState, Channel
from veiligbalie.services.followup import (
    ALL,
    OPEN,
    OVERDUE,
    AlarmFollowUp,
    FollowUpService,
    WorkItem,
)
from veiligbalie.services.letterhead import LetterheadService
from veiligbalie.ui.followup_dialogs import AlarmCloseDialog, AssignDialog, dialog_for
from veiligbalie.ui.labels import follow_up_label
from veiligbalie.ui.letterhead import LetterheadRunner
from veiligbalie.ui.worklist_notes import due_soon_text, new_report_text

if TYPE_CHECKING:
    from veiligbalie.services.context import AppContext

AnyIndex = QModelIndex | QPersistentModelIndex
#: The most tasks listed at once (earliest due first); a filter narrows the rest.
SHOWN = 2000

#: Colours of the states (text on the default background; readable, not only colour: the
#: state is also written out).
COLOURS = {
    "done": QColor("#2e7d32"),
    "due_soon": QColor("#b26a00"),
    "overdue": QColor("#c62828"),
    "open": QColor("#37474f"),
}


def _local(moment: datetime | None, with_time: bool = True) -> str:
    if moment is None:
        return ""
    return moment.astimezone().strftime("%d-%m-%Y %H:%M" if with_time else "%d-%m-%Y")


class WorklistModel(QAbstractTableModel):
    COLUMNS = ("state", "due", "task", "reference", "reporter", "location", "assignee")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[WorkItem] = []

    def set_items(self, items: list[WorkItem]) -> None:
        self.beginResetModel()
        self._items = items
        self.endResetModel()

    def item(self, row: int) -> WorkItem:
        return self._items[row]

    def items(self) -> list[WorkItem]:
        return list(self._items)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("State"),
            self.tr("Due"),
            self.tr("Task"),
            self.tr("Report"),
            self.tr("Reporter"),
            self.tr("Location"),
            self.tr("Assigned to"),
        )[section]

    def state_text(self, status: str) -> str:
        return {
            "done": self.tr("Done"),
            "due_soon": self.tr("Due soon"),
            "overdue": self.tr("Overdue"),
            "open": self.tr("Open"),
        }[status]

    def due_text(self, item: WorkItem) -> str:
        task = item.task
        if task.due_from is not None:
            # The follow-ups at about 2 and 6-8 weeks: a window, not a single moment.
            return fill(self.tr("%1 to %2"), _local(task.due_from, False), _local(task.due, False))
        return _local(task.due)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and column == "state":
            return QBrush(COLOURS[item.status])
        if role == Qt.ItemDataRole.FontRole and column == "state" and item.status != "open":
            owner = self.parent()
            if isinstance(owner, QWidget):
                font = owner.font()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.UserRole:
            return str(item.task.id)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        task = item.task
        if column == "state":
            if task.done_at is not None:
                return fill(self.tr("Done %1"), task.done_at.astimezone().strftime("%d-%m"))
            return self.state_text(item.status)
        if column == "due":
            return self.due_text(item)
        if column == "task":
            return follow_up_label(task.kind)
        if column == "reference":
            return item.reference or self.tr("(report not on this workstation)")
        if column == "reporter":
            return item.reporter
        if column == "location":
            return item.location
        return task.assignee_name


class WorklistView(QWidget):
    """Opvolging. Built as ``WorklistView(context, parent)`` by the main window."""

    FILTERS = ("open", "overdue", "all", "mine")

    def __init__(
        self,
        context: AppContext | FollowUpService,
        parent: QWidget | None = None,
        documents: LetterheadService | None = None,
    ):
        super().__init__(parent)
        self.last_dialog: QDialog | None = None
        #: Police-report sheet and letters from the task dialogs (None: no documents here).
        self.documents = LetterheadRunner(documents, self) if documents is not None else None
        if isinstance(context, FollowUpService):
            service = context
        else:
            if self.documents is None and context.documents is not None:
                self.documents = LetterheadRunner(context.documents, self)
            if context.followup is None:
                raise ValueError("the follow-up service is not set up")
            service = context.followup
        self.service = service
        self.setObjectName("worklistView")
        self.setAccessibleName(self.tr("Follow-up"))

        title = QLabel(self.tr("Follow-up"), self)
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        # The latest notification (a report came in, a task turned due soon).
        self.notice = QLabel(self)
        self.notice.setObjectName("worklistNotice")
        self.notice.setAccessibleName(self.tr("Notification"))
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(
            "background: #fff4e0; border: 1px solid #e0a040; border-radius: 4px; padding: 6px;"
        )
        self.notice.hide()
        # Bound methods: the connections end with this view.
        service.new_report.connect(self._on_new_report)
        service.due_soon.connect(self._on_due_soon)

        # -- Alarms that need follow-up ------------------------------------------------------
        self.alarm_box = QWidget(self)
        self.alarm_box.setObjectName("alarmFollowups")
        alarm_column = QVBoxLayout(self.alarm_box)
        alarm_column.setContentsMargins(0, 0, 0, 0)
        self.alarm_title = QLabel(self.alarm_box)
        self.alarm_title.setObjectName("alarmFollowupTitle")
        self.alarm_title.setStyleSheet("font-weight: bold;")
        self.alarm_list = QListWidget(self.alarm_box)
        self.alarm_list.setObjectName("alarmFollowupList")
        self.alarm_list.setAccessibleName(self.tr("Alarms that need follow-up"))
        self.alarm_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.alarm_title.setBuddy(self.alarm_list)
        alarm_buttons = QHBoxLayout()
        self.alarm_close = self._button(
            self.tr("Close with a reason…"), "alarmFollowupClose", self.close_alarm
        )
        self.alarm_report = self._button(
            self.tr("Make a report"), "alarmFollowupReport", self.report_alarm
        )
        alarm_buttons.addWidget(self.alarm_close)
        alarm_buttons.addWidget(self.alarm_report)
        alarm_buttons.addStretch(1)
        alarm_column.addWidget(self.alarm_title)
        alarm_column.addWidget(self.alarm_list)
        alarm_column.addLayout(alarm_buttons)

        # -- Filters --------------------------------------------------------------------------
        filters = QHBoxLayout()
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        self.filter_buttons: dict[str, QPushButton] = {}
        for key, text in zip(
            self.FILTERS,
            (self.tr("Open"), self.tr("Overdue"), self.tr("All"), self.tr("Assigned to me")),
            strict=True,
        ):
            button = QPushButton(text, self)
            button.setCheckable(True)
            button.setObjectName(f"worklistFilter_{key}")
            button.setAccessibleName(text)
            self.filter_group.addButton(button)
            self.filter_buttons[key] = button
            button.clicked.connect(self.refresh)
            filters.addWidget(button)
        self.filter_buttons["open"].setChecked(True)
        filters.addStretch(1)
        self.count = QLabel(self)
        self.count.setObjectName("worklistCount")
        filters.addWidget(self.count)

        # -- Tasks ---------------------------------------------------------------------------
        self.model = WorklistModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("worklistTable")
        self.table.setAccessibleName(self.tr("Follow-up tasks"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.tick_off())
        self.table.installEventFilter(self)
        self.empty = QLabel(self)
        self.empty.setObjectName("worklistEmpty")
        self.empty.setWordWrap(True)

        actions = QHBoxLayout()
        self.done_button = self._button(self.tr("Tick off…"), "worklistDone", self.tick_off)
        self.assign_button = self._button(self.tr("Assign…"), "worklistAssign", self.assign)
        self.reopen_button = self._button(self.tr("Reopen"), "worklistReopen", self.reopen)
        for button in (self.done_button, self.assign_button, self.reopen_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.message = QLabel(self)
        self.message.setObjectName("worklistMessage")
        self.message.setStyleSheet("color: #b00020;")
        actions.addWidget(self.message)

        column = QVBoxLayout(self)
        column.addWidget(title)
        column.addWidget(self.notice)
        column.addWidget(self.alarm_box)
        column.addLayout(filters)
        column.addWidget(self.table, 1)
        column.addWidget(self.empty)
        column.addLayout(actions)

        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(0)
        self._reload.timeout.connect(self.refresh)
        service.tasks_changed.connect(self._reload.start)
        service.alarms_changed.connect(self._reload.start)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    def _on_new_report(self, incident_id: uuid.UUID) -> None:
        self.show_notice(self.tr("New report"), new_report_text(self.service, incident_id))

    def _on_due_soon(self, item: WorkItem) -> None:
        self.show_notice(self.tr("Follow-up due soon"), due_soon_text(item))

    def _keep(self, dialog: QDialog) -> None:
        """The dialog now open; the one before it is no longer needed."""
        if self.last_dialog is not None and not self.last_dialog.isVisible():
            self.last_dialog.deleteLater()
        self.last_dialog = dialog

    def show_notice(self, title: str, text: str) -> None:
        self.notice.setText(f"<b>{html.escape(title)}</b> — {html.escape(text)}")
        self.notice.show()

    def _button(self, text: str, name: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text.rstrip("…"))
        button.clicked.connect(slot)
        return button

    # -- Reading -------------------------------------------------------------------------------
    def current_filter(self) -> str:
        for key, button in self.filter_buttons.items():
            if button.isChecked():
                return key
        return "open"

    def set_filter(self, key: str) -> None:
        self.filter_buttons[key].setChecked(True)
        self.refresh()

    def refresh(self) -> None:
        selected = self.selected()
        key = self.current_filter()
        state = {"open": OPEN, "overdue": OVERDUE, "all": ALL, "mine": OPEN}[key]
        items = self.service.worklist(state, mine=key == "mine", limit=SHOWN + 1)
        more = len(items) > SHOWN
        items = items[:SHOWN]
        self.model.set_items(items)
        overdue = sum(1 for i in items if i.status == "overdue")
        if more:
            text = fill(self.tr("The first %1 tasks by due date"), SHOWN)
        else:
            text = self.tr("%n task(s)", "", len(items))
        if overdue:
            text += " · " + self.tr("%n overdue", "", overdue)
        self.count.setText(text)
        self.empty.setText(
            ""
            if items
            else {
                "open": self.tr("No open follow-up tasks."),
                "overdue": self.tr("Nothing is overdue."),
                "all": self.tr("No follow-up tasks yet. They are made when a report comes in."),
                "mine": self.tr("No open tasks are assigned to you."),
            }[key]
        )
        self.empty.setVisible(not items)
        if selected is not None:
            self.select_task(selected.task.id)
        elif items:
            self.table.selectRow(0)
        self._refresh_alarms()
        self._update_buttons()

    def _refresh_alarms(self) -> None:
        current = self.selected_alarm()
        alarms = self.service.alarm_items()
        self.alarm_list.clear()
        for alarm in alarms:
            self.alarm_list.addItem(self._alarm_item(alarm))
        self.alarm_title.setText(self.tr("Alarms that need follow-up (%n)", "", len(alarms)))
        self.alarm_box.setVisible(bool(alarms))
        if alarms:
            row = next((i for i, a in enumerate(alarms) if current and a.id == current.id), 0)
            self.alarm_list.setCurrentRow(row)

    def _alarm_item(self, alarm: AlarmFollowUp) -> QListWidgetItem:
        what = (
            self.tr("cancelled alarm")
            if alarm.state is AlarmState.CANCELLED
            else self.tr("alarm without a report")
        )
        where = alarm.location or alarm.station
        when = _local(alarm.raised_at)
        if alarm.late:
            when = fill(self.tr("%1 (reported afterwards)"), when)
        text = fill(self.tr("%1 · %2 · %3"), what.capitalize(), when, where)
        if alarm.raised_by and alarm.raised_by != where:
            text += f" ({alarm.raised_by})"
        item = QListWidgetItem(text)
        if alarm.late:
            item.setToolTip(
                self.tr(
                    "The server could not be reached when it was raised: the station reported "
                    "it afterwards, with the times it kept. Colleagues nearby may have had it "
                    "over the local network."
                )
            )
        item.setData(Qt.ItemDataRole.UserRole, alarm)
        return item

    def selected(self) -> WorkItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def selected_alarm(self) -> AlarmFollowUp | None:
        item = self.alarm_list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, AlarmFollowUp) else None

    def select_task(self, task_id: uuid.UUID) -> bool:
        for row, item in enumerate(self.model.items()):
            if item.task.id == task_id:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self, *_args: object) -> None:
        item = self.selected()
        self.done_button.setEnabled(item is not None and item.task.done_at is None)
        self.assign_button.setEnabled(item is not None and item.task.done_at is None)
        self.reopen_button.setEnabled(item is not None and item.task.done_at is not None)

    # -- Acting ----------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.tick_off()
            return True
        return super().eventFilter(watched, event)

    def tick_off(self) -> None:
        """Open the dialog of the selected task's kind (``last_dialog`` while it is open)."""
        item = self.selected()
        if item is None or item.task.done_at is not None:
            return
        self.message.clear()
        dialog = dialog_for(item.task, self.service, self, documents=self.documents)
        self._keep(dialog)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.open()

    def assign(self) -> None:
        item = self.selected()
        if item is None:
            return
        dialog = AssignDialog(item.task, self.service, self)
        self._keep(dialog)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.open()

    def reopen(self) -> None:
        item = self.selected()
        if item is None:
            return
        try:
            self.service.reopen(item.task.id, self.tr("Reopened"))
        except ValueError as exc:
            self.message.setText(str(exc))

    def close_alarm(self) -> None:
        alarm = self.selected_alarm()
        if alarm is None:
            return
        item = self.alarm_list.currentItem()
        dialog = AlarmCloseDialog(alarm.id, item.text() if item else "", self.service, self)
        self._keep(dialog)
        dialog.finished.connect(lambda _result: self.refresh())
        dialog.open()

    def report_alarm(self) -> None:
        """Register the report this alarm needs: the main window's form, filled in."""
        alarm = self.selected_alarm()
        window = self.window()
        show = getattr(window, "show_new_incident", None)
        if alarm is None or show is None:
            return
        show(
            {
                "occurred_at": alarm.raised_at,
                "location": alarm.location if alarm.location != alarm.station else "",
                "channel": Channel.COUNTER.value,
                "alarm_id": str(alarm.id),
            }
        )
