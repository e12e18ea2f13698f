"""The services of one running client, built once by app.py and handed to the UI."""

from __future__ import annotations

from dataclasses import dataclass

from veiligbalie.services.alarms import AlarmService
from veiligbalie.services.incidents import IncidentService
from veiligbalie.store.database import Database


@dataclass
class AppContext:
    db: Database
    incidents: IncidentService
    alarms: AlarmService

    @classmethod
    def open(cls, db: Database) -> AppContext:
        return cls(db=db, incidents=IncidentService(db), alarms=AlarmService(db))

    def close(self) -> None:
        self.db.close()
