"""Guard reports (issue 6, reports 4 and 5): a month of daily reports, one incident."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from sqlite_utils import Database

from core.calendar import fiscal_year, format_date, format_month, today
from core.errors import NotFound
from core.i18n import ByLanguage, as_label, tr, tr_n
from core.office import office
from reports import people
from reports.annual_pdf import event_rows
from reports.document import (
    CONTENT_W,
    FAILED_BG,
    GRID,
    HEAD_BG,
    TABLE_FONT,
    Frame,
    Signer,
    heading,
    info_table,
    keep_with,
    para,
    signature_block,
    table,
    write_pdf,
)
from reports.english import ThaiOnly
from security.contract import shifts
from security.events import CATEGORIES, GuardEvent, category_name
from security.post_names import post_name, post_names_en
from security.reports import (
    GuardReport,
    events_between,
    get_report,
    missing_reports,
    month_check,
    reports_between,
)

Progress = Callable[[int, int], None]
FUTURE_BG = colors.HexColor("#f2f2f2")


def _quiet(done: int, total: int) -> None:
    """No progress display (the CLI)."""


def shift_short(code: str, lang: str) -> str:
    return tr(f"rp.shift.short.{code}", lang)


def shift_name(code: str, lang: str) -> str:
    return tr(f"rp.shift.{code}", lang)


def status_text(event: GuardEvent, lang: str) -> str:
    return tr(f"rp.decision.{event.status}", lang)


def _month_days(year: int, month: int) -> tuple[date, date]:
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1), date(year, month, last)


def _calendar(db: Database, year: int, month: int, lang: str) -> Flowable:
    """The month as a wall calendar: each day lists its shifts, red where one is missing."""
    start, end = _month_days(year, month)
    reported = {(r.day, r.shift): r for r in reports_between(db, start, end)}
    required = [s for s in shifts(db) if s.required]
    head = [tr(f"rp.weekday.{i}", lang) for i in range(7)]
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    rows: list[list[Flowable | str]] = [[para(h, "head_c") for h in head]]
    style: list[tuple] = [
        TABLE_FONT,
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for wi, week in enumerate(weeks, start=1):
        cells: list[Flowable | str] = []
        for di, d in enumerate(week):
            if d.month != month:
                cells.append("")
                continue
            if d > today():
                cells.append(para(str(d.day), "cal"))
                style.append(("BACKGROUND", (di, wi), (di, wi), FUTURE_BG))
                continue
            lines = [str(d.day)]
            missing = False
            for s in required:
                rep = reported.get((d, s.code))
                if rep is None:
                    missing = True
                    lines.append(f"{shift_short(s.code, lang)} {tr('rp.cal.missing', lang)}")
                else:
                    mark = "!" if rep.shortfall else ""
                    lines.append(f"{shift_short(s.code, lang)} {rep.present}/{rep.required}{mark}")
            cells.append(para("\n".join(lines), "cal"))
            if missing:
                style.append(("BACKGROUND", (di, wi), (di, wi), FAILED_BG))
        rows.append(cells)
    t = Table(rows, colWidths=[CONTENT_W / 7] * 7, repeatRows=1, splitInRow=1)
    t.setStyle(TableStyle(style))
    return t


def parse_month(text: str, *, field: str = "month") -> tuple[int, int]:
    """`2021-01` (or `2564-01`, `01/2564`): C.E. year and month of a month not in the future."""
    from core.calendar import BE_OFFSET
    from core.errors import InvalidInput
    from core.values import digits

    raw = str(text or "").strip()
    read = digits(raw, field=field)  # Thai digits read; '²' or '０１' refused (issue 14)
    year = month = 0
    if "-" in read:
        y, _, m = read.partition("-")
    else:
        m, _, y = read.partition("/")
    if y.isascii() and y.isdigit() and m.isascii() and m.isdigit() and len(y + m) <= 6:
        year, month = int(y), int(m)
        if year > 2400:
            year -= BE_OFFSET
    if not (1 <= month <= 12 and 1900 <= year <= 2400):
        raise InvalidInput("guard_pdf.month_not_valid_write_2021", field=field, raw=raw)
    if date(year, month, 1) > today():
        raise InvalidInput(
            "guard_pdf.future",
            field=field,
            format_month=ByLanguage(lambda lang: format_month(year, month, lang)),
        )
    return year, month


def build_guard_month_pdf(
    db: Database, year: int, month: int, out: Path, *, lang: str = "th",
    progress: Progress | None = None,
) -> Path:  # fmt: skip
    """A month of guard reports: calendar, shortfalls, events by category, contract check."""
    start, end = _month_days(year, month)
    end = min(end, today())
    month_name = format_month(year, month, lang)
    title = tr("rp.guard.title", lang, month=month_name)
    w = CONTENT_W
    reports = reports_between(db, start, end)
    thai = ThaiOnly(lang)

    def head() -> list[Flowable]:
        return [
            para(title, "title"),
            keep_with(
                [heading(tr("rp.guard.h.calendar", lang)),
                 para(tr("rp.guard.cal_legend", lang), "small")],
                _calendar(db, year, month, lang),
            ),
        ]  # fmt: skip

    def shortfalls() -> list[Flowable]:
        title_s = heading(tr("rp.guard.h.shortfalls", lang))
        out: list[Flowable] = []
        short = [r for r in reports if r.shortfall]
        if short:
            rows = [[tr("rp.col.date", lang), tr("rp.col.shift", lang),
                     tr("rp.col.supervisor", lang), tr("rp.col.required", lang),
                     tr("rp.col.present", lang), tr("rp.col.short", lang)]]  # fmt: skip
            for r in short:
                rows.append([format_date(r.day, lang), shift_name(r.shift, lang), r.supervisor,
                             str(r.required), str(r.present), str(r.shortfall)])  # fmt: skip
            out.append(keep_with([title_s], table(
                rows, [w * 0.17, w * 0.12, w * 0.35, w * 0.12, w * 0.12, w * 0.12],
                align="lllrrr")))  # fmt: skip
        else:
            out += [title_s, para(tr("rp.guard.no_shortfall", lang), "body")]
        missing = missing_reports(db, start, end)
        if missing:
            listed = ", ".join(
                f"{format_date(d, lang)} ({shift_name(code, lang)})" for d, code in missing
            )
            out.append(para(tr_n("rp.guard.missing", len(missing), lang, list=listed), "body"))
        else:
            out.append(para(tr("rp.guard.none_missing", lang), "body"))
        return out

    def events() -> list[Flowable]:
        check = month_check(db, year, month)
        rows = [[tr("rp.col.category", lang), tr("rp.col.count", lang)]]
        for c in CATEGORIES:
            rows.append([as_label(category_name(c, lang)), str(check.by_category.get(c, 0))])
        rows.append([tr("rp.all_events", lang), str(sum(check.by_category.values()))])
        # A short table: kept whole with its heading rather than split over a page.
        out: list[Flowable] = [
            keep_with([heading(tr("rp.guard.h.events", lang))],
                      table(rows, [w * 0.4, w * 0.15], align="lr", bold_last=True)),
        ]  # fmt: skip
        # By the day each event happened (a night report's 02:00 of the 31st is next month's).
        month_events = events_between(db, start, _month_days(year, month)[1])
        if month_events:
            erows = event_rows(month_events, lang, thai, post_names_en(db))
            erows[0].append(tr("rp.col.decision", lang))
            for row, e in zip(erows[1:], month_events, strict=True):
                row.append(status_text(e, lang))
            out += [
                Spacer(1, 3 * mm),
                keep_with([para(tr("rp.guard.events_list", lang), "h3")], table(
                    erows, [w * 0.14, w * 0.13, w * 0.13, w * 0.23, w * 0.22, w * 0.15])),
            ]  # fmt: skip
        return out

    def contract() -> list[Flowable]:
        check = month_check(db, year, month)
        pairs = [
            (tr("rp.guard.days", lang), str(check.days)),
            (tr("rp.guard.required_reports", lang), str(check.required_reports)),
            (tr("rp.guard.reported", lang), str(check.reported)),
            (tr("rp.guard.total_shortfall", lang), str(check.shortfall)),
        ]
        checker = people.account(db, check.checked_by, lang) if check.checked_by else None
        if checker is not None:
            by = checker.name or tr("rp.signed.unnamed", lang)
            verdict = tr("rp.guard.checked", lang, by=by,
                         note=thai.value("check_note", check.note) or "-")  # fmt: skip
        else:
            verdict = tr("rp.guard.not_checked", lang)
            checker = people.section_head(db, lang)
        prepared = people.preparer(db, lang)
        out: list[Flowable] = [
            keep_with([heading(tr("rp.guard.h.contract", lang))], info_table(pairs)),
            Spacer(1, 2 * mm),
            para(verdict, "body"),
        ]
        note = thai.note()
        if note:
            out.append(para(note, "small"))
        out.append(signature_block(lang, [
            Signer(tr("rp.sign.prepared", lang), prepared.name, prepared.position, today()),
            Signer(tr("rp.sign.checked", lang), checker.name, checker.position),
        ]))  # fmt: skip
        return out

    frame = Frame(title, fiscal_year(start), lang, office(db).name(lang))
    return write_pdf(out, frame, [head, shortfalls, events, contract], progress or _quiet)


# ---------------------------------------------------------------- one incident


def find_event(db: Database, event_uuid: str) -> tuple[GuardEvent, GuardReport]:
    """The event `event_uuid` and the supervisor's report it was written in."""
    row = db.execute(
        "SELECT r.uuid FROM guard_events e JOIN guard_reports r ON r.id = e.report_id"
        " WHERE e.uuid = ?",
        [str(event_uuid or "").strip()],
    ).fetchone()
    if row is None:
        raise NotFound("guard_pdf.no_event", event_uuid=event_uuid)
    report = get_report(db, row[0])
    event = next(e for e in report.events if e.uuid == str(event_uuid).strip())
    return event, report


