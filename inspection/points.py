"""The restroom points (DOMAIN.md section 2)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from core.errors import InvalidInput
from core.i18n import Phrase
from core.values import ASCII_DIGITS, THAI_DIGITS, TITLE_MAX, check_text

_THAI = str.maketrans(THAI_DIGITS, ASCII_DIGITS)

KINDS = ("male", "female", "accessible", "mixed")

_CODE = re.compile(r"^F?([0-9])-?([0-9]{2})$")


def normalise_code(text: str) -> str | None:
    """`101`, `f101`, `F1-01`, ` f1-01 `, `๑๐๑` -> `F1-01`; anything else -> None.

    How a point code is typed on the Round and Survey pages (three digits, no keypad
    needed) and read from a file. Thai digits are read; other scripts' are not digits
    here (issue 14).
    """
    if any(c in THAI_DIGITS for c in text):
        text = text.translate(_THAI)
    m = _CODE.match(text.strip().upper())
    return f"F{m.group(1)}-{m.group(2)}" if m else None


@dataclass(frozen=True)
class Point:
    id: int
    uuid: str
    code: str
    floor: int
    kind: str
    name_th: str
    name_en: str
    location: str
    active: bool

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en


_COLS = "id, uuid, code, floor, kind, name_th, name_en, location, active"


def _point(row: tuple) -> Point:
    return Point(*row[:8], active=bool(row[8]))


def list_points(db: Database, *, active_only: bool = True, floor: int | None = None) -> list[Point]:
    sql = f"SELECT {_COLS} FROM points WHERE 1=1"
    params: list = []
    if active_only:
        sql += " AND active = 1"
    if floor is not None:
        sql += " AND floor = ?"
        params.append(floor)
    return [_point(r) for r in db.execute(sql + " ORDER BY floor, code", params)]


def get_point(db: Database, code: str, *, field: str = "point") -> Point:
    """The point with `code` (case and spaces forgiven), or a clear error naming `field`."""
    norm = (code or "").strip().upper()
    row = db.execute(f"SELECT {_COLS} FROM points WHERE code = ?", [norm]).fetchone()
    if row is None:
        raise InvalidInput("points.unknown_restroom_point_codes_look", field=field, code=code)
    return _point(row)


def get_point_by_id(db: Database, point_id: int) -> Point:
    return _point(db.execute(f"SELECT {_COLS} FROM points WHERE id = ?", [point_id]).fetchone())


def floors(db: Database) -> list[int]:
    return [r[0] for r in db.execute("SELECT DISTINCT floor FROM points ORDER BY floor")]


def set_point_active(db: Database, code: str, active: bool, on: date | str | None = None) -> Point:
    """Deactivate (or bring back) a point; its history stays (DOMAIN.md section 2).

    A point deactivated on a day still counts in the fiscal year of that day
    (inspection.indicator.active_points).
    """
    from core.audit import audit
    from core.calendar import parse_date, today
    from core.db import transaction
    from core.records import covering
    from core.users import require

    require(db, "points.activate")
    day = parse_date(on, field="date") if isinstance(on, str) else (on or today())
    with transaction(db):
        # Read under the write lock: two changes at once must not each extend the periods
        # as they were before the other (one period would be lost).
        point = get_point(db, code)
        periods = point_periods(db, point.id)
        if active:
            if not periods or periods[-1][1] is not None:
                periods.append([day.isoformat(), None])
            check_periods(periods, True)
            db.execute(
                "UPDATE points SET active = 1, active_until = NULL, active_from = ?, periods = ?"
                " WHERE id = ?",
                [day.isoformat(), json.dumps(periods), point.id],
            )
        else:
            if periods and periods[-1][1] is None:
                periods[-1][1] = day.isoformat()
            check_periods(periods, False)
            db.execute(
                "UPDATE points SET active = 0, active_until = ?, periods = ? WHERE id = ?",
                [day.isoformat(), json.dumps(periods), point.id],
            )
        audit(db, "activate" if active else "deactivate", "point", point.uuid,
              {"active": point.active}, {"active": active, "on": day.isoformat()},
              covers=covering(db, points=[point.uuid]))  # fmt: skip
    return get_point(db, code)


# A point's code as the office writes it (F1-01, or a building's own such as LA-01).
_STORED_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")


def check_point(
    code: str, floor: int, kind: str, name_th: str, name_en: str, location: str,
    active: bool, periods: list[list[str | None]],
) -> None:  # fmt: skip
    """Issue 14, point 2: the one check of a point and its periods, wherever it comes
    from (seeded, changed here, received in a sync file)."""
    if not isinstance(code, str) or not _STORED_CODE.match(code):
        raise InvalidInput("points.point_code_not_valid", field="code", code=code)
    if isinstance(floor, bool) or not isinstance(floor, int) or not -9 <= floor <= 200:
        raise InvalidInput("plan.floor_not_valid", field="floor", floor=floor)
    if kind not in KINDS:
        raise InvalidInput(
            "points.unknown_kind_use", field="kind", kind=kind, join=", ".join(KINDS)
        )
    check_text(name_th, field="name_th", limit=TITLE_MAX, required=True,
               what=Phrase("points.what.point_thai_name"))  # fmt: skip
    check_text(name_en, field="name_en", limit=TITLE_MAX, what=Phrase("points.what.english_name"))
    check_text(location, field="location", limit=TITLE_MAX, what=Phrase("points.what.location"))
    check_periods(periods, active)


def check_periods(periods: object, active: bool) -> None:
    """A point's active periods (m014): [from, until] ISO days in order, not overlapping,
    only the first without a start and only the last without an end, which is open
    exactly while the point is active."""
    bad = InvalidInput("points.point_active_periods_not_valid", field="periods")
    if not isinstance(periods, list) or not periods:
        raise bad
    last_end: str | None = None
    for n, period in enumerate(periods):
        if not (isinstance(period, list) and len(period) == 2):
            raise bad
        since, until = period
        for day in period:
            if day is not None and not (
                isinstance(day, str) and _ISO_DAY.match(day) and _is_day(day)
            ):
                raise bad
        if (since is None and n > 0) or (until is None and n < len(periods) - 1):
            raise bad
        if since is not None and until is not None and until < since:
            raise bad
        if last_end is not None and since is not None and since < last_end:
            raise bad
        last_end = until
    if bool(active) != (periods[-1][1] is None):
        raise bad


_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_periods(text: str | None) -> list[list[str | None]]:
    """A point's `periods` column (m014): [from, until] ISO days, None for an open end.
    A point written without periods (a benchmark's generated city) was always active."""
    return json.loads(text) if text else [[None, None]]


def point_periods(db: Database, point_id: int) -> list[list[str | None]]:
    """The periods a point was active."""
    (text,) = db.execute("SELECT periods FROM points WHERE id = ?", [point_id]).fetchone()
    return parse_periods(text)


def active_between(periods: list[list[str | None]], start: date, end: date) -> bool:
    """Whether any of `periods` overlaps the days start..end (both included)."""
    first, last = start.isoformat(), end.isoformat()
    return any(
        (since is None or since <= last) and (until is None or until >= first)
        for since, until in periods
    )
