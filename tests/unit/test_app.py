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


def test_smoke_test_flag_starts_checks_shipped_files_and_exits_0(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEILIGBALIE_")}
    env.update(PYTHONPATH=str(root), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "veiligbalie.app", "--smoke-test", "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "FAIL" not in done.stdout
    for check in ("window", "database", "icon", "sound", "multimedia", "guidance", "translations"):
        assert f"smoke: ok   {check}:" in done.stdout
    assert (tmp_path / "veiligbalie.sqlite3").exists()
    assert "smoke:" in (tmp_path / "logs" / "veiligbalie.log").read_text("utf-8")


def test_smoke_test_fails_and_names_a_sound_backend_that_cannot_load(
    qapp: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A machine without the system's sound library (libpulse on Linux) cannot import
    QtMultimedia: the smoke test says so and fails (it used to stop with the traceback and
    never exit)."""
    import sys

    from veiligbalie.app import smoke_check

    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)  # import raises
    problems = smoke_check("nl")
    out = capsys.readouterr().out
    assert "multimedia" in problems
    assert "smoke: FAIL multimedia: QtMultimedia cannot be loaded" in out
    assert "smoke: ok   guidance:" in out  # the checks after it still ran
    assert out.rstrip().endswith("FAILED")


def test_presets_file_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(paths.ENV_PRESETS, str(tmp_path / "it.ini"))
    assert paths.presets_path() == tmp_path / "it.ini"
    monkeypatch.delenv(paths.ENV_PRESETS)
    monkeypatch.setenv("XDG_CONFIG_DIRS", "/etc/xdg")
    import sys

    if sys.platform.startswith("linux"):
        assert paths.presets_path() == Path("/etc/xdg/VeiligBalie/presets.ini")


def test_shipped_files_are_found_in_the_checkout() -> None:
    # A checkout (or editable install) has no veiligbalie/resources: the top-level folders.
    assert paths.resources_dir() == paths.PROJECT_ROOT / "resources"
    assert (paths.resources_dir() / "sounds" / "alarm.wav").is_file()
    assert paths.i18n_dir() == paths.PROJECT_ROOT / "i18n"
