"""import-rounds / export rounds (DOMAIN.md section 8): all or nothing, idempotent."""

from pathlib import Path

import pytest

from core.errors import InvalidInput
from inspection.csv_io import ROUND_COLUMNS, export_rounds, import_rounds
from inspection.rounds import deciding_rounds

HEADER = ",".join(ROUND_COLUMNS)


def _row(point="F1-01", day="15/08/2564", at="09:30", who="สมชาย", scores=None, note=""):
    scores = scores or [4] * 20
    return ",".join([point, day, at, who, *map(str, scores), note])


def _write(tmp_path: Path, *rows: str, header: str = HEADER, bom: bool = True) -> Path:
    path = tmp_path / "rounds.csv"
    text = "\n".join([header, *rows]) + "\n"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def _count(db) -> int:
    return db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0]


def test_import_writes_final_rounds_and_a_second_import_adds_nothing(db, tmp_path) -> None:
    path = _write(
        tmp_path,
        _row(),
        _row("F1-02", "2021-08-16", "10:00", scores=[3] * 20, note="พื้นลื่น"),
    )
    first = import_rounds(db, path)
    assert (first.added, first.skipped) == (2, 0)
    second = import_rounds(db, path)
    assert (second.added, second.skipped) == (0, 2)
    assert _count(db) == 2
    decided = deciding_rounds(db, 2564)
    assert sorted(r.total for r in decided.values()) == [60, 80]


def test_a_file_without_bom_is_read_too(db, tmp_path) -> None:
    assert import_rounds(db, _write(tmp_path, _row(), bom=False)).added == 1


@pytest.mark.parametrize(
    ("bad_row", "field"),
    [
        (_row(scores=[4] * 19 + [5]), "i20"),
        (_row(scores=[4, 4, "x"] + [4] * 17), "i3"),
        (_row(point="F7-01"), "point"),
        (_row(day="31/02/2564"), "date"),
        (_row(day="01/01/2565"), "date"),
        (_row(at="25:00"), "time"),
        (_row(who=""), "inspector"),
    ],
)
def test_one_bad_row_writes_nothing_and_names_row_and_field(db, tmp_path, bad_row, field) -> None:
    path = _write(tmp_path, _row(), _row("F1-02"), bad_row)
    with pytest.raises(InvalidInput) as err:
        import_rounds(db, path)
    assert err.value.row == 4 and err.value.field == field
    assert "แถว 4" in err.value.message("th") and "row 4" in err.value.message("en")
    assert _count(db) == 0


def test_missing_column_and_non_csv_are_refused(db, tmp_path) -> None:
    header = HEADER.replace(",inspector", "")
    with pytest.raises(InvalidInput) as err:
        import_rounds(db, _write(tmp_path, "F1-01,15/08/2564,09:30," + "4," * 20, header=header))
    assert err.value.field == "inspector"
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    with pytest.raises(InvalidInput):
        import_rounds(db, binary)
    assert _count(db) == 0


def test_export_is_utf8_with_bom_and_reimports_to_the_same_year(db, tmp_path) -> None:
    src = _write(
        tmp_path,
        _row(note="=ล้างถัง"),
        _row("F2-01", scores=[4] * 14 + [1] + [4] * 5, note="ราวจับหลวม"),
    )
    import_rounds(db, src)
    out = tmp_path / "out.csv"
    assert export_rounds(db, 2564, out) == 2
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "'=ล้างถัง" in raw.decode("utf-8-sig")  # safe to open in Excel
    from core.db import open_db

    fresh = open_db(tmp_path / "fresh.db")
    assert import_rounds(fresh, out).added == 2
    notes = {r[0] for r in fresh.execute("SELECT note FROM rounds")}
    assert notes == {"=ล้างถัง", "ราวจับหลวม"}
    summary = {(r.point_code, r.total, r.passed) for r in deciding_rounds(fresh, 2564).values()}
    expected = {(r.point_code, r.total, r.passed) for r in deciding_rounds(db, 2564).values()}
    assert summary == expected


def test_rounds_keep_the_file_order_and_a_failed_item_opens_its_action(db, tmp_path) -> None:
    """The bulk path writes in batches; ids still follow the file, failures still open actions."""
    path = _write(
        tmp_path,
        _row("F1-01", at="08:00"),
        _row("F1-02", at="08:05", scores=[4] * 14 + [1] + [4] * 5),
        _row("F1-03", at="08:10"),
        _row("F1-03", at="08:10"),  # the same round twice in one file counts once
    )
    result = import_rounds(db, path)
    assert (result.added, result.skipped) == (3, 1)
    sql = "SELECT p.code FROM rounds r JOIN points p ON p.id = r.point_id ORDER BY r.id"
    codes = [r[0] for r in db.execute(sql)]
    assert codes == ["F1-01", "F1-02", "F1-03"]
    actions = db.execute("SELECT item_no FROM corrective_actions").fetchall()
    assert actions == [(15,)]
    from core.integrity import check

    assert check(db).ok  # the batch's audit digest matches what was written


