"""The services of one running client, built once by app.py and handed to the UI: first what
the first alarm needs (:meth:`AppContext.open_alarm_path`), then the rest
(:meth:`AppContext.complete`) on the next turn of the event loop."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication

from veiligbalie import settings
from veiligbalie.net.alarm_paths import LanAlarmPath, ServerAlarmPath, load_site_key
from veiligbalie.net.api import ServerApi
from veiligbalie.net.stream import Stream
from veiligbalie.services.alarms import AlarmService
from veiligbalie.services.hotkey import GlobalHotkey
from veiligbalie.services.incidents import IncidentService
from veiligbalie.services.organisation import OrganisationProfile
from veiligbalie.services.session import Session
from veiligbalie.services.sync import SyncEngine
from veiligbalie.store.database import Database

if TYPE_CHECKING:
    # Built by AppContext.complete, after the alarm path is live: imported there.
    from veiligbalie.services.attachments import AttachmentService
    from veiligbalie.services.dossier import DossierService
    from veiligbalie.services.followup import FollowUpService
    from veiligbalie.services.guidance import GuidanceLibrary, GuidanceSync
    from veiligbalie.services.letterhead import LetterheadService


@dataclass
class AppContext:
    db: Database
    incidents: IncidentService
    alarms: AlarmService
    # The LAN alarm path (silent until a site key and a network are set) and the global key.
    lan_alarms: LanAlarmPath | None = field(default=None)
    hotkey: GlobalHotkey | None = field(default=None)
    # Server link: who we are to the server, and the engine that keeps data in step.
    session: Session | None = field(default=None)
    sync: SyncEngine | None = field(default=None)
    # The alarm path through the server: its own stream in the workstation's name.
    server_alarms: ServerAlarmPath | None = field(default=None)
    # What the LAN beacon was last started with (station id, site, key), to restart it
    # only when enrolment changed one of them.
    _lan_started: tuple[uuid.UUID, str, bytes | None, str] | None = field(default=None, repr=False)
    # Hulp: shipped and organisation cards, refresher, prevention; their own small sync.
    guidance: GuidanceLibrary | None = field(default=None)
    guidance_sync: GuidanceSync | None = field(default=None)
    # Opening a report's evidence: from this workstation, or fetched from the server.
    attachments: AttachmentService | None = field(default=None)
    # Opvolging: follow-up tasks across reports and alarms without a report.
    followup: FollowUpService | None = field(default=None)
    # The perpetrator dossier (reviewers) and the counter's measure lookup (everyone).
    dossier: DossierService | None = field(default=None)
    # Documents: the letterhead cached from the server, the police sheet and letters.
    organisation: OrganisationProfile | None = field(default=None)
    documents: LetterheadService | None = field(default=None)

    @classmethod
    def open(cls, db: Database) -> AppContext:
        """Every service at once (tests, tools): :meth:`open_alarm_path` then :meth:`complete`."""
        context = cls.open_alarm_path(db)
        context.complete()
        return context

    @classmethod
    def open_alarm_path(cls, db: Database) -> AppContext:
        """What the first alarm needs, live: the local store, the alarm service with its LAN
        beacon and server stream, the global key, the session and the sync engine (started).
        The rest (Hulp, follow-up, documents, evidence, the dossier) comes with
        :meth:`complete`, which the client calls on the next turn of its event loop."""
        # "Ik kom eraan" carries the signed-in person's name where there is one, so the
        # sender and colleagues read "Marieke de Wit (balie-4)", not only the workstation.
        alarms = AlarmService(db, responder_name=lambda: session.user_display_name)
        lan = LanAlarmPath(parent=alarms)
        alarms.add_path(lan)
        identity = alarms.identity
        lan.configure_from_settings(identity)
        server_alarms = ServerAlarmPath(
            Stream(alarms), ServerApi(alarms), alarms, identity=lambda: alarms.identity
        )
        alarms.add_path(server_alarms)
        # The administrator's LAN port, group and switch for the site (Beheer > Alarmering):
        # told on every connect and at once when changed; the beacon restarts with them.
        server_alarms.site_lan.connect(lan.apply_site_lan)
        hotkey = GlobalHotkey(alarms)
        hotkey.activated.connect(lambda: alarms.raise_alarm())
        if QGuiApplication.instance() is not None:
            hotkey.register(settings.ALARM_HOTKEY.get())
        incidents = IncidentService(db)
        session = Session(alarms, device_id=lambda: db.device_id)
        engine = SyncEngine(db, alarms)
        server_alarms.also_hear(engine.stream)
        # Before the first pull: working-day deadlines planned here (and for pulled reports)
        # skip the organisation's closing days.
        organisation = OrganisationProfile(
            lambda: engine.api if engine.configured else None, parent=incidents
        )
        # Each finished sync also brings the letterhead and the letter templates up to date.
        engine.synced.connect(lambda: organisation.refresh(force=False))
        incidents.closed_days = organisation.closing_days
        engine.logic.pulled.closed_days = organisation.closing_days
        context = cls(
            db=db,
            organisation=organisation,
            incidents=incidents,
            alarms=alarms,
            lan_alarms=lan,
            hotkey=hotkey,
            session=session,
            sync=engine,
            server_alarms=server_alarms,
            _lan_started=(
                identity.station_id,
                identity.site_id,
                load_site_key(),
                identity.location,
            ),
        )
        # The administrator moved this workstation: the server says so, the station follows.
        server_alarms.location_heard.connect(session.adopt_server_location)
        context.wire_sync()
        engine.start()
        return context

    @property
    def completed(self) -> bool:
        return self.followup is not None

    def complete(self) -> None:
        """Build the services the first alarm does not need (once; their modules are imported
        now): Hulp and its sync, the follow-up list, documents, evidence, the dossier."""
        if self.completed:
            return
        from veiligbalie.protocol.base import build_deferred

        build_deferred()  # the wire schemas a client start-up left to now (app.py)
        from veiligbalie.services.attachments import AttachmentService
        from veiligbalie.services.dossier import DossierService
        from veiligbalie.services.followup import FollowUpService
        from veiligbalie.services.guidance import GuidanceLibrary, GuidanceSync
        from veiligbalie.services.letterhead import LetterheadService

        db, incidents, session, engine = self.db, self.incidents, self.session, self.sync
        assert session is not None and engine is not None and self.organisation is not None
        guidance = GuidanceLibrary(db)

        def reviews() -> bool:
            if not session.logged_in:
                return True  # no server: whoever works the follow-up here
            role = session.role
            return role is not None and role.reviews

        followup = FollowUpService(
            db,
            incidents,
            incidents,
            api=engine.api,
            linked=lambda: engine.configured and session.logged_in and reviews(),
            user_name=lambda: session.user_display_name or incidents.reporter_name(),
            user_id=lambda: session.user_id,
            reviews=reviews,
        )
        # A closed alarm may need follow-up (no report yet): the list looks again.
        self.alarms.closed.connect(lambda _alarm: followup.refresh_alarms())
        self.documents = LetterheadService(
            incidents,
            self.organisation,
            followup=followup,
            author=lambda: session.user_display_name or incidents.reporter_name(),
        )
        self.guidance = guidance
        self.guidance_sync = GuidanceSync(guidance, engine.stream)
        self.attachments = AttachmentService(db, engine.api, engine)
        self.dossier = DossierService.from_context(self)
        followup.dossier = self.dossier
        self.followup = followup
        self.apply_guidance_link()

    def wire_sync(self) -> None:
        """Connect session, sync engine and incident service (called once by :meth:`open`)."""
        session, engine, incidents = self.session, self.sync, self.incidents
        if session is None or engine is None:
            return
        incidents.saved.connect(engine.notify_local_change)
        incidents.changed.connect(engine.notify_local_change)
        engine.incidents_changed.connect(self._on_pulled)
        # What the form's confirmation promises follows the link and the send queue.
        engine.state_changed.connect(incidents.set_link)
        engine.pending_changed.connect(incidents.notify_delivery)
        session.device_assigned.connect(
            lambda device_id: engine.adopt_device_id(device_id, "assigned at enrolment")
        )
        session.changed.connect(self.apply_session)
        engine.auth_failed.connect(session.token_refused)
        self.apply_session()
        incidents.set_link(engine.state)

    def own_api(self) -> ServerApi | None:
        """The server link for a request in the signed-in person's own name (with
        :meth:`own_token` as its bearer; sync may speak as the station for them): the sync
        engine's, so the same server, CA and device header (the audit log names the
        station). None unless someone is signed in at a linked workstation."""
        session, engine = self.session, self.sync
        if session is None or engine is None or not engine.configured:
            return None
        return engine.api if session.logged_in else None

    def own_token(self) -> str | None:
        """The signed-in person's own token; None when nobody is."""
        return self.session.user_token() if self.session is not None else None

    def _on_pulled(self, incident_ids: list[uuid.UUID]) -> None:
        # A few known reports: refresh each (an open detail follows); else one general nudge.
        targets: list[uuid.UUID | None] = [*incident_ids] or [None]
        for incident_id in targets:
            self.incidents.notify_changed(incident_id)
        # News for the reporter (queued by the pull in the same transaction): told once.
        self.incidents.announce_news()

    def apply_session(self) -> None:
        """The server link or the signed-in user changed: tell the engine and the reporter."""
        session, engine = self.session, self.sync
        if session is None or engine is None:
            return
        self.apply_alarm_link()
        self.apply_guidance_link()
        self.incidents.set_user(session.user_display_name or None)
        try:
            token, identity = session.sync_token()
            engine.configure(session.server_url, token, session.ca_file or None, identity)
        except ValueError:
            # A CA file that went missing: stay local and let Instellingen show why.
            engine.configure("", None)

    def apply_guidance_link(self) -> None:
        """Organisation cards, prevention checks and refresher dates follow the session."""
        session, sync = self.session, self.guidance_sync
        if session is None or sync is None:
            return
        user = settings.LOGGED_IN_USERNAME.get() if session.logged_in else ""
        try:
            sync.configure(session.server_url, session.token(), session.ca_file or None, user)
        except ValueError:
            sync.configure("", None)

    def apply_alarm_link(self) -> None:
        """Enrolment changed: the server alarm path follows the workstation's token, and
        the LAN beacon restarts when the station id, site, site key or location changed."""
        session = self.session
        if self.server_alarms is not None and session is not None:
            try:
                self.server_alarms.configure(
                    session.server_url, session.workstation_token(), session.ca_file or None
                )
            except ValueError:
                self.server_alarms.configure("", None)
        if self.lan_alarms is not None:
            identity = self.alarms.identity
            wanted = (identity.station_id, identity.site_id, load_site_key(), identity.location)
            if wanted != self._lan_started:
                self._lan_started = wanted
                self.lan_alarms.configure_from_settings(identity)

    def close(self) -> None:
        if self.server_alarms is not None:
            self.server_alarms.configure("", None)
        if self.sync is not None:
            self.sync.stop()
        if self.hotkey is not None:
            self.hotkey.unregister()
        if self.lan_alarms is not None:
            self.lan_alarms.close()
        if self.followup is not None:
            self.followup.stop()
        self.db.close()
