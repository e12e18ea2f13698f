"""Dutch is the first language: every source string has a finished Dutch translation."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

ROOT = Path(__file__).resolve().parents[2]


def load_i18n_script():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_dutch_file_is_complete_and_current() -> None:
    problems = load_i18n_script().problems()
    assert problems == [], "run 'python scripts/i18n.py update' and translate:\n" + "\n".join(
        problems[:40]
    )


def test_attribute_documentation_is_no_note_to_the_translator() -> None:
    """``#:`` above a tr() call documents an attribute here; lupdate would hand it to the
    translator as a note beside an unrelated text (47 such notes were in the file)."""
    ts = (ROOT / "i18n" / "veiligbalie_nl.ts").read_text(encoding="utf-8")
    assert "<extracomment>" not in ts


def test_no_pending_translations_left_unmerged() -> None:
    assert not list((ROOT / "i18n" / "pending").glob("*.json"))


def test_compiled_dutch_translations_load(qapp: QCoreApplication) -> None:
    translator = QTranslator()
    assert translator.load(str(ROOT / "i18n" / "veiligbalie_nl.qm")), "run 'make setup'"
    assert translator.translate("MainWindow", "Report") == "Melden"
    assert translator.translate("ConnectionStatus", "Local") == "Lokaal"


def test_the_board_and_beheer_say_a_never_linked_workstation_alike(qapp: QCoreApplication) -> None:
    """Toezicht's board and Beheer → Werkplekken share one text (and so one translation)
    for a workstation that was added but never linked."""
    import uuid

    from veiligbalie.services.admin_stations import StationRow
    from veiligbalie.services.supervision import BoardRow, wire
    from veiligbalie.ui.admin.workstations import state_text
    from veiligbalie.ui.supervision import StationBoard

    station = wire.BoardStation(
        workstation_id=uuid.uuid4(), name="balie-9", location="", online=False, enrolled=False
    )
    row = StationRow(
        uuid.uuid4(), uuid.uuid4(), "Stadhuis", "balie-9", "", False, False, False, None, ""
    )
    board = StationBoard()
    translator = QTranslator()
    assert translator.load(str(ROOT / "i18n" / "veiligbalie_nl.qm")), "run 'make setup'"
    assert QCoreApplication.installTranslator(translator)
    try:
        assert state_text(row) == "Wacht op koppelen"
        assert board.status_text(BoardRow(station, lan=False)) == "Wacht op koppelen"
        linked = station.model_copy(update={"enrolled": True})
        assert board.status_text(BoardRow(linked, lan=False)) == "Offline"
    finally:
        QCoreApplication.removeTranslator(translator)
        board.deleteLater()
