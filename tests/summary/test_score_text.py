"""`score` prints what the next level needs as the Indicators page does (issue 5)."""

from datetime import datetime

from inspection.points import list_points
from inspection.rounds import record_round
from inspection.survey import record_response
from summary.score import annual_score, score_text


def test_the_summary_names_the_ladder_that_holds_the_level_back(db) -> None:
    for point in list_points(db)[:2]:
        record_round(db, point, datetime(2021, 6, 1, 9), "a", [4] * 20)
    for n in range(10):
        record_response(db, "2021-07-01", None, "public", [5] if n < 9 else [1])
    text = score_text(annual_score(db, 2564), "en")
    assert "  - Level 1: 16 of 27 points must pass (2 do) — 14 more of those below" in text
    assert "every respondent" not in text  # 90 % is past level 1: the survey is not named
    assert "  - F1-03: no final round this year" in text


def test_the_years_offered_run_from_the_first_to_the_last_with_data_without_a_scan(db) -> None:
    from summary.score import scored_years

    assert scored_years(db) == []
    record_round(db, list_points(db)[0], datetime(2019, 5, 1, 9), "a", [4] * 20)  # FY 2562
    record_response(db, "2021-07-01", None, "public", [5])  # FY 2564
    assert scored_years(db) == [2562, 2563, 2564]
    captured = []
    execute = db.execute
    db.execute = lambda sql, params=None: captured.append(sql) or execute(sql, params)
    try:
        scored_years(db)
    finally:
        db.execute = execute
    plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + captured[0]).fetchall()]
    assert not any(d.startswith("SCAN") and ("rounds" in d or "survey" in d or "guard" in d)
                   for d in plan), plan  # fmt: skip
