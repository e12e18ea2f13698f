"""Every setting of the client, declared once with its type, default and title.

The rest of the code reads and writes settings through these declarations, never through
``QSettings`` with a string key. Values live in an INI file in the data folder, so a
``--data-dir`` gives a fully separate station (tests, several stations on one machine).
Secrets never live here: see :mod:`veiligbalie.secrets`.

**IT presets.** A system-wide ``presets.ini`` (:func:`veiligbalie.paths.presets_path`) is
read before the user's own settings: its value is the default the user may change. Its
sections and keys are the settings' own (``[server] url = …``, ``[alarm] hotkey = …``), and
a key named in ``[locked]`` with its slash as an underscore (``server_url = true``) wins over
the user's value: Instellingen then shows it read-only, with a line saying the organisation
set it. The file is plain INI read with :mod:`configparser` (a Windows path needs no escaping).
"""

from __future__ import annotations

import configparser
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QCoreApplication, QSettings

from veiligbalie import paths

T = TypeVar("T")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    type: type[T]
    default: T | Callable[[], T]
    #: English, marked with QT_TRANSLATE_NOOP("Settings", ...); see :attr:`display_title`.
    title: object = ""

    @property
    def display_title(self) -> str:
        """The title in the interface language (titles are marked with QT_TRANSLATE_NOOP)."""
        return QCoreApplication.translate("Settings", str(self.title)) if self.title else ""

    def is_set(self) -> bool:
        """True once a value was stored (even an empty one) or IT preset one: someone chose it."""
        return store().contains(self.key) or presets().value(self.key) is not None

    @property
    def locked(self) -> bool:
        """IT set this one for the whole computer; the user's own value does not count."""
        return presets().is_locked(self.key)

    def default_value(self) -> T:
        """IT's preset where there is one, else the built-in default."""
        builtin = self.default() if callable(self.default) else self.default
        preset = presets().value(self.key)
        return builtin if preset is None else _convert(preset, self.type, builtin)

    def get(self) -> T:
        if self.locked:
            return self.default_value()
        raw = store().value(self.key)
        if raw is None:
            return self.default_value()
        value: T = _convert(raw, self.type, self.default_value())
        return value

    def set(self, value: T) -> None:
        if self.locked:
            log.info("Setting %s is locked by the organisation's presets; not changed", self.key)
            return
        store().setValue(self.key, value)

    def reset(self) -> None:
        store().remove(self.key)


def _convert(raw: Any, kind: type, fallback: Any) -> Any:
    try:
        if kind is bool:
            if isinstance(raw, str):
                return raw.strip().lower() in ("1", "true", "yes", "on")
            return bool(raw)
        if kind is int:
            return int(raw)
        if kind is QByteArray:
            return raw if isinstance(raw, QByteArray) else QByteArray(raw)
        if kind is list:
            if raw in ("", None):
                return []
            return list(raw) if isinstance(raw, list | tuple) else [raw]
        return kind(raw)
    except (TypeError, ValueError):
        return fallback


@dataclass(frozen=True)
class Presets:
    """The system-wide presets file as read: values by setting key, and the locked keys."""

    path: str = ""
    values: dict[str, str] | None = None
    locked_keys: frozenset[str] = frozenset()

    def value(self, key: str) -> str | None:
        return (self.values or {}).get(key)

    def is_locked(self, key: str) -> bool:
        return key in self.locked_keys and self.value(key) is not None


_presets: tuple[tuple[str, int], Presets] | None = None


def _read_presets(path: str) -> Presets:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8-sig") as handle:
            parser.read_file(handle)
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        log.warning("Presets file %s not used: %s", path, exc)
        return Presets(path)
    values: dict[str, str] = {}
    locked: set[str] = set()
    for section in parser.sections():
        for name, raw in parser.items(section):
            if section == "locked":
                if _convert(raw, bool, False):
                    locked.add(name.replace("_", "/", 1))
            else:
                values[f"{section}/{name}"] = raw.strip()
    return Presets(path, values, frozenset(locked))


