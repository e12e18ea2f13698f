"""The GUI thread never waits on the site key's PBKDF2 nor on copying evidence: the work runs
on another thread (the real functions, watched for the thread that calls them), the GUI
thread's timer keeps turning meanwhile, the screen shows it is busy, and the alarm button
still raises an alarm at once. No assertion depends on how fast the machine is; the longest
pause between timer ticks is reported in the failure message only."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer

from veiligbalie.protocol import lan as lan_protocol
from veiligbalie.services.alarm_paths import load_site_key
from veiligbalie.store import attachments as attachment_store
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.ui.main_window import MainWindow


class ThreadWatch:
    """Wraps a real function: records on which threads it ran and how many GUI-timer ticks
    happened while it was running (the GUI thread turning during the work)."""

    def __init__(self, real: Callable[..., Any], ticks: TickWatch) -> None:
        self.real = real
        self.ticks = ticks
        self.threads: list[int] = []
        self.ticks_during: list[int] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.append(threading.get_ident())
        before = self.ticks.ticks
        try:
            return self.real(*args, **kwargs)
        finally:
            self.ticks_during.append(self.ticks.ticks - before)

    def ran_off_the_gui_thread(self) -> bool:
        gui = threading.main_thread().ident
        return bool(self.threads) and all(thread != gui for thread in self.threads)


class TickWatch:
    """Records the longest gap between ticks of a 5 ms timer on the GUI thread."""

    def __init__(self) -> None:
        self.longest_ms = 0.0
        self.ticks = 0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest_ms = max(self.longest_ms, (now - self._last) * 1000)
        self._last = now
        self.ticks += 1


def test_key_derivation_leaves_the_gui_thread_turning(
    qtbot,  # noqa: ANN001
    main_window: MainWindow,
    monkeypatch,  # noqa: ANN001
) -> None:
    panel = main_window.settings_view.alarm_settings
    panel.site_id.setText("stadhuis")
    watch = TickWatch()
    derive = ThreadWatch(lan_protocol.key_from_passphrase, watch)
    monkeypatch.setattr(lan_protocol, "key_from_passphrase", derive)
    watch.start()
    with qtbot.waitSignal(panel.key_derivation.finished, timeout=15000):
        assert panel.set_key_from_passphrase("een lange zin voor de balie")
        # The busy state is visible while the worker hashes.
        assert panel.key_derivation.busy
        assert not panel.passphrase_button.isEnabled()
        assert not panel.key_file_button.isEnabled()
        assert panel.message.text() == "Deriving the site key from the passphrase…"
    watch.stop()

    assert derive.ran_off_the_gui_thread(), "the PBKDF2 ran on the GUI thread"
    # The GUI thread's timer turned while the worker hashed (the hashing takes ~0.5 s).
    assert derive.ticks_during[0] > 0, f"longest pause {watch.longest_ms:.1f} ms"
    assert load_site_key() == derive.real("een lange zin voor de balie", "stadhuis")
    assert panel.passphrase_button.isEnabled()
    assert panel.key_file_button.isEnabled()
    assert not panel.key_derivation.busy


def test_the_alarm_button_answers_while_the_key_is_derived(qtbot, main_window: MainWindow) -> None:
    panel = main_window.settings_view.alarm_settings
    panel.site_id.setText("stadhuis")
    with qtbot.waitSignal(panel.key_derivation.finished, timeout=15000):
        assert panel.set_key_from_passphrase("een lange zin voor de balie")
        qtbot.mouseClick(main_window.alarm_button, Qt.MouseButton.LeftButton)
        assert main_window.alarm_indicator.isVisible()
        assert panel.key_derivation.busy  # the press did not wait for the key
    main_window.findChild(object, "alarmNotDeliveredBox").close()


def test_a_too_short_passphrase_is_refused_at_once(qtbot, main_window: MainWindow) -> None:
    panel = main_window.settings_view.alarm_settings
    panel.site_id.setText("stadhuis")
    assert not panel.set_key_from_passphrase("kort")
    assert not panel.key_derivation.busy
    assert panel.message.text().startswith("Key not set:")
    assert panel.passphrase_button.isEnabled()
    assert load_site_key() is None


def test_attachments_are_copied_off_the_gui_thread(qtbot, env, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """A 20 MB video is copied, hashed and fsynced on a worker: the GUI thread keeps
    turning, "Copying files…" shows, saving waits for it (the report stays as typed) and
    then saves the report with the file."""
    db, _service, form = env
    form.categories.set_values(["online_abuse"])
    form.description.setPlainText("Bedreigd in een filmpje dat hij op straat opnam.")
    video = tmp_path / "opname.mp4"
    video.write_bytes(os.urandom(20 * 1024 * 1024))
    box = form._attachments_box()
    watch = TickWatch()
    copy = ThreadWatch(attachment_store.import_attachment, watch)
    monkeypatch.setattr(attachment_store, "import_attachment", copy)
    watch.start()
    box.add_files_in_background([video])
    assert box.copying
    assert box.copying_label.isVisibleTo(box)
    assert form.save() is None  # not yet: the evidence is still on its way
    assert "still being copied" in box.message.text()
    assert "filmpje" in form.description.toPlainText()
    qtbot.waitUntil(lambda: not box.copying, timeout=30000)
    watch.stop()
    assert not box.copying_label.isVisibleTo(box)
    assert [a.original_name for a in form.attachments()] == ["opname.mp4"]
    assert copy.ran_off_the_gui_thread(), "the evidence was copied on the GUI thread"
    assert copy.threads, "nothing was copied"
    saved = form.save()
    assert saved is not None
    names = [a.original_name for a in IncidentRepository(db).attachments(saved.id)]
    assert names == ["opname.mp4"]
