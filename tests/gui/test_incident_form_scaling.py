"""The incident form at 200% font: text wraps or flows instead of being clipped, and the
form scrolls vertically instead of growing off screen. Also checks the Dutch mnemonics."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from tests.gui.drivers.incident_support import mnemonic, open_service, show_form
from tests.gui.drivers.shot_form import ROOT, install_dutch


@pytest.fixture
def big_font(qapp):
    original = qapp.font()
    font = qapp.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    qapp.setFont(font)
    yield
    qapp.setFont(original)


def _clipped(form: QWidget) -> list[str]:
    problems = []
    for widget in form.findChildren(QWidget):
        if not widget.isVisibleTo(form) or not isinstance(widget, QLabel | QAbstractButton):
            continue
        size = widget.size()
        if isinstance(widget, QLabel) and widget.wordWrap():
            if size.height() + 1 < widget.heightForWidth(size.width()):
                problems.append(f"{widget.objectName() or widget.text()!r}: cut off at the bottom")
            continue
        hint = widget.sizeHint()
        if size.width() + 1 < hint.width() or size.height() + 1 < hint.height():
            name = widget.objectName() or getattr(widget, "text", lambda: "")()
            problems.append(
                f"{name!r}: {size.width()}x{size.height()} < {hint.width()}x{hint.height()}"
            )
    return problems


def _settle(qtbot, form: QWidget) -> None:
    """Wait for the opened sections to be laid out, then require nothing clipped."""
    try:
        qtbot.waitUntil(lambda: not _clipped(form), timeout=3000)
    except AssertionError:
        pytest.fail(f"clipped at this font size: {_clipped(form)}")


def test_form_at_200_percent_font_clips_nothing(qtbot, big_font):
    with open_service() as (_db, service):
        form = show_form(service, width=800, height=700)
        qtbot.addWidget(form)
        for section in form.sections.values():
            section.set_expanded(True)
        form.categories.set_values(["verbal_aggression", "online_abuse"])
        form.description.setPlainText("Te kort")
        assert form.save() is None  # messages visible too
        content = form.scroll_area.widget()
        viewport = form.scroll_area.viewport()
        _settle(qtbot, form)
        assert content.height() > viewport.height()
        assert content.width() <= viewport.width()  # nothing runs off to the right
        assert form.scroll_area.verticalScrollBar().maximum() > 0  # it scrolls instead
        # The row of categories flowed onto several lines.
        buttons = form.categories.buttons
        assert len({b.y() for b in buttons}) >= 3


def test_form_at_normal_font_clips_nothing(qtbot):
    with open_service() as (_db, service):
        form = show_form(service, width=640, height=700)
        qtbot.addWidget(form)
        for section in form.sections.values():
            section.set_expanded(True)
        _settle(qtbot, form)


def test_dutch_mnemonics_are_unique_and_open_sections(qtbot, qapp):
    has_dutch = (ROOT / "i18n" / "veiligbalie_nl.qm").exists() or (
        ROOT / "i18n" / "pending" / "incident.json"
    ).exists()
    if not has_dutch:
        pytest.skip("no Dutch translation built")
    translator = install_dutch(qapp)
    try:
        with open_service() as (_db, service):
            form = show_form(service)
            qtbot.addWidget(form)
            assert form.sections["people"].header.text() != "&People involved"  # it is Dutch
            texts = [
                w.text()
                for w in form.findChildren(QLabel) + form.findChildren(QAbstractButton)
                if "&" in w.text().replace("&&", "") and w.isVisibleTo(form)
            ]
            letters = [mnemonic(t) for t in texts]
            assert len(letters) == len(set(letters)), texts
    finally:
        qapp.removeTranslator(translator)
