"""Command line: `python -m casework run|demo|worker|web|keys|create-admin|add-staff|
issue-token|log-key|checkpoint|verify-log|import-repairs|monitoring-export|
evidence-bundle|rebuild-projection`."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime
from pathlib import Path

from aggregates.errors import RuleViolation
from aggregates.report import Council, Role
from casework.keys import load_key
from casework.settings import Environment, Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="casework", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start Temporal dev server, worker and web app (development)")
    sub.add_parser("demo", help="load a made-up caseload of both councils (development)")
    sub.add_parser("worker", help="run a worker: case workflows, activities, intake reconciler")
    sub.add_parser("web", help="serve the web app")
    sub.add_parser("keys", help="create missing key files (development only)")
    admin = sub.add_parser("create-admin", help="register the first administrator")
    admin.add_argument("--staff-id", default="admin")
    admin.add_argument("--council", choices=[c.value for c in Council], default="dover")
    staff = sub.add_parser("add-staff", help="register a member of staff; prints a password")
    staff.add_argument("--staff-id", required=True)
    staff.add_argument("--name", required=True)
    staff.add_argument("--role", required=True,
                       choices=[r.value for r in Role if r is not Role.SYSTEM])
    staff.add_argument("--team", action="append", default=[])
    staff.add_argument("--council", choices=[c.value for c in Council], required=True)
    staff.add_argument("--manager-id")
    token = sub.add_parser("issue-token", help="issue a bearer token for a machine client")
    token.add_argument("staff_id")
    token.add_argument("--label", default="command line")
    vkey = sub.add_parser("log-key", help="print the transparency log's verifier key")
    vkey.add_argument("--create", action="store_true",
                      help="create the key file if it is missing (also in production)")
    sub.add_parser("checkpoint", help="sign a checkpoint of the transparency log now")
    verify = sub.add_parser("verify-log", help="check every stored event against a signed "
                            "checkpoint of the transparency log")
    verify.add_argument("--vkey", required=True, help="the log's verifier key")
    verify.add_argument("--checkpoint", type=Path,
                        help="a checkpoint note kept outside (default: the latest stored)")
    repairs = sub.add_parser("import-repairs", help="take a CSV feed of repair jobs; prints "
                             "each bad row by line and the jobs taken")
    repairs.add_argument("file", type=Path)
    projection = sub.add_parser("rebuild-projection", help="delete a projection's rows and "
                                "project every event again from the first (e.g. WorkTrays)")
    projection.add_argument("name")
    export = sub.add_parser("monitoring-export", help="write a monitoring report of one whole "
                            "month, quarter or financial year as CSV or XLSX, small numbers "
                            "hidden")
    export.add_argument("--report", required=True)
    export.add_argument("--from", dest="first", required=True, type=date.fromisoformat,
                        help="first day, e.g. 2026-04-01")
    export.add_argument("--to", dest="last", required=True, type=date.fromisoformat,
                        help="last day, e.g. 2026-06-30")
    export.add_argument("--council", required=True, choices=[c.value for c in Council])
    export.add_argument("--format", dest="file_format", choices=["csv", "xlsx"], default="csv")
    export.add_argument("--out", required=True, type=Path)
    _add_evidence_parser(sub)
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "run":
        from casework.devstack import run_devstack

        run_devstack(settings)
    elif args.command == "demo":
        from casework.demo import run_demo

        if settings.environment is not Environment.DEVELOPMENT:
            raise SystemExit("demo: made-up cases are for development only")
        run_demo(settings)
    elif args.command in ("worker", "web"):
        # Imported here: the web app and worker take seconds to import, and every other
        # command (add-staff, checkpoint, exports) starts without them.
        from casework.processes import run, serve_web, serve_worker

        run(serve_worker if args.command == "worker" else serve_web, settings)
    elif args.command == "keys":
        for path in (settings.event_store_key_file, settings.temporal_payload_key_file):
            load_key(path, create=settings.creates_missing_keys)
            print(f"key ready: {path}")
    elif args.command == "import-repairs":
        from casework.repairs_admin import import_repairs, report_lines

        try:
            result = import_repairs(settings, args.file)
        except OSError as unreadable:
            raise SystemExit(f"import-repairs: cannot read {args.file}: "
                             f"{unreadable.strerror}") from None
        except UnicodeDecodeError:  # its message would quote the file's bytes
            raise SystemExit(f"import-repairs: {args.file} is not UTF-8 text") from None
        print("\n".join(report_lines(result)))
        if result.errors:
            raise SystemExit(1)  # the good rows are kept; the exit status says some were not
    elif args.command == "rebuild-projection":
        from activities.projection_running import LeaseLost
        from casework.projection_admin import rebuild_projection

        try:
            print(rebuild_projection(settings, args.name))
        except LookupError as unknown:
            raise SystemExit(f"rebuild-projection: {unknown.args[0]}") from None
        except LeaseLost:  # the rows are whole (each batch is), just not finished
            raise SystemExit(f"rebuild-projection: another runner (a second rebuild, or a "
                             f"worker after a stall) took the lease of {args.name}; run "
                             "it again") from None
    elif args.command == "monitoring-export":
        _monitoring_export(args, settings)
    elif args.command in ("log-key", "checkpoint", "verify-log"):
        _log_command(args, settings)
    elif args.command == "evidence-bundle":
        _evidence_command(args, settings)
    else:
        try:
            _staff_command(args, settings)
        except RuleViolation as refused:  # e.g. the staff id is taken: one line, no traceback
            raise SystemExit(f"{args.command}: {refused.message} ({refused.rule})") from None


def _staff_command(args: argparse.Namespace, settings: Settings) -> None:
    from casework import staff_admin
    from casework.wiring import build_directory

    if args.command == "create-admin":
        password = staff_admin.create_first_admin(
            build_directory(settings), args.staff_id, Council(args.council))
        print("staff exist already: nothing created" if password is None else
              f"administrator {args.staff_id!r} created; password (shown once): {password}")
    elif args.command == "add-staff":
        password = staff_admin.add_staff(
            settings, staff_id=args.staff_id, name=args.name, role=Role(args.role),
            teams=args.team, council=Council(args.council), manager_id=args.manager_id)
        print(f"{args.staff_id!r} registered; password (shown once): {password}")
    elif args.command == "issue-token":
        print(staff_admin.issue_token(settings, staff_id=args.staff_id, label=args.label))


def _log_command(args: argparse.Namespace, settings: Settings) -> None:
    from casework import log_admin
    from transparency.note import NoteError

    if args.command == "log-key":
        print(log_admin.verifier_key(settings, create=args.create))
    elif args.command == "checkpoint":
        print(log_admin.checkpoint_now(settings).decode(), end="")
    else:
        try:
            found = log_admin.verify_log(settings.event_store_url, args.vkey, args.checkpoint)
        except (NoteError, LookupError, ValueError, OSError) as refused:
            raise SystemExit(f"verify-log: {refused}") from None
        for problem in found.problems:
            print(f"FAIL {problem}")
        if not found.ok:
            raise SystemExit(f"verify-log: {found.summary()} against the "
                             f"checkpoint of {found.checkpoint.size} leaves")
        print(f"ok: {found.leaves} events logged; the first {found.checkpoint.size} match "
              f"the signed checkpoint of {found.checkpoint.origin}")


def _add_evidence_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from datetime import datetime
    from uuid import UUID

    evidence = sub.add_parser("evidence-bundle", help="export a case under a recorded sharing "
                              "decision: bundle.json, bundle.html, bundle.pdf")
    evidence.add_argument("--case", type=UUID, required=True, help="the case id")
    evidence.add_argument("--sharing-decision", type=UUID, required=True,
                          help="the id of the recorded decision to share it rests on")
    evidence.add_argument("--staff-id", required=True, help="who exports (DSO, line manager "
                          "or auditor); the case's access log names them")
    evidence.add_argument("--from", dest="window_from", type=datetime.fromisoformat,
                          help="first moment of the window (ISO 8601 with time zone)")
    evidence.add_argument("--to", dest="window_to", type=datetime.fromisoformat,
                          help="last moment of the window (ISO 8601 with time zone)")
    evidence.add_argument("--witness-key", action="append", default=[],
                          help="a witness's verifier key to name in the bundle")
    evidence.add_argument("--out", type=Path, required=True, help="directory to write to")


def _evidence_command(args: argparse.Namespace, settings: Settings) -> None:
    from aggregates.errors import CaseNotFound
    from casework.evidence_admin import export_to

    try:
        written = export_to(settings, staff_id=args.staff_id, case_id=args.case,
                            decision_id=args.sharing_decision, window_from=args.window_from,
                            window_to=args.window_to, out=args.out,
                            witness_keys=tuple(args.witness_key))
    except RuleViolation as refused:
        raise SystemExit(f"evidence-bundle: {refused.message} ({refused.rule})") from None
    except CaseNotFound:
        raise SystemExit("evidence-bundle: no such case (or not one you may see)") from None
    except OSError as failed:
        raise SystemExit(f"evidence-bundle: cannot write {args.out}: "
                         f"{failed.strerror}") from None
    for path in written:
        print(f"written: {path}")


def _monitoring_export(args: argparse.Namespace, settings: Settings) -> None:
    from activities.monitoring_projection import ProjectionReportSource
    from aggregates.working_days import local_date
    from casework.complaints_admin import build_complaints_register, monitoring_source
    from casework.monitoring_admin import export_report
    from casework.wiring import build_store
    from monitoring.periods import PeriodError, period_between
    from monitoring.reports import UnknownReport, report_named

    try:  # what the command line can say is wrong, before any store is opened
        report_named(args.report)
        period_between(args.first, args.last)
    except (PeriodError, UnknownReport) as refused:
        raise SystemExit(f"monitoring-export: {refused}") from None
    store = build_store(settings)
    projected = ProjectionReportSource(store.env["SQLALCHEMY_URL"],
                                       store.env.get("SQLALCHEMY_SCHEMA"))
    try:
        source = monitoring_source(projected, build_complaints_register(settings))
        print(export_report(source, report=args.report, first=args.first,
                            last=args.last, council=Council(args.council),
                            file_format=args.file_format, out=args.out,
                            today=local_date(datetime.now(UTC)),
                            min_count=settings.monitoring_min_count,
                            settle_hours=settings.monitoring_settle_hours))
    except (ValueError, LookupError, OSError) as refused:
        # ValueError covers PeriodError and whatever the file writer refuses: one line, not
        # a traceback, for whoever runs the return.
        raise SystemExit(f"monitoring-export: {refused}") from None
    finally:
        projected.close()
