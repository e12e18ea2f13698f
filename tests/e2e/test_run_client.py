"""`make run` starts the client through scripts/run-client.sh; Ctrl+C (SIGINT to the whole
terminal group) or SIGTERM is how a developer stops it, and that is a normal end: exit 0 and
no "Terminated" for make to relay."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.support.server import ROOT
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_stopping_the_client_is_a_clean_exit(tmp_path: Path, stop: signal.Signals) -> None:
    data = tmp_path / "data"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    script = subprocess.Popen(
        ["sh", "scripts/run-client.sh", "--data-dir", str(data), "--no-single-instance"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        process_group=0,  # a terminal group of its own, like the shell's job
    )
    try:
        log = data / "logs" / "veiligbalie.log"
        wait_until(
            lambda: log.exists() and "Services started" in log.read_text(),
            60,
            what="the client to start",
        )
        os.killpg(script.pid, stop)
        out, err = script.communicate(timeout=30)
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
            script.wait(10)
    assert script.returncode == 0, err
    assert "Terminated" not in out + err and "Interrupt" not in out + err
    # The client itself is gone too, not left behind by the script.
    assert subprocess.run(["pgrep", "-g", str(script.pid)], capture_output=True).stdout == b""
