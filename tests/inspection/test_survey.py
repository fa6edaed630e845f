"""The satisfaction survey (DOMAIN.md section 5) and import-survey (section 8)."""

from pathlib import Path

import pytest

from cli import run
from core.errors import InvalidInput, SalaError
from inspection.survey import import_survey, is_satisfied, satisfaction


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


def test_a_missing_column_or_a_file_that_is_not_csv_writes_nothing(db, tmp_path) -> None:
    path = tmp_path / "no_group.csv"
    path.write_text("date,point,rating\n15/08/2564,F1-01,5\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        import_survey(db, path)
    assert err.value.field == "group"
    binary = tmp_path / "scan.csv"
    binary.write_bytes(b"%PDF-1.4\n\xff\xfe\x00\x00binary")
    with pytest.raises(InvalidInput) as err:
        import_survey(db, binary)
    assert err.value.th and err.value.en
    assert satisfaction(db, 2564).respondents == 0
    assert db.execute("SELECT COUNT(*) FROM survey_imports").fetchone()[0] == 0


def test_a_bad_row_is_named_in_thai_and_english(db, tmp_path) -> None:
    path = _csv(tmp_path, "15/08/2564,F1-01,public,5", "15/08/2564,F1-01,public,0")
    with pytest.raises(InvalidInput) as err:
        import_survey(db, path)
    text = err.value.bilingual()
    assert "3" in text and "rating" in text and "คะแนน" in text


def test_import_survey_cli_exits_2_on_a_bad_file_and_writes_nothing(db_path, tmp_path, capsys):
    path = _csv(tmp_path, "15/08/2564,F1-01,public,5", "15/08/2564,F1-01,nobody,5")
    assert run(["--db", str(db_path), "import-survey", str(path)]) == 2
    assert "group" in capsys.readouterr().err
    assert run(["--db", str(db_path), "score", "--fy", "2564", "--json"]) == 0
    assert '"respondents": 0' in capsys.readouterr().out


def test_a_file_with_one_more_answer_is_a_new_file_and_is_imported(db, tmp_path) -> None:
    """Recognition is by content (SHA-256), not by name: a corrected sheet is new data."""
    import_survey(db, _csv(tmp_path, "15/08/2564,F1-01,public,5"))
    again = import_survey(db, _csv(tmp_path, "15/08/2564,F1-01,public,5", "16/08/2564,,public,2"))
    assert not again.already_imported and again.added == 2
    assert satisfaction(db, 2564).respondents == 3


@pytest.mark.parametrize(
    ("ratings", "satisfied"),
    [([5], True), ([4], True), ([3], False), ([1], False),
     ([4, 3], True), ([5, 2, 4, 3], True), ([4, 3, 3], False), ([3, 3, 3, 3, 5], False),
     ([4, 4, 3, 3, 4], True)],
)  # fmt: skip
def test_satisfied_is_4_or_5_on_one_question_and_a_mean_of_3_50_on_several(ratings, satisfied):
    """DOMAIN.md section 5 Interpretation of ระดับมากถึงมากที่สุด."""
    assert is_satisfied(ratings) is satisfied


def test_record_response_validates_and_writes_nothing_when_refused(db) -> None:
    from inspection.survey import record_response

    for args, field in [
        (("2021-08-15", "F1-01", "visitor", [5]), "group"),
        (("2021-08-15", "F1-01", "public", [0]), "rating"),
        (("2021-08-15", "F1-01", "public", [6]), "rating"),
        (("2021-08-15", "F1-01", "public", "x"), "rating"),
        (("2021-08-15", "F1-01", "public", []), "rating"),
        (("31/02/2564", "F1-01", "public", [5]), "date"),
        (("2021-10-15", "F1-01", "public", [5]), "date"),  # after the pinned today
    ]:
        with pytest.raises(InvalidInput) as err:
            record_response(db, *args)
        assert err.value.field == field, args
    with pytest.raises(SalaError):
        record_response(db, "2021-08-15", "F9-99", "public", [5])
    assert satisfaction(db, 2564).respondents == 0
    record_response(db, "15/08/2564", None, "Official", "4;5;3")
    row = db.execute("SELECT point_id, grp, ratings, satisfied FROM survey_responses").fetchone()
    assert row == (None, "official", "4;5;3", 1)


def test_an_answer_on_1_october_counts_in_the_next_fiscal_year(db) -> None:
    """DOMAIN.md section 1: 30 September 2563 B.E. ends FY 2563."""
    from inspection.survey import record_response

    record_response(db, "2020-09-30", None, "public", [5])
    record_response(db, "2020-10-01", None, "public", [5])
    assert satisfaction(db, 2563).respondents == 1
    assert satisfaction(db, 2564).respondents == 1


def test_the_tally_by_group_adds_up_to_the_whole(db, tmp_path) -> None:
    answers = [(3, "official", 5), (4, "official", 2), (5, "employee", "4;4;4"), (6, "public", 3)]
    rows = [f"2021-0{m}-10,F1-01,{g},{r}" for m, g, r in answers]
    import_survey(db, _csv(tmp_path, *rows))
    sat = satisfaction(db, 2564)
    assert {g: (t.respondents, t.satisfied) for g, t in sat.by_group.items()} == {
        "official": (2, 1), "employee": (1, 1), "public": (1, 0),
    }  # fmt: skip
    assert sat.pct == 50.0 and sat.by_group["official"].pct == 50.0


def test_the_demo_survey_is_deterministic_sized_and_about_94_percent_satisfied(tmp_path) -> None:
    from core.db import open_db
    from core.users import act_as, os_actor
    from inspection.demo import fill_demo_survey

    results = []
    for name in ("a.db", "b.db"):
        db = open_db(tmp_path / name)
        act_as(db, os_actor("demo"))
        count = fill_demo_survey(db, 2564)
        assert fill_demo_survey(db, 2564) == 0  # once per year
        rows = db.execute("SELECT answered_on, grp, ratings FROM survey_responses ORDER BY id")
        results.append(rows.fetchall())
        sat = satisfaction(db, 2564)
        assert 120 <= count == sat.respondents <= 400
        assert 92 <= sat.pct <= 96
        multi = sum(";" in r[2] for r in results[-1])
        assert 0.3 < multi / count < 0.7
        db.close()
    assert results[0] == results[1]


def test_ratings_written_in_thai_digits_are_read_as_the_digits(db, tmp_path) -> None:
    """A row rated ๕ was refused: 'rating «๕» must be 1-5', which a Thai reader finds
    false; a round's scores and every date already read Thai digits."""
    path = _csv(tmp_path, "๑๕/๐๘/๒๕๖๔,F1-01,public,๕", "2021-08-16,,official,๔;๓;๒")
    assert import_survey(db, path).added == 2
    stored = [r[0] for r in db.execute("SELECT ratings FROM survey_responses ORDER BY id")]
    assert stored == ["5", "4;3;2"]
    assert (satisfaction(db, 2564).respondents, satisfaction(db, 2564).satisfied) == (2, 1)
    bad = _csv(tmp_path, "2021-08-16,,official,๖", name="six.csv")
    with pytest.raises(InvalidInput) as err:
        import_survey(db, bad)
    assert err.value.en == "rating «๖» must be 1-5 (several separated by ;)"
