"""The soak benchmarks' RSS series: taken at every tenth of the work and at the end, with the
growth over the second half; soak_server prints it for the server process (a short real run:
a real server, 10 lean stations, 20 alarms)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.bench.soak import RssByTenth
from tests.support.server import ROOT


def test_the_series_is_taken_at_every_tenth_and_at_the_end() -> None:
    series = RssByTenth(95)
    for step in range(95):
        series.at(step)
    assert series.every == 9 and len(series.mib) == 11  # before steps 0, 9, ..., 90
    figures = series.figures(1000 * 1024)
    tenths = figures["rss_mib_by_tenth"]
    assert tenths == [*series.mib, 1000.0]
    half = tenths[6]
    assert figures["rss_growth_second_half_pct"] == round(100 * (tenths[-1] - half) / half, 2)


def test_soak_server_prints_the_servers_rss_at_every_tenth() -> None:
    env = dict(os.environ, VB_SOAK_SCALE="0.0001", VB_SOAK_STATIONS="10", PYTHONPATH=str(ROOT))
    run = subprocess.run(
        [sys.executable, "-m", "tests.bench", "soak_server"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    line = json.loads(run.stdout.strip().splitlines()[-1])
    assert line["bench"] == "soak_server" and line["alarms"] == 20
    tenths = line["rss_mib_by_tenth"]
    assert len(tenths) == 11 and all(mib > 0 for mib in tenths)  # 10 tenths and the end
    assert tenths[-1] == line["rss_end_mib"]
    half = tenths[len(tenths) // 2]
    assert line["rss_growth_second_half_pct"] == round(100 * (tenths[-1] - half) / half, 2)
