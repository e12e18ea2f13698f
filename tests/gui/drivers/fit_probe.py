"""Open the main window on a 1366x768 screen with a 40-pixel taskbar at one display scaling
(``QT_SCALE_FACTOR``), show every area and print, as JSON, what does not fit.

    python tests/gui/drivers/fit_probe.py 1.5 [--shots DIR]

Run in a process of its own: the scale factor and the screen are fixed when Qt starts. The
offscreen platform gets the screen from a config file, so no display is needed.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

SCREEN = (1366, 768)
TASKBAR = 40


def offscreen_platform(folder: Path) -> str:
    """The QT_QPA_PLATFORM value for an offscreen screen of SCREEN pixels at 96 dpi."""
    config = folder / "screen.json"
    width, height = SCREEN
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "counter",
                        "x": 0,
                        "y": 0,
                        "width": width,
                        "height": height,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        )
    )
    return f"offscreen:configfile={config}"


def problems_in(window, area: str) -> list[str]:  # noqa: ANN001
    """Visible controls of the shown area (and the shell) that are cut off: outside the
    window, outside the content they scroll with, or squeezed below what their text needs."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QLabel, QWidget

    found = []
    window_rect = QRect(0, 0, window.width(), window.height())
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow():
            continue
        # The box it must stay inside: the content of the nearest scroll area it scrolls
        # with (it may be scrolled out of view, never clipped), else the window.
        clip_owner, clip, canvas = None, window_rect, False
        parent = widget.parentWidget()
        while parent is not None and parent is not window:
            holder = parent.parentWidget()
            if isinstance(holder, QAbstractScrollArea) and parent is holder.viewport():
                inner = getattr(holder, "widget", lambda: None)()
                canvas = inner is widget  # the scrolled canvas itself may be any size
                clip_owner = inner
                break
            parent = parent.parentWidget()
        if canvas:
            continue
        if clip_owner is not None:
            if not clip_owner.isAncestorOf(widget):
                continue  # drawn by the view itself (item views' editors and the like)
            clip = QRect(0, 0, clip_owner.width(), clip_owner.height())
            top_left = widget.mapTo(clip_owner, widget.rect().topLeft())
        else:
            top_left = widget.mapTo(window, widget.rect().topLeft())
        rect = QRect(top_left, widget.size())
        name = widget.objectName() or type(widget).__name__
        text = getattr(widget, "text", None)
        if callable(text) and isinstance(text(), str) and text():
            name += f" {text()[:40]!r}"
        if not clip.adjusted(-1, -1, 1, 1).contains(rect):
            found.append(f"{area}: {name} at {rect.getRect()} outside {clip.getRect()}")
            continue
        if isinstance(widget, QLabel) and widget.wordWrap() and widget.text():
            if widget.height() + 1 < widget.heightForWidth(widget.width()):
                found.append(f"{area}: {name} cut off at the bottom")
        elif isinstance(widget, QLabel | QAbstractButton) and widget.text():
            hint = widget.minimumSizeHint()
            if widget.width() + 1 < hint.width() or widget.height() + 1 < hint.height():
                found.append(
                    f"{area}: {name} {widget.width()}x{widget.height()} "
                    f"< {hint.width()}x{hint.height()}"
                )
    return found


def main(argv: list[str]) -> int:
    scale = float(argv[0])
    shots = Path(argv[argv.index("--shots") + 1]) if "--shots" in argv else None
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["QT_QPA_PLATFORM"] = offscreen_platform(Path(tmp))
        os.environ["QT_SCALE_FACTOR"] = str(scale)
        os.environ["VEILIGBALIE_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
        import keyring
        from PySide6.QtCore import QRect
        from PySide6.QtWidgets import QApplication, QScrollArea

        from veiligbalie.app import install_translations
        from veiligbalie.secrets import MemoryKeyring
        from veiligbalie.services.context import AppContext
        from veiligbalie.store.database import Database
        from veiligbalie.ui.main_window import MainWindow

        keyring.set_keyring(MemoryKeyring())
        app = QApplication([])
        translators = install_translations(app, "nl")
        # What is free on a 1366x768 screen with a taskbar, in this scaling's pixels. The
        # offscreen screen has no taskbar, so the window is told the free area directly.
        free = QRect(0, 0, int(SCREEN[0] / scale), int((SCREEN[1] - TASKBAR) / scale))
        MainWindow._available = lambda _self: QRect(free)  # type: ignore[method-assign]
        context = AppContext.open(Database.open())
        window = MainWindow(context)
        window.show()
        app.processEvents()
        report: dict[str, object] = {
            "scale": scale,
            "free": [free.width(), free.height()],
            "default": [window.width(), window.height()],
            "frame": [window.frameGeometry().width(), window.frameGeometry().height()],
            "fits": window.frameGeometry().width() <= free.width()
            and window.frameGeometry().height() <= free.height(),
            "problems": [],
            "horizontal_scroll": [],
        }
        problems: list[str] = []
        for area in window.visible_areas():
            window.show_area(area)
            for _ in range(3):
                app.processEvents()
            problems += problems_in(window, area)
            holder = window.findChild(QScrollArea, f"area_{area}")
            if holder is not None and holder.horizontalScrollBar().isVisible():
                report["horizontal_scroll"].append(area)  # type: ignore[union-attr]
            if shots is not None:
                shots.mkdir(parents=True, exist_ok=True)
                window.grab().save(str(shots / f"fit-{int(scale * 100)}-{area}.png"))
        report["problems"] = problems
        report["alarm_button_visible"] = window.alarm_button.isVisible()
        print(json.dumps(report))
        window.quit()
        context.close()
        del translators
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
