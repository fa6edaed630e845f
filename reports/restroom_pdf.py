"""Restroom reports (issues 6 and 16): a floor, one round as the form, a blank form.

The round form and the blank form are one A4 page with their signature block, as
the paper form is; a note too long for its cell is shortened there and printed in
full after the signatures, on pages whose header names the point and the round.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle
from sqlite_utils import Database

from core.calendar import format_date, format_datetime, fy_values, today
from core.i18n import tr, tr_n
from core.office import office
from core.resources import RESOURCES
from inspection.actions import list_actions
from inspection.indicator import active_points
from inspection.points import Point, get_point_by_id
from inspection.rounds import Round, deciding_rounds, rounds_for_point
from inspection.standard import Standard, current_standard, standard_by_id
from reports import people
from reports.annual_pdf import action_line, failure_lines
from reports.document import (
    CONTENT_W,
    TABLE_FONT,
    Frame,
    Signer,
    heading,
    info_table,
    keep_with,
    para,
    signature_block,
    table,
    write_pdf,
)
from reports.english import ThaiOnly

Progress = Callable[[int, int], None]
# A note longer than this is shortened in the form's cell and printed whole after it.
CELL_NOTE = 90
ROUND_NOTE = 240


@cache
def _standard_text() -> dict:
    return json.loads((RESOURCES / "standard_v1.json").read_text(encoding="utf-8"))


def scoring_guide() -> dict[str, dict[str, str]]:
    """The scoring guide printed on the paper form (score -> th/en), shipped with the standard."""
    return _standard_text()["scoring_guide"]


def group_names(lang: str) -> dict[str, str]:
    """H, A, S with their names (สะอาด, เพียงพอ, ปลอดภัย), as the form's legend prints them."""
    return {code: names[lang] for code, names in _standard_text()["groups"].items()}


def kind_name(point: Point, lang: str) -> str:
    return tr(f"rp.kind.{point.kind}", lang)


def _result(rnd: Round, lang: str) -> str:
    if rnd.passed is None:
        return tr("rp.state.draft", lang)
    return tr("rp.state.passed" if rnd.passed else "rp.state.failed", lang)


def _quiet(done: int, total: int) -> None:
    """No progress display (the CLI)."""


def _guide(std: Standard, lang: str) -> list[Flowable]:
    guide = scoring_guide()
    scores = [str(s) for s in range(std.max_score, -1, -1)]
    parts = [f"{s} = {guide[s][lang]}" for s in scores if s in guide]
    groups = group_names(lang)
    legend = ", ".join(f"{code} = {groups[code]}" for code in ("H", "A", "S") if code in groups)
    rule = tr("rp.form.rule", lang, item_min=std.item_min, pass_total=std.pass_total,
              max_total=std.max_total)  # fmt: skip
    return [
        para(tr("rp.form.guide", lang, guide=" · ".join(parts)), "note"),
        para(f"{rule} {tr('rp.form.na', lang)}", "note"),
        para(tr("rp.form.groups", lang, groups=legend), "note"),
    ]


# ---------------------------------------------------------------- floor report


