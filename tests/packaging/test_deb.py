"""The .deb that `make package` built, installed with apt into a clean Debian root (made
with debootstrap, cached as a tarball in ~/.cache/veiligbalie-packaging), pulls in the system
libraries Qt needs through its Depends, starts offscreen as an ordinary user (the smoke test:
database opened, main window shown, shipped files found, exit 0), and removes cleanly.

Runs when VEILIGBALIE_DEB names the package (`make package` does); needs root, debootstrap
(installed with apt-get when missing) and Debian's package mirror. Each missing piece skips
the test and says which."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.packaging.conftest import clean_env

DEB = os.environ.get("VEILIGBALIE_DEB", "")
MIRROR = os.environ.get("VEILIGBALIE_DEBIAN_MIRROR", "http://deb.debian.org/debian")
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "veiligbalie-packaging"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1500),
    pytest.mark.skipif(
        not DEB, reason="no .deb named: `make package` builds one and sets VEILIGBALIE_DEB"
    ),
]


def codename() -> str:
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("VERSION_CODENAME="):
            return line.split("=", 1)[1].strip('"') or "bookworm"
    return "bookworm"


def debootstrap() -> str:
    found = shutil.which("debootstrap")
    if found is None and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "debootstrap"],
            capture_output=True,
            env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
        )
        found = shutil.which("debootstrap")
    if found is None:
        pytest.skip("debootstrap not found (apt-get install debootstrap): no clean root")
    return found


def clean_root(folder: Path) -> Path:
    """A minimal Debian of this system's release, fresh from the cached tarball."""
    if os.geteuid() != 0:
        pytest.skip("a clean root (chroot) needs root")
    suite = codename()
    tarball = CACHE / f"{suite}-minbase.tar"
    if not tarball.exists():
        tool = debootstrap()
        build = folder / "bootstrap"
        started = time.monotonic()
        done = subprocess.run(
            [tool, "--variant=minbase", suite, str(build), MIRROR],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"debootstrap {suite} from {MIRROR} failed: {done.stderr[-500:]}")
        print(f"debootstrap {suite}: {time.monotonic() - started:.0f}s")
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = tarball.with_suffix(".partial")
        subprocess.run(["tar", "-C", str(build), "-cf", str(partial), "."], check=True)
        partial.replace(tarball)
        shutil.rmtree(build)
    root = folder / "root"
    root.mkdir()
    subprocess.run(["tar", "-C", str(root), "-xf", str(tarball)], check=True)
    shutil.copy2("/etc/resolv.conf", root / "etc" / "resolv.conf")
    return root


def in_root(root: Path, command: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in the root, in a mount namespace of its own (/proc and /dev are
    mounted there and vanish with it)."""
    userspec = f"--userspec={user} " if user else ""
    script = (
        f'mount -t proc proc "{root}/proc" && mount --rbind /dev "{root}/dev" && '
        f'exec chroot {userspec}"{root}" /bin/sh -c "$0"'
    )
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "--fork", "sh", "-c", script, command],
        capture_output=True,
        text=True,
        timeout=900,
        env=clean_env(DEBIAN_FRONTEND="noninteractive", LC_ALL="C.UTF-8"),
    )


def test_deb_installs_with_apt_in_a_clean_root_starts_and_removes_cleanly(
    tmp_path: Path,
) -> None:
    deb = Path(DEB)
    assert deb.is_file(), f"{deb} not found"
    root = clean_root(tmp_path)
    shutil.copy2(deb, root / "tmp" / deb.name)
    assert not (root / "usr" / "lib" / "x86_64-linux-gnu" / "libxcb-icccm.so.4").exists()

    started = time.monotonic()
    done = in_root(
        root,
        f"apt-get update -qq && apt-get install -y -qq --no-install-recommends /tmp/{deb.name}",
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    print(f"\napt-get install of {deb.name} with its Depends: {time.monotonic() - started:.0f}s")
    assert (root / "opt" / "veiligbalie" / "veiligbalie").is_file()
    assert os.readlink(root / "usr" / "bin" / "veiligbalie") == "/opt/veiligbalie/veiligbalie"
    assert (root / "usr" / "share" / "applications" / "veiligbalie.desktop").is_file()
    assert (root / "etc" / "xdg" / "autostart" / "veiligbalie.desktop").is_file()
    assert (root / "usr/share/icons/hicolor/scalable/apps/veiligbalie.svg").is_file()

    # An ordinary user (no account needed: a numeric uid) starts it from PATH, offscreen.
    started = time.monotonic()
    done = in_root(
        root,
        "cd /tmp && HOME=/tmp/home QT_QPA_PLATFORM=offscreen "
        "veiligbalie --smoke-test --data-dir /tmp/balie",
        user="1000:1000",
    )
    print(done.stdout, f"smoke test in the clean root: {time.monotonic() - started:.1f}s")
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "smoke: language nl; passed" in done.stdout
    assert "/opt/veiligbalie/" in done.stdout
    assert (root / "tmp" / "balie" / "veiligbalie.sqlite3").exists()
    # Every library the bundle links is there: in the bundle or through the Depends
    # (the Wayland plugins are optional: Qt uses xcb without them).
    done = in_root(
        root,
        "export LD_LIBRARY_PATH=/opt/veiligbalie/_internal; "  # as the frozen program runs
        "find /opt/veiligbalie -name '*.so*' -type f | while read f; do "
        'ldd "$f" 2>/dev/null | sed -n "s|^\\s*\\(.*\\) => not found|$f \\1|p"; done',
    )
    missing = {line for line in done.stdout.splitlines() if "wayland" not in line}
    assert not missing, missing

    # Removed: the program, its menu entry and link go; the autostart entry is a conffile
    # (dpkg keeps IT's edits until purge), so purge takes it too.
    done = in_root(root, "dpkg -r veiligbalie")
    assert done.returncode == 0, done.stderr
    assert not (root / "opt" / "veiligbalie").exists()
    assert not (root / "usr" / "bin" / "veiligbalie").is_symlink()
    assert not (root / "usr" / "share" / "applications" / "veiligbalie.desktop").exists()
    done = in_root(root, "dpkg -P veiligbalie && ! dpkg -s veiligbalie 2>/dev/null")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (root / "etc" / "xdg" / "autostart" / "veiligbalie.desktop").exists()


def test_deb_contents_and_control(tmp_path: Path) -> None:
    deb = Path(DEB)
    fields = subprocess.run(
        ["dpkg-deb", "--field", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    for needed in ("libxcb-icccm4", "libxcb-cursor0", "libxkbcommon-x11-0", "libpulse0"):
        assert needed in fields
    listing = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    assert "./opt/veiligbalie/_internal/veiligbalie/resources/sounds/alarm.wav" in listing
    assert "./opt/veiligbalie/_internal/veiligbalie/i18n/veiligbalie_nl.qm" in listing
    assert "root/root" in listing and "1000" not in listing.split("\n", 1)[0]
