"""Shared set-up for the incident GUI tests and driver scripts: a real database in the data
folder, the real IncidentService and a shown IncidentForm."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from veiligbalie.services.incidents import IncidentService
from veiligbalie.store.database import Database
from veiligbalie.ui.incident_form import IncidentForm


@contextmanager
def open_service() -> Iterator[tuple[Database, IncidentService]]:
    db = Database.open()
    service = IncidentService(db)
    try:
        yield db, service
    finally:
        service.deleteLater()
        db.close()


def show_form(service: IncidentService, width: int = 760, height: int = 900) -> IncidentForm:
    form = IncidentForm(service)
    form.resize(width, height)
    form.show()
    form.activateWindow()
    form.start_new()
    return form


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """One keystroke, delivered where the keyboard focus is (as a real keyboard would)."""
    QTest.keyClick(focused(), key, modifier)


def mnemonic(text: str) -> str:
    """The Alt+letter of a label such as "Whe&re?" ("r")."""
    index = text.replace("&&", "").find("&")
    assert index >= 0, f"no mnemonic in {text!r}"
    return text.replace("&&", "")[index + 1].lower()