def build_floor_pdf(
    db: Database, fy: int, floor: int, out: Path, *, lang: str = "th",
    progress: Progress | None = None,
) -> Path:  # fmt: skip
    """One floor: its points, every failed round of the year, failed items, open actions."""
    # The floor's points as the year's score judges them (one deactivated since still counts).
    points = [p for p in active_points(db, fy) if p.floor == floor]
    deciding = deciding_rounds(db, fy)
    title = tr("rp.floor.title", lang, floor=floor, **fy_values(fy))
    w = CONTENT_W
    on = today()
    thai = ThaiOnly(lang)

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
            keep_with(
                [heading(tr("rp.floor.h.points", lang))],
                table(rows, [w * 0.09, w * 0.37, w * 0.19, w * 0.15, w * 0.1, w * 0.1],
                      align="lllccc", shade=shade),
            ),
        ]  # fmt: skip

    def point_section(p: Point) -> Callable[[], list[Flowable]]:
        def section() -> list[Flowable]:
            finals = [r for r in rounds_for_point(db, p.id, fy)
                      if r.is_final and r.superseded_by is None]  # fmt: skip
            title_p = heading(f"{p.code} {p.name(lang)}")
            if not finals:
                return [title_p, para(tr("rp.floor.no_rounds", lang), "body")]
            failed = [r for r in finals if not r.passed]
            latest = finals[0]
            shown = [r for r in finals if not r.passed or r is latest]
            rows = [[tr("rp.col.round_date", lang), tr("rp.col.inspector", lang),
                     tr("rp.col.total", lang), tr("rp.col.pass", lang),
                     tr("rp.col.why", lang)]]  # fmt: skip
            shade = []
            for rnd in shown:
                why = "-" if rnd.passed else "\n".join(failure_lines(db, rnd, lang))
                rows.append([format_datetime(rnd.inspected_at, lang), rnd.inspector,
                             f"{rnd.total}/80", _result(rnd, lang), why])  # fmt: skip
                if not rnd.passed:
                    shade.append(len(rows) - 1)
            counted = tr("rp.floor.rounds_shown", lang, n=len(finals),
                         passed=len(finals) - len(failed), failed=len(failed))  # fmt: skip
            out: list[Flowable] = [
                keep_with(
                    [title_p, para(counted, "small")],
                    table(rows, [w * 0.2, w * 0.19, w * 0.1, w * 0.1, w * 0.41],
                          align="llccl", shade=shade),
                ),
            ]  # fmt: skip
            std = standard_by_id(db, latest.standard_id)
            verdict = latest.verdict
            if verdict.failed_items:
                irows = [[tr("rp.col.no", lang), tr("rp.col.item", lang),
                          tr("rp.col.score", lang), tr("rp.col.note", lang)]]  # fmt: skip
                for no in verdict.failed_items:
                    irows.append([str(no), std.items[no - 1].text(lang),
                                  str(latest.scores[no - 1]),
                                  thai.value("note", latest.notes.get(no, ""))])  # fmt: skip
                out.append(keep_with([para(tr("rp.floor.failed_items", lang), "h3")],
                                     table(irows, [w * 0.07, w * 0.5, w * 0.1, w * 0.33],
                                           align="clcl")))  # fmt: skip
            actions = list_actions(db, point_id=p.id, open_only=True)
            if actions:
                arows = [[tr("rp.col.open_actions", lang)]]
                shade_a = []
                for a in actions:
                    arows.append([action_line(a, lang, on, thai)])
                    if a.overdue_on(on):
                        shade_a.append(len(arows) - 1)
                out.append(keep_with(
                    [para(tr_n("rp.floor.open_actions", len(actions), lang), "h3")],
                    table(arows, [w], shade=shade_a),
                ))  # fmt: skip
            else:
                out.append(para(tr("rp.floor.no_open_actions", lang), "small"))
            return out

        return section

    def closing() -> list[Flowable]:
        prepared = people.preparer(db, lang)
        head = people.section_head(db, lang)
        note = thai.note()
        # The notes and the signatures under them stay on one page.
        return [
            KeepTogether([
                para(tr("rp.fail.note", lang, date=format_date(on, lang)), "small"),
                *([para(note, "small")] if note else []),
                signature_block(lang, [
                    Signer(tr("rp.sign.prepared", lang), prepared.name, prepared.position, on),
                    Signer(tr("rp.sign.checked", lang), head.name, head.position),
                ]),
            ])
        ]  # fmt: skip

    sections = [summary, *(point_section(p) for p in points), closing]
    frame = Frame(title, fy, lang, office(db).name(lang))
    return write_pdf(out, frame, sections, progress or _quiet)


# ---------------------------------------------------------------- the paper form


