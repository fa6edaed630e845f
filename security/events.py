"""Events a guard supervisor logs on a daily report, and their categories (DOMAIN.md 7).

An event is a record of its report; whether it is an incident that counts is the
section head's decision (security.indicator.classify_event). One validation serves
every way an event comes in: the window's form, the CSV import and a sync file
(validate_event, issue 14 point 2).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date, time

from core.calendar import parse_time
from core.errors import InvalidInput
from core.i18n import ByLanguage, language

CATEGORIES = ("theft", "damage", "loss", "intrusion", "alarm", "disturbance", "found", "other")
# The plan's incident (เหตุร้าย): theft of property, damage, or loss, caused by a lapse of
# the guards. Only these can be counted; any other event is logged and never counts.
COUNTABLE = ("theft", "damage", "loss")
COUNTABLE_SQL = "e.category IN ('theft', 'damage', 'loss')"
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

# How much each field takes: the window's fields stop here (setMaxLength), and the CSV
# import and sync files are held to the same (issue 14 point 2).
PLACE_MAX = 200
DESCRIPTION_MAX = 1000
ACTION_MAX = 1000
REASON_MAX = 500
LOSS_MAX = 1_000_000_000  # baht: far above any loss in a city hall


def category_name(category: str, lang: str | None = None) -> str:
    """An event category as people read it (the current language unless `lang` is given)."""
    th, en = CATEGORY_NAMES[category]
    return th if (lang or language()) == "th" else en


def may_count(category: str) -> bool:
    """Whether an event of `category` can be an incident that counts (DOMAIN.md 7)."""
    return category in COUNTABLE


def check_category(text: str) -> str:
    value = (text or "").strip().lower()
    if value not in CATEGORIES:
        raise InvalidInput(
            "guard_events.unknown_category_use",
            field="category",
            text=text,
            join=", ".join(CATEGORIES),
        )
    return value


def check_counts(text: str) -> bool | None:
    value = (text or "").strip().lower()
    if value == "":
        return None
    if value in ("yes", "no"):
        return value == "yes"
    raise InvalidInput("guard_events.counts_yes_no_empty_not", field="counts", text=text)


def check_may_count(category: str, counts: bool | None) -> None:
    """Refuse marking as counted an event the plan never counts (DOMAIN.md 7)."""
    if counts and not may_count(category):
        raise InvalidInput(
            "guard_events.event_category_cannot_count_incident",
            field="counts",
            category_name=ByLanguage(lambda lang: category_name(category, lang)),
            category=category,
        )


def check_text(
    value: object, field: str, limit: int, *, required: bool = False, lines: bool = False
) -> str:
    """A text field as stored: trimmed, at most `limit` characters, one line unless
    `lines` (a description, a note), no other control characters."""
    text = (value if isinstance(value, str) else "" if value is None else str(value)).strip()
    if required and not text:
        raise InvalidInput("guard_events.field_required", field=field)
    if len(text) > limit:
        raise InvalidInput(
            "guard_events.longer_than_characters", field=field, limit=limit, n_text=len(text)
        )
    allowed = "\n\t" if lines else ""
    if any(not c.isprintable() and c not in allowed for c in text):
        raise InvalidInput("guard_events.holds_line_break_control_character", field=field)
    return text


# An amount as the office writes it: 1500, 1,500, 1500.50, Thai digits too, "บาท" after it.
_AMOUNT = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def parse_loss_value(value: object) -> float | None:
    """A loss value in baht, or None when none is given; what cannot be read is refused,
    naming the field (the window used to store "abc" or "1500 บาท" as nothing)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise _bad_amount(str(value))
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        core = re.sub(r"\s*(บาท|baht)$", "", text, flags=re.IGNORECASE).translate(_THAI_DIGITS)
        if not core.isascii() or not _AMOUNT.match(core):
            raise _bad_amount(text)
        number = float(core.replace(",", ""))
    if not math.isfinite(number) or not 0 <= number <= LOSS_MAX:
        raise InvalidInput("guard_events.loss_value_0_baht", field="loss_value", loss_max=LOSS_MAX)
    return number


def _bad_amount(text: str) -> InvalidInput:
    return InvalidInput("guard_events.cannot_read_loss_value_write", field="loss_value", text=text)


@dataclass(frozen=True)
class EventInput:
    """An event as given (typed, imported or received); validate_event reads it.

    `at` may be a time or HH:MM text, `loss_value` a number or text as the office
    writes amounts; `counts` None while pending review.
    """

    at: time | str
    place: str
    category: str
    description: str = ""
    loss_value: float | str | None = None
    action_taken: str = ""
    counts: bool | None = None
    reason: str = ""


def validate_event(ev: EventInput) -> EventInput:
    """The one check of a guard event, wherever it comes from (issue 14 point 2): the
    time, place, category, texts within the window's lengths, the loss value a number,
    and `counts` only on a category the plan counts, with a reason."""
    at = ev.at if isinstance(ev.at, time) else parse_time(str(ev.at), field="event_time")
    category = check_category(ev.category)
    counts = ev.counts
    if counts is not None and not isinstance(counts, bool):
        if counts not in (0, 1):
            raise InvalidInput("guard_events.counts_yes_no_empty", field="counts")
        counts = bool(counts)
    check_may_count(category, counts)
    reason = check_text(ev.reason, "reason", REASON_MAX, lines=True)
    if counts is not None and not reason:
        raise InvalidInput("guard_events.decision_needs_reason", field="reason")
    return replace(
        ev,
        at=at.replace(second=0, microsecond=0),
        place=check_text(ev.place, "place", PLACE_MAX),
        category=category,
        description=check_text(ev.description, "description", DESCRIPTION_MAX, lines=True),
        loss_value=parse_loss_value(ev.loss_value),
        action_taken=check_text(ev.action_taken, "action_taken", ACTION_MAX, lines=True),
        counts=counts,
        reason=reason,
    )


@dataclass(frozen=True)
class GuardEvent:
    uuid: str
    report_uuid: str
    day: date  # the day it happened (a night report's 02:00 is the next day)
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
    report_day: date

    @property
    def countable(self) -> bool:
        return may_count(self.category)

    @property
    def status(self) -> str:
        """pending, counts or not. An event of a category the plan never counts does not
        count, however it was marked (before issue 15 an alarm could be)."""
        if not self.countable:
            return "not"
        return "pending" if self.counts is None else ("counts" if self.counts else "not")


EVENT_SQL = (
    "SELECT e.uuid, r.uuid, e.occurred_on, r.shift, e.at, e.place, e.category, e.description,"
    " e.loss_value, e.action_taken, e.counts, e.reason, e.classified_by, r.day"
    " FROM guard_events e JOIN guard_reports r ON r.id = e.report_id"
)


def event_from_row(row: tuple) -> GuardEvent:
    """A row of EVENT_SQL as a GuardEvent."""
    return GuardEvent(
        row[0], row[1], date.fromisoformat(row[2] or row[13]), row[3],
        time.fromisoformat(row[4]), row[5], row[6], row[7], row[8], row[9],
        None if row[10] is None else bool(row[10]), row[11], row[12],
        date.fromisoformat(row[13]),
    )  # fmt: skip
