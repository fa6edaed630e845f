"""Charts for the reports (reportlab.graphics), with Thai labels shaped like the text.

reportlab draws chart labels with canvas.drawString, which does not shape; a
label handed over already shaped (ttfonts.shapeStr) is drawn with its marks
placed by HarfBuzz, and its text layer still reads back through thai_text.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.pdfbase.ttfonts import shapeStr

from core.rounding import pct_text
from reports.thai_text import FONT, register_fonts
from reports.thai_wrap import text_width

BAR = colors.HexColor("#4f7fb0")
TARGET = colors.HexColor("#c0392b")


def percent_bars(
    labels: Sequence[str],
    values: Sequence[float | None],
    width: float,
    *,
    target: float | None = None,
    target_label: str = "",
    font_size: float = 10.5,
) -> Drawing:
    """Horizontal bars of percentages 0-100, one per label, top to bottom as given.

    A missing value (no respondent in that group) draws no bar and the label "-".
    `target` draws a vertical line (the plan's 90 % satisfaction target).
    """
    register_fonts()
    n = len(labels)
    bar_h = 16
    label_w = max((text_width(t, FONT, font_size) for t in labels), default=0) + 8
    height = n * (bar_h + 8) + 34
    d = Drawing(width, height)
    # The renderer starts every drawing in its default font (Helvetica, not embedded)
    # unless the drawing names one: name Sarabun so the PDF uses no other font.
    d.initialFontName = FONT
    chart = HorizontalBarChart()
    chart.x = label_w
    chart.y = 20
    chart.width = width - label_w - 40
    chart.height = height - 34
    # The chart draws its first category at the bottom; reverse so it reads like a table.
    chart.data = [[0 if v is None else v for v in reversed(values)]]
    chart.categoryAxis.categoryNames = [shapeStr(t, FONT, font_size) for t in reversed(labels)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = font_size
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 20
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = font_size - 1
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = None  # values are written as strings below, in Sarabun
    chart.barLabels.fontName = FONT
    d.add(chart)
    step = chart.height / n
    for i, v in enumerate(reversed(values)):
        text = "-" if v is None else f"{pct_text(v)}%"
        x = chart.x + (0 if v is None else chart.width * v / 100) + 3
        y = chart.y + step * i + step / 2 - font_size / 3
        d.add(String(x, y, text, fontName=FONT, fontSize=font_size - 1))
    if target is not None:
        x = chart.x + chart.width * target / 100
        d.add(Line(x, chart.y - 2, x, chart.y + chart.height + 4, strokeColor=TARGET,
                   strokeWidth=1, strokeDashArray=[3, 2]))  # fmt: skip
        if target_label:
            label = shapeStr(target_label, FONT, font_size - 1)
            top = chart.y + chart.height + 6
            d.add(String(x, top, label, fontName=FONT, fontSize=font_size - 1,
                         fillColor=TARGET, textAnchor="middle"))  # fmt: skip
    return d
