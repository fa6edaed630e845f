"""`score` prints what the next level needs as the Indicators page does (issue 5)."""

from datetime import datetime

from inspection.points import list_points
from inspection.rounds import record_round
from inspection.survey import record_response
from reports.annual import annual_score, score_text


def test_the_summary_names_the_ladder_that_holds_the_level_back(db) -> None:
    for point in list_points(db)[:2]:
        record_round(db, point, datetime(2021, 6, 1, 9), "a", [4] * 20)
    for n in range(10):
        record_response(db, "2021-07-01", None, "public", [5] if n < 9 else [1])
    text = score_text(annual_score(db, 2564), "en")
    assert "  - Level 1: 16 of 27 points must pass (2 do) — 14 more of those below" in text
    assert "every respondent" not in text  # 90 % is past level 1: the survey is not named
    assert "  - F1-03: no final round this year" in text
