"""The built wheel, installed into a fresh venv OUTSIDE the repository with the tested
versions (constraints.txt), gives a working ``veiligbalie`` (offscreen, on a throwaway data
folder, until its main window shows and it exits 0, every shipped file found inside the
installed package) and a ``veiligbalie-server`` that serves /healthz on 127.0.0.1.

pip's own download cache (~/.cache/pip) keeps a second run to tens of seconds."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.packaging.conftest import ROOT, build_wheel, clean_env
from tests.support.net import free_tcp_port
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

BIN = "Scripts" if sys.platform == "win32" else "bin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A venv outside the repository with the wheel and its server extra installed."""
    base = tmp_path_factory.mktemp("wheel-install")
    assert ROOT not in base.parents
    wheel, seconds = build_wheel(base / "dist")
    print(f"\nwheel built in {seconds:.1f}s: {wheel.name}, {wheel.stat().st_size // 1024} KiB")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    started = time.monotonic()
    done = subprocess.run(
        [
            str(venv / BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check",
            "-q", "-c", str(ROOT / "constraints.txt"), f"{wheel}[server]",
        ],
        capture_output=True, text=True, cwd=base, env=clean_env(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    print(f"installed into a fresh venv in {time.monotonic() - started:.1f}s")
    yield venv


def test_the_wheel_carries_resources_and_translations(installed: Path) -> None:
    wheel = next((installed.parent / "dist").glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (
        "veiligbalie/resources/icons/veiligbalie.svg",
        "veiligbalie/resources/sounds/alarm.wav",
        "veiligbalie/resources/fonts/DejaVuSans.ttf",
        "veiligbalie/resources/guidance/nl/alarm-slaan.md",
        "veiligbalie/resources/letters/nl/warning.txt",
        "veiligbalie/i18n/veiligbalie_nl.qm",
        "veiligbalie/server/resources/common-passwords.txt",
        "veiligbalie/store/migrations/script.py.mako",
    ):
        assert shipped in names, shipped
    assert not [n for n in names if "/pending/" in n or n.endswith(".ts")]


def test_installed_client_starts_offscreen_from_its_own_package(
    installed: Path, tmp_path: Path
) -> None:
    data = tmp_path / "throwaway"
    done = subprocess.run(
        [str(installed / BIN / "veiligbalie"), "--smoke-test", "--data-dir", str(data)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env=clean_env(QT_QPA_PLATFORM="offscreen"),
    )  # fmt: skip
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "smoke: language nl; passed" in done.stdout
    site = str(installed / ("Lib" if sys.platform == "win32" else "lib"))
    resources = next(line for line in done.stdout.splitlines() if " resources: " in line)
    assert site in resources and str(ROOT) not in resources
    assert (data / "veiligbalie.sqlite3").exists()


def test_installed_server_serves_healthz(installed: Path, tmp_path: Path) -> None:
    port = free_tcp_port()
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [
                str(installed / BIN / "veiligbalie-server"), "serve", "--host", "127.0.0.1",
                "--port", str(port), "--database", f"sqlite:///{tmp_path / 'server.sqlite3'}",
            ],
            stdout=out, stderr=out, cwd=tmp_path,
            env=clean_env(VEILIGBALIE_SERVER_DATA_DIR=str(tmp_path / "server-data")),
        )  # fmt: skip
    try:

        def healthy() -> bool:
            if server.poll() is not None:
                raise AssertionError(f"server exited:\n{log.read_text()}")
            try:
                return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, 60, what="/healthz", detail=log.read_text)
    finally:
        server.terminate()
        server.wait(timeout=30)
