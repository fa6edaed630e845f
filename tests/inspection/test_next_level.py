"""What the next level needs (DOMAIN.md section 6: the level is the lower of two ladders)."""

from inspection.indicator import (
    RestroomIndicator,
    more_satisfied_needed,
    next_level_needs,
    points_level,
    restroom_level,
    satisfaction_level,
)
from inspection.survey import Satisfaction


def _indicator(passing: int, satisfied: int, respondents: int, total: int = 27):
    p, s = points_level(passing, total), satisfaction_level(satisfied, respondents)
    level = restroom_level(p, s)
    sat = Satisfaction(2564, respondents, satisfied, {})
    return RestroomIndicator(
        fiscal_year=2564, points_total=total, points_passing=passing,
        points_pct=passing * 100 / total, satisfaction=sat,
        points_level=p, satisfaction_level=s, level=level, score=0.0, needs=(),
        more_satisfied_needed=more_satisfied_needed(satisfied, respondents),
    )  # fmt: skip


def test_only_the_ladder_that_holds_the_level_back_is_named() -> None:
    """Plan table: 27 points is level 5; 85 % satisfied is level 2; level 3 needs 90 %."""
    assert next_level_needs(_indicator(27, 85, 100), "th") == [
        "ระดับ 3: ต้องพึงพอใจร้อยละ 90 ขึ้นไป (ตอนนี้ 85.00) — ต้องมีผู้ตอบที่พึงพอใจเพิ่มอีก 50 คน"
    ]
    # 24 points is level 3 and 95 % is level 4: only the points are named (25 for level 4).
    assert next_level_needs(_indicator(24, 95, 100), "en") == [
        "Level 4: 25 of 27 points must pass (24 do) — 1 more of those below"
    ]


def test_both_ladders_at_the_same_level_are_both_named() -> None:
    """Plan table: 22 points and 90 % are both level 3; level 4 needs 25 points and 91 %."""
    lines = next_level_needs(_indicator(22, 90, 100), "en")
    assert lines == [
        "Level 4: 25 of 27 points must pass (22 do) — 3 more of those below",
        "Level 4: at least 91 % satisfied (now 90.00) — 12 more satisfied respondents",
    ]


def test_level_5_needs_every_respondent_satisfied_and_level_5_needs_nothing() -> None:
    assert next_level_needs(_indicator(27, 99, 100), "en") == [
        "Level 5: every respondent must be satisfied (100 %); not satisfied now: 1"
    ]
    assert next_level_needs(_indicator(27, 100, 100), "th") == []
    assert next_level_needs(_indicator(27, 0, 0), "en") == [
        "Level 1: no survey answer this year yet (no survey = level 0)"
    ]


def test_scaled_points_ladder_names_the_scaled_threshold() -> None:
    """DOMAIN.md section 6: 25 of 27 scaled to 20 active points is ceil(18.52) = 19."""
    assert next_level_needs(_indicator(18, 95, 100, total=20), "en")[0].startswith(
        "Level 4: 19 of 20 points must pass (18 do)"
    )


def test_one_passing_point_reads_as_one() -> None:
    """A new office's first round: "(1 do)" read as broken English on the Indicators page
    and in `score`."""
    assert next_level_needs(_indicator(1, 0, 0), "en")[0] == (
        "Level 1: 16 of 27 points must pass (1 does) — 15 more of those below"
    )
