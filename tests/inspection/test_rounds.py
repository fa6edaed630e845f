"""Rounds: drafts saved on every change, final never edited, corrections supersede."""

from datetime import datetime

import pytest

from core.db import open_db
from core.errors import InvalidInput
from core.users import PermissionDenied, act_as
from inspection import rounds as R
from inspection.actions import close_action, list_actions, update_action
from inspection.points import get_point
from tests.actors import INSPECTOR


def _fill(db, uuid: str, scores: list[int]) -> R.Round:
    rnd = None
    for no, s in enumerate(scores, start=1):
        rnd = R.set_score(db, uuid, no, s)
    return rnd


def test_a_draft_is_saved_on_every_change_and_survives_reopening(db_path) -> None:
    db = open_db(db_path)
    d = R.start_draft(db, "f1-01", "สมชาย")
    R.set_score(db, d.uuid, 1, 4)
    R.set_score(db, d.uuid, 2, 3)
    R.set_item_note(db, d.uuid, 2, "คราบน้ำ")
    db.close()  # as if the app were killed here: every change was already committed
    again = open_db(db_path)
    (draft,) = R.open_drafts(again)
    assert draft.uuid == d.uuid and draft.point_code == "F1-01"
    assert draft.scores[:3] == (4, 3, None)
    assert draft.notes == {2: "คราบน้ำ"}
    assert draft.next_unscored == 3


def test_finalize_fixes_total_and_pass(db) -> None:
    d = R.start_draft(db, "F2-03", "สมชาย")
    _fill(db, d.uuid, [4] * 19 + [3])
    final = R.finalize_round(db, d.uuid)
    assert final.is_final and final.total == 79 and final.passed is True


def test_an_incomplete_round_cannot_be_finalized(db) -> None:
    d = R.start_draft(db, "F2-03", "สมชาย")
    _fill(db, d.uuid, [4] * 18)
    with pytest.raises(InvalidInput) as err:
        R.finalize_round(db, d.uuid)
    assert "19, 20" in err.value.en


def test_a_final_round_is_never_edited(db) -> None:
    d = R.start_draft(db, "F1-02", "สมชาย")
    _fill(db, d.uuid, [4] * 20)
    R.finalize_round(db, d.uuid)
    for action in (
        lambda: R.set_score(db, d.uuid, 1, 0),
        lambda: R.set_item_note(db, d.uuid, 1, "x"),
        lambda: R.discard_draft(db, d.uuid),
        lambda: R.finalize_round(db, d.uuid),
    ):
        with pytest.raises(InvalidInput):
            action()
    assert R.get_round(db, d.uuid).scores == (4,) * 20


def test_correction_supersedes_with_a_reason_and_both_stay(db) -> None:
    d = R.start_draft(db, "F1-02", "สมชาย", datetime(2021, 8, 2, 9, 0))
    _fill(db, d.uuid, [4] * 14 + [1] + [4] * 5)
    wrong = R.finalize_round(db, d.uuid)
    assert wrong.passed is False
    with pytest.raises(PermissionDenied):  # the operating-system account decides nothing
        R.correct_round(db, wrong.uuid, "ข้อ 15 ผิด", "สมชาย")
    act_as(db, INSPECTOR)
    with pytest.raises(InvalidInput):
        R.correct_round(db, wrong.uuid, "  ", "สมชาย")
    fix = R.correct_round(db, wrong.uuid, "กรอกข้อ 15 ผิด", "สุดา")
    assert fix.status == "draft" and fix.scores == wrong.scores
    assert fix.inspected_at == wrong.inspected_at
    R.set_score(db, fix.uuid, 15, 4)
    fixed = R.finalize_round(db, fix.uuid)
    assert fixed.supersedes == wrong.uuid and fixed.reason == "กรอกข้อ 15 ผิด"
    history = R.rounds_for_point(db, get_point(db, "F1-02").id)
    assert {r.uuid for r in history} == {wrong.uuid, fixed.uuid}
    assert R.get_round(db, wrong.uuid).superseded_by == fixed.uuid
    # The correction, not the corrected round, now decides the point.
    assert R.deciding_rounds(db, 2564)[fixed.point_id].uuid == fixed.uuid
    with pytest.raises(InvalidInput):
        R.correct_round(db, wrong.uuid, "again", "สุดา")


def test_latest_final_round_of_the_fiscal_year_decides(db) -> None:
    point = get_point(db, "F3-01")
    R.record_round(db, point, datetime(2021, 3, 1, 9), "a", [4] * 20)
    late = R.record_round(db, point, datetime(2021, 9, 30, 16), "a", [3] * 20)
    R.record_round(db, point, datetime(2020, 9, 30, 9), "a", [4] * 20)  # FY 2563
    decided = R.deciding_rounds(db, 2564)[point.id]
    assert decided.uuid == late and decided.passed is False
    assert R.deciding_rounds(db, 2563)[point.id].passed is True