def test_the_same_file_imported_twice_at_once_adds_its_rounds_once(
    db, tmp_path, writer_first
) -> None:
    """DOMAIN.md 8 (the same file twice doubles nothing) and issue 7 (two writers wait for
    each other): the second import, checked while the first was writing, must see the
    first one's rounds once it has the write lock."""
    from inspection import csv_io

    path = _write(tmp_path, _row(), _row("F1-02", "2021-08-16", "10:00"))
    writer_first(csv_io, lambda other: import_rounds(other, path))
    result = import_rounds(db, path)
    assert (result.added, result.skipped) == (0, 2)
    assert _count(db) == 2


def test_the_same_survey_file_imported_twice_at_once_adds_its_answers_once(
    db, tmp_path, writer_first
) -> None:
    from inspection import survey
    from inspection.survey import import_survey

    path = tmp_path / "survey.csv"
    path.write_text("date,point,group,rating\n2021-08-01,,public,5\n", encoding="utf-8")
    writer_first(survey, lambda other: import_survey(other, path))
    assert import_survey(db, path).already_imported
    assert db.execute("SELECT COUNT(*) FROM survey_responses").fetchone()[0] == 1


def test_a_row_for_an_existing_final_round_with_other_scores_is_refused(
    db, db_path, tmp_path, capsys
) -> None:
    """Issue 15 point 5: import-rounds silently skipped a row with the same key and other
    scores. A final round is never edited (DOMAIN.md 3): the row is refused, naming it,
    what differs and how to correct the round; the identical row is still skipped."""
    from cli import run

    import_rounds(db, _write(tmp_path, _row()))
    (uid,) = db.execute("SELECT uuid FROM rounds").fetchone()
    changed = [4] * 20
    changed[6] = 1
    path = _write(tmp_path, _row("F1-02", at="10:00"), _row(scores=changed))
    with pytest.raises(InvalidInput) as err:
        import_rounds(db, path)
    assert (err.value.row, err.value.field) == (3, "i7")
    assert uid in err.value.en and "correct-round" in err.value.en and "7" in err.value.th
    assert _count(db) == 1  # the good first row was not written either
    db.close()
    assert run(["--db", str(db_path), "import-rounds", str(path)]) == 2
    assert "row 3" in capsys.readouterr().err
    noted = _write(tmp_path, _row(note="เพิ่งเห็น"))
    assert run(["--db", str(db_path), "import-rounds", str(noted)]) == 2
    assert "field note" in capsys.readouterr().err


def test_two_rows_of_one_file_for_one_round_with_other_scores_are_refused(db, tmp_path):
    path = _write(tmp_path, _row(), _row(scores=[3] * 20))
    with pytest.raises(InvalidInput) as err:
        import_rounds(db, path)
    assert err.value.row == 3 and "earlier row" in err.value.en
    assert _count(db) == 0


def test_export_ends_with_the_round_id_and_imports_back_unchanged(db, tmp_path) -> None:
    """Issue 15 point 7 (DOMAIN.md 8): `id` last; every import accepts and ignores it."""
    from core.db import open_db

    failing = _row("F2-03", "2021-08-16", "10:00", scores=[3] * 19 + [1], note="ก๊อกรั่ว")
    import_rounds(db, _write(tmp_path, _row(), failing))
    first = tmp_path / "first.csv"
    export_rounds(db, 2564, first)
    lines = first.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(",")[-1] == "id"
    ids = {r[0] for r in db.execute("SELECT uuid FROM rounds")}
    assert {ln.split(",")[-1] for ln in lines[1:]} == ids
    assert import_rounds(db, first).skipped == 2  # the id column is no reason to differ
    other = open_db(tmp_path / "other.db")
    assert import_rounds(other, first).added == 2
    second = tmp_path / "second.csv"
    export_rounds(other, 2564, second)
    strip = [ln.rsplit(",", 1)[0] for ln in second.read_text(encoding="utf-8-sig").splitlines()]
    assert strip == [ln.rsplit(",", 1)[0] for ln in lines]
    other.close()
