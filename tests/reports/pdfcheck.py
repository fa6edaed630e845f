"""Reading a PDF back as a person's tools do (poppler), for the report tests."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reports.thai_wrap import word_boundaries

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils not installed",
)

_THAI = re.compile(r"[\u0e00-\u0e7f]")


def norm(text: str) -> str:
    """The text without its whitespace (lines wrap anywhere), every character exact."""
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def fonts(pdf: Path) -> list[dict[str, str]]:
    """pdffonts' table: name, type, emb (yes/no) of every font the PDF uses."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type [type...] encoding emb sub uni object id: read from the right
        rows.append({"name": parts[0], "emb": parts[-5], "uni": parts[-3]})
    return rows


def block_lines(pdf: Path) -> list[list[str]]:
    """The PDF's text lines in the order they were drawn, as one block.

    `pdftotext -raw` keeps the content stream's order (reportlab draws a paragraph,
    a table cell, line after line) and starts a line where the baseline moves.
    """
    return [pdf_text(pdf).replace("\f", "\n").splitlines()]


def _thai_tail(text: str) -> str:
    m = re.search(r"[\u0e00-\u0e7f]+$", text)
    return m.group(0) if m else ""


def _thai_head(text: str) -> str:
    m = re.match(r"[\u0e00-\u0e7f]+", text)
    return m.group(0) if m else ""


def breaks_inside_words(blocks: list[list[str]]) -> list[str]:
    """Every place where a line ends inside a Thai word, as "…tail|head…".

    Where one line ends in Thai and the next begins in Thai, the two runs were one
    run of the text written; the break is right when the word list puts a word
    boundary exactly there.
    """
    bad = []
    for lines in blocks:
        for first, second in zip(lines, lines[1:], strict=False):
            tail, head = _thai_tail(first), _thai_head(second)
            if tail and head and len(tail) not in word_boundaries(tail + head):
                bad.append(f"{tail}|{head}")
    return bad


def has_thai(text: str) -> bool:
    return bool(_THAI.search(text))