def presets() -> Presets:
    """The presets file of this computer, read again when it changes (cheap: one stat)."""
    global _presets
    path = str(paths.presets_path())
    try:
        stamp = (path, os.stat(path).st_mtime_ns)
    except OSError:
        return Presets(path)
    if _presets is None or _presets[0] != stamp:
        _presets = (stamp, _read_presets(path))
        if _presets[1].values:
            log.info("Presets from %s: %s", path, ", ".join(sorted(_presets[1].values)))
    return _presets[1]


_settings: QSettings | None = None
_settings_path: str | None = None


def store() -> QSettings:
    """The settings file of the current data folder (re-opened when the folder changes)."""
    global _settings, _settings_path
    path = str(paths.data_dir() / "settings.ini")
    if _settings is None or _settings_path != path:
        if _settings is not None:
            _settings.sync()
        _settings = QSettings(path, QSettings.Format.IniFormat)
        _settings_path = path
    return _settings


def sync() -> None:
    if _settings is not None:
        _settings.sync()


def _hostname() -> str:
    return socket.gethostname().split(".")[0] or "werkplek"


# -- The station --------------------------------------------------------------------------
STATION_NAME = Setting(
    "station/name", str, _hostname, QT_TRANSLATE_NOOP("Settings", "Workstation name")
)
STATION_LOCATION = Setting(
    "station/location", str, "", QT_TRANSLATE_NOOP("Settings", "Location of this workstation")
)
REPORTER_NAME = Setting(
    "station/reporter", str, "", QT_TRANSLATE_NOOP("Settings", "Your name (used as reporter)")
)

# -- Interface ------------------------------------------------------------------------------
LANGUAGE = Setting(
    "ui/language",
    str,
    "nl",
    QT_TRANSLATE_NOOP("Settings", "Language: nl, en, or system (follow the system)"),
)
WINDOW_GEOMETRY = Setting(
    "ui/geometry", QByteArray, QByteArray, QT_TRANSLATE_NOOP("Settings", "Window geometry")
)
WINDOW_STATE = Setting(
    "ui/state", QByteArray, QByteArray, QT_TRANSLATE_NOOP("Settings", "Window state")
)

# -- Alarm ------------------------------------------------------------------------------------
# Not Ctrl+Alt+F1-F12: X11 keeps those for switching to a text console.
ALARM_HOTKEY = Setting(
    "alarm/hotkey", str, "Ctrl+Shift+F12", QT_TRANSLATE_NOOP("Settings", "Alarm key")
)
ALARM_SOUND = Setting(
    "alarm/sound",
    bool,
    True,
    QT_TRANSLATE_NOOP("Settings", "Play a sound when a colleague raises an alarm"),
)
ALARM_TEST_SOUND = Setting(
    "alarm/test_sound",
    bool,
    False,
    QT_TRANSLATE_NOOP("Settings", "Play the sound for test alarms too"),
)
ALARM_LAN_INTERFACE = Setting(
    "alarm/lan_interface",
    str,
    "",
    QT_TRANSLATE_NOOP("Settings", "Network for alarms between stations"),
)
ALARM_LAN_PORT = Setting(
    "alarm/lan_port",
    int,
    47470,
    QT_TRANSLATE_NOOP("Settings", "UDP port for alarms between stations"),
)
ALARM_LAN_GROUP = Setting(
    "alarm/lan_group",
    str,
    "239.255.47.47",
    QT_TRANSLATE_NOOP("Settings", "Multicast group (empty: broadcast)"),
)
# The site's LAN beacon as the administrator set it on the server (Beheer > Alarmering),
# learnt by heartbeat or stream: a port of 0 or an empty group means "not set there" and the
# station's own ALARM_LAN_PORT / ALARM_LAN_GROUP apply.
ALARM_LAN_SITE_PORT = Setting(
    "alarm/site_lan_port",
    int,
    0,
    QT_TRANSLATE_NOOP("Settings", "UDP port for alarms set by the server"),
)
ALARM_LAN_SITE_GROUP = Setting(
    "alarm/site_lan_group",
    str,
    "",
    QT_TRANSLATE_NOOP("Settings", "Multicast group set by the server"),
)
ALARM_LAN_SITE_ENABLED = Setting(
    "alarm/site_lan_enabled",
    bool,
    True,
    QT_TRANSLATE_NOOP("Settings", "Alarms between workstations allowed by the server"),
)
SITE_ID = Setting(
    "station/site_id",
    str,
    "default",
    QT_TRANSLATE_NOOP("Settings", "Site (stations of one site alarm each other)"),
)
STATION_ID = Setting(
    "station/id", str, "", QT_TRANSLATE_NOOP("Settings", "Workstation id (made once, never shown)")
)

