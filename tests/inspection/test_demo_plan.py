"""`demo --fy 2564` also fills the plan's done steps and a survey linked to its forms."""

from datetime import datetime

import core.calendar
from core.plan import plan_for_year, plan_progress
from inspection.demo import fill_demo_plan, fill_demo_survey


def test_demo_marks_the_steps_whose_months_are_over_once(db, monkeypatch) -> None:
    """Plan, project 2: by 20 August steps 1-7 (to June) and 9 (July) are over, 8 is not."""
    monkeypatch.setattr(core.calendar, "clock", lambda: datetime(2021, 8, 20, 10, 0))
    assert fill_demo_plan(db, 2564) == 3 + 8  # project 1: steps 4 (to September) and 5 wait
    project2 = [s for s in plan_for_year(db, 2564) if s.project == 2]
    assert [s.step_no for s in project2 if s.done_date is None] == [8, 10]
    assert plan_progress(project2) == 55
    assert all(s.evidence for s in project2 if s.done_date is not None)
    assert fill_demo_plan(db, 2564) == 0


def test_demo_survey_answers_carry_the_form_they_were_given_with(db) -> None:
    assert fill_demo_survey(db, 2564) > 0
    rows = db.execute("SELECT ratings, form FROM survey_responses").fetchall()
    assert {form for ratings, form in rows if ";" not in ratings} == {"overall"}
    assert {form for ratings, form in rows if ";" in ratings} == {"detailed"}
