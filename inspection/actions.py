"""Corrective actions opened by failed items in final rounds (DOMAIN.md section 3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from core.audit import audit
from core.calendar import parse_date
from core.db import transaction
from core.errors import InvalidInput, NotFound
from core.records import covering
from core.users import require


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

    def overdue_on(self, day: date) -> bool:
        """Still open after its due date (a report flags it; one without a due date never is)."""
        return self.is_open and self.due_date is not None and self.due_date < day


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


def update_action(
    db: Database, action_uuid: str, *, what: str, who: str, due: str | date | None
) -> CorrectiveAction:
    """Set what is to be done, by whom and by when (an open action only)."""
    require(db, "actions.edit")
    what = (what or "").strip()
    if not what:
        raise InvalidInput("โปรดระบุสิ่งที่ต้องแก้ไข", "say what is to be done", field="what")
    due_date = (
        due
        if isinstance(due, date) or due is None
        else parse_date(due, field="due", allow_future=True)
    )
    if due == "":
        due_date = None
    with transaction(db):
        act = _open_action(db, action_uuid)
        db.execute(
            "UPDATE corrective_actions SET what = ?, who = ?, due_date = ? WHERE id = ?",
            [what, (who or "").strip(), due_date.isoformat() if due_date else None, act.id],
        )
        after = get_action(db, action_uuid)
        audit(db, "update", "action", act.uuid, _snap(act), _snap(after),
              covers=covering(db, actions=[act.uuid]))  # fmt: skip
    return after


def close_action(db: Database, action_uuid: str, closed: str | date) -> CorrectiveAction:
    require(db, "actions.edit")
    closed_date = closed if isinstance(closed, date) else parse_date(closed, field="closed")
    with transaction(db):
        act = _open_action(db, action_uuid)
        db.execute(
            "UPDATE corrective_actions SET closed_date = ? WHERE id = ?",
            [closed_date.isoformat(), act.id],
        )
        after = get_action(db, action_uuid)
        audit(db, "close", "action", act.uuid, _snap(act), _snap(after),
              covers=covering(db, actions=[act.uuid]))  # fmt: skip
    return after


def _open_action(db: Database, action_uuid: str) -> CorrectiveAction:
    """The action as it stands, read inside the caller's write transaction: one closed by
    another window a moment ago is refused, not closed twice with two audit rows."""
    act = get_action(db, action_uuid)
    if not act.is_open:
        raise InvalidInput("งานนี้ปิดแล้ว", "this action is already closed")
    return act


def _snap(a: CorrectiveAction) -> dict:
    return {
        "point": a.point_code,
        "item": a.item_no,
        "what": a.what,
        "who": a.who,
        "due": a.due_date.isoformat() if a.due_date else None,
        "closed": a.closed_date.isoformat() if a.closed_date else None,
    }
