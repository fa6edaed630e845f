"""The frame every printed report shares: A4, Sarabun shaped, header, "หน้า x/y", tables.

A report builder makes a list of sections (each a list of flowables), and
`write_pdf` lays them out. Progress is reported between sections, and a
`Cancelled` raised by the callback removes the partial file: a cancelled report
leaves nothing behind.

Page rules every report keeps (issue 16): a heading stays with what follows it; a
table of at most `SHORT_TABLE` rows is never split over two pages, a longer one
repeats its header row on each page and starts with at least a few rows under its
heading; a row taller than a page (a note of any length) splits inside the row
rather than stopping the report; header and footer lines never grow past one line.
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
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import FrameBreak
from reportlab.platypus.flowables import _listWrapOn

from core.calendar import format_date_long, fy_values
from core.i18n import tr
from core.instance import refuse_database_path
from reports.thai_text import FONT, FONT_BOLD, register_fonts
from reports.thai_wrap import WrappedParagraph, text_width

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
# A table of at most this many rows (under its header) is never split over two pages.
SHORT_TABLE = 8
# A longer table starts on the page of its heading only with at least this many rows.
FIRST_ROWS = 3


def _style(name: str, **kw: Any) -> ParagraphStyle:
    # splitLongWords=0: reportlab must never cut inside a word on its own; thai_wrap
    # has already broken every line between words.
    base = dict(fontName=FONT, fontSize=12, leading=17, shaping=1, splitLongWords=0)
    base.update(kw)
    return ParagraphStyle(name, **base)


STYLES: dict[str, ParagraphStyle] = {
    "body": _style("body"),
    "small": _style("small", fontSize=10, leading=14),
    "note": _style("note", fontSize=9.5, leading=13),
    "title": _style("title", fontName=FONT_BOLD, fontSize=17, leading=24, alignment=TA_CENTER),
    "subtitle": _style("subtitle", fontSize=12.5, leading=18, alignment=TA_CENTER),
    "h2": _style(
        "h2",
        fontName=FONT_BOLD,
        fontSize=14,
        leading=20,
        spaceBefore=8,
        spaceAfter=4,
        keepWithNext=1,
    ),  # fmt: skip
    "h3": _style(
        "h3",
        fontName=FONT_BOLD,
        fontSize=12,
        leading=17,
        spaceBefore=5,
        spaceAfter=2,
        keepWithNext=1,
    ),  # fmt: skip
    "cell": _style("cell", fontSize=10.5, leading=14),
    "cell_r": _style("cell_r", fontSize=10.5, leading=14, alignment=TA_RIGHT),
    "cell_c": _style("cell_c", fontSize=10.5, leading=14, alignment=TA_CENTER),
    "head": _style("head", fontName=FONT_BOLD, fontSize=10.5, leading=14),
    "head_c": _style("head_c", fontName=FONT_BOLD, fontSize=10.5, leading=14, alignment=TA_CENTER),
    "form": _style("form", fontSize=10, leading=12.5),
    "form_c": _style("form_c", fontSize=10, leading=12.5, alignment=TA_CENTER),
    "form_head": _style("form_head", fontName=FONT_BOLD, fontSize=10, leading=12.5),
    "form_head_c": _style(
        "form_head_c", fontName=FONT_BOLD, fontSize=10, leading=12.5, alignment=TA_CENTER
    ),  # fmt: skip
    "form_title": _style(
        "form_title", fontName=FONT_BOLD, fontSize=15, leading=19, alignment=TA_CENTER
    ),  # fmt: skip
    "form_subtitle": _style("form_subtitle", fontSize=11, leading=14, alignment=TA_CENTER),
    "form_total": _style("form_total", fontName=FONT_BOLD, fontSize=12, leading=16),
    "form_sign": _style("form_sign", fontSize=10.5, leading=14, alignment=TA_CENTER),
    "cal": _style("cal", fontSize=8.5, leading=10.5),
    "sign": _style("sign", fontSize=11.5, leading=17, alignment=TA_CENTER),
    "header": _style("header", fontSize=9, leading=11),
    "header_r": _style("header_r", fontSize=9, leading=11, alignment=TA_RIGHT),
}


def para(text: object, style: str = "body") -> WrappedParagraph:
    """Plain text (never markup) as a paragraph that wraps between Thai words."""
    return WrappedParagraph("" if text is None else str(text), STYLES[style])


def heading(text: str, level: int = 2) -> WrappedParagraph:
    """A heading; it is kept on the page of what follows it."""
    return para(text, f"h{level}")


def long_date(d: date, lang: str) -> str:
    """`30 กันยายน 2564` (B.E., full Thai month, as signed documents write it)."""
    return format_date_long(d, lang)


def one_line(text: str, style: str, width: float) -> str:
    """`text` cut with an ellipsis to fit one line of `width` (a header or footer line)."""
    st = STYLES[style]
    text = " ".join(str(text).split())
    if text_width(text, st.fontName, st.fontSize) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid].rstrip() + "…", st.fontName, st.fontSize) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


class HeadedTable(KeepTogether):
    """A heading (and the notes under it) kept with at least the first rows of a long table.

    If the heading, the table's header row and `FIRST_ROWS` rows do not fit where the
    page has got to, all of it starts on the next page; otherwise the table splits
    as tables do, its header row repeated.
    """

    def __init__(self, head: Sequence[Flowable], tbl: Table) -> None:
        super().__init__([*head, tbl])
        self._head = list(head)
        self._table = tbl

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 (reportlab's names)
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        # What the frame is handed back starts with an action (as KeepTogether's does): the
        # pieces are then laid out one by one, each free to split (a heading of any length).
        content = [self.NullActionFlowable(), *self._content]
        if self._H <= aH:
            return content
        _, head_h = _listWrapOn(self._head, aW, self.canv)
        self._table.wrapOn(self.canv, aW, aH)
        rows = self._table._rowHeights
        start = sum(rows[: self._table.repeatRows + FIRST_ROWS])
        frame = getattr(self, "_frame", None)
        at_top = bool(frame is not None and getattr(frame, "_atTop", False))
        if at_top:
            return content
        # A table that takes less than a third of a page moves whole, as a short one does.
        small = frame is not None and self._H <= frame._height / 3
        if head_h + start <= aH and not small:
            # The heading's own keepWithNext would bind it to the whole table again, and
            # that moved whole to the next page, leaving this one half empty (new-user
            # finding 13): the first rows are known to fit under it, so it goes alone.
            for f in self._head:
                f.keepWithNext = 0
            return content
        return [FrameBreak(), *content[1:]]


def keep_with(head: Sequence[Flowable], tbl: Table) -> Flowable:
    """`head` (a heading, notes) with the table under it, by the page rules of this module."""
    if len(tbl._cellvalues) - tbl.repeatRows <= SHORT_TABLE:
        return KeepTogether([*head, tbl])
    return HeadedTable(head, tbl)


def table(
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    align: str = "",
    highlight: Iterable[int] = (),
    shade: Iterable[int] = (),
    bold_last: bool = False,
    padding: float = 2,
    styles: tuple[str, str] = ("cell", "head"),
) -> Table:
    """A grid whose first row is a header repeated on every page it runs over.

    `align` gives one letter per column (l, r, c); `highlight` rows (0 = header)
    are green (the reached ladder row), `shade` rows red (a failed item); more
    `padding` leaves room to write by hand (the blank form). A row taller than a
    page splits inside the row (a long note), so no text stops the report.
    """
    align = align.ljust(len(widths), "l")
    body, head = styles
    cell_style = {"l": body, "r": f"{body}_r", "c": f"{body}_c"}
    cell_style = {k: v if v in STYLES else body for k, v in cell_style.items()}
    head_c = f"{head}_c" if f"{head}_c" in STYLES else head
    data = [[c if isinstance(c, Flowable) else para(c, head_c if align[i] == "c" else head)
             for i, c in enumerate(rows[0])]]  # fmt: skip
    for r in rows[1:]:
        data.append([c if isinstance(c, Flowable) else para(c, cell_style[align[i]])
                     for i, c in enumerate(r)])  # fmt: skip
    t = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT", splitInRow=1)
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


def info_table(pairs: Sequence[tuple[str, str]], style: str = "cell") -> Table:
    """Label and value pairs, two to a row, labels shaded: the head of a form."""
    w = CONTENT_W
    label = "form_head" if style == "form" else "head"
    rows = []
    for i in range(0, len(pairs), 2):
        left = pairs[i]
        right = pairs[i + 1] if i + 1 < len(pairs) else ("", "")
        rows.append([para(left[0], label), para(left[1], style),
                     para(right[0], label), para(right[1], style)])  # fmt: skip
    t = Table(rows, colWidths=[w * 0.17, w * 0.33, w * 0.17, w * 0.33], splitInRow=1)
    t.setStyle(TableStyle([
        TABLE_FONT,
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (0, -1), HEAD_BG),
        ("BACKGROUND", (2, 0), (2, -1), HEAD_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))  # fmt: skip
    return t


@dataclass(frozen=True)
class Signer:
    """One signature on a form: what the signer signs as, and who they are if known.

    `name` and `position` print under the signature line; left empty, they print as
    dotted lines to fill in by hand (a login never stands in for a person's name).
    `when` prints as a B.E. date; None leaves the date to write.
    """

    role: str
    name: str = ""
    position: str = ""
    when: date | None = None


def signature_block(
    lang: str, signers: Sequence[Signer], *, space: float = 8 * mm, style: str = "sign"
) -> Flowable:
    """Signature lines side by side, as a Thai government form lays them out."""
    cells = []
    for s in signers:
        day = (
            tr("rp.sign.date", lang, date=long_date(s.when, lang))
            if s.when
            else tr("rp.sign.date_blank", lang)
        )
        name = f"({s.name})" if s.name else tr("rp.sign.name", lang)
        position = (
            tr("rp.sign.position_is", lang, position=s.position)
            if s.position
            else tr("rp.sign.position", lang)
        )
        cells.append([para(text, style) for text in (tr("rp.sign.line", lang), name, position,
                                                      s.role, day)])  # fmt: skip
    width = CONTENT_W / max(1, len(cells))
    t = Table([cells], colWidths=[width] * len(cells), splitInRow=1)
    t.setStyle(
        TableStyle(
            [
                TABLE_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return KeepTogether([Spacer(1, space), t])


@dataclass(frozen=True)
class Frame:
    """What the page header and footer say.

    `subject` is a second header line naming what every page is about (the point and
    round of a form), so a page that came apart from the first still says so.
    """

    title: str
    fiscal_year: int | None
    lang: str
    office: str
    subject: str = ""


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


def _draw(canvas: Canvas, text: str, style: str, x: float, y_top: float, width: float) -> None:
    flowable = para(one_line(text, style, width - 2), style)
    _, h = flowable.wrapOn(canvas, width, 40 * mm)
    flowable.drawOn(canvas, x, y_top - h)


def _decorate(canvas: Canvas, frame: Frame, page: int, total: int) -> None:
    """Header (office, fiscal year, subject) and footer (title, page x/y), one line each."""
    lang = frame.lang
    canvas.saveState()
    top = PAGE_H - 8 * mm
    left_w, right_w = CONTENT_W * 0.74, CONTENT_W * 0.26
    _draw(canvas, frame.office, "header", MARGIN_X, top, left_w)
    if frame.fiscal_year is not None:
        fy = tr("rp.fy", lang, **fy_values(frame.fiscal_year))
        _draw(canvas, fy, "header_r", MARGIN_X + left_w, top, right_w)
    if frame.subject:
        _draw(canvas, frame.subject, "header", MARGIN_X, top - 11, CONTENT_W)
    line_y = PAGE_H - (17 if frame.subject else 13.5) * mm
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN_X, line_y, PAGE_W - MARGIN_X, line_y)
    canvas.line(MARGIN_X, 13 * mm, PAGE_W - MARGIN_X, 13 * mm)
    bottom = 12 * mm
    _draw(canvas, frame.title, "header", MARGIN_X, bottom, left_w)
    page_text = tr("rp.page", lang, n=page, total=total)
    _draw(canvas, page_text, "header_r", MARGIN_X + left_w, bottom, right_w)
    canvas.restoreState()


def write_pdf(
    out: Path,
    frame: Frame,
    sections: Sequence[Callable[[], list[Flowable]]],
    progress: Progress,
    *,
    top_margin: float = 18 * mm,
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
    if frame.subject:
        top_margin = max(top_margin, 21 * mm)
    try:
        story: list[Flowable] = []
        for i, section in enumerate(sections):
            progress(i, total)
            story.extend(section())
        progress(len(sections), total)
        doc = SimpleDocTemplate(
            str(tmp), pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
            topMargin=top_margin, bottomMargin=16 * mm, title=frame.title,
            author=frame.office, initialFontName=FONT, lang=frame.lang,
        )  # fmt: skip
        doc.build(story, canvasmaker=_canvas_maker(frame))
        progress(total, total)
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out
