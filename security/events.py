"""Events a guard supervisor logs on a daily report, and their categories (DOMAIN.md 7).

An event is a record of its report; whether it is an incident that counts is the
section head's decision (security.indicator.classify_event).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from core.errors import InvalidInput
from core.i18n import language

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
    th, en = CATEGORY_NAMES[category]
    return th if (lang or language()) == "th" else en


def check_category(text: str) -> str:
    value = (text or "").strip().lower()
    if value not in CATEGORIES:
        raise InvalidInput(
            f"ไม่รู้จักประเภทเหตุการณ์ «{text}»",
            f"unknown category «{text}» (use {', '.join(CATEGORIES)})",
            field="category",
        )
    return value


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


EVENT_SQL = (
    "SELECT e.uuid, r.uuid, r.day, r.shift, e.at, e.place, e.category, e.description,"
    " e.loss_value, e.action_taken, e.counts, e.reason, e.classified_by"
    " FROM guard_events e JOIN guard_reports r ON r.id = e.report_id"
)


def event_from_row(row: tuple) -> GuardEvent:
    """A row of EVENT_SQL as a GuardEvent."""
    return GuardEvent(
        row[0], row[1], date.fromisoformat(row[2]), row[3], time.fromisoformat(row[4]),
        row[5], row[6], row[7], row[8], row[9], None if row[10] is None else bool(row[10]),
        row[11], row[12],
    )  # fmt: skip
