"""Restroom reports (issue 6, reports 2 and 3): a floor, one round as the form, a blank form."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer
from sqlite_utils import Database

from core.calendar import fiscal_year, format_date, format_datetime, today
from core.i18n import tr
from core.resources import RESOURCES
from inspection.actions import list_actions
from inspection.indicator import active_points
from inspection.points import Point, get_point_by_id
from inspection.rounds import Round, deciding_rounds, rounds_for_point
from inspection.standard import Standard, current_standard, judge, standard_by_id
from reports.document import (
    CONTENT_W,
    Frame,
    heading,
    info_table,
    office_label,
    para,
    signature_block,
    table,
    write_pdf,
)

Progress = Callable[[int, int], None]
# How many of a point's latest final rounds the floor report lists.
LATEST_ROUNDS = 3


@cache
def scoring_guide() -> dict[str, dict[str, str]]:
    """The scoring guide printed on the paper form (score -> th/en), shipped with the standard."""
    data = json.loads((RESOURCES / "standard_v1.json").read_text(encoding="utf-8"))
    return data["scoring_guide"]


def kind_name(point: Point, lang: str) -> str:
    return tr(f"rp.kind.{point.kind}", lang)


def _result(rnd: Round, lang: str) -> str:
    if rnd.passed is None:
        return tr("rp.state.draft", lang)
    return tr("rp.state.passed" if rnd.passed else "rp.state.failed", lang)


def _guide(std: Standard, lang: str) -> list[Flowable]:
    guide = scoring_guide()
    scores = [str(s) for s in range(std.max_score, -1, -1)]
    parts = [f"{s} = {guide[s][lang]}" for s in scores if s in guide]
    return [
        para(tr("rp.form.guide", lang, guide=" · ".join(parts)), "small"),
        para(
            tr(
                "rp.form.rule",
                lang,
                item_min=std.item_min,
                pass_total=std.pass_total,
                max_total=std.max_total,
            ),
            "small",
        ),  # fmt: skip
        para(tr("rp.form.na", lang), "small"),
    ]


# ---------------------------------------------------------------- floor report


def build_floor_pdf(
    db: Database, fy: int, floor: int, out: Path, *, lang: str = "th",
    progress: Progress | None = None,
) -> Path:  # fmt: skip
    """One floor's points, their latest rounds, failed items and open corrective actions."""
    # The floor's points as the year's score judges them (one deactivated since still counts).
    points = [p for p in active_points(db, fy) if p.floor == floor]
    deciding = deciding_rounds(db, fy)
    title = tr("rp.floor.title", lang, floor=floor, fy=fy)
    w = CONTENT_W

    def summary() -> list[Flowable]:
        rows = [[tr("rp.col.code", lang), tr("rp.col.point", lang), tr("rp.col.kind", lang),
                 tr("rp.col.round_date", lang), tr("rp.col.total", lang),
                 tr("rp.col.pass", lang)]]  # fmt: skip
        shade = []
        for p in points:
            rnd = deciding.get(p.id)
            if rnd is None:
                rows.append([p.code, p.name(lang), kind_name(p, lang), "-", "-",
                             tr("rp.state.unchecked", lang)])  # fmt: skip
            else:
                rows.append([p.code, p.name(lang), kind_name(p, lang),
                             format_date(rnd.inspected_at.date(), lang), f"{rnd.total}/80",
                             _result(rnd, lang)])  # fmt: skip
            if rnd is None or not rnd.passed:
                shade.append(len(rows) - 1)
        passing = sum(1 for p in points if deciding.get(p.id) and deciding[p.id].passed)
        return [
            para(title, "title"),
            para(tr("rp.floor.summary", lang, passing=passing, total=len(points)), "subtitle"),
            heading(tr("rp.floor.h.points", lang)),
            table(
                rows,
                [w * 0.1, w * 0.38, w * 0.14, w * 0.14, w * 0.12, w * 0.12],
                align="lllccc",
                shade=shade,
            ),  # fmt: skip
        ]

    def point_section(p: Point) -> Callable[[], list[Flowable]]:
        def section() -> list[Flowable]:
            finals = [r for r in rounds_for_point(db, p.id, fy) if r.is_final]
            out: list[Flowable] = [heading(f"{p.code} {p.name(lang)}")]
            if not finals:
                return [*out, para(tr("rp.floor.no_rounds", lang), "body")]
            rows = [[tr("rp.col.round_date", lang), tr("rp.col.inspector", lang),
                     tr("rp.col.total", lang), tr("rp.col.pass", lang),
                     tr("rp.col.failed_items", lang)]]  # fmt: skip
            shade = []
            for rnd in finals[:LATEST_ROUNDS]:
                std = standard_by_id(db, rnd.standard_id)
                failed = judge([s or 0 for s in rnd.scores], std.item_min, std.pass_total)
                rows.append([format_datetime(rnd.inspected_at, lang), rnd.inspector,
                             f"{rnd.total}/{std.max_total}", _result(rnd, lang),
                             ", ".join(str(n) for n in failed.failed_items) or "-"])  # fmt: skip
                if not rnd.passed:
                    shade.append(len(rows) - 1)
            out.append(table(rows, [w * 0.22, w * 0.24, w * 0.14, w * 0.14, w * 0.26],
                             align="llccl", shade=shade))  # fmt: skip
            latest = finals[0]
            std = standard_by_id(db, latest.standard_id)
            verdict = judge([s or 0 for s in latest.scores], std.item_min, std.pass_total)
            if verdict.failed_items:
                out.append(para(tr("rp.floor.failed_items", lang), "body"))
                rows = [[tr("rp.col.no", lang), tr("rp.col.item", lang), tr("rp.col.score", lang),
                         tr("rp.col.note", lang)]]  # fmt: skip
                for no in verdict.failed_items:
                    rows.append([str(no), std.items[no - 1].text(lang), str(latest.scores[no - 1]),
                                 latest.notes.get(no, "")])  # fmt: skip
                out.append(table(rows, [w * 0.07, w * 0.53, w * 0.1, w * 0.3], align="clcl"))
            actions = list_actions(db, point_id=p.id, open_only=True)
            if actions:
                out.append(para(tr("rp.floor.open_actions", lang, n=len(actions)), "body"))
                rows = [[tr("rp.col.no", lang), tr("rp.col.what", lang), tr("rp.col.who", lang),
                         tr("rp.col.due", lang)]]  # fmt: skip
                for a in actions:
                    rows.append([str(a.item_no), a.what, a.who or "-",
                                 format_date(a.due_date, lang) if a.due_date else "-"])  # fmt: skip
                out.append(table(rows, [w * 0.07, w * 0.55, w * 0.22, w * 0.16], align="clll"))
            else:
                out.append(para(tr("rp.floor.no_open_actions", lang), "small"))
            return out

        return section

    def closing() -> list[Flowable]:
        return [signature_block(lang, [(tr("rp.sign.prepared", lang), today()),
                                       (tr("rp.sign.checked", lang), None)])]  # fmt: skip

    sections = [summary, *(point_section(p) for p in points), closing]
    return write_pdf(
        out, Frame(title, fy, lang, office_label(db, lang)), sections, progress or _quiet
    )


