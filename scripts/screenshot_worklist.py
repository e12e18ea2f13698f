"""Screenshots of Opvolging with realistic Dutch data, offscreen, at 1366x768:

    .venv/bin/python scripts/screenshot_worklist.py [output folder, default /tmp]

writes shot-worklist.png (open, due soon, overdue, done and alarm items) and
shot-followup-dialog.png (ticking off a response to the perpetrator with the person's
earlier incidents in view). Texts still pending in i18n/pending/*.json are shown in Dutch too.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["TZ"] = "Europe/Amsterdam"  # times as the office reads them
time.tzset()
os.environ["VEILIGBALIE_DATA_DIR"] = tempfile.mkdtemp()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QTranslator  # noqa: E402
from PySide6.QtWidgets import QApplication, QComboBox  # noqa: E402

from veiligbalie import paths  # noqa: E402
from veiligbalie.app import install_translations  # noqa: E402
from veiligbalie.core.followup import task_id_for  # noqa: E402
from veiligbalie.core.incident import Incident  # noqa: E402
from veiligbalie.core.vocabulary import (  # noqa: E402
    AlarmKind,
    AlarmState,
    AlarmType,
    Category,
    Channel,
    FollowUpKind,
)
from veiligbalie.services.followup import FollowUpService  # noqa: E402
from veiligbalie.services.incidents import IncidentService  # noqa: E402
from veiligbalie.store.alarms import AlarmRepository  # noqa: E402
from veiligbalie.store.database import Database  # noqa: E402
from veiligbalie.ui.worklist import WorklistView  # noqa: E402


class Pending(QTranslator):
    """The branch's pending Dutch texts, until the lead folds them into the .ts."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.table: dict = {}
        for path in sorted(folder.glob("*.json")) if folder.exists() else []:
            for context, entries in json.loads(path.read_text(encoding="utf-8")).items():
                self.table.setdefault(context, {}).update(entries)

    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: ANN001
        value = self.table.get(context, {}).get(source)
        if isinstance(value, list):
            value = value[0 if n == 1 else 1]
        return value.replace("%n", str(n)) if value and n >= 0 else value

    def isEmpty(self) -> bool:  # noqa: N802
        return False


app = QApplication([])
paths.set_data_dir(None)
install_translations(app, "nl")
pending = Pending(Path("i18n/pending"))
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp")
app.installTranslator(pending)

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
db = Database.open()
incidents = IncidentService(db)
clock = lambda: NOW  # noqa: E731
service = FollowUpService(db, incidents, now=clock, user_name=lambda: "Els Bakker")


def report(days_ago: float, **kw):
    at = NOW - timedelta(days=days_ago)
    values = dict(
        description="Bezoeker werd boos over de afwijzing en dreigde.",
        categories=frozenset({Category.VERBAL_AGGRESSION}),
        occurred_at=at,
        created_at=at + timedelta(minutes=25),
        location="Publiekshal, balie 2",
        reporter="Sanne de Vries",
    )
    values.update(kw)
    return incidents.save(Incident(**values))


earlier = report(
    48,
    categories=frozenset({Category.THREAT}),
    perpetrator_known=True,
    perpetrator_reference="KL-4471",
    location="Stadswinkel Noord",
)
old = report(
    22,
    categories=frozenset({Category.PROPERTY_DAMAGE}),
    damage=True,
    damage_amount_cents=48_500,
    location="Spreekkamer 4",
)
phone = report(
    12,
    categories=frozenset({Category.THREAT}),
    channel=Channel.PHONE,
    location="Klantcontactcentrum",
    reporter="Ahmed Yilmaz",
)
violent = report(
    2.1,
    categories=frozenset({Category.PHYSICAL_VIOLENCE}),
    perpetrator_known=True,
    perpetrator_reference="KL-4471",
    location="Stadswinkel Noord",
    reporter="Fatima el Amrani",
)
today = report(0.15, location="Balie 3, Stadskantoor", reporter="Joris Smit")


def done(incident, kind, days_ago, note, details=None):
    service.complete(
        task_id_for(incident.id, kind), NOW - timedelta(days=days_ago), note, details or {}
    )


for k, d, n, det in (
    (FollowUpKind.PERPETRATOR_RESPONSE, 47.5, "Brief verstuurd", {"measure": "warning_letter"}),
    (FollowUpKind.POLICE_REPORT, 47, "Aangifte gedaan", {"report_number": "PL0900-2026104411"}),
    (FollowUpKind.AFTERCARE_TALK, 46, "Gesprek met Sanne", {"with_whom": "Sanne"}),
    (FollowUpKind.EVALUATION, 30, "Geëvalueerd in teamoverleg", {"risk": "laag"}),
):
    done(earlier, k, d, n, det)
done(
    phone,
    FollowUpKind.POLICE_REPORT,
    11,
    "Aangifte opgenomen",
    {"report_number": "PL0900-2026118230"},
)
done(phone, FollowUpKind.AFTERCARE_TALK, 10, "Gesprek gevoerd", {"with_whom": "Ahmed"})
done(
    phone,
    FollowUpKind.PERPETRATOR_RESPONSE,
    11.5,
    "Ordegesprek gepland",
    {"measure": "conduct_talk"},
)
service.assign(task_id_for(phone.id, FollowUpKind.AFTERCARE_FOLLOW_UP_2W), None, "Joost Vermeer")
service.assign(task_id_for(violent.id, FollowUpKind.AFTERCARE_TALK), None, "Els Bakker")

alarms = AlarmRepository(db)
for station, where, hours, state in (
    ("balie-2", "Publiekshal, balie 2", 5, AlarmState.RESOLVED),
    ("spreekkamer-1", "Spreekkamer 1", 26, AlarmState.CANCELLED),
):
    alarms.record_alarm(
        uuid.uuid4(),
        AlarmKind.SILENT,
        AlarmType.AGGRESSION,
        station,
        where,
        NOW - timedelta(hours=hours),
        state,
        False,
    )
service.refresh_alarms()

view = WorklistView(service)
view.resize(1366, 768)
view.set_filter("all")
view.show()
app.processEvents()
view.grab().save(str(OUT / "shot-worklist.png"))
print(view.count.text())

view.set_filter("open")
view.select_task(task_id_for(violent.id, FollowUpKind.PERPETRATOR_RESPONSE))
view.tick_off()
dialog = view.last_dialog
combo = dialog.findChild(QComboBox, "responseMeasure")
combo.setCurrentIndex(combo.findData("appointment_only"))
dialog.note.setText("Telefonisch toegelicht; volgende bezoeken alleen op afspraak")
dialog.adjustSize()
app.processEvents()
dialog.grab().save(str(OUT / "shot-followup-dialog.png"))
db.close()
