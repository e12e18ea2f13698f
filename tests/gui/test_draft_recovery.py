"""A client killed with SIGKILL while a report is being typed loses at most the last
second: a real subprocess types, the test kills it, and the draft comes back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from queue import Empty, Queue

import pytest

from tests.gui.drivers import type_draft
from tests.gui.drivers.incident_support import open_service
from veiligbalie import settings
from veiligbalie.ui.incident_form import IncidentForm

DRIVER = Path(type_draft.__file__)
KILL_AFTER_CHARACTERS = 40


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_draft_typed_before_sigkill_is_recovered(qtbot, data_dir: Path):
    # Where and who, as set in Instellingen: the driver's form starts with them.
    settings.STATION_LOCATION.set("Balie 3")
    settings.REPORTER_NAME.set("Sanne de Vries")
    settings.sync()
    env = dict(os.environ, VEILIGBALIE_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen")
    process = subprocess.Popen(
        [sys.executable, str(DRIVER)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    lines: Queue[tuple[float, str]] = Queue()

    def reader() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put((time.monotonic(), line.strip()))

    threading.Thread(target=reader, daemon=True).start()
    typed: list[tuple[float, int]] = []  # (when the test saw it, characters typed)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            try:
                seen, line = lines.get(timeout=1)
            except Empty:
                assert process.poll() is None, "driver exited early"
                continue
            if line.startswith("TYPED "):
                typed.append((seen, int(line.split()[1])))
                if typed[-1][1] >= KILL_AFTER_CHARACTERS:
                    break
        else:
            pytest.fail("driver did not type in time")
        process.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL

    # What was typed at least one second before the kill must be in the draft.
    safe = [count for seen, count in typed if seen <= killed_at - 1.0]
    assert safe, "the driver must have typed for more than a second"
    must_have = type_draft.TEXT[: max(safe)]

    with open_service() as (_db, service):
        drafts = service.recoverable_drafts()
        assert len(drafts) == 1
        text = drafts[0].state["description"]
        assert text.startswith(must_have)
        assert type_draft.TEXT.startswith(text)
        assert drafts[0].state["categories"] == ["verbal_aggression"]

        form = IncidentForm(service)
        qtbot.addWidget(form)
        form.start_new()
        form.restore_draft(drafts[0])
        assert form.description.toPlainText() == text
        assert form.categories.values() == ["verbal_aggression"]
        assert service.recoverable_drafts() == []  # taken up again by the form
        saved = form.save()
        assert saved is not None and saved.description == text
