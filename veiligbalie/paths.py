"""Where VeiligBalie keeps its data, logs and shipped resources.

The data folder comes from ``--data-dir``, then ``VEILIGBALIE_DATA_DIR``, then the
platform's user data folder (platformdirs). Logs live in a ``logs`` folder inside the data
folder when it was overridden (tests, portable installs), else in the user log folder.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from platformdirs import site_config_path, user_data_path, user_log_path

APP_NAME = "VeiligBalie"
APP_AUTHOR = "VeiligBalie"
ENV_DATA_DIR = "VEILIGBALIE_DATA_DIR"
#: Another system-wide presets file (tests; IT trying a file before rolling it out).
ENV_PRESETS = "VEILIGBALIE_PRESETS"
PRESETS_FILE = "presets.ini"

_override: Path | None = None


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    """Use ``path`` as the data folder for this process (from ``--data-dir``)."""
    global _override
    _override = Path(path).expanduser().resolve() if path else None


def _explicit_data_dir() -> Path | None:
    if _override is not None:
        return _override
    env = os.environ.get(ENV_DATA_DIR)
    return Path(env).expanduser().resolve() if env else None


def data_dir() -> Path:
    path = _explicit_data_dir() or user_data_path(APP_NAME, APP_AUTHOR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    explicit = _explicit_data_dir()
    path = explicit / "logs" if explicit else user_log_path(APP_NAME, APP_AUTHOR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path() -> Path:
    return data_dir() / "veiligbalie.sqlite3"


def presets_path() -> Path:
    """The system-wide presets file IT puts on every workstation (read before the user's own
    settings, see veiligbalie.settings): ``$VEILIGBALIE_PRESETS``, else
    ``/etc/xdg/VeiligBalie/presets.ini`` on Linux (the first folder of ``$XDG_CONFIG_DIRS``)
    and ``%PROGRAMDATA%\\VeiligBalie\\presets.ini`` on Windows."""
    env = os.environ.get(ENV_PRESETS)
    if env:
        return Path(env).expanduser()
    return site_config_path(APP_NAME, appauthor=False) / PRESETS_FILE


def attachments_dir() -> Path:
    path = data_dir() / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


#: The source checkout: holds resources/ and i18n/ at its top level.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shipped_dir(name: str) -> Path:
    """A folder of shipped files (``resources`` or ``i18n``), found through the package.

    A built wheel and the frozen bundle carry them inside the package
    (``veiligbalie/resources``, ``veiligbalie/i18n``: the build maps the repository's
    top-level folders in, see setup.py); a source checkout or editable install has them at
    the repository's top level. Qt and reportlab want real file names, so the package must
    live on the file system (a wheel installs that way; PyInstaller's one-folder build too).
    """
    packaged = resources.files(__package__ or "veiligbalie") / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return PROJECT_ROOT / name


def resources_dir() -> Path:
    return shipped_dir("resources")


def i18n_dir() -> Path:
    return shipped_dir("i18n")
