"""The frame every printed report shares: A4, Sarabun shaped, header, "หน้า x/y", tables.

A report builder makes a list of sections (each a list of flowables), and
`write_pdf` lays them out. Progress is reported between sections, and a
`Cancelled` raised by the callback removes the partial file: a cancelled report
leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from core.calendar import format_date_long
from core.i18n import tr
from core.instance import refuse_database_path
from reports.thai_text import FONT, FONT_BOLD, register_fonts
from reports.thai_wrap import WrappedParagraph

Progress = Callable[[int, int], None]

PAGE_W, PAGE_H = A4
MARGIN_X = 18 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X
HEAD_BG = colors.HexColor("#dde6f0")
REACHED_BG = colors.HexColor("#cfe8d4")
FAILED_BG = colors.HexColor("#f6dcdc")
GRID = colors.HexColor("#8a8a8a")
# reportlab's Table sets its cell font (Helvetica by default) on the canvas even when
# every cell is a paragraph; naming Sarabun keeps Helvetica out of the PDF's fonts.
TABLE_FONT = ("FONT", (0, 0), (-1, -1), FONT)


def office_name(lang: str) -> str:
    return tr("rp.office", lang)


def _style(name: str, **kw: Any) -> ParagraphStyle:
    # splitLongWords=0: reportlab must never cut inside a word on its own; thai_wrap
    # has already broken every line between words.
    base = dict(fontName=FONT, fontSize=12, leading=17, shaping=1, splitLongWords=0)
    base.update(kw)
    return ParagraphStyle(name, **base)


STYLES: dict[str, ParagraphStyle] = {
    "body": _style("body"),
    "small": _style("small", fontSize=10, leading=14),
    "title": _style("title", fontName=FONT_BOLD, fontSize=17, leading=24, alignment=TA_CENTER),
    "subtitle": _style("subtitle", fontSize=12.5, leading=18, alignment=TA_CENTER),
    "h2": _style("h2", fontName=FONT_BOLD, fontSize=14, leading=20, spaceBefore=8, spaceAfter=4),
    "cell": _style("cell", fontSize=10.5, leading=14),
    "cell_r": _style("cell_r", fontSize=10.5, leading=14, alignment=TA_RIGHT),
    "cell_c": _style("cell_c", fontSize=10.5, leading=14, alignment=TA_CENTER),
    "head": _style("head", fontName=FONT_BOLD, fontSize=10.5, leading=14),
    "head_c": _style("head_c", fontName=FONT_BOLD, fontSize=10.5, leading=14, alignment=TA_CENTER),
    "cal": _style("cal", fontSize=8.5, leading=10.5),
    "sign": _style("sign", fontSize=12, leading=20, alignment=TA_CENTER),
    "header": _style("header", fontSize=9, leading=11),
    "header_r": _style("header_r", fontSize=9, leading=11, alignment=TA_RIGHT),
}


def para(text: object, style: str = "body") -> WrappedParagraph:
    """Plain text (never markup) as a paragraph that wraps between Thai words."""
    return WrappedParagraph("" if text is None else str(text), STYLES[style])


def heading(text: str) -> WrappedParagraph:
    return para(text, "h2")


def long_date(d: date, lang: str) -> str:
    """`30 กันยายน 2564` (B.E., full Thai month, as signed documents write it)."""
    return format_date_long(d, lang)


def table(
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    align: str = "",
    highlight: Iterable[int] = (),
    shade: Iterable[int] = (),
    bold_last: bool = False,
    padding: float = 2,
) -> Table:
    """A grid whose first row is a header repeated on every page it runs over.

    `align` gives one letter per column (l, r, c); `highlight` rows (0 = header)
    are green (the reached ladder row), `shade` rows red (a failed item); more
    `padding` leaves room to write by hand (the blank form).
    """
    align = align.ljust(len(widths), "l")
    cell_style = {"l": "cell", "r": "cell_r", "c": "cell_c"}
    data = [[para(c, "head_c" if align[i] == "c" else "head") for i, c in enumerate(rows[0])]]
    for r in rows[1:]:
        data.append([c if isinstance(c, Flowable) else para(c, cell_style[align[i]])
                     for i, c in enumerate(r)])  # fmt: skip
    t = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    cmds: list[tuple] = [
        TABLE_FONT,
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding + 1),
    ]
    for i in highlight:
        cmds.append(("BACKGROUND", (0, i), (-1, i), REACHED_BG))
    for i in shade:
        cmds.append(("BACKGROUND", (0, i), (-1, i), FAILED_BG))
    if bold_last:
        cmds.append(("LINEABOVE", (0, -1), (-1, -1), 1.0, colors.black))
    t.setStyle(TableStyle(cmds))
    return t


def info_table(pairs: Sequence[tuple[str, str]]) -> Table:
    """Label and value pairs, two to a row, labels shaded: the head of a form."""
    w = CONTENT_W
    rows = []
    for i in range(0, len(pairs), 2):
        left = pairs[i]
        right = pairs[i + 1] if i + 1 < len(pairs) else ("", "")
        rows.append([para(left[0], "head"), para(left[1], "cell"),
                     para(right[0], "head"), para(right[1], "cell")])  # fmt: skip
    t = Table(rows, colWidths=[w * 0.19, w * 0.31, w * 0.19, w * 0.31])
    t.setStyle(TableStyle([
        TABLE_FONT,
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (0, -1), HEAD_BG),
        ("BACKGROUND", (2, 0), (2, -1), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    return t


def signature_block(lang: str, signers: Sequence[tuple[str, date | None]]) -> KeepTogether:
    """Signature lines side by side, as a Thai government form lays them out.

    Each signer is (role, date): the role under the name line (ผู้จัดทำ, ผู้อนุมัติ
    (หัวหน้ากลุ่มงาน)...), and a B.E. date when it is known at printing, dotted
    lines for the signer to fill in when it is not.
    """
    cells = []
    for role, when in signers:
        day = (
            tr("rp.sign.date", lang, date=long_date(when, lang))
            if when
            else tr("rp.sign.date_blank", lang)
        )
        cells.append(
            [
                para(tr("rp.sign.line", lang), "sign"),
                para(tr("rp.sign.name", lang), "sign"),
                para(role, "sign"),
                para(tr("rp.sign.position", lang), "sign"),
                para(day, "sign"),
            ]
        )
    width = CONTENT_W / max(1, len(cells))
    t = Table([cells], colWidths=[width] * len(cells))
    t.setStyle(TableStyle([TABLE_FONT, ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Spacer(1, 8 * mm), t])


@dataclass(frozen=True)
class Frame:
    """What the page header and footer say."""

    title: str
    fiscal_year: int | None
    lang: str


def _canvas_maker(frame: Frame) -> type[Canvas]:
    """A canvas that keeps its pages until the end, so each can say "หน้า x/y"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                _decorate(self, frame, self._pageNumber, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def _draw(canvas: Canvas, flowable: Flowable, x: float, y_top: float, width: float) -> None:
    _, h = flowable.wrapOn(canvas, width, 40 * mm)
    flowable.drawOn(canvas, x, y_top - h)


def _decorate(canvas: Canvas, frame: Frame, page: int, total: int) -> None:
    """Header (office, fiscal year) and footer (title, page x/y), drawn shaped."""
    lang = frame.lang
    canvas.saveState()
    top = PAGE_H - 9 * mm
    _draw(canvas, para(office_name(lang), "header"), MARGIN_X, top, CONTENT_W * 0.75)
    if frame.fiscal_year is not None:
        fy = tr("rp.fy", lang, fy=frame.fiscal_year)
        _draw(canvas, para(fy, "header_r"), MARGIN_X + CONTENT_W * 0.75, top, CONTENT_W * 0.25)
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN_X, PAGE_H - 14 * mm, PAGE_W - MARGIN_X, PAGE_H - 14 * mm)
    canvas.line(MARGIN_X, 13 * mm, PAGE_W - MARGIN_X, 13 * mm)
    bottom = 12 * mm
    _draw(canvas, para(frame.title, "header"), MARGIN_X, bottom, CONTENT_W * 0.75)
    page_text = tr("rp.page", lang, n=page, total=total)
    _draw(canvas, para(page_text, "header_r"), MARGIN_X + CONTENT_W * 0.75, bottom,
          CONTENT_W * 0.25)  # fmt: skip
    canvas.restoreState()


def write_pdf(
    out: Path,
    frame: Frame,
    sections: Sequence[Callable[[], list[Flowable]]],
    progress: Progress,
) -> Path:
    """Lay out `sections` (each a function returning flowables) into `out`, A4.

    progress(done, total) is called before each section and after the layout; it
    may raise catalog.Cancelled, and then no file is left at `out`.
    """
    register_fonts()
    out = Path(out)
    refuse_database_path(out, field="--out")
    tmp = out.with_name(out.name + ".partial")
    total = len(sections) + 1
    try:
        story: list[Flowable] = []
        for i, section in enumerate(sections):
            progress(i, total)
            story.extend(section())
        progress(len(sections), total)
        doc = SimpleDocTemplate(
            str(tmp), pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
            topMargin=18 * mm, bottomMargin=17 * mm, title=frame.title,
            author=office_name(frame.lang), initialFontName=FONT, lang=frame.lang,
        )  # fmt: skip
        doc.build(story, canvasmaker=_canvas_maker(frame))
        progress(total, total)
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out
