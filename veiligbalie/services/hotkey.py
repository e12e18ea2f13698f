"""The global alarm key: raises the alarm even when another program has the focus.

X11: the key is grabbed on every screen's root window (with NumLock/CapsLock variants) and
caught in a native event filter; Windows: RegisterHotKey and WM_HOTKEY. A USB panic button
or foot pedal that types the key works through the same grab. Elsewhere (Wayland, macOS,
offscreen) there is no global key and :attr:`GlobalHotkey.status` says so plainly; the
shortcut inside the window keeps working everywhere.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence

from veiligbalie.core.text import fill

log = logging.getLogger(__name__)

CTRL, ALT, SHIFT, META = "ctrl", "alt", "shift", "meta"


@dataclass(frozen=True)
class Chord:
    """One key with its modifiers, platform neutral."""

    key: Qt.Key
    modifiers: frozenset[str]


def parse_sequence(text: str) -> Chord:
    """``"Ctrl+Alt+F12"`` -> Chord. ValueError for empty text, several chords, a modifier
    alone, or a key without any modifier except F13..F35 and Pause (rarely typed by chance)."""
    sequence = QKeySequence(text.strip())
    if sequence.isEmpty() or sequence.count() != 1:
        raise ValueError(f"{text!r} is not a single key combination")
    combination = sequence[0]
    key = combination.key()
    mods = combination.keyboardModifiers()
    if key in (Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Shift, Qt.Key.Key_Meta):
        raise ValueError(f"{text!r} has no key besides its modifiers")
    if key == Qt.Key.Key_unknown:
        raise ValueError(f"{text!r} is not a key VeiligBalie knows")
    modifiers = frozenset(
        name
        for flag, name in (
            (Qt.KeyboardModifier.ControlModifier, CTRL),
            (Qt.KeyboardModifier.AltModifier, ALT),
            (Qt.KeyboardModifier.ShiftModifier, SHIFT),
            (Qt.KeyboardModifier.MetaModifier, META),
        )
        if mods & flag
    )
    dedicated = key == Qt.Key.Key_Pause or Qt.Key.Key_F13.value <= key.value <= Qt.Key.Key_F35.value
    if not modifiers - {SHIFT} and not dedicated:
        raise ValueError(
            f"{text!r} is too easy to press by accident: add Ctrl or Alt, or use F13-F35 or Pause"
        )
    return Chord(key, modifiers)


def console_switch_key(chord: Chord) -> bool:
    """Ctrl+Alt+F1..F12: taken by the X server for switching virtual consoles."""
    return {CTRL, ALT} <= chord.modifiers and (
        Qt.Key.Key_F1.value <= chord.key.value <= Qt.Key.Key_F12.value
    )


class GlobalHotkey(QObject):
    """One global key combination. ``activated`` fires once per press."""

    activated = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend: object | None = None
        self._sequence = ""
        self._status = ""

    @property
    def sequence(self) -> str:
        return self._sequence

    @property
    def status(self) -> str:
        """A plain sentence for the alarm settings."""
        return self._status

    @property
    def active(self) -> bool:
        return self._backend is not None

    @staticmethod
    def platform_supported() -> bool:
        if sys.platform == "win32":
            return True
        app = QGuiApplication.instance()
        return app is not None and QGuiApplication.platformName() == "xcb"

    def register(self, text: str) -> bool:
        """Grab ``text`` globally (releasing the previous key). False with :attr:`status`
        when the platform cannot, the key is unknown, or another program holds it."""
        self.unregister()
        self._sequence = text
        try:
            chord = parse_sequence(text)
        except ValueError as error:
            self._status = fill(self.tr("Key not usable: %1"), str(error))
            return False
        if not self.platform_supported():
            self._status = self.tr(
                "Global hotkey not available on this platform; use the button or the "
                "key inside the window"
            )
            log.info("No global alarm key on platform %s", QGuiApplication.platformName())
            return False
        if sys.platform != "win32" and console_switch_key(chord):
            # The X server (XKB) turns Ctrl+Alt+F1..F12 into a switch to a text console and
            # never delivers it to any program: a grab would look fine and never fire.
            self._status = fill(
                self.tr(
                    "%1 switches to a text console on Linux and cannot be used; choose another "
                    "key, for example Ctrl+Shift+F12"
                ),
                text,
            )
            log.warning("Global alarm key %s is a console switch key on X11", text)
            return False
        try:
            if sys.platform == "win32":
                from veiligbalie.services.hotkey_windows import WindowsHotkey

                backend: object = WindowsHotkey(chord, self.activated.emit)
            else:
                from veiligbalie.services.hotkey_x11 import X11Hotkey

                backend = X11Hotkey(chord, self.activated.emit)
        except (OSError, ValueError) as error:
            self._status = fill(self.tr("Global hotkey %1 not registered: %2"), text, str(error))
            log.warning("Global alarm key %s not registered: %s", text, error)
            return False
        self._backend = backend
        self._status = fill(self.tr("Global hotkey %1 active in every program"), text)
        log.info("Global alarm key %s registered", text)
        return True

    def unregister(self) -> None:
        backend, self._backend = self._backend, None
        if backend is not None:
            backend.close()  # type: ignore[attr-defined]