# -- Organisation (the letterhead of documents when no server gives it) -----------------------
ORGANISATION_NAME = Setting(
    "organisation/name", str, "", QT_TRANSLATE_NOOP("Settings", "Organisation name for documents")
)
ORGANISATION_ADDRESS = Setting(
    "organisation/address",
    str,
    "",
    QT_TRANSLATE_NOOP("Settings", "Organisation postal address for documents"),
)

# -- Server ------------------------------------------------------------------------------------
SERVER_URL = Setting("server/url", str, "", QT_TRANSLATE_NOOP("Settings", "Server address"))
SERVER_CA_FILE = Setting(
    "server/ca_file", str, "", QT_TRANSLATE_NOOP("Settings", "Organisation CA certificate file")
)
# Filled in by enrolment ("Koppelen met server"); names only, never a token or key.
SERVER_ORG_NAME = Setting("server/org_name", str, "", QT_TRANSLATE_NOOP("Settings", "Organisation"))
SERVER_SITE_NAME = Setting("server/site_name", str, "", QT_TRANSLATE_NOOP("Settings", "Site"))
SERVER_SITE_ID = Setting(
    "server/site_id", str, "", QT_TRANSLATE_NOOP("Settings", "Site id on the server")
)
SERVER_WORKSTATION_ID = Setting(
    "server/workstation_id", str, "", QT_TRANSLATE_NOOP("Settings", "Workstation id on the server")
)
#: The location the administrator last gave this workstation on the server: a different one
#: heard from the server is a move (Beheer > Werkplekken), and replaces the local location.
SERVER_LOCATION = Setting(
    "server/location", str, "", QT_TRANSLATE_NOOP("Settings", "Location set on the server")
)

# -- Session (the signed-in user; the token itself is in the keyring) -------------------------
LOGGED_IN_USER = Setting(
    "session/display_name", str, "", QT_TRANSLATE_NOOP("Settings", "Signed-in user (reporter name)")
)
LOGGED_IN_USERNAME = Setting(
    "session/username", str, "", QT_TRANSLATE_NOOP("Settings", "Signed-in username")
)
LOGGED_IN_ROLE = Setting(
    "session/role", str, "", QT_TRANSLATE_NOOP("Settings", "Role of the signed-in user")
)
LOGGED_IN_USER_ID = Setting(
    "session/user_id", str, "", QT_TRANSLATE_NOOP("Settings", "Id of the signed-in user")
)
#: From the server's /me answer at sign-in: employees of this site may read its log.
SITE_SHARES_LOG = Setting(
    "session/site_shares_log",
    bool,
    False,
    QT_TRANSLATE_NOOP("Settings", "The site shares its log with employees"),
)

# -- Logboek ----------------------------------------------------------------------------------
#: The Logboek's saved filters, per user: JSON {"<user>": {"<name>": {filter}}}.
LOG_SAVED_FILTERS = Setting(
    "log/saved_filters", str, "", QT_TRANSLATE_NOOP("Settings", "Saved filters of the log")
)

# -- Guidance ---------------------------------------------------------------------------------
GUIDANCE_REFRESH_MONTHS = Setting(
    "guidance/refresh_months", int, 6, "Months between refreshers (one reminder)"
)

# -- Toezicht ---------------------------------------------------------------------------------
#: Drop-outs and test reminders already told on this station ("dropout:<id>",
#: "test:<workstation>:<date>"): each is told once, also across restarts.
SUPERVISION_TOLD = Setting(
    "supervision/told",
    list,
    list,
    QT_TRANSLATE_NOOP("Settings", "Supervision notices already given"),
)

ALL: tuple[Setting[Any], ...] = tuple(
    value for value in globals().values() if isinstance(value, Setting)
)
