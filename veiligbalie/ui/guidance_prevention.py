"""Preventie: the team lead's self-check of a site or counter, filled in with the date; the
open points of the latest check per place stay in view. Saved locally, sent to the server."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from veiligbalie import settings
from veiligbalie.services.guidance import PREVENTION_ITEMS, GuidanceLibrary


class PreventionView(QScrollArea):
    def __init__(self, library: GuidanceLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.setObjectName("guidancePrevention")
        self.setAccessibleName(self.tr("Prevention check"))
        self.setWidgetResizable(True)
        self.texts = {
            "escape_route": self.tr("Escape route and a second exit are free"),
            "alarm_in_reach": self.tr("The alarm is within reach at every counter"),
            "counter_visible": self.tr("Colleagues can see the counter"),
            "waiting_area_calm": self.tr("The waiting area is comfortable and calm"),
            "house_rules_visible": self.tr("The house rules are visible to visitors"),
            "staff_trained": self.tr("Staff are trained and did a refresher"),
        }
        body = QWidget(self)
        column = QVBoxLayout(body)
        heading = QLabel(self.tr("Prevention check"), body)
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        column.addWidget(heading)
        form = QFormLayout()
        self.place = QLineEdit(settings.STATION_LOCATION.get(), body)
        self.place.setObjectName("preventionPlace")
        self.place.setPlaceholderText(self.tr("Site or counter, e.g. Stadskantoor balie 3"))
        form.addRow(self.tr("&Site or counter"), self.place)
        self.date = QDateEdit(body)
        self.date.setObjectName("preventionDate")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd-MM-yyyy")
        form.addRow(self.tr("&Date"), self.date)
        column.addLayout(form)
        self.boxes: dict[str, QCheckBox] = {}
        for key in PREVENTION_ITEMS:
            box = QCheckBox(self.texts[key], body)
            box.setObjectName(f"prevention_{key}")
            self.boxes[key] = box
            column.addWidget(box)
        self.notes = QPlainTextEdit(body)
        self.notes.setObjectName("preventionNotes")
        self.notes.setPlaceholderText(self.tr("Notes: what needs doing, by whom"))
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(110)
        column.addWidget(self.notes)
        self.save_button = QPushButton(self.tr("Save check"), body)
        self.save_button.setObjectName("preventionSave")
        self.save_button.clicked.connect(self.save)
        column.addWidget(self.save_button)
        self.message = QLabel(body)
        self.message.setObjectName("preventionMessage")
        self.message.setWordWrap(True)
        column.addWidget(self.message)
        open_heading = QLabel(self.tr("Open points (latest check per place)"), body)
        open_heading.setStyleSheet("font-weight: bold;")
        column.addWidget(open_heading)
        self.open_points = QLabel(body)
        self.open_points.setObjectName("preventionOpenPoints")
        self.open_points.setWordWrap(True)
        column.addWidget(self.open_points)
        column.addStretch(1)
        self.setWidget(body)
        library.prevention_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        today = self.library.clock().date()
        self.date.setDate(QDate(today.year, today.month, today.day))
        lines = []
        for check in self.library.latest_per_place():
            stamp = check.checked_on.strftime("%d-%m-%Y")
            if check.open_points:
                points = "; ".join(self.texts[key] for key in check.open_points)
                lines.append(f"{check.place} ({stamp}): {points}")
            else:
                lines.append(f"{check.place} ({stamp}): " + self.tr("nothing open"))
        self.open_points.setText("\n".join(lines) or self.tr("No check yet."))

    def save(self) -> bool:
        chosen = self.date.date()
        try:
            self.library.save_prevention_check(
                self.place.text(),
                {key: box.isChecked() for key, box in self.boxes.items()},
                self.notes.toPlainText(),
                settings.LOGGED_IN_USER.get() or settings.REPORTER_NAME.get(),
                date(chosen.year(), chosen.month(), chosen.day()),
            )
        except ValueError:
            self.message.setText(self.tr("Fill in the site or counter first."))
            self.place.setFocus()
            return False
        self.message.setText(self.tr("Saved. Open points stay listed below."))
        for box in self.boxes.values():
            box.setChecked(False)
        self.notes.clear()
        return True
