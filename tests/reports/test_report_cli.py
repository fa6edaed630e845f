"""Issue 6 CLI: `report KIND ...` through the catalogue, `export indicators`; exit codes 0 and 2."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

import core.calendar
from cli import run

PINNED_NOW = datetime(2021, 9, 30, 18, 0)  # as tests/conftest.py pins it


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Iterator[Path]:
    saved = core.calendar.clock
    core.calendar.clock = lambda: PINNED_NOW
    path = tmp_path_factory.mktemp("cli") / "demo.db"
    try:
        assert run(["--db", str(path), "demo", "--fy", "2564"]) == 0
        yield path
    finally:
        core.calendar.clock = saved


def _ids(db: Path) -> tuple[str, str]:
    from sqlite_utils import Database

    d = Database(db)
    rnd = d.execute("SELECT uuid FROM rounds WHERE status = 'final' LIMIT 1").fetchone()[0]
    event = d.execute("SELECT uuid FROM guard_events LIMIT 1").fetchone()[0]
    d.close()
    return rnd, event


@pytest.mark.parametrize(
    "args",
    [
        ["floor", "--fy", "2564", "--floor", "2"],
        ["blank", "--point", "F5-05"],
        ["guard-month", "--month", "01/2564"],
        ["round", "--id", "ROUND"],
        ["incident", "--id", "EVENT"],
    ],
)
def test_each_report_is_written_through_the_catalogue(demo_db, tmp_path, args) -> None:
    rnd, event = _ids(demo_db)
    args = [{"ROUND": rnd, "EVENT": event}.get(a, a) for a in args]
    out = tmp_path / "r.pdf"
    assert run(["--db", str(demo_db), "report", *args, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]  # no partial file left


@pytest.mark.parametrize(
    ("args", "th", "en"),
    [
        (["floor", "--fy", "2564", "--floor", "9"], "ไม่มีชั้น", "there is no floor"),
        (["floor", "--fy", "2564"], "ต้องระบุ --floor", "needs --floor"),
        (["floor", "--fy", "1234", "--floor", "1"], "ปีงบประมาณ", "fiscal year"),
        (["round"], "ต้องระบุ --id", "needs --id"),
        (["round", "--id", "no-such-round"], "ไม่พบรอบตรวจ", "no round"),
        (["blank", "--point", "F9-99"], "ไม่รู้จักจุดบริการ", "unknown restroom point"),
        (["guard-month", "--month", "2021-13"], "ไม่ถูกต้อง", "not valid"),
        (["guard-month", "--month", "2030-01"], "ยังมาไม่ถึง", "in the future"),
        (["incident", "--id", "nope"], "ไม่พบเหตุการณ์", "no event"),
    ],
)
def test_a_bad_scope_exits_2_with_a_thai_and_english_message(
    demo_db, tmp_path, capsys, args, th, en
) -> None:
    out = tmp_path / "x.pdf"
    assert run(["--db", str(demo_db), "report", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert th in err and en in err
    assert list(tmp_path.iterdir()) == []


def test_unknown_report_kind_exits_2(demo_db, tmp_path) -> None:
    with pytest.raises(SystemExit) as exc:
        run(["--db", str(demo_db), "report", "weekly", "--out", str(tmp_path / "x.pdf")])
    assert exc.value.code == 2


def test_export_indicators_is_excel_ready_and_formula_safe(demo_db, tmp_path) -> None:
    from sqlite_utils import Database

    d = Database(demo_db)
    d.execute("UPDATE plan_projects SET title_th = '=HYPERLINK(\"x\")' WHERE project = 1")
    d.conn.commit()
    d.close()
    out = tmp_path / "ind.csv"
    assert run(["--db", str(demo_db), "export", "indicators", "--fy", "2564", "--out",
                str(out)]) == 0  # fmt: skip
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert list(rows[0]) == ["fiscal_year", "indicator", "name_th", "name_en", "measure", "value"]
    by = {(r["indicator"], r["measure"]): r["value"] for r in rows}
    assert by[("restrooms", "points_total")] == "27"
    assert by[("incidents", "counted")] == "1"
    assert float(by[("total", "score")]) == float(by[("restrooms", "score")]) + float(
        by[("incidents", "score")]
    )
    assert 0 <= float(by[("project_2", "progress_pct")]) <= 100
    titles = {r["name_th"] for r in rows if r["indicator"] == "project_1"}
    assert titles == {'\'=HYPERLINK("x")'}
