"""Corrective actions across corrections, and their dates (issue 17 points 2 and 3).

DOMAIN.md section 3: "A failed item in a final round opens a corrective action (what,
who, by when, closed when) on that point"; a correction "is a new round that names the
one it supersedes and why", a better record of the same inspection.
"""

import json
from datetime import date, datetime

import pytest

from core import audit
from core.errors import InvalidInput
from core.users import act_as
from inspection import rounds as R
from inspection.actions import close_action, list_actions, update_action
from tests.actors import INSPECTOR

ROUND_AT = datetime(2021, 8, 2, 9, 0)  # 2 Aug 2564; the pinned clock is 30 Sep 2564
FAILS_3_AND_5 = [4, 4, 1, 4, 1] + [4] * 15


@pytest.fixture(autouse=True)
def inspector(db) -> None:
    """An inspector records, corrects and follows up the rounds here (a correction is a
    decision the operating-system account may not take, issue 15)."""
    act_as(db, INSPECTOR)


def _round(db, scores: list[int], code: str = "F1-02") -> R.Round:
    d = R.start_draft(db, code, "สมชาย", ROUND_AT)
    for no, s in enumerate(scores, start=1):
        R.set_score(db, d.uuid, no, s)
    return R.finalize_round(db, d.uuid)


def _correct(db, rnd: R.Round, changes: dict[int, int], reason: str) -> R.Finalized:
    draft = R.correct_round(db, rnd.uuid, reason, "สุดา")
    for no, s in changes.items():
        R.set_score(db, draft.uuid, no, s)
    return R.finalize(db, draft.uuid)


def _open(db, point_id: int) -> list[int]:
    return sorted(a.item_no for a in list_actions(db, point_id=point_id, open_only=True))


def test_a_correction_raising_item_5_keeps_item_3_once_and_resolves_item_5(db) -> None:
    """The issue's case: F1-02 failed on items 3 and 5; a correction raised item 5 to 3.
    It left three open actions (item 3 twice, item 5 though it passed): now one."""
    wrong = _round(db, FAILS_3_AND_5)
    first = {a.item_no: a for a in list_actions(db, point_id=wrong.point_id)}
    update_action(db, first[3].uuid, what=first[3].what, who="แม่บ้านชั้น 1", due="10/08/2564")
    done = _correct(db, wrong, {5: 3}, "กรอกข้อ 5 ผิด")
    assert done.actions == R.ActionOutcome(opened=(), carried=(3,), resolved=(5,))
    assert _open(db, wrong.point_id) == [3]
    (item3,) = list_actions(db, point_id=wrong.point_id, open_only=True)
    # Carried over, not opened again: whoever was given it and its deadline stay.
    assert item3.uuid == first[3].uuid and item3.who == "แม่บ้านชั้น 1"
    assert item3.due_date == date(2021, 8, 10)
    item5 = next(a for a in list_actions(db, point_id=wrong.point_id) if a.item_no == 5)
    assert item5.closed_date == date(2021, 9, 30)
    assert item5.resolved_by_correction == "กรอกข้อ 5 ผิด"
    assert item3.resolved_by_correction is None


def test_a_correction_opens_actions_for_newly_failing_items_only(db) -> None:
    wrong = _round(db, FAILS_3_AND_5)
    done = _correct(db, wrong, {7: 0}, "ลืมให้คะแนนข้อ 7 ตามจริง")
    assert done.actions == R.ActionOutcome(opened=(7,), carried=(3, 5), resolved=())
    assert _open(db, wrong.point_id) == [3, 5, 7]
    new = next(a for a in list_actions(db, point_id=wrong.point_id) if a.item_no == 7)
    assert new.round_uuid == done.round.uuid


def test_a_correction_of_a_correction_still_carries_the_first_action(db) -> None:
    wrong = _round(db, FAILS_3_AND_5)
    once = _correct(db, wrong, {5: 4}, "ข้อ 5 ผ่าน")
    twice = _correct(db, once.round, {3: 4}, "ข้อ 3 ผ่านด้วย")
    assert twice.actions.resolved == (3,) and twice.actions.opened == ()
    assert _open(db, wrong.point_id) == []
    reasons = {
        a.item_no: a.resolved_by_correction for a in list_actions(db, point_id=wrong.point_id)
    }
    assert reasons == {3: "ข้อ 3 ผ่านด้วย", 5: "ข้อ 5 ผ่าน"}


def test_an_action_closed_by_hand_is_not_reopened_or_resolved_by_a_correction(db) -> None:
    wrong = _round(db, FAILS_3_AND_5)
    item3 = next(a for a in list_actions(db, point_id=wrong.point_id) if a.item_no == 3)
    close_action(db, item3.uuid, "05/08/2564")
    done = _correct(db, wrong, {5: 4}, "ข้อ 5 ผ่าน")
    # Item 3 still fails but its action was done: the correction opens it afresh.
    assert done.actions == R.ActionOutcome(opened=(3,), carried=(), resolved=(5,))
    closed3 = next(a for a in list_actions(db, point_id=wrong.point_id) if a.uuid == item3.uuid)
    assert closed3.closed_date == date(2021, 8, 5) and closed3.resolved_by_correction is None


def test_the_resolution_is_in_the_audit_trail_with_the_correction(db) -> None:
    wrong = _round(db, FAILS_3_AND_5)
    done = _correct(db, wrong, {5: 3}, "กรอกข้อ 5 ผิด")
    (row,) = audit.rows(db, kind="action", limit=10)
    assert row.action == "resolve"
    after = json.loads(row.after)
    assert after["by_round"] == done.round.uuid and after["reason"] == "กรอกข้อ 5 ผิด"
    assert audit.verify_chain(db).ok


def test_a_plain_failed_round_says_which_actions_it_opened(db) -> None:
    d = R.start_draft(db, "F2-01", "สมชาย", ROUND_AT)
    for no, s in enumerate(FAILS_3_AND_5, start=1):
        R.set_score(db, d.uuid, no, s)
    assert R.finalize(db, d.uuid).actions == R.ActionOutcome(opened=(3, 5))


@pytest.mark.parametrize("typed", ["01/08/2564", "2021-07-31"])
def test_an_action_cannot_be_closed_before_its_round(db, typed: str) -> None:
    rnd = _round(db, FAILS_3_AND_5)
    act = list_actions(db, point_id=rnd.point_id)[0]
    with pytest.raises(InvalidInput) as err:
        close_action(db, act.uuid, typed)
    assert err.value.field == "closed" and "ก่อนวันตรวจ" in err.value.th
    assert "before the round" in err.value.en
    assert list_actions(db, point_id=rnd.point_id)[0].is_open  # nothing changed
    assert not close_action(db, act.uuid, "02/08/2564").is_open  # the round's own day is fine


def test_an_action_cannot_be_due_before_its_round(db) -> None:
    rnd = _round(db, FAILS_3_AND_5)
    act = list_actions(db, point_id=rnd.point_id)[0]
    with pytest.raises(InvalidInput) as err:
        update_action(db, act.uuid, what="ล้างถัง", who="แม่บ้าน", due="01/08/2564")
    assert err.value.field == "due"
    assert list_actions(db, point_id=rnd.point_id)[0].due_date is None
    later = update_action(db, act.uuid, what="ล้างถัง", who="แม่บ้าน", due="01/10/2564")
    assert later.due_date == date(2021, 10, 1)
