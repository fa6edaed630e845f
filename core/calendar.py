"""Thai fiscal year and Buddhist Era dates (DOMAIN.md section 1).

Dates are stored in ISO 8601 (C.E.), local time Asia/Bangkok; conversion to
B.E. happens only at the edges: display, input, reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone

from core.errors import InvalidInput
from core.i18n import ByLanguage
from core.values import digits

BE_OFFSET = 543
# Bangkok has no daylight saving, so a fixed offset is exact and needs no tz database
# (which Windows lacks without the tzdata package).
BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")

MONTHS_TH_ABBR = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
MONTHS_TH_FULL = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_EN_ABBR = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def _system_now() -> datetime:
    return datetime.now(BANGKOK).replace(tzinfo=None, microsecond=0)


# Tests replace this to pin "today"; everything that asks for the present goes through it.
clock: Callable[[], datetime] = _system_now


def now() -> datetime:
    """The present moment, naive, in Bangkok local time."""
    return clock()


def today() -> date:
    return clock().date()


def fiscal_year(d: date) -> int:
    """The B.E. fiscal year containing `d`: 1 October opens the next year."""
    ce_year = d.year + 1 if d.month >= 10 else d.year
    return ce_year + BE_OFFSET


def fiscal_year_range(fy: int) -> tuple[date, date]:
    """First and last day of B.E. fiscal year `fy` (FY 2564 = 2020-10-01 .. 2021-09-30)."""
    ce_end = fy - BE_OFFSET
    return date(ce_end - 1, 10, 1), date(ce_end, 9, 30)


def fiscal_months(fy: int) -> list[tuple[int, int]]:
    """(C.E. year, month) of the twelve months of fiscal year `fy`, October first."""
    start, _ = fiscal_year_range(fy)
    out = []
    y, m = start.year, start.month
    for _ in range(12):
        out.append((y, m))
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def fy_values(fy: int) -> dict[str, int]:
    """A fiscal year for a message: `fy` in B.E. (Thai text), `fy_ce` for English text.

    English writes every year in C.E., as its dates are (FY 2564 is 2021: it ends on
    30 Sep 2021); where the B.E. name of the plan helps, it stands once, labelled
    ("Fiscal year 2021 (B.E. 2564)"). The one way every window and report names a year.
    """
    return {"fy": fy, "fy_ce": fy - BE_OFFSET}


def to_be_year(ce_year: int) -> int:
    return ce_year + BE_OFFSET


def format_date(d: date, lang: str = "th") -> str:
    """`15 ส.ค. 2564` in Thai, `15 Aug 2021` in English."""
    if lang == "th":
        return f"{d.day} {MONTHS_TH_ABBR[d.month - 1]} {d.year + BE_OFFSET}"
    return f"{d.day} {MONTHS_EN_ABBR[d.month - 1]} {d.year}"


def format_date_long(d: date, lang: str = "th") -> str:
    """`15 สิงหาคม 2564` in Thai (as signed documents write it)."""
    if lang == "th":
        return f"{d.day} {MONTHS_TH_FULL[d.month - 1]} {d.year + BE_OFFSET}"
    return d.strftime("%d %B %Y").lstrip("0")


def format_date_short(d: date, lang: str = "th") -> str:
    """`15/08/2564` in Thai mode, ISO in English mode."""
    if lang == "th":
        return f"{d.day:02d}/{d.month:02d}/{d.year + BE_OFFSET}"
    return d.isoformat()


def from_utc(stamp: str) -> datetime:
    """A stored UTC stamp (audit rows, alerts, sync files) as Bangkok time for people.

    A stamp without an offset was written as UTC too; the result is naive local time.
    """
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BANGKOK).replace(tzinfo=None)


def format_datetime(dt: datetime, lang: str = "th") -> str:
    return f"{format_date(dt.date(), lang)} {dt:%H:%M}"


def format_month(year: int, month: int, lang: str = "th") -> str:
    if lang == "th":
        return f"{MONTHS_TH_FULL[month - 1]} {year + BE_OFFSET}"
    return f"{MONTHS_EN_ABBR[month - 1]} {year}"


# [0-9], not \d: \d matches the digits of every script (core.values reads Thai ones).
_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_DMY = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
# HH:MM as stored; Thai writes "10.00" (and the Kedmanee layout has no colon key); four
# digits "1000" are what the digit row types with no separator at all.
_HM = re.compile(r"^([0-9]{1,2})[:.]([0-9]{2})$|^([0-9]{2})([0-9]{2})$")


def _bad_date(text: str, field: str) -> InvalidInput:
    return InvalidInput("calendar.date_not_valid_write_15", field=field, text=text)


def parse_date(text: str, *, field: str = "date", allow_future: bool = False) -> date:
    """Read `2021-08-15` or `15/08/2564`; a four-digit year above 2400 is B.E.

    A date that does not exist (31/02/2564) or lies in the future (unless allowed)
    is refused with a message in Thai and English naming `field`.
    """
    raw = (text or "").strip()
    read = digits(raw, field=field)
    m = _ISO.match(read)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _DMY.match(read)
        if not m:
            raise _bad_date(raw, field)
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if y > 2400:
        y -= BE_OFFSET
    try:
        result = date(y, mo, d)
    except ValueError:
        raise _bad_date(raw, field) from None
    if result.year < 1900:
        raise _bad_date(raw, field)
    if not allow_future and result > today():
        raise InvalidInput(
            "calendar.date_future",
            field=field,
            format_date=ByLanguage(lambda lang: format_date(result, lang)),
        )
    return result


def parse_time(text: str, *, field: str = "time") -> time:
    """Read a 24-hour time: `HH:MM`, `HH.MM` (as Thai writes it) or four digits `HHMM`,
    in Thai digits too; it is shown and stored as `HH:MM`."""
    raw = (text or "").strip()
    m = _HM.match(digits(raw, field=field))
    if m:
        hours, minutes = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        h, mi = int(hours), int(minutes)
        if 0 <= h <= 23 and 0 <= mi <= 59:
            return time(h, mi)
    raise InvalidInput("calendar.time_not_valid_write_hh", field=field, raw=raw)


def time_shown(text: str) -> str:
    """`text` as a time field shows it once typed: HH:MM when it reads as a time (10.00
    and 1000 become 10:00), else unchanged, for the form's check to refuse."""
    try:
        return parse_time(text).strftime("%H:%M")
    except InvalidInput:
        return text


def parse_fiscal_year(text: str | int, *, field: str = "fy") -> int:
    """A fiscal year is given in B.E. (2564); a C.E. year (2021) is accepted too."""
    read = digits(str(text).strip(), field=field)
    value = int(read) if read.isascii() and read.isdigit() and len(read) <= 4 else -1
    if 1900 <= value <= 2400:
        value += BE_OFFSET
    if not 2443 <= value <= 3000:
        raise InvalidInput("calendar.fiscal_year_not_valid_give", field=field, text=text)
    return value
