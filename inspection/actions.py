"""Corrective actions opened by failed items in final rounds (DOMAIN.md section 3)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from core.audit import audit
from core.calendar import parse_date, today
from core.db import transaction
from core.errors import InvalidInput, NotFound
from core.users import require
from core.values import NAME_MAX, TEXT_MAX, check_text


@dataclass(frozen=True)
class CorrectiveAction:
    id: int
    uuid: str
    point_id: int
    point_code: str
    round_uuid: str
    item_no: int
    what: str
    who: str
    due_date: date | None
    closed_date: date | None

    @property
    def is_open(self) -> bool:
        return self.closed_date is None


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


_SQL = (
    "SELECT a.id, a.uuid, a.point_id, p.code, a.round_uuid, a.item_no, a.what, a.who,"
    " a.due_date, a.closed_date FROM corrective_actions a JOIN points p ON p.id = a.point_id"
)


def _action(row: tuple) -> CorrectiveAction:
    return CorrectiveAction(*row[:8], due_date=_d(row[8]), closed_date=_d(row[9]))


def list_actions(
    db: Database, *, point_id: int | None = None, open_only: bool = False
) -> list[CorrectiveAction]:
    sql = _SQL + " WHERE 1=1"
    params: list = []
    if point_id is not None:
        sql += " AND a.point_id = ?"
        params.append(point_id)
    if open_only:
        sql += " AND a.closed_date IS NULL"
    sql += " ORDER BY a.closed_date IS NOT NULL, a.due_date IS NULL, a.due_date, a.id"
    return [_action(r) for r in db.execute(sql, params)]


def get_action(db: Database, action_uuid: str) -> CorrectiveAction:
    row = db.execute(_SQL + " WHERE a.uuid = ?", [action_uuid]).fetchone()
    if row is None:
        raise NotFound("ไม่พบงานแก้ไข", "corrective action not found")
    return _action(row)


def check_action(
    what: str, who: str, due: date | None, closed: date | None, *,
    item_no: int | None = None, failed_items: Collection[int] | None = None,
    present: date | None = None,
) -> tuple[str, str]:  # fmt: skip
    """Issue 14, point 2: the one check of a corrective action's state, edited on the
    Restrooms page or received in a sync file. Returns `what` and `who` cleaned.

    What is to be done is said and who does it named, within the window's lengths; the
    action is closed not after `present` (today; a sync file allows for the other
    computer's clock). An action is opened by a failed item of a final round (DOMAIN.md
    section 3): given the round's failed items, `item_no` is one of them.
    """
    what = check_text(what, field="what", limit=WHAT_MAX, required=True, one_line=False,
                      what=("สิ่งที่ต้องแก้ไข", "what is to be done"))  # fmt: skip
    who = check_text(who, field="who", limit=NAME_MAX, what=("ผู้รับผิดชอบ", "who does it"))
    if closed is not None and closed > (present or today()):
        raise InvalidInput(
            f"วันที่ปิดงาน {closed.isoformat()} ยังมาไม่ถึง",
            f"the closing date {closed.isoformat()} is in the future",
            field="closed",
        )
    for value, name in ((due, "due"), (closed, "closed")):
        if value is not None and not MIN_DAY <= value <= MAX_DAY:
            raise InvalidInput(f"วันที่ {value.isoformat()} ไม่ถูกต้อง",
                               f"date {value.isoformat()} is not valid", field=name)  # fmt: skip
    if failed_items is not None and item_no not in failed_items:
        raise InvalidInput(
            f"ข้อ {item_no} ไม่ได้เป็นข้อที่ไม่ผ่านในรอบตรวจของงานนี้",
            f"item {item_no} did not fail in this action's round",
            field="item_no",
        )
    return what, who


# A failed item opens an action saying the item's text, " — " and the item's note.
WHAT_MAX = 2 * TEXT_MAX + 3
# Dates an action may carry: a due date is planned ahead, but not by centuries.
MIN_DAY, MAX_DAY = date(1900, 1, 1), date(2200, 12, 31)


def update_action(
    db: Database, action_uuid: str, *, what: str, who: str, due: str | date | None
) -> CorrectiveAction:
    """Set what is to be done, by whom and by when (an open action only)."""
    require(db, "actions.edit")
    act = get_action(db, action_uuid)
    if not act.is_open:
        raise InvalidInput("งานนี้ปิดแล้ว", "this action is already closed")
    due_date = (
        due
        if isinstance(due, date) or due is None
        else parse_date(due, field="due", allow_future=True)
    )
    if due == "":
        due_date = None
    what, who = check_action(what or "", who or "", due_date, None)
    with transaction(db):
        db.execute(
            "UPDATE corrective_actions SET what = ?, who = ?, due_date = ? WHERE id = ?",
            [what, who, due_date.isoformat() if due_date else None, act.id],
        )
        after = get_action(db, action_uuid)
        audit(db, "update", "action", act.uuid, _snap(act), _snap(after))
    return after


def close_action(db: Database, action_uuid: str, closed: str | date) -> CorrectiveAction:
    require(db, "actions.edit")
    act = get_action(db, action_uuid)
    if not act.is_open:
        raise InvalidInput("งานนี้ปิดแล้ว", "this action is already closed")
    closed_date = closed if isinstance(closed, date) else parse_date(closed, field="closed")
    check_action(act.what, act.who, act.due_date, closed_date)
    with transaction(db):
        db.execute(
            "UPDATE corrective_actions SET closed_date = ? WHERE id = ?",
            [closed_date.isoformat(), act.id],
        )
        after = get_action(db, action_uuid)
        audit(db, "close", "action", act.uuid, _snap(act), _snap(after))
    return after


def _snap(a: CorrectiveAction) -> dict:
    return {
        "point": a.point_code,
        "item": a.item_no,
        "what": a.what,
        "who": a.who,
        "due": a.due_date.isoformat() if a.due_date else None,
        "closed": a.closed_date.isoformat() if a.closed_date else None,
    }
