"""Issue 6: Thai lines break between words, never inside one, and read back as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfcheck import block_lines, breaks_inside_words, needs_poppler, norm, pdf_text
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from reports.thai_text import FONT, register_fonts
from reports.thai_wrap import (
    WordSet,
    WrappedParagraph,
    break_lines,
    text_width,
    word_boundaries,
    words,
)

# Item texts of the standard and a sentence of the plan: real report text, with
# tone marks, stacked vowels, SARA AM and a few spaces.
LONG = (
    "โถส้วม โถปัสสาวะ และที่กดชักโครกสะอาด ใช้งานได้ "
    "มีกระดาษชำระหรือสายฉีดชำระที่สะอาด พร้อมใช้ตลอดเวลาเปิดบริการ "
    "ห้องส้วมสำหรับผู้พิการและผู้สูงอายุมีราวจับ พร้อมใช้งาน "
    "พื้นแห้ง ไม่ลื่น และกริ่งฉุกเฉินในห้องผู้พิการใช้งานได้ "
    "เจ้าหน้าที่ประเมินห้องน้ำสาธารณะทั้ง27จุดในชั้น1ถึง5ด้วยแบบตรวจประเมินสุขลักษณะห้องน้ำสาธารณะของกรุงเทพมหานคร"
)


@pytest.fixture(autouse=True)
def fonts() -> None:
    register_fonts()


def test_words_give_back_the_text_exactly() -> None:
    assert "".join(words(LONG)) == LONG
    assert words("ห้องน้ำสาธารณะ") == ["ห้องน้ำ", "สาธารณะ"]


def test_the_set_dictionary_segments_as_pythainlps_own_trie_does() -> None:
    from pythainlp.corpus.common import thai_words
    from pythainlp.tokenize import word_tokenize

    mine = WordSet(thai_words())
    for text in (LONG, "ปีงบประมาณ พ.ศ. 2564 กลุ่มงานอาคารสถานที่", "ฐูญุ น้ำ ที่ ปู่"):
        assert word_tokenize(text, engine="newmm", custom_dict=mine) == word_tokenize(
            text, engine="newmm"
        )


@pytest.mark.parametrize("width", [60, 95, 140, 230])
def test_every_line_ends_between_words_and_fits(width: float) -> None:
    lines = break_lines(LONG, FONT, 12, width)
    assert len(lines) > 3
    boundaries = sorted(word_boundaries(LONG))
    too_wide = set()  # boundaries of words wider than the column: only these may be cut
    for a, b in zip(boundaries, boundaries[1:], strict=False):
        if text_width(LONG[a:b], FONT, 12) > width:
            too_wide.update(range(a + 1, b))
    pos = 0
    for line in lines:
        assert text_width(line, FONT, 12) <= width, line
        start = LONG.index(line, pos)
        assert LONG[pos:start].strip() == ""  # only the space at the break was dropped
        pos = start + len(line)
        assert pos in boundaries or pos in too_wide, f"line ends inside a word: {line!r}"
    assert pos == len(LONG)


def test_a_break_point_is_never_between_a_letter_and_its_marks() -> None:
    boundaries = word_boundaries(LONG)
    for i in boundaries - {0, len(LONG)}:
        assert LONG[i] not in "่้๊๋ิีึืุูั็์ํำะา", LONG[i - 3 : i + 3]


def test_a_uuid_wider_than_the_column_is_cut_without_a_hyphen() -> None:
    uid = "dd5e4666-e985-4e46-8045-0d7fd6d920ef"
    lines = break_lines(uid, FONT, 10, 60)
    assert len(lines) > 1 and "".join(lines) == uid


def test_an_english_word_wider_than_the_column_is_cut_with_a_hyphen() -> None:
    """Issue 16: "disturbanc|e" read as two words; each cut piece ends with a hyphen."""
    lines = break_lines("disturbance", FONT, 10.5, 30)
    assert len(lines) > 1
    assert all(line.endswith("-") for line in lines[:-1]), lines
    assert "".join(line.removesuffix("-") for line in lines) == "disturbance"
    assert all(text_width(line, FONT, 10.5) <= 30 for line in lines)


def test_text_with_no_word_that_fits_is_cut_rather_than_run_off_the_page() -> None:
    """Any text typed, however long: nothing may be wider than its column."""
    run = "ก" * 400
    lines = break_lines(run, FONT, 12, 80)
    assert "".join(lines) == run
    assert all(text_width(line, FONT, 12) <= 80 for line in lines)


def test_a_newline_forces_a_break() -> None:
    assert break_lines("วัน 12/12\nคืน 8/8", FONT, 9, 200) == ["วัน 12/12", "คืน 8/8"]


def _render(tmp_path: Path, paragraph: Paragraph) -> Path:
    out = tmp_path / "narrow.pdf"
    # A column 45 mm wide: about a dozen Thai words a line at 12 pt.
    SimpleDocTemplate(str(out), leftMargin=20 * mm, rightMargin=145 * mm).build([paragraph])
    return out


@needs_poppler
def test_a_narrow_column_breaks_only_between_words_and_reads_back(tmp_path) -> None:
    style = ParagraphStyle("t", fontName=FONT, fontSize=12, leading=18, shaping=1)
    pdf = _render(tmp_path, WrappedParagraph(LONG, style))
    blocks = block_lines(pdf)
    assert sum(len(b) for b in blocks) > 8  # it did wrap
    assert breaks_inside_words(blocks) == []
    assert norm(pdf_text(pdf)) == norm(LONG)
    assert "\u200b" not in pdf_text(pdf)


@needs_poppler
def test_the_check_catches_reportlab_cutting_a_word(tmp_path) -> None:
    """Without thai_wrap reportlab cuts a long Thai run anywhere: the check must see it."""
    style = ParagraphStyle("t", fontName=FONT, fontSize=12, leading=18, shaping=1)
    run = LONG.replace(" ", "")
    pdf = _render(tmp_path, Paragraph(run, style))
    assert breaks_inside_words(block_lines(pdf)) != []


def test_brackets_stay_with_their_words() -> None:
    lines = break_lines("ขาดคนรวม (คน-ผลัด) และผู้ตอบ 304 คน)", FONT, 12, 70)
    assert not any(line.endswith("(") for line in lines), lines
    assert not any(line.startswith((")", ",")) for line in lines), lines
