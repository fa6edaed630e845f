"""Command line of Sala Rounds (DOMAIN.md section 8). No Qt is imported here.

Exit codes: 0 success, 2 invalid input (the message names the row and field),
1 any other failure.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import DatabaseDamaged, DatabaseRefused, InvalidInput, NotFound, SalaError
from core.i18n import ByLanguage, Localised, Phrase

if TYPE_CHECKING:  # the window paints before sqlite-utils loads (issue 19)
    from sqlite_utils import Database

    from core.users import Actor

EXIT_OK, EXIT_FAILURE, EXIT_INVALID = 0, 1, 2
# The account's password for --user, and a new account's for `user add`.
PASSWORD_ENV, NEW_PASSWORD_ENV = "SALA_PASSWORD", "SALA_NEW_PASSWORD"
ROLE_CHOICES = ("admin", "section_head", "inspector", "guard_supervisor")


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
    p.add_argument(
        "--user",
        help="the account that acts, signed in with SALA_PASSWORD or a password typed on the"
        " terminal (decisions need one); without it, the operating-system account, which"
        " enters data and decides nothing",
    )
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
    rep.add_argument("--fy", help="fiscal year, B.E. (annual, floor; blank: printed on the form)")
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

    user = sub.add_parser("user", help="accounts")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser(
        "add",
        help="add an account; its password from SALA_NEW_PASSWORD or typed twice on the terminal"
        " (the first account must be admin and needs no sign-in; later ones need --user ADMIN)",
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLE_CHOICES)
    add.add_argument("--display-name", dest="display_name", default="")
    add.set_defaults(func=cmd_user_add)

    cls = sub.add_parser("classify", help="decide whether an event counts (section head)")
    cls.add_argument("event_id")
    cls.add_argument("decision", choices=("yes", "no"))
    cls.add_argument("--reason", required=True)
    cls.set_defaults(func=cmd_classify)

    cor = sub.add_parser("correct-round", help="correct a final round with new scores")
    cor.add_argument("round_id")
    cor.add_argument("--reason", required=True)
    cor.add_argument("--scores", required=True, help="the item scores, comma-separated")
    cor.set_defaults(func=cmd_correct_round)

    pnt = sub.add_parser("point", help="bring a point into the count or take it out")
    pnt.add_argument("action", choices=("activate", "deactivate"))
    pnt.add_argument("code")
    pnt.add_argument("--from", dest="start", required=True, help="the first day it applies")
    pnt.set_defaults(func=cmd_point)

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

    from hub.cli import add_parser as add_hub_parser  # the parser only: psycopg loads on use

    add_hub_parser(sub)

    chk = sub.add_parser("check", help="verify integrity, foreign keys and the audit chain")
    chk.add_argument("--against", help="a head hash printed on a summary or backup")
    chk.set_defaults(func=cmd_check)
    return p


def say(key: str, /, **values: object) -> None:
    """A result line of a command: Thai, then English (the catalogue's `key`)."""
    from core.i18n import tr_both

    print(tr_both(key, **values))


def say_n(key: str, n: int, /, **values: object) -> None:
    """`say` of a line about `n` things ("imported 1 round", not "1 rounds")."""
    from core.i18n import tr_both_n

    print(tr_both_n(key, n, **values))


def count(key: str, n: int) -> Localised:
    """`n` things, as a part of a line: in Thai the number (the line says what of), in
    English "1 round", "2 rounds" (core.i18n.tr_n picks the form)."""
    from core.i18n import tr_n

    return ByLanguage(lambda lang: tr_n(key, n, lang))


def say_both(lines: Localised) -> None:
    """Text already written in both languages (a sync file's result): Thai, then English."""
    print(f"{lines.text('th')}\n{lines.text('en')}")


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
        say("cli.demo.already", fy=fy)
    else:
        say("cli.demo.rounds", rounds=count("cli.n.round", r.rounds), failed=r.failed,
            actions=count("cli.n.action", r.actions_closed))  # fmt: skip
    if survey:
        say("cli.demo.survey", answers=count("cli.n.survey_answer", survey))
    if not guard.already:
        say("cli.demo.guard", reports=count("cli.n.guard_report", guard.reports),
            events=count("cli.n.event", guard.events))  # fmt: skip
    if plan:
        say("cli.demo.plan", steps=count("cli.n.plan_step", plan))
    return EXIT_OK


def cmd_import_rounds(db: Database, args: argparse.Namespace) -> int:
    from inspection.csv_io import import_rounds

    r = import_rounds(db, args.file)
    say("cli.imported.rounds", added=count("cli.n.round", r.added), skipped=r.skipped)
    return EXIT_OK


def cmd_import_survey(db: Database, args: argparse.Namespace) -> int:
    from inspection.survey import import_survey

    r = import_survey(db, args.file)
    if r.already_imported:
        say("cli.imported.before", name=args.file.name)
    else:
        say("cli.imported.survey", added=count("cli.n.survey_answer", r.added), skipped=r.skipped)
    return EXIT_OK


def cmd_import_guard(db: Database, args: argparse.Namespace) -> int:
    from security.csv_io import import_guard

    r = import_guard(db, args.file)
    say("cli.imported.guard", reports=count("cli.n.report", r.reports),
        events=count("cli.n.event", r.events), skipped=r.skipped)  # fmt: skip
    if r.left_pending:
        say_n("cli.imported.left_pending", r.left_pending)
    return EXIT_OK


def cmd_score(db: Database, args: argparse.Namespace) -> int:
    import json

    from core.calendar import parse_fiscal_year
    from summary.score import annual_score, score_json, score_text

    result = annual_score(db, parse_fiscal_year(args.fy))
    if args.json:
        print(json.dumps(score_json(result), ensure_ascii=False))
    else:
        # Thai, then English, as every other message here (it was Thai only: finding 11).
        print(f"{score_text(result, 'th')}\n\n{score_text(result, 'en')}")
    return EXIT_OK


def cmd_standard_new(db: Database, args: argparse.Namespace) -> int:
    from inspection.standard import create_standard_version

    std = create_standard_version(db, args.file, item_min=args.item_min,
                                  pass_total=args.pass_total)  # fmt: skip
    say("cli.standard.made", version=std.version, items=len(std.items), total=std.pass_total)
    return EXIT_OK


# Which command-line option gives each scope key of reports.catalog.
REPORT_OPTIONS = {"fy": "--fy", "floor": "--floor", "round": "--id", "point": "--point",
                  "month": "--month", "incident": "--id"}  # fmt: skip


def cmd_report(db: Database, args: argparse.Namespace) -> int:
    from reports.catalog import REPORTS, build_report

    kind = REPORTS[args.what]
    given = {"fy": args.fy, "floor": args.floor, "round": args.record_id, "point": args.point,
             "month": args.month, "incident": args.record_id}  # fmt: skip
    scope = {k: given[k] for k in (*kind.scope, *kind.optional)}
    missing = [REPORT_OPTIONS[k] for k in kind.scope if not (scope[k] or "").strip()]
    if missing:
        flags = " ".join(missing)
        raise InvalidInput("cli.report_needs", field=missing[0], what=args.what, flags=flags)
    out = build_report(db, args.what, args.out, scope, lang=args.report_lang)
    say("cli.wrote", out=out)
    return EXIT_OK


def cmd_sign(db: Database, args: argparse.Namespace) -> int:
    from core.calendar import parse_fiscal_year
    from summary.signing import sign_annual_summary

    sig = sign_annual_summary(db, parse_fiscal_year(args.fy))
    say("cli.signed", fy=sig.fiscal_year, by=sig.signed_by, head=sig.head)
    return EXIT_OK


def cmd_user_add(db: Database, args: argparse.Namespace) -> int:
    from core.users import check_username, create_user, has_users

    name = check_username(args.name, field="name")
    first = not has_users(db)
    password = _new_password(first)
    user = create_user(db, name, args.display_name, args.role, password)
    say("cli.user_added", user=user.username, role=Phrase(f"role.{user.role}"))
    return EXIT_OK


def _new_password(first: bool) -> str:
    """A new account's password: SALA_NEW_PASSWORD, or (for the first account, which
    nobody signs in to create) SALA_PASSWORD, else typed twice on the terminal."""
    import getpass
    import os

    for name in (NEW_PASSWORD_ENV, PASSWORD_ENV) if first else (NEW_PASSWORD_ENV,):
        if os.environ.get(name) is not None:
            return os.environ[name]
    _need_terminal(NEW_PASSWORD_ENV)
    typed = getpass.getpass("รหัสผ่านของบัญชีใหม่ / new account's password: ")
    again = getpass.getpass("พิมพ์อีกครั้ง / again: ")
    if typed != again:
        raise InvalidInput("cli.two_passwords_differ", field="password")
    return typed


def _need_terminal(variable: str) -> None:
    if not sys.stdin.isatty():
        raise InvalidInput(
            "cli.no_password_set_run_command",
            field="--user" if variable == PASSWORD_ENV else "password",
            variable=variable,
        )


def sign_in(db: Database, name: str) -> Actor:
    """The account `--user NAME` signed in: its password from SALA_PASSWORD, else typed on
    the terminal without echo; with neither, exit 2. Every command that names a user acts
    through here, so each decision is checked against the account's own role in the
    domain function, as the window's sign-in does, and audited as coming from here."""
    import getpass
    import os

    from core.users import authenticate, check_username

    username = check_username(name, field="--user")
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        _need_terminal(PASSWORD_ENV)
        password = getpass.getpass(f"รหัสผ่านของ {username} / password for {username}: ")
    return authenticate(db, username, password).actor(via="cli")


def cmd_classify(db: Database, args: argparse.Namespace) -> int:
    from core.calendar import format_date
    from security.events import category_name
    from security.indicator import classify_event

    ev = classify_event(db, args.event_id.strip(), args.decision == "yes", args.reason)
    say(
        "cli.classified",
        category=ByLanguage(lambda lang: category_name(ev.category, lang)),
        day=ByLanguage(lambda lang: format_date(ev.day, lang)),
        at=f"{ev.at:%H:%M}",
        verdict=Phrase("cli.classified.counts" if ev.counts else "cli.classified.not"),
        reason=ev.reason,
    )
    return EXIT_OK


def cmd_correct_round(db: Database, args: argparse.Namespace) -> int:
    from core.users import current_actor
    from inspection.rounds import correct_with_scores

    scores = [s.strip() for s in args.scores.split(",")]
    actor = current_actor(db)
    rnd = correct_with_scores(db, args.round_id.strip(), args.reason, scores,
                              actor.display_name or actor.username)  # fmt: skip
    verdict = Phrase("cli.corrected.passes" if rnd.passed else "cli.corrected.fails")
    say("cli.corrected", uuid=rnd.uuid, total=rnd.total, verdict=verdict)
    return EXIT_OK


def cmd_point(db: Database, args: argparse.Namespace) -> int:
    from core.calendar import format_date, parse_date
    from inspection.points import set_point_active

    day = parse_date(args.start, field="--from", allow_future=True)
    active = args.action == "activate"
    point = set_point_active(db, args.code, active, day)
    say("cli.point.counted" if active else "cli.point.not_counted", code=point.code,
        day=ByLanguage(lambda lang: format_date(day, lang)))  # fmt: skip
    return EXIT_OK


def cmd_guard_missing(db: Database, args: argparse.Namespace) -> int:
    from core.calendar import parse_date
    from security.reports import missing_reports

    start = parse_date(args.start, field="--from", allow_future=True)
    end = parse_date(args.end, field="--to", allow_future=True)
    if end < start:
        raise InvalidInput("cli.not_before", field="--to")
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
    say_n("cli.wrote_rows", n, out=args.out)
    return EXIT_OK


def cmd_backup(db: Database, args: argparse.Namespace) -> int:
    from core.backup import backup_to

    head = backup_to(db, args.out)
    say("cli.backed_up", out=args.out, head=head)
    return EXIT_OK


def cmd_restore(db_path: Path, args: argparse.Namespace) -> int:
    from core.instance import window_open_on
    from core.restore import accounts_for_restore, prepare_restore, restore_from
    from core.users import os_actor

    actor, prepared = os_actor(), None
    try:
        if args.user is not None and accounts_for_restore(db_path) == "current":
            # Its own administrator decides that a database that opens is replaced.
            actor = _sign_in_to(db_path, args.user)
        elif args.user is not None:
            # Damaged or not there: its accounts are gone with it, and signing in against
            # it was refused ("will not open ... damaged"), so a damaged file could not be
            # restored at all. An administrator of the checked backup decides instead.
            prepared = prepare_restore(args.file)
            values = {"path": db_path, "file": args.file}
            say("cli.restore.backup_accounts", **values)
            accounts = prepared.accounts()
            try:
                actor = sign_in(accounts, args.user)
            finally:
                accounts.close()
        safety = restore_from(db_path, args.file, actor, prepared=prepared)
    finally:
        if prepared is not None:
            prepared.discard()
    say("cli.restored", file=args.file, safety=safety)
    if window_open_on(db_path) is not None:
        say("conc.window_will_reopen")
    return EXIT_OK


def _sign_in_to(db_path: Path, name: str) -> Actor:
    from core.db import open_db

    current = open_db(db_path)
    try:
        return sign_in(current, name)
    finally:
        current.close()


def cmd_sync_export(db: Database, args: argparse.Namespace) -> int:
    from core.calendar import parse_date
    from sync.send import export_sync

    since = parse_date(args.since, field="--since") if args.since else None
    r = export_sync(db, args.out, since)
    values = {"path": r.path, "records": r.records, "audit": r.counts["audit"],
              "sha": r.file_sha256[:12]}  # fmt: skip
    say("sync.sent", **values)
    # What the receiving computer's administrator compares before trusting this one.
    say("syncguard.signed_by", fp=r.fingerprint)
    return EXIT_OK


def cmd_sync_import(db: Database, args: argparse.Namespace) -> int:
    from sync.receive import import_sync

    result = import_sync(db, args.file, trust=args.trust)
    say_both(ByLanguage(result.summary))
    return EXIT_OK


def head_hash(text: str) -> str:
    """A head hash as a person copies it: from a PDF it may come in pieces or capitals.

    Anything else is bad input, not a finding: `check --against` with a typo said
    "history up to … was rewritten or is missing" (exit 1), an alarm over a tampered
    file that was not.
    """
    value = "".join(text.split()).lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise InvalidInput("cli.not_head_hash_64_characters", field="--against", text=text)
    return value


def cmd_check(db: Database, args: argparse.Namespace) -> int:
    from core.integrity import check

    against = None if args.against is None else head_hash(args.against)
    result = check(db, against=against)
    if result.ok:
        say("cli.check_ok", head=result.head)
        return EXIT_OK
    for problem in result.problems:
        print(problem)
    say("cli.check_problems")
    return EXIT_FAILURE


def _utf8_console() -> None:
    # A Windows console defaults to a legacy code page that cannot print Thai.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


def run(argv: list[str]) -> int:
    _utf8_console()
    args = build_parser().parse_args(argv)
    if args.command is None:
        from ui.app import run as run_window  # the only path that imports Qt

        return run_window(args.db, args.lang)
    from core.db import default_db_path
    from core.instance import announce

    path = args.db or default_db_path()
    kind = " ".join(filter(None, (args.command, getattr(args, "sync_command", None))))
    if getattr(args, "opens_db", True) and kind not in MAY_CREATE and not path.exists():
        # A --db typo on `check` printed "database OK" over a new, empty file (and its
        # folders): only the commands that put data in may make the database.
        error = InvalidInput("cli.no_database", field="--db", path=path)
        print(error.bilingual(), file=sys.stderr)
        return EXIT_INVALID
    if args.command in READING:
        return _run_command(args, path)
    # A writer notes its work beside the database, so another one left waiting for the
    # lock can say who holds it (core.instance).
    with announce(path, kind, _actor_name(args)):
        return _run_command(args, path)


# The commands that may make the database they are given: those that put data in (and
# `restore`, which makes it from a backup; the window's first run makes it too). Any
# other command refuses a --db that is not there.
MAY_CREATE = frozenset({"demo", "import-rounds", "import-survey", "import-guard", "user",
                        "standard", "restore", "sync import"})  # fmt: skip
# Commands that only read the database: they never hold its write lock.
READING = frozenset({"score", "report", "export", "check", "guard", "backup"})


def _actor_name(args: argparse.Namespace) -> str:
    """Who a command's note of its work names: the --user given, else the OS account."""
    from core.users import os_actor

    return args.user if args.user else os_actor().username


def _run_command(args: argparse.Namespace, path: Path) -> int:
    from core.db import open_db
    from core.instance import DatabaseBusy, refuse_database_path
    from core.users import PermissionDenied, act_as, os_actor

    func: Callable[..., int] = args.func
    if not getattr(args, "opens_db", True):
        try:
            return func(path, args)
        except DatabaseBusy as exc:
            print(exc.bilingual(), file=sys.stderr)
            return EXIT_FAILURE
        except PermissionDenied as exc:
            print(_sign_in_hint(exc) if args.user is None else exc.bilingual(), file=sys.stderr)
            return EXIT_INVALID
        except SalaError as exc:
            print(exc.bilingual(), file=sys.stderr)
            return EXIT_INVALID
        except OSError as exc:
            return _file_error(exc, args)
        except sqlite3.OperationalError as exc:
            return _busy(exc, path)
    try:
        db = open_db(path)
    except DatabaseRefused as exc:
        # The file is left untouched; naming the wrong file is bad input, like a bad CSV.
        print(exc.bilingual(), file=sys.stderr)
        if isinstance(exc, DatabaseDamaged):
            print(_restore_hint(path), file=sys.stderr)
        return EXIT_INVALID
    except DatabaseBusy as exc:  # an upgrade that waited too long for another writer
        print(exc.bilingual(), file=sys.stderr)
        return EXIT_FAILURE
    try:
        act_as(db, os_actor() if args.user is None else sign_in(db, args.user))
        # A CSV, report or sync file named as the database itself would destroy it, and
        # reading it by an ordinary handle would drop this process's locks on it.
        for name, field in (("file", "file"), ("out", "--out")):
            if getattr(args, name, None) is not None:
                refuse_database_path(getattr(args, name), field=field)
        if getattr(args, "out", None) is not None:
            check_out_folder(args.out)
        return func(db, args)
    except PermissionDenied as exc:
        print(_sign_in_hint(exc) if args.user is None else exc.bilingual(), file=sys.stderr)
        return EXIT_INVALID
    except (InvalidInput, NotFound) as exc:
        print(exc.bilingual(), file=sys.stderr)
        return EXIT_INVALID
    except SalaError as exc:
        print(exc.bilingual(), file=sys.stderr)
        return EXIT_FAILURE
    except OSError as exc:
        return _file_error(exc, args)
    except sqlite3.OperationalError as exc:
        return _busy(exc, path)
    finally:
        db.close()


def _restore_hint(path: Path) -> str:
    """What to do about a damaged database: where its daily backups are, and the restore
    command that puts one back (no message named that folder: new-user finding 2)."""
    from core.backup import backups_dir, newest_daily_backup
    from core.i18n import tr

    folder = backups_dir(path)
    newest = newest_daily_backup(path)
    values = {"folder": folder, "path": path,
              "example": newest or folder / "sala-rounds-YYYY-MM-DD.db"}  # fmt: skip
    key = "cli.damaged.restore" if newest else "cli.damaged.no_backups"
    return f"{tr(key, 'th', **values)}\n{tr(key, 'en', **values)}"


def _sign_in_hint(exc: SalaError) -> str:
    """A decision refused to the operating-system account says how to take it: it read
    only 'user root (operating-system account (not signed in)) may not do this'."""
    return (f"{exc.message('th')} — ลงชื่อเข้าใช้ด้วย --user ชื่อผู้ใช้ของบัญชีที่มีสิทธิ์"
            " (รหัสผ่านจากตัวแปร SALA_PASSWORD หรือพิมพ์ที่เทอร์มินัล)\n"
            f"{exc.message('en')}; sign in with --user NAME of an account that may"
            " (its password from SALA_PASSWORD or typed on the terminal)")  # fmt: skip


def _busy(exc: sqlite3.OperationalError, path: Path) -> int:
    """A lock waited for longer than the wait anywhere in a command: who holds it, exit 1.

    Writes go through core.db.transaction, which says so itself; this catches the rest
    (a read that met a checkpoint, say) rather than end in a traceback.
    """
    from core.db import is_busy, lock_wait_seconds
    from core.instance import DatabaseBusy

    if not is_busy(exc):
        raise exc
    print(DatabaseBusy.of(path, lock_wait_seconds()).bilingual(), file=sys.stderr)
    return EXIT_FAILURE


def _file_error(exc: OSError, args: argparse.Namespace) -> int:
    """A file a command could not read or write: a message naming it, not a traceback.

    An --out in a folder that is not there or not writable is bad input (exit 2), as
    'sync export' says of it; anything else (a full disk, a locked file) is "any other
    failure" (exit 1).
    """

    name, reason = str(exc.filename or ""), exc.strerror or str(exc)
    out = str(getattr(args, "out", "") or "")
    named = bool(out) and name.startswith(out)
    if named:
        # The writer's own temporary file (x.csv.tmp, x.pdf.partial) is no name the user
        # gave, and the system's reason came in English only: say what is wrong with
        # the --out they typed, in both languages.
        why = ByLanguage(lambda lang: _why_out_fails(Path(out), exc, lang))
        error = SalaError("cli.out_error", field="--out", out=out, why=why)
    else:
        error = SalaError("cli.file_error", name=name, reason=reason)
    print(error.bilingual(), file=sys.stderr)
    return EXIT_INVALID if named else EXIT_FAILURE


def check_out_folder(out: Path) -> None:
    """One rule for every --out (export, report, backup, sync export; README): the file
    goes into a folder that is there. A folder that is not is refused, naming it, and not
    made: `backup` and `sync export` made it while `export` and `report` refused it (new-user
    finding 9), and a typo in it made a folder nobody looks in."""
    from core.i18n import Phrase

    folder = out.parent
    if folder.is_dir():
        return
    why = Phrase("cli.why.not_folder" if folder.exists() else "cli.why.no_folder", folder=folder)
    raise InvalidInput("cli.out_error", field="--out", out=out, why=why)


def _why_out_fails(out: Path, exc: OSError, lang: str) -> str:
    """Why a file cannot be written at `out`, as its user would put it."""
    import errno

    from core.i18n import tr

    folder = out.parent
    if out.is_dir():
        return tr("cli.why.is_folder", lang)
    if not folder.exists():
        return tr("cli.why.no_folder", lang, folder=folder)
    if not folder.is_dir():
        return tr("cli.why.not_folder", lang, folder=folder)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return tr("cli.why.no_permission", lang, folder=folder)
    return exc.strerror or str(exc)
