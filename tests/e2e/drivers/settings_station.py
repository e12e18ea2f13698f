"""A client process with Instellingen, for the tests of linking: the real AppContext (as
alarm_station.py --app builds it) on a data folder, with the settings page offscreen.

Commands on stdin (one per line), answers as JSON lines on stdout: those of
alarm_station.py (``enrol <url> <code>``, ``status``, ``quit``...) plus ``settings``, which
prints what Instellingen shows about the link and where its credential is kept.

``--no-keyring``: keyring's "fail" backend, as on a Linux PC without a Secret Service.
"""

from __future__ import annotations

import argparse
import os
import sys

from tests.e2e.drivers.alarm_station import Driver, emit, main_app


class SettingsDriver(Driver):
    def command(self, words: list[str]) -> None:
        if words[:1] != ["settings"]:
            super().command(words)
            return
        from veiligbalie.ui.settings_view import SettingsView

        view = SettingsView(self.context)
        view.refresh()
        emit(
            "settings",
            enrolled=self.context.session.enrolled,
            link_state=view.server_settings.link_state.text(),
            credential=view.keyring_state.text(),
            site=view.alarm_settings.site_name.text(),
            lan_status=view.alarm_settings.lan_status.text(),
        )
        view.deleteLater()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--no-keyring", action="store_true")
    options = parser.parse_args(argv)
    os.environ["VEILIGBALIE_DATA_DIR"] = options.data_dir
    options.port = options.group = None  # no LAN of the test's choosing
    return main_app(options, SettingsDriver, os_keyring=not options.no_keyring)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
