"""The annual summary a section head signs (issue 6, report 1), A4, Thai first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer
from sqlite_utils import Database

from core.audit import head_hash
from core.calendar import format_date, format_datetime, from_utc, today
from core.i18n import tr
from core.ladder import LEVEL_SCORES
from core.plan import PlanStep, months_text, plan_for_year, plan_progress, project_title
from core.rounding import pct_text
from inspection.indicator import active_points, ladder_rows
from inspection.rounds import deciding_rounds
from reports.charts import percent_bars
from reports.document import CONTENT_W, Frame, heading, para, signature_block, table, write_pdf
from security.events import GuardEvent, category_name
from security.indicator import INCIDENT_LADDER, coverage_line, events_of_year
from summary.score import AnnualScore, annual_score

Progress = Callable[[int, int], None]


def _pct(value: float | None) -> str:
    return pct_text(value)


def _indicators(score: AnnualScore, lang: str) -> list[Flowable]:
    r, inc = score.restrooms, score.incidents
    w = CONTENT_W
    rows = [
        [tr("rp.col.indicator", lang), tr("rp.col.result", lang), tr("rp.col.level", lang),
         tr("rp.col.score", lang)],
        [tr("rp.ind.restrooms", lang),
         tr("rp.rest_result", lang, passing=r.points_passing, total=r.points_total,
            pct=_pct(r.points_pct), plevel=r.points_level, sat=_pct(r.satisfaction_pct),
            n=r.respondents, slevel=r.satisfaction_level),
         str(r.level), f"{r.score:g}/15"],
        [tr("rp.ind.incidents", lang),
         # Beside the level, what it rests on: the year's shifts without a signed report.
         tr("rp.inc_result", lang, counted=inc.counted, not_counted=inc.not_counted,
            pending=inc.pending) + "\n" + coverage_line(inc, lang),
         str(inc.level), f"{inc.score:g}/15"],
        [tr("rp.total", lang), "", "", f"{score.total_score:g}/30"],
    ]  # fmt: skip
    out: list[Flowable] = [
        heading(tr("rp.h.indicators", lang)),
        table(rows, [w * 0.34, w * 0.42, w * 0.1, w * 0.14], align="llcr", bold_last=True),
    ]
    if inc.pending:
        out.append(para(tr("rp.pending_warning", lang, n=inc.pending), "small"))
    ladder = [[tr("rp.col.level", lang), tr("rp.col.condition", lang),
               tr("rp.col.result_pct", lang), tr("rp.col.score", lang)]]  # fmt: skip
    reached = []
    for i, row in enumerate(ladder_rows(r.points_total or 27), start=1):
        ladder.append([str(row.level), row.condition_th if lang == "th" else row.condition_en,
                       f"{row.result_pct}%", f"{row.score:g}"])  # fmt: skip
        if row.level == r.level:
            reached.append(i)
    out += [
        heading(tr("rp.h.ladder_rest", lang)),
        table(ladder, [w * 0.1, w * 0.62, w * 0.14, w * 0.14], align="clcc", highlight=reached),
        para(tr("rp.reached", lang, level=r.level), "small"),
    ]
    ladder = [[tr("rp.col.level", lang), tr("rp.col.condition", lang),
               tr("rp.col.result_pct", lang), tr("rp.col.score", lang)]]  # fmt: skip
    reached = []
    for i, (level, key) in enumerate(INCIDENT_LADDER, start=1):
        pct, pts = LEVEL_SCORES[level]
        ladder.append([str(level), tr(key, lang), f"{pct}%", f"{pts:g}"])
        if level == inc.level:
            reached.append(i)
    out += [
        heading(tr("rp.h.ladder_inc", lang)),
        table(ladder, [w * 0.1, w * 0.62, w * 0.14, w * 0.14], align="clcc", highlight=reached),
        para(tr("rp.reached", lang, level=inc.level), "small"),
    ]
    return out


def _points(db: Database, fy: int, score: AnnualScore, lang: str) -> list[Flowable]:
    w = CONTENT_W
    deciding = deciding_rounds(db, fy)
    rows = [[tr("rp.col.code", lang), tr("rp.col.point", lang), tr("rp.col.round_date", lang),
             tr("rp.col.total", lang), tr("rp.col.pass", lang)]]  # fmt: skip
    failed = []
    for p in active_points(db, fy):
        rnd = deciding.get(p.id)
        if rnd is None:
            rows.append([p.code, p.name(lang), "-", "-", tr("rp.state.unchecked", lang)])
            failed.append(len(rows) - 1)
            continue
        rows.append([p.code, p.name(lang), format_date(rnd.inspected_at.date(), lang),
                     f"{rnd.total}/80",
                     tr("rp.state.passed" if rnd.passed else "rp.state.failed", lang)])  # fmt: skip
        if not rnd.passed:
            failed.append(len(rows) - 1)
    out: list[Flowable] = [
        heading(tr("rp.h.points", lang)),
        para(tr("rp.points_note", lang), "small"),
        table(
            rows, [w * 0.11, w * 0.45, w * 0.17, w * 0.12, w * 0.15], align="llccc", shade=failed
        ),  # fmt: skip
    ]
    needs = score.restrooms.needs
    if needs:
        out.append(heading(tr("rp.h.needs", lang)))
        out += [para(n.th if lang == "th" else n.en, "small") for n in needs]
    return out


def _survey(score: AnnualScore, lang: str) -> list[Flowable]:
    w = CONTENT_W
    sat = score.restrooms.satisfaction
    rows = [[tr("rp.col.group", lang), tr("rp.col.respondents", lang),
             tr("rp.col.satisfied", lang), tr("rp.col.pct", lang)]]  # fmt: skip
    labels, values = [], []
    for g, t in sat.by_group.items():
        rows.append([tr(f"rp.group.{g}", lang), str(t.respondents), str(t.satisfied), _pct(t.pct)])
        labels.append(tr(f"rp.group.{g}", lang))
        values.append(t.pct)
    rows.append([tr("rp.all", lang), str(sat.respondents), str(sat.satisfied), _pct(sat.pct)])
    labels.append(tr("rp.all", lang))
    values.append(sat.pct)
    return [
        heading(tr("rp.h.survey", lang)),
        para(tr("rp.survey_rule", lang), "small"),
        table(rows, [w * 0.4, w * 0.2, w * 0.2, w * 0.2], align="lrrr", bold_last=True),
        Spacer(1, 3 * mm),
        percent_bars(
            labels, values, CONTENT_W * 0.9, target=90, target_label=tr("rp.target", lang, pct=90)
        ),  # fmt: skip
    ]


def event_rows(events: list[GuardEvent], lang: str) -> list[list[str]]:
    rows = [[tr("rp.col.date", lang), tr("rp.col.category", lang), tr("rp.col.place", lang),
             tr("rp.col.description", lang), tr("rp.col.reason", lang)]]  # fmt: skip
    for e in events:
        reason = e.reason or tr("rp.no_reason_yet", lang)
        rows.append([f"{format_date(e.day, lang)} {e.at:%H:%M}", category_name(e.category, lang),
                     e.place, e.description, reason])  # fmt: skip
    return rows


def _incidents(db: Database, fy: int, lang: str) -> list[Flowable]:
    w = CONTENT_W
    widths = [w * 0.15, w * 0.13, w * 0.15, w * 0.3, w * 0.27]
    events = events_of_year(db, fy)
    out: list[Flowable] = [heading(tr("rp.h.incidents", lang))]
    for status in ("counts", "not", "pending"):
        mine = [e for e in events if e.status == status]
        out.append(para(tr(f"rp.events.{status}", lang, n=len(mine)), "body"))
        if mine:
            out.append(table(event_rows(mine, lang), widths))
        out.append(Spacer(1, 2 * mm))
    return out


def step_rows(steps: list[PlanStep], lang: str) -> list[list[str]]:
    rows = [[tr("rp.col.step", lang), tr("rp.col.activity", lang), tr("rp.col.weight", lang),
             tr("rp.col.cumulative", lang), tr("rp.col.months", lang), tr("rp.col.done", lang),
             tr("rp.col.evidence", lang)]]  # fmt: skip
    for s in steps:
        rows.append([str(s.step_no), s.title(lang), f"{s.weight:g}", f"{min(s.cumulative, 100):g}",
                     months_text(s.months, lang),
                     format_date(s.done_date, lang) if s.done_date else "-",
                     s.evidence or "-"])  # fmt: skip
    return rows


def _plan(db: Database, fy: int, lang: str) -> list[Flowable]:
    w = CONTENT_W
    widths = [w * 0.07, w * 0.33, w * 0.08, w * 0.08, w * 0.12, w * 0.14, w * 0.18]
    steps = plan_for_year(db, fy)
    out: list[Flowable] = [heading(tr("rp.h.plan", lang))]
    for project in sorted({s.project for s in steps}):
        mine = [s for s in steps if s.project == project]
        out.append(para(tr("rp.project_progress", lang, title=project_title(db, fy, project, lang),
                           pct=f"{plan_progress(mine):g}"), "body"))  # fmt: skip
        out.append(table(step_rows(mine, lang), widths, align="clrrlll"))
        out.append(Spacer(1, 3 * mm))
    return out


def signature_lines(
    db: Database, fy: int, lang: str, score: AnnualScore | None = None
) -> list[str]:
    """What the paper says of the signature recorded in the app (summary.signing).

    The head hash of the signature is the one `check --against` proves history by; a
    score that changed after signing is said plainly, so nobody signs paper that
    differs from what was signed in the app without seeing it. `score`: the year's
    score when the caller has it already (the summary does).
    """
    from summary.score import score_json
    from summary.signing import latest_signature

    sig = latest_signature(db, fy)
    if sig is None:
        return [tr("rp.signed.none", lang)]
    at = format_datetime(from_utc(sig.at), lang)
    lines = [tr("rp.signed", lang, who=sig.signed_by, at=at, head=sig.head)]
    if score_json(score or annual_score(db, fy)) != sig.score:
        lines.append(tr("rp.signed.changed", lang))
    return lines


def _closing(db: Database, score: AnnualScore, lang: str) -> list[Flowable]:
    return [
        signature_block(
            lang, [(tr("rp.sign.prepared", lang), today()), (tr("rp.sign.approved", lang), None)]
        ),  # fmt: skip
        Spacer(1, 6 * mm),
        *[para(line, "small") for line in signature_lines(db, score.fiscal_year, lang, score)],
        para(tr("rp.anchor", lang, head=head_hash(db)), "small"),
    ]


def build_annual_pdf(
    db: Database, fy: int, out: Path, *, lang: str = "th", progress: Progress | None = None
) -> Path:
    """Write the annual summary of fiscal year `fy` to `out`."""
    score = annual_score(db, fy)
    title = tr("rp.annual.title", lang, fy=fy)
    sections = [
        lambda: [
            para(title, "title"),
            para(tr("rp.office_full", lang), "subtitle"),
            Spacer(1, 3 * mm),
            *_indicators(score, lang),
        ],  # fmt: skip
        lambda: _points(db, fy, score, lang),
        lambda: _survey(score, lang),
        lambda: _incidents(db, fy, lang),
        lambda: _plan(db, fy, lang),
        lambda: _closing(db, score, lang),
    ]
    frame = Frame(title, fy, lang)
    return write_pdf(out, frame, sections, progress or (lambda done, total: None))
