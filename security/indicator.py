"""Incidents (เหตุร้าย) and the guard indicator (ตัวชี้วัดที่ 1, DOMAIN.md section 7).

Whether an event is an incident that counts is decided, with a reason, by the
section head; until then it is pending and does not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from core.audit import audit
from core.db import transaction
from core.errors import InvalidInput, NotFound
from core.ladder import score_for
from core.users import require
from security.events import EVENT_SQL, GuardEvent, event_from_row
from security.reports import CURRENT


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def classify_event(db: Database, event_uuid: str, counts: bool, reason: str) -> GuardEvent:
    """The section head decides whether an event is an incident that counts, and why."""
    actor = require(db, "incidents.classify")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "โปรดระบุเหตุผลของการพิจารณา", "give the reason for the decision", field="reason"
        )
    row = db.execute(EVENT_SQL + " WHERE e.uuid = ?", [event_uuid]).fetchone()
    if row is None:
        raise NotFound("ไม่พบเหตุการณ์", "event not found")
    before = event_from_row(row)
    with transaction(db):
        db.execute(
            "UPDATE guard_events SET counts = ?, reason = ?, classified_by = ?, classified_at = ?"
            " WHERE uuid = ?",
            [int(counts), reason, actor.username, _stamp(), event_uuid],
        )
        audit(db, "classify", "guard_event", event_uuid,
              {"counts": before.counts, "reason": before.reason},
              {"counts": counts, "reason": reason})  # fmt: skip
    return event_from_row(db.execute(EVENT_SQL + " WHERE e.uuid = ?", [event_uuid]).fetchone())


def events_of_year(db: Database, fy: int) -> list[GuardEvent]:
    """Every event of the current reports of `fy`, pending review first."""
    rows = db.execute(
        EVENT_SQL + f" WHERE r.fiscal_year = ? AND {CURRENT}"
        " ORDER BY e.counts IS NOT NULL, r.day, e.at",
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
