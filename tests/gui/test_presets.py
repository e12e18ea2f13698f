"""IT presets: the system-wide presets.ini is read before the user's own settings; a value
IT locked wins and shows read-only in Instellingen with a line saying the organisation set
it, an unlocked one is only the default the user may change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QKeySequenceEdit, QLabel, QLineEdit

from veiligbalie import settings
from veiligbalie.services.context import AppContext
from veiligbalie.store.database import Database
from veiligbalie.ui.settings_view import SettingsView

PRESETS = """\
; Written by IT for every counter (Windows paths need no escaping)
[server]
url = https://veiligbalie.gemeente.example
ca_file = C:\\ProgramData\\VeiligBalie\\org-ca.pem

[alarm]
hotkey = Ctrl+Shift+F11
sound = false

[ui]
language = en

[locked]
server_url = true
alarm_hotkey = yes
ui_language = false
"""


@pytest.fixture
def presets(no_presets: Path) -> Path:
    no_presets.write_text(PRESETS, encoding="utf-8")
    return no_presets


@pytest.fixture
def view(qtbot: Any, presets: Path) -> Iterator[SettingsView]:
    context = AppContext.open(Database.open())
    widget = SettingsView(context)
    qtbot.addWidget(widget)
    widget.resize(1100, 900)
    widget.show()
    widget.refresh()
    yield widget
    context.close()


def test_presets_are_defaults_and_locked_ones_win(presets: Path) -> None:
    assert settings.SERVER_URL.get() == "https://veiligbalie.gemeente.example"
    assert settings.SERVER_CA_FILE.get() == "C:\\ProgramData\\VeiligBalie\\org-ca.pem"
    assert settings.ALARM_SOUND.get() is False
    assert settings.SERVER_URL.locked and settings.ALARM_HOTKEY.locked
    assert not settings.LANGUAGE.locked and not settings.ALARM_SOUND.locked

    # The user's own value beats an unlocked preset; resetting falls back to the preset.
    settings.ALARM_SOUND.set(True)
    assert settings.ALARM_SOUND.get() is True
    settings.ALARM_SOUND.reset()
    assert settings.ALARM_SOUND.get() is False

    # A locked preset beats a value the user had before IT locked it, and is not changed.
    settings.store().setValue("server/url", "https://elsewhere.example")
    assert settings.SERVER_URL.get() == "https://veiligbalie.gemeente.example"
    settings.SERVER_URL.set("https://mine.example")
    assert settings.SERVER_URL.get() == "https://veiligbalie.gemeente.example"

    # IT unlocks it: the user's stored value counts again.
    presets.write_text(PRESETS.replace("server_url = true", "server_url = false"), "utf-8")
    assert settings.SERVER_URL.get() == "https://elsewhere.example"


def test_a_broken_presets_file_is_ignored(no_presets: Path) -> None:
    no_presets.write_text("this is not [an ini file\n", encoding="utf-8")
    assert settings.SERVER_URL.get() == ""
    assert not settings.SERVER_URL.locked


def test_locked_server_url_shows_read_only_with_the_organisations_line(
    view: SettingsView,
) -> None:
    url = view.findChild(QLineEdit, "serverUrl")
    assert url.isReadOnly()
    assert url.text() == "https://veiligbalie.gemeente.example"
    note = view.findChild(QLabel, "serverUrlPreset")
    assert note.isVisible() and "organisation" in note.text()
    hotkey = view.findChild(QKeySequenceEdit, "alarmHotkeyEdit")
    assert not hotkey.isEnabled()
    assert hotkey.keySequence().toString() == "Ctrl+Shift+F11"
    assert view.findChild(QLabel, "alarmHotkeyPreset").isVisible()
    view.grab().save("/tmp/pkg-client-presets.png")


def test_unlocked_preset_is_a_default_the_user_changes(view: SettingsView, qtbot: Any) -> None:
    language = view.findChild(QComboBox, "language")
    sound = view.findChild(QCheckBox, "alarmSound")
    assert language.isEnabled() and language.currentData() == "en"
    assert sound.isEnabled() and not sound.isChecked()
    assert not view.findChild(QLabel, "languagePreset").isVisible()
    assert not view.findChild(QLabel, "alarmSoundPreset").isVisible()
    ca = view.findChild(QLineEdit, "caFile")
    assert not ca.isReadOnly()

    language.setCurrentIndex(language.findData("nl"))
    sound.setChecked(True)
    view.save()
    assert settings.LANGUAGE.get() == "nl"
    assert settings.ALARM_SOUND.get() is True
    assert language.currentData() == "nl" and sound.isChecked()
