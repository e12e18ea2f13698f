"""Start-up choices of the client: language, data folder, command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from veiligbalie import paths, settings
from veiligbalie.app import choose_language, instance_name, parse_args


def test_dutch_is_the_default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VEILIGBALIE_LANG", raising=False)
    assert choose_language(None) == "nl"


def test_command_line_beats_environment_and_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEILIGBALIE_LANG", "nl")
    settings.LANGUAGE.set("nl")
    assert choose_language("en") == "en"
    monkeypatch.delenv("VEILIGBALIE_LANG")
    settings.LANGUAGE.set("en")
    assert choose_language(None) == "en"


def test_system_language_setting_follows_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QLocale

    monkeypatch.delenv("VEILIGBALIE_LANG", raising=False)
    settings.LANGUAGE.set("system")
    expected = "nl" if QLocale.system().language() == QLocale.Language.Dutch else "en"
    assert choose_language(None) == expected


def test_data_dir_option_and_one_instance_per_folder(tmp_path: Path) -> None:
    args = parse_args(["--data-dir", str(tmp_path / "a"), "--lang", "en"])
    assert args.lang == "en"
    paths.set_data_dir(args.data_dir)
    try:
        first = instance_name()
        assert paths.data_dir() == (tmp_path / "a").resolve()
        paths.set_data_dir(tmp_path / "b")
        assert instance_name() != first
    finally:
        paths.set_data_dir(None)


def test_unknown_language_is_refused() -> None:
    with pytest.raises(SystemExit):
        parse_args(["--lang", "de"])
