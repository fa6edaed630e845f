"""Issue 16 point 2: the page rules every report keeps (reports/document.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfcheck import needs_poppler, pdf_text
from reportlab.platypus import Spacer

from reports.document import (
    CONTENT_W,
    PAGE_H,
    Frame,
    heading,
    keep_with,
    one_line,
    para,
    table,
    write_pdf,
)
from reports.thai_text import register_fonts


def _write(tmp_path: Path, story_fn) -> list[str]:
    register_fonts()
    out = tmp_path / "t.pdf"
    write_pdf(out, Frame("ทดสอบ", 2564, "th", "สำนักงานทดสอบ"), [story_fn], lambda d, t: None)
    return pdf_text(out).split("\f")[:-1]


def _rows(n: int) -> list[list[str]]:
    return [["หัวตาราง", "ค่า"]] + [[f"แถวที่ {i}", str(i)] for i in range(1, n + 1)]


def _filler(leave: float) -> Spacer:
    """A spacer that leaves about `leave` points at the bottom of the first page."""
    usable = PAGE_H - 18 * 2.8346 - 16 * 2.8346
    return Spacer(1, usable - leave)


@needs_poppler
def test_a_table_of_8_rows_is_never_split_and_keeps_its_heading(tmp_path) -> None:
    pages = _write(tmp_path, lambda: [
        _filler(120),
        keep_with([heading("ตารางสั้น")], table(_rows(8), [CONTENT_W * 0.5] * 2)),
    ])  # fmt: skip
    assert len(pages) == 2
    assert "ตารางสั้น" in pages[1] and "แถวที่ 1" in pages[1] and "แถวที่ 8" in pages[1]
    assert "ตารางสั้น" not in pages[0]


@needs_poppler
def test_a_long_table_repeats_its_header_and_starts_with_rows_under_its_heading(tmp_path) -> None:
    pages = _write(tmp_path, lambda: [
        _filler(60),  # room for the heading and the header row, not for three rows
        keep_with([heading("ตารางยาว")], table(_rows(60), [CONTENT_W * 0.5] * 2)),
    ])  # fmt: skip
    assert "ตารางยาว" not in pages[0]
    first = next(i for i, p in enumerate(pages) if "ตารางยาว" in p)
    assert "แถวที่ 1" in pages[first] and "แถวที่ 3" in pages[first]
    spanned = [p for p in pages if "แถวที่" in p]
    assert len(spanned) >= 2
    assert all("หัวตาราง" in p for p in spanned)


@needs_poppler
def test_a_12_row_table_starts_under_its_heading_where_there_is_room(tmp_path) -> None:
    """New-user finding 13: the annual report's page 1 was half empty before a 12-row
    table that moved whole to page 2 (the heading's keepWithNext bound it to the whole
    table). With room for the heading and a few rows, it starts there and splits, its
    header row repeated; the heading stays with its first rows."""
    tall = [[f"แถวที่ {i}", "บรรทัดหนึ่ง บรรทัดสอง บรรทัดสาม " * 4] for i in range(1, 13)]
    pages = _write(tmp_path, lambda: [
        _filler(300),  # about a third of a page left: the heading and some rows fit
        keep_with([heading("ไม่นับเป็นเหตุร้าย 12 รายการ")],
                  table([["หัวตาราง", "รายละเอียด"], *tall], [CONTENT_W * 0.2, CONTENT_W * 0.3])),
    ])  # fmt: skip
    assert "ไม่นับเป็นเหตุร้าย" in pages[0] and "แถวที่ 1" in pages[0]
    assert "แถวที่ 12" not in pages[0] and "แถวที่ 12" in pages[1]
    assert "หัวตาราง" in pages[0] and "หัวตาราง" in pages[1]


@needs_poppler
def test_a_heading_never_ends_a_page(tmp_path) -> None:
    pages = _write(tmp_path, lambda: [
        _filler(30),
        heading("หัวข้อท้ายหน้า"),
        para("ย่อหน้าที่ตามหัวข้อ " * 30),
    ])  # fmt: skip
    assert "หัวข้อท้ายหน้า" not in pages[0]
    assert "หัวข้อท้ายหน้า" in pages[1]


@needs_poppler
@pytest.mark.parametrize("n", [1, 7, 12])
def test_a_row_taller_than_a_page_splits_inside_the_row(tmp_path, n) -> None:
    note = "บันทึกยาวมากของข้อนี้ " * (400 * n)
    pages = _write(tmp_path, lambda: [table([["ข้อ", "บันทึก"], ["1", note]], [40, CONTENT_W - 40])])
    assert len(pages) >= 2


def test_header_and_footer_lines_never_grow_past_one_line() -> None:
    register_fonts()
    text = "สำนักงานที่มีชื่อยาวมาก " * 40
    short = one_line(text, "header", 200)
    assert short.endswith("…") and len(short) < len(text)
    assert one_line("สั้น", "header", 200) == "สั้น"
