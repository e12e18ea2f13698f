"""Beheer → Organisatie and Privacy against a REAL server: an administrator signed in at a
linked counter saves the letterhead and reads it back, edits the house rules with the
reader's rendering beside the Markdown, previews a letter template on the fictitious example
and sees the server refuse one naming its field, adds a closing day that moves a police
report's deadline on this workstation, changes a retention period and sees the next purge's
numbers, and filters the audit log. An employee gets the server's refusal, not a change."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt

from tests.e2e.drivers.sync_kit import PASSWORD, admin
from tests.gui.conftest import site_server
from tests.support.server import RunningServer
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category, FollowUpKind
from veiligbalie.core.workdays import local_date
from veiligbalie.services.context import AppContext
from veiligbalie.store.database import Database
from veiligbalie.ui.admin.organisation import OrganisationPage
from veiligbalie.ui.admin.privacy import PrivacyPage

pytestmark = pytest.mark.timeout(180)

WAIT = 20_000


def png(width: int = 40, height: int = 20) -> bytes:
    """A small valid PNG (a blue block) without any image library."""
    raw = b"".join(b"\x00" + b"\x20\x40\xc0" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


class Codes:
    def __init__(self, codes: list[str]) -> None:
        self.codes = list(codes)

    def take(self) -> str:
        return self.codes.pop(0)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, Codes]]:
    users = (("mdewit", "Marieke de Wit", "employee"),)
    with site_server(tmp_path_factory, 8, users) as (running, codes):
        admin(running, "user", "create", "--username", "beheer", "--display-name",
              "Bea Beheer", "--role", "administrator", "--password", PASSWORD)  # fmt: skip
        yield running, Codes(codes)


@pytest.fixture
def signed_in(qtbot: Any, server: tuple[RunningServer, Codes]) -> Iterator[Any]:
    """``signed_in(username)``: a context of a linked counter with that person signed in."""
    running, codes = server
    opened: list[AppContext] = []

    def open_as(username: str) -> AppContext:
        context = AppContext.open(Database.open())
        opened.append(context)
        session = context.session
        assert session is not None
        with qtbot.waitSignal(session.enrol_finished, timeout=WAIT):
            session.enrol(running.base_url, codes.take())
        with qtbot.waitSignal(session.changed, timeout=WAIT):
            session.login(username, PASSWORD)
        qtbot.waitUntil(lambda: session.logged_in and session.role is not None, timeout=WAIT)
        return context

    yield open_as
    for context in opened:
        context.close()


def _page(qtbot: Any, context: AppContext) -> OrganisationPage:
    page = OrganisationPage(context)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    qtbot.waitUntil(lambda: page.letterhead.name.text() != "", timeout=WAIT)
    return page


def test_letterhead_saved_and_read_back(qtbot: Any, signed_in: Any, tmp_path: Path) -> None:
    context = signed_in("beheer")
    page = _page(qtbot, context)
    tab = page.letterhead
    logo = tmp_path / "logo.png"
    logo.write_bytes(png())
    tab.choose_file = lambda _parent: logo
    tab.name.setText("Gemeente Testdorp-Noord")
    tab.address.setPlainText("Postbus 77\n1234 AB Testdorp")
    tab.contact_name.setText("Marieke de Vries")
    tab.contact_function.setText("coördinator agressie en geweld")
    tab.contact_email.setText("geen-adres")
    qtbot.mouseClick(tab.choose_logo, Qt.MouseButton.LeftButton)
    assert tab.logo_preview.pixmap() is not None and not tab.logo_preview.pixmap().isNull()
    # A bad e-mail address: the server's message next to the contact fields.
    qtbot.mouseClick(tab.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.contact_message.isVisible(), timeout=WAIT)
    assert "has no @" in tab.contact_message.text()
    tab.contact_email.setText("veiligheid@testdorp.nl")
    qtbot.mouseClick(tab.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.save.isEnabled() and "saved" in tab.status.text(), timeout=WAIT)
    assert not tab.contact_message.isVisible()
    # Read back by a fresh page, and by the workstation's own letterhead cache.
    again = _page(qtbot, context)
    qtbot.waitUntil(lambda: again.letterhead.name.text() == "Gemeente Testdorp-Noord", timeout=WAIT)
    assert again.letterhead.address.toPlainText() == "Postbus 77\n1234 AB Testdorp"
    assert again.letterhead.contact_email.text() == "veiligheid@testdorp.nl"
    assert not again.letterhead.logo_preview.pixmap().isNull()
    organisation = context.organisation
    assert organisation is not None
    qtbot.waitUntil(
        lambda: organisation.letterhead().name == "Gemeente Testdorp-Noord", timeout=WAIT
    )
    assert organisation.letterhead().logo == logo.read_bytes()
    # A file that is not an image is refused before anything is sent.
    page.grab().save("/tmp/admin-org-letterhead.png")
    text = tmp_path / "logo.png.txt"
    text.write_text("geen plaatje")
    tab.choose_file = lambda _parent: text
    qtbot.mouseClick(tab.choose_logo, Qt.MouseButton.LeftButton)
    assert "PNG or JPEG" in tab.logo_message.text()


def test_house_rules_edited_with_a_live_preview(qtbot: Any, signed_in: Any) -> None:
    context = signed_in("beheer")
    page = _page(qtbot, context)
    page.tabs.setCurrentWidget(page.cards)
    cards = page.cards
    qtbot.waitUntil(lambda: cards.card.count() > 0, timeout=WAIT)
    qtbot.mouseClick(cards.house_rules, Qt.MouseButton.LeftButton)
    assert cards.current() is not None and cards.current().id == "huisregels"
    assert "Huisregels" in cards.preview.toPlainText()
    text = cards.editor.toPlainText().rstrip() + "\n\n**Wie scheldt, krijgt een toegangsverbod.**\n"
    cards.editor.setPlainText(text)
    # Rendered the way the guidance reader renders it: bold, no asterisks.
    assert "Wie scheldt, krijgt een toegangsverbod." in cards.preview.toPlainText()
    assert "**" not in cards.preview.toPlainText()
    assert "font-weight" in cards.preview.toHtml()
    # A broken front-matter: said next to the editor with its line, the preview kept.
    cards.editor.setPlainText(text.replace("title:", "titel:", 1))
    assert cards.message.isVisible() and "nl/huisregels.md" in cards.message.text()
    assert "toegangsverbod" in cards.preview.toPlainText()
    cards.editor.setPlainText(text)
    assert not cards.message.isVisible()
    qtbot.mouseClick(cards.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "version 1" in cards.status.text(), timeout=WAIT)
    assert "version 1" in cards.card.currentText()
    page.grab().save("/tmp/admin-org-cards.png")


def test_letter_template_preview_and_refusal(qtbot: Any, signed_in: Any) -> None:
    context = signed_in("beheer")
    page = _page(qtbot, context)
    page.tabs.setCurrentWidget(page.letters)
    letters = page.letters
    letters.kind.setCurrentIndex(letters.kind.findData("warning"))
    preview = letters.preview.toPlainText()
    assert "Dhr. P. Voorbeeld (fictief)" in preview and "Gemeente Voorbeeldstad" in preview
    assert "{" not in preview
    letters.editor.setPlainText(letters.editor.toPlainText() + "\nUw schoenmaat: {schoenmaat}\n")
    assert "{schoenmaat}" in letters.message.text() and letters.preview.toPlainText() == ""
    qtbot.mouseClick(letters.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "server refused" in letters.message.text(), timeout=WAIT)
    assert "{schoenmaat}" in letters.message.text()
    good = letters.editor.toPlainText().replace("Uw schoenmaat: {schoenmaat}\n", "")
    good = good.replace("Met vriendelijke groet,", "Met vriendelijke groet, namens het college,")
    letters.editor.setPlainText(good)
    assert "namens het college" in letters.preview.toPlainText()
    # The printed page: the example letter laid out by reportlab, rendered with QtPdf.
    letters.views.setCurrentIndex(1)
    qtbot.waitUntil(
        lambda: letters.page.pixmap() is not None and not letters.page.pixmap().isNull(),
        timeout=WAIT,
    )
    assert letters.pdf_pages == 1 and letters.page.pixmap().width() >= 400
    page.grab().save("/tmp/admin-org-letter-page.png")
    qtbot.mouseClick(letters.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "version 1" in letters.status.text(), timeout=WAIT)
    page.grab().save("/tmp/admin-org-letters.png")
    organisation = context.organisation
    assert organisation is not None
    from veiligbalie.core.letters import LetterKind

    qtbot.waitUntil(
        lambda: "namens het college" in organisation.template(LetterKind.WARNING, "nl"),
        timeout=WAIT,
    )


def test_a_closing_day_moves_the_police_report_deadline_here(qtbot: Any, signed_in: Any) -> None:
    context = signed_in("beheer")
    page = _page(qtbot, context)
    tab = page.closing_days
    page.tabs.setCurrentWidget(tab)
    occurred = datetime(2026, 5, 13, 8, 0, tzinfo=UTC)  # Wednesday before Ascension Day

    def police_due(incident: Incident) -> date:
        plan = context.incidents.follow_up_plan(incident)
        return local_date(next(t.due for t in plan if t.kind is FollowUpKind.POLICE_REPORT))

    report = Incident(
        description="Dreigde de medewerker iets aan te doen",
        categories=frozenset({Category.THREAT}),
        occurred_at=occurred,
        location="Balie 2",
        reporter="Bea Beheer",
    )
    assert police_due(report) == date(2026, 5, 18)
    # Saturday: the server's message next to the field.
    tab.day.setDate(QDate(2026, 5, 16))
    qtbot.mouseClick(tab.add, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.message.isVisible(), timeout=WAIT)
    assert "not a working day anyway" in tab.message.text()
    tab.day.setDate(QDate(2026, 5, 15))
    tab.reason.setText("brugdag na Hemelvaart")
    qtbot.mouseClick(tab.add, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: date(2026, 5, 15) in tab.days(), timeout=WAIT)
    assert not tab.message.isVisible()
    assert "brugdag" in tab.list.item(0).text()
    organisation = context.organisation
    assert organisation is not None
    qtbot.waitUntil(lambda: date(2026, 5, 15) in organisation.closing_days(), timeout=WAIT)
    assert police_due(report) == date(2026, 5, 19)  # one working day later
    saved = context.incidents.save(report)
    followup = context.followup
    assert followup is not None
    tasks = [t for t in followup.tasks_of(saved.id) if t.kind is FollowUpKind.POLICE_REPORT]
    assert [local_date(t.due) for t in tasks] == [date(2026, 5, 19)]
    page.grab().save("/tmp/admin-org-closing.png")
    # Removed again: the list and the workstation's cache follow.
    tab.list.setCurrentRow(0)
    qtbot.mouseClick(tab.remove, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.days(), timeout=WAIT)
    qtbot.waitUntil(lambda: not organisation.closing_days(), timeout=WAIT)


def test_retention_change_with_the_purge_preview_and_the_audit_filter(
    qtbot: Any, signed_in: Any
) -> None:
    context = signed_in("beheer")
    old = Incident(
        description="Schold een medewerker uit aan de telefoon",
        categories=frozenset({Category.VERBAL_AGGRESSION}),
        occurred_at=datetime(2022, 1, 10, 9, 0, tzinfo=UTC),
        location="Balie 2",
        reporter="Bea Beheer",
    )
    context.incidents.save(old)
    engine = context.sync
    assert engine is not None
    qtbot.waitUntil(lambda: engine.pending == 0, timeout=WAIT)
    page = PrivacyPage(context)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    box, preview = page.retention, page.preview
    qtbot.waitUntil(lambda: "next" in preview.when.text(), timeout=WAIT)
    box.fields["reports"].setValue(1300)
    qtbot.mouseClick(box.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.messages["reports"].isVisible(), timeout=WAIT)
    assert "1 to 1200 months" in box.messages["reports"].text()
    box.fields["reports"].setValue(36)
    qtbot.mouseClick(box.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "saved" in box.status.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: preview.counts().get("reports") == 1, timeout=WAIT)
    assert box.fields["reports"].value() == 36
    # The audit log, filtered by user and period: the change is there with who made it.
    audit = page.audit
    audit.user.setText("beheer")
    audit.use_period.setChecked(True)
    qtbot.mouseClick(audit.search, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: audit.search.isEnabled() and audit.model.rowCount() > 0, timeout=WAIT)
    actions = {audit.model.entry(r).action for r in range(audit.model.rowCount())}
    assert "retention.set" in actions
    assert {audit.model.entry(r).actor for r in range(audit.model.rowCount())} == {"beheer"}
    page.grab().save("/tmp/admin-org-privacy.png")


def test_an_employee_gets_the_servers_refusal(qtbot: Any, signed_in: Any) -> None:
    context = signed_in("mdewit")
    page = OrganisationPage(context)
    qtbot.addWidget(page)
    page.show()
    tab = page.closing_days
    page.tabs.setCurrentWidget(tab)
    qtbot.mouseClick(tab.add, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.message.isVisible(), timeout=WAIT)
    assert "Only an administrator" in tab.message.text()
    privacy = PrivacyPage(context)
    qtbot.addWidget(privacy)
    privacy.show()
    qtbot.waitUntil(lambda: privacy.load_error.isVisible(), timeout=WAIT)
    assert "Only an administrator" in privacy.load_error.text()
