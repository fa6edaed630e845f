"""score --json (DOMAIN.md section 8): exactly the one object, the same as the UI reads."""

import json
from datetime import datetime

from cli import run
from core.db import open_db
from inspection.points import list_points
from inspection.rounds import record_round
from inspection.survey import record_response
from summary.score import annual_score


def test_score_json_is_exactly_the_documented_object(db_path, capsys) -> None:
    db = open_db(db_path)
    for i, p in enumerate(list_points(db)):
        record_round(db, p, datetime(2021, 8, 2, 9), "a", [4] * 20 if i < 25 else [3] * 20)
    for n in range(120):
        record_response(db, "2021-07-01", None, "public", [5] if n < 114 else [2])
    db.close()
    assert run(["--db", str(db_path), "score", "--fy", "2564", "--json"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert json.loads(out) == {
        "fiscal_year": 2564,
        "restrooms": {"points_total": 27, "points_passing": 25, "points_pct": 92.59,
                      "satisfaction_pct": 95.0, "respondents": 120, "level": 4, "score": 13.5},
        "incidents": {"counted": 0, "pending": 0, "level": 5, "score": 15.0},
    }  # fmt: skip


def test_no_survey_answer_means_null_satisfaction_and_level_0(db, db_path, capsys) -> None:
    assert run(["--db", str(db_path), "score", "--fy", "2564", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["restrooms"]["satisfaction_pct"] is None
    assert data["restrooms"]["respondents"] == 0 and data["restrooms"]["level"] == 0


def test_the_readable_summary_is_thai_and_matches_the_function(db_path, capsys) -> None:
    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    capsys.readouterr()
    assert run(["--db", str(db_path), "score", "--fy", "2564"]) == 0
    text = capsys.readouterr().out
    score = annual_score(open_db(db_path), 2564)
    assert f"ระดับ {score.restrooms.level}" in text and "ตัวชี้วัดเหตุร้าย" in text
    # Plan 2564: ชื่อตัวชี้วัดที่ 1 is the guards' (incidents), ตัวชี้วัดที่ 2 the restrooms'.
    assert text.index("ตัวชี้วัดเหตุร้าย") < text.index("ตัวชี้วัดห้องน้ำสาธารณะ")
    assert text.index("Guard incident indicator") < text.index("Restroom indicator")


def test_score_json_on_26_active_points_rounds_only_for_display(db_path, tmp_path, capsys) -> None:
    """Points scaled to 26 active (F5-05 closed before the year); 24 pass; 274 of 300 satisfied.

    Ladder for 26: 26/25/22/19/16, so 24 is level 3; 91.33 % is level 4; the lower is 3.
    """
    from core.users import act_as
    from inspection.points import set_point_active
    from tests.actors import HEAD

    db = open_db(db_path)
    act_as(db, HEAD)
    set_point_active(db, "F5-05", False, "2020-09-30")
    for i, p in enumerate(list_points(db)):
        record_round(db, p, datetime(2021, 8, 2, 9), "a", [4] * 20 if i < 24 else [4] * 19 + [1])
    db.close()
    survey = tmp_path / "survey.csv"
    rows = ["2021-07-01,,public,5"] * 274 + ["2021-07-02,F1-01,official,4;3;3"] * 26
    survey.write_text("\n".join(["date,point,group,rating", *rows]) + "\n", encoding="utf-8")
    assert run(["--db", str(db_path), "import-survey", str(survey)]) == 0
    capsys.readouterr()
    assert run(["--db", str(db_path), "score", "--fy", "2564", "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == {
        "fiscal_year": 2564,
        "restrooms": {"points_total": 26, "points_passing": 24, "points_pct": 92.31,
                      "satisfaction_pct": 91.33, "respondents": 300, "level": 3, "score": 12.0},
        "incidents": {"counted": 0, "pending": 0, "level": 5, "score": 15.0},
    }  # fmt: skip
    assert list(json.loads(out)) == ["fiscal_year", "restrooms", "incidents"]
    assert list(json.loads(out)["restrooms"]) == [
        "points_total", "points_passing", "points_pct", "satisfaction_pct", "respondents",
        "level", "score",
    ]  # fmt: skip


def test_the_readable_summary_is_thai_then_english_and_counts_read_in_english(
    db, db_path, capsys
) -> None:
    """New-user finding 11: `score` printed Thai only; the command line said "imported 1
    rounds". Thai, then the same in English; one thing is one thing."""
    survey = db_path.parent / "one.csv"
    survey.write_text("date,point,group,rating\n2021-08-16,,official,5\n", encoding="utf-8")
    assert run(["--db", str(db_path), "import-survey", str(survey)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "imported 1 survey answer, skipped 0 already present"
    )
    assert run(["--db", str(db_path), "score", "--fy", "2564"]) == 0
    th, en = capsys.readouterr().out.split("\n\n")
    assert th.startswith("ปีงบประมาณ 2564\n") and "จากผู้ตอบ 1 คน" in th
    assert en.startswith("Fiscal year") and "of 1 respondent\n" in en
