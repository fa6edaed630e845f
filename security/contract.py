"""The guard contract's terms: its shifts (their hours, which the contract requires and
with how many guards) and the posts the guards cover (DOMAIN.md section 7)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlite_utils import Database

from core.audit import audit
from core.calendar import parse_time
from core.db import transaction
from core.errors import InvalidInput
from core.records import GUARD_POSTS, GUARD_SHIFTS, Covers
from core.users import require

# The window's spin boxes stop here, and so does every other way in (issue 14 point 2).
HEADCOUNT_MAX = 500


@dataclass(frozen=True)
class Shift:
    code: str
    name_th: str
    name_en: str
    required_guards: int
    required: bool
    starts: time = time(8, 0)
    ends: time = time(20, 0)

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en

    @property
    def overnight(self) -> bool:
        return self.ends <= self.starts

    def day_of(self, report_day: date, at: time) -> date:
        """The day an event at `at` on this shift's report of `report_day` happened.

        DOMAIN.md section 7: a night report dated D covers D 20:00 to D+1 08:00, so an
        event there at 02:00 happened on D+1 (and counts in D+1's fiscal year). On a
        shift that runs past midnight, a time before the shift's start is the next day.
        """
        if self.overnight and at < self.starts:
            return report_day + timedelta(days=1)
        return report_day


def shifts(db: Database, *, required_only: bool = False) -> list[Shift]:
    sql = "SELECT code, name_th, name_en, required_guards, required, starts, ends FROM guard_shifts"
    if required_only:
        sql += " WHERE required = 1"
    return [
        Shift(*r[:4], bool(r[4]), time.fromisoformat(r[5]), time.fromisoformat(r[6]))
        for r in db.execute(sql + " ORDER BY sort")
    ]


def get_shift(db: Database, code: str) -> Shift:
    """The shift `code` (any case, spaces around it ignored); an unknown one names the field."""
    value = check_shift(db, code)
    return next(s for s in shifts(db) if s.code == value)


def posts(db: Database) -> list[str]:
    return [
        r[0] for r in db.execute("SELECT name_th FROM guard_posts WHERE active = 1 ORDER BY id")
    ]


def check_shift(db: Database, code: str) -> str:
    value = (code or "").strip().lower()
    if value not in {s.code for s in shifts(db)}:
        known = ", ".join(s.code for s in shifts(db))
        raise InvalidInput("contract.unknown_shift_use", field="shift", code=code, known=known)
    return value


def set_contract(
    db: Database,
    shift_rules: Mapping[str, tuple[bool, int]],
    post_names: Sequence[str],
    hours: Mapping[str, tuple[time | str, time | str]] | None = None,
) -> None:
    """The office sets which shifts the contract requires, their headcount, their hours
    (defaults day 08:00-20:00, night 20:00-08:00) and the posts.

    Hours decide the day each later event is stored with (Shift.day_of); an event
    already recorded keeps the day it was stored with.
    """
    require(db, "settings.edit")
    names = [n.strip() for n in post_names if n.strip()]
    with transaction(db):
        # The shifts it is checked against, read under the write lock (issue 13).
        known = {s.code for s in shifts(db)}
        for code, (_, guards) in shift_rules.items():
            if code not in known:
                check_shift(db, code)
            if (
                isinstance(guards, bool)
                or not isinstance(guards, int)
                or not (0 <= guards <= HEADCOUNT_MAX)
            ):
                raise InvalidInput(
                    "contract.headcount_whole_number_0",
                    field="required",
                    headcount_max=HEADCOUNT_MAX,
                )
        new_hours = {code: _check_hours(db, code, start, end)
                     for code, (start, end) in (hours or {}).items()}  # fmt: skip
        # The audit row keeps the contract as it was, so a change can be read both ways.
        before = {"shifts": {s.code: [s.required, s.required_guards] for s in shifts(db)},
                  "hours": {s.code: [f"{s.starts:%H:%M}", f"{s.ends:%H:%M}"]
                            for s in shifts(db)},
                  "posts": posts(db)}  # fmt: skip
        for code, (required, guards) in shift_rules.items():
            db.execute(
                "UPDATE guard_shifts SET required = ?, required_guards = ? WHERE code = ?",
                [int(required), guards, code],
            )
        for code, (start, end) in new_hours.items():
            db.execute(
                "UPDATE guard_shifts SET starts = ?, ends = ? WHERE code = ?", [start, end, code]
            )
        db.execute("UPDATE guard_posts SET active = 0")
        for name in names:
            db.execute(
                "INSERT INTO guard_posts(name_th, active) VALUES (?, 1)"
                " ON CONFLICT(name_th) DO UPDATE SET active = 1",
                [name],
            )
        after = {"shifts": {k: list(v) for k, v in shift_rules.items()}, "posts": names}
        if new_hours:
            after["hours"] = {k: list(v) for k, v in new_hours.items()}
        covers = Covers().read_where(db, GUARD_SHIFTS).read_where(db, GUARD_POSTS)
        audit(db, "set_contract", "guard_contract", "contract", before, after, covers=covers)


def _check_hours(db: Database, code: str, start: time | str, end: time | str) -> tuple[str, str]:
    check_shift(db, code)
    field = f"hours_{code}"
    times = [t if isinstance(t, time) else parse_time(str(t), field=field) for t in (start, end)]
    if times[0] == times[1]:
        raise InvalidInput("contract.shift_start_end_differ", field=field)
    return times[0].strftime("%H:%M"), times[1].strftime("%H:%M")
