"""import-guard / export guard / guard missing (DOMAIN.md section 8)."""

from pathlib import Path

import pytest

from cli import run
from core.db import open_db
from core.errors import InvalidInput
from core.users import act_as
from security.csv_io import GUARD_COLUMNS, export_guard, import_guard
from security.indicator import events_of_year, incident_indicator
from tests.actors import HEAD


@pytest.fixture(autouse=True)
def _section_head(db) -> None:
    """A section head imports: the file's counts column is applied (DOMAIN.md section 8)."""
    act_as(db, HEAD)


ROWS = [
    "2021-01-04,day,วิชัย,12,11,10:15,ลานจอดรถ,theft,yes,รถจักรยานยนต์ถูกขโมย",
    "2021-01-04,day,วิชัย,12,11,15:00,โถงชั้น 1,alarm,no,สัญญาณเตือนไฟไหม้",
    "2021-01-04,night,ประเสริฐ,8,8,,,,,",
    "05/01/2564,day,วิชัย,12,12,09:00,ลานคนเมือง,found,,พบกระเป๋า",
]


def _csv(tmp_path: Path, rows, name="guard.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([",".join(GUARD_COLUMNS), *rows]) + "\n", encoding="utf-8")
    return path


def test_rows_of_a_date_and_shift_form_one_report_and_reimport_doubles_nothing(db, tmp_path):
    path = _csv(tmp_path, ROWS)
    first = import_guard(db, path)
    assert (first.reports, first.events) == (3, 3)
    again = import_guard(db, path)
    assert (again.reports, again.skipped) == (0, 3)
    ind = incident_indicator(db, 2564)
    # The found wallet is never an incident (only theft, damage, loss): nothing pending.
    assert (ind.counted, ind.not_counted, ind.pending) == (1, 2, 0)


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("2021-01-06,evening,ก,12,12,,,,,", "shift"),
        ("2021-01-06,day,ก,-2,12,,,,,", "required"),
        ("2021-01-06,day,ก,12,x,,,,,", "present"),
        ("2021-02-30,day,ก,12,12,,,,,", "date"),
        ("2021-01-06,day,ก,12,12,24:10,ลาน,theft,,x", "event_time"),
        ("2021-01-06,day,ก,12,12,10:00,ลาน,robbery,,x", "category"),
        ("2021-01-06,day,ก,12,12,10:00,ลาน,theft,maybe,x", "counts"),
    ],
)
def test_bad_guard_rows_exit_2_naming_row_and_field(db_path, tmp_path, capsys, row, field):
    path = _csv(tmp_path, [*ROWS, row])
    assert run(["--db", str(db_path), "import-guard", str(path)]) == 2
    err = capsys.readouterr().err
    assert "row 6" in err and f"field {field}" in err and "แถว 6" in err
    db = open_db(db_path)
    assert db.execute("SELECT COUNT(*) FROM guard_reports").fetchone()[0] == 0
    with pytest.raises(InvalidInput):
        import_guard(db, path)


