"""Where the OS has no keyring, the workstation's own credential (token and site key) lives
in a file in the data folder that only this user can read; people's tokens never do."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from veiligbalie import secrets


@pytest.fixture
def no_keyring() -> None:
    """As on a Linux PC without a Secret Service: keyring's own "fail" backend."""
    keyring.set_keyring(keyring.backends.fail.Keyring())


def _forget_process_memory() -> None:
    """What a restart does to the fallback: a new, empty in-memory part."""
    keyring.set_keyring(keyring.backends.fail.Keyring())


def test_workstation_credential_goes_to_a_private_file_and_survives_a_restart(
    no_keyring: None, data_dir: Path
) -> None:
    assert secrets.storage() is secrets.Storage.FILE
    secrets.set_secret(secrets.WORKSTATION_TOKEN, "station-token")
    secrets.set_secret(secrets.LAN_KEY, "c2l0ZS1rZXk=")
    secrets.set_secret(secrets.USER_TOKEN, "person-token")
    path = data_dir / secrets.CREDENTIAL_FILE
    assert secrets.credential_path() == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored == {"workstation-token": "station-token", "site-lan-key": "c2l0ZS1rZXk="}
    assert "person-token" not in path.read_text(encoding="utf-8")
    assert [p.name for p in data_dir.iterdir()] == [secrets.CREDENTIAL_FILE]  # no temp left

    _forget_process_memory()
    assert secrets.get_secret(secrets.WORKSTATION_TOKEN) == "station-token"
    assert secrets.get_secret(secrets.LAN_KEY) == "c2l0ZS1rZXk="
    assert secrets.get_secret(secrets.USER_TOKEN) is None  # the person signs in again

    secrets.delete_secret(secrets.WORKSTATION_TOKEN)
    assert json.loads(path.read_text(encoding="utf-8")) == {"site-lan-key": "c2l0ZS1rZXk="}
    secrets.delete_secret(secrets.LAN_KEY)
    assert not path.exists()


def test_a_file_others_can_read_is_refused_and_said_why(no_keyring: None, data_dir: Path) -> None:
    secrets.set_secret(secrets.WORKSTATION_TOKEN, "station-token")
    path = data_dir / secrets.CREDENTIAL_FILE
    os.chmod(path, 0o644)
    _forget_process_memory()
    assert secrets.get_secret(secrets.WORKSTATION_TOKEN) is None
    assert "can be read by others" in secrets.file_problem()
    # Writing again makes a new private file instead of trusting the old one's mode.
    path.unlink()
    secrets.set_secret(secrets.WORKSTATION_TOKEN, "new-token")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secrets.get_secret(secrets.WORKSTATION_TOKEN) == "new-token"
    assert secrets.file_problem() == ""


def test_a_symlink_in_place_of_the_file_is_not_followed(
    no_keyring: None, data_dir: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"workstation-token": "planted"}), encoding="utf-8")
    os.chmod(elsewhere, 0o600)
    (data_dir / secrets.CREDENTIAL_FILE).symlink_to(elsewhere)
    assert secrets.get_secret(secrets.WORKSTATION_TOKEN) is None
    assert secrets.file_problem()


def test_where_no_private_file_can_be_made_the_credential_stays_in_memory(
    no_keyring: None, data_dir: Path
) -> None:
    # The probe's place is taken by a folder: the data folder cannot take the file.
    (data_dir / f".{secrets.CREDENTIAL_FILE}.probe").mkdir()
    assert secrets.storage() is secrets.Storage.MEMORY
    assert not secrets.is_persistent()
    assert secrets.file_problem()


def test_with_a_keyring_backend_nothing_is_written_to_the_data_folder(data_dir: Path) -> None:
    # conftest's in-memory backend answers like an OS keyring: the file is not used.
    secrets.set_secret(secrets.WORKSTATION_TOKEN, "station-token")
    assert secrets.get_secret(secrets.WORKSTATION_TOKEN) == "station-token"
    assert not (data_dir / secrets.CREDENTIAL_FILE).exists()
