"""DOMAIN.md section 6 and the plan's "เกณฑ์การให้คะแนน ตัวชี้วัดที่ 2" (restroom indicator)."""

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.users import act_as
from inspection.indicator import (
    ladder_rows,
    more_satisfied_needed,
    points_level,
    points_threshold,
    restroom_indicator,
    restroom_level,
    satisfaction_level,
)
from inspection.points import list_points
from inspection.rounds import record_round
from inspection.survey import is_satisfied, record_response
from tests.actors import HEAD, INSPECTOR


@pytest.mark.parametrize(
    ("passing", "level"),
    [(27, 5), (26, 4), (25, 4), (24, 3), (22, 3), (21, 2), (19, 2), (18, 1), (16, 1), (15, 0)],
)
def test_points_ladder_of_the_plan_table_indicator_2(passing: int, level: int) -> None:
    """Plan table, ตัวชี้วัดที่ 2: 27 จุด / 25 จุด / 22 จุด / 19 จุด / 16 จุด."""
    assert points_level(passing, 27) == level


@pytest.mark.parametrize(
    ("satisfied", "respondents", "level"),
    [
        (10000, 10000, 5),  # 100
        (9999, 10000, 4),  # 99.99
        (9100, 10000, 4),  # 91
        (9099, 10000, 3),  # 90.99
        (9000, 10000, 3),  # 90
        (8999, 10000, 2),  # 89.99
        (8100, 10000, 2),  # 81
        (8099, 10000, 1),  # 80.99
        (7000, 10000, 1),  # 70
        (6999, 10000, 0),  # 69.99
    ],
)
def test_satisfaction_ladder_of_the_plan_table_indicator_2(satisfied, respondents, level) -> None:
    """Plan table, ตัวชี้วัดที่ 2: ร้อยละ 100 / 91.00-99.99 / 90 / 81.00-89.99 / 70.00-80.99."""
    assert satisfaction_level(satisfied, respondents) == level


def test_no_respondent_is_level_0() -> None:
    assert satisfaction_level(0, 0) == 0


def test_the_indicator_is_the_lower_of_its_two_conditions() -> None:
    """Plan table: a level needs its points AND its satisfaction (DOMAIN.md Interpretation)."""
    assert restroom_level(5, 3) == 3
    assert restroom_level(2, 4) == 2


def test_points_ladder_scales_in_proportion_to_active_points() -> None:
    """DOMAIN.md section 6: 27 gives the plan's numbers; 30 points need the same shares."""
    assert [points_threshold(t, 27) for t in (27, 25, 22, 19, 16)] == [27, 25, 22, 19, 16]
    assert [points_threshold(t, 30) for t in (27, 25, 22, 19, 16)] == [30, 28, 25, 22, 18]
    assert points_level(28, 30) == 4 and points_level(27, 30) == 3


def test_one_question_satisfied_at_4_several_at_mean_3_50() -> None:
    """DOMAIN.md section 5 Interpretation: ระดับมากถึงมากที่สุด."""
    assert is_satisfied([4]) and not is_satisfied([3])
    assert is_satisfied([4, 3]) and not is_satisfied([4, 3, 3])
    assert is_satisfied([5, 2, 4, 3])  # mean exactly 3.50


def test_more_satisfied_respondents_needed_for_the_next_level() -> None:
    # 85 of 100 is level 2; level 3 needs 90 %: 135 of 150 is, 134 of 149 is not.
    assert more_satisfied_needed(85, 100) == 50
    assert satisfaction_level(85 + 50, 150) == 3 and satisfaction_level(85 + 49, 149) == 2
    assert more_satisfied_needed(100, 100) is None


def _pass(db, code: str, when: datetime, scores=None) -> None:
    point = next(p for p in list_points(db) if p.code == code)
    record_round(db, point, when, "a", scores or [4] * 20)


def test_restroom_indicator_judges_each_point_by_its_latest_final_round(db) -> None:
    for p in list_points(db):
        _pass(db, p.code, datetime(2021, 8, 2, 9))
    _pass(db, "F1-02", datetime(2021, 9, 1, 9), [4] * 19 + [3])  # still passes
    _pass(db, "F2-04", datetime(2021, 9, 2, 9), [4] * 14 + [1] + [4] * 5)
    _pass(db, "F3-01", datetime(2021, 9, 3, 9), [3] * 20)
    for _ in range(9):
        record_response(db, "2021-07-01", "F1-01", "public", [5])
    record_response(db, "2021-07-01", None, "official", [3])
    ind = restroom_indicator(db, 2564)
    assert (ind.points_total, ind.points_passing) == (27, 25)
    assert ind.points_level == 4 and ind.satisfaction_level == 3  # 90 %
    assert ind.level == 3 and ind.score == 12
    needs = {n.code: n.en for n in ind.needs}
    assert needs == {"F2-04": "F2-04: item 15 scored 1", "F3-01": "F3-01: total 60, needs 71"}


