"""AdminAlarmService: the administrator's alarm set-up per site (Beheer, Alarmering).

Reads and changes, through the server's admin API with the signed-in administrator's token,
a site's escalation ladder (levels, webhook URL and write-only signing secret, back to the
built-in default), the webhook test, and the LAN beacon port, group and switch the site's
workstations take over. It refuses nothing itself: the server validates, and its message
(the same as the ``admin`` command line's) reaches the page as it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from PySide6.QtCore import QCoreApplication, Signal

from veiligbalie.core.vocabulary import Role
from veiligbalie.protocol.admin import SiteOut
from veiligbalie.protocol.alarm_server import COLLEAGUES, EscalationLevelModel, EscalationOut
from veiligbalie.protocol.site_alarm import SiteLanIn, SiteLanOut, WebhookTestOut
from veiligbalie.services.session import OwnNameService

__all__ = [
    "COLLEAGUES",
    "AdminAlarmService",
    "EscalationLevelModel",
    "EscalationOut",
    "LevelDraft",
    "SiteLanOut",
    "SiteOut",
    "WebhookTestOut",
    "TARGETS",
]

#: What a level may alert, in the order the page offers them: every colleague of the site,
#: or one or more roles.
TARGETS: tuple[str, ...] = (
    COLLEAGUES,
    Role.SECURITY.value,
    Role.TEAM_LEAD.value,
    Role.COORDINATOR.value,
    Role.PEER_SUPPORT.value,
    Role.EMPLOYEE.value,
    Role.ADMINISTRATOR.value,
)

_SITES = TypeAdapter(list[SiteOut])


@dataclass(frozen=True)
class LevelDraft:
    """One level as the page edits it (not yet checked: the server does that)."""

    delay_seconds: float
    targets: tuple[str, ...]
    webhook: bool

    @classmethod
    def of(cls, level: EscalationLevelModel) -> LevelDraft:
        return cls(level.delay_seconds, tuple(level.targets), level.webhook)


class AdminAlarmService(OwnNameService):
    """Each request answers with one signal: the result, or ``failed(what, message)`` where
    ``what`` is "sites", "escalation", "save", "reset", "test", "lan" or "lan_save"."""

    sites_loaded = Signal(list)  # list[SiteOut]
    escalation_loaded = Signal(EscalationOut)  # after a read, a save or a reset
    lan_loaded = Signal(SiteLanOut)  # after a read or a save
    webhook_tested = Signal(WebhookTestOut)
    failed = Signal(str, str)

    # -- requests ----------------------------------------------------------------------------
    def _call(
        self,
        what: str,
        method: str,
        path: str,
        body: Any,
        model: Any,
        done: Callable[[Any], None],
    ) -> bool:
        return self._ask(
            method,
            f"/admin{path}",
            body,
            model,
            done,
            lambda message: self.failed.emit(what, message),
            forbidden=QCoreApplication.translate(
                "AdminAlarmService", "Only an administrator may do this."
            ),
            signed_out=QCoreApplication.translate(
                "AdminAlarmService", "Sign in as administrator on a linked workstation first."
            ),
        )

    def load_sites(self) -> bool:
        return self._call("sites", "GET", "/sites", None, _SITES, self.sites_loaded.emit)

    def load_escalation(self, site_id: uuid.UUID) -> bool:
        return self._call(
            "escalation",
            "GET",
            f"/sites/{site_id}/escalation",
            None,
            EscalationOut,
            self.escalation_loaded.emit,
        )

    def save_escalation(
        self,
        site_id: uuid.UUID,
        levels: list[LevelDraft],
        webhook_url: str,
        new_secret: str | None,
    ) -> bool:
        """Store the ladder. ``new_secret`` None keeps the stored secret; the URL "" means
        no webhook. The levels go as drafted: the server says what is wrong with them."""
        body = {
            "levels": [
                {
                    "delay_seconds": level.delay_seconds,
                    "targets": list(level.targets),
                    "webhook": level.webhook,
                }
                for level in levels
            ],
            "webhook_url": webhook_url.strip() or None,
            "webhook_secret": new_secret,
        }
        if not levels:  # min_length 1 on the server; its message is a schema one
            self.failed.emit(
                "save",
                QCoreApplication.translate(
                    "AdminAlarmService", "Give at least one level, or reset to the default."
                ),
            )
            return False
        return self._call(
            "save",
            "PUT",
            f"/sites/{site_id}/escalation",
            body,
            EscalationOut,
            self.escalation_loaded.emit,
        )

    def reset_escalation(self, site_id: uuid.UUID) -> bool:
        return self._call(
            "reset",
            "DELETE",
            f"/sites/{site_id}/escalation",
            None,
            EscalationOut,
            self.escalation_loaded.emit,
        )

    def test_webhook(self, site_id: uuid.UUID) -> bool:
        return self._call(
            "test",
            "POST",
            f"/sites/{site_id}/escalation/webhook-test",
            None,
            WebhookTestOut,
            self.webhook_tested.emit,
        )

    def load_lan(self, site_id: uuid.UUID) -> bool:
        return self._call(
            "lan", "GET", f"/sites/{site_id}/lan", None, SiteLanOut, self.lan_loaded.emit
        )

    def save_lan(
        self, site_id: uuid.UUID, port: int | None, group: str | None, enabled: bool
    ) -> bool:
        body = SiteLanIn(port=port, group=group or None, enabled=enabled)
        return self._call(
            "lan_save", "PUT", f"/sites/{site_id}/lan", body, SiteLanOut, self.lan_loaded.emit
        )
