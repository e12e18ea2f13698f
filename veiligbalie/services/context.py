"""The services of one running client, built once by app.py and handed to the UI."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QGuiApplication

from veiligbalie import settings
from veiligbalie.services.alarm_paths import LanAlarmPath
from veiligbalie.services.alarms import AlarmService
from veiligbalie.services.hotkey import GlobalHotkey
from veiligbalie.services.incidents import IncidentService
from veiligbalie.store.database import Database


@dataclass
class AppContext:
    db: Database
    incidents: IncidentService
    alarms: AlarmService
    # The LAN alarm path (silent until a site key and a network are set) and the global key.
    lan_alarms: LanAlarmPath | None = field(default=None)
    hotkey: GlobalHotkey | None = field(default=None)

    @classmethod
    def open(cls, db: Database) -> AppContext:
        alarms = AlarmService(db)
        lan = LanAlarmPath(parent=alarms)
        alarms.add_path(lan)
        lan.configure_from_settings(alarms.identity)
        hotkey = GlobalHotkey(alarms)
        hotkey.activated.connect(lambda: alarms.raise_alarm())
        if QGuiApplication.instance() is not None:
            hotkey.register(settings.ALARM_HOTKEY.get())
        return cls(
            db=db,
            incidents=IncidentService(db),
            alarms=alarms,
            lan_alarms=lan,
            hotkey=hotkey,
        )

    def close(self) -> None:
        if self.hotkey is not None:
            self.hotkey.unregister()
        if self.lan_alarms is not None:
            self.lan_alarms.close()
        self.db.close()
