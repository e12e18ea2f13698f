"""What the first alarm does not need stays out of start-up: building the services and the
main window imports no PDF library (reportlab, pypdf) and no keyring backend of another
platform."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

PROBE = """
import json, sys, tempfile
from veiligbalie import paths
paths.set_data_dir(tempfile.mkdtemp())
from PySide6.QtWidgets import QApplication
app = QApplication([])
from veiligbalie.services.context import AppContext
from veiligbalie.store.database import Database
from veiligbalie.ui.main_window import MainWindow
context = AppContext.open(Database.open())
window = MainWindow(context)
loaded = sorted(
    name for name in sys.modules
    if name.split(".")[0] in ("reportlab", "pypdf") or name.startswith("keyring.backends.macOS")
    or name.startswith("keyring.backends.Windows")
)
print(json.dumps(loaded))
context.close()
"""


def test_start_up_imports_no_pdf_library_nor_foreign_keyring(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env.pop("PYTHON_KEYRING_BACKEND", None)
    env["HOME"] = str(tmp_path)  # no keyring configuration file of the person running tests
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    if sys.platform.startswith("linux"):
        assert loaded == []
    else:
        assert not [name for name in loaded if name.split(".")[0] in ("reportlab", "pypdf")]
