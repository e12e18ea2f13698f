"""Build step that maps the repository's top-level ``resources/`` and ``i18n/*.qm`` into the
package (``veiligbalie/resources``, ``veiligbalie/i18n``) of a built wheel.

Everything else is declared in pyproject.toml. The editable install (``pip install -e``)
skips the copy: a checkout finds both folders at the top level (veiligbalie/paths.py).

The translations are build outputs of ``make translations`` (pyside6-lrelease). A missing
or stale ``.qm`` is compiled here when ``pyside6-lrelease`` can be found (beside this
Python or on PATH); otherwise the build stops and says to run ``make translations`` first,
so a wheel never ships without its Dutch.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: (folder at the top of the repository, folder inside the package, files to take)
MAPPED = (("resources", "resources", "**/*"), ("i18n", "i18n", "*.qm"))


def lrelease() -> str | None:
    here = Path(sys.executable).parent
    for candidate in (here / "pyside6-lrelease", here / "pyside6-lrelease.exe"):
        if candidate.exists():
            return str(candidate)
    return shutil.which("pyside6-lrelease") or shutil.which("lrelease")


def ensure_translations() -> None:
    for ts in sorted((ROOT / "i18n").glob("*.ts")):
        qm = ts.with_suffix(".qm")
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        tool = lrelease()
        if tool is None:
            if qm.exists():
                print(f"warning: {qm.name} is older than {ts.name}; run 'make translations'")
                continue
            raise SystemExit(
                f"{qm.relative_to(ROOT)} is missing and pyside6-lrelease was not found: "
                "run 'make translations' before building the wheel"
            )
        subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=True)


class BuildWithSharedFiles(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the checkout's own folders are used in place
        ensure_translations()
        for source, target, pattern in MAPPED:
            for path in sorted((ROOT / source).glob(pattern)):
                if not path.is_file() or "pending" in path.parts:
                    continue
                destination = Path(self.build_lib, "veiligbalie", target)
                destination /= path.relative_to(ROOT / source)
                destination.parent.mkdir(parents=True, exist_ok=True)
                self.copy_file(str(path), str(destination), preserve_mode=False)


setup(cmdclass={"build_py": BuildWithSharedFiles})