def _short(text: str, limit: int, lang: str) -> str:
    """`text` as a form's cell holds it: cut at a word with a pointer to the full text."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return f"{cut}… {tr('rp.form.see_full', lang)}"


def _form_head(std: Standard, lang: str, title: str) -> list[Flowable]:
    return [
        para(title, "form_title"),
        para(std.title_th if lang == "th" else std.title_en, "form_subtitle"),
        Spacer(1, 1.5 * mm),
    ]


def _circles() -> Table:
    """0 1 2 3 4, each in a box wide enough to circle by hand."""
    t = Table([[para(str(s), "form_c") for s in range(5)]], colWidths=[6.2 * mm] * 5)
    t.setStyle(TableStyle([TABLE_FONT, ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 0),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))  # fmt: skip
    return t


def _items_table(std: Standard, lang: str, rnd: Round | None, widths: list[float]) -> Table:
    head = [tr("rp.col.no", lang), tr("rp.col.item_group", lang), tr("rp.col.item", lang),
            tr("rp.col.score", lang), tr("rp.col.note", lang)]  # fmt: skip
    rows: list[list] = [head]
    shade = []
    for item in std.items:
        if rnd is None:
            score, note = _circles(), ""
        else:
            value = rnd.scores[item.no - 1]
            score = "-" if value is None else str(value)
            note = _short(rnd.notes.get(item.no, ""), CELL_NOTE, lang)
            if value is not None and value < std.item_min:
                shade.append(len(rows))
        rows.append([str(item.no), item.group, item.text(lang), score, note])
    t = table(rows, widths, align="cclcl", shade=shade, padding=1 if rnd else 2.1,
              styles=("form", "form_head"))  # fmt: skip
    t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 3),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))  # fmt: skip
    if rnd is None:
        t.setStyle(TableStyle([("VALIGN", (0, 1), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (3, 1), (3, -1), 1)]))  # fmt: skip
    return t


def _full_notes(rnd: Round, std: Standard, lang: str, thai: ThaiOnly) -> list[Flowable]:
    """The notes the form had to shorten, in full, after the signatures (a second page)."""
    long_items = [
        no for no, text in sorted(rnd.notes.items()) if len(" ".join(text.split())) > CELL_NOTE
    ]
    long_note = len(" ".join(rnd.note.split())) > ROUND_NOTE
    if not long_items and not long_note:
        return []
    out: list[Flowable] = [heading(tr("rp.form.full_notes", lang))]
    for no in long_items:
        out.append(para(tr("rp.form.item_note", lang, no=no, text=std.items[no - 1].text(lang)),
                        "h3"))  # fmt: skip
        out.append(para(thai.value("note", rnd.notes[no]), "body"))
    if long_note:
        out.append(para(tr("rp.form.round_note", lang), "h3"))
        out.append(para(thai.value("note", rnd.note), "body"))
    return out


FORM_WIDTHS = [CONTENT_W * f for f in (0.05, 0.075, 0.515, 0.09, 0.27)]
BLANK_WIDTHS = [CONTENT_W * f for f in (0.05, 0.075, 0.505, 0.18, 0.19)]


def round_subject(point: Point, rnd: Round, lang: str) -> str:
    """What every page of a round's form is about: the point and the round."""
    return tr("rp.form.subject", lang, code=point.code, point=point.name(lang),
              when=format_datetime(rnd.inspected_at, lang), id=rnd.uuid)  # fmt: skip


