"""``serve --gc-tuning`` (the default) and ``--no-gc-tuning``: the switch reaches the alarm
runtime of a real server process, and the tuned collector runs full collections only while
no alarm is going out."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest

from tests.support.server import running_server
from tests.support.waiting import wait_until
from veiligbalie.server import cli, gc_tuning
from veiligbalie.server.store import ServerStore

TUNED = "garbage collections kept out of alarm fan-outs"


def test_the_option_and_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    parser = cli.build_parser()
    monkeypatch.delenv(cli.ENV_GC_TUNING, raising=False)
    args = parser.parse_args(["serve"])
    cli._serve_options(args)
    assert args.gc_tuning is cli.GC_TUNING_DEFAULT
    assert parser.parse_args(["serve", "--gc-tuning"]).gc_tuning is True
    assert parser.parse_args(["serve", "--no-gc-tuning"]).gc_tuning is False


@pytest.mark.parametrize("option", ["--gc-tuning", "--no-gc-tuning"])
def test_serve_passes_the_switch_to_the_alarm_runtime(tmp_path: Path, option: str) -> None:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    ServerStore(url).close()
    with running_server(url, extra_args=[option]) as server:
        wait_until(lambda: "Application startup complete" in server.log(), 10, what="start-up")
        assert (TUNED in server.log()) == (option == "--gc-tuning"), server.log()


def test_full_collections_wait_until_no_alarm_goes_out(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "set_threshold", lambda *t: calls.append(f"threshold {t[2]}"))
    monkeypatch.setattr(gc, "collect", lambda *_: calls.append("collect") or 0)
    monkeypatch.setattr(gc_tuning, "GC_INTERVAL_SECONDS", 0.01)
    monkeypatch.setattr(gc_tuning, "RECHECK_SECONDS", 0.01)
    busy_checks = iter([True, True, True])

    def busy() -> bool:
        going = next(busy_checks, False)
        calls.append("busy" if going else "quiet")
        return going

    async def run() -> None:
        task = asyncio.create_task(gc_tuning.collect_when_quiet(busy))
        while "collect" not in calls:
            await asyncio.sleep(0.005)
        task.cancel()

    asyncio.run(asyncio.wait_for(run(), 5))
    first = calls[: calls.index("collect") + 1]
    assert first == [
        "freeze",
        f"threshold {gc_tuning.OLDEST_THRESHOLD}",
        "busy",
        "busy",
        "busy",
        "quiet",
        "collect",
    ]
