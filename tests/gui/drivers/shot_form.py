"""Render the incident form and My reports to PNG files, in Dutch, to look at them:
filled in, with a validation error, after saving, at 200% font, and the list.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/gui/drivers/shot_form.py /tmp/shots

Dutch comes from i18n/veiligbalie_nl.qm when built, else from i18n/pending/incident.json.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[3]

from PySide6.QtCore import QDateTime, QLocale, QTranslator  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402


class JsonTranslator(QTranslator):
    """Dutch from the pending JSON hand-in ({context: {source: translation}})."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._table = json.loads(path.read_text(encoding="utf-8"))

    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: N802, ANN001
        return self._table.get(context, {}).get(source) or None

    def isEmpty(self) -> bool:  # noqa: N802
        return False


def install_dutch(app: QApplication) -> QTranslator:
    QLocale.setDefault(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
    qm = ROOT / "i18n" / "veiligbalie_nl.qm"
    translator: QTranslator
    if qm.exists():
        translator = QTranslator()
        translator.load(str(qm))
    else:
        translator = JsonTranslator(ROOT / "i18n" / "pending" / "incident.json")
    app.installTranslator(translator)
    return translator


def grab(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    os.environ["VEILIGBALIE_DATA_DIR"] = tempfile.mkdtemp(prefix="vb-shots-")
    app = QApplication(sys.argv[:1])
    translator = install_dutch(app)  # noqa: F841 - kept alive for the run

    from veiligbalie import settings
    from veiligbalie.services.incidents import IncidentService
    from veiligbalie.store.database import Database
    from veiligbalie.ui.incident_form import IncidentForm
    from veiligbalie.ui.my_reports import MyReportsView

    settings.STATION_NAME.set("Balie-03")
    settings.STATION_LOCATION.set("Stadskantoor, balie 3")
    settings.REPORTER_NAME.set("Sanne de Vries")
    db = Database.open()
    service = IncidentService(db)

    view = MyReportsView(service)
    view.resize(1100, 650)
    view.show()
    view.refresh()
    grab(view, out / "my_reports_empty.png")

    form = IncidentForm(service)
    form.resize(760, 1000)
    form.show()
    form.start_new()
    form.categories.set_values(["verbal_aggression", "threat"])
    form.description.setPlainText(
        "Bezoeker was het niet eens met de beslissing over zijn uitkering, begon te "
        "schreeuwen en zei dat hij wist waar ik woon."
    )
    grab(form, out / "form_filled.png")

    form.perpetrator_known.setChecked(True)
    form.damage.setChecked(True)
    form.damage_amount.setText("-40")
    form.save()
    grab(form, out / "form_error.png")
    form.perpetrator_unknown.setChecked(True)
    form.damage_amount.setText("40")
    form.aftercare_wanted.setChecked(True)
    form.sections["aftercare"].set_expanded(True)
    form.save()
    grab(form, out / "form_saved.png")

    for index, category in enumerate(["intimidation", "online_abuse"]):
        form.start_new()
        form.categories.set_values([category])
        form.description.setPlainText(f"Nog een melding ({index + 1}) voor de lijst.")
        form.save()
    first = service.my_reports()[-1]
    service.add_note(first.id, "Sanne de Vries", "Hij belde vanmiddag opnieuw en was rustiger.")
    from veiligbalie.core.vocabulary import IncidentStatus

    service.set_status(first.id, IncidentStatus.RECEIVED)
    view.refresh()
    view.select_row(view.model.rowCount() - 1)
    grab(view, out / "my_reports.png")

    # 200% font: a new form under a doubled application font, every section open.
    font = app.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    app.setFont(font)
    big = IncidentForm(service)
    big.resize(900, 1000)
    big.show()
    big.start_new()
    for section in big.sections.values():
        section.set_expanded(True)
    big.categories.set_values(["physical_violence"])
    big.other_datetime.setDateTime(QDateTime.currentDateTime())
    big.description.setPlainText("Te kort")
    big.save()
    grab(big, out / "form_200_top.png")
    content = big.scroll_area.widget()
    width = big.scroll_area.viewport().width()
    height = content.heightForWidth(width) if content.hasHeightForWidth() else -1
    content.resize(width, max(height, content.sizeHint().height()))
    grab(content, out / "form_200_full.png")
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/vb-shots")))
