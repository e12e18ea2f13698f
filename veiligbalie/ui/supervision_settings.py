"""Openingstijden and the test-alarm schedule of one site, for the administrator (placed in
Beheer → Alarmering). Outside the opening hours a station going offline is normal; inside
them it is a drop-out that Toezicht flags. The server checks and audits every change and
answers a non-administrator 403; its message is shown as it is."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.core.text import fill
from veiligbalie.services.supervision import SiteScheduleService
from veiligbalie.services.supervision import wire as sv
from veiligbalie.ui.supervision import weekday_names

if TYPE_CHECKING:
    from veiligbalie.services.context import AppContext

#: A closing time of 00:00 means midnight (24:00): open until the end of the day.
MIDNIGHT = "24:00"


def _time(text: str) -> QTime:
    if text == MIDNIGHT:
        return QTime(0, 0)
    hours, minutes = (int(part) for part in text.split(":"))
    return QTime(hours, minutes)


def _text(value: QTime, closing: bool = False) -> str:
    if closing and value == QTime(0, 0):
        return MIDNIGHT
    return value.toString("HH:mm")


class SiteScheduleEditor(QWidget):
    """One row per weekday (open, from, until) and how often each station must be tested."""

    MODES = ("none", "every_days", "weekly")

    def __init__(
        self,
        context: AppContext | None,
        site_id: uuid.UUID,
        parent: QWidget | None = None,
        *,
        service: SiteScheduleService | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("siteScheduleEditor")
        self.setAccessibleName(self.tr("Opening hours and test alarms"))
        if service is None:
            assert context is not None, "give a context or a service"
            service = SiteScheduleService.from_context(context, self)
        self.service = service
        self.site_id = site_id
        self.current: sv.SupervisionSettingsOut | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)

        hours = QGroupBox(self.tr("Opening hours"), self)
        hours.setObjectName("scheduleHours")
        grid = QGridLayout(hours)
        grid.addWidget(QLabel(self.tr("Open"), hours), 0, 1)
        grid.addWidget(QLabel(self.tr("From"), hours), 0, 2)
        grid.addWidget(QLabel(self.tr("Until"), hours), 0, 3)
        self.open_boxes: list[QCheckBox] = []
        self.opens: list[QTimeEdit] = []
        self.closes: list[QTimeEdit] = []
        for day, name in enumerate(weekday_names()):
            box = QCheckBox(name, hours)
            box.setObjectName(f"scheduleOpen_{day}")
            box.setAccessibleName(fill(self.tr("Open on %1"), name))
            start = QTimeEdit(QTime(8, 0), hours)
            start.setObjectName(f"scheduleOpens_{day}")
            start.setAccessibleName(fill(self.tr("Opens on %1"), name))
            start.setDisplayFormat("HH:mm")
            end = QTimeEdit(QTime(17, 0), hours)
            end.setObjectName(f"scheduleCloses_{day}")
            end.setAccessibleName(fill(self.tr("Closes on %1"), name))
            end.setDisplayFormat("HH:mm")
            end.setToolTip(self.tr("00:00 means until midnight"))
            box.toggled.connect(start.setEnabled)
            box.toggled.connect(end.setEnabled)
            grid.addWidget(box, day + 1, 1)
            grid.addWidget(start, day + 1, 2)
            grid.addWidget(end, day + 1, 3)
            self.open_boxes.append(box)
            self.opens.append(start)
            self.closes.append(end)
        grid.setColumnStretch(4, 1)
        self.zone = QLabel(hours)
        self.zone.setObjectName("scheduleTimezone")
        grid.addWidget(self.zone, 8, 1, 1, 4)
        column.addWidget(hours)

        tests = QGroupBox(self.tr("Test alarms"), self)
        tests.setObjectName("scheduleTests")
        form = QFormLayout(tests)
        self.mode = QComboBox(tests)
        self.mode.setObjectName("testScheduleMode")
        self.mode.setAccessibleName(self.tr("How often each workstation is tested"))
        self.mode.addItem(self.tr("No schedule"), "none")
        self.mode.addItem(self.tr("Every number of days"), "every_days")
        self.mode.addItem(self.tr("Weekly on a weekday"), "weekly")
        form.addRow(self.tr("Schedule"), self.mode)
        self.days = QSpinBox(tests)
        self.days.setObjectName("testScheduleDays")
        self.days.setAccessibleName(self.tr("Days between tests"))
        self.days.setRange(1, 366)
        self.days.setValue(7)
        form.addRow(self.tr("Days between tests"), self.days)
        self.weekday = QComboBox(tests)
        self.weekday.setObjectName("testScheduleWeekday")
        self.weekday.setAccessibleName(self.tr("Test day"))
        for day, name in enumerate(weekday_names()):
            self.weekday.addItem(name, day)
        form.addRow(self.tr("Test day"), self.weekday)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        column.addWidget(tests)

        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setObjectName("scheduleSave")
        self.save_button.setAccessibleName(self.tr("Save opening hours and test schedule"))
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        self.status = QLabel(self)
        self.status.setObjectName("scheduleStatus")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        column.addLayout(row)
        column.addStretch(1)

        service.loaded.connect(self.show_settings)
        service.saved.connect(self._saved)
        service.failed.connect(self._failed)
        self._mode_changed()
        service.load(site_id)

    def set_site(self, site_id: uuid.UUID) -> None:
        """Show another site's hours and schedule (Alarmering's site chooser)."""
        self.site_id = site_id
        self.current = None
        self.status.clear()
        self.service.load(site_id)

    def show_settings(self, settings: sv.SupervisionSettingsOut) -> None:
        if settings.site_id != self.site_id:
            return  # the answer for the site shown before
        self.current = settings
        first: dict[int, sv.OpeningPeriodBody] = {}
        for period in settings.opening_hours:
            first.setdefault(period.weekday, period)
        for day in range(7):
            found = first.get(day)
            self.open_boxes[day].setChecked(found is not None)
            self.opens[day].setEnabled(found is not None)
            self.closes[day].setEnabled(found is not None)
            if found is not None:
                self.opens[day].setTime(_time(found.opens))
                self.closes[day].setTime(_time(found.closes))
        mode = "none"
        if settings.test_every_days is not None:
            mode = "every_days"
            self.days.setValue(settings.test_every_days)
        elif settings.test_weekday is not None:
            mode = "weekly"
            self.weekday.setCurrentIndex(settings.test_weekday)
        self.mode.setCurrentIndex(self.MODES.index(mode))
        self.zone.setText(fill(self.tr("Times in %1."), settings.timezone))
        if settings.default:
            self.status.setText(self.tr("Not set yet: the defaults apply (weekdays 08:00–17:00)."))
        elif settings.updated_at is not None:
            self.status.setText(
                fill(
                    self.tr("Last changed by %1 on %2."),
                    settings.updated_by or "?",
                    settings.updated_at.astimezone().strftime("%d-%m-%Y %H:%M"),
                )
            )

    def body(self) -> sv.SupervisionSettingsIn:
        hours = [
            sv.OpeningPeriodBody(
                weekday=day,
                opens=_text(self.opens[day].time()),
                closes=_text(self.closes[day].time(), closing=True),
            )
            for day in range(7)
            if self.open_boxes[day].isChecked()
        ]
        mode = self.mode.currentData()
        return sv.SupervisionSettingsIn(
            timezone=self.current.timezone if self.current else "Europe/Amsterdam",
            opening_hours=hours,
            test_every_days=self.days.value() if mode == "every_days" else None,
            test_weekday=int(self.weekday.currentData()) if mode == "weekly" else None,
        )

    def save(self) -> None:
        self.status.setText(self.tr("Saving…"))
        self.service.save(self.site_id, self.body())

    def _saved(self, settings: sv.SupervisionSettingsOut) -> None:
        self.show_settings(settings)
        self.status.setText(self.tr("Saved."))

    def _failed(self, message: str) -> None:
        self.status.setText(message)

    def _mode_changed(self) -> None:
        mode = self.mode.currentData()
        self.days.setEnabled(mode == "every_days")
        self.weekday.setEnabled(mode == "weekly")
