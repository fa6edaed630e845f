"""`hub report city`: the city's year on A4, one row per office, best first.

Built on the reports' page frame (reports/document.py: Sarabun shaped, Thai lines broken
between words, B.E. years, "หน้า x/y"), so it prints and searches as every other report.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from core.calendar import fy_values
from core.i18n import tr
from hub.score import OfficeYear, city_summary, ranked
from reports.document import CONTENT_W, Frame, heading, para, table, write_pdf


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def build_city_pdf(years: list[OfficeYear], fy: int, out: Path, *, lang: str = "th") -> Path:
    title = tr("hub.city.title", lang, **fy_values(fy))
    summary = city_summary(years)
    order = ranked(years)

    def head() -> list[Flowable]:
        rows = [
            [
                tr("hub.city.level", lang),
                tr("hub.city.restrooms", lang),
                tr("hub.city.incidents", lang),
            ]
        ]
        for level in range(5, -1, -1):
            rows.append(
                [
                    str(level),
                    str(summary["restroom_levels"][str(level)]),
                    str(summary["incident_levels"][str(level)]),
                ]
            )
        w = CONTENT_W
        return [
            para(title, "title"),
            para(tr("hub.city.subtitle", lang, n=summary["offices"]), "subtitle"),
            Spacer(1, 3 * mm),
            para(
                tr(
                    "hub.city.points",
                    lang,
                    passing=summary["points_passing"],
                    total=summary["points_total"],
                    pct=_pct(summary["points_pct"]),
                ),
                "body",
            ),
            Spacer(1, 2 * mm),
            table(rows, [w * 0.3, w * 0.35, w * 0.35], align="ccc"),
        ]

    def offices() -> list[Flowable]:
        rows = [
            [
                tr("hub.city.col.no", lang),
                tr("hub.city.col.office", lang),
                tr("hub.city.col.points", lang),
                tr("hub.city.col.satisfied", lang),
                tr("hub.city.col.r_level", lang),
                tr("hub.city.col.incidents", lang),
                tr("hub.city.col.i_level", lang),
                tr("hub.city.col.score", lang),
            ]
        ]
        shade = []
        for n, y in enumerate(order, start=1):
            r, i = y.score["restrooms"], y.score["incidents"]
            pending = tr("hub.city.pending", lang, n=i["pending"]) if i["pending"] else ""
            rows.append([str(n), f"{y.code} {y.name(lang)}",
                         f"{r['points_passing']}/{r['points_total']}",
                         _pct(r["satisfaction_pct"]), str(r["level"]), f"{i['counted']}{pending}",
                         str(i["level"]), f"{y.total:g}"])  # fmt: skip
            if not y.sent:
                shade.append(n)
        w = CONTENT_W
        widths = [w * 0.06, w * 0.26, w * 0.09, w * 0.12, w * 0.12, w * 0.12, w * 0.12, w * 0.09]
        return [
            heading(tr("hub.city.by_office", lang)),
            table(rows, widths, align="clrrcrcr", shade=shade),
        ]

    def silent() -> list[Flowable]:
        quiet = [y for y in order if not y.sent]
        out: list[Flowable] = [heading(tr("hub.city.silent", lang))]
        if not quiet:
            return [*out, para(tr("hub.city.silent_none", lang), "body")]
        out.append(para(tr("hub.city.silent_intro", lang, n=len(quiet), **fy_values(fy)), "body"))
        out.extend(
            para(f"• {y.code} {y.name(lang)}", "body") for y in sorted(quiet, key=lambda y: y.code)
        )
        return out

    frame = Frame(title, fy, lang, tr("hub.city.office", lang))
    return write_pdf(out, frame, [head, offices, silent], lambda done, total: None)