def test_a_point_with_no_final_round_this_year_does_not_pass(db) -> None:
    _pass(db, "F1-01", datetime(2020, 9, 30, 16))  # FY 2563
    ind = restroom_indicator(db, 2564)
    assert ind.points_passing == 0
    assert any(n.en == "F1-01: no final round this year" for n in ind.needs)


@given(st.integers(0, 27), st.integers(0, 300), st.integers(1, 300))
def test_level_never_rises_when_a_pass_turns_to_fail_or_a_satisfied_answer_goes(
    passing: int, satisfied: int, respondents: int
) -> None:
    """Monotonic ladder: losing a passing point or a satisfied answer never helps."""
    satisfied = min(satisfied, respondents)
    level = restroom_level(points_level(passing, 27), satisfaction_level(satisfied, respondents))
    if passing > 0:
        lower = restroom_level(
            points_level(passing - 1, 27), satisfaction_level(satisfied, respondents)
        )
        assert lower <= level
    if satisfied > 0 and respondents > 1:
        fewer = restroom_level(
            points_level(passing, 27), satisfaction_level(satisfied - 1, respondents - 1)
        )
        assert fewer <= level


def test_a_point_deactivated_during_the_year_still_counts_that_year(db) -> None:
    """DOMAIN.md section 6: the indicator counts the points active in that year."""
    from inspection.points import set_point_active

    act_as(db, HEAD)  # which points count is the section head's decision
    set_point_active(db, "F5-05", False, "2021-03-01")
    assert restroom_indicator(db, 2564).points_total == 27
    assert restroom_indicator(db, 2565).points_total == 26
    assert "F5-05" not in [p.code for p in list_points(db)]
    set_point_active(db, "F5-05", True, "2021-09-29")
    assert restroom_indicator(db, 2565).points_total == 27


def test_bringing_a_point_back_never_changes_a_year_it_counted_in(db, monkeypatch) -> None:
    """DOMAIN.md section 6 (the points active in that year): a point away for a whole year
    and brought back keeps the years before, misses the year away, counts again after."""
    from datetime import datetime

    import core.calendar
    from inspection.points import set_point_active

    monkeypatch.setattr(core.calendar, "clock", lambda: datetime(2024, 6, 1, 9, 0))

    act_as(db, HEAD)
    set_point_active(db, "F1-01", False, "2022-01-10")  # FY 2565
    set_point_active(db, "F1-01", True, "2023-10-10")  # FY 2567: all of 2566 away
    totals = {fy: restroom_indicator(db, fy).points_total for fy in (2564, 2565, 2566, 2567)}
    assert totals == {2564: 27, 2565: 27, 2566: 26, 2567: 27}
    set_point_active(db, "F1-01", False, "2024-02-01")
    set_point_active(db, "F1-01", True, "2024-03-01")  # away and back within FY 2567
    assert restroom_indicator(db, 2564).points_total == 27
    assert restroom_indicator(db, 2566).points_total == 26


def test_the_ladder_rows_are_the_plan_table_for_27_points() -> None:
    """เกณฑ์การให้คะแนน ตัวชี้วัดที่ 2, as data for the Indicators page and the annual report."""
    rows = ladder_rows()
    assert [(r.level, r.result_pct, r.score) for r in rows] == [
        (5, 100, 15), (4, 90, 13.5), (3, 80, 12), (2, 70, 10.5), (1, 60, 9),
    ]  # fmt: skip
    assert [r.condition_en.split()[0] for r in rows] == ["27", "25", "22", "19", "16"]
    assert "91.00-99.99" in rows[1].condition_th and "70.00-80.99" in rows[4].condition_en
    assert [r.condition_en.split()[0] for r in ladder_rows(30)] == ["30", "28", "25", "22", "18"]


@given(st.integers(1, 300))
def test_scaled_points_ladder_keeps_the_plan_shares_and_order(active: int) -> None:
    """DOMAIN.md section 6 "scaled in proportion": ceil(needed x active / 27), no smaller share."""
    thresholds = [points_threshold(t, active) for t in (27, 25, 22, 19, 16)]
    assert thresholds[0] == active  # level 5 always means every active point
    assert thresholds == sorted(thresholds, reverse=True)
    for needed, got in zip((27, 25, 22, 19, 16), thresholds, strict=True):
        assert got * 27 >= needed * active and (got - 1) * 27 < needed * active
    levels = [points_level(p, active) for p in range(active + 1)]
    assert levels == sorted(levels) and levels[-1] == 5


def test_no_active_point_is_level_0() -> None:
    assert points_level(0, 0) == 0


@given(st.integers(0, 400), st.integers(0, 400))
def test_more_satisfied_needed_is_the_least_number_that_reaches_the_next_level(s, extra) -> None:
    """Plan table: adding k satisfied answers reaches the next row; k - 1 does not."""
    n = s + extra
    k = more_satisfied_needed(s, n)
    level = satisfaction_level(s, n)
    if k is None:
        assert level == 5 or (level == 4 and n > s)
        return
    assert satisfaction_level(s + k, n + k) > level
    if k > 1:
        assert satisfaction_level(s + k - 1, n + k - 1) == level


