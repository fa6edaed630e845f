"""Issue 6: Thai in the PDF reads back as written (ToUnicode fixed), Sarabun embedded."""

import base64
import re
import shutil
import subprocess
import unicodedata
import zlib
from pathlib import Path

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from reports.thai_text import FONT, register_fonts

WRITTEN = "ห้องน้ำสาธารณะ ปีงบประมาณ ที่กดชักโครก กริ่งฉุกเฉิน ฐูญุ"


def _pdf(tmp_path: Path, text: str) -> Path:
    register_fonts()
    out = tmp_path / "t.pdf"
    style = ParagraphStyle("t", fontName=FONT, fontSize=14, leading=20, shaping=1)
    SimpleDocTemplate(str(out)).build([Paragraph(text, style)])
    return out


def _to_unicode_values(pdf: Path) -> set[str]:
    """Every target string of the PDF's ToUnicode tables, decoded from UTF-16BE."""
    data = pdf.read_bytes()
    values: set[str] = set()
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = m.group(1).strip()
        if raw.endswith(b"~>"):  # ASCII85, then Flate
            raw = base64.a85decode(raw, adobe=True)
        try:
            raw = zlib.decompress(raw)
        except zlib.error:
            pass
        if b"beginbfchar" not in raw:
            continue
        section = raw.split(b"beginbfchar", 1)[1].split(b"endbfchar", 1)[0]
        for hexa in re.findall(rb"<[0-9A-F]{2}> <([0-9A-F]+)>", section):
            values.add(bytes.fromhex(hexa.decode()).decode("utf-16-be"))
    return values


def test_no_private_use_code_reaches_the_to_unicode_table(tmp_path) -> None:
    values = _to_unicode_values(_pdf(tmp_path, WRITTEN))
    assert values, "no ToUnicode table found"
    assert not [v for v in values if any(0xE000 <= ord(c) <= 0xF8FF for c in v)]
    assert "่" in values and "ี" in values and "ฐ" in values  # marks and ฐ come back


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_gives_back_the_thai_that_was_written(tmp_path) -> None:
    pdf = _pdf(tmp_path, WRITTEN)
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.strip()
    # SARA AM of น้ำ is drawn as two glyphs and comes back decomposed (NFKC-equal).
    assert unicodedata.normalize("NFKC", text) == unicodedata.normalize("NFKC", WRITTEN)
    assert "ที่กดชักโครก กริ่งฉุกเฉิน" in text


def test_annual_report_embeds_sarabun_and_reads_back(tmp_path, db_path) -> None:
    from cli import run

    out = tmp_path / "annual.pdf"
    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    assert run(["--db", str(db_path), "report", "annual", "--fy", "2564", "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and b"/FontFile2" in data and b"Sarabun-Regular" in data
    values = _to_unicode_values(out)
    assert not [v for v in values if any(0xE000 <= ord(c) <= 0xF8FF for c in v)]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_latin_ligatures_read_back_as_their_letters(tmp_path) -> None:
    text = subprocess.run(
        ["pdftotext", "-raw", str(_pdf(tmp_path, "Office, fiscal year, affix")), "-"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert text == "Office, fiscal year, affix"
