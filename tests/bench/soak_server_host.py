"""The real server (``veiligbalie.server.cli serve``) in a process that can say how many
Python objects it holds: on SIGUSR1 it collects and writes ``{"objects": n}`` to the file
named by ``VB_SOAK_PROBE_FILE``. Used by bench_soak_server only; the server is unchanged.

``python -m tests.bench.soak_server_host serve --host 127.0.0.1 --port N --database URL``
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path
from types import FrameType


def _probe(_signum: int, _frame: FrameType | None) -> None:
    gc.collect()
    target = Path(os.environ["VB_SOAK_PROBE_FILE"])
    partial = target.with_suffix(".part")
    live = gc.get_objects()
    found: dict[str, object] = {"objects": len(live)}
    if os.environ.get("VB_SOAK_TYPES"):  # what the objects are, to find a leak
        found["types"] = dict(Counter(type(o).__qualname__ for o in live).most_common(60))
    partial.write_text(json.dumps(found))
    partial.replace(target)


def main() -> int:
    from veiligbalie.server.cli import main as cli_main

    signal.signal(signal.SIGUSR1, _probe)
    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
