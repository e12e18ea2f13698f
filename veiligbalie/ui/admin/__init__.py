"""Beheer: the administrator's area. A list of sections on the left and one page per section
(Werkplekken, Mensen, Alarmering, Organisatie, Privacy), each a module of this package that
exposes one QWidget class built as ``Cls(context, parent)``. The main window imports this
package only when Beheer is first shown, so none of it is on the start-up path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from veiligbalie.ui.admin.alarm_setup import AlarmSetupPage
from veiligbalie.ui.admin.organisation import OrganisationPage
from veiligbalie.ui.admin.people import PeoplePage
from veiligbalie.ui.admin.privacy import PrivacyPage
from veiligbalie.ui.admin.workstations import WorkstationsPage

if TYPE_CHECKING:
    from veiligbalie.services.context import AppContext

log = logging.getLogger(__name__)


def _title(text: str) -> str:
    return QCoreApplication.translate("AdminView", text)


#: (key, page class, English title) in the order the section list shows them.
SECTIONS: tuple[tuple[str, Callable[..., QWidget], str], ...] = (
    ("workstations", WorkstationsPage, "Workstations"),
    ("people", PeoplePage, "People"),
    ("alarm", AlarmSetupPage, "Alarm set-up"),
    ("organisation", OrganisationPage, "Organisation"),
    ("privacy", PrivacyPage, "Privacy"),
)
# For lupdate: the section titles as they are translated (context AdminView).
_TITLES = (
    QCoreApplication.translate("AdminView", "Workstations"),
    QCoreApplication.translate("AdminView", "People"),
    QCoreApplication.translate("AdminView", "Alarm set-up"),
    QCoreApplication.translate("AdminView", "Organisation"),
    QCoreApplication.translate("AdminView", "Privacy"),
)


class AdminView(QWidget):
    """*Beheer* (objectName ``adminView``): section list ``adminSections`` and a stacked page
    per section (objectName ``adminPage_<key>``)."""

    section_changed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("adminView")
        self.setAccessibleName(self.tr("Administration"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)

        left = QVBoxLayout()
        heading = QLabel(self.tr("Administration"), self)
        heading.setObjectName("adminHeading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        left.addWidget(heading)
        self.sections = QListWidget(self)
        self.sections.setObjectName("adminSections")
        self.sections.setAccessibleName(self.tr("Administration sections"))
        self.sections.setFixedWidth(180)
        # Room to aim at: the sections are the area's navigation, not a dense list.
        self.sections.setStyleSheet("QListWidget#adminSections::item { padding: 6px 8px; }")
        left.addWidget(self.sections, 1)
        row.addLayout(left)

        self.stack = QStackedWidget(self)
        self.stack.setObjectName("adminStack")
        row.addWidget(self.stack, 1)

        self.pages: dict[str, QWidget] = {}
        for key, page_class, title in SECTIONS:
            page = page_class(context, self.stack)
            if not page.objectName():
                page.setObjectName(f"adminPage_{key}")
            self.pages[key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(_title(title), self.sections)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, _title(title))
        self.sections.currentRowChanged.connect(self._on_row)
        if self.sections.count():
            self.sections.setCurrentRow(0)

    def keys(self) -> list[str]:
        """The sections shown, in order."""
        return list(self.pages)

    def show_section(self, key: str) -> None:
        for row in range(self.sections.count()):
            if self.sections.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.sections.setCurrentRow(row)
                return
        raise KeyError(key)

    def current_section(self) -> str:
        item = self.sections.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def _on_row(self, row: int) -> None:
        if row < 0:
            return
        key = str(self.sections.item(row).data(Qt.ItemDataRole.UserRole))
        page = self.pages[key]
        self.stack.setCurrentWidget(page)
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            refresh()
        self.section_changed.emit(key)

    def refresh(self) -> None:
        """The area is shown again: the current section asks the server anew."""
        page = self.stack.currentWidget()
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            refresh()
