"""services.background: the one way work leaves the GUI thread. A listener connected right
after start() hears the outcome however fast the work was, on the GUI thread; a failed
document leaves no part file and no file under the chosen name."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from veiligbalie.services import background


def test_a_fast_task_is_heard_on_the_gui_thread_by_a_late_listener(qtbot: Any) -> None:
    def work(progress: background.Progress) -> str:
        progress(1)
        progress(2)
        return threading.current_thread().name

    task = background.start("quick work", work)
    time.sleep(0.2)  # the worker is long done before anyone listens
    steps: list[tuple[int, str]] = []
    answers: list[tuple[str, str]] = []
    task.progress.connect(lambda v: steps.append((v, threading.current_thread().name)))
    task.finished.connect(lambda r: answers.append((r, threading.current_thread().name)))
    qtbot.waitUntil(lambda: bool(answers), timeout=3000)
    main = threading.current_thread().name
    assert steps == [(1, main), (2, main)]
    [(worker, heard_on)] = answers
    assert worker != main and heard_on == main
    qtbot.waitUntil(lambda: task not in background._RUNNING, timeout=1000)


def test_a_failing_task_says_why_and_is_let_go(qtbot: Any) -> None:
    def work(_progress: background.Progress) -> None:
        raise ValueError("the template names no such field")

    task = background.start("failing work", work)
    errors: list[object] = []
    task.failed.connect(errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=3000)
    assert background.message(errors[0]) == "the template names no such field"
    assert background.message(OSError()) == "OSError"
    assert task not in background._RUNNING


def test_write_file_moves_a_whole_file_into_place_and_leaves_nothing_when_it_fails(
    tmp_path: Path,
) -> None:
    target = tmp_path / "aangifte.pdf"
    seen: list[Path] = []

    def build(part: Path) -> None:
        seen.append(part)
        part.write_bytes(b"%PDF-1.4 whole")

    assert background.write_file(build, target) == str(target)
    assert target.read_bytes() == b"%PDF-1.4 whole"
    assert seen == [tmp_path / "aangifte.pdf.part"] and not seen[0].exists()

    def broken(part: Path) -> None:
        part.write_bytes(b"%PDF-1.4 half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        background.write_file(broken, tmp_path / "brief.pdf")
    assert not (tmp_path / "brief.pdf").exists() and not (tmp_path / "brief.pdf.part").exists()
