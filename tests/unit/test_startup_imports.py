"""What the first alarm does not need stays out of start-up: building the services and the
main window imports no PDF library (reportlab, pypdf) and no keyring backend of another
platform."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from tests.support.processes import python_json

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
    loaded = python_json(PROBE, env=env)
    if sys.platform.startswith("linux"):
        assert loaded == []
    else:
        assert not [name for name in loaded if name.split(".")[0] in ("reportlab", "pypdf")]


#: Imported only when an area is first visited, or on the turn after the alarm path is live.
AREA_MODULES = (
    "veiligbalie.ui.incident_form",
    "veiligbalie.ui.my_reports",
    "veiligbalie.ui.help_view",
    "veiligbalie.ui.log_view",
    "veiligbalie.ui.overview",
    "veiligbalie.ui.settings_view",
    "veiligbalie.ui.worklist",
    "veiligbalie.ui.followup_dialogs",
    "veiligbalie.ui.incident_detail",
    "veiligbalie.ui.admin",
    "veiligbalie.ui.supervision",
    "veiligbalie.ui.guidance_beside",
)
#: Services the first alarm does not need: built by AppContext.complete (the evidence
#: service's module stays: the sync engine clears its cache).
LATER_SERVICES = (
    "veiligbalie.services.followup",
    "veiligbalie.services.guidance",
    "veiligbalie.services.letterhead",
    "veiligbalie.services.dossier",
)

STAGES = """
import json, sys, tempfile
from veiligbalie import paths
paths.set_data_dir(tempfile.mkdtemp())
from PySide6.QtWidgets import QApplication
app = QApplication([])
watched = json.loads(sys.argv[1])

def loaded():
    return sorted(n for n in watched if n in sys.modules)

from veiligbalie.ui.main_window import MainWindow
window = MainWindow()
window.show()
app.processEvents()
shown = loaded()
from veiligbalie.app import open_services
context = open_services(app)
window.attach(context)
ready = loaded()
orm = "sqlalchemy.orm" in sys.modules
app.processEvents()
print(json.dumps({"shown": shown, "ready": ready, "orm": orm, "next": loaded(),
                  "completed": context.completed}))
context.close()
"""


def test_start_up_builds_no_area_and_no_later_service_before_the_alarm_path(
    tmp_path: Path,
) -> None:
    """As app.py starts: at SHOWN no service, no SQL or wire-model library, no keyring,
    not the follow-up rules; at READY (alarm path live) no area's UI module,
    none of the services the alarm does not need and no SQLAlchemy ORM; on the next turn
    the services are complete and only the area on screen (the form) is imported."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env["HOME"] = str(tmp_path)
    before_shown = ["sqlalchemy", "pydantic", "keyring", "veiligbalie.core.followup"]
    log_reads = "veiligbalie.services.log"  # the Logboek's reads: with the first area using them
    watched = [
        *AREA_MODULES,
        *LATER_SERVICES,
        "veiligbalie.services.context",
        log_reads,
        *before_shown,
    ]
    stages = python_json(STAGES, json.dumps(watched), env=env)
    assert stages["shown"] == []
    ready = set(stages["ready"]) - set(before_shown)
    assert ready == {"veiligbalie.services.context"}
    assert stages["orm"] is False
    assert stages["completed"] is True
    after = set(stages["next"])
    assert set(LATER_SERVICES) <= after
    assert after & set(AREA_MODULES) == {"veiligbalie.ui.incident_form"}
