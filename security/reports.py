"""Guard supervisors' daily reports (DOMAIN.md section 7) and the month's check of them
against the contract (plan project 1, step 4).

A signed report is final; a correction is a new revision naming the one it
supersedes and why, and both stay. Only the current revision of a day's shift
counts, so its events are never counted twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlite_utils import Database

from core.audit import audit
from core.calendar import fiscal_year, format_date, now, parse_date, parse_time, today
from core.db import new_id, transaction
from core.errors import InvalidInput, NotFound
from core.i18n import ByLanguage
from core.records import GUARD_EVENT_DAYS, GUARD_EVENTS, SOURCES, covering
from core.users import current_actor, require
from security.contract import HEADCOUNT_MAX, Shift, get_shift, shifts
from security.events import (
    CATEGORIES,
    EVENT_SQL,
    REASON_MAX,
    EventInput,
    GuardEvent,
    check_text,
    event_from_row,
    validate_event,
)

# How much each field takes (the window's fields stop here; CSV and sync files alike).
SUPERVISOR_MAX = 100
NOTE_MAX = 1000
POST_MAX = 200
POSTS_MAX = 50  # posts covered in one shift
PATROLS_MAX = 48  # patrol rounds in one shift: one every half hour


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def check_headcount(value: object, field_name: str) -> int:
    """A headcount: a whole number from 0 to HEADCOUNT_MAX (the window's spin boxes')."""
    text = str(value).strip().translate(_THAI_DIGITS)
    if isinstance(value, bool) or not (text.isascii() and text.isdecimal()):
        raise InvalidInput(
            "guard_reports.headcount_whole_number_not_negative", field=field_name, value=value
        )
    if int(text) > HEADCOUNT_MAX:
        raise InvalidInput(
            "guard_reports.headcount_above",
            field=field_name,
            text=text,
            headcount_max=HEADCOUNT_MAX,
        )
    return int(text)


_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@dataclass(frozen=True)
class ReportInput:
    """A daily report's own fields, checked (validate_report)."""

    day: date
    shift: Shift
    supervisor: str
    required: int
    present: int
    posts: tuple[str, ...]
    patrols: tuple[str, ...]
    note: str


def validate_report(
    db: Database,
    day: date | str,
    shift: str,
    supervisor: str,
    required: object,
    present: object,
    posts_covered: Sequence[str] = (),
    patrols: Sequence[str] = (),
    note: str = "",
) -> ReportInput:
    """The one check of a guard report, wherever it comes from (the window's form, the
    CSV import, a sync file; issue 14 point 2): a day not in the future, a known shift,
    the supervisor named, headcounts 0..HEADCOUNT_MAX, times HH:MM, texts within the
    window's lengths."""
    if isinstance(day, date):
        d = day
        if d > today():
            parse_date(d.isoformat())  # the same refusal as typed text
    else:
        d = parse_date(str(day))
    posts_list = [check_text(p, "posts", POST_MAX) for p in posts_covered]
    if len(posts_list) > POSTS_MAX:
        raise InvalidInput("guard_reports.more_than_posts", field="posts", posts_max=POSTS_MAX)
    if len(patrols) > PATROLS_MAX:
        raise InvalidInput(
            "guard_reports.more_than_patrols", field="patrols", patrols_max=PATROLS_MAX
        )
    return ReportInput(
        day=d,
        shift=get_shift(db, shift),
        supervisor=check_text(supervisor, "supervisor", SUPERVISOR_MAX, required=True),
        required=check_headcount(required, "required"),
        present=check_headcount(present, "present"),
        posts=tuple(p for p in posts_list if p),
        patrols=tuple(parse_time(str(p), field="patrols").strftime("%H:%M") for p in patrols),
        note=check_text(note, "note", NOTE_MAX, lines=True),
    )


def event_moment(report: ReportInput, ev: EventInput) -> datetime:
    """When a (validated) event on `report` happened; a moment still to come is refused."""
    at = ev.at if isinstance(ev.at, time) else parse_time(str(ev.at), field="event_time")
    return moment_of(report.day, report.shift, at)