def _quiet(done: int, total: int) -> None:
    """No progress display (the CLI)."""


# ---------------------------------------------------------------- the paper form


def _form_head(std: Standard, lang: str, title: str) -> list[Flowable]:
    return [
        para(title, "title"),
        para(std.title_th if lang == "th" else std.title_en, "subtitle"),
        Spacer(1, 2 * mm),
    ]


def _items_rows(std: Standard, lang: str, rnd: Round | None) -> tuple[list[list[str]], list[int]]:
    head = [tr("rp.col.no", lang), tr("rp.col.item_group", lang), tr("rp.col.item", lang),
            tr("rp.col.score", lang), tr("rp.col.note", lang)]  # fmt: skip
    rows = [head]
    shade = []
    for item in std.items:
        if rnd is None:
            score, note = "0  1  2  3  4", ""
        else:
            value = rnd.scores[item.no - 1]
            score = "-" if value is None else str(value)
            note = rnd.notes.get(item.no, "")
            if value is not None and value < std.item_min:
                shade.append(len(rows))
        rows.append([str(item.no), item.group, item.text(lang), score, note])
    return rows, shade


def build_round_pdf(
    db: Database, rnd: Round, out: Path, *, lang: str = "th", progress: Progress | None = None
) -> Path:
    """One round as the paper form reads: 20 items, scores, notes, total, result, signature."""
    point = get_point_by_id(db, rnd.point_id)
    std = standard_by_id(db, rnd.standard_id)
    title = tr("rp.round.title", lang)
    w = CONTENT_W

    def head() -> list[Flowable]:
        pairs = [
            (tr("rp.col.point", lang), f"{point.code} {point.name(lang)}"),
            (tr("rp.col.kind", lang), kind_name(point, lang)),
            (tr("rp.col.when", lang), format_datetime(rnd.inspected_at, lang)),
            (tr("rp.col.inspector", lang), rnd.inspector),
            (tr("rp.col.status", lang), tr(f"rp.status.{rnd.status}", lang)),
            (tr("rp.col.round_id", lang), rnd.uuid),
        ]
        if rnd.supersedes:
            pairs.append((tr("rp.col.supersedes", lang), rnd.supersedes))
            pairs.append((tr("rp.col.reason_fix", lang), rnd.reason))
        return [*_form_head(std, lang, title), info_table(pairs)]

    def items() -> list[Flowable]:
        rows, shade = _items_rows(std, lang, rnd)
        return [
            Spacer(1, 3 * mm),
            table(
                rows, [w * 0.06, w * 0.07, w * 0.5, w * 0.11, w * 0.26], align="cclcl", shade=shade
            ),  # fmt: skip
        ]

    def result() -> list[Flowable]:
        verdict = judge([s or 0 for s in rnd.scores], std.item_min, std.pass_total)
        failed = ", ".join(str(n) for n in verdict.failed_items) or "-"
        return [
            KeepTogether(
                [
                    Spacer(1, 3 * mm),
                    para(
                        tr(
                            "rp.round.total",
                            lang,
                            total=rnd.total,
                            max_total=std.max_total,
                            result=_result(rnd, lang),
                        ),
                        "h2",
                    ),
                    para(tr("rp.round.failed", lang, items=failed), "body"),
                    para(tr("rp.round.note", lang, note=rnd.note or "-"), "body"),
                    *_guide(std, lang),
                ]
            ),  # fmt: skip
            signature_block(lang, [(tr("rp.sign.inspector", lang), rnd.inspected_at.date())]),
        ]

    frame = Frame(title, rnd.fiscal_year, lang, office_label(db, lang))
    return write_pdf(out, frame, [head, items, result], progress or _quiet)


