"""``admin audit``, ``admin retention …`` and ``admin subject …`` of ``veiligbalie-server``.

Mistakes raise :class:`PrivacyCliError` (an AdminError: one line, exit code 2)."""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from veiligbalie.server import audit, retention, subject
from veiligbalie.server.admin import AdminError
from veiligbalie.server.store import ServerStore, default_files_dir

#: Seen by tests: the purge's clock (``admin retention purge --now`` uses the real time).
CLOCK: retention.Clock = retention.system_clock


class PrivacyCliError(AdminError):
    def __init__(self, message: str) -> None:
        super().__init__(message)


def _moment(text: str | None, flag: str) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise PrivacyCliError(f"{flag}: not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns padded to their widest cell, two spaces apart; the last one not padded."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [str(c).ljust(w) for c, w in zip(row[:-1], widths[:-1], strict=True)]
        print("  ".join([*cells, str(row[-1])]).rstrip())


def _audit(store: ServerStore, args: argparse.Namespace) -> None:
    person: uuid.UUID | None = None
    if args.person:
        try:
            person = uuid.UUID(args.person)
        except ValueError:
            raise PrivacyCliError("--person: give the dossier person's id") from None
    since, until = _moment(args.since, "--since"), _moment(args.until, "--until")
    if since and until and since >= until:
        raise PrivacyCliError("--since must be before --until")
    f = audit.AuditFilter(person, args.user, since, until, args.limit, 0)
    with store.write() as conn:
        total, rows = audit.query(conn, f)
        audit.record(
            conn,
            actor=None,
            action="audit.read",
            subject=audit.SUBJECT_AUDIT,
            person_id=person,
            detail=audit.describe_filter(f),
            station=subject.CLI_STATION,
            actor_name=audit.CLI_ACTOR,
        )
    if not rows:
        print("no audit rows")
        return
    print_table(
        ["WHEN (UTC)", "WHO", "ACTION", "STATION", "ABOUT", "DETAIL"],
        [
            [
                r.at.strftime("%Y-%m-%d %H:%M:%S"),
                r.actor or "-",
                r.action,
                r.station or "-",
                str(r.incident_id or r.person_id or "-"),
                r.detail,
            ]
            for r in rows
        ],
    )
    if total > len(rows):
        print(f"({len(rows)} of {total} rows; --limit for more)")


def _retention_set(store: ServerStore, args: argparse.Namespace) -> None:
    months = {
        "reports_months": args.reports_months,
        "perpetrator_months": args.perpetrator_months,
        "attachments_months": args.attachments_months,
    }
    if all(v is None for v in months.values()):
        raise PrivacyCliError(
            "give --reports-months, --perpetrator-months and/or --attachments-months"
        )
    try:
        with store.write() as conn:
            retention.set_settings(
                conn, station=subject.CLI_STATION, actor_name=audit.CLI_ACTOR, **months
            )
    except ValueError as exc:
        raise PrivacyCliError(str(exc)) from None
    _retention_show(store, args)


def _retention_show(store: ServerStore, args: argparse.Namespace) -> None:
    with store.read() as conn:
        s = retention.get_settings(conn)
    print_table(
        ["KIND", "KEPT FOR"],
        [
            [kind, f"{months} months" if months else "kept (no period set)"]
            for kind in retention.KINDS
            for months in [s.months(kind)]
        ],
    )


def _print_counts(counts: dict[str, retention.Count], verb: str) -> None:
    if not counts:
        print("no retention period set: nothing is ever removed")
        return
    print_table(
        ["KIND", verb, "OLDEST"],
        [
            [k, str(c.count), c.oldest.date().isoformat() if c.oldest else "-"]
            for k, c in counts.items()
        ],
    )


def _retention_preview(store: ServerStore, args: argparse.Namespace) -> None:
    with store.read() as conn:
        counts = retention.preview(conn, CLOCK())
    _print_counts(counts, "TO REMOVE")


def _retention_purge(store: ServerStore, args: argparse.Namespace) -> None:
    if not args.now:
        raise PrivacyCliError("the server purges daily by itself; give --now to purge at once")
    files = Path(args.files).expanduser() if args.files else default_files_dir(store.url)
    counts = retention.purge(
        store, files, CLOCK(), station=subject.CLI_STATION, actor_name=audit.CLI_ACTOR
    )
    _print_counts(counts, "REMOVED")


def _subject_export(store: ServerStore, args: argparse.Namespace) -> None:
    try:
        json_path, pdf_path, data = subject.export(store, args.person, Path(args.out))
    except subject.SubjectError as exc:
        raise PrivacyCliError(str(exc)) from None
    print(
        f"{len(data['reports'])} reports, {len(data['persons'])} dossier records, "
        f"{len(data['signaleringen'])} signaleringen, {len(data['audit'])} audit rows"
    )
    print(json_path)
    print(pdf_path)


def _subject_correct(store: ServerStore, args: argparse.Namespace) -> None:
    try:
        n = subject.correct(store, args.person, args.field, args.value)
    except subject.SubjectError as exc:
        raise PrivacyCliError(str(exc)) from None
    print(f"{args.field} corrected in {n} records")


def _subject_delete(store: ServerStore, args: argparse.Namespace) -> None:
    try:
        counts = subject.delete(store, args.person)
    except subject.SubjectError as exc:
        raise PrivacyCliError(str(exc)) from None
    print_table(["REMOVED FROM", "COUNT"], [[k, str(v)] for k, v in counts.items()])


def add_cli(areas: Any, leaf: Callable[..., argparse.ArgumentParser], parser_class: type) -> None:
    p = leaf(areas, "audit", _audit, "read the audit log (who read or changed what)")
    p.add_argument("--user", help="username or user id")
    p.add_argument("--person", help="dossier person id")
    p.add_argument("--since", help="from this date/time (UTC unless given)")
    p.add_argument("--until", help="before this date/time")
    p.add_argument("--limit", type=int, default=200, choices=range(1, 100_001), metavar="N")

    group = areas.add_parser(
        "retention", help="how long personal data is kept, and the purge"
    ).add_subparsers(dest="action", required=True, parser_class=parser_class)
    p = leaf(group, "set", _retention_set, "set retention periods in months")
    for kind in retention.KINDS:
        p.add_argument(
            f"--{kind}-months",
            type=int,
            metavar="N",
            help=f"keep {kind} data N months (1..{retention.MAX_MONTHS})",
        )
    leaf(group, "show", _retention_show, "show the retention periods")
    leaf(group, "preview", _retention_preview, "what the next purge would remove")
    p = leaf(group, "purge", _retention_purge, "remove what expired now")
    p.add_argument("--now", action="store_true", help="purge at once (required)")
    p.add_argument("--files", metavar="DIR", help="the server's attachments folder")

    group = areas.add_parser(
        "subject", help="access, correction and deletion requests of one person"
    ).add_subparsers(dest="action", required=True, parser_class=parser_class)
    who = "dossier person id, perpetrator reference, or a name"
    p = leaf(group, "export", _subject_export, "write everything held on a person (PDF, JSON)")
    p.add_argument("--person", required=True, help=who)
    p.add_argument("--out", default=".", metavar="DIR", help="folder for the files")
    p = leaf(group, "correct", _subject_correct, "correct one field of a person's data")
    p.add_argument("--person", required=True, help=who)
    p.add_argument(
        "--field",
        required=True,
        choices=[*subject.CORRECTABLE, "display_name", "description"],
    )
    p.add_argument("--value", required=True)
    p = leaf(group, "delete", _subject_delete, "remove a person's data from reports and dossier")
    p.add_argument("--person", required=True, help=who)
