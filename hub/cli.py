"""`main.py hub ...`: the city hub's commands (issue 18). No Qt, no laptop database.

Exit codes as everywhere: 0 success, 2 bad input (a refused file, a wrong or unreachable
connection string, a hub not initialised), 1 any other failure (a broken audit chain).
The connection string comes from --pg or the environment variable SALA_HUB_PG, and is
only ever shown without its password.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.errors import InvalidInput, SalaError
from core.i18n import tr, tr_both, tr_both_n

EXIT_OK, EXIT_FAILURE, EXIT_INVALID = 0, 1, 2


def add_parser(sub: argparse._SubParsersAction) -> None:
    hub = sub.add_parser("hub", help="the city hub: many offices' sync files in PostgreSQL")
    hub_sub = hub.add_subparsers(dest="hub_command", required=True)
    pg_help = "PostgreSQL connection string (default: $SALA_HUB_PG)"

    def command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        p = hub_sub.add_parser(name, help=help_text)
        p.add_argument("--pg", help=pg_help)
        p.set_defaults(func=func, opens_db=False)
        return p

    command("init", "create or upgrade the hub's schema", cmd_init)
    rec = command("receive", "check sync files, then merge each in one transaction", cmd_receive)
    rec.add_argument("files", nargs="+", type=Path)
    tru = command(
        "trust", "trust the computer that made a sync file (hub administrator)", cmd_trust
    )
    tru.add_argument("file", nargs="?", type=Path)
    tru.add_argument("--list", action="store_true", help="list the trusted computers")
    sco = command("score", "each office's two indicators and the city's summary", cmd_score)
    sco.add_argument("--fy", required=True)
    sco.add_argument("--office", help="one office's code: exactly its laptop's score --json")
    sco.add_argument("--json", action="store_true")
    sco.add_argument("--live", action="store_true", help="compute every office's year again")
    rep = command("report", "the city's summary as a PDF (A4)", cmd_report)
    rep.add_argument("what", choices=("city",))
    rep.add_argument("--fy", required=True)
    rep.add_argument("--out", required=True, type=Path)
    rep.add_argument("--lang", dest="report_lang", choices=("th", "en"), default="th")
    command("check", "verify every device's audit chain", cmd_check)


def say(key: str, /, **values: object) -> None:
    """A result line: Thai, then English (the catalogue's `key`)."""
    print(tr_both(key, **values))


def say_n(key: str, n: int, /, **values: object) -> None:
    print(tr_both_n(key, n, **values))


def _guarded(run):
    """Database errors as messages, never a traceback (the password never shown)."""

    def wrapper(_db_path: Path, args: argparse.Namespace) -> int:
        import psycopg  # here, not at the top: the laptop's commands never load it

        try:
            return run(args)
        except psycopg.errors.InsufficientPrivilege as exc:
            reason = str(exc).strip().splitlines()[0]
            error = InvalidInput("hub.denied", field="--pg", reason=reason)
            print(error.bilingual(), file=sys.stderr)
            return EXIT_INVALID
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            error = SalaError("hub.failed", reason=reason)
            print(error.bilingual(), file=sys.stderr)
            return EXIT_FAILURE

    return wrapper


@_guarded
def cmd_init(args: argparse.Namespace) -> int:
    from hub.connect import connected, redact, resolve_url
    from hub.upgrade import init

    with connected(args.pg) as conn:
        done = init(conn)
    where = redact(resolve_url(args.pg))
    names = ", ".join(done) or "-"
    say("hub.init_done", where=where, names=names)
    return EXIT_OK


@_guarded
def cmd_receive(args: argparse.Namespace) -> int:
    from hub.connect import connected
    from hub.intake import trust_list
    from hub.merge import receive_files
    from hub.schema import require_current

    refused = 0
    with connected(args.pg) as conn:
        require_current(conn)
        for path, outcome in receive_files(conn, args.files, trust_list(conn)):
            if isinstance(outcome, SalaError):
                refused += 1
                print(outcome.bilingual(), file=sys.stderr)
                continue
            print(f"{path.name}: {outcome.summary('th')}\n{path.name}: {outcome.summary('en')}")
    if refused:
        n = len(args.files)
        # "1 of 1 files refused (the others were received)" named others there were not.
        key = "hub.receive_refused_all" if refused == n else "hub.receive_refused"
        say(key, refused=refused, n=n)
        return EXIT_INVALID
    return EXIT_OK


@_guarded
def cmd_trust(args: argparse.Namespace) -> int:
    from hub.connect import connected
    from hub.intake import trust_list
    from hub.schema import require_current
    from hub.trust import trust_file_device

    with connected(args.pg) as conn:
        require_current(conn)
        if args.list or args.file is None:
            if args.file is None and not args.list:
                raise InvalidInput("hub.trust_what", field="file")
            for e in sorted(trust_list(conn).values(), key=lambda e: (e.office, e.trusted_at)):
                print(
                    f"{e.office}\t{e.device_id}\t{e.fingerprint or '-'}\t{e.trusted_by}"
                    f"\t{e.trusted_at}"
                )
            return EXIT_OK
        t = trust_file_device(conn, args.file)
    e = t.entry
    values = {
        "device": e.device_id,
        "office": e.office,
        "by": e.trusted_by,
        "fingerprint": e.fingerprint or "-",
    }
    key = "hub.trust_already" if t.already else "hub.trusted"
    say(key, **values)
    if t.new_office:
        say("hub.office_new", office=e.office)
    return EXIT_OK


@_guarded
def cmd_score(args: argparse.Namespace) -> int:
    from core.calendar import parse_fiscal_year
    from hub.connect import connected
    from hub.dialect import PgDatabase
    from hub.schema import office_schemas, require_current
    from hub.score import city_json, city_summary, office_years
    from summary.score import annual_score, score_text

    fy = parse_fiscal_year(args.fy)
    with connected(args.pg) as conn:
        require_current(conn)
        years = office_years(conn, fy, args.office, live=args.live)
        if args.office and not args.json:
            # One office in words, what its next level needs included, as its laptop says it.
            db = PgDatabase(conn, office_schemas(conn)[years[0].code])
            text = score_text(annual_score(db, fy), "th")  # type: ignore[arg-type]
    if args.json:
        if args.office:
            print(json.dumps(years[0].score, ensure_ascii=False))
        else:
            print(json.dumps(city_json(fy, years), ensure_ascii=False))
        return EXIT_OK
    if args.office:
        print(f"== {years[0].code} {years[0].name_th}")
        print(text)
        return EXIT_OK
    for y in years:
        r, i = y.score["restrooms"], y.score["incidents"]
        quiet = "" if y.sent else f" ({tr('hub.sent_nothing', 'th')})"
        print(tr("hub.office_line", "th", code=y.code, name=y.name_th, passing=r["points_passing"],
                 total=r["points_total"], r_level=r["level"], counted=i["counted"],
                 i_level=i["level"], score=f"{y.total:g}") + quiet)  # fmt: skip
    c = city_summary(years)
    print(tr("hub.city.text", "th", offices=c["offices"], passing=c["points_passing"],
             total=c["points_total"], pct=c["points_pct"],
             silent=", ".join(c["sent_nothing"]) or "-"))  # fmt: skip
    levels = {k: ", ".join(f"{lv}: {n}" for lv, n in c[k].items())
              for k in ("restroom_levels", "incident_levels")}  # fmt: skip
    print(tr("hub.city.levels", "th", restrooms=levels["restroom_levels"],
             incidents=levels["incident_levels"]))  # fmt: skip
    return EXIT_OK


@_guarded
def cmd_report(args: argparse.Namespace) -> int:
    from core.calendar import parse_fiscal_year
    from hub.city_pdf import build_city_pdf
    from hub.connect import connected
    from hub.schema import require_current
    from hub.score import office_years

    fy = parse_fiscal_year(args.fy)
    with connected(args.pg) as conn:
        require_current(conn)
        years = office_years(conn, fy)
    try:
        out = build_city_pdf(years, fy, args.out, lang=args.report_lang)
    except OSError as exc:
        raise InvalidInput(
            "cli.file_error", field="--out", name=args.out, reason=exc.strerror
        ) from None
    say("hub.wrote", out=out)
    return EXIT_OK


@_guarded
def cmd_check(args: argparse.Namespace) -> int:
    from hub.check import verify_chains, verify_records
    from hub.connect import connected
    from hub.schema import require_current

    with connected(args.pg) as conn:
        require_current(conn)
        chains = verify_chains(conn)
        offices = verify_records(conn)
    bad = [c for c in chains if not c.report.ok]
    for c in bad:
        values = {"office": c.office, "device": c.device_id, "row": c.report.first_bad_id}
        say("hub.chain_broken", **values)
    uncovered = [o for o in offices if o.problems]
    for o in uncovered:
        n = len(o.problems)
        say_n("hub.records_problems", n, office=o.office)
        for text in o.problems:
            print("\n".join(f"  {line}" for line in text.splitlines()))
    if bad or uncovered:
        return EXIT_FAILURE
    rows = sum(c.report.rows for c in chains)
    values = {"chains": len(chains), "offices": len({c.office for c in chains}), "rows": rows}
    say("hub.check_ok", **values)
    for c in chains:
        print(f"  {c.office} {c.device_id} {c.report.rows} {c.report.head}")
    values = {"offices": len(offices), "records": sum(o.records for o in offices)}
    say("hub.records_ok", **values)
    return EXIT_OK
