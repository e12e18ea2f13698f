"""The core package stays pure: importing it loads no Qt and no SQL library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import veiligbalie.core
import veiligbalie.core.alarm, veiligbalie.core.followup, veiligbalie.core.workdays
heavy = sorted(
    m for m in sys.modules if m.split(".")[0].lower().startswith(("pyside6", "sqlalchemy"))
)
project = sorted(
    m for m in sys.modules
    if m.startswith("veiligbalie.") and not m.startswith("veiligbalie.core")
)
print(json.dumps({"heavy": heavy, "project": project}))
"""


def test_core_imports_no_qt_no_sql_and_nothing_else_of_the_project() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = json.loads(done.stdout)
    assert found["heavy"] == []
    assert found["project"] == []


def test_the_probe_would_notice_qt() -> None:
    # Guard against a probe that can never fail: with PySide6 imported it must report it.
    done = subprocess.run(
        [sys.executable, "-c", "import PySide6.QtCore\n" + PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "PySide6.QtCore" in json.loads(done.stdout)["heavy"]