def test_export_then_import_into_an_empty_database_gives_the_same_records(db, tmp_path):
    import_guard(db, _csv(tmp_path, ROWS))
    out = tmp_path / "out.csv"
    export_guard(db, 2564, out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    fresh = open_db(tmp_path / "fresh.db")
    act_as(fresh, HEAD)
    import_guard(fresh, out)

    def summary(d):
        return sorted((e.day, e.shift, e.category, e.counts, e.description)
                      for e in events_of_year(d, 2564))  # fmt: skip

    assert summary(fresh) == summary(db)
    reports = "SELECT day, shift, supervisor, required, present FROM guard_reports ORDER BY 1, 2"
    assert fresh.execute(reports).fetchall() == db.execute(reports).fetchall()


def test_guard_missing_prints_only_the_missing_lines(db_path, tmp_path, capsys) -> None:
    assert run(["--db", str(db_path), "import-guard", str(_csv(tmp_path, ROWS))]) == 0
    assert "2 events the file marks in its counts column are left pending" in (
        capsys.readouterr().out
    )
    capsys.readouterr()
    assert run(["--db", str(db_path), "guard", "missing", "--from", "04/01/2564",
                "--to", "2021-01-06"]) == 0  # fmt: skip
    assert capsys.readouterr().out.splitlines() == [
        "2021-01-05 night", "2021-01-06 day", "2021-01-06 night",
    ]  # fmt: skip


def test_reimporting_after_the_section_head_decided_a_pending_event_skips_it(db, tmp_path):
    """DOMAIN.md 8: importing the same file twice doubles nothing, and stays possible once
    the section head has classified an event the file left pending (DOMAIN.md 7)."""
    from security.indicator import classify_event

    path = _csv(tmp_path, ROWS)
    import_guard(db, path)
    (found,) = [e for e in events_of_year(db, 2564) if e.counts is None]
    classify_event(db, found.uuid, False, "พบของหาย ไม่ใช่เหตุร้าย")
    again = import_guard(db, path)
    assert (again.reports, again.skipped) == (0, 3)
    ind = incident_indicator(db, 2564)
    assert (ind.counted, ind.not_counted, ind.pending) == (1, 2, 0)
    changed = _csv(tmp_path, [ROWS[0].replace(",yes,", ",no,"), *ROWS[1:]], "changed.csv")
    with pytest.raises(InvalidInput):
        import_guard(db, changed)


def test_a_differing_row_for_a_signed_shift_is_refused_naming_what_differs(
    db, db_path, tmp_path, capsys
) -> None:
    """Issue 15 point 5: a row for a signed shift with another supervisor and present = 3
    (the signed report says 12 of 12) answered "skipped 1 present", exit 0."""
    import_guard(db, _csv(tmp_path, ROWS))
    other = "05/01/2564,day,สมศักดิ์,12,3,09:00,ลานคนเมือง,found,,พบกระเป๋า"
    changed = _csv(tmp_path, [*ROWS[:3], other], "changed.csv")
    with pytest.raises(InvalidInput) as err:
        import_guard(db, changed)
    assert err.value.row == 5
    for said in ("supervisor «วิชัย» here, «สมศักดิ์» in the file", "present «12» here, «3»",
                 "Correct report"):  # fmt: skip
        assert said in err.value.en
    assert "แก้ไขรายงาน" in err.value.th
    assert db.execute("SELECT COUNT(*) FROM guard_reports").fetchone()[0] == 3
    db.close()
    assert run(["--db", str(db_path), "import-guard", str(_csv(tmp_path, ROWS))]) == 0
    assert run(["--db", str(db_path), "import-guard", str(changed)]) == 2
    assert "row 5" in capsys.readouterr().err


def test_export_ends_with_the_event_id_and_imports_back_unchanged(db, tmp_path) -> None:
    """Issue 15 point 7 (DOMAIN.md 8): `event_id` last, empty on a row without an event;
    every import accepts and ignores it; the round trip gives the same file."""
    import_guard(db, _csv(tmp_path, ROWS))
    first = tmp_path / "first.csv"
    export_guard(db, 2564, first)
    lines = first.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == ",".join([*GUARD_COLUMNS, "event_id"])
    ids = {e.uuid for e in events_of_year(db, 2564)}
    assert {ln.split(",")[-1] for ln in lines[1:]} == ids | {""}
    assert import_guard(db, first).skipped == 3
    fresh = open_db(tmp_path / "fresh.db")
    act_as(fresh, HEAD)
    import_guard(fresh, first)
    second = tmp_path / "second.csv"
    export_guard(fresh, 2564, second)
    strip = [ln.rsplit(",", 1)[0] for ln in second.read_text(encoding="utf-8-sig").splitlines()]
    assert strip == [ln.rsplit(",", 1)[0] for ln in lines]
    fresh.close()
