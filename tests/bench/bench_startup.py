"""Startup: process start to the main window shown (offscreen), beside a bare PySide6 window
measured in the same run. Target: the client is ready in at most 2x the bare window's time."""

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


def time_to_ready(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{command[:3]} never reported READY")
    proc.wait(timeout=30)
    return elapsed * 1000


def main() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VEILIGBALIE_STARTUP_PROBE="1")
    with tempfile.TemporaryDirectory() as tmp:
        client = [sys.executable, "-m", "veiligbalie.app", "--data-dir", tmp, "--lang", "nl"]
        bare = [sys.executable, "-c", BARE]
        first_run = time_to_ready(client, env)  # creates and migrates the database
        time_to_ready(bare, env)  # warm the file cache for both alike
        clients, bares = [], []
        for _ in range(RUNS):
            bares.append(time_to_ready(bare, env))
            clients.append(time_to_ready(client, env))
    client_ms = statistics.median(clients)
    bare_ms = statistics.median(bares)
    print(
        json.dumps(
            {
                "bench": "startup",
                "runs": RUNS,
                "client_median_ms": round(client_ms, 1),
                "bare_window_median_ms": round(bare_ms, 1),
                "ratio": round(client_ms / bare_ms, 2),
                "target_ratio": 2.0,
                "first_run_ms": round(first_run, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