def build_incident_pdf(
    db: Database, event_uuid: str, out: Path, *, lang: str = "th",
    progress: Progress | None = None,
) -> Path:  # fmt: skip
    """One event with the report it came in, its classification and the reason."""
    event, report = find_event(db, event_uuid)
    title = tr("rp.incident.title", lang)
    thai = ThaiOnly(lang)
    names = post_names_en(db)

    def body() -> list[Flowable]:
        loss = "-" if event.loss_value is None else f"{event.loss_value:,.2f}"
        when = f"{format_date(event.day, lang)} {event.at:%H:%M}"
        place = post_name(names, event.place, lang)
        posts = [post_name(names, p, lang) for p in report.posts]
        for p in posts:
            thai.value("post", p)
        return [
            para(title, "title"),
            para(f"{as_label(category_name(event.category, lang))} · {when}", "subtitle"),
            keep_with([heading(tr("rp.incident.h.event", lang))], info_table([
                (tr("rp.col.date", lang), when),
                (tr("rp.col.place", lang), thai.value("place", place)),
                (tr("rp.col.category", lang), as_label(category_name(event.category, lang))),
                (tr("rp.col.loss", lang), loss),
            ])),
            Spacer(1, 2 * mm),
            para(tr("rp.col.description", lang) + ": "
                 + (thai.value("description", event.description) or "-"), "body"),
            para(tr("rp.col.action_taken", lang) + ": "
                 + (thai.value("action_taken", event.action_taken) or "-"), "body"),
            keep_with([heading(tr("rp.incident.h.report", lang))], info_table([
                (tr("rp.col.date", lang), format_date(report.day, lang)),
                (tr("rp.col.shift", lang), shift_name(report.shift, lang)),
                (tr("rp.col.supervisor", lang), report.supervisor),
                (tr("rp.col.present", lang), f"{report.present}/{report.required}"),
                (tr("rp.col.posts", lang), ", ".join(posts) or "-"),
                (tr("rp.col.patrols", lang), ", ".join(report.patrols) or "-"),
            ])),
            Spacer(1, 2 * mm),
            para(tr("rp.col.note", lang) + ": " + (thai.value("note", report.note) or "-"), "body"),
        ]  # fmt: skip

    def decision() -> list[Flowable]:
        decided = people.account(db, event.classified_by, lang) if event.classified_by else None
        if decided is None:
            by = "-"
        else:
            by = decided.name or tr("rp.signed.unnamed", lang)
            if decided.position:
                by += f" ({decided.position})"
        reason = thai.value("reason", event.reason) or tr("rp.no_reason_yet", lang)
        out: list[Flowable] = [
            keep_with(
                [heading(tr("rp.incident.h.decision", lang)),
                 para(tr("rp.incident.rule", lang), "small")],
                info_table([(tr("rp.col.decision", lang), status_text(event, lang)),
                            (tr("rp.col.decided_by", lang), by)]),
            ),
            Spacer(1, 2 * mm),
            para(tr("rp.col.reason", lang) + ": " + reason, "body"),
        ]  # fmt: skip
        if event.status == "pending":
            out.append(para(tr("rp.incident.pending", lang), "body"))
        note = thai.note()
        if note:
            out.append(para(note, "small"))
        supervisor = people.supervisor(report.supervisor, lang)
        reviewer = decided if decided is not None else people.section_head(db, lang)
        out.append(signature_block(lang, [
            Signer(tr("rp.sign.supervisor", lang), supervisor.name, supervisor.position,
                   report.day),
            Signer(tr("rp.sign.reviewer", lang), reviewer.name, reviewer.position),
        ]))  # fmt: skip
        return out

    frame = Frame(title, fiscal_year(event.day), lang, office(db).name(lang))
    return write_pdf(out, frame, [body, decision], progress or _quiet)