def default_event_time(day: date, shift: Shift) -> time:
    """The time an event dialog starts with: now, on the shift being worked (an event is
    logged soon after it happens); else the shift's start. It said 10:00 even on a night
    shift, a time outside it (new-user finding 5)."""
    starts = datetime.combine(day, shift.starts)
    ends = datetime.combine(day + timedelta(days=1 if shift.overnight else 0), shift.ends)
    moment = now()
    if starts <= moment < ends:
        return moment.time().replace(second=0, microsecond=0)
    return shift.starts


def moment_of(day: date, shift: Shift, at: time) -> datetime:
    """When an event at `at` on `shift`'s report of `day` happened (a night report's 02:30
    is the next day); a moment still to come is refused, naming it. The window's event
    dialog asks this as OK is pressed: 02:30 tonight was accepted there and refused only
    at signing (new-user finding 5)."""
    moment = datetime.combine(shift.day_of(day, at), at)
    if moment > now():
        raise InvalidInput(
            "guard_reports.event_time_not_come_yet",
            field="event_time",
            at=f"{at:%H:%M}",
            day=ByLanguage(lambda lang: format_date(moment.date(), lang)),
        )
    return moment


@dataclass(frozen=True)
class GuardReport:
    id: int
    uuid: str
    day: date
    shift: str
    supervisor: str
    required: int
    present: int
    posts: tuple[str, ...]
    patrols: tuple[str, ...]
    note: str
    status: str
    supersedes: str | None
    reason: str
    events: tuple[GuardEvent, ...] = field(default=())

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.present)


_REPORT_COLS = (
    "id, uuid, day, shift, supervisor, required, present, posts, patrols, note, status,"
    " supersedes, reason"
)
# A report is current when no signed revision supersedes it.
CURRENT = (
    "r.status = 'signed' AND NOT EXISTS (SELECT 1 FROM guard_reports c"
    " WHERE c.supersedes = r.uuid AND c.status = 'signed')"
)


def _report(db: Database, row: tuple) -> GuardReport:
    events = tuple(
        event_from_row(e)
        for e in db.execute(
            EVENT_SQL + " WHERE e.report_id = ? ORDER BY e.occurred_on, e.at", [row[0]]
        )
    )
    return GuardReport(
        row[0], row[1], date.fromisoformat(row[2]), row[3], row[4], row[5], row[6],
        tuple(json.loads(row[7] or "[]")), tuple(json.loads(row[8] or "[]")), row[9], row[10],
        row[11], row[12], events,
    )  # fmt: skip


def get_report(db: Database, report_uuid: str) -> GuardReport:
    row = db.execute(
        f"SELECT {_REPORT_COLS} FROM guard_reports WHERE uuid = ?", [report_uuid]
    ).fetchone()
    if row is None:
        raise NotFound("guard_reports.report_not_found")
    return _report(db, row)


def current_report(db: Database, day: date, shift: str) -> GuardReport | None:
    row = db.execute(
        f"SELECT {_REPORT_COLS} FROM guard_reports r WHERE day = ? AND shift = ? AND {CURRENT}"
        # Not the local row id: two laptops that each signed this shift must show the same.
        " ORDER BY r.signed_at DESC, r.uuid DESC LIMIT 1",
        [day.isoformat(), shift],
    ).fetchone()
    return None if row is None else _report(db, row)


def reports_between(db: Database, start: date, end: date) -> list[GuardReport]:
    rows = db.execute(
        f"SELECT {_REPORT_COLS} FROM guard_reports r WHERE day BETWEEN ? AND ? AND {CURRENT}"
        " ORDER BY day, shift",
        [start.isoformat(), end.isoformat()],
    ).fetchall()
    return [_report(db, r) for r in rows]


