"""Command line of Sala Rounds (DOMAIN.md section 8). No Qt is imported here.

Exit codes: 0 success, 2 invalid input (the message names the row and field),
1 any other failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from core.errors import DatabaseRefused, InvalidInput, NotFound, SalaError

EXIT_OK, EXIT_FAILURE, EXIT_INVALID = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad arguments already; make its message bilingual too."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"คำสั่งไม่ถูกต้อง: {message}\ninvalid arguments: {message}\n")
        raise SystemExit(EXIT_INVALID)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="main.py", description="Sala Rounds — ศาลาว่าการกรุงเทพมหานคร")
    p.add_argument("--db", type=Path, help="database file (default: the user's data folder)")
    p.add_argument("--lang", choices=("th", "en"), help="language of the window")
    p.add_argument("--user", help="actor recorded in the audit trail (default: the OS account)")
    sub = p.add_subparsers(dest="command")

    demo = sub.add_parser("demo", help="fill a realistic demo year")
    demo.add_argument("--fy", required=True, help="fiscal year, B.E. (e.g. 2564)")
    demo.set_defaults(func=cmd_demo)

    imp = sub.add_parser("import-rounds", help="import final rounds from a CSV file")
    imp.add_argument("file", type=Path)
    imp.set_defaults(func=cmd_import_rounds)

    imp = sub.add_parser("import-survey", help="import survey answers from a CSV file")
    imp.add_argument("file", type=Path)
    imp.set_defaults(func=cmd_import_survey)

    imp = sub.add_parser("import-guard", help="import guard daily reports from a CSV file")
    imp.add_argument("file", type=Path)
    imp.set_defaults(func=cmd_import_guard)

    score = sub.add_parser("score", help="the year's two indicators")
    score.add_argument("--fy", required=True)
    score.add_argument("--json", action="store_true", help="one JSON object on stdout")
    score.set_defaults(func=cmd_score)

    guard = sub.add_parser("guard", help="guard reports")
    guard_sub = guard.add_subparsers(dest="guard_command", required=True)
    missing = guard_sub.add_parser("missing", help="required shifts with no signed report")
    missing.add_argument("--from", dest="start", required=True)
    missing.add_argument("--to", dest="end", required=True)
    missing.set_defaults(func=cmd_guard_missing)

    std = sub.add_parser("standard", help="the restroom standard's versions")
    std_sub = std.add_subparsers(dest="standard_command", required=True)
    new = std_sub.add_parser("new", help="a new version from a CSV of items: no,group,th,en")
    new.add_argument("file", type=Path)
    new.add_argument("--item-min", type=int)
    new.add_argument("--pass-total", type=int)
    new.set_defaults(func=cmd_standard_new)

    from reports.catalog import REPORTS  # the list only: builders load when one runs

    rep = sub.add_parser("report", help="write a PDF report (A4, Thai unless --lang en)")
    rep.add_argument("what", choices=tuple(REPORTS))
    rep.add_argument("--fy", help="fiscal year, B.E. (annual, floor)")
    rep.add_argument("--floor", help="floor number (floor)")
    rep.add_argument("--id", dest="record_id", help="round or event UUID (round, incident)")
    rep.add_argument("--point", help="point code such as F1-01 (blank)")
    rep.add_argument("--month", help="month as 2021-01 or 01/2564 (guard-month)")
    rep.add_argument("--out", required=True, type=Path)
    rep.add_argument("--lang", dest="report_lang", choices=("th", "en"), default="th")
    rep.set_defaults(func=cmd_report)

    sign = sub.add_parser("sign", help="sign the annual summary (section head; audited)")
    sign.add_argument("what", choices=("annual",))
    sign.add_argument("--fy", required=True)
    sign.set_defaults(func=cmd_sign)

    exp = sub.add_parser("export", help="export records to CSV (UTF-8 with BOM)")
    exp.add_argument("what", choices=("rounds", "survey", "guard", "indicators"))
    exp.add_argument("--fy", required=True)
    exp.add_argument("--out", required=True, type=Path)
    exp.set_defaults(func=cmd_export)

    bak = sub.add_parser("backup", help="copy the database to a file (SQLite backup API)")
    bak.add_argument("--out", required=True, type=Path)
    bak.set_defaults(func=cmd_backup)

    res = sub.add_parser("restore", help="replace the database with a backup (keeps a copy)")
    res.add_argument("file", type=Path)
    res.set_defaults(func=cmd_restore, opens_db=False)

    syn = sub.add_parser("sync", help="offline sync files between computers (.srsync)")
    syn_sub = syn.add_subparsers(dest="sync_command", required=True)
    sexp = syn_sub.add_parser("export", help="write what this database holds to a sync file")
    sexp.add_argument("--out", required=True, type=Path)
    sexp.add_argument("--since", help="only records created or changed since DATE")
    sexp.set_defaults(func=cmd_sync_export)
    simp = syn_sub.add_parser("import", help="check a sync file, then merge it")
    simp.add_argument("file", type=Path)
    simp.add_argument(
        "--trust", action="store_true",
        help="trust the computer that signed the file (administrator; compare its fingerprint)",
    )  # fmt: skip
    simp.set_defaults(func=cmd_sync_import)

    chk = sub.add_parser("check", help="verify integrity, foreign keys and the audit chain")
    chk.add_argument("--against", help="a head hash printed on a summary or backup")
    chk.set_defaults(func=cmd_check)
    return p


def say(th: str, en: str) -> None:
    print(f"{th}\n{en}")


def cmd_demo(db: Database, args: argparse.Namespace) -> int:
    from core.calendar import parse_fiscal_year
    from inspection.demo import fill_demo_plan, fill_demo_rounds, fill_demo_survey
    from security.demo import fill_demo_guard

    fy = parse_fiscal_year(args.fy)
    r = fill_demo_rounds(db, fy)
    survey = fill_demo_survey(db, fy)
    guard = fill_demo_guard(db, fy)
    plan = fill_demo_plan(db, fy)
    if r.already:
        say(
            f"ปีงบประมาณ {fy} มีข้อมูลตัวอย่างอยู่แล้ว ไม่ได้เพิ่มซ้ำ",
            f"fiscal year {fy} already holds demo data; nothing added",
        )
    else:
        say(
            f"เพิ่มรอบตรวจ {r.rounds} รอบ (ไม่ผ่าน {r.failed}) ปิดงานแก้ไขแล้ว {r.actions_closed} งาน",
            f"added {r.rounds} rounds ({r.failed} failed), {r.actions_closed} actions closed",
        )
    if survey:
        say(f"เพิ่มแบบสอบถาม {survey} ชุด", f"added {survey} survey answers")
    if not guard.already:
        say(
            f"เพิ่มรายงานผู้ควบคุม {guard.reports} ฉบับ เหตุการณ์ {guard.events} รายการ",
            f"added {guard.reports} guard reports with {guard.events} events",
        )
    if plan:
        say(f"บันทึกขั้นตอนตามแผนที่เสร็จแล้ว {plan} ขั้นตอน", f"marked {plan} plan steps done")
    return EXIT_OK


def cmd_import_rounds(db: Database, args: argparse.Namespace) -> int:
    from inspection.csv_io import import_rounds

    r = import_rounds(db, args.file)
    say(
        f"นำเข้ารอบตรวจ {r.added} รอบ ข้ามรายการที่มีอยู่แล้ว {r.skipped} รอบ",
        f"imported {r.added} rounds, skipped {r.skipped} already present",
    )
    return EXIT_OK


def cmd_import_survey(db: Database, args: argparse.Namespace) -> int:
    from inspection.survey import import_survey

    r = import_survey(db, args.file)
    if r.already_imported:
        say(
            f"ไฟล์ {args.file.name} เคยนำเข้าแล้ว ไม่ได้นำเข้าซ้ำ",
            f"{args.file.name} was imported before; skipped so nothing doubles",
        )
    else:
        say(f"นำเข้าแบบสอบถาม {r.added} ชุด", f"imported {r.added} survey answers")
    return EXIT_OK


def cmd_import_guard(db: Database, args: argparse.Namespace) -> int:
    from security.csv_io import import_guard

    r = import_guard(db, args.file)
    say(
        f"นำเข้ารายงาน {r.reports} ฉบับ เหตุการณ์ {r.events} รายการ ข้ามที่มีอยู่แล้ว {r.skipped}",
        f"imported {r.reports} reports with {r.events} events, skipped {r.skipped} present",
    )
    return EXIT_OK


def cmd_score(db: Database, args: argparse.Namespace) -> int:
    import json

    from core.calendar import parse_fiscal_year
    from summary.score import annual_score, score_json, score_text

    result = annual_score(db, parse_fiscal_year(args.fy))
    if args.json:
        print(json.dumps(score_json(result), ensure_ascii=False))
    else:
        print(score_text(result, "th"))
    return EXIT_OK


def cmd_standard_new(db: Database, args: argparse.Namespace) -> int:
    from inspection.standard import create_standard_version

    std = create_standard_version(db, args.file, item_min=args.item_min,
                                  pass_total=args.pass_total)  # fmt: skip
    say(
        f"สร้างเกณฑ์ฉบับที่ {std.version} ({len(std.items)} ข้อ ผ่านที่ {std.pass_total} คะแนน)",
        f"standard version {std.version}: {len(std.items)} items, passes at {std.pass_total}",
    )
    return EXIT_OK


# Which command-line option gives each scope key of reports.catalog.
REPORT_OPTIONS = {"fy": "--fy", "floor": "--floor", "round": "--id", "point": "--point",
                  "month": "--month", "incident": "--id"}  # fmt: skip


def cmd_report(db: Database, args: argparse.Namespace) -> int:
    from reports.catalog import REPORTS, build_report

    kind = REPORTS[args.what]
    given = {"fy": args.fy, "floor": args.floor, "round": args.record_id, "point": args.point,
             "month": args.month, "incident": args.record_id}  # fmt: skip
    scope = {k: given[k] for k in kind.scope}
    missing = [REPORT_OPTIONS[k] for k in kind.scope if not (scope[k] or "").strip()]
    if missing:
        flags = " ".join(missing)
        raise InvalidInput(
            f"รายงาน {args.what} ต้องระบุ {flags}",
            f"report {args.what} needs {flags}",
            field=missing[0],
        )
    out = build_report(db, args.what, args.out, scope, lang=args.report_lang)
    say(f"บันทึกรายงานที่ {out}", f"wrote {out}")
    return EXIT_OK


def cmd_sign(db: Database, args: argparse.Namespace) -> int:
    from core.calendar import parse_fiscal_year
    from summary.signing import sign_annual_summary

    sig = sign_annual_summary(db, parse_fiscal_year(args.fy))
    say(
        f"ลงนามสรุปประจำปี {sig.fiscal_year} โดย {sig.signed_by} รหัสประวัติ {sig.head}",
        f"annual summary {sig.fiscal_year} signed by {sig.signed_by}; audit head {sig.head}",
    )
    return EXIT_OK


def cmd_guard_missing(db: Database, args: argparse.Namespace) -> int:
    from core.calendar import parse_date
    from security.guard import missing_reports

    start = parse_date(args.start, field="--from", allow_future=True)
    end = parse_date(args.end, field="--to", allow_future=True)
    if end < start:
        raise InvalidInput("--to ต้องไม่ก่อน --from", "--to must not be before --from", field="--to")
    for day, shift in missing_reports(db, start, end):
        print(f"{day.isoformat()} {shift}")
    return EXIT_OK


def cmd_export(db: Database, args: argparse.Namespace) -> int:
    from core.calendar import parse_fiscal_year
    from inspection.csv_io import export_rounds
    from inspection.survey import export_survey
    from reports.exports import export_indicators
    from security.csv_io import export_guard

    fy = parse_fiscal_year(args.fy)
    writer = {"rounds": export_rounds, "survey": export_survey, "guard": export_guard,
              "indicators": export_indicators}[args.what]  # fmt: skip
    n = writer(db, fy, args.out)
    say(f"บันทึก {n} แถว ลงไฟล์ {args.out}", f"wrote {n} rows to {args.out}")
    return EXIT_OK


def cmd_backup(db: Database, args: argparse.Namespace) -> int:
    from core.backup import backup_to

    head = backup_to(db, args.out)
    say(
        f"สำรองข้อมูลไว้ที่ {args.out} (รหัสประวัติ {head})",
        f"backed up to {args.out} (audit head {head})",
    )
    return EXIT_OK


def cmd_restore(db_path: Path, args: argparse.Namespace) -> int:
    from core.backup import restore_from
    from core.users import script_actor

    safety = restore_from(db_path, args.file, script_actor(args.user))
    say(
        f"กู้คืนจาก {args.file} แล้ว ไฟล์เดิมเก็บไว้ที่ {safety}",
        f"restored from {args.file}; the previous file is kept as {safety}",
    )
    return EXIT_OK


def cmd_sync_export(db: Database, args: argparse.Namespace) -> int:
    from core.calendar import parse_date
    from core.i18n import tr
    from sync.send import export_sync

    since = parse_date(args.since, field="--since") if args.since else None
    r = export_sync(db, args.out, since)
    values = {"path": r.path, "records": r.records, "audit": r.counts["audit"],
              "sha": r.file_sha256[:12]}  # fmt: skip
    say(tr("sync.sent", "th", **values), tr("sync.sent", "en", **values))
    # What the receiving computer's administrator compares before trusting this one.
    say(tr("syncguard.signed_by", "th", fp=r.fingerprint),
        tr("syncguard.signed_by", "en", fp=r.fingerprint))  # fmt: skip
    return EXIT_OK


def cmd_sync_import(db: Database, args: argparse.Namespace) -> int:
    from sync.receive import import_sync

    result = import_sync(db, args.file, trust=args.trust)
    say(result.summary("th"), result.summary("en"))
    return EXIT_OK


def cmd_check(db: Database, args: argparse.Namespace) -> int:
    from core.backup import check

    result = check(db, against=args.against)
    if result.ok:
        say(
            f"ฐานข้อมูลถูกต้อง ประวัติครบ (รหัสประวัติล่าสุด {result.head})",
            f"database OK, audit chain intact (head {result.head})",
        )
        return EXIT_OK
    for problem in result.problems:
        print(problem)
    say("พบปัญหา ดูรายการด้านบน", "problems found, see above")
    return EXIT_FAILURE


def _utf8_console() -> None:
    # A Windows console defaults to a legacy code page that cannot print Thai.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


# The Qt-free modules the window needs at start-up. Imported before PySide6 because
# PySide6 reads the source of every module imported after it (its __feature__
# check): about 20 ms of the time to the first paint (benchmark, issue 8).
WINDOW_PRELOAD = (
    "core.backup", "core.db", "core.users", "core.i18n", "core.calendar",
    "inspection.rounds", "inspection.indicator", "security.guard", "summary.score",
)  # fmt: skip


def preload_for_window() -> None:
    import importlib

    for name in WINDOW_PRELOAD:
        importlib.import_module(name)


def run(argv: list[str]) -> int:
    _utf8_console()
    args = build_parser().parse_args(argv)
    if args.command is None:
        preload_for_window()
        from ui.app import run as run_window  # the only path that imports Qt

        return run_window(args.db, args.lang)
    from core.db import default_db_path, open_db
    from core.users import PermissionDenied, act_as, script_actor

    func: Callable[..., int] = args.func
    if not getattr(args, "opens_db", True):
        try:
            return func(args.db or default_db_path(), args)
        except SalaError as exc:
            print(exc.bilingual(), file=sys.stderr)
            return EXIT_INVALID
        except OSError as exc:
            return _file_error(exc, args)
    try:
        db = open_db(args.db)
    except DatabaseRefused as exc:
        # The file is left untouched; naming the wrong file is bad input, like a bad CSV.
        print(exc.bilingual(), file=sys.stderr)
        return EXIT_INVALID
    act_as(db, script_actor(args.user))
    try:
        return func(db, args)
    except (InvalidInput, NotFound, PermissionDenied) as exc:
        # DOMAIN.md section 8: a role without the right is refused like bad input.
        print(exc.bilingual(), file=sys.stderr)
        return EXIT_INVALID
    except SalaError as exc:
        print(exc.bilingual(), file=sys.stderr)
        return EXIT_FAILURE
    except OSError as exc:
        return _file_error(exc, args)
    finally:
        db.close()


def _file_error(exc: OSError, args: argparse.Namespace) -> int:
    """A file a command could not read or write: a message naming it, not a traceback.

    An --out in a folder that is not there or not writable is bad input (exit 2), as
    'sync export' says of it; anything else (a full disk, a locked file) is "any other
    failure" (exit 1).
    """
    from core.i18n import tr

    name, reason = str(exc.filename or ""), exc.strerror or str(exc)
    out = str(getattr(args, "out", "") or "")
    named = bool(out) and name.startswith(out)
    error = SalaError(tr("cli.file_error", "th", name=name, reason=reason),
                      tr("cli.file_error", "en", name=name, reason=reason),
                      field="--out" if named else None)  # fmt: skip
    print(error.bilingual(), file=sys.stderr)
    return EXIT_INVALID if named else EXIT_FAILURE
