"""The annual summary a section head signs (issue 6, report 1), A4, Thai first."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlite_utils import Database

from core.audit import head_hash
from core.calendar import format_date, format_date_long, today
from core.i18n import tr
from core.plan import plan_for_year, plan_progress, project_title
from inspection.indicator import ladder_rows
from inspection.points import list_points
from inspection.rounds import deciding_rounds
from reports.annual import annual_score
from reports.thai_text import FONT, FONT_BOLD, register_fonts
from security.guard import CATEGORY_NAMES, events_of_year

OFFICE_TH = "กลุ่มงานอาคารสถานที่ ส่วนบริหารกลาง สำนักงานเลขานุการปลัดกรุงเทพมหานคร"
OFFICE_EN = "Building Office, Central Administration, Office of the Permanent Secretary, BMA"


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=17, shaping=1)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=10, leading=14),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=FONT_BOLD, fontSize=17, leading=24, alignment=1
        ),  # fmt: skip
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=14,
            leading=20,
            spaceBefore=8,
            spaceAfter=4,
        ),  # fmt: skip
        "cell": ParagraphStyle("cell", parent=base, fontSize=10.5, leading=14),
        "head": ParagraphStyle(
            "head", parent=base, fontName=FONT_BOLD, fontSize=10.5, leading=14
        ),  # fmt: skip
    }


def _table(rows: list[list[str]], widths: list[float], st: dict, highlight: int | None = None):
    data = [[Paragraph(c, st["head"]) for c in rows[0]]] + [
        [Paragraph(str(c), st["cell"]) for c in r] for r in rows[1:]
    ]
    table = Table(data, colWidths=widths, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if highlight is not None:
        style.append(("BACKGROUND", (0, highlight), (-1, highlight), colors.HexColor("#cfe8d4")))
    table.setStyle(TableStyle(style))
    return table


def build_annual_pdf(db: Database, fy: int, out: Path, *, lang: str = "th") -> Path:
    """Write the annual summary of fiscal year `fy` to `out`."""
    register_fonts()
    st = _styles()
    score = annual_score(db, fy)
    r, inc = score.restrooms, score.incidents
    th = lang == "th"
    story: list = [
        Paragraph(tr("pdf.annual_title", lang, fy=fy), st["h1"]),
        Paragraph(OFFICE_TH if th else OFFICE_EN, st["body"]),
        Spacer(1, 4 * mm),
        Paragraph(tr("pdf.indicators", lang), st["h2"]),
    ]
    sat = "-" if r.satisfaction_pct is None else f"{r.satisfaction_pct:.2f}"
    story.append(_table([
        [tr("pdf.indicator", lang), tr("pdf.result", lang), tr("ind.level", lang),
         tr("ind.score", lang)],
        [tr("ind.restrooms", lang),
         tr("pdf.rest_result", lang, passing=r.points_passing, total=r.points_total, sat=sat,
            n=r.respondents), str(r.level), f"{r.score:g}"],
        [tr("ind.incidents", lang),
         tr("pdf.inc_result", lang, counted=inc.counted, pending=inc.pending), str(inc.level),
         f"{inc.score:g}"],
        [tr("pdf.total", lang), "", "", f"{score.total_score:g}"],
    ], [78 * mm, 56 * mm, 16 * mm, 20 * mm], st))  # fmt: skip

    story.append(Paragraph(tr("pdf.ladder", lang), st["h2"]))
    ladder = [[tr("ind.level", lang), tr("ind.condition", lang), tr("ind.result", lang),
               tr("ind.score", lang)]]  # fmt: skip
    for row in ladder_rows(r.points_total or 27):
        ladder.append([str(row.level), row.condition_th if th else row.condition_en,
                       f"{row.result_pct}%", f"{row.score:g}"])  # fmt: skip
    reached = next((i + 1 for i, row in enumerate(ladder_rows()) if row.level == r.level), None)
    story.append(_table(ladder, [15 * mm, 115 * mm, 20 * mm, 20 * mm], st, reached))

    story.append(Paragraph(tr("pdf.points", lang), st["h2"]))
    deciding = deciding_rounds(db, fy)
    rows = [[tr("col.code", lang), tr("col.name", lang), tr("col.date", lang),
             tr("col.total", lang), tr("col.result", lang)]]  # fmt: skip
    for p in list_points(db):
        rnd = deciding.get(p.id)
        if rnd is None:
            rows.append([p.code, p.name(lang), "-", "-", tr("state.unchecked", lang)])
        else:
            rows.append([p.code, p.name(lang), format_date(rnd.inspected_at.date(), lang),
                         f"{rnd.total}/80",
                         tr("state.passed" if rnd.passed else "state.failed", lang)])  # fmt: skip
    story.append(_table(rows, [18 * mm, 80 * mm, 28 * mm, 20 * mm, 24 * mm], st))

    story.append(Paragraph(tr("pdf.survey", lang), st["h2"]))
    srows = [[tr("survey.group", lang), tr("survey.respondents", lang),
              tr("survey.satisfied", lang), "%"]]  # fmt: skip
    for g, t in r.satisfaction.by_group.items():
        pct = "-" if t.pct is None else f"{t.pct:.2f}"
        srows.append([tr(f"group.{g}", lang), str(t.respondents), str(t.satisfied), pct])
    srows.append([tr("survey.all", lang), str(r.respondents), str(r.satisfaction.satisfied), sat])
    story.append(_table(srows, [50 * mm, 40 * mm, 40 * mm, 40 * mm], st))

    story.append(Paragraph(tr("pdf.incidents", lang), st["h2"]))
    erows = [[tr("col.date", lang), tr("guard.category", lang), tr("guard.description", lang),
              tr("col.status", lang), tr("inc.reason", lang)]]  # fmt: skip
    for e in events_of_year(db, fy):
        cat = CATEGORY_NAMES[e.category][0 if th else 1]
        erows.append([format_date(e.day, lang), cat, e.description, tr(f"inc.{e.status}", lang),
                      e.reason])  # fmt: skip
    story.append(_table(erows, [24 * mm, 24 * mm, 52 * mm, 24 * mm, 46 * mm], st))

    story.append(Paragraph(tr("pdf.plan", lang), st["h2"]))
    steps = plan_for_year(db, fy)
    for project in (1, 2):
        mine = [s for s in steps if s.project == project]
        line = f"{project_title(db, fy, project, lang)}: {plan_progress(mine):g}%"
        story.append(Paragraph(line, st["body"]))

    story += [
        Spacer(1, 10 * mm),
        Paragraph(tr("pdf.prepared", lang, date=format_date_long(today(), lang)), st["body"]),
        Spacer(1, 8 * mm),
        Paragraph(tr("pdf.approved", lang), st["body"]),
        Spacer(1, 6 * mm),
        Paragraph(tr("pdf.anchor", lang, head=head_hash(db)), st["small"]),
    ]

    def page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 9)
        canvas.drawString(18 * mm, A4[1] - 12 * mm, f"{OFFICE_TH if th else OFFICE_EN} · "
                          + tr("fy.n", lang, n=fy))  # fmt: skip
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, tr("pdf.page", lang, n=doc.page))
        canvas.restoreState()

    out = Path(out)
    tmp = out.with_name(out.name + ".partial")
    doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=16 * mm,
                            title=tr("pdf.annual_title", lang, fy=fy))  # fmt: skip
    doc.build(story, onFirstPage=page, onLaterPages=page)
    tmp.replace(out)
    return out
