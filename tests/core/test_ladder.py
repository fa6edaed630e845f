"""The shared ladder shape: plan "เกณฑ์การให้คะแนน" of ตัวชี้วัดที่ 1 and ตัวชี้วัดที่ 2."""

import pytest

from core.ladder import LEVEL_SCORES, score_for


@pytest.mark.parametrize(
    ("level", "result_pct", "score"),
    [(5, 100, 15.0), (4, 90, 13.5), (3, 80, 12.0), (2, 70, 10.5), (1, 60, 9.0)],
)
def test_each_level_has_the_result_and_score_of_the_plan_table(level, result_pct, score) -> None:
    """เกณฑ์การให้คะแนน ตัวชี้วัดที่ 2 (and ตัวชี้วัดที่ 1): ร้อยละ 100/90/80/70/60, 15/13.5/12/10.5/9."""
    assert LEVEL_SCORES[level] == (result_pct, score)
    assert score_for(level) == score


def test_level_0_below_the_table_scores_nothing() -> None:
    """DOMAIN.md section 6 Interpretation: level 0 scores 0."""
    assert score_for(0) == 0


def test_scores_never_rise_as_the_level_falls() -> None:
    scores = [score_for(level) for level in range(5, -1, -1)]
    assert scores == sorted(scores, reverse=True)
    assert max(scores) == 15  # the indicator's weight
