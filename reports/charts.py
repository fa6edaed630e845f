"""Charts for the reports, drawn as a flowable with the reports' own shaped text.

A chart is a few rectangles and lines; its labels are paragraphs like every other
text of the report (shaped, and read back as written through thai_text), not
reportlab.graphics' strings, whose import alone cost the annual summary a tenth of
a second (issue 16, the annual PDF against a bare reportlab table).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.pdfbase.ttfonts import shapeStr
from reportlab.platypus import Flowable

from core.rounding import pct_text
from reports.thai_text import FONT, register_fonts
from reports.thai_wrap import text_width

BAR = colors.HexColor("#4f7fb0")
TARGET = colors.HexColor("#c0392b")
AXIS = colors.HexColor("#555555")
BAR_H = 16
GAP = 8
AXIS_H = 20  # the value axis and its labels under the bars
TOP = 14  # room above the bars for the target's label


class PercentBars(Flowable):
    """Horizontal bars of percentages 0-100, one per label, top to bottom as given.

    A missing value (no respondent in that group) draws no bar and the label "-".
    `target` draws a dashed vertical line (the plan's 90 % satisfaction target).
    """

    def __init__(
        self,
        labels: Sequence[str],
        values: Sequence[float | None],
        width: float,
        *,
        target: float | None = None,
        target_label: str = "",
        font_size: float = 10.5,
    ) -> None:
        super().__init__()
        register_fonts()
        self.labels, self.values = list(labels), list(values)
        self.target, self.target_label = target, target_label
        self.font_size = font_size
        self.width = width
        self.label_w = max((text_width(t, FONT, font_size) for t in self.labels), default=0) + 8
        self.height = TOP + len(self.labels) * (BAR_H + GAP) + AXIS_H

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def _text(self, text: str, x: float, y: float, size: float, align: str = "left",
              color=colors.black) -> None:  # fmt: skip
        """One line of text, shaped (so marks sit right and it reads back as written)."""
        w = text_width(text, FONT, size)
        left = {"left": x, "right": x - w, "center": x - w / 2}[align]
        self.canv.setFillColor(color)
        self.canv.setFont(FONT, size)
        self.canv.drawString(left, y, shapeStr(text, FONT, size))

    def draw(self) -> None:
        c = self.canv
        x0 = self.label_w
        plot_w = self.width - x0 - 40
        n = len(self.labels)
        base = AXIS_H
        c.saveState()
        # The value axis: ticks and labels every 20 %.
        c.setStrokeColor(AXIS)
        c.setLineWidth(0.5)
        c.line(x0, base, x0 + plot_w, base)
        for tick in range(0, 101, 20):
            x = x0 + plot_w * tick / 100
            c.line(x, base, x, base - 3)
            self._text(str(tick), x, base - 15, self.font_size - 1.5, "center")
        c.line(x0, base, x0, base + n * (BAR_H + GAP))
        for i, (label, value) in enumerate(zip(self.labels, self.values, strict=True)):
            y = base + (n - 1 - i) * (BAR_H + GAP) + GAP / 2
            self._text(label, x0 - 4, y + 2, self.font_size, "right")
            if value is not None:
                c.setFillColor(BAR)
                c.rect(x0, y, plot_w * value / 100, BAR_H, stroke=0, fill=1)
            text = "-" if value is None else f"{pct_text(value)}%"
            at = x0 + (0 if value is None else plot_w * value / 100) + 3
            self._text(text, at, y + 2, self.font_size - 1)
        if self.target is not None:
            x = x0 + plot_w * self.target / 100
            c.setStrokeColor(TARGET)
            c.setLineWidth(1)
            c.setDash(3, 2)
            c.line(x, base - 2, x, base + n * (BAR_H + GAP) + 4)
            c.setDash()
            if self.target_label:
                self._text(self.target_label, x, base + n * (BAR_H + GAP) + 4,
                           self.font_size - 1, "center", TARGET)  # fmt: skip
        c.restoreState()
