"""Guard supervisors' daily reports, events and incidents (DOMAIN.md section 7).

A signed report is final; a correction is a new revision naming the one it
supersedes and why, and both stay. Only the current revision of a day's shift
counts, so its events are never counted twice. Whether an event is an
incident (เหตุร้าย) is decided, with a reason, by the section head.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlite_utils import Database

from core.audit import audit
from core.calendar import fiscal_year, parse_date, parse_time, today
from core.db import new_id, transaction
from core.errors import InvalidInput, NotFound
from core.ladder import score_for
from core.records import GUARD_EVENTS, GUARD_POSTS, GUARD_SHIFTS, Covers, covering
from core.users import current_actor, require

CATEGORIES = ("theft", "damage", "loss", "intrusion", "alarm", "disturbance", "found", "other")
CATEGORY_NAMES = {
    "theft": ("โจรกรรม", "theft"),
    "damage": ("ความเสียหาย", "damage"),
    "loss": ("ทรัพย์สินสูญหาย", "loss"),
    "intrusion": ("บุกรุก", "intrusion"),
    "alarm": ("สัญญาณเตือน", "alarm"),
    "disturbance": ("ความวุ่นวาย", "disturbance"),
    "found": ("พบทรัพย์สิน", "found"),
    "other": ("อื่น ๆ", "other"),
}


def category_name(category: str, lang: str | None = None) -> str:
    """An event category as people read it (the current language unless `lang` is given)."""
    from core.i18n import language

    th, en = CATEGORY_NAMES[category]
    return th if (lang or language()) == "th" else en


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Shift:
    code: str
    name_th: str
    name_en: str
    required_guards: int
    required: bool

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en


def shifts(db: Database, *, required_only: bool = False) -> list[Shift]:
    sql = "SELECT code, name_th, name_en, required_guards, required FROM guard_shifts"
    if required_only:
        sql += " WHERE required = 1"
    return [Shift(*r[:4], bool(r[4])) for r in db.execute(sql + " ORDER BY sort")]


def posts(db: Database) -> list[str]:
    return [
        r[0] for r in db.execute("SELECT name_th FROM guard_posts WHERE active = 1 ORDER BY id")
    ]


def check_shift(db: Database, code: str) -> str:
    value = (code or "").strip().lower()
    if value not in {s.code for s in shifts(db)}:
        known = ", ".join(s.code for s in shifts(db))
        raise InvalidInput(
            f"ไม่รู้จักผลัด «{code}» (ใช้ {known})",
            f"unknown shift «{code}» (use {known})",
            field="shift",
        )
    return value


def check_category(text: str) -> str:
    value = (text or "").strip().lower()
    if value not in CATEGORIES:
        raise InvalidInput(
            f"ไม่รู้จักประเภทเหตุการณ์ «{text}»",
            f"unknown category «{text}» (use {', '.join(CATEGORIES)})",
            field="category",
        )
    return value


def check_headcount(value: object, field_name: str) -> int:
    text = str(value).strip()
    if not text.isdecimal():
        raise InvalidInput(
            f"จำนวนคน «{text}» ต้องเป็นจำนวนเต็มไม่ติดลบ",
            f"headcount «{text}» must be a whole number, not negative",
            field=field_name,
        )
    return int(text)


def check_counts(text: str) -> bool | None:
    value = (text or "").strip().lower()
    if value == "":
        return None
    if value in ("yes", "no"):
        return value == "yes"
    raise InvalidInput(
        f"ช่อง counts ต้องเป็น yes, no หรือว่าง (ไม่ใช่ «{text}»)",
        f"counts must be yes, no or empty, not «{text}»",
        field="counts",
    )


@dataclass(frozen=True)
class EventInput:
    at: time
    place: str
    category: str
    description: str = ""
    loss_value: float | None = None
    action_taken: str = ""
    counts: bool | None = None
    reason: str = ""


@dataclass(frozen=True)
class GuardEvent:
    uuid: str
    report_uuid: str
    day: date
    shift: str
    at: time
    place: str
    category: str
    description: str
    loss_value: float | None
    action_taken: str
    counts: bool | None
    reason: str
    classified_by: str | None

    @property
    def status(self) -> str:
        return "pending" if self.counts is None else ("counts" if self.counts else "not")


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
_EVENT_SQL = (
    "SELECT e.uuid, r.uuid, r.day, r.shift, e.at, e.place, e.category, e.description,"
    " e.loss_value, e.action_taken, e.counts, e.reason, e.classified_by"
    " FROM guard_events e JOIN guard_reports r ON r.id = e.report_id"
)
# A report is current when no signed revision supersedes it.
CURRENT = (
    "r.status = 'signed' AND NOT EXISTS (SELECT 1 FROM guard_reports c"
    " WHERE c.supersedes = r.uuid AND c.status = 'signed')"
)


def _event(row: tuple) -> GuardEvent:
    return GuardEvent(
        row[0], row[1], date.fromisoformat(row[2]), row[3], time.fromisoformat(row[4]),
        row[5], row[6], row[7], row[8], row[9], None if row[10] is None else bool(row[10]),
        row[11], row[12],
    )  # fmt: skip


def _report(db: Database, row: tuple) -> GuardReport:
    events = tuple(
        _event(e) for e in db.execute(_EVENT_SQL + " WHERE e.report_id = ? ORDER BY e.at", [row[0]])
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
        raise NotFound("ไม่พบรายงาน", "report not found")
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


def _check_patrols(patrols: Sequence[str]) -> list[str]:
    out = []
    for p in patrols:
        out.append(parse_time(p, field="patrols").strftime("%H:%M"))
    return out


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
    """Sign a day's report for a shift (final at once); a correction names what it supersedes."""
    require(db, "guard.report")
    d = day if isinstance(day, date) else parse_date(day)
    code = check_shift(db, shift)
    who = (supervisor or "").strip()
    if not who:
        raise InvalidInput("โปรดระบุชื่อผู้ควบคุม", "give the supervisor's name", field="supervisor")
    req = check_headcount(required, "required")
    pre = check_headcount(present, "present")
    times = _check_patrols(patrols)
    if supersedes:
        old = get_report(db, supersedes)
        if not (reason or "").strip():
            raise InvalidInput(
                "โปรดระบุเหตุผลของการแก้ไข", "give the reason for the correction", field="reason"
            )
        if db.execute(
            "SELECT 1 FROM guard_reports WHERE supersedes = ? AND status = 'signed'", [old.uuid]
        ).fetchone():
            raise InvalidInput("รายงานนี้ถูกแก้ไขไปแล้ว", "this report was already corrected")
    elif current_report(db, d, code) is not None:
        raise InvalidInput(
            "มีรายงานของวันและผลัดนี้ลงนามแล้ว ใช้ «แก้ไขรายงาน» แทน",
            "a signed report for this day and shift exists; correct it instead",
            field="date",
        )
    for ev in events:
        check_category(ev.category)
        if ev.loss_value is not None and ev.loss_value < 0:
            raise InvalidInput("มูลค่าความเสียหายต้องไม่ติดลบ", "loss value must not be negative",
                               field="loss_value")  # fmt: skip
    actor = current_actor(db).username
    classifiers = _classifiers(db, events, old if supersedes else None, actor)
    uid = new_id()
    with transaction(db):
        cur = db.execute(
            "INSERT INTO guard_reports(uuid, day, fiscal_year, shift, supervisor, required,"
            " present, posts, patrols, note, status, supersedes, reason, source, recorded_by,"
            " created_at, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'signed', ?, ?, ?, ?,"
            " ?, ?)",
            [uid, d.isoformat(), fiscal_year(d), code, who, req, pre,
             json.dumps(list(posts_covered), ensure_ascii=False), json.dumps(times),
             (note or "").strip(), supersedes, (reason or "").strip(), source, actor,
             _stamp(), _stamp()],
        )  # fmt: skip
        for ev, classifier in zip(events, classifiers, strict=True):
            _add_event(db, cur.lastrowid, ev, classifier)
        covers = covering(db, guard_reports=[uid])
        covers.read_where(db, GUARD_EVENTS, "t.report_id = ?", [cur.lastrowid])
        audit(db, "sign" if not supersedes else "correct", "guard_report", uid,
              None, {"day": d.isoformat(), "shift": code, "events": len(events),
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
        key = (ev.at.strftime("%H:%M"), ev.place.strip(), ev.category, ev.description.strip(),
               ev.counts, ev.reason)  # fmt: skip
        if key in earlier:
            out.append(earlier[key] or actor)
        else:
            out.append(require(db, "incidents.classify").username)
    return out


def _add_event(db: Database, report_id: int, ev: EventInput, classifier: str | None) -> None:
    classified = ev.counts is not None
    db.execute(
        "INSERT INTO guard_events(uuid, report_id, at, place, category, description, loss_value,"
        " action_taken, counts, reason, classified_by, classified_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [new_id(), report_id, ev.at.strftime("%H:%M"), ev.place.strip(),
         check_category(ev.category), ev.description.strip(), ev.loss_value,
         ev.action_taken.strip(), None if ev.counts is None else int(ev.counts), ev.reason,
         classifier if classified else None, _stamp() if classified else None],
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


def classify_event(db: Database, event_uuid: str, counts: bool, reason: str) -> GuardEvent:
    """The section head decides whether an event is an incident that counts, and why."""
    actor = require(db, "incidents.classify")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "โปรดระบุเหตุผลของการพิจารณา", "give the reason for the decision", field="reason"
        )
    row = db.execute(_EVENT_SQL + " WHERE e.uuid = ?", [event_uuid]).fetchone()
    if row is None:
        raise NotFound("ไม่พบเหตุการณ์", "event not found")
    before = _event(row)
    with transaction(db):
        db.execute(
            "UPDATE guard_events SET counts = ?, reason = ?, classified_by = ?, classified_at = ?"
            " WHERE uuid = ?",
            [int(counts), reason, actor.username, _stamp(), event_uuid],
        )
        audit(db, "classify", "guard_event", event_uuid,
              {"counts": before.counts, "reason": before.reason},
              {"counts": counts, "reason": reason},
              covers=covering(db, guard_events=[event_uuid]))  # fmt: skip
    return _event(db.execute(_EVENT_SQL + " WHERE e.uuid = ?", [event_uuid]).fetchone())


def events_of_year(db: Database, fy: int) -> list[GuardEvent]:
    """Every event of the current reports of `fy`, pending review first."""
    rows = db.execute(
        _EVENT_SQL + f" WHERE r.fiscal_year = ? AND {CURRENT}"
        " ORDER BY e.counts IS NOT NULL, r.day, e.at",
        [fy],
    ).fetchall()
    return [_event(r) for r in rows]


# The same ladder as the plan prints it, for screens and reports: level -> the i18n key
# of its condition. Scores and result % come from core.ladder.LEVEL_SCORES.
INCIDENT_LADDER = ((5, "rp.inc_ladder.5"), (4, "rp.inc_ladder.4"), (3, "rp.inc_ladder.3"),
                   (2, "rp.inc_ladder.2"), (1, "rp.inc_ladder.1"))  # fmt: skip


def incident_level(counted: int) -> int:
    """Plan table (ตัวชี้วัดที่ 1, เกณฑ์การให้คะแนน): at most 1 -> 5, 2 -> 4, 3-4 -> 3,
    5-6 -> 2, more than 6 -> 1. The plan has no level 0 for this indicator."""
    if counted <= 1:
        return 5
    if counted == 2:
        return 4
    if counted <= 4:
        return 3
    if counted <= 6:
        return 2
    return 1


@dataclass(frozen=True)
class IncidentIndicator:
    fiscal_year: int
    counted: int
    pending: int
    not_counted: int
    level: int
    score: float


def incident_indicator(db: Database, fy: int) -> IncidentIndicator:
    """Pending events do not count (the UI warns they may change the level)."""
    counted = pending = not_counted = 0
    for counts, n in db.execute(
        "SELECT e.counts, COUNT(*) FROM guard_events e JOIN guard_reports r ON r.id = e.report_id"
        f" WHERE r.fiscal_year = ? AND {CURRENT} GROUP BY e.counts",
        [fy],
    ):
        if counts is None:
            pending = n
        elif counts:
            counted = n
        else:
            not_counted = n
    level = incident_level(counted)
    return IncidentIndicator(fy, counted, pending, not_counted, level, score_for(level))


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


def month_check(db: Database, year: int, month: int) -> MonthCheck:
    """Plan project 1 step 4: the contract checked each month."""
    start, end = _month_range(year, month)
    end = min(end, max(start, today()))
    reports = reports_between(db, start, end)
    required = len(shifts(db, required_only=True)) * ((end - start).days + 1)
    by_category = {c: 0 for c in CATEGORIES}
    for rep in reports:
        for ev in rep.events:
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


def set_contract(
    db: Database, shift_rules: dict[str, tuple[bool, int]], post_names: Sequence[str]
) -> None:
    """The office sets which shifts the contract requires, their headcount, and the posts."""
    require(db, "settings.edit")
    known = {s.code for s in shifts(db)}
    for code, (_, guards) in shift_rules.items():
        if code not in known:
            check_shift(db, code)
        if guards < 0:
            raise InvalidInput("จำนวนคนต้องไม่ติดลบ", "headcount must not be negative",
                               field="required")  # fmt: skip
    names = [n.strip() for n in post_names if n.strip()]
    with transaction(db):
        # The audit row keeps the contract as it was, so a change can be read both ways.
        before = {"shifts": {s.code: [s.required, s.required_guards] for s in shifts(db)},
                  "posts": posts(db)}  # fmt: skip
        for code, (required, guards) in shift_rules.items():
            db.execute(
                "UPDATE guard_shifts SET required = ?, required_guards = ? WHERE code = ?",
                [int(required), guards, code],
            )
        db.execute("UPDATE guard_posts SET active = 0")
        for name in names:
            db.execute(
                "INSERT INTO guard_posts(name_th, active) VALUES (?, 1)"
                " ON CONFLICT(name_th) DO UPDATE SET active = 1",
                [name],
            )
        covers = Covers().read_where(db, GUARD_SHIFTS).read_where(db, GUARD_POSTS)
        audit(db, "set_contract", "guard_contract", "contract", before,
              {"shifts": {k: list(v) for k, v in shift_rules.items()}, "posts": names},
              covers=covers)  # fmt: skip
