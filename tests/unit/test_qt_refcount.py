"""Guard against a Qt binding that leaks references to None/True.

PySide6 6.12.0 on CPython 3.11 drops a reference to True on every Signal.emit() and to None
on every void Qt call; a station then dies with "Fatal Python error: deallocating None"
after a few thousand events (a LAN flood gets there in seconds). pyproject.toml keeps that
release out; this test fails if such a binding is installed again.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal


class _Emitter(QObject):
    fired = Signal(int)


def test_emit_and_void_calls_keep_singleton_refcounts(qapp: QCoreApplication) -> None:
    emitter = _Emitter()
    timer = QTimer()
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for n in range(200):
        emitter.fired.emit(n)
        timer.start(10)
        timer.stop()
        qapp.processEvents()
    # Other threads may touch the counts a little; a leak shows as hundreds.
    assert abs(sys.getrefcount(True) - true_before) < 50
    assert abs(sys.getrefcount(None) - none_before) < 50
