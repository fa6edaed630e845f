"""Issue 16 point 1: the PDF's text layer gives back exactly the Thai written.

Read as the office reads it: poppler's pdftotext (raw and layout) and PDFium (the
engine of Chrome and Edge, through pypdfium2). Strings are compared exactly, never
after a Unicode normalisation (SARA AM read back as NIKHAHIT + SARA AA is NFKC-equal
and still finds nothing).
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

import pypdfium2 as pdfium
import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import textobject
from reportlab.platypus import Paragraph, SimpleDocTemplate

from reports import thai_text
from reports.thai_text import FONT, register_fonts

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="no poppler-utils")

# Words with SARA AM, words whose tone marks Sarabun moves (up over an upper vowel,
# left beside a tall consonant, down where there is no upper vowel), and ฐ ญ without
# their tails before a lower vowel.
SARA_AM = ["ห้องน้ำ", "สำนักงาน", "ดำเนินงาน", "ตำแหน่ง", "น้ำ", "กำหนด", "ประจำ"]
SHIFTED = ["ตัวชี้วัด", "ที่กดชักโครก", "ฝั่งทิศเหนือ", "ปั้น", "กริ่งฉุกเฉิน", "ไม่ผ่าน",
           "เครื่องนี้", "ขั้นตอน", "ฐูญุ", "ปฏิบัติ", "ผู้ตรวจประเมิน"]  # fmt: skip
LINES = [
    "สรุปผลการดำเนินงานตามตัวชี้วัด ปีงบประมาณ พ.ศ. 2564",
    "กลุ่มงานอาคารสถานที่ ส่วนบริหารกลาง สำนักงานเลขานุการปลัดกรุงเทพมหานคร",
    "ห้องน้ำผู้พิการและผู้สูงอายุ ชั้น 1 โถงกลาง",
    " ".join(SARA_AM),
    " ".join(SHIFTED),
    "ตำแหน่ง หัวหน้ากลุ่มงานอาคารสถานที่ (ลงชื่อ) วันที่ 30 กันยายน 2564",
]


def _pdf(path: Path, lines: list[str], size: float) -> Path:
    register_fonts()
    style = ParagraphStyle("t", fontName=FONT, fontSize=size, leading=size * 1.6, shaping=1)
    # Wide enough that no line wraps: one paragraph, one line of text.
    doc = SimpleDocTemplate(str(path), pagesize=(1400, 900), leftMargin=20, rightMargin=20)
    doc.build([Paragraph(escape(line), style) for line in lines])
    return path


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "").replace("\f", "\n").split("\n")
            if line.strip()]  # fmt: skip


def _poppler(pdf: Path, mode: str) -> list[str]:
    out = subprocess.run(["pdftotext", mode, str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    # -layout pads columns with runs of spaces; the words themselves must be exact.
    return [re.sub(r" {2,}", " ", line) for line in _lines(out)]


def _pdfium(pdf: Path) -> list[str]:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return _lines("\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))))
    finally:
        doc.close()


@pytest.fixture(scope="module", params=[10.5, 14, 17], ids=lambda s: f"{s}pt")
def sample(request, tmp_path_factory) -> Path:
    return _pdf(tmp_path_factory.mktemp("thai") / "t.pdf", LINES, request.param)


@needs_poppler
@pytest.mark.parametrize("mode", ["-raw", "-layout"])
def test_pdftotext_gives_back_exactly_the_thai_written(sample, mode) -> None:
    assert _poppler(sample, mode) == LINES


def test_pdfium_gives_back_exactly_the_thai_written(sample) -> None:
    assert _pdfium(sample) == LINES


@pytest.mark.parametrize("word", SARA_AM + SHIFTED)
def test_pdfium_search_finds_words_with_sara_am_and_moved_marks(sample, word) -> None:
    doc = pdfium.PdfDocument(str(sample))
    try:
        found = doc[0].get_textpage().search(word, match_case=True).get_next()
    finally:
        doc.close()
    assert found is not None, word


@needs_poppler
def test_no_tone_mark_lands_on_a_line_of_its_own_in_layout_mode(sample) -> None:
    marks = re.compile(r"^[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\s]+$")
    assert not [line for line in _poppler(sample, "-layout") if marks.match(line)]


def _bitmaps(pdf: Path) -> list[bytes]:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].render(scale=2).to_pil().tobytes() for i in range(len(doc))]
    finally:
        doc.close()


def test_the_page_looks_the_same_as_reportlab_draws_it(tmp_path, monkeypatch) -> None:
    """The spans change the text layer only: the same pixels as reportlab's own drawing."""
    ours = _bitmaps(_pdf(tmp_path / "ours.pdf", LINES, 14))
    monkeypatch.setattr(textobject.PDFTextObject, "_formatText",
                        thai_text._installed["format_text"])  # fmt: skip
    plain = _pdf(tmp_path / "plain.pdf", LINES, 14)
    assert b"/ActualText" not in _streams(plain)
    assert b"/ActualText" in _streams(tmp_path / "ours.pdf")
    assert _bitmaps(plain) == ours


def _stream_list(pdf: Path) -> list[bytes]:
    """Every stream of the PDF, decoded (reportlab writes ASCII85, then Flate)."""
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf.read_bytes(), re.S):
        raw = m.group(1).strip()
        if raw.endswith(b"~>"):
            raw = base64.a85decode(raw, adobe=True)
        try:
            raw = zlib.decompress(raw)
        except zlib.error:
            pass
        out.append(raw)
    return out


def _streams(pdf: Path) -> bytes:
    return b"\n".join(_stream_list(pdf))


def _to_unicode_values(pdf: Path) -> set[str]:
    """Every target string of the PDF's ToUnicode tables, decoded from UTF-16BE."""
    values: set[str] = set()
    for raw in _stream_list(pdf):
        if b"beginbfchar" not in raw:
            continue
        section = raw.split(b"beginbfchar", 1)[1].split(b"endbfchar", 1)[0]
        for hexa in re.findall(rb"<[0-9A-F]{2}> <([0-9A-F]+)>", section):
            values.add(bytes.fromhex(hexa.decode()).decode("utf-16-be"))
    return values


def test_no_private_use_code_reaches_the_to_unicode_table(tmp_path) -> None:
    """Readers that ignore ActualText still get characters, never U+E000..."""
    values = _to_unicode_values(_pdf(tmp_path / "t.pdf", LINES, 14))
    assert values, "no ToUnicode table found"
    assert not [v for v in values if any(0xE000 <= ord(c) <= 0xF8FF for c in v)]
    assert "่" in values and "ี" in values and "ฐ" in values


def test_annual_report_embeds_sarabun_and_maps_every_glyph(tmp_path, db_path) -> None:
    from cli import run

    out = tmp_path / "annual.pdf"
    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    assert run(["--db", str(db_path), "report", "annual", "--fy", "2564", "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and b"/FontFile2" in data and b"Sarabun-Regular" in data
    values = _to_unicode_values(out)
    assert not [v for v in values if any(0xE000 <= ord(c) <= 0xF8FF for c in v)]


@needs_poppler
def test_latin_ligatures_read_back_as_their_letters(tmp_path) -> None:
    pdf = _pdf(tmp_path / "latin.pdf", ["Office, fiscal year, affix"], 14)
    assert _poppler(pdf, "-raw") == ["Office, fiscal year, affix"]
    assert _pdfium(pdf) == ["Office, fiscal year, affix"]
