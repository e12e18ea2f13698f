"""How Instellingen shows a setting that IT locked in the system-wide presets file: the
control read-only, and a line saying the organisation set it (veiligbalie.settings)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QWidget

from veiligbalie.settings import Setting


def locked_text() -> str:
    return QCoreApplication.translate(
        "Presets", "Set by your organisation; ask your IT department to change it."
    )


def preset_note(parent: QWidget, object_name: str) -> QLabel:
    """The line shown under a locked control (hidden while the setting is the user's)."""
    note = QLabel(locked_text(), parent)
    note.setObjectName(object_name)
    note.setAccessibleName(locked_text())
    note.setWordWrap(True)
    note.setStyleSheet("color: palette(placeholder-text); font-style: italic;")
    note.setVisible(False)
    return note


def show_lock(setting: Setting[Any], controls: Iterable[QWidget], note: QLabel | None) -> bool:
    """Read-only (a text field) or disabled (anything else) while ``setting`` is locked;
    returns whether it is."""
    locked = setting.locked
    for control in controls:
        if isinstance(control, QLineEdit):
            control.setReadOnly(locked)
            # Read-only should look it: the window's colour instead of a field's white.
            control.setStyleSheet("QLineEdit { background: palette(window); }" if locked else "")
        elif isinstance(control, QAbstractButton | QComboBox | QWidget):
            control.setEnabled(not locked)
        control.setToolTip(locked_text() if locked else "")
    if note is not None:
        note.setVisible(locked)
    return locked
