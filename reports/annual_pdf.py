"""The annual summary a section head signs (issues 6 and 16), A4, Thai first.

It follows the plan (action-plan-2564, ตาราง ก and the projects' step tables): the
period covered, then ตัวชี้วัดที่ 1 (incidents, project 1) before ตัวชี้วัดที่ 2
(restrooms, project 2), each with its ladder and its evidence; the failing points
with their failed items' texts and their open and overdue corrective actions; the
projects' steps; the signatures, with the one recorded in the app.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer
from sqlite_utils import Database

from core.audit import head_hash
from core.calendar import (
    fiscal_year_range,
    format_date,
    format_datetime,
    from_utc,
    fy_values,
    now,
    today,
)
from core.i18n import as_label, tr, tr_n
from core.ladder import LEVEL_SCORES
from core.office import office
from core.plan import PlanStep, months_text, plan_for_year, plan_progress, project_title
from core.rounding import pct_text
from inspection.actions import CorrectiveAction, list_actions
from inspection.indicator import active_points, ladder_rows
from inspection.points import Point
from inspection.rounds import Round, deciding_rounds
from inspection.standard import standard_by_id
from reports import people
from reports.charts import PercentBars
from reports.document import (
    CONTENT_W,
    Frame,
    Signer,
    heading,
    keep_with,
    long_date,
    para,
    signature_block,
    table,
    write_pdf,
)
from reports.english import ThaiOnly
from security.events import GuardEvent, category_name
from security.indicator import INCIDENT_LADDER, coverage_line, events_of_year
from security.post_names import post_name, post_names_en
from summary.score import AnnualScore, annual_score

Progress = Callable[[int, int], None]


def _pct(value: float | None) -> str:
    return pct_text(value)


def period_text(fy: int, lang: str) -> str:
    """The period a fiscal year covers, as the summary states it (1 ตุลาคม 2563 - 30 กันยายน 2564)."""
    start, end = fiscal_year_range(fy)
    return tr("rp.period", lang, start=long_date(start, lang), end=long_date(end, lang))


def _summary(score: AnnualScore, lang: str) -> list[Flowable]:
    """Both indicators in the plan's order (ตาราง ก: ลำดับที่ 1 incidents, 2 restrooms)."""
    r, inc = score.restrooms, score.incidents
    w = CONTENT_W
    inc_result = tr("rp.inc_result", lang, counted=inc.counted, not_counted=inc.not_counted,
                    pending=inc.pending)  # fmt: skip
    # Beside the level, what it rests on: the year's shifts without a signed report.
    inc_result += "\n" + coverage_line(inc, lang)
    rows = [
        [tr("rp.col.indicator", lang), tr("rp.col.result", lang), tr("rp.col.level", lang),
         tr("rp.col.score", lang)],
        [tr("rp.ind.incidents", lang), inc_result, str(inc.level), f"{inc.score:g}/15"],
        [tr("rp.ind.restrooms", lang),
         tr("rp.rest_result", lang, passing=r.points_passing, total=r.points_total,
            pct=_pct(r.points_pct), plevel=r.points_level, sat=_pct(r.satisfaction_pct),
            n=r.respondents, slevel=r.satisfaction_level),
         str(r.level), f"{r.score:g}/15"],
        [tr("rp.total", lang), "", "", f"{score.total_score:g}/30"],
    ]  # fmt: skip
    out: list[Flowable] = [
        keep_with(
            [heading(tr("rp.h.indicators", lang))],
            table(rows, [w * 0.36, w * 0.42, w * 0.09, w * 0.13], align="llcr", bold_last=True),
        )
    ]
    if inc.pending:
        out.append(para(tr_n("rp.pending_warning", inc.pending, lang), "small"))
    return out


def _indicator_head(title: str, rule: str, rows: list[list[str]], reached: list[int],
                    level: int, lang: str) -> list[Flowable]:  # fmt: skip
    """An indicator's heading, its rule and its ladder kept together, then the level reached."""
    return [
        keep_with(
            [heading(tr(title, lang)), para(tr(rule, lang), "small"),
             heading(tr("rp.h.ladder", lang), 3)],
            _ladder_table(rows, reached, lang),
        ),
        para(tr("rp.reached", lang, level=level), "small"),
    ]  # fmt: skip


