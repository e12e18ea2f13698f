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

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

from veiligbalie.core.text import fill
from veiligbalie.services.hotkey_base import (
    ALT,
    CTRL,
    META,
    SHIFT,
    Chord,
    HotkeyBackend,
    console_switch_key,
    parse_sequence,
)

log = logging.getLogger(__name__)

# The key's parsing is re-exported: the settings page checks a key before it is grabbed.
__all__ = [
    "ALT",
    "CTRL",
    "META",
    "SHIFT",
    "Chord",
    "GlobalHotkey",
    "console_switch_key",
    "parse_sequence",
]


class GlobalHotkey(QObject):
    """One global key combination. ``activated`` fires once per press."""

    activated = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend: HotkeyBackend | None = None
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

                backend: HotkeyBackend = WindowsHotkey(chord, self.activated.emit)
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
            backend.close()
