"""Helpers of the packaging tests: the wheel built from a clean copy of the sources."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: What the wheel is built from (the rest of the checkout stays out of the copy).
SOURCES = ("veiligbalie", "resources", "i18n", "pyproject.toml", "setup.py", "MANIFEST.in",
           "README.md", "constraints.txt")  # fmt: skip


def clean_env(**extra: str) -> dict[str, str]:
    """This machine's environment without the test run's Python path and data folders: an
    installed program must find everything through its own package."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not k.startswith("VEILIGBALIE_")
    }
    env.update(extra)
    return env


def build_wheel(out: Path) -> tuple[Path, float]:
    """Build the wheel from a copy of the sources (so the checkout gets no build/ folder and
    two builds never share one); returns it and the seconds it took."""
    qm = sorted((ROOT / "i18n").glob("*.qm"))
    if not qm:
        pytest.fail("i18n/*.qm missing: run 'make translations' (the wheel ships them)")
    source = out / "src"
    source.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "pending")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    started = time.monotonic()
    try:
        import build  # noqa: F401 (the `package` extra's builder, when installed)

        cmd = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(source)]
    except ImportError:
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(source)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=out, env=clean_env())
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    wheels = list(out.glob("veiligbalie-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0], time.monotonic() - started