def _ladder_table(rows: list[list[str]], reached: list[int], lang: str):
    w = CONTENT_W
    head = [tr("rp.col.level", lang), tr("rp.col.condition", lang), tr("rp.col.result_pct", lang),
            tr("rp.col.score", lang)]  # fmt: skip
    return table([head, *rows], [w * 0.1, w * 0.62, w * 0.14, w * 0.14], align="clcc",
                 highlight=reached)  # fmt: skip


def _incidents(db: Database, score: AnnualScore, lang: str, thai: ThaiOnly) -> list[Flowable]:
    inc = score.incidents
    rows, reached = [], []
    for i, (level, key) in enumerate(INCIDENT_LADDER, start=1):
        pct, pts = LEVEL_SCORES[level]
        rows.append([str(level), tr(key, lang), f"{pct}%", f"{pts:g}"])
        if level == inc.level:
            reached.append(i)
    out = _indicator_head("rp.h.ind1", "rp.ind1.rule", rows, reached, inc.level, lang)
    events = events_of_year(db, score.fiscal_year)
    posts = post_names_en(db)
    for status in ("counts", "not", "pending"):
        mine = [e for e in events if e.status == status]
        title = heading(tr_n(f"rp.events.{status}", len(mine), lang), 3)
        if mine:
            out.append(keep_with([title], event_table(mine, lang, thai, posts)))
        else:
            out.append(title)
            out.append(para(tr("rp.events.none", lang), "small"))
    return out


def event_rows(
    events: list[GuardEvent], lang: str, thai: ThaiOnly, posts: dict[str, str] | None = None
) -> list[list[str]]:
    """Events as table rows; a place that is a guard post prints by its English name."""
    rows = [[tr("rp.col.date", lang), tr("rp.col.category", lang), tr("rp.col.place", lang),
             tr("rp.col.description", lang), tr("rp.col.reason", lang)]]  # fmt: skip
    for e in events:
        reason = thai.value("reason", e.reason) if e.reason else tr("rp.no_reason_yet", lang)
        place = post_name(posts or {}, e.place, lang)
        category = as_label(category_name(e.category, lang))
        rows.append([f"{format_date(e.day, lang)} {e.at:%H:%M}", category,
                     thai.value("place", place), thai.value("description", e.description),
                     reason])  # fmt: skip
    return rows


EVENT_WIDTHS = (0.15, 0.14, 0.15, 0.29, 0.27)


def event_table(events: list[GuardEvent], lang: str, thai: ThaiOnly, posts: dict[str, str]):
    return table(event_rows(events, lang, thai, posts), [CONTENT_W * f for f in EVENT_WIDTHS])


def _restrooms(db: Database, score: AnnualScore, lang: str, thai: ThaiOnly) -> list[Flowable]:
    r = score.restrooms
    w = CONTENT_W
    rows, reached = [], []
    for i, row in enumerate(ladder_rows(r.points_total or 27), start=1):
        rows.append([str(row.level), row.condition_th if lang == "th" else row.condition_en,
                     f"{row.result_pct}%", f"{row.score:g}"])  # fmt: skip
        if row.level == r.level:
            reached.append(i)
    out = _indicator_head("rp.h.ind2", "rp.ind2.rule", rows, reached, r.level, lang)
    deciding = deciding_rounds(db, score.fiscal_year)
    points = active_points(db, score.fiscal_year)
    prow = [[tr("rp.col.code", lang), tr("rp.col.point", lang), tr("rp.col.round_date", lang),
             tr("rp.col.total", lang), tr("rp.col.pass", lang)]]  # fmt: skip
    failed_rows = []
    for p in points:
        rnd = deciding.get(p.id)
        if rnd is None:
            prow.append([p.code, p.name(lang), "-", "-", tr("rp.state.unchecked", lang)])
        else:
            state = tr("rp.state.passed" if rnd.passed else "rp.state.failed", lang)
            prow.append([p.code, p.name(lang), format_date(rnd.inspected_at.date(), lang),
                         f"{rnd.total}/80", state])  # fmt: skip
        if rnd is None or not rnd.passed:
            failed_rows.append(len(prow) - 1)
    out.append(
        keep_with(
            [heading(tr("rp.h.points", lang), 3), para(tr("rp.points_note", lang), "small")],
            table(prow, [w * 0.11, w * 0.47, w * 0.17, w * 0.12, w * 0.13], align="llccc",
                  shade=failed_rows),
        )
    )  # fmt: skip
    failing = [p for p in points if deciding.get(p.id) is None or not deciding[p.id].passed]
    out += failing_points(db, failing, deciding, lang, thai)
    out += _survey(score, lang)
    return out


