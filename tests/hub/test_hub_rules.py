"""The same rules at the hub as on a laptop (issue 18 point 3): the later change of an
editable record wins with the loser kept in history, in whichever order files come; and
the one layer where SQL differs (hub.dialect), tested on both engines."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from cli import run
from core.db import open_db
from core.migrations import seed_uuid
from core.plan import mark_step_done
from core.users import act_as
from hub.dialect import TEXT, PgDatabase, insert_ignore, to_pg
from tests.actors import HEAD
from tests.hub.hub_helpers import export, laptop

STEP = seed_uuid("plan_step", 2564, 2, 1)


def _edited_pair(tmp_path):
    """Two computers of office D04, each marking one plan step done its own way; B later."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a_path, b_path = (
        laptop(tmp_path / "a", "D04", demo=False),
        laptop(tmp_path / "b", "D04", demo=False),
    )
    # B's edit is stamped after A's by the clock (the stamp is in the step's digest: set by
    # hand, it would be an edit outside the app, which the hub refuses as a laptop does).
    for path, day, note in ((a_path, "2020-10-10", "ฉบับเครื่อง A"),
                            (b_path, "2020-10-12", "ฉบับเครื่อง B")):  # fmt: skip
        db = open_db(path)
        act_as(db, HEAD)  # marking a step done is the section head's (plan.edit)
        mark_step_done(db, STEP, day, note)
        db.close()
    return export(a_path, tmp_path / "a.srsync"), export(b_path, tmp_path / "b.srsync")


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_the_later_edit_wins_at_the_hub_and_the_other_is_kept(pg_url, tmp_path, order) -> None:
    fa, fb = _edited_pair(tmp_path)
    assert run(["hub", "init", "--pg", pg_url]) == 0
    for f in (fa, fb):
        assert run(["hub", "trust", "--pg", pg_url, str(f)]) == 0
    files = [fa, fb] if order == "ab" else [fb, fa]
    assert run(["hub", "receive", "--pg", pg_url, *map(str, files)]) == 0
    with psycopg.connect(pg_url) as conn:
        evidence, done = conn.execute(
            "SELECT evidence, done_date FROM office_d04.plan_steps WHERE uuid = %s", [STEP]
        ).fetchone()
        history = conn.execute("SELECT kept, lost FROM office_d04.sync_history").fetchall()
    assert (evidence, done) == ("ฉบับเครื่อง B", "2020-10-12")
    assert len(history) == 1 and "เครื่อง B" in history[0][0] and "เครื่อง A" in history[0][1]


# --- hub.dialect on both engines ---------------------------------------------------------


def test_placeholders_become_psycopg_s_and_literal_percent_signs_are_kept() -> None:
    assert to_pg("SELECT a FROM t WHERE b = ? AND c LIKE 'x%?'") == (
        "SELECT a FROM t WHERE b = %s AND c LIKE 'x%%?'"
    )
    assert to_pg('SELECT "a?b" FROM t WHERE x % 2 = ?') == 'SELECT "a?b" FROM t WHERE x %% 2 = %s'


WORDS = ["F1-01", "f1-01", "F1_01", "F10-01", "2021-08-01T09:00", "2021-08-01 09:00",
         "2021-08-01T09:00:00+00:00", "ab", "aB", "a-b", "a b", "ห้องน้ำ",
         "ห้อง", "Z", ""]  # fmt: skip


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request):
    """The same small table on either engine, read through the domain's `execute`."""
    if request.param == "sqlite":
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, x REAL)")
        yield "sqlite", conn
        conn.close()
        return
    conn = psycopg.connect(request.getfixturevalue("pg_url"), autocommit=True)
    conn.execute("CREATE SCHEMA s")
    conn.execute(f"CREATE TABLE s.t (k {TEXT} PRIMARY KEY, n integer, x double precision)")
    yield "postgres", PgDatabase(conn, "s")
    conn.close()


def test_text_sorts_and_compares_byte_by_byte_on_both_engines(engine) -> None:
    name, db = engine
    for w in WORDS:
        db.execute("INSERT INTO t(k, n, x) VALUES (?, ?, ?)", [w, len(w), len(w) / 2])
    assert [r[0] for r in db.execute("SELECT k FROM t ORDER BY k").fetchall()] == sorted(WORDS)
    # Row values compare as ISO stamps and UUIDs are compared by deciding_rounds.
    later = db.execute("SELECT COUNT(*) FROM t WHERE (k, n) > (?, ?)", ["F1-01", 0]).fetchone()[0]
    assert later == sum(1 for w in WORDS if w > "F1-01") + 1


def test_numbers_read_back_as_python_ints_and_floats_on_both_engines(engine) -> None:
    _, db = engine
    db.execute("INSERT INTO t(k, n, x) VALUES (?, ?, ?)", ["a", 3, 1.5])
    db.execute("INSERT INTO t(k, n, x) VALUES (?, ?, ?)", ["b", 4, 2.25])
    total, count, real = db.execute("SELECT SUM(n), COUNT(*), SUM(x) FROM t").fetchone()
    assert (total, count, real) == (7, 2, 3.75)
    assert type(total) is int and type(count) is int and type(real) is float


def test_insert_ignore_keeps_the_first_row_on_both_engines(engine) -> None:
    name, db = engine
    sql = insert_ignore(name, "t", ("k", "n", "x"))
    db.execute(sql, ["a", 1, 0.0])
    db.execute(sql, ["a", 2, 0.0])
    assert db.execute("SELECT n FROM t").fetchall() == [(1,)]
