"""Issue 7: hypothesis throws junk at the parsers and the importer; only clean errors come out."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.calendar import parse_date, parse_fiscal_year, parse_time
from core.db import open_memory
from core.errors import InvalidInput
from inspection.csv_io import ROUND_COLUMNS, import_rounds
from inspection.standard import check_score

JUNK = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(JUNK)
def test_date_parser_gives_a_date_or_a_clean_error(text: str) -> None:
    try:
        parse_date(text)
    except InvalidInput as exc:
        assert exc.th and exc.en


@given(JUNK)
def test_time_and_year_parsers_give_clean_errors(text: str) -> None:
    for parse in (parse_time, parse_fiscal_year):
        try:
            parse(text)
        except InvalidInput as exc:
            assert exc.th and exc.en


@given(st.one_of(JUNK, st.integers(), st.floats(allow_nan=True)))
def test_score_entry_takes_only_0_to_4(value) -> None:
    try:
        score = check_score(value)
    except InvalidInput:
        return
    assert score in range(5)


CELL = st.one_of(
    st.sampled_from(["4", "0", "5", "-1", "F1-01", "F9-99", "31/02/2564", "2021-08-15", "25:00"]),
    JUNK,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=0, max_size=26), min_size=1, max_size=4))
def test_round_import_of_junk_writes_nothing_or_everything(tmp_path: Path, rows) -> None:
    db = open_memory()
    path = tmp_path / "junk.csv"
    lines = [",".join(ROUND_COLUMNS)] + [",".join(c.replace(",", ";") for c in r) for r in rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    before = db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0]
    try:
        result = import_rounds(db, path)
    except InvalidInput as exc:
        assert exc.th and exc.en
        assert db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0] == before
        return
    assert db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0] == before + result.added


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=0, max_size=11), min_size=1, max_size=4))
def test_guard_import_of_junk_gives_a_clean_error_and_writes_nothing(tmp_path: Path, rows):
    from security.csv_io import GUARD_COLUMNS, import_guard

    db = open_memory()
    path = tmp_path / "guard.csv"
    lines = [",".join(GUARD_COLUMNS)] + [",".join(c.replace(",", ";") for c in r) for r in rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        import_guard(db, path)
    except InvalidInput as exc:
        assert exc.th and exc.en
        assert db.execute("SELECT COUNT(*) FROM guard_reports").fetchone()[0] == 0


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=0, max_size=5), min_size=1, max_size=4))
def test_survey_import_of_junk_gives_a_clean_error_and_writes_nothing(tmp_path: Path, rows):
    from inspection.survey import import_survey

    db = open_memory()
    path = tmp_path / "survey.csv"
    lines = ["date,point,group,rating"] + [",".join(c.replace(",", ";") for c in r) for r in rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        import_survey(db, path)
    except InvalidInput as exc:
        assert exc.th and exc.en
        assert db.execute("SELECT COUNT(*) FROM survey_responses").fetchone()[0] == 0