def failure_lines(db: Database, rnd: Round | None, lang: str) -> list[str]:
    """Why a point fails in its deciding round: each failed item by its text, or the total."""
    if rnd is None:
        return [tr("rp.fail.no_round", lang)]
    std = standard_by_id(db, rnd.standard_id)
    verdict = rnd.verdict
    lines = [
        tr("rp.fail.item", lang, no=no, text=std.items[no - 1].text(lang),
           score=rnd.scores[no - 1], min=std.item_min)
        for no in verdict.failed_items
    ]  # fmt: skip
    if not verdict.in_band:
        key = "rp.fail.total_only" if not verdict.failed_items else "rp.fail.total"
        lines.append(tr(key, lang, total=verdict.total, needed=std.pass_total,
                        max_total=std.max_total))  # fmt: skip
    return lines


def action_line(
    a: CorrectiveAction, lang: str, on: date | None = None, thai: ThaiOnly | None = None
) -> str:
    """An open corrective action as one line: item, what, who, due, and overdue said plainly."""
    on = on or today()
    due = format_date(a.due_date, lang) if a.due_date else tr("rp.action.no_due", lang)
    what = thai.value("what", a.what) if thai else a.what
    text = tr("rp.action.line", lang, no=a.item_no, what=what, who=a.who or "-", due=due)
    if a.overdue_on(on):
        text += " — " + tr_n("rp.action.overdue", (on - a.due_date).days, lang)
    return text


def failing_points(
    db: Database, failing: list[Point], deciding: dict[int, Round], lang: str, thai: ThaiOnly
) -> list[Flowable]:
    """Each failing point: what failed (the items' texts) and its open corrective actions."""
    if not failing:
        return [para(tr("rp.fail.none", lang), "small")]
    w = CONTENT_W
    rows = [[tr("rp.col.point", lang), tr("rp.col.why", lang), tr("rp.col.open_actions", lang)]]
    shade = []
    on = today()
    for p in failing:
        actions = list_actions(db, point_id=p.id, open_only=True)
        lines = [action_line(a, lang, on, thai) for a in actions] or [tr("rp.action.none", lang)]
        why = "\n".join(failure_lines(db, deciding.get(p.id), lang))
        rows.append([f"{p.code} {p.name(lang)}", why, "\n".join(lines)])
        if any(a.overdue_on(on) for a in actions):
            shade.append(len(rows) - 1)
    note = para(tr("rp.fail.note", lang, date=format_date(on, lang)), "small")
    return [
        keep_with(
            [heading(tr("rp.h.needs", lang), 3), note],
            table(rows, [w * 0.24, w * 0.4, w * 0.36], shade=shade),
        )
    ]


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
    chart = PercentBars(labels, values, CONTENT_W * 0.9, target=90,
                        target_label=tr("rp.target", lang, pct=90))  # fmt: skip
    return [
        keep_with(
            [heading(tr("rp.h.survey", lang), 3), para(tr("rp.survey_rule", lang), "small")],
            table(rows, [w * 0.4, w * 0.2, w * 0.2, w * 0.2], align="lrrr", bold_last=True),
        ),
        KeepTogether([Spacer(1, 3 * mm), para(tr("rp.chart.title", lang), "h3"), chart]),
    ]


def step_rows(steps: list[PlanStep], lang: str, thai: ThaiOnly) -> list[list[str]]:
    rows = [[tr("rp.col.step", lang), tr("rp.col.activity", lang), tr("rp.col.weight", lang),
             tr("rp.col.cumulative", lang), tr("rp.col.months", lang), tr("rp.col.done", lang),
             tr("rp.col.evidence", lang)]]  # fmt: skip
    for s in steps:
        evidence = s.evidence_text(lang)
        rows.append([str(s.step_no), s.title(lang), f"{s.weight:g}", f"{min(s.cumulative, 100):g}",
                     months_text(s.months, lang),
                     format_date(s.done_date, lang) if s.done_date else "-",
                     thai.value("evidence", evidence) or "-"])  # fmt: skip
    return rows


def weights_note(steps: list[PlanStep], lang: str) -> str | None:
    """The plan's project 2 weights add up to 110 while its cumulative column ends at 100
    (step 7 repeats floor 5): said under the table, so no reader adds the column up."""
    weights = sum(s.weight for s in steps)
    last = max((s.cumulative for s in steps), default=0)
    if not steps or abs(weights - last) < 1e-9:
        return None
    return tr(
        "rp.plan.weights_note", lang, weights=f"{weights:g}", cumulative=f"{min(last, 100):g}"
    )


