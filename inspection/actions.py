"""Corrective actions opened by failed items in final rounds (DOMAIN.md section 3)."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlite_utils import Database

from core.audit import audit
from core.calendar import format_date, parse_date, today
from core.db import new_id, transaction
from core.errors import InvalidInput, NotFound
from core.i18n import ByLanguage, Phrase
from core.records import covering
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
    round_date: date | None = None  # the day of the round that found the failure
    # Closed because a correction of its round passes the item: the correction's reason.
    resolved_by_correction: str | None = None

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
    " a.due_date, a.closed_date,"
    " (SELECT substr(r.inspected_at, 1, 10) FROM rounds r WHERE r.uuid = a.round_uuid),"
    # The resolution is in the trail (kept with who did it, and synced with it): read only
    # for closed actions, through the index on record_uuid.
    " CASE WHEN a.closed_date IS NOT NULL THEN (SELECT l.after FROM audit_log l"
    "   WHERE l.record_uuid = a.uuid AND l.kind = 'action' AND l.action = 'resolve'"
    "   ORDER BY l.id DESC LIMIT 1) END"
    " FROM corrective_actions a JOIN points p ON p.id = a.point_id"
)


def _action(row: tuple) -> CorrectiveAction:
    resolved = None
    if row[11]:
        resolved = str(json.loads(row[11]).get("reason", ""))
    return CorrectiveAction(*row[:8], due_date=_d(row[8]), closed_date=_d(row[9]),
                            round_date=_d(row[10]), resolved_by_correction=resolved)  # fmt: skip


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
        raise NotFound("actions.corrective_action_not_found")
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
                      what=Phrase("actions.what.what_done"))  # fmt: skip
    who = check_text(who, field="who", limit=NAME_MAX, what=Phrase("actions.what.who_does"))
    if closed is not None and closed > (present or today()):
        raise InvalidInput(
            "actions.closing_date_future", field="closed", isoformat=closed.isoformat()
        )
    for value, name in ((due, "due"), (closed, "closed")):
        if value is not None and not MIN_DAY <= value <= MAX_DAY:
            raise InvalidInput("actions.date_not_valid", field=name, isoformat=value.isoformat())
    if failed_items is not None and item_no not in failed_items:
        raise InvalidInput("actions.item_did_not_fail_action", field="item_no", item_no=item_no)
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
    due_date = (
        due
        if isinstance(due, date) or due is None
        else parse_date(due, field="due", allow_future=True)
    )
    if due == "":
        due_date = None
    what, who = check_action(what or "", who or "", due_date, None)
    with transaction(db):
        act = _open_action(db, action_uuid)
        if due_date is not None:
            _not_before_round(act, due_date, "due")
        db.execute(
            "UPDATE corrective_actions SET what = ?, who = ?, due_date = ? WHERE id = ?",
            [what, who, due_date.isoformat() if due_date else None, act.id],
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
        check_action(act.what, act.who, act.due_date, closed_date)
        _not_before_round(act, closed_date, "closed")
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
        raise InvalidInput("actions.action_already_closed")
    return act


def _not_before_round(act: CorrectiveAction, day: date, field: str) -> None:
    """An action is found by its round: it cannot be due, or done, before that day."""
    if act.round_date is not None and day < act.round_date:
        found = act.round_date
        raise InvalidInput(
            "actions.before_round",
            field=field,
            day=ByLanguage(lambda lang: format_date(found, lang)),
        )


@dataclass(frozen=True)
class ActionOutcome:
    """What making a round final did to its point's corrective actions (item numbers)."""

    opened: tuple[int, ...] = ()  # newly failing: an action each
    carried: tuple[int, ...] = ()  # still failing: the open action carries over, once
    resolved: tuple[int, ...] = ()  # passing now: closed as resolved by the correction
    # The new actions' uuids: the audit row of the round covers them (issue 14).
    opened_uuids: tuple[str, ...] = field(default=(), compare=False, repr=False)


def settle_actions(
    db: Database,
    *,
    point_id: int,
    round_uuid: str,
    failed: Sequence[int],
    what: dict[int, str],
    corrects: Sequence[str] = (),
    reason: str = "",
) -> ActionOutcome:
    """The corrective actions of a round being made final, inside its transaction.

    DOMAIN.md section 3: a failed item in a final round opens an action. A correction
    (`corrects`: the rounds it supersedes, nearest first) is a better record of the
    same inspection (issue 17): each item still failing keeps the open action its
    round already has (carried over once, with whoever was given it and the deadline);
    an item that now passes has its open actions closed today as resolved by the
    correction, with the correction's reason; only newly failing items open actions.
    """
    before: dict[int, list[CorrectiveAction]] = {}
    if corrects:
        rows = db.execute(
            _SQL + " WHERE a.round_uuid IN (SELECT value FROM json_each(?))"
            " AND a.closed_date IS NULL ORDER BY a.id",
            [json.dumps(list(corrects))],
        ).fetchall()
        for act in map(_action, rows):
            before.setdefault(act.item_no, []).append(act)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    opened, carried, uuids = [], [], []
    for no in failed:
        if no in before:
            carried.append(no)
            continue
        uid = new_id()
        db.execute(
            "INSERT INTO corrective_actions(uuid, point_id, round_uuid, item_no, what, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [uid, point_id, round_uuid, no, what[no], stamp],
        )
        opened.append(no)
        uuids.append(uid)
    resolved = sorted(no for no in before if no not in failed)
    day = today()
    for no in resolved:
        for act in before[no]:
            db.execute("UPDATE corrective_actions SET closed_date = ? WHERE id = ?",
                       [day.isoformat(), act.id])  # fmt: skip
            after = dict(_snap(act), closed=day.isoformat(), reason=reason, by_round=round_uuid)
            audit(db, "resolve", "action", act.uuid, _snap(act), after,
                  covers=covering(db, actions=[act.uuid]))  # fmt: skip
    return ActionOutcome(tuple(opened), tuple(carried), tuple(resolved), tuple(uuids))


def _snap(a: CorrectiveAction) -> dict:
    return {
        "point": a.point_code,
        "item": a.item_no,
        "what": a.what,
        "who": a.who,
        "due": a.due_date.isoformat() if a.due_date else None,
        "closed": a.closed_date.isoformat() if a.closed_date else None,
    }
