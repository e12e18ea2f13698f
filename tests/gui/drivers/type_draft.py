"""Driver for the SIGKILL draft-recovery test: opens the real service and form on the data
folder in VEILIGBALIE_DATA_DIR and types a description one character at a time while the
event loop runs, printing ``TYPED <n>`` after each character. It never exits by itself:
the test kills it."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from veiligbalie.services.incidents import IncidentService  # noqa: E402
from veiligbalie.store.database import Database  # noqa: E402
from veiligbalie.ui.incident_form import IncidentForm  # noqa: E402

TEXT = (
    "Bezoeker werd boos omdat zijn uitkering was stopgezet, schreeuwde en sloeg met zijn "
    "vuist op de balie. Daarna dreigde hij terug te komen. "
) * 4
INTERVAL_MS = 40  # about 25 characters a second: a fast typist


def main() -> int:
    app = QApplication(sys.argv[:1])
    db = Database.open()
    service = IncidentService(db)
    form = IncidentForm(service)
    form.resize(700, 800)
    form.show()
    form.start_new()
    form.categories.set_values(["verbal_aggression"])
    form.description.setFocus()
    typed = 0

    def type_one() -> None:
        nonlocal typed
        if typed >= len(TEXT):
            return
        QTest.keyClicks(form.description, TEXT[typed])
        typed += 1
        print(f"TYPED {typed}", flush=True)

    timer = QTimer()
    timer.setInterval(INTERVAL_MS)
    timer.timeout.connect(type_one)
    timer.start()
    print(f"READY {form.draft_id()}", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
