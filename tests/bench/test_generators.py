"""The benchmark's data generators keep working (tiny sizes; nothing here is timed)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bench.generate import city, decade, decade_years, office_year, rounds_csv
from core.db import open_db
from core.integrity import check
from inspection.csv_io import import_rounds
from summary.score import annual_score

ROUND_CONTENT = "SELECT uuid, point_id, inspected_at, inspector, scores, total, passed FROM rounds"


def _content(db) -> list[tuple]:
    return db.execute(ROUND_CONTENT + " ORDER BY uuid").fetchall()


def test_office_year_follows_the_schedule_with_guards_and_survey(db) -> None:
    counts = office_year(db, 2564, respondents=40)
    points = db.execute("SELECT COUNT(*) FROM points WHERE active = 1").fetchone()[0]
    # A daily check on each working day, plus at least the monthly routine round.
    assert counts.rounds > points * (250 + 12)
    assert counts.reports == 2 * 365 and counts.responses == 40
    assert db.execute("SELECT COUNT(DISTINCT point_id) FROM rounds").fetchone()[0] == points
    score = annual_score(db, 2564)
    assert score.restrooms.points_total == points and score.restrooms.respondents == 40
    assert check(db).ok  # the bulk audit rows hold, as after an import


def test_decade_is_deterministic_and_counts_what_it_writes(tmp_path: Path) -> None:
    years = decade_years(2564, years=2)
    assert years == [2563, 2564]
    first, second = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    try:
        a = decade(first, years, per_day=1, respondents=10, seed=7)
        b = decade(second, years, per_day=1, respondents=10, seed=7)
        assert a == b
        assert a.rounds == 27 * (365 + 366) and a.item_scores == a.rounds * 20
        assert _content(first) == _content(second)
        assert check(first).ok
    finally:
        first.close()
        second.close()


def test_city_puts_every_building_in_one_database(db) -> None:
    counts = city(db, 2564, buildings=2, respondents=5)
    assert db.execute("SELECT COUNT(*) FROM points").fetchone()[0] == 54
    assert db.execute("SELECT code FROM points WHERE code LIKE 'B02-%' LIMIT 1").fetchone()
    assert counts.responses == 10
    assert annual_score(db, 2564).restrooms.points_total == 54


def test_the_import_file_of_the_benchmark_imports(db, tmp_path: Path) -> None:
    path = tmp_path / "rounds.csv"
    rounds_csv(path, 30, date(2021, 9, 1), ["F1-01", "F2-01"])
    assert import_rounds(db, path).added == 30
