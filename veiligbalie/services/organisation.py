"""OrganisationProfile: the organisation's letterhead and letter templates, fetched from the
server on each sync and cached on this workstation so documents work offline.

The cache is a small folder in the data folder (profile.json, the logo, letters/{nl,en}/*.txt);
profile.json also holds the organisation's closing days, which the follow-up planning of this
workstation skips like the server's.
Without a server (or before the first fetch) the letterhead has the organisation's name and
address from Instellingen; without those, documents say plainly that the organisation has
not filled in its address yet. An employee's own details are never used.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from veiligbalie import paths, settings
from veiligbalie.core.letters import LETTER_LANGUAGES, LetterKind
from veiligbalie.net.api import ApiError, ServerApi
from veiligbalie.protocol.documents import LetterTemplateList, OrganisationProfileOut

if TYPE_CHECKING:
    from veiligbalie.reports.common import Letterhead

# reports.* import reportlab (~0.2 s): loaded when a letterhead or template is first asked
# for, not at start, where nothing of it is needed before the alarm path is live.

__all__ = ["OrganisationProfile"]

log = logging.getLogger(__name__)

#: After a sync, the letterhead is asked again at most this often (seconds).
REFRESH_EVERY = 60.0


def _write(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically (a crash never leaves half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class OrganisationProfile(QObject):
    """The letterhead and the templates documents are made with."""

    changed = Signal()

    def __init__(
        self,
        api: Callable[[], ServerApi | None] | None = None,
        folder: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._api = api or (lambda: None)
        self._folder = folder
        self._asked_at: float | None = None

    @property
    def folder(self) -> Path:
        return self._folder or paths.data_dir() / "organisation"

    # -- Reading (from the cache, no network) --------------------------------------------
    def _cached(self) -> dict[str, Any] | None:
        try:
            data = json.loads((self.folder / "profile.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def letterhead(self) -> Letterhead:
        from veiligbalie.reports.common import Letterhead

        cached = self._cached()
        if cached is not None:
            logo = None
            if cached.get("logo_file"):
                try:
                    logo = (self.folder / str(cached["logo_file"])).read_bytes()
                except OSError:
                    logo = None
            return Letterhead(
                name=str(cached.get("name", "")),
                address=str(cached.get("address", "")),
                contact_name=str(cached.get("contact_name", "")),
                contact_function=str(cached.get("contact_function", "")),
                contact_phone=str(cached.get("contact_phone", "")),
                contact_email=str(cached.get("contact_email", "")),
                logo=logo,
            )
        name = settings.ORGANISATION_NAME.get().strip() or settings.SERVER_ORG_NAME.get().strip()
        return Letterhead(name=name, address=settings.ORGANISATION_ADDRESS.get().strip())

    def closing_days(self) -> frozenset[date]:
        """The organisation's extra non-working days as last fetched from the server (none
        before the first fetch): this workstation's follow-up deadlines skip them."""
        cached = self._cached() or {}
        days: set[date] = set()
        for text in cached.get("closing_days") or ():
            try:
                days.add(date.fromisoformat(str(text)))
            except ValueError:
                continue
        return frozenset(days)

    def template(self, kind: LetterKind, language: str) -> str:
        """The organisation's version when the server gave one, else the shipped one. It is
        not checked here: making the letter refuses a bad one, naming its field (the
        organisation's letter is never silently swapped for ours)."""
        from veiligbalie.reports.common import language_of
        from veiligbalie.reports.letters import shipped_template

        lang = language_of(language)
        path = self.folder / "letters" / lang / f"{kind.value}.txt"
        try:
            return path.read_text("utf-8")
        except OSError:
            return shipped_template(kind, lang)

    # -- Refreshing from the server ------------------------------------------------------
    def refresh(self, force: bool = True) -> bool:
        """Ask the server for the profile and the templates (answers arrive later); False
        when there is no server link, or (``force=False``, after each sync) when it was
        asked less than :data:`REFRESH_EVERY` seconds ago: the logo is not fetched on
        every small sync."""
        api = self._api()
        if api is None:
            return False
        now = time.monotonic()
        if not force and self._asked_at is not None and now - self._asked_at < REFRESH_EVERY:
            return False
        self._asked_at = now
        api.call("GET", "/organisation/profile", None, OrganisationProfileOut, self._on_profile)
        api.call("GET", "/letters/templates", None, LetterTemplateList, self._on_templates)
        return True

    def _on_profile(self, profile: OrganisationProfileOut | None, error: ApiError | None) -> None:
        if profile is None:
            if error is not None:
                log.info("organisation profile not refreshed: %s", error)
            return
        data = profile.model_dump(mode="json", exclude={"logo_base64"})
        data["logo_file"] = ""
        if profile.logo_base64:
            try:
                logo = base64.b64decode(profile.logo_base64, validate=True)
            except (binascii.Error, ValueError):
                logo = b""
            if logo:
                data["logo_file"] = "logo.png" if profile.logo_mime == "image/png" else "logo.jpg"
                _write(self.folder / data["logo_file"], logo)
        _write(self.folder / "profile.json", json.dumps(data, ensure_ascii=False).encode("utf-8"))
        self.changed.emit()

    def _on_templates(self, answer: LetterTemplateList | None, error: ApiError | None) -> None:
        if answer is None:
            return
        keep: set[Path] = set()
        for item in answer.templates:
            try:
                kind = LetterKind(item.kind)
            except ValueError:
                continue  # a newer server's kind
            if item.language not in LETTER_LANGUAGES:
                continue
            path = self.folder / "letters" / item.language / f"{kind.value}.txt"
            keep.add(path)
            _write(path, item.text.encode("utf-8"))
        # A template the organisation no longer has falls back to the shipped one.
        for old in (self.folder / "letters").glob("*/*.txt"):
            if old not in keep:
                old.unlink(missing_ok=True)
        self.changed.emit()
