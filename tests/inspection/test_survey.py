"""The satisfaction survey (DOMAIN.md section 5) and import-survey (section 8)."""

from pathlib import Path

import pytest

from cli import run
from core.errors import InvalidInput
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
