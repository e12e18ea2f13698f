"""The alarm paths as the widgets and the app's context see them.

The transports themselves live in :mod:`veiligbalie.net.alarm_paths`; they are re-exported
here so widgets (the alarm settings) depend on services only, never on net.
"""

from __future__ import annotations

from veiligbalie.net.alarm_paths import (
    SITE_KEY_SECRET,
    LanAlarmPath,
    ServerAlarmPath,
    lan_group,
    lan_port,
    lan_set_by_server,
    load_site_key,
    store_site_key,
)

__all__ = [
    "SITE_KEY_SECRET",
    "LanAlarmPath",
    "ServerAlarmPath",
    "lan_group",
    "lan_port",
    "lan_set_by_server",
    "load_site_key",
    "store_site_key",
]