def test_with_no_answer_one_satisfied_respondent_is_needed() -> None:
    assert more_satisfied_needed(0, 0) == 1


@given(st.lists(st.lists(st.integers(1, 5), min_size=1, max_size=5), min_size=1, max_size=60))
def test_removing_a_satisfied_form_never_raises_the_satisfaction_level(forms) -> None:
    """Monotonic: a satisfied respondent taken away (DOMAIN.md section 5) never helps the level."""
    flags = [is_satisfied(f) for f in forms]
    level = satisfaction_level(sum(flags), len(flags))
    if True in flags:
        flags.remove(True)
        assert satisfaction_level(sum(flags), len(flags)) <= level


def test_a_total_below_the_band_says_what_it_needs(db) -> None:
    """DOMAIN.md section 3: very good is 71-80; every item met but 70 points is not enough."""
    _pass(db, "F1-02", datetime(2021, 8, 2, 9), [4] * 10 + [3] * 10)
    need = next(n for n in restroom_indicator(db, 2564).needs if n.code == "F1-02")
    assert need.en == "F1-02: total 70, needs 71"
    assert need.th == "F1-02: รวม 70 ต้องได้ 71"


def test_30_september_counts_in_2564_and_1_october_in_2565(db) -> None:
    """DOMAIN.md section 1: FY 2564 ends on 30 September 2021."""
    _pass(db, "F1-01", datetime(2021, 9, 30, 23, 59))
    import core.calendar

    core.calendar.clock = lambda: datetime(2021, 10, 1, 12, 0)  # the fixture restores it
    _pass(db, "F1-02", datetime(2021, 10, 1, 0, 0))
    passing_2564 = {p.code for p in list_points(db)} - {
        n.code for n in restroom_indicator(db, 2564).needs
    }
    passing_2565 = {p.code for p in list_points(db)} - {
        n.code for n in restroom_indicator(db, 2565).needs
    }
    assert passing_2564 == {"F1-01"} and passing_2565 == {"F1-02"}


def test_a_later_failing_round_overrides_and_a_correction_replaces_the_corrected(db) -> None:
    """DOMAIN.md section 6: the latest final round decides; a correction stands for its round."""
    from inspection import rounds as R

    _pass(db, "F2-01", datetime(2021, 5, 3, 9))
    _pass(db, "F2-01", datetime(2021, 8, 3, 9), [4] * 14 + [1] + [4] * 5)
    assert restroom_indicator(db, 2564).points_passing == 0
    wrong = R.deciding_rounds(db, 2564)[next(p.id for p in list_points(db) if p.code == "F2-01")]
    act_as(db, INSPECTOR)  # correcting a final round is a signed-in account's decision
    fix = R.correct_round(db, wrong.uuid, "กรอกข้อ 15 ผิด", "สุดา")
    R.set_score(db, fix.uuid, 15, 4)
    assert restroom_indicator(db, 2564).points_passing == 0  # a draft correction decides nothing
    R.finalize_round(db, fix.uuid)
    assert restroom_indicator(db, 2564).points_passing == 1


def test_the_year_reads_one_round_per_point_through_the_rounds_point_year_index(db) -> None:
    """Issue 5, speed: no scan of all rounds; each point's latest final round by the index."""
    from inspection import rounds as R

    captured: list[tuple[str, list]] = []
    execute = db.execute
    db.execute = lambda sql, params=None: captured.append((sql, params)) or execute(sql, params)
    try:
        R.deciding_rounds(db, 2564)
    finally:
        db.execute = execute
    sql, params = captured[0]
    plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
    assert any("USING INDEX rounds_point_year (point_id=? AND fiscal_year=? AND status=?)" in d
               for d in plan)  # fmt: skip
    assert not any(d.startswith("SCAN") and " r" in d and "p2" not in d for d in plan), plan
    assert not any("TEMP B-TREE" in d for d in plan), plan


def test_restroom_indicator_exposes_the_survey_figures_and_what_it_needs(db) -> None:
    ind = restroom_indicator(db, 2564)
    assert ind.satisfaction_pct is None and ind.respondents == 0 and ind.level == 0
    assert ind.satisfaction_need("en") == "no survey answer this year yet (level 0)"
    for n in range(10):
        record_response(db, "2021-07-01", None, "public", [5] if n < 9 else [1])
    ind = restroom_indicator(db, 2564)
    assert (ind.respondents, ind.satisfied, ind.satisfaction_pct) == (10, 9, 90.0)
    assert ind.satisfaction_level == 3 and ind.more_satisfied_needed == 2  # 11 of 12 = 91.67 %
    assert ind.satisfaction_need("en") == "2 more satisfied respondents reach satisfaction level 4"
    assert "2" in ind.satisfaction_need("th")
