"""The anchor of `annual_pdf_ratio`: a bare reportlab process writing a table.

`python -m bench.anchor_pdf TEXT OUT`: one table, a row per line of TEXT (UTF-8),
in Sarabun with HarfBuzz shaping, onto A4 pages, written to OUT. Nothing of the app
is imported: it is what reportlab alone costs for the same amount of shaped text.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

START = time.perf_counter()


def main() -> None:
    import fontpkg_sarabun
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    text, out = Path(sys.argv[1]), Path(sys.argv[2])
    files = Path(fontpkg_sarabun.__file__).resolve().parent / "files"
    pdfmetrics.registerFont(TTFont("Sarabun", str(files / "Sarabun-Regular.ttf"), shapable=True))
    style = ParagraphStyle("cell", fontName="Sarabun", fontSize=10.5, leading=14, shaping=1)
    lines = [line for line in text.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [[Paragraph(escape(line), style)] for line in lines]
    table = Table(rows, colWidths=[A4[0] - 36 * mm], repeatRows=0)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "#8a8a8a"),
                               ("FONT", (0, 0), (-1, -1), "Sarabun")]))  # fmt: skip
    SimpleDocTemplate(str(out), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm).build([table])
    print(f"{len(lines)} rows in {time.perf_counter() - START:.2f} s")


if __name__ == "__main__":
    main()
