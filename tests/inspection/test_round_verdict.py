"""A round knows its verdict (issue 19 point 3): the pass rule of DOMAIN.md section 3 and the
plan's ระดับดีมาก (71-80 of 80, every item met), worked out once by `Round.verdict` from
its scores and the thresholds of the standard it was scored against."""

from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.db import open_memory
from core.users import act_as
from inspection import rounds as R
from inspection.points import get_point
from inspection.standard import create_standard_version, current_standard, judge
from tests.actors import ADMIN, INSPECTOR

# One database for every example: each writes its own round and reads it back.
DB = open_memory()
act_as(DB, INSPECTOR)
STD = current_standard(DB)
POINT = get_point(DB, "F1-01")

SCORES = st.lists(st.integers(0, 4), min_size=20, max_size=20)
TYPED = st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=20, max_size=20)
SLOW_OK = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW_OK
@given(scores=SCORES)
def test_a_final_round_s_verdict_is_the_standard_s_judgement_and_what_was_stored(scores) -> None:
    uid = R.record_round(DB, POINT, datetime(2021, 6, 1, 9), "สมชาย", scores)
    rnd = R.get_round(DB, uid)
    assert rnd.verdict == judge(scores, STD.item_min, STD.pass_total)
    # The total and pass written when it was finalized say the same.
    assert (rnd.verdict.total, rnd.verdict.passed) == (rnd.total, rnd.passed)


@SLOW_OK
@given(typed=TYPED)
def test_a_draft_s_verdict_counts_an_unscored_item_as_0(typed) -> None:
    draft = R.start_draft(DB, "F1-02", "สมชาย", datetime(2021, 6, 1, 9), scores=typed)
    try:
        (found,) = [d for d in R.open_drafts(DB) if d.uuid == draft.uuid]
        assert found.scores == tuple(typed)
        assert found.verdict == judge([s or 0 for s in typed], STD.item_min, STD.pass_total)
    finally:
        R.discard_draft(DB, draft.uuid)


def test_a_round_keeps_the_verdict_of_its_own_standard_when_a_stricter_one_comes(
    tmp_path: Path,
) -> None:
    """Plan, นิยาม: คะแนนระดับดีมาก = 71-80 คะแนน (version 1); a later version may ask more,
    and a round scored before it keeps the verdict it had."""
    db = open_memory()
    act_as(db, INSPECTOR)
    point = get_point(db, "F2-01")
    scores = [4] * 17 + [2] * 3  # 74 of 80, every item met
    old = R.get_round(db, R.record_round(db, point, datetime(2021, 6, 1, 9), "a", scores))
    assert (old.item_min, old.pass_total) == (2, 71) and old.verdict.passed

    items = "".join(f"{n},H,ข้อ {n},item {n}\n" for n in range(1, 21))
    (tmp_path / "items.csv").write_text("no,group,th,en\n" + items, encoding="utf-8")
    act_as(db, ADMIN)
    create_standard_version(db, tmp_path / "items.csv", pass_total=75)
    act_as(db, INSPECTOR)
    new = R.get_round(db, R.record_round(db, point, datetime(2021, 6, 2, 9), "a", scores))

    again = R.get_round(db, old.uuid)
    assert (again.item_min, again.pass_total) == (2, 71) and again.verdict.passed
    assert (new.item_min, new.pass_total) == (2, 75)
    assert not new.verdict.passed and new.verdict.failed_items == ()
    assert new.verdict == judge(scores, 2, 75)
