"""Evidence files: limits with clear reasons, copy with checksum, identical files once."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from veiligbalie import paths
from veiligbalie.store.attachments import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    AttachmentError,
    import_attachment,
    import_attachments,
)


def stored_files() -> list[Path]:
    return sorted(p for p in paths.attachments_dir().rglob("*") if p.is_file())


def test_import_copies_with_checksum(tmp_path: Path) -> None:
    source = tmp_path / "Schermafbeelding dreiging.PNG"
    content = os.urandom(300_000)
    source.write_bytes(content)
    info = import_attachment(source)
    digest = hashlib.sha256(content).hexdigest()
    assert info.sha256 == digest
    assert info.size == len(content)
    assert info.original_name == "Schermafbeelding dreiging.PNG"
    assert info.mime_type == "image/png"
    assert info.stored_path == paths.attachments_dir() / digest[:2] / f"{digest}.png"
    assert hashlib.sha256(info.stored_path.read_bytes()).hexdigest() == digest
    assert source.read_bytes() == content  # the original is left alone
    assert stored_files() == [info.stored_path]  # no temporary file left behind


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("mail.eml", "message/rfc822"),
        ("bericht.msg", "application/vnd.ms-outlook"),
        ("foto.heic", "image/heic"),
        ("verslag.pdf", "application/pdf"),
        ("opname.m4a", "audio/mp4"),
    ],
)
def test_mime_type_of_each_kind(tmp_path: Path, name: str, mime: str) -> None:
    source = tmp_path / name
    source.write_bytes(b"content")
    assert import_attachment(source).mime_type == mime


def test_identical_files_are_stored_once(tmp_path: Path) -> None:
    a = tmp_path / "a.jpg"
    b = tmp_path / "kopie van a.jpg"
    a.write_bytes(b"same evidence")
    b.write_bytes(b"same evidence")
    first = import_attachment(a)
    second = import_attachment(b)
    assert first.stored_path == second.stored_path
    assert second.original_name == "kopie van a.jpg"
    assert stored_files() == [first.stored_path]


def test_too_large_is_refused_without_copying(tmp_path: Path) -> None:
    source = tmp_path / "video.mp4"
    with source.open("wb") as handle:
        handle.truncate(MAX_ATTACHMENT_BYTES + 1)  # sparse: costs no disk space
    with pytest.raises(AttachmentError) as caught:
        import_attachment(source)
    assert caught.value.reason == "too_large"
    assert caught.value.path == source
    assert "25 MB" in str(caught.value)
    assert stored_files() == []


def test_wrong_type_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "factuur.exe"
    source.write_bytes(b"MZ")
    with pytest.raises(AttachmentError) as caught:
        import_attachment(source)
    assert caught.value.reason == "type"
    assert isinstance(caught.value, ValueError)
    assert "factuur.exe" in str(caught.value)
    assert stored_files() == []


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AttachmentError) as caught:
        import_attachment(tmp_path / "weg.jpg")
    assert caught.value.reason == "missing"
    with pytest.raises(AttachmentError) as caught:
        import_attachment(tmp_path)  # a folder is not a file
    assert caught.value.reason == "missing"


def test_empty_file_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "leeg.txt"
    source.touch()
    with pytest.raises(AttachmentError) as caught:
        import_attachment(source)
    assert caught.value.reason == "empty"
    assert stored_files() == []


def test_too_many_files_are_refused_before_copying(tmp_path: Path) -> None:
    sources = []
    for i in range(MAX_ATTACHMENTS + 1):
        source = tmp_path / f"foto{i}.jpg"
        source.write_bytes(f"photo {i}".encode())
        sources.append(source)
    with pytest.raises(AttachmentError) as caught:
        import_attachments(sources)
    assert caught.value.reason == "too_many"
    assert caught.value.path == sources[MAX_ATTACHMENTS]
    assert stored_files() == []
    assert len(import_attachments(sources[:MAX_ATTACHMENTS])) == MAX_ATTACHMENTS