def _plan(db: Database, fy: int, lang: str, thai: ThaiOnly) -> list[Flowable]:
    w = CONTENT_W
    widths = [w * 0.06, w * 0.29, w * 0.11, w * 0.09, w * 0.12, w * 0.15, w * 0.18]
    steps = plan_for_year(db, fy)
    out: list[Flowable] = [heading(tr("rp.h.plan", lang))]
    for project in sorted({s.project for s in steps}):
        mine = [s for s in steps if s.project == project]
        title = project_title(db, fy, project, lang)
        progress = tr("rp.project_progress", lang, pct=f"{plan_progress(mine):g}")
        head = [heading(tr("rp.project", lang, n=project, title=title), 3), para(progress, "small")]
        out.append(keep_with(head, table(step_rows(mine, lang, thai), widths, align="clrrlll")))
        note = weights_note(mine, lang)
        if note:
            out.append(para(note, "small"))
        out.append(Spacer(1, 2 * mm))
    return out


def signature_lines(
    db: Database, fy: int, lang: str, score: AnnualScore | None = None
) -> list[str]:
    """What the paper says of the signature recorded in the app (summary.signing).

    The signer by display name and position, the B.E. date and time, and the audit
    chain's head hash the signature made: `check --against` that hash proves the
    history behind the signed score. A score that changed after signing is said
    plainly, so nobody signs paper that differs from what was signed in the app.
    """
    from summary.score import score_json
    from summary.signing import latest_signature

    sig = latest_signature(db, fy)
    if sig is None:
        return [tr("rp.signed.none", lang)]
    at = from_utc(sig.at)
    who = people.account(db, sig.signed_by, lang)
    lines = [
        tr("rp.signed.by", lang, who=who.name or tr("rp.signed.unnamed", lang),
           position=who.position or "-", date=long_date(at.date(), lang), time=f"{at:%H:%M}",
           head=sig.head)
    ]  # fmt: skip
    if score_json(score or annual_score(db, fy)) != sig.score:
        lines.append(tr("rp.signed.changed", lang))
    return lines


def _closing(db: Database, score: AnnualScore, lang: str, thai: ThaiOnly) -> list[Flowable]:
    prepared = people.preparer(db, lang)
    head = people.section_head(db, lang)
    if not head.name:
        # Settings name no section head yet: the one who signed the summary in the app
        # approves it (the block stayed dotted lines under their signature line).
        from summary.signing import latest_signature

        sig = latest_signature(db, score.fiscal_year)
        if sig is not None:
            signer = people.account(db, sig.signed_by, lang)
            head = people.Person(signer.name, head.position or signer.position)
    out: list[Flowable] = []
    note = thai.note()
    if note:
        out.append(para(note, "small"))
    # The signatures and what the app recorded of them stay on one page.
    out.append(KeepTogether([
        signature_block(lang, [
            Signer(tr("rp.sign.prepared", lang), prepared.name, prepared.position, today()),
            Signer(tr("rp.sign.approved", lang), head.name, head.position),
        ]),
        Spacer(1, 5 * mm),
        *[para(line, "small") for line in signature_lines(db, score.fiscal_year, lang, score)],
        para(tr("rp.anchor", lang, head=head_hash(db), at=format_datetime(now(), lang)),
             "small"),
    ]))  # fmt: skip
    return out


def build_annual_pdf(
    db: Database, fy: int, out: Path, *, lang: str = "th", progress: Progress | None = None
) -> Path:
    """Write the annual summary of fiscal year `fy` to `out`."""
    score = annual_score(db, fy)
    the_office = office(db)
    title = tr("rp.annual.title", lang, **fy_values(fy))
    thai = ThaiOnly(lang)
    sections = [
        lambda: [
            para(title, "title"),
            para(the_office.name(lang), "subtitle"),
            para(period_text(fy, lang), "subtitle"),
            Spacer(1, 2 * mm),
            *_summary(score, lang),
        ],
        lambda: _incidents(db, score, lang, thai),
        lambda: _restrooms(db, score, lang, thai),
        lambda: _plan(db, fy, lang, thai),
        lambda: _closing(db, score, lang, thai),
    ]
    frame = Frame(title, fy, lang, the_office.name(lang))
    return write_pdf(out, frame, sections, progress or (lambda done, total: None))
