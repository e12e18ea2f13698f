"""Icons and other shipped files, looked up once and cached."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from veiligbalie import paths


@cache
def icon(name: str) -> QIcon:
    return QIcon(str(paths.resources_dir() / "icons" / f"{name}.svg"))
