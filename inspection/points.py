"""The restroom points (DOMAIN.md section 2)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from core.errors import InvalidInput

KINDS = ("male", "female", "accessible", "mixed")

_CODE = re.compile(r"^F?(\d)-?(\d{2})$")


def normalise_code(text: str) -> str | None:
    """`101`, `f101`, `F1-01`, ` f1-01 ` -> `F1-01`; anything else -> None.

    How a point code is typed on the Round and Survey pages (three digits, no keypad
    needed) and read from a file.
    """
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
        raise InvalidInput(
            f"ไม่รู้จักจุดบริการ «{code}» (รหัสเช่น F1-01)",
            f"unknown restroom point «{code}» (codes look like F1-01)",
            field=field,
        )
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
            db.execute(
                "UPDATE points SET active = 1, active_until = NULL, active_from = ?, periods = ?"
                " WHERE id = ?",
                [day.isoformat(), json.dumps(periods), point.id],
            )
        else:
            if periods and periods[-1][1] is None:
                periods[-1][1] = day.isoformat()
            db.execute(
                "UPDATE points SET active = 0, active_until = ?, periods = ? WHERE id = ?",
                [day.isoformat(), json.dumps(periods), point.id],
            )
        audit(db, "activate" if active else "deactivate", "point", point.uuid,
              {"active": point.active}, {"active": active, "on": day.isoformat()},
              covers=covering(db, points=[point.uuid]))  # fmt: skip
    return get_point(db, code)


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
