"""SyncEngine: keeps the local store and the central server in step, on the GUI thread.

One cycle pushes the outbox in batches, then pulls by cursor until the server has no more.
Cycles run on a timer (with backoff after failures), and at once when the stream says
"changes" or something is saved here. The decisions live in :mod:`sync_logic`; this class
only moves requests and answers between it and the network.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from veiligbalie.core.text import fill
from veiligbalie.net.api import ApiError, ServerApi
from veiligbalie.net.stream import Stream, backoff_delay
from veiligbalie.protocol import sync as p
from veiligbalie.services.attachments import clear_cache
from veiligbalie.services.sync_logic import PUSH_BATCH, PushBatch, SyncLogic
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import IncidentRepository
from veiligbalie.store.outbox import META_SYNC_CURSOR, OutboxItem
from veiligbalie.store.uploads import PendingUpload

log = logging.getLogger(__name__)

LOCAL = "local"
CONNECTED = "connected"
OFFLINE = "offline"
META_SYNC_IDENTITY = "sync.identity"
PULL_PAGE = p.PULL_LIMIT_MAX
#: The safety-net cycle when the stream is quiet (it nudges on every change anyway).
INTERVAL_MS = 60_000
#: Epoch changes handled within one cycle before giving up until the next (a server that
#: keeps changing its epoch is broken; never loop on it).
MAX_EPOCH_TURNS = 3
#: Device id changes within one cycle, likewise (a fresh id is never taken, so more means a
#: broken server).
MAX_REKEY_TURNS = 3
#: Notices kept for the sync status in Instellingen.
NOTICES_KEPT = 20


class SyncEngine(QObject):
    state_changed = Signal(str)  # "local" | "connected" | "offline"
    pending_changed = Signal(int)
    dead_letters_changed = Signal()
    conflict = Signal(dict)
    conflicts_changed = Signal()
    incidents_changed = Signal(list)  # changed incident ids (UUID); empty: many or new ones
    synced = Signal()  # a full cycle finished
    error = Signal(ApiError)  # of the last failed cycle (the UI explains it)
    auth_failed = Signal()  # the token was refused: sign in or enrol again
    notice = Signal(str)  # an info line for the sync status (e.g. a new device id was taken)

    def __init__(
        self,
        db: Database,
        parent: QObject | None = None,
        *,
        api: ServerApi | None = None,
        stream: Stream | None = None,
        interval_ms: int = INTERVAL_MS,
        backoff_min_ms: int = 1_000,
        backoff_max_ms: int = 60_000,
        nudge_delay_ms: int = 100,
    ) -> None:
        super().__init__(parent)
        self.logic = SyncLogic(db)
        self.api = api or ServerApi(self)
        self.api.setParent(self)
        self.api.set_device_id(db.device_id)
        self.stream = stream or Stream(self)
        self.stream.setParent(self)
        self.interval_ms = interval_ms
        self.backoff_min_ms = backoff_min_ms
        self.backoff_max_ms = backoff_max_ms
        self._rng = random.Random()
        self._state = LOCAL
        self._configured = False
        self._running = False
        self._busy = False
        #: Goes up when the identity the engine pulls for changes: a page asked for before
        #: (the previous person's) never lands in the new identity's replica.
        self._generation = 0
        self._again = False
        self._failures = 0
        self._epoch_turns = 0
        self._rekey_turns = 0
        self.notices: list[tuple[datetime, str]] = []
        self._batch_limit = PUSH_BATCH
        self._waiting_retries = False
        # Evidence uploads: failures in a row (their own backoff), files the server refused
        # this session (not asked again until the link changes), the one in flight.
        self._upload_failures = 0
        self._upload_refused: set[str] = set()
        self._uploading: PendingUpload | None = None
        self.last_contact: datetime | None = None
        self.last_error: ApiError | None = None
        self._pending = self.logic.waiting_count()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._cycle)
        self._nudge = QTimer(self)
        self._nudge.setSingleShot(True)
        self._nudge.setInterval(nudge_delay_ms)  # coalesces a burst of saves into one cycle
        self._nudge.timeout.connect(self._cycle)
        self.stream.received.connect(self._on_stream_event)
        self.stream.connected.connect(self._on_stream_connected)
        # A dropped stream may mean the server is gone: a cycle finds out (and says so).
        self.stream.disconnected.connect(self.sync_now)
        self.stream.auth_failed.connect(self.auth_failed)

    # -- Configuration and control ---------------------------------------------------------
    def configure(
        self,
        base_url: str,
        token: str | None,
        ca_file: str | Path | None = None,
        identity: str = "",
    ) -> None:
        """Point the engine at a server with a token (empty URL or no token: local only).

        ``identity`` names who the token belongs to ("workstation", "user:<name>"). The
        server shows each identity a different set of changes, so a new identity pulls from
        the start again (idempotent) instead of trusting another identity's cursor.
        Raises ValueError for an unusable address or CA file; nothing changes then.
        """
        if base_url and token:
            self.api.configure(base_url, ca_file, self.logic.device_id)
            self.stream.configure(base_url, token, ca_file)
            self.api.set_token(token)
            previous = self.logic.outbox.get_meta(META_SYNC_IDENTITY)
            if previous != identity:
                self._generation += 1
                if previous:
                    # What the previous identity could read (a team lead's restricted data)
                    # does not stay behind for the next person at this workstation.
                    IncidentRepository(self.logic.db).forget_pulled()
                    # Files downloaded for them go too (their tasks went with them).
                    clear_cache()
                self.logic.outbox.set_meta(META_SYNC_CURSOR, "0")
                self.logic.outbox.set_meta(META_SYNC_IDENTITY, identity)
            self._configured = True
            self._failures = 0
            self._upload_failures = 0
            self._upload_refused.clear()  # another server or identity may take them
            if self._running:
                if not self.stream.running:
                    self.stream.start()
                self.sync_now()
        else:
            self._configured = False
            self.api.set_token(None)
            self.stream.stop()
            self._timer.stop()
        self._update_state()

    @property
    def configured(self) -> bool:
        return self._configured

    def start(self) -> None:
        self._running = True
        if self._configured:
            self.stream.start()
            self.sync_now()
        self._update_state()

    def stop(self) -> None:
        self._running = False
        self._timer.stop()
        self._nudge.stop()
        self.stream.stop()

    def sync_now(self) -> None:
        """Run a cycle soon (now, or right after the one in progress)."""
        if not (self._running and self._configured):
            return
        if self._busy:
            self._again = True
        elif not self._nudge.isActive():
            self._nudge.start()

    def notify_local_change(self, *_args: Any) -> None:
        """Something was saved here: report the queue and send it soon."""
        self._emit_pending()
        if self._pending:
            self.sync_now()

    # -- What the UI shows -----------------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    @property
    def pending(self) -> int:
        """Changes and evidence files still to reach the server."""
        return self._pending

    @property
    def pending_uploads(self) -> int:
        """Of :attr:`pending`, the evidence files."""
        return self.logic.uploads.count()

    @property
    def busy(self) -> bool:
        return self._busy

    def dead_letters(self) -> list[OutboxItem]:
        return self.logic.dead_letters()

    def conflicts(self) -> list[dict[str, Any]]:
        return self.logic.conflicts()

    def dismiss_conflict(self, device_seq: int) -> None:
        self.logic.dismiss_conflict(device_seq)
        self.conflicts_changed.emit()

    # -- The cycle -------------------------------------------------------------------------
    def _cycle(self) -> None:
        if self._busy or not (self._running and self._configured):
            return
        self._busy = True
        self._again = False
        self._epoch_turns = 0
        self._rekey_turns = 0
        self._waiting_retries = False
        self._push_step()

    def _push_step(self) -> None:
        batch = self.logic.next_push(self._batch_limit)
        if batch is None:
            self._pull_step()
            return
        self.api.set_device_id(self.logic.device_id)  # X-VB-Device follows a re-key
        self.api.push(batch.request, lambda answer, error: self._on_push(batch, answer, error))

    def _on_push(
        self, batch: PushBatch, answer: p.PushResponse | None, error: ApiError | None
    ) -> None:
        if error is not None:
            if error.kind == "epoch" and error.epoch:
                self._contact()
                if self._turn_epoch(error.epoch):
                    self._push_step()
                return
            if error.kind == "rejected":
                self._contact()
                if len(batch.items) > 1:
                    # One bad change must not hold back the rest: find it one at a time.
                    self._batch_limit = 1
                    self._push_step()
                    return
                item = batch.items[0]
                reason = f"{error.status}: {error.message}" if error.message else str(error)
                self.logic.outbox.mark_dead(item.device_seq, reason)
                self.dead_letters_changed.emit()
                self._emit_pending()
                self._push_step()
                return
            self.logic.push_failed(batch, str(error))
            self._fail(error)
            return
        assert answer is not None
        self._contact()
        result = self.logic.apply_push(batch, answer)
        if result.rekeyed:
            self._announce_new_device_id(batch.request.device_id, result.rekeyed)
            self._rekey_turns += 1
            if self._rekey_turns > MAX_REKEY_TURNS:
                self._fail(ApiError("server", 200, "the server keeps refusing new device ids"))
                return
        if result.renumbered:
            # The server's numbers replace the provisional ones: views show the final one.
            self.incidents_changed.emit(sorted(result.renumbered))
        if result.dead:
            self.dead_letters_changed.emit()
        for entry in result.conflicts:
            self.conflict.emit(entry)
        if result.conflicts:
            self.conflicts_changed.emit()
        self._emit_pending()
        if result.retry:
            self._waiting_retries = True
        if result.progressed:
            self._batch_limit = PUSH_BATCH
            self._push_step()
        else:
            self._pull_step()

    def _pull_step(self) -> None:
        generation = self._generation
        self.api.pull(
            self.logic.cursor,
            lambda answer, error: self._on_pull(answer, error, generation),
            limit=PULL_PAGE,
        )

    def _on_pull(
        self, answer: p.PullResponse | None, error: ApiError | None, generation: int | None = None
    ) -> None:
        if generation is not None and generation != self._generation:
            # Asked for the identity before a sign-in or sign-out: its page and cursor belong
            # to nobody now. Start again for the current identity.
            log.info("sync: a page pulled for the previous identity was dropped")
            self._busy = False
            self.sync_now()
            return
        if error is not None:
            self._fail(error)
            return
        assert answer is not None
        self._contact()
        result = self.logic.apply_pull(answer)
        if result.epoch_changed:
            self._emit_pending()
            if self._turn_epoch(None):
                self._push_step()  # re-upload first, then pull from the start
            return
        if result.applied:
            few = result.new_incidents == 0 and len(result.changed) <= 50
            self.incidents_changed.emit(sorted(result.changed) if few else [])
        if result.has_more:
            self._pull_step()
        else:
            self._upload_step()

    # -- Evidence files ----------------------------------------------------------------------
    def _upload_step(self) -> None:
        """Send the next file of an accepted report, one at a time; then end the cycle."""
        while True:
            item = self.logic.uploads.next(self._upload_refused)
            if item is None:
                self._upload_failures = 0
                self._finish()
                return
            if item.path.is_file():
                self._uploading = item
                try:
                    self.api.upload_attachment(
                        item.incident_id,
                        item.sha256,
                        item.path,
                        item.name,
                        item.mime_type,
                        self._upload_answer(item),
                    )
                    return
                except OSError:
                    self._uploading = None  # gone between the check and the open
            # Gone from the data folder (deleted by hand, a restored backup without it):
            # said once, never asked for again.
            log.warning(
                "sync: evidence file %s of report %s is missing", item.sha256, item.incident_id
            )
            self.logic.uploads.mark_missing(item)
            self._add_notice(
                fill(
                    self.tr(
                        "The evidence file %1 of a report is no longer on this workstation and "
                        "cannot be sent to the server"
                    ),
                    item.name,
                )
            )
            self._emit_pending()

    def _upload_answer(self, item: PendingUpload) -> Callable[[Any, ApiError | None], None]:
        return lambda _answer, error: self._on_upload(item, error)

    def _on_upload(self, item: PendingUpload, error: ApiError | None) -> None:
        self._uploading = None
        if not self._running:
            self._busy = False
            return
        if error is None:
            self._contact()
            self.logic.uploads.mark_uploaded(item.incident_id, item.sha256)
            self._upload_failures = 0
            self._emit_pending()
            self._upload_step()
            return
        if error.kind in ("auth", "certificate", "version"):
            self._fail(error)
            return
        if error.transient:
            # Offline or a server hiccup: the file goes again on the backoff timer.
            self._upload_failures += 1
            log.info(
                "sync: upload of %s failed (%s), attempt %d",
                item.sha256,
                error.kind,
                self._upload_failures,
            )
            self._finish()
            return
        # Refused (too large, not in the report, a server without the route): not asked
        # again this session, said once; the rest of the files still go.
        self._contact()
        self._upload_refused.add(item.key)
        log.warning("sync: the server refused evidence file %s: %s", item.sha256, error)
        self._add_notice(
            fill(
                self.tr("The server did not accept the evidence file %1: %2"),
                item.name,
                error.message or str(error.status),
            )
        )
        self._upload_step()

    def _turn_epoch(self, server_epoch: str | None) -> bool:
        """Handle a new server epoch; False when it keeps changing (the cycle then fails)."""
        self._epoch_turns += 1
        if server_epoch is not None:
            self.logic.adopt_epoch(server_epoch)
        self._emit_pending()
        if self._epoch_turns > MAX_EPOCH_TURNS:
            self._fail(ApiError("server", 409, "the server keeps changing its database epoch"))
            return False
        return True

    def adopt_device_id(self, device_id: uuid.UUID, reason: str) -> None:
        """Push under ``device_id`` from now on (the server assigned it at enrolment because
        another workstation holds ours); the outbox is renumbered under it."""
        old = self.logic.device_id
        if device_id == old:
            return
        self.logic.db.rekey(reason, device_id)
        self._announce_new_device_id(old, reason)

    def _announce_new_device_id(self, old: uuid.UUID, why: str) -> None:
        new = self.logic.device_id
        self.api.set_device_id(new)
        log.info("sync: device id %s replaced by %s (%s); unsent changes go again", old, new, why)
        self._add_notice(
            self.tr(
                "This workstation took a new sync identity (another copy of it used the old "
                "one); every unsent change is sent again"
            )
        )

    def _add_notice(self, text: str) -> None:
        self.notices = [*self.notices, (datetime.now(UTC), text)][-NOTICES_KEPT:]
        self.notice.emit(text)

    def _finish(self) -> None:
        self._busy = False
        self._failures = 0
        self.last_error = None
        self._update_state()
        self.synced.emit()
        if self._again:
            self.sync_now()
        elif self._waiting_retries:
            self._schedule(self._retry_delay())
        elif self._upload_failures:
            self._schedule(
                backoff_delay(
                    self._upload_failures - 1, self.backoff_min_ms, self.backoff_max_ms, self._rng
                )
            )
        else:
            self._schedule(self.interval_ms)

    def _fail(self, error: ApiError) -> None:
        self._busy = False
        self._failures += 1
        self.last_error = error
        log.info("sync: %s (attempt %d)", error.kind, self._failures)
        self._update_state()
        self.error.emit(error)
        if error.kind == "auth":
            self.auth_failed.emit()
        self._schedule(self._retry_delay())

    def _retry_delay(self) -> int:
        return backoff_delay(
            max(0, self._failures - 1), self.backoff_min_ms, self.backoff_max_ms, self._rng
        )

    def _schedule(self, delay_ms: int) -> None:
        if self._running and self._configured:
            self._timer.start(delay_ms)

    # -- Stream ----------------------------------------------------------------------------
    def _on_stream_connected(self) -> None:
        self._contact()
        self._update_state()
        self.sync_now()

    def _on_stream_event(self, event: dict[str, Any]) -> None:
        self._contact()
        kind = event.get("type")
        if kind in ("hello", "changes"):
            cursor = event.get("cursor")
            epoch = event.get("epoch")
            behind = isinstance(cursor, int) and cursor > self.logic.cursor
            if behind or (epoch and epoch != self.logic.epoch) or self._pending:
                self.sync_now()

    # -- State -----------------------------------------------------------------------------
    def _contact(self) -> None:
        self.last_contact = datetime.now(UTC)

    def _emit_pending(self) -> None:
        count = self.logic.waiting_count()
        if count != self._pending:
            self._pending = count
            self.pending_changed.emit(count)

    def _update_state(self) -> None:
        if not self._configured:
            state = LOCAL
        elif self.stream.is_connected or (self.last_contact and self.last_error is None):
            state = CONNECTED
        else:
            state = OFFLINE
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)
