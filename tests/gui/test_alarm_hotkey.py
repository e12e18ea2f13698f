"""The global alarm key: parsing and platform mapping everywhere; the real X11 grab under
Xvfb with a key typed by xdotool (skipped, with the reason, where those are missing)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from veiligbalie.services.hotkey import (
    ALT,
    CTRL,
    SHIFT,
    GlobalHotkey,
    console_switch_key,
    parse_sequence,
)
from veiligbalie.services.hotkey_windows import modifier_flags, virtual_key
from veiligbalie.services.hotkey_x11 import MASK_CONTROL, MASK_MOD1, grab_masks, keysym_for

ROOT = Path(__file__).resolve().parents[2]


def test_default_key_parses_to_ctrl_alt_f12() -> None:
    chord = parse_sequence("Ctrl+Alt+F12")
    assert chord.key == Qt.Key.Key_F12 and chord.modifiers == {CTRL, ALT}
    assert parse_sequence(" ctrl+shift+p ").modifiers == {CTRL, SHIFT}


@pytest.mark.parametrize("text", ["", "A", "F12", "Shift+A", "Ctrl+K, Ctrl+L", "Ctrl+Alt"])
def test_keys_easy_to_hit_by_accident_or_unusable_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_sequence(text)


def test_dedicated_keys_need_no_modifier() -> None:
    # A USB foot pedal or panic button is typically set to send F13-F24 or Pause.
    assert parse_sequence("F13").key == Qt.Key.Key_F13
    assert parse_sequence("Pause").modifiers == frozenset()


def test_x11_keysyms_and_numlock_capslock_variants() -> None:
    assert keysym_for(Qt.Key.Key_F12) == 0xFFC9
    assert keysym_for(Qt.Key.Key_F13) == 0xFFCA
    assert keysym_for(Qt.Key.Key_P) == ord("p")
    assert keysym_for(Qt.Key.Key_Pause) == 0xFF13
    masks = grab_masks(frozenset({CTRL, ALT}))
    base = MASK_CONTROL | MASK_MOD1
    assert masks == [base, base | 2, base | 16, base | 2 | 16]
    with pytest.raises(ValueError):
        keysym_for(Qt.Key.Key_VolumeUp)


def test_console_switch_keys_are_recognised() -> None:
    assert console_switch_key(parse_sequence("Ctrl+Alt+F12"))
    assert not console_switch_key(parse_sequence("Ctrl+Shift+F12"))
    assert not console_switch_key(parse_sequence("Ctrl+Alt+F13"))


def test_windows_virtual_keys_and_flags() -> None:
    assert virtual_key(Qt.Key.Key_F12) == 0x7B
    assert virtual_key(Qt.Key.Key_A) == 0x41 and virtual_key(Qt.Key.Key_7) == 0x37
    assert modifier_flags(frozenset({CTRL, ALT})) == 0x4000 | 0x2 | 0x1


def test_offscreen_says_plainly_that_there_is_no_global_key(qapp) -> None:  # noqa: ANN001
    hotkey = GlobalHotkey()
    assert not hotkey.register("Ctrl+Alt+F12")
    assert not hotkey.active
    assert hotkey.status.startswith("Global hotkey not available on this platform")


def test_unusable_key_is_reported(qapp) -> None:  # noqa: ANN001
    hotkey = GlobalHotkey()
    assert not hotkey.register("A")
    assert hotkey.status.startswith("Key not usable")


PROBE = textwrap.dedent(
    """
    import subprocess, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from veiligbalie.services.hotkey import GlobalHotkey

    app = QApplication(["probe", "-platform", "xcb"])
    hotkey = GlobalHotkey()
    # The X server keeps Ctrl+Alt+F1..F12 for console switching: refused with the reason.
    print("CONSOLE", hotkey.register("Ctrl+Alt+F12"), hotkey.status, flush=True)
    ok = hotkey.register("Ctrl+Shift+F12")
    print("REGISTERED", ok, hotkey.status, flush=True)
    if not ok:
        sys.exit(3)
    presses = []
    hotkey.activated.connect(lambda: presses.append(1))

    def type_key(numlock):
        keys = ["key", "--clearmodifiers", "ctrl+shift+F12"]
        if numlock:
            subprocess.run(["xdotool", "key", "Num_Lock"], check=True)
        subprocess.run(["xdotool", *keys], check=True)

    QTimer.singleShot(200, lambda: type_key(False))
    QTimer.singleShot(700, lambda: type_key(True))
    QTimer.singleShot(1500, lambda: (print("PRESSES", len(presses), flush=True), app.quit()))
    app.exec()
    hotkey.unregister()
    """
)


def test_x11_grab_fires_on_a_typed_key_even_with_numlock(tmp_path: Path) -> None:
    if not shutil.which("xvfb-run") or not shutil.which("xdotool"):
        pytest.skip("needs xvfb-run and xdotool (apt-get install xvfb xdotool)")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        ["xvfb-run", "-a", sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert "CONSOLE False Ctrl+Alt+F12 switches to a text console" in result.stdout, result.stdout
    assert "REGISTERED True" in result.stdout, result.stdout + result.stderr
    assert "PRESSES 2" in result.stdout, result.stdout + result.stderr
