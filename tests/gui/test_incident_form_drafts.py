"""Drafts of the incident form: autosaved after a pause and during continuous typing,
restored field by field, and offered back at start-up."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QDateTime, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from tests.gui.drivers.incident_support import open_service, show_form
from veiligbalie.services.incidents import IncidentService
from veiligbalie.store.drafts import DraftRepository
from veiligbalie.ui.incident_form import IncidentForm


def _stored_description(db, form: IncidentForm) -> str | None:
    draft = DraftRepository(db).get(form.draft_id())
    return None if draft is None else draft.state["description"]


def test_untouched_form_leaves_no_draft(qtbot, env):
    db, _service, form = env
    qtbot.wait(form.AUTOSAVE_MAX_WAIT_MS + 200)
    assert DraftRepository(db).list() == []


def test_draft_is_saved_after_a_short_pause(qtbot, env):
    db, _service, form = env
    qtbot.keyClicks(form.description, "Bezoeker werd boos")
    started = time.monotonic()
    assert _stored_description(db, form) is None  # debounced, not on every key
    qtbot.waitUntil(lambda: _stored_description(db, form) == "Bezoeker werd boos", timeout=2000)
    assert time.monotonic() - started < 1.0
    assert form.draft_status.text() != ""


def test_continuous_typing_is_saved_at_least_every_second(qtbot, env):
    db, _service, form = env
    text = "Hij bleef maar doorpraten en werd steeds dreigender tegen mij. " * 2
    typed = 0
    snapshots: list[tuple[int, str | None]] = []

    def type_one() -> None:
        nonlocal typed
        if typed < len(text):
            qtbot.keyClicks(form.description, text[typed])
            typed += 1
            snapshots.append((typed, _stored_description(db, form)))

    timer = QTimer()
    timer.setInterval(30)  # faster than the debounce: the pause never comes
    timer.timeout.connect(type_one)
    timer.start()
    qtbot.waitUntil(lambda: typed >= 60, timeout=10_000)
    timer.stop()
    # While typing never paused, drafts were written anyway (the max-wait timer).
    stored = [s for _n, s in snapshots if s]
    assert stored, "no draft while typing continuously"
    assert all(text.startswith(s) for s in stored)
    assert len(set(stored)) >= 2


def _fill_everything(form: IncidentForm, tmp_path: Path) -> None:
    form.when_other.setChecked(True)
    form.other_datetime.setDateTime(QDateTime.currentDateTime().addSecs(-7200))
    form.today_time.setTime(form.today_time.time().addSecs(-600))
    form.location.setText("Publiekshal")
    form.channel.setCurrentIndex(form.channel.findData("home_visit"))
    form.categories.set_values(["threat", "doxing"])
    form.severity.setCurrentIndex(form.severity.findData("critical"))
    form.description.setPlainText("Tijdens huisbezoek werd mijn adres online gezet.\nTwee regels.")
    form.reporter.setText("Sanne")
    form.on_behalf.setChecked(True)
    form.on_behalf_of.setText("Pieter")
    form.perpetrator_known.setChecked(True)
    form.perpetrator_description.setPlainText("Bewoner")
    form.perpetrator_reference.setText("Z-77")
    form.witnesses.setPlainText("Collega Ahmed")
    for box in (
        form.injury,
        form.damage,
        form.absence,
        form.police_called,
        form.arrest,
        form.police_report_intended,
        form.aftercare_wanted,
        form.team_lead_only,
    ):
        box.setChecked(True)
    form.damage_amount.setText("99,95")
    evidence = tmp_path / "post.png"
    evidence.write_bytes(b"screenshot of the post")
    form.add_files([evidence])
    form.sections["people"].set_expanded(True)
    form.sections["evidence"].set_expanded(True)


def test_restore_draft_round_trips_every_field(qtbot, env, tmp_path: Path):
    db, service, form = env
    _fill_everything(form, tmp_path)
    form.flush_draft()
    original = form.state()
    draft = DraftRepository(db).get(form.draft_id())
    assert draft is not None and draft.state == original

    other = IncidentForm(service)
    qtbot.addWidget(other)
    other.start_new()
    other.restore_draft(draft)
    assert other.state() == original
    assert other.draft_id() == draft.id
    assert [a.original_name for a in other.attachments()] == ["post.png"]
    saved = other.save()
    assert saved is not None
    assert saved.on_behalf_of == "Pieter" and saved.damage_amount_cents == 9995
    assert DraftRepository(db).get(draft.id) is None


def test_offer_recovery_restores_a_draft_of_an_earlier_run(qtbot, data_dir):
    with open_service() as (_db, earlier):
        form = show_form(earlier)
        form.categories.set_values(["intimidation"])
        form.description.setPlainText("Onderbroken door een stroomstoring")
        form.flush_draft()
        form.deleteLater()
    with open_service() as (_db, service):
        form = show_form(service)
        qtbot.addWidget(form)
        assert len(service.recoverable_drafts()) == 1
        seen: list[str] = []

        def answer() -> None:
            box = QApplication.activeModalWidget()
            assert isinstance(box, QMessageBox)
            seen.append(box.text())
            box.findChild(QPushButton, "draftResumeButton").click()

        QTimer.singleShot(0, answer)
        assert form.offer_recovery() is True
        assert "Onderbroken door een stroomstoring" in seen[0]
        assert form.description.toPlainText() == "Onderbroken door een stroomstoring"
        assert form.categories.values() == ["intimidation"]
        assert service.recoverable_drafts() == []


def test_offer_recovery_later_keeps_and_discard_drops(qtbot, env):
    db, service, form = env
    # A draft left by an earlier run of the app.
    leftover = service.new_draft_id()
    DraftRepository(db).save(leftover, {**form.state(), "description": "Van gisteren"})
    assert [d.id for d in service.recoverable_drafts()] == [leftover]

    def click(name: str) -> None:
        box = QApplication.activeModalWidget()
        box.findChild(QPushButton, name).click()

    QTimer.singleShot(0, lambda: click("draftLaterButton"))
    assert form.offer_recovery() is False
    assert [d.id for d in service.recoverable_drafts()] == [leftover]
    assert form.description.toPlainText() == ""

    QTimer.singleShot(0, lambda: click("draftDiscardButton"))
    assert form.offer_recovery() is False
    assert service.recoverable_drafts() == []


def test_no_offer_without_drafts(env):
    _db, service, form = env
    assert isinstance(service, IncidentService)
    assert form.offer_recovery() is False
