"""AttachmentService: opening a report's evidence file, wherever it is.

A file stored on this workstation (a report made here) opens at once. A pulled report's file
is fetched from the server into a cache folder under the data folder, its SHA-256 checked
(the name it is asked by), and only then opened; a file that does not match is deleted and
the person is told. Everything is event driven on the GUI thread, like the rest of the
client's networking.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices

from veiligbalie import paths
from veiligbalie.net.api import ApiError, ServerApi
from veiligbalie.store.attachments import ALLOWED_SUFFIXES
from veiligbalie.store.database import Database
from veiligbalie.store.incidents import IncidentRepository

log = logging.getLogger(__name__)

CACHE_FOLDER = "attachment-cache"
_CHUNK = 1024 * 1024


def cache_dir() -> Path:
    path = paths.data_dir() / CACHE_FOLDER
    path.mkdir(parents=True, exist_ok=True)
    return path


def forget_cached(shas: Iterable[str]) -> int:
    """Remove the cached copies of these files (downloaded from the server); answers how
    many were removed."""
    removed = 0
    root = paths.data_dir() / CACHE_FOLDER
    for sha in shas:
        sha = sha.lower()
        if len(sha) != 64 or not all(c in "0123456789abcdef" for c in sha):
            continue
        for path in (root / sha[:2]).glob(f"{sha}*"):
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    return removed


def clear_cache() -> int:
    """Remove every file downloaded from the server (another person signs in here)."""
    root = paths.data_dir() / CACHE_FOLDER
    removed = 0
    if not root.is_dir():
        return 0
    for path in sorted(root.rglob("*"), reverse=True):
        with contextlib.suppress(OSError):
            if path.is_dir():
                path.rmdir()
            else:
                path.unlink()
                removed += 1
    return removed


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    # The suffix decides which program opens the file: only the kinds a report may carry.
    return suffix if suffix in ALLOWED_SUFFIXES else ""


class AttachmentService(QObject):
    """Opens evidence files; ``ready(sha256, path)`` once a file is opened (or handed to
    the system to open), ``failed(sha256, message)`` with a sentence for the person."""

    ready = Signal(str, Path)
    failed = Signal(str, str)

    def __init__(
        self,
        db: Database,
        api: ServerApi,
        parent: QObject | None = None,
        opener: Callable[[QUrl], bool] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(parent)
        self._incidents = IncidentRepository(db)
        self._api = api
        self._opener = opener
        self._downloading: set[str] = set()

    def busy(self, sha256: str) -> bool:
        """A download of this file is under way."""
        return sha256 in self._downloading

    def open(self, incident_id: uuid.UUID, sha256: str, name: str = "") -> None:
        """Open the report's file ``sha256`` (``name``: its original name, for its type)."""
        local = self._local_file(incident_id, sha256)
        if local is not None:
            if not name:
                name = local.name
            self._open(sha256, local)
            return
        cached = self._cached(sha256, name)
        if cached.is_file() and sha256_of(cached) == sha256:
            self._open(sha256, cached)
            return
        if sha256 in self._downloading:
            return  # asked twice while it is coming: one download, opened once
        if not self._api.base_url or not self._api.has_token:
            self.failed.emit(
                sha256,
                self.tr(
                    "This file is on the server, and this workstation is not connected to it. "
                    "Link the workstation or sign in, then try again."
                ),
            )
            return
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(cached.name + ".part")
        self._downloading.add(sha256)
        try:
            self._api.download_attachment(
                incident_id,
                sha256,
                partial,
                lambda path, error: self._downloaded(sha256, partial, cached, error),
            )
        except Exception:
            self._downloading.discard(sha256)
            raise

    # -- Steps -------------------------------------------------------------------------------
    def _local_file(self, incident_id: uuid.UUID, sha256: str) -> Path | None:
        for info in self._incidents.attachments(incident_id):
            if info.sha256 == sha256 and info.stored_path.is_file():
                return info.stored_path
        return None

    @staticmethod
    def _cached(sha256: str, name: str) -> Path:
        return cache_dir() / sha256[:2] / f"{sha256}{_suffix(name)}"

    def _downloaded(self, sha256: str, partial: Path, target: Path, error: ApiError | None) -> None:
        self._downloading.discard(sha256)
        if error is not None:
            with contextlib.suppress(OSError):
                partial.unlink()
            log.info("attachment %s: download failed (%s)", sha256, error)
            # The transport may check the checksum itself (and leave nothing behind).
            checksum = "checksum" in error.message.lower()
            self.failed.emit(sha256, self._mismatch() if checksum else self._explain(error))
            return
        try:
            actual = sha256_of(partial)
        except OSError as exc:
            log.warning("attachment %s: cannot read the download (%s)", sha256, exc)
            self.failed.emit(sha256, self.tr("The file could not be saved on this workstation."))
            return
        if actual != sha256:
            # Damaged or not the file asked for: never opened, never kept.
            log.warning("attachment %s: checksum mismatch (got %s)", sha256, actual)
            with contextlib.suppress(OSError):
                partial.unlink()
            self.failed.emit(sha256, self._mismatch())
            return
        os.replace(partial, target)
        self._open(sha256, target)

    def _open(self, sha256: str, path: Path) -> None:
        if self._opener(QUrl.fromLocalFile(str(path))):
            self.ready.emit(sha256, path)
        else:
            self.failed.emit(
                sha256,
                self.tr("There is no program on this workstation that can open this file."),
            )

    def _mismatch(self) -> str:
        return self.tr(
            "The file that arrived is not the file that was attached to the report (its "
            "checksum differs). It was deleted and not opened. Try again; if it keeps "
            "happening, tell the administrator."
        )

    def _explain(self, error: ApiError) -> str:
        if error.kind == "rejected" and error.status == 404:
            return self.tr(
                "The server does not have this file (yet): the reporter's workstation has not "
                "sent it. Try again later."
            )
        if error.kind == "rejected" and error.status == 403:
            return self.tr("You may not open this file.")
        if error.kind == "auth":
            return self.tr("Your session has ended. Sign in again.")
        if error.kind == "certificate":
            return self.tr(
                "No secure connection could be made with the server. Ask the administrator."
            )
        if error.kind == "offline":
            return self.tr("The server cannot be reached. Try again later.")
        return self.tr("The server could not send the file. Try again later.")