def save_report(
    db: Database,
    day: date | str,
    shift: str,
    supervisor: str,
    required: int | str,
    present: int | str,
    *,
    posts_covered: Sequence[str] = (),
    patrols: Sequence[str] = (),
    note: str = "",
    events: Sequence[EventInput] = (),
    supersedes: str | None = None,
    reason: str = "",
    source: str = "app",
) -> GuardReport:
    """Sign a day's report for a shift (final at once); a correction names what it supersedes.

    Each event is stored with the day and time it happened (Shift.day_of).
    """
    if source not in SOURCES:
        # A caller's mistake, not a person's: a report stored as "csv" was refused by every
        # other laptop's sync import (review, 2026-11-30).
        raise ValueError(f"unknown source {source!r}; one of {SOURCES}")
    require(db, "guard.report")
    # Only a report's uuid makes a correction: no other value may reach the column.
    supersedes = supersedes or None
    checked = [validate_event(ev) for ev in events]
    reason = check_text(reason, "reason", REASON_MAX, lines=True)
    with transaction(db):
        # Read under the write lock: the shifts it is checked against, and another window
        # signing this shift, or correcting the same report, a moment earlier.
        rep = validate_report(db, day, shift, supervisor, required, present, posts_covered,
                              patrols, note)  # fmt: skip
        moments = [event_moment(rep, ev) for ev in checked]
        if supersedes:
            old = get_report(db, supersedes)
            if not reason:
                raise InvalidInput("guard_reports.give_reason_correction", field="reason")
            if db.execute(
                "SELECT 1 FROM guard_reports WHERE supersedes = ? AND status = 'signed'",
                [old.uuid],
            ).fetchone():
                raise InvalidInput("guard_reports.report_already_corrected")
        elif current_report(db, rep.day, rep.shift.code) is not None:
            raise InvalidInput("guard_reports.signed_report_day_shift_exists", field="date")
        actor = current_actor(db).username
        classifiers = _classifiers(db, checked, old if supersedes else None, actor)
        uid = new_id()
        cur = db.execute(
            "INSERT INTO guard_reports(uuid, day, fiscal_year, shift, supervisor, required,"
            " present, posts, patrols, note, status, supersedes, reason, source, recorded_by,"
            " created_at, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'signed', ?, ?, ?, ?,"
            " ?, ?)",
            [uid, rep.day.isoformat(), fiscal_year(rep.day), rep.shift.code, rep.supervisor,
             rep.required, rep.present, json.dumps(list(rep.posts), ensure_ascii=False),
             json.dumps(list(rep.patrols)), rep.note, supersedes, reason, source, actor,
             _stamp(), _stamp()],
        )  # fmt: skip
        for ev, moment, classifier in zip(checked, moments, classifiers, strict=True):
            _add_event(db, cur.lastrowid, ev, moment.date(), classifier)
        covers = covering(db, guard_reports=[uid])
        covers.read_where(db, GUARD_EVENTS, "t.report_id = ?", [cur.lastrowid])
        covers.read_where(db, GUARD_EVENT_DAYS, "t.report_id = ?", [cur.lastrowid])
        audit(db, "sign" if not supersedes else "correct", "guard_report", uid,
              None, {"day": rep.day.isoformat(), "shift": rep.shift.code, "events": len(events),
                     "supersedes": supersedes}, covers=covers)  # fmt: skip
    return get_report(db, uid)


def _classifiers(
    db: Database, events: Sequence[EventInput], old: GuardReport | None, actor: str
) -> list[str | None]:
    """Who decided whether each event counts: None while pending.

    Deciding is the section head's call (incidents.classify), whichever function
    writes it: a report that arrives already classified needs that permission. A
    correction may carry an event's decision over unchanged from the report it
    supersedes; the decision then stays the one who made it.
    """
    earlier = {
        (e.at.strftime("%H:%M"), e.place, e.category, e.description, e.counts, e.reason):
            e.classified_by
        for e in (old.events if old is not None else ())
        if e.counts is not None
    }  # fmt: skip
    out: list[str | None] = []
    for ev in events:
        if ev.counts is None:
            out.append(None)
            continue
        key = (ev.at.strftime("%H:%M"), ev.place, ev.category, ev.description, ev.counts,
               ev.reason)  # fmt: skip
        if key in earlier:
            out.append(earlier[key] or actor)
        else:
            out.append(require(db, "incidents.classify").username)
    return out


