"""Reading what a made PDF says (pypdf) and rendering it to PNG (pdftoppm, when installed)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QCoreApplication, QTranslator

from veiligbalie import paths
from veiligbalie.app import install_translations


def pdf_text(path: str | Path) -> str:
    """Every page's text, pages joined by a newline; runs of spaces made single."""
    reader = PdfReader(str(path))
    return "\n".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def page_sizes_mm(path: str | Path) -> list[tuple[int, int]]:
    reader = PdfReader(str(path))
    return [
        (round(float(p.mediabox.width) / 72 * 25.4), round(float(p.mediabox.height) / 72 * 25.4))
        for p in reader.pages
    ]


def render_png(pdf: str | Path, stem: str | Path, dpi: int = 60) -> list[Path]:
    """The pages as PNG files ``<stem>-1.png`` …; skips the test without pdftoppm."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.skip("pdftoppm is not installed (Debian: apt-get install poppler-utils)")
    subprocess.run([tool, "-png", "-r", str(dpi), str(pdf), str(stem)], check=True)
    stem = Path(stem)
    return sorted(stem.parent.glob(stem.name + "-*.png"))


class PendingTranslator(QTranslator):
    """The branch's Dutch texts still in i18n/pending/*.json (the lead folds them into the .ts
    at merge; after that this finds nothing and the compiled translation answers)."""

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        folder = folder or paths.i18n_dir() / "pending"
        self.table: dict[str, dict[str, Any]] = {}
        for path in sorted(folder.glob("*.json")) if folder.exists() else []:
            for context, entries in json.loads(path.read_text(encoding="utf-8")).items():
                self.table.setdefault(context, {}).update(entries)

    def translate(  # type: ignore[override]
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        value = self.table.get(context, {}).get(source)
        if isinstance(value, list):
            value = value[0 if n == 1 else 1]
        return value.replace("%n", str(n)) if value and n >= 0 else value

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's name)
        return False


@contextmanager
def dutch_with_pending(app: QCoreApplication) -> Iterator[None]:
    """Dutch for the duration, also in tests whose connections are live: only compiled
    catalogues, and the Python PendingTranslator only while a branch has pending texts (a
    translator written in Python deadlocks with Qt's network threads; see
    :func:`veiligbalie.app.install_translations`)."""
    translators = install_translations(app, "nl", mnemonic_fallback=False)  # type: ignore[arg-type]
    pending = PendingTranslator()
    if pending.table:
        app.installTranslator(pending)
    try:
        yield
    finally:
        if pending.table:
            app.removeTranslator(pending)
        for translator in translators:
            app.removeTranslator(translator)
