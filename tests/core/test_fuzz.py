"""Issue 7: hypothesis throws junk at the parsers and the importer; only clean errors come out."""

import hashlib
import sqlite3
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from core.calendar import parse_date, parse_fiscal_year, parse_time
from core.db import open_memory
from core.errors import InvalidInput
from core.users import act_as
from inspection.csv_io import ROUND_COLUMNS, import_rounds
from inspection.standard import check_score
from tests.actors import ADMIN

JUNK = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@cache
def _migrated() -> Database:
    return open_memory()


def open_memory_copy() -> Database:
    """What open_memory() gives, copied from one made for the whole module: migrating and
    seeding afresh for each of the hundreds of examples took most of their time (issue 19)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    _migrated().conn.backup(conn)
    db = Database(conn, execute_plugins=False)
    db.execute("PRAGMA foreign_keys = ON")
    return db


def test_a_copy_is_the_migrated_database() -> None:
    """Row for row the database it copies, with the schema, the row counts and the foreign
    keys of one migrated now (whose stamps of the present moment differ)."""
    copy, fresh = open_memory_copy(), open_memory()
    assert list(copy.conn.iterdump()) == list(_migrated().conn.iterdump())
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
    assert copy.execute(schema).fetchall() == fresh.execute(schema).fetchall()
    for (table,) in fresh.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        count = f'SELECT COUNT(*) FROM "{table}"'
        assert copy.execute(count).fetchone() == fresh.execute(count).fetchone(), table
    keys = "PRAGMA foreign_keys"
    assert copy.execute(keys).fetchone() == fresh.execute(keys).fetchone() == (1,)


def _content(db) -> str:
    """Every row of every table, audit trail included: 'nothing written' means this is equal."""
    return hashlib.sha256("\n".join(db.conn.iterdump()).encode("utf-8")).hexdigest()


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
    st.sampled_from(
        ["4", "0", "5", "-1", "²", "๓", "F1-01", "F9-99", "31/02/2564", "2021-08-15", "25:00"]
    ),
    JUNK,
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=0, max_size=26), min_size=1, max_size=4))
def test_round_import_of_junk_writes_nothing_or_everything(tmp_path: Path, rows) -> None:
    db = open_memory_copy()
    path = tmp_path / "junk.csv"
    lines = [",".join(ROUND_COLUMNS)] + [",".join(c.replace(",", ";") for c in r) for r in rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    before = db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0]
    content = _content(db)
    try:
        result = import_rounds(db, path)
    except InvalidInput as exc:
        assert exc.th and exc.en
        assert _content(db) == content
        return
    assert db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0] == before + result.added


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=0, max_size=11), min_size=1, max_size=4))
def test_guard_import_of_junk_gives_a_clean_error_and_writes_nothing(tmp_path: Path, rows):
    from security.csv_io import GUARD_COLUMNS, import_guard

    db = open_memory_copy()
    path = tmp_path / "guard.csv"
    lines = [",".join(GUARD_COLUMNS)] + [",".join(c.replace(",", ";") for c in r) for r in rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    content = _content(db)
    try:
        import_guard(db, path)
    except InvalidInput as exc:
        assert exc.th and exc.en
        assert _content(db) == content


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL, min_size=0, max_size=5), min_size=1, max_size=4))
def test_survey_import_of_junk_gives_a_clean_error_and_writes_nothing(tmp_path: Path, rows):
    from inspection.survey import import_survey

    db = open_memory_copy()
    path = tmp_path / "survey.csv"
    lines = ["date,point,group,rating"] + [",".join(c.replace(",", ";") for c in r) for r in rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    content = _content(db)
    try:
        import_survey(db, path)
    except InvalidInput as exc:
        assert exc.th and exc.en
        assert _content(db) == content


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(CELL | st.sampled_from(["1", "2", "H", "a", "s", "X"]), max_size=5),
                min_size=0, max_size=4))  # fmt: skip
def test_standard_import_of_junk_gives_a_clean_error_and_writes_nothing(tmp_path: Path, rows):
    from inspection.standard import STANDARD_COLUMNS, create_standard_version

    db = open_memory_copy()
    act_as(db, ADMIN)  # a new standard version is an administrator's task
    path = tmp_path / "standard.csv"
    lines = [",".join(STANDARD_COLUMNS)] + [",".join(c.replace(",", ";") for c in r) for r in rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    content = _content(db)
    try:
        create_standard_version(db, path)
    except InvalidInput as exc:
        assert exc.th and exc.en
        assert _content(db) == content


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.integers(-3, 30),  # the item is a checklist row number, never typed text
    st.one_of(JUNK, st.integers(), st.floats(allow_nan=True), st.none()),
)
def test_score_entry_on_a_draft_takes_junk_cleanly_and_writes_nothing(item, value) -> None:
    from inspection import rounds as R

    db = open_memory_copy()
    draft = R.start_draft(db, "F1-01", "สมชาย")
    content = _content(db)
    try:
        after = R.set_score(db, draft.uuid, item, value)
    except InvalidInput as exc:
        assert exc.th and exc.en
        assert _content(db) == content
        return
    assert after.scores[item - 1] == (None if value is None else int(value))


@given(JUNK)
def test_survey_parsers_give_clean_errors(text: str) -> None:
    from inspection.survey import check_group, parse_ratings

    for parse in (parse_ratings, check_group):
        try:
            parse(text)
        except InvalidInput as exc:
            assert exc.th and exc.en


def test_digits_that_int_cannot_read_are_a_clean_error_not_a_traceback(tmp_path: Path) -> None:
    """'²' passes str.isdigit() but int('²') fails: hypothesis found it in score entry."""
    from core.settings import set_setting
    from core.users import idle_lock_minutes
    from inspection.standard import STANDARD_COLUMNS, create_standard_version
    from security.reports import check_headcount

    for parse in (check_score, lambda v: check_headcount(v, "present")):
        try:
            parse("²")
        except InvalidInput as exc:
            assert exc.th and exc.en
        else:
            raise AssertionError("'²' was taken as a number")
    assert check_score("๓") == 3  # Thai digits typed on a Thai keyboard are numbers
    db = open_memory_copy()
    act_as(db, ADMIN)
    path = tmp_path / "standard.csv"
    path.write_text(",".join(STANDARD_COLUMNS) + "\n²,H,ก,a\n", encoding="utf-8")
    try:
        create_standard_version(db, path)
    except InvalidInput as exc:
        assert exc.th and exc.en
    set_setting(db, "idle_lock_minutes", "²")
    assert idle_lock_minutes(db) == 10
