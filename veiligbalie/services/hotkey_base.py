"""What the global alarm key and its platform backends share: the key combination as a
platform-neutral :class:`Chord`, its parsing and checks, and the shape of a backend. The
backends (hotkey_x11, hotkey_windows) import this module, never hotkey.py, so the two
never import each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

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
    combination = sequence[0]  # type: ignore[index]  # PySide6 stubs lack QKeySequence.__getitem__ (operator[])
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


class HotkeyBackend(Protocol):
    """A platform's active grab of one key; :meth:`close` releases it."""

    def close(self) -> None: ...