def build_blank_form_pdf(
    db: Database, point: Point, out: Path, *, lang: str = "th", progress: Progress | None = None
) -> Path:
    """The form for `point` with nothing filled in, to take on paper when there is no laptop."""
    std = current_standard(db)
    title = tr("rp.round.title", lang)
    w = CONTENT_W
    blank = "...................................."

    def head() -> list[Flowable]:
        pairs = [
            (tr("rp.col.point", lang), f"{point.code} {point.name(lang)}"),
            (tr("rp.col.kind", lang), kind_name(point, lang)),
            (tr("rp.col.when", lang), tr("rp.form.when_blank", lang)),
            (tr("rp.col.inspector", lang), blank),
        ]
        return [*_form_head(std, lang, title), info_table(pairs)]

    def items() -> list[Flowable]:
        rows, _ = _items_rows(std, lang, None)
        return [
            Spacer(1, 3 * mm),
            para(tr("rp.form.circle", lang), "small"),
            table(
                rows, [w * 0.06, w * 0.07, w * 0.47, w * 0.16, w * 0.24], align="cclcl", padding=5
            ),  # fmt: skip
        ]

    def result() -> list[Flowable]:
        return [
            KeepTogether(
                [
                    Spacer(1, 3 * mm),
                    para(tr("rp.form.total_blank", lang, max_total=std.max_total), "h2"),
                    para(tr("rp.form.note_blank", lang), "body"),
                    *_guide(std, lang),
                ]
            ),  # fmt: skip
            signature_block(lang, [(tr("rp.sign.inspector", lang), None)]),
        ]

    frame = Frame(title, fiscal_year(today()), lang, office_label(db, lang))
    return write_pdf(out, frame, [head, items, result], progress or _quiet)
