"""Client entry point: parse the command line, set up logging and language, open the local
store, build the services and show the main window.

One instance per data folder: a second launch asks the first one (over a QLocalServer) to
come to the front and exits.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import logging
import logging.handlers
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QMessageBox

from veiligbalie import pyside_hook

pyside_hook.install()  # before the project's own imports: each one passes PySide6's hook

from veiligbalie import __version__, paths, settings  # noqa: E402

if TYPE_CHECKING:
    from veiligbalie.services.context import AppContext

log = logging.getLogger("veiligbalie")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="veiligbalie",
        description="VeiligBalie: alarm, incident registration and follow-up at the counter.",
    )
    parser.add_argument("--data-dir", help="folder for the local database, settings and logs")
    parser.add_argument("--lang", choices=("nl", "en"), help="language of the interface")
    parser.add_argument("--version", action="version", version=f"VeiligBalie {__version__}")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="start, open the database, show the main window, check the shipped files "
        "(icons, sound, translations, guidance, fonts), print what was found and exit: 0 when "
        "all is well. Offscreen unless QT_QPA_PLATFORM says otherwise; use with --data-dir "
        "on a throwaway folder (installers and packaging tests)",
    )
    parser.add_argument(
        "--no-single-instance",
        action="store_true",
        help=argparse.SUPPRESS,  # several stations on one machine for tests use --data-dir
    )
    return parser.parse_args(list(argv))


def setup_logging() -> Path:
    """One rotating log file in the log folder; never a secret or a perpetrator's name."""
    logfile = paths.log_dir() / "veiligbalie.log"
    handler = logging.handlers.RotatingFileHandler(
        logfile, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_veiligbalie", False)]:
        root.removeHandler(old)
        old.close()
    handler._veiligbalie = True  # type: ignore[attr-defined]  # our marker on a stdlib handler, found again above
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return logfile


def choose_language(cli: str | None) -> str:
    """--lang, then VEILIGBALIE_LANG, then the setting (Dutch unless chosen otherwise).

    VeiligBalie serves Dutch public counters, so Dutch is the default even on a machine with
    an English locale; "system" in the settings follows the system's language instead.
    """
    for candidate in (cli, os.environ.get("VEILIGBALIE_LANG"), settings.LANGUAGE.get()):
        if candidate in ("nl", "en"):
            return candidate
        if candidate == "system":
            return "nl" if QLocale.system().language() == QLocale.Language.Dutch else "en"
    return "nl"


_MNEMONIC = re.compile(r"&(?=[^&\s])")


class QtMnemonicFallback(QTranslator):
    """Qt 6 gave some of its own texts a mnemonic ("&Look in:", "Files of &type:") that its
    Dutch catalogue still knows only without one. Such a text is looked up again without
    the mnemonic, so Qt's file dialog says "Zoeken in:" instead of falling back to English.
    Installed first, so it is asked last: a real translation always wins."""

    def translate(  # noqa: N802 (Qt naming)
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        if not context.startswith("Q") or "&" not in source:
            return None
        plain = _MNEMONIC.sub("", source, count=1)
        if plain == source:
            return None
        found = QCoreApplication.translate(context, plain, disambiguation, n)
        return found if found != plain else None

    def isEmpty(self) -> bool:  # noqa: N802 (Qt naming)
        return False


def install_translations(
    app: QApplication, language: str, *, mnemonic_fallback: bool = True
) -> list[QTranslator]:
    """Our strings and Qt's own (its dialogs: buttons, labels, the file dialog), kept alive
    by the returned list; dates and numbers follow the language through the default locale.

    Install translations before any network thread runs (as ``main`` does): Qt's network
    threads translate their error texts under the translators' read lock, and a translator
    written in Python (:class:`QtMnemonicFallback`) then waits for the GIL, while
    ``installTranslator`` holds the GIL waiting for the write lock. Code that must switch
    languages while connections are live passes ``mnemonic_fallback=False``: only compiled
    catalogues, which need no GIL."""
    translators: list[QTranslator] = []
    if language == "en":
        return translators
    if mnemonic_fallback:
        translators.append(QtMnemonicFallback(app))
    ours = QTranslator(app)
    if ours.load(str(paths.i18n_dir() / f"veiligbalie_{language}.qm")):
        translators.append(ours)
    else:
        log.warning("Translation veiligbalie_%s.qm not found; run 'make setup'", language)
    # qt_<lang> is Qt's catalogue of catalogues: qtbase (dialogs, buttons), qtmultimedia and
    # the rest it names, each loaded from the same folder.
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_own = QTranslator(app)
    if qt_own.load(f"qt_{language}", qt_dir) or qt_own.load(f"qtbase_{language}", qt_dir):
        translators.append(qt_own)
    else:
        log.warning("Qt's own %s translations not found in %s", language, qt_dir)
    for translator in translators:
        app.installTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
    return translators


def instance_name() -> str:
    """One instance per data folder and user."""
    digest = hashlib.sha256(str(paths.data_dir()).encode()).hexdigest()[:16]
    return f"veiligbalie-{digest}"


def ask_running_instance_to_show(name: str) -> bool:
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(500):
        return False
    socket.write(b"show\n")
    socket.flush()
    socket.waitForBytesWritten(500)
    socket.disconnectFromServer()
    return True


def listen_for_second_launch(name: str, on_show: Callable[[], object]) -> QLocalServer:
    server = QLocalServer()
    server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
    if not server.listen(name):
        # A stale socket file from a crashed instance: nobody answered above, so remove it.
        QLocalServer.removeServer(name)
        server.listen(name)

    def accept() -> None:
        while server.hasPendingConnections():
            conn = server.nextPendingConnection()
            conn.readyRead.connect(lambda c=conn: (c.readAll(), on_show()))
            conn.disconnected.connect(conn.deleteLater)

    server.newConnection.connect(accept)
    return server


def has_display() -> bool:
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.smoke_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        args.no_single_instance = True
    if not has_display():
        print(
            "VeiligBalie needs a display, and none was found (DISPLAY and WAYLAND_DISPLAY are "
            "empty).\nStart it from a desktop session, or on a headless machine under a "
            "virtual screen: xvfb-run -a veiligbalie",
            file=sys.stderr,
        )
        return 1
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    logfile = setup_logging()
    log.info("VeiligBalie %s starting; data folder %s", __version__, paths.data_dir())

    app = QApplication.instance() or QApplication(sys.argv[:1])
    if not isinstance(app, QApplication):  # widgets need a QApplication, not a Core/Gui one
        raise RuntimeError(f"VeiligBalie needs a QApplication, found a {type(app).__name__}")
    app.setApplicationName("VeiligBalie")
    app.setOrganizationName("VeiligBalie")
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(False)

    name = instance_name()
    if not args.no_single_instance and ask_running_instance_to_show(name):
        log.info("Another VeiligBalie runs on this data folder; asked it to come forward")
        return 0

    language = choose_language(args.lang)
    translators = install_translations(app, language)

    # Step one: the window with its alarm button, on screen as fast as a bare Qt window.
    from veiligbalie.ui.main_window import MainWindow

    window = MainWindow()
    server = (
        None if args.no_single_instance else listen_for_second_launch(name, window.bring_to_front)
    )
    window.show()
    probe = bool(os.environ.get("VEILIGBALIE_STARTUP_PROBE"))
    if probe:
        app.processEvents()  # the first frame is painted
        print("SHOWN", flush=True)
    log.info("Main window shown; log file %s", logfile)

    # Step two, on the next turn of the event loop: database, services, the areas.
    opened: list[AppContext] = []

    def start_services() -> None:
        from veiligbalie.protocol import base as wire

        # The wire schemas the alarm path imports are built on the next turn (complete()),
        # not while they are imported: the alarm path is live ~0.1 s sooner.
        wire.defer_builds()
        context = open_services(app)
        if context is None:
            app.exit(3)
            return
        opened.append(context)
        window.attach(context)
        if probe:
            # READY: store open, sync engine started, the alarm paths (LAN beacon, server
            # stream) configured and the alarm button attached; the area on screen (the form)
            # is built on the next turn and says FORM.
            print("READY", flush=True)
            window.first_area_shown.connect(lambda: (print("FORM", flush=True), app.quit()))
            return
        from veiligbalie import secrets  # the keyring's import is not needed for the first frame

        log.info("Services started; credentials backend: %s", secrets.backend_description())
        # What exists once the services and the first area are up (modules, widgets,
        # services) lives as long as the app: out of every collection from then on, so a
        # collection that falls inside an alarm walks only what was made since, not the whole
        # start-up (seen as a 2-5 ms young collection in the middle of LAN alarms; the server
        # does the same, veiligbalie/server/gc_tuning.py). Freezing is O(1); cyclic garbage of
        # the start-up, if any, is kept once.
        gc.freeze()
        window.first_area_shown.connect(gc.freeze)
        if args.smoke_test:
            try:
                problems = smoke_check(language)
            except Exception:  # a check that cannot even run fails the test, never hangs it
                log.exception("smoke: a check failed to run")
                print("smoke: FAILED (a check failed to run; see the log)", flush=True)
                problems = ["smoke check"]
            app.exit(0 if not problems else 4)
            return
        window.offer_draft_recovery()
        QTimer.singleShot(WARM_UP_DELAY_MS, warm_up_documents)

    QTimer.singleShot(0, start_services)
    status = app.exec()
    window.save_geometry()
    for context in opened:
        context.close()
    settings.sync()
    del translators, server
    return status


#: How long after start the document modules are loaded in the background.
WARM_UP_DELAY_MS = 3000


#: reportlab's modules the documents use: a third-party library only, so importing it on
#: another thread cannot meet an import of the GUI thread half-way (the project's own small
#: report modules are imported where a document is made).
REPORTLAB_MODULES = (
    "reportlab.platypus",
    "reportlab.pdfgen.canvas",
    "reportlab.lib.styles",
    "reportlab.pdfbase.ttfonts",
    "reportlab.graphics.shapes",
    "reportlab.graphics.charts.barcharts",
)


def warm_up_documents() -> None:
    """Import reportlab (~0.2-0.4 s) on a worker thread, seconds after the alarm path is
    live: start-up does not wait on it, and the first document made later does not pause
    the GUI thread to import it."""
    import importlib
    import threading

    def load() -> None:
        for name in REPORTLAB_MODULES:
            try:
                importlib.import_module(name)
            except Exception:  # the document itself will say what is wrong
                log.exception("Loading %s in the background failed", name)

    threading.Thread(target=load, name="warm-up-documents", daemon=True).start()


def smoke_check(language: str) -> list[str]:
    """What ``--smoke-test`` checks once the window shows and the services run: the shipped
    files are found through the package, the database opened. Prints one line per check and
    returns the problems (empty: all is well)."""
    from PySide6.QtGui import QIcon

    from veiligbalie import secrets
    from veiligbalie.guidance import GuidanceError, read_folder

    resources = paths.resources_dir()
    problems: list[str] = []

    def check(what: str, ok: bool, detail: str) -> None:
        line = f"smoke: {'ok  ' if ok else 'FAIL'} {what}: {detail}"
        print(line, flush=True)  # a windowed Windows build has no stdout: the log has it too
        log.info("%s", line)
        if not ok:
            problems.append(what)

    check("window", True, "main window shown")
    database = paths.database_path()
    check("database", database.exists(), str(database))
    check("resources", resources.is_dir(), str(resources))
    check(
        "icon",
        not QIcon(str(resources / "icons" / "veiligbalie.svg")).isNull(),
        "icons/veiligbalie.svg",
    )
    check("sound", (resources / "sounds" / "alarm.wav").is_file(), "sounds/alarm.wav")
    check("fonts", (resources / "fonts" / "DejaVuSans.ttf").is_file(), "fonts/DejaVuSans.ttf")
    try:  # the alarm sound's backend (a Qt plugin and the system's sound libraries)
        from PySide6.QtMultimedia import QMediaFormat
    except ImportError as exc:  # e.g. libpulse.so.0 missing on a Linux machine
        check("multimedia", False, f"QtMultimedia cannot be loaded: {exc}")
    else:
        decodes = QMediaFormat().supportedFileFormats(QMediaFormat.ConversionMode.Decode)
        wave = QMediaFormat.FileFormat.Wave in decodes
        formats = f"{len(decodes)} formats, WAVE {'among them' if wave else 'missing'}"
        check("multimedia", wave, formats)
    try:
        cards = sum(len(v) for v in read_folder(resources / "guidance").cards.values())
    except (OSError, GuidanceError) as exc:  # reported, not raised: the smoke test says what
        cards, detail = 0, str(exc)
    else:
        detail = f"{cards} cards"
    check("guidance", cards > 0, detail)
    qm = paths.i18n_dir() / "veiligbalie_nl.qm"
    check("translations", QTranslator().load(str(qm)), str(qm))
    check("keyring", True, secrets.backend_description())
    verdict = f"smoke: language {language}; {'passed' if not problems else 'FAILED'}"
    print(verdict, flush=True)
    log.info("%s", verdict)
    return problems


def open_services(app: QApplication) -> AppContext | None:
    """Open the local store and build the services the first alarm needs (the window builds
    the rest on the next turn); None (after telling the user) when the database cannot be
    used."""
    from veiligbalie.services.context import AppContext
    from veiligbalie.store.database import Database, NotADatabaseError, SchemaTooNewError

    try:
        db = Database.open()
    except (SchemaTooNewError, NotADatabaseError) as exc:
        log.error("%s", exc)
        newer = isinstance(exc, SchemaTooNewError)
        QMessageBox.critical(
            None,
            "VeiligBalie",
            (
                app.translate(
                    "App",
                    "The local database was written by a newer version of VeiligBalie. "
                    "It has not been changed. Install the newer version to continue.",
                )
                if newer
                else app.translate(
                    "App",
                    "The local database file is damaged or is not a VeiligBalie database. "
                    "It has not been changed. Ask your administrator for help.",
                )
            )
            + f"\n\n{paths.database_path()}",
        )
        return None
    # What the first alarm needs; the window completes the rest on the next turn.
    return AppContext.open_alarm_path(db)


if __name__ == "__main__":
    raise SystemExit(main())
