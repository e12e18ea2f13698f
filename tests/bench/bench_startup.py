"""Startup: process start to the main window shown (offscreen), beside a bare PySide6 window
measured in the same run. Targets: shown in at most 2x the bare window's time, the services
ready in at most 3x.

Three figures for the client, each the moment the client prints its mark:
- "shown" (SHOWN): its window with the alarm button on screen; a press from then on is kept
  and raised once the services are ready.
- "ready" (READY): the services are up and the alarm path is live: the local store open
  (database migrated, the alarm's own table written to), the sync engine started, the LAN
  beacon and the server alarm stream configured, the alarm button attached to the alarm
  service (a press now is stored and sent), a colleague's alarm shows its pop-up, and the
  navigation, status line and alarm indicator are in place. The areas' widgets are not built
  yet: each is built on its first visit.
- "form" (FORM): the area on screen at start (the incident form) built and usable, on the
  turn of the event loop after READY.
The ratio reports the shown figure; ready_ratio and form_ratio are printed beside it.

Both processes run with compiled bytecode, as an installed client does (pip and the
packages write it at install time): ``PYTHONDONTWRITEBYTECODE``, which some shells and
containers set, is dropped for them and the bytecode goes to a cache folder inside the run's
temporary folder (``PYTHONPYCACHEPREFIX``), written by the untimed first run and warm-up.
Without it every start compiled the project's ~60 modules from source again (~100 ms).
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
        if word in ("SHOWN", "READY", "FORM"):
            marks[word] = (time.perf_counter() - start) * 1000
    proc.wait(timeout=30)
    if "READY" not in marks:
        raise RuntimeError(f"{command[:3]} never reported READY")
    marks.setdefault("SHOWN", marks["READY"])
    marks.setdefault("FORM", marks["READY"])
    return marks


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VEILIGBALIE_STARTUP_PROBE="1")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "bytecode")
        data = os.path.join(tmp, "data")
        client = [sys.executable, "-m", "veiligbalie.app", "--data-dir", data, "--lang", "nl"]
        bare = [sys.executable, "-c", BARE]
        first_run = time_to_marks(client, env)["READY"]  # creates and migrates the database
        time_to_marks(bare, env)  # warm the file cache for both alike
        shown, ready, form, bares = [], [], [], []
        for _ in range(RUNS):
            bares.append(time_to_marks(bare, env)["READY"])
            marks = time_to_marks(client, env)
            shown.append(marks["SHOWN"])
            ready.append(marks["READY"])
            form.append(marks["FORM"])
    client_ms = statistics.median(shown)
    ready_ms = statistics.median(ready)
    form_ms = statistics.median(form)
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
                "client_form_median_ms": round(form_ms, 1),
                "form_ratio": round(form_ms / bare_ms, 2),
                "target_ratio": 2.0,
                "target_ready_ratio": 3.0,
                "first_run_ms": round(first_run, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
