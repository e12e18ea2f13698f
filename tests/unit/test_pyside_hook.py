"""veiligbalie.pyside_hook: PySide6's per-import check asked of the file's bytes gives PySide6's
own answer, and the client installs it before its own modules are imported."""

from __future__ import annotations

from pathlib import Path

from tests.support.processes import python_json

ROOT = Path(__file__).resolve().parent.parent.parent

PROBE = """
import json, sys
import PySide6.QtCore  # the hook exists from here on
feature = sys.modules["shibokensupport.feature"]
upstream = feature._mod_uses_pyside
import _socket, email.mime.text, json as json_module
import veiligbalie.ui.widgets, veiligbalie.core.ids
from veiligbalie import pyside_hook
modules = [sys, _socket, json_module, email.mime.text, veiligbalie.ui.widgets,
           veiligbalie.core.ids, pyside_hook]
before = [bool(upstream(m)) for m in modules]
first, again = pyside_hook.install(), pyside_hook.install()
replaced = feature._mod_uses_pyside is not upstream
after = [feature._mod_uses_pyside(m) for m in modules]
print(json.dumps({"before": before, "after": after, "installed": [first, again],
                  "replaced": replaced}))
"""


def test_the_bytes_check_answers_as_pyside6_does() -> None:
    result = python_json(PROBE)
    assert result["installed"] == [True, True]
    assert result["replaced"] is True
    # built-in, extension, standard-library source, and the project's own with and without Qt
    assert result["after"] == result["before"]
    assert result["before"] == [False, False, False, False, True, False, True]


def test_the_client_installs_it_before_its_own_modules() -> None:
    source = (ROOT / "veiligbalie" / "app.py").read_text(encoding="utf-8")
    install = source.index("pyside_hook.install()")
    first_own = source.index("from veiligbalie import __version__")
    assert install < first_own
    assert source.index("from PySide6.QtWidgets import") < install
