"""CSV reading and writing shared by every import and export (DOMAIN.md section 8)."""

from pathlib import Path

import pytest

from core.csvfile import guard_cell, read_rows, unguard, write_rows
from core.errors import InvalidInput


def test_written_files_carry_a_bom_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    write_rows(path, ["a", "b"], [["ห้องน้ำ", "=1+1"], ["-5", "@x"]])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = read_rows(path, ["a", "b"])
    assert rows == [(2, {"a": "ห้องน้ำ", "b": "=1+1"}), (3, {"a": "-5", "b": "@x"})]


def test_formula_cells_are_guarded_but_numbers_are_not() -> None:
    assert guard_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert guard_cell("+66 81") == "'+66 81"
    assert guard_cell("-5") == "-5"
    assert unguard("'=x") == "=x"
    assert unguard("'quoted") == "'quoted"


def test_missing_column_names_the_column(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        read_rows(path, ["a", "b"])
    assert err.value.field == "b" and err.value.row == 1


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n\x00\x00\x00", "ก,ข\n".encode("tis-620"), b"", b'a,b\n"unclosed,1\n'],
)
def test_files_that_are_not_csv_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInput):
        read_rows(path, ["a", "b"])


def test_a_field_reads_as_its_thai_label_with_its_column_name() -> None:
    """Bad input gets a clear message in Thai and English: not "ช่อง password" in Thai."""
    from core.errors import InvalidInput

    err = InvalidInput("actions.date_not_valid", field="date", row=3, isoformat="x")
    assert err.message("th") == "แถว 3, ช่อง วันที่ (date): วันที่ x ไม่ถูกต้อง"
    assert err.message("en") == "row 3, field date: date x is not valid"
    # A round's item columns read as items (issue 17 point 7: no bare "ช่อง i7").
    required = InvalidInput("guard_events.field_required", field="i7")
    assert required.message("th") == "ช่อง ข้อ 7 (i7): โปรดกรอกช่องนี้"
    assert required.message("en") == "field i7: this field is required"
