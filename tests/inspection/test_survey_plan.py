"""Survey import (DOMAIN.md section 8) and plan progress (sections 4 and 7)."""

from pathlib import Path

import pytest

from cli import run
from core.errors import InvalidInput
from core.plan import mark_step_done, plan_for_year, plan_progress
from inspection.survey import import_survey, satisfaction


def _csv(tmp_path: Path, *rows: str, name="survey.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(["date,point,group,rating", *rows]) + "\n", encoding="utf-8-sig")
    return path


def test_identical_rows_are_two_respondents_and_a_reimport_is_skipped(db, tmp_path) -> None:
    path = _csv(tmp_path, "15/08/2564,F1-01,public,5", "15/08/2564,F1-01,public,5",
                "2021-08-16,,official,4;3;3", "2021-08-16,F2-02,employee,4;4;3")  # fmt: skip
    assert import_survey(db, path).added == 4
    again = import_survey(db, path)
    assert again.already_imported and again.added == 0
    sat = satisfaction(db, 2564)
    assert (sat.respondents, sat.satisfied) == (4, 3)
    assert sat.by_group["public"].respondents == 2


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("15/08/2564,F1-01,visitor,5", "group"),
        ("15/08/2564,F1-01,public,6", "rating"),
        ("15/08/2564,F1-01,public,4;0", "rating"),
        ("15/08/2564,F1-01,public,x", "rating"),
        ("31/02/2564,F1-01,public,5", "date"),
        ("15/08/2564,F8-01,public,5", "point"),
    ],
)
def test_a_bad_survey_row_writes_nothing(db, tmp_path, row, field) -> None:
    path = _csv(tmp_path, "15/08/2564,F1-01,public,5", row)
    with pytest.raises(InvalidInput) as err:
        import_survey(db, path)
    assert err.value.row == 3 and err.value.field == field
    assert satisfaction(db, 2564).respondents == 0


def test_import_survey_cli_skips_a_file_seen_before_with_exit_0(db_path, tmp_path, capsys):
    path = _csv(tmp_path, "15/08/2564,F1-01,public,5")
    assert run(["--db", str(db_path), "import-survey", str(path)]) == 0
    assert run(["--db", str(db_path), "import-survey", str(path)]) == 0
    assert "imported before" in capsys.readouterr().out


def test_plan_progress_follows_the_cumulative_column_never_above_100(db) -> None:
    """Plan, project 2 step table: weights add to 110 (step 7 repeats step 6), cumulative 100."""
    steps = [s for s in plan_for_year(db, 2564) if s.project == 2]
    assert sum(s.weight for s in steps) == 110
    assert plan_progress(steps) == 0
    for s in steps[:6]:
        mark_step_done(db, s.uuid, "2021-06-30", "บันทึกผลการตรวจ")
    steps = [s for s in plan_for_year(db, 2564) if s.project == 2]
    assert plan_progress(steps) == 55
    mark_step_done(db, steps[8].uuid, "2021-07-31", "แบบสอบถาม 240 ชุด")  # step 9 before 7-8
    assert plan_progress([s for s in plan_for_year(db, 2564) if s.project == 2]) == 55
    for s in steps:
        mark_step_done(db, s.uuid, "2021-09-30", "")
    assert plan_progress([s for s in plan_for_year(db, 2564) if s.project == 2]) == 100


def test_guard_project_steps_come_from_the_plan(db) -> None:
    """Plan, project 1: 5/20/30/90/100 cumulative; step 4 runs October to September."""
    steps = [s for s in plan_for_year(db, 2564) if s.project == 1]
    assert [s.cumulative for s in steps] == [5, 20, 30, 90, 100]
    assert len(steps[3].months) == 12


def test_a_new_fiscal_year_starts_from_the_previous_plan(db) -> None:
    mark_step_done(db, plan_for_year(db, 2564)[0].uuid, "2020-10-15", "คำสั่งแต่งตั้ง")
    new = plan_for_year(db, 2565)
    assert len(new) == 15 and all(s.done_date is None for s in new)
    assert {s.fiscal_year for s in new} == {2565}