def build_round_pdf(
    db: Database, rnd: Round, out: Path, *, lang: str = "th", progress: Progress | None = None
) -> Path:
    """One round as the paper form reads: 20 items, scores, notes, total, result, signatures."""
    point = get_point_by_id(db, rnd.point_id)
    std = standard_by_id(db, rnd.standard_id)
    title = tr("rp.round.title", lang)
    thai = ThaiOnly(lang)

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
            reason = _short(thai.value("reason_fix", rnd.reason), CELL_NOTE, lang)
            pairs.append((tr("rp.col.reason_fix", lang), reason))
        return [*_form_head(std, lang, title), info_table(pairs, "form")]

    def items() -> list[Flowable]:
        for text in rnd.notes.values():
            thai.value("note", text)
        return [Spacer(1, 1.5 * mm), _items_table(std, lang, rnd, FORM_WIDTHS)]

    def result() -> list[Flowable]:
        verdict = rnd.verdict
        failed = tr("rp.round.failed", lang,
                    items=", ".join(str(n) for n in verdict.failed_items) or "-")  # fmt: skip
        if not verdict.in_band and not verdict.failed_items:
            # A round that failed on its total alone says so, rather than "items failed: -".
            failed = tr("rp.fail.total_only", lang, total=verdict.total, needed=std.pass_total,
                        max_total=std.max_total)  # fmt: skip
        note = _short(thai.value("note", rnd.note), ROUND_NOTE, lang) or "-"
        inspector = people.inspector(rnd.inspector, lang)
        head_ = people.section_head(db, lang)
        total = tr("rp.round.total", lang, total=rnd.total, max_total=std.max_total,
                   result=_result(rnd, lang))  # fmt: skip
        out: list[Flowable] = [
            KeepTogether([
                Spacer(1, 1.5 * mm),
                para(total, "form_total"),
                para(failed, "form"),
                para(tr("rp.round.note", lang, note=note), "form"),
                *_guide(std, lang),
            ]),
            signature_block(lang, [
                Signer(tr("rp.sign.inspector", lang), inspector.name, inspector.position,
                       rnd.inspected_at.date()),
                Signer(tr("rp.sign.checked", lang), head_.name, head_.position),
            ], space=3 * mm, style="form_sign"),
        ]  # fmt: skip
        out += _full_notes(rnd, std, lang, thai)
        note_en = thai.note()
        if note_en:
            out.append(para(note_en, "note"))
        return out

    frame = Frame(title, rnd.fiscal_year, lang, office(db).name(lang),
                  subject=round_subject(point, rnd, lang))  # fmt: skip
    return write_pdf(out, frame, [head, items, result], progress or _quiet)


def build_blank_form_pdf(
    db: Database, point: Point, out: Path, *, lang: str = "th", fy: int | None = None,
    progress: Progress | None = None,
) -> Path:  # fmt: skip
    """The form for `point` with nothing filled in, to take on paper when there is no laptop.

    It names a fiscal year only when asked for one (`fy`): the inspector writes the date.
    """
    std = current_standard(db)
    title = tr("rp.round.title", lang)
    blank = ".........................................."

    def head() -> list[Flowable]:
        pairs = [
            (tr("rp.col.point", lang), f"{point.code} {point.name(lang)}"),
            (tr("rp.col.kind", lang), kind_name(point, lang)),
            (tr("rp.col.date_dmy", lang), tr("rp.form.date_blank", lang)),
            (tr("rp.col.time", lang), tr("rp.form.time_blank", lang)),
            (tr("rp.col.inspector", lang), blank),
            (tr("rp.col.round_no", lang), blank),
        ]
        return [*_form_head(std, lang, title), info_table(pairs, "form")]

    def items() -> list[Flowable]:
        return [
            Spacer(1, 1 * mm),
            para(tr("rp.form.circle", lang), "note"),
            _items_table(std, lang, None, BLANK_WIDTHS),
        ]

    def result() -> list[Flowable]:
        head_ = people.section_head(db, lang)
        return [
            KeepTogether([
                Spacer(1, 1.5 * mm),
                para(tr("rp.form.total_blank", lang, max_total=std.max_total), "form_total"),
                para(tr("rp.form.note_blank", lang), "form"),
                *_guide(std, lang),
            ]),
            signature_block(lang, [
                Signer(tr("rp.sign.inspector", lang), "", tr("rp.pos.inspector", lang)),
                Signer(tr("rp.sign.checked", lang), head_.name, head_.position),
            ], space=3 * mm, style="form_sign"),
        ]  # fmt: skip

    subject = tr("rp.form.blank_subject", lang, code=point.code, point=point.name(lang))
    frame = Frame(title, fy, lang, office(db).name(lang), subject=subject)
    return write_pdf(out, frame, [head, items, result], progress or _quiet)
