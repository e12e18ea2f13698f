"""Evidence files attached to a report: checked (size, type), copied into the data folder
under their SHA-256 (atomic write, identical files stored once)."""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from veiligbalie import paths
from veiligbalie.core.limits import ALLOWED_SUFFIXES as ALLOWED_SUFFIXES  # shared with the server
from veiligbalie.core.limits import MAX_ATTACHMENT_BYTES as MAX_ATTACHMENT_BYTES

MAX_ATTACHMENTS = 10
#: Types the platform's mimetypes table may not know (it varies between Windows and Linux).
_FALLBACK_TYPES = {
    ".heic": "image/heic",
    ".webp": "image/webp",
    ".eml": "message/rfc822",
    ".msg": "application/vnd.ms-outlook",
    ".m4a": "audio/mp4",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_CHUNK = 1024 * 1024

_MESSAGES = {
    "too_large": "is larger than the limit of {limit} MB",
    "type": "is not a file type that can be attached",
    "missing": "does not exist or is not a file",
    "empty": "is empty",
    "too_many": "is one more than the {count} files a report may carry",
}


class AttachmentError(ValueError):
    """A file cannot be attached. ``reason`` is one of: too_large, type, missing, empty,
    too_many; the UI turns it into a sentence, ``path`` says which file."""

    def __init__(self, reason: str, path: Path) -> None:
        template = _MESSAGES.get(reason, reason)
        detail = template.format(limit=MAX_ATTACHMENT_BYTES // (1024 * 1024), count=MAX_ATTACHMENTS)
        super().__init__(f"The file {path.name!r} {detail}.")
        self.reason = reason
        self.path = path


@dataclass(frozen=True)
class AttachmentInfo:
    sha256: str
    original_name: str
    size: int
    mime_type: str
    stored_path: Path

    def to_dict(self) -> dict[str, object]:
        """The metadata that travels in an ``incident.created`` change (no local paths)."""
        return {
            "sha256": self.sha256,
            "original_name": self.original_name,
            "size": self.size,
            "mime_type": self.mime_type,
        }


def mime_type_for(name: str) -> str:
    suffix = Path(name).suffix.lower()
    guessed, _encoding = mimetypes.guess_type(f"file{suffix}", strict=False)
    return guessed or _FALLBACK_TYPES.get(suffix, "application/octet-stream")


def stored_location(sha256: str, suffix: str) -> Path:
    return paths.attachments_dir() / sha256[:2] / f"{sha256}{suffix.lower()}"


def check_count(sources: Sequence[Path]) -> None:
    """Refuse more files than a report may carry (names the first one too many)."""
    if len(sources) > MAX_ATTACHMENTS:
        raise AttachmentError("too_many", Path(sources[MAX_ATTACHMENTS]))


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows cannot open a folder this way.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def import_attachment(source: Path) -> AttachmentInfo:
    """Check ``source`` and copy it into the attachments folder; returns where it is kept.

    Raises :class:`AttachmentError`. The source is never changed or moved.
    """
    source = Path(source)
    if not source.is_file():
        raise AttachmentError("missing", source)
    suffix = source.suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise AttachmentError("type", source)
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise AttachmentError("missing", source) from exc
    # Size is checked before reading a single byte: a huge file costs nothing to refuse.
    if size == 0:
        raise AttachmentError("empty", source)
    if size > MAX_ATTACHMENT_BYTES:
        raise AttachmentError("too_large", source)

    root = paths.attachments_dir()
    digest = hashlib.sha256()
    copied = 0
    fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", suffix=suffix, dir=root)
    tmp = Path(tmp_name)
    try:
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as src:
                while chunk := src.read(_CHUNK):
                    copied += len(chunk)
                    # The file may still be growing (a recording being written).
                    if copied > MAX_ATTACHMENT_BYTES:
                        raise AttachmentError("too_large", source)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except FileNotFoundError as exc:
            raise AttachmentError("missing", source) from exc
        if copied == 0:
            raise AttachmentError("empty", source)
        sha256 = digest.hexdigest()
        target = stored_location(sha256, suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and target.stat().st_size == copied:
            tmp.unlink()  # the same evidence is already kept: store it once
        else:
            os.replace(tmp, target)
            _fsync_dir(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return AttachmentInfo(
        sha256=sha256,
        original_name=source.name,
        size=copied,
        mime_type=mime_type_for(source.name),
        stored_path=target,
    )


def import_attachments(sources: Sequence[Path]) -> list[AttachmentInfo]:
    """Check the count, then import each file in order (stops at the first refused file)."""
    check_count(sources)
    return [import_attachment(Path(s)) for s in sources]
