"""Making a document from a screen: the save dialog's answer is used, the work runs off the
GUI thread, a progress indication shows only when it takes longer than a blink, and the
result is opened in the system viewer; cancelling the dialog makes nothing."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QWidget

from veiligbalie.ui import documents
from veiligbalie.ui.documents import DocumentRunner


def test_slow_documents_show_progress_and_open_when_done(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = QWidget()
    qtbot.addWidget(screen)
    screen.resize(600, 400)
    screen.show()
    runner = DocumentRunner(screen)
    target = tmp_path / "traag.pdf"
    opened: list[str] = []
    monkeypatch.setattr(documents, "ask_path", lambda *_args: str(target))
    monkeypatch.setattr(documents, "open_in_viewer", opened.append)
    release = threading.Event()
    threads: list[QThread] = []

    def slow(path: Path) -> None:
        threads.append(QThread.currentThread())
        release.wait(10)
        path.write_bytes(b"%PDF-1.4 klaar")

    assert runner.start("test", slow, "Opslaan", "traag.pdf", "PDF (*.pdf)")
    assert not runner.progress.isVisible()  # not for a blink
    qtbot.waitUntil(runner.progress.isVisible, timeout=3000)
    release.set()
    qtbot.waitUntil(lambda: opened == [str(target)], timeout=5000)
    assert not runner.progress.isVisible()
    assert threads and threads[0] is not screen.thread()
    assert target.read_bytes() == b"%PDF-1.4 klaar"


def test_cancelling_the_save_dialog_makes_nothing(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = QWidget()
    qtbot.addWidget(screen)
    runner = DocumentRunner(screen)
    monkeypatch.setattr(documents, "ask_path", lambda *_args: None)
    called: list[Path] = []
    assert not runner.start("test", called.append, "Opslaan", "x.pdf", "PDF (*.pdf)")
    assert not runner.service.busy and called == []
