"""Incidents (เหตุร้าย) and the guard indicator (ตัวชี้วัดที่ 1, DOMAIN.md section 7).

Whether an event is an incident that counts is decided, with a reason, by the
section head; until then it is pending and does not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlite_utils import Database

from core.audit import audit
from core.calendar import fiscal_year_range, now, today
from core.db import transaction
from core.errors import InvalidInput, NotFound
from core.i18n import tr
from core.ladder import score_for
from core.records import covering
from core.users import require
from security.contract import Shift, shifts
from security.events import (
    COUNTABLE_SQL,
    EVENT_SQL,
    REASON_MAX,
    GuardEvent,
    check_may_count,
    check_text,
    event_from_row,
)
from security.reports import CURRENT


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def classify_event(db: Database, event_uuid: str, counts: bool, reason: str) -> GuardEvent:
    """The section head decides whether an event is an incident that counts, and why.

    Only theft, damage and loss can count (DOMAIN.md 7); any event may be marked as not
    counting, with its reason.
    """
    actor = require(db, "incidents.classify")
    reason = check_text(reason, "reason", REASON_MAX, lines=True)
    if not reason:
        raise InvalidInput("guard_indicator.give_reason_decision", field="reason")
    with transaction(db):
        row = db.execute(EVENT_SQL + " WHERE e.uuid = ?", [event_uuid]).fetchone()
        if row is None:
            raise NotFound("guard_pdf.no_event", event_uuid=event_uuid)
        before = event_from_row(row)
        check_may_count(before.category, counts)
        db.execute(
            "UPDATE guard_events SET counts = ?, reason = ?, classified_by = ?, classified_at = ?"
            " WHERE uuid = ?",
            [int(counts), reason, actor.username, _stamp(), event_uuid],
        )
        audit(db, "classify", "guard_event", event_uuid,
              {"counts": before.counts, "reason": before.reason},
              {"counts": counts, "reason": reason},
              covers=covering(db, guard_events=[event_uuid]))  # fmt: skip
    return event_from_row(db.execute(EVENT_SQL + " WHERE e.uuid = ?", [event_uuid]).fetchone())


# An event waits for the section head only when it could count.
PENDING_SQL = f"e.counts IS NULL AND {COUNTABLE_SQL}"


def events_of_year(db: Database, fy: int) -> list[GuardEvent]:
    """Every event of the current reports that happened in `fy` (by its own day, DOMAIN.md
    7), pending review first."""
    rows = db.execute(
        EVENT_SQL + f" WHERE e.fiscal_year = ? AND {CURRENT}"
        f" ORDER BY NOT ({PENDING_SQL}), e.occurred_on, e.at",
        [fy],
    ).fetchall()
    return [event_from_row(r) for r in rows]


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
    # DOMAIN.md 7, "a year with no reports is not a perfect year": the required shifts
    # of the year so far, those with no signed report, and the signed reports there are.
    shifts_due: int = 0
    shifts_missing: int = 0
    reports: int = 0

    @property
    def no_reports(self) -> bool:
        return self.reports == 0


def incident_indicator(db: Database, fy: int) -> IncidentIndicator:
    """Plan ตัวชี้วัดที่ 1: the incidents that happened in `fy` and count (theft, damage or
    loss the section head found caused by a guard lapse). Pending events do not count
    (the UI warns they may change the level); beside the level, how many of the year's
    shifts have no signed report, since a year nobody reported reads as level 5."""
    counted = pending = not_counted = 0
    for counts, countable, n in db.execute(
        f"SELECT e.counts, {COUNTABLE_SQL}, COUNT(*) FROM guard_events e"
        " JOIN guard_reports r ON r.id = e.report_id"
        f" WHERE e.fiscal_year = ? AND {CURRENT} GROUP BY 1, 2",
        [fy],
    ):
        if countable and counts is None:
            pending += n
        elif countable and counts:
            counted += n
        else:
            not_counted += n
    level = incident_level(counted)
    due, missing, reports = shift_coverage(db, fy)
    return IncidentIndicator(fy, counted, pending, not_counted, level, score_for(level),
                             due, missing, reports)  # fmt: skip


def shift_coverage(db: Database, fy: int) -> tuple[int, int, int]:
    """(required shifts of `fy` that have ended by now, those without a signed report,
    signed reports of the year): what the incident count rests on. A shift still under
    way or yet to come is not missing its report: at 01:29 the day's two shifts and the
    night shift begun yesterday were counted as missing."""
    start, end = fiscal_year_range(fy)
    end = min(end, today())
    if end < start:
        return 0, 0, 0
    moment = now()
    due = covered = 0
    for shift in shifts(db, required_only=True):
        last = _last_ended(shift, end, moment)
        if last < start:
            continue
        due += (last - start).days + 1
        covered += db.execute(
            f"SELECT COUNT(DISTINCT r.day) FROM guard_reports r WHERE r.shift = ?"
            f" AND r.day BETWEEN ? AND ? AND {CURRENT}",
            [shift.code, start.isoformat(), last.isoformat()],
        ).fetchone()[0]
    reports = db.execute(
        f"SELECT COUNT(*) FROM guard_reports r WHERE r.day BETWEEN ? AND ? AND {CURRENT}",
        [start.isoformat(), end.isoformat()],
    ).fetchone()[0]
    return due, due - covered, reports


def _last_ended(shift: Shift, day: date, moment: datetime) -> date:
    """The last report day, from `day` back, whose `shift` has ended by `moment`."""
    while datetime.combine(day + timedelta(days=1 if shift.overnight else 0),
                           shift.ends) > moment:  # fmt: skip
        day -= timedelta(days=1)
    return day


def coverage_line(ind: IncidentIndicator, lang: str | None = None) -> str:
    """What the incident count rests on, in words, for every place that shows the level
    (Indicators page, `score`, the annual summary): the year's shifts without a signed
    report, and a year with none at all said plainly (DOMAIN.md 7)."""
    if ind.no_reports:
        return tr("incidents.no_reports", lang, due=ind.shifts_due)
    if ind.shifts_missing:
        return tr("incidents.shifts_missing", lang, n=ind.shifts_missing, due=ind.shifts_due)
    return tr("incidents.shifts_all", lang, due=ind.shifts_due)
