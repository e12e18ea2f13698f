"""Run a REAL ``veiligbalie-server serve`` process on a free 127.0.0.1 port for tests and
benchmarks: wait until /healthz answers, hand out the base URL, kill it at the end."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.net import free_tcp_port
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass
class RunningServer:
    database_url: str
    port: int
    data_dir: Path
    log_path: Path
    extra_args: Sequence[str] = ()
    env: dict[str, str] = field(default_factory=dict)
    #: (certificate, key) to serve HTTPS; the certificate also verifies the health check.
    tls: tuple[Path, Path] | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"{'wss' if self.tls else 'ws'}://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        """Start (or restart, on the same port and database) and wait for /healthz."""
        env = dict(os.environ, PYTHONPATH=str(ROOT), **self.env)
        env["VEILIGBALIE_SERVER_DATA_DIR"] = str(self.data_dir)
        cmd = [
            sys.executable, "-m", "veiligbalie.server.cli", "serve",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--database", self.database_url, *self.extra_args,
        ]  # fmt: skip
        if self.tls:
            cmd += ["--tls-cert", str(self.tls[0]), "--tls-key", str(self.tls[1])]
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child
        self.process = subprocess.Popen(cmd, stdout=log, stderr=log, env=env, cwd=ROOT)
        log.close()
        process = self.process
        verify = ssl.create_default_context(cafile=str(self.tls[0])) if self.tls else True

        def healthy() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                return (
                    httpx.get(f"{self.base_url}/healthz", timeout=1.0, verify=verify).status_code
                    == 200
                )
            except httpx.HTTPError:
                return False

        try:
            wait_until(healthy, timeout, what="/healthz to answer")
        except AssertionError:
            self.kill()
            raise RuntimeError(
                f"server did not answer /healthz within {timeout}s:\n{self.log()}"
            ) from None

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers run (crash tests)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""


@contextmanager
def running_server(
    database_url: str,
    *,
    data_dir: Path | None = None,
    extra_args: Sequence[str] = (),
    env: dict[str, str] | None = None,
    tls: tuple[Path, Path] | None = None,
) -> Iterator[RunningServer]:
    with tempfile.TemporaryDirectory(prefix="vb-server-") as tmp:
        folder = data_dir or Path(tmp)
        server = RunningServer(
            database_url=database_url,
            port=free_tcp_port(),
            data_dir=folder,
            log_path=Path(tmp) / "server.log",
            extra_args=extra_args,
            env=env or {},
            tls=tls,
        )
        server.start()
        try:
            yield server
        finally:
            server.stop()