def test_a_round_on_1_october_belongs_to_the_next_fiscal_year(db) -> None:
    point = get_point(db, "F3-02")
    R.record_round(db, point, datetime(2020, 10, 1, 8, 0), "a", [4] * 20)
    assert point.id in R.deciding_rounds(db, 2564)
    assert point.id not in R.deciding_rounds(db, 2563)


def test_drafts_do_not_count(db) -> None:
    d = R.start_draft(db, "F4-01", "a")
    _fill(db, d.uuid, [4] * 20)
    assert get_point(db, "F4-01").id not in R.deciding_rounds(db, 2564)


def test_failed_items_open_corrective_actions_that_can_be_closed(db) -> None:
    d = R.start_draft(db, "F5-01", "สมชาย")
    R.set_item_note(db, d.uuid, 3, "พบลูกน้ำ")
    _fill(db, d.uuid, [4, 4, 1, 4, 0] + [4] * 15)
    final = R.finalize_round(db, d.uuid)
    actions = list_actions(db, point_id=final.point_id)
    assert [a.item_no for a in actions] == [3, 5]
    assert "พบลูกน้ำ" in actions[0].what
    updated = update_action(db, actions[0].uuid, what="ล้างถัง", who="แม่บ้าน", due="15/10/2564")
    assert updated.due_date.isoformat() == "2021-10-15"
    closed = close_action(db, actions[0].uuid, "30/09/2564")
    assert not closed.is_open
    assert [a.item_no for a in list_actions(db, point_id=final.point_id, open_only=True)] == [5]
    with pytest.raises(InvalidInput):
        close_action(db, actions[0].uuid, "30/09/2564")


def test_a_passing_round_opens_no_action(db) -> None:
    d = R.start_draft(db, "F5-02", "a")
    _fill(db, d.uuid, [2] * 20)  # every item met at 2, but total 40: fails, yet no item failed
    final = R.finalize_round(db, d.uuid)
    assert final.passed is False
    assert list_actions(db, point_id=final.point_id) == []


def test_bad_round_input_is_refused_with_both_languages(db) -> None:
    with pytest.raises(InvalidInput) as err:
        R.start_draft(db, "F9-99", "a")
    assert "F9-99" in err.value.th and "unknown" in err.value.en
    with pytest.raises(InvalidInput):
        R.start_draft(db, "F1-01", "   ")
    with pytest.raises(InvalidInput):
        R.start_draft(db, "F1-01", "a", datetime(2022, 1, 1, 9, 0))
    d = R.start_draft(db, "F1-01", "a")
    for item, score in ((21, 4), (0, 4), (1, 5), (1, -1)):
        with pytest.raises(InvalidInput):
            R.set_score(db, d.uuid, item, score)
    assert R.get_round(db, d.uuid).scores == (None,) * 20


@pytest.mark.parametrize("change", ["score", "item_note", "round_note"])
def test_a_round_finalized_in_another_window_meanwhile_is_not_changed(
    db, writer_first, change
) -> None:
    """DOMAIN.md section 3: a final round is never edited, even when another window
    finalizes it between this window's read and its write (issue 7: two writers)."""
    d = R.start_draft(db, "F1-03", "สมชาย")
    _fill(db, d.uuid, [4] * 20)
    writer_first(R, lambda other: R.finalize_round(other, d.uuid))
    act = {
        "score": lambda: R.set_score(db, d.uuid, 1, 0),
        "item_note": lambda: R.set_item_note(db, d.uuid, 1, "x"),
        "round_note": lambda: R.set_round_note(db, d.uuid, "x"),
    }[change]
    with pytest.raises(InvalidInput):
        act()
    final = R.get_round(db, d.uuid)
    assert final.is_final and final.scores == (4,) * 20 and final.note == "" and not final.notes


@pytest.mark.parametrize("second", ["finalize", "discard"])
def test_two_windows_finalizing_one_draft_give_one_set_of_actions_and_one_audit_row(
    db, writer_first, second
) -> None:
    """Issue 13 point 5: the draft is read inside the write transaction. Another window
    finalizes the draft first; this window's finalize (or discard) of it is refused, and
    the round has the actions of its failed items once (DOMAIN.md section 3: a failed
    item opens a corrective action) and one "finalize" audit row."""
    d = R.start_draft(db, "F1-04", "สมชาย")
    _fill(db, d.uuid, [1, 1] + [4] * 18)  # items 1 and 2 fail
    writer_first(R, lambda other: R.finalize_round(other, d.uuid))
    act = {"finalize": R.finalize_round, "discard": R.discard_draft}[second]
    with pytest.raises(InvalidInput, match="final"):
        act(db, d.uuid)
    actions = db.execute(
        "SELECT item_no FROM corrective_actions WHERE round_uuid = ? ORDER BY item_no", [d.uuid]
    ).fetchall()
    audit_rows = db.execute(
        "SELECT action FROM audit_log WHERE record_uuid = ? AND action != 'create_draft'",
        [d.uuid],
    ).fetchall()
    assert actions == [(1,), (2,)]
    assert audit_rows == [("finalize",)]
    assert R.get_round(db, d.uuid).is_final
