"""The house-rules poster from Hulp: the organisation's house-rules card (or the shipped one)
in big type on one A4 or A3 page, made from the buttons shown on that card only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton, QWidget

from tests.support.pdf import dutch_with_pending, page_sizes_mm, pdf_text, render_png
from veiligbalie.services.guidance import GuidanceLibrary
from veiligbalie.store.database import Database
from veiligbalie.ui import documents
from veiligbalie.ui.help_view import HelpView

ORGANISATION_CARD = """---
id: huisregels
title: Huisregels van Gemeente Ĳsselstein
situation: tijdens
order: 90
tags: [huisregels]
---
**Welkom bij de publieksbalie**
- Wij behandelen u met respect en verwachten dat ook van ú.
- Schelden, dreigen of geweld: wij doen aangifte en verhalen de schade (ook € 50 per uur).
- Filmen van medewerkers is niet toegestaan.

**Wat er gebeurt als u zich niet aan de regels houdt**
1. We beëindigen het gesprek.
2. U krijgt een waarschuwingsbrief of een toegangsverbod.
"""


@pytest.fixture
def env(qtbot: Any, qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    db = Database.open()
    library = GuidanceLibrary(db)
    made: list[str] = []
    target = {"path": tmp_path / "poster.pdf"}
    monkeypatch.setattr(documents, "ask_path", lambda *_args: str(target["path"]))
    monkeypatch.setattr(documents, "open_in_viewer", made.append)
    with dutch_with_pending(qapp):
        view = HelpView(library)
        qtbot.addWidget(view)
        view.show()
        yield db, library, view, target, made
        view.close()
        db.close()


def make(qtbot: Any, view: HelpView, size: str) -> None:
    with qtbot.waitSignal(view.documents.made, timeout=15000):
        view.findChild(QPushButton, f"guidancePoster{size}").click()


def test_the_organisations_house_rules_on_a4_and_a3(qtbot: Any, env: Any, tmp_path: Path) -> None:
    db, library, view, target, made = env
    library.store_organisation_cards([("huisregels", "nl", 3, ORGANISATION_CARD)])
    assert view.show_card("aangifte-doen")
    assert not view.findChild(QWidget, "guidancePosterBar").isVisibleTo(view)
    assert view.show_card("huisregels")
    assert view.findChild(QWidget, "guidancePosterBar").isVisibleTo(view)
    for size, expected in (("A4", (210, 297)), ("A3", (297, 420))):
        target["path"] = tmp_path / f"huisregels-{size}.pdf"
        make(qtbot, view, size)
        assert made[-1] == str(target["path"])
        assert page_sizes_mm(target["path"]) == [expected]
        text = pdf_text(target["path"])
        assert "Huisregels van Gemeente Ĳsselstein" in text
        assert "Filmen van medewerkers is niet toegestaan." in text
        assert "€ 50" in text and "beëindigen" in text
        assert render_png(target["path"], tmp_path / f"huisregels-{size}")


def test_the_shipped_card_without_its_note_to_the_organisation(qtbot: Any, env: Any) -> None:
    db, library, view, target, made = env
    assert view.show_card("huisregels")
    make(qtbot, view, "A4")
    text = pdf_text(target["path"])
    assert "We behandelen elkaar met respect" in text
    assert "standaard van VeiligBalie" not in text


def test_a_numbered_rule_keeps_room_between_its_number_and_its_text(
    qapp: Any, tmp_path: Path
) -> None:
    """On the poster "1." stood against "U krijgt…" (the number's bold width was wider than
    the list's indent): now a gap of a third of the letter size at least, on A4 and A3."""
    from pypdf import PdfReader
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from veiligbalie.reports.layout import FONT_BOLD
    from veiligbalie.reports.poster import PosterDocument, build_poster

    body = "**Wat er gebeurt**\n1. U krijgt een waarschuwing.\n2. U moet het gebouw verlaten.\n"
    for page in ("A4", "A3"):
        target = tmp_path / f"poster-{page}.pdf"
        build_poster(target, PosterDocument("Huisregels", body, "Gemeente Test", page))
        found: dict[str, tuple[float, float]] = {}

        def seen(
            text: str,
            cm: Any,
            tm: Any,
            _font: Any,
            size: float,
            found: dict[str, tuple[float, float]] = found,
        ) -> None:
            if text.strip():
                found[text.strip()] = (cm[0] * tm[4] + cm[4], size * cm[0])

        PdfReader(str(target)).pages[0].extract_text(visitor_text=seen)
        number_x, size = found["1."]
        text_x, _ = found["U krijgt een waarschuwing."]
        gap = text_x - (number_x + stringWidth("1.", FONT_BOLD, size))
        assert gap >= size / 3, (page, gap, size)
