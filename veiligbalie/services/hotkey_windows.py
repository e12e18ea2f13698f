"""Windows global key: ``RegisterHotKey`` for the thread's message queue and a native event
filter that picks out our ``WM_HOTKEY`` among the messages Qt dispatches."""

from __future__ import annotations

import ctypes
import itertools
import logging
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray, QCoreApplication, Qt

from veiligbalie.services.hotkey_base import ALT, CTRL, META, SHIFT, Chord

log = logging.getLogger(__name__)

WM_HOTKEY = 0x0312
MOD_ALT, MOD_CONTROL, MOD_SHIFT, MOD_WIN, MOD_NOREPEAT = 0x1, 0x2, 0x4, 0x8, 0x4000
MODIFIER_FLAGS = {ALT: MOD_ALT, CTRL: MOD_CONTROL, SHIFT: MOD_SHIFT, META: MOD_WIN}
_ids = itertools.count(0xB000)  # application hotkey ids live in 0x0000..0xBFFF

_NAMED_KEYS = {
    Qt.Key.Key_Pause: 0x13,
    Qt.Key.Key_ScrollLock: 0x91,
    Qt.Key.Key_Print: 0x2C,
    Qt.Key.Key_Insert: 0x2D,
    Qt.Key.Key_Delete: 0x2E,
    Qt.Key.Key_Home: 0x24,
    Qt.Key.Key_End: 0x23,
    Qt.Key.Key_PageUp: 0x21,
    Qt.Key.Key_PageDown: 0x22,
    Qt.Key.Key_Left: 0x25,
    Qt.Key.Key_Up: 0x26,
    Qt.Key.Key_Right: 0x27,
    Qt.Key.Key_Down: 0x28,
    Qt.Key.Key_Space: 0x20,
    Qt.Key.Key_Escape: 0x1B,
    Qt.Key.Key_Return: 0x0D,
    Qt.Key.Key_Enter: 0x0D,
    Qt.Key.Key_Tab: 0x09,
    Qt.Key.Key_Backspace: 0x08,
}


def virtual_key(key: Qt.Key) -> int:
    """The Windows virtual-key code of a Qt key (F1..F24, letters, digits, named keys)."""
    value = key.value
    if Qt.Key.Key_F1.value <= value <= Qt.Key.Key_F24.value:
        return 0x70 + (value - Qt.Key.Key_F1.value)
    if Qt.Key.Key_A.value <= value <= Qt.Key.Key_Z.value or (
        Qt.Key.Key_0.value <= value <= Qt.Key.Key_9.value
    ):
        return value  # VK codes of letters and digits are their ASCII upper-case codes
    if key in _NAMED_KEYS:
        return _NAMED_KEYS[key]
    raise ValueError(f"the key {key.name} cannot be used as a global hotkey")


def modifier_flags(modifiers: frozenset[str]) -> int:
    flags = MOD_NOREPEAT  # holding the key down raises one alarm, not dozens
    for name in modifiers:
        flags |= MODIFIER_FLAGS[name]
    return flags


class _Filter(QAbstractNativeEventFilter):
    def __init__(self, owner: WindowsHotkey) -> None:
        super().__init__()
        self._owner = owner

    def nativeEventFilter(  # noqa: N802 - Qt override
        self, event_type: QByteArray | bytes | bytearray | memoryview, message: int
    ) -> object:
        # ``message`` is a shiboken VoidPtr of size 0, which is falsy: test its address.
        address = int(message)
        kind = bytes(event_type)  # type: ignore[arg-type]  # PySide6 stubs lack QByteArray's buffer protocol
        if address and kind == b"windows_generic_MSG":
            return self._owner.handle(address), 0
        return False, 0


class WindowsHotkey:
    """A registered hotkey; :meth:`close` unregisters it."""

    # Declared here: mypy on other platforms stops reading __init__ at the win32 check.
    _wintypes: Any  # the ctypes.wintypes module
    _user32: Any  # ctypes.WinDLL("user32")
    _on_press: Callable[[], None]
    _id: int | None
    _filter: _Filter | None

    def __init__(self, chord: Chord, on_press: Callable[[], None]) -> None:
        if sys.platform != "win32":
            raise OSError("not running on Windows")
        from ctypes import wintypes

        self._wintypes = wintypes
        self._user32 = ctypes.WinDLL("user32", use_last_error=True)
        self._user32.RegisterHotKey.argtypes = [
            wintypes.HWND,
            ctypes.c_int,
            wintypes.UINT,
            wintypes.UINT,
        ]
        self._user32.RegisterHotKey.restype = wintypes.BOOL
        self._user32.UnregisterHotKey.argtypes = [wintypes.HWND, ctypes.c_int]
        self._on_press = on_press
        self._id = next(_ids)
        # A NULL window: WM_HOTKEY is posted to this (the GUI) thread's queue.
        if not self._user32.RegisterHotKey(
            None, self._id, modifier_flags(chord.modifiers), virtual_key(chord.key)
        ):
            error = ctypes.get_last_error()
            raise OSError(f"another program holds this key (Windows error {error})")
        self._filter = _Filter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.installNativeEventFilter(self._filter)

    def handle(self, address: int) -> bool:
        msg = self._wintypes.MSG.from_address(address)
        if msg.message == WM_HOTKEY and msg.wParam == self._id:
            log.info("Global alarm key pressed")
            self._on_press()
            return True
        return False

    def close(self) -> None:
        if self._id is not None:
            self._user32.UnregisterHotKey(None, self._id)
            self._id = None
        app = QCoreApplication.instance()
        if self._filter is not None and app is not None:
            app.removeNativeEventFilter(self._filter)
            self._filter = None
