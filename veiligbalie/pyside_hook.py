"""A cheaper form of PySide6's per-import source check.

Once PySide6 is imported, every module imported after it passes through shiboken's
``__feature__`` hook (PYSIDE-2029), which asks whether the module's source mentions
"PySide6" (such a module may switch features like ``snake_case``) with
``inspect.getsource``: tokenising the file, filling ``linecache`` with it for the life of the
process, and, through ``inspect.unwrap``, touching module attributes (pydantic's lazy
``__getattr__`` included). The client imports some 350 modules after its first window; the
check took 60-100 ms of its start-up and kept every source text in memory.

:func:`install` swaps in the same question asked of the file's bytes: a module whose file is
Python source gets the same answer (``"PySide6" in source``); anything else (built-in or
extension modules, sources that cannot be read) goes to PySide6's own check. Nothing is
changed when the PySide6 internals are not where this expects them (another version): the
answers stay PySide6's own.
"""

from __future__ import annotations

import sys
from types import ModuleType

_MARK = "_veiligbalie_bytes_check"


def install() -> bool:
    """Replace the check once PySide6 is imported; True when it is (now or already) in place."""
    feature = sys.modules.get("shibokensupport.feature")
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(upstream):
        return False
    if getattr(upstream, _MARK, False):
        return True

    def mod_uses_pyside(module: ModuleType) -> bool:
        file = getattr(module, "__file__", None)
        if isinstance(file, str) and file.endswith(".py"):
            try:
                with open(file, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        return bool(upstream(module))

    setattr(mod_uses_pyside, _MARK, True)
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[attr-defined]
    return True