def _add_event(
    db: Database, report_id: int, ev: EventInput, day: date, classifier: str | None
) -> None:
    classified = ev.counts is not None
    db.execute(
        "INSERT INTO guard_events(uuid, report_id, at, place, category, description, loss_value,"
        " action_taken, counts, reason, classified_by, classified_at, occurred_on, fiscal_year)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [new_id(), report_id, ev.at.strftime("%H:%M"), ev.place, ev.category, ev.description,
         ev.loss_value, ev.action_taken, None if ev.counts is None else int(ev.counts),
         ev.reason, classifier if classified else None, _stamp() if classified else None,
         day.isoformat(), fiscal_year(day)],
    )  # fmt: skip


def copy_previous_report(db: Database, day: date, shift: str) -> dict | None:
    """The fields of the last signed report of this shift before `day`, events left out.

    A quiet day is then only a check and a signature.
    """
    row = db.execute(
        f"SELECT {_REPORT_COLS} FROM guard_reports r WHERE shift = ? AND day < ? AND {CURRENT}"
        " ORDER BY day DESC LIMIT 1",
        [shift, day.isoformat()],
    ).fetchone()
    if row is None:
        return None
    rep = _report(db, row)
    return {
        "supervisor": rep.supervisor,
        "required": rep.required,
        "present": rep.present,
        "posts_covered": list(rep.posts),
        "patrols": list(rep.patrols),
        "note": "",
    }


def missing_reports(db: Database, start: date, end: date) -> list[tuple[date, str]]:
    """(day, shift) of every required shift with no signed report, in date order."""
    required = [s.code for s in shifts(db, required_only=True)]
    have = {
        (r[0], r[1])
        for r in db.execute(
            f"SELECT day, shift FROM guard_reports r WHERE day BETWEEN ? AND ? AND {CURRENT}",
            [start.isoformat(), end.isoformat()],
        )
    }
    out = []
    d = start
    while d <= end:
        for code in required:
            if (d.isoformat(), code) not in have:
                out.append((d, code))
        d += timedelta(days=1)
    return out


@dataclass(frozen=True)
class MonthCheck:
    year: int
    month: int
    days: int
    required_reports: int
    reported: int
    shortfall: int
    by_category: dict[str, int]
    checked_by: str | None
    note: str


def _month_range(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return start, nxt - timedelta(days=1)


def events_between(db: Database, start: date, end: date) -> list[GuardEvent]:
    """The events of current reports that happened from `start` to `end`, in time order
    (by their own day: a night report's 02:00 belongs to the next day, DOMAIN.md 7)."""
    rows = db.execute(
        EVENT_SQL + f" WHERE e.occurred_on BETWEEN ? AND ? AND {CURRENT}"
        " ORDER BY e.occurred_on, e.at, r.shift",
        [start.isoformat(), end.isoformat()],
    ).fetchall()
    return [event_from_row(r) for r in rows]


def month_check(db: Database, year: int, month: int) -> MonthCheck:
    """Plan project 1 step 4: the contract checked each month."""
    start, end = _month_range(year, month)
    end = min(end, max(start, today()))
    reports = reports_between(db, start, end)
    required = len(shifts(db, required_only=True)) * ((end - start).days + 1)
    by_category = {c: 0 for c in CATEGORIES}
    for ev in events_between(db, start, _month_range(year, month)[1]):
        by_category[ev.category] += 1
    checked = db.execute(
        "SELECT checked_by, note FROM guard_month_checks WHERE year = ? AND month = ?",
        [year, month],
    ).fetchone()
    return MonthCheck(
        year, month, (end - start).days + 1, required, len(reports),
        sum(r.shortfall for r in reports), by_category,
        checked[0] if checked else None, checked[1] if checked else "",
    )  # fmt: skip


def mark_month_checked(db: Database, year: int, month: int, note: str) -> MonthCheck:
    actor = require(db, "guard.month_check")
    with transaction(db):
        db.execute(
            "INSERT INTO guard_month_checks(year, month, checked_by, note, checked_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(year, month) DO UPDATE SET"
            " checked_by = excluded.checked_by, note = excluded.note,"
            " checked_at = excluded.checked_at",
            [year, month, actor.username, (note or "").strip(), _stamp()],
        )
        audit(db, "month_check", "guard_month", f"{year}-{month:02d}", None, {"note": note},
              covers=covering(db, guard_months=[f"{year}/{month}"]))  # fmt: skip
    return month_check(db, year, month)
