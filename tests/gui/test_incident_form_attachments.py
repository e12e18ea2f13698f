"""Evidence on the incident form: size, type and count limits with a message naming the
file; accepted files are copied with their checksum and saved with the report."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from veiligbalie.services.incidents import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from veiligbalie.store.incidents import IncidentRepository


@pytest.fixture
def env(env):
    """The shared form (tests/gui/conftest.py), with what every report here is about."""
    _db, _service, form = env
    form.categories.set_values(["online_abuse"])
    form.description.setPlainText("Dreigende berichten op sociale media na mijn besluit.")
    return env


def _message(form) -> QWidget:
    return form.findChild(QWidget, "error_attachments")


def test_too_large_file_is_refused_with_name_and_limit(env, tmp_path: Path):
    _db, _service, form = env
    big = tmp_path / "camerabeelden.pdf"
    with big.open("wb") as handle:
        handle.truncate(MAX_ATTACHMENT_BYTES + 1)  # sparse: no 25 MB written
    assert form.add_files([big]) == []
    text = _message(form).text()
    assert _message(form).isVisible()
    assert "camerabeelden.pdf" in text and "25" in text
    assert form.attachment_list.count() == 0
    assert form.sections["evidence"].is_expanded()


def test_wrong_type_is_refused(env, tmp_path: Path):
    _db, _service, form = env
    exe = tmp_path / "virus.exe"
    exe.write_bytes(b"MZ\x90\x00")
    assert form.add_files([exe]) == []
    assert "virus.exe" in _message(form).text()
    assert ".exe" in _message(form).text()


def test_more_than_the_maximum_is_refused_by_name(env, tmp_path: Path):
    _db, _service, form = env
    files = []
    for index in range(MAX_ATTACHMENTS + 1):
        path = tmp_path / f"screenshot-{index:02d}.png"
        path.write_bytes(f"png {index}".encode())
        files.append(path)
    added = form.add_files(files)
    assert len(added) == MAX_ATTACHMENTS
    assert form.attachment_list.count() == MAX_ATTACHMENTS
    assert f"screenshot-{MAX_ATTACHMENTS:02d}.png" in _message(form).text()
    assert str(MAX_ATTACHMENTS) in _message(form).text()


def test_accepted_file_is_listed_and_saved_with_checksum(env, tmp_path: Path):
    db, _service, form = env
    photo = tmp_path / "balie.jpg"
    content = os.urandom(2048)
    photo.write_bytes(content)
    form.add_files([photo])
    assert not _message(form).isVisible()
    assert form.attachment_list.count() == 1
    assert "balie.jpg" in form.attachment_list.item(0).text()
    saved = form.save()
    assert saved is not None
    stored = IncidentRepository(db).attachments(saved.id)
    assert [a.original_name for a in stored] == ["balie.jpg"]
    assert stored[0].sha256 == hashlib.sha256(content).hexdigest()
    assert stored[0].stored_path.read_bytes() == content
    assert photo.read_bytes() == content  # the original is untouched


def test_same_file_twice_is_attached_once(env, tmp_path: Path):
    _db, _service, form = env
    shot = tmp_path / "bericht.png"
    shot.write_bytes(b"same bytes")
    form.add_files([shot, shot])
    assert form.attachment_list.count() == 1
    assert "bericht.png" in _message(form).text()


# QDragEnterEvent has only the (deprecated) QPoint constructor in PySide6 6.12.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_files_dropped_on_the_form_are_attached(qtbot, env, tmp_path: Path):
    _db, _service, form = env
    mail = tmp_path / "dreigmail.eml"
    mail.write_text("From: x\n\nIk weet waar je woont")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(mail))])
    enter = QDragEnterEvent(
        QPoint(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # Delivered straight to the widget: QApplication only routes drops of a real drag.
    form.event(enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    form.event(event)
    assert form.sections["evidence"].is_expanded()
    # The copy runs on a worker; the list follows when it is safe in the data folder.
    qtbot.waitUntil(lambda: [a.original_name for a in form.attachments()] == ["dreigmail.eml"])


def test_remove_takes_a_file_off_the_report(env, tmp_path: Path):
    db, _service, form = env
    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(name.encode())
    form.add_files([tmp_path / "a.png", tmp_path / "b.png"])
    form.attachment_list.setCurrentRow(0)
    form.remove_attachment_button.click()
    assert [a.original_name for a in form.attachments()] == ["b.png"]
    saved = form.save()
    assert [a.original_name for a in IncidentRepository(db).attachments(saved.id)] == ["b.png"]
