"""The restroom indicator (DOMAIN.md section 6; plan ตัวชี้วัดที่ 2, เกณฑ์การให้คะแนน).

Each rule is one function: the points ladder, the satisfaction ladder, and the
indicator as the lower of the two. Comparisons use exact fractions, so 90.99 %
and 91 % never blur through floating point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from sqlite_utils import Database

from core.calendar import fiscal_year_range
from core.i18n import tr, tr_n
from core.ladder import LEVEL_SCORES, LadderRow, score_for
from core.rounding import pct_text
from inspection.points import Point, active_between, parse_periods
from inspection.rounds import Round, deciding_rounds
from inspection.standard import standard_by_id
from inspection.survey import Satisfaction, satisfaction

PLAN_POINTS = 27
# Plan table: points passing needed for levels 5..1, of 27 points.
POINT_STEPS = ((5, 27), (4, 25), (3, 22), (2, 19), (1, 16))
# Plan table: satisfaction % needed for levels 5..1 ("at least", DOMAIN.md Interpretation).
SATISFACTION_STEPS = ((5, 100), (4, 91), (3, 90), (2, 81), (1, 70))


def points_threshold(needed_of_27: int, active: int) -> int:
    """Passing points needed when the office has `active` points instead of 27.

    Interpretation (DOMAIN.md section 6, "scaled in proportion"): the same share
    of the active points, rounded up, so a level never needs a smaller share.
    """
    return math.ceil(Fraction(needed_of_27 * active, PLAN_POINTS))


def points_level(passing: int, active: int) -> int:
    """Plan table: 27 -> 5, 25-26 -> 4, 22-24 -> 3, 19-21 -> 2, 16-18 -> 1, else 0."""
    if active <= 0:
        return 0
    for level, needed in POINT_STEPS:
        if passing >= points_threshold(needed, active):
            return level
    return 0


def satisfaction_level(satisfied: int, respondents: int) -> int:
    """Plan table: 100 -> 5, >= 91 -> 4, >= 90 -> 3, >= 81 -> 2, >= 70 -> 1, else 0.

    No respondent in the year: level 0 (DOMAIN.md section 8).
    """
    if respondents <= 0:
        return 0
    pct = Fraction(satisfied * 100, respondents)
    for level, needed in SATISFACTION_STEPS:
        if pct >= needed:
            return level
    return 0


def restroom_level(points_lvl: int, satisfaction_lvl: int) -> int:
    """A level is reached when both of its conditions are: the lower of the two."""
    return min(points_lvl, satisfaction_lvl)


def ladder_rows(active: int = PLAN_POINTS) -> list[LadderRow]:
    """The plan's ladder table, with the points column scaled to `active` points."""
    ranges = {5: "100", 4: "91.00-99.99", 3: "90", 2: "81.00-89.99", 1: "70.00-80.99"}
    rows = []
    for level, needed in POINT_STEPS:
        pts = points_threshold(needed, active)
        rows.append(
            LadderRow(
                level,
                f"ผ่านเกณฑ์ครบ 20 ข้อ {pts} จุด และพึงพอใจระดับมากขึ้นไป ร้อยละ {ranges[level]}",
                f"{pts} points meet all 20 items and {ranges[level]} % satisfied",
                LEVEL_SCORES[level][0],
                score_for(level),
            )
        )
    return rows


@dataclass(frozen=True)
class PointNeed:
    """Why a point does not pass yet, in words a section head reads."""

    code: str
    th: str
    en: str
    # The failed items as the standard words them (a tooltip on the Indicators page):
    # "item 19 scored 0" alone sends the reader to the paper form to look it up.
    items_th: tuple[str, ...] = ()
    items_en: tuple[str, ...] = ()

    def items(self, lang: str) -> tuple[str, ...]:
        return self.items_th if lang == "th" else self.items_en


@dataclass(frozen=True)
class RestroomIndicator:
    fiscal_year: int
    points_total: int
    points_passing: int
    points_pct: float
    satisfaction: Satisfaction
    points_level: int
    satisfaction_level: int
    level: int
    score: float
    needs: tuple[PointNeed, ...]
    more_satisfied_needed: int | None  # for the next satisfaction level; None at level 5

    @property
    def satisfaction_pct(self) -> float | None:
        return self.satisfaction.pct

    @property
    def respondents(self) -> int:
        return self.satisfaction.respondents

    @property
    def satisfied(self) -> int:
        return self.satisfaction.satisfied

    def satisfaction_need(self, lang: str) -> str | None:
        """What the survey still needs for the next satisfaction level, in plain words."""
        if self.respondents == 0:
            return tr("ind.need.no_survey", lang)
        if self.more_satisfied_needed is None:
            return None if self.satisfaction_level == 5 else tr("ind.need.all_satisfied", lang)
        return tr(
            "ind.need.more_satisfied", lang,
            n=self.more_satisfied_needed, level=self.satisfaction_level + 1,
        )  # fmt: skip


def active_points(db: Database, fy: int) -> list[Point]:
    """Points active at any time in fiscal year `fy` (DOMAIN.md section 6).

    Interpretation: a point deactivated during the year still counts that year
    (it was there to be judged); one deactivated before the year began, or added
    after it ended, does not.
    """
    start, end = fiscal_year_range(fy)
    rows = db.execute(
        "SELECT id, uuid, code, floor, kind, name_th, name_en, location, active, periods"
        " FROM points ORDER BY floor, code"
    ).fetchall()
    # Every period counts (m014): a point brought back later keeps the years it had.
    return [
        Point(*r[:8], active=bool(r[8]))
        for r in rows
        if active_between(parse_periods(r[9]), start, end)
    ]


def _need(db: Database, point: Point, rnd: Round | None) -> PointNeed | None:
    if rnd is None:
        return _point_need(point.code, "ind.need.no_round")
    if rnd.passed:
        return None
    std = standard_by_id(db, rnd.standard_id)
    verdict = rnd.verdict
    reasons = [
        ("ind.need.item", {"no": no, "score": rnd.scores[no - 1]}) for no in verdict.failed_items
    ]
    if not verdict.in_band:
        reasons.append(("ind.need.total", {"total": verdict.total, "needed": std.pass_total}))
    texts = {item.no: item for item in std.items}
    failed = [texts[no] for no in verdict.failed_items if no in texts]
    return PointNeed(
        point.code,
        f"{point.code}: " + ", ".join(tr(k, "th", **v) for k, v in reasons),
        f"{point.code}: " + ", ".join(tr(k, "en", **v) for k, v in reasons),
        tuple(f"{i.no}. {i.text_th}" for i in failed),
        tuple(f"{i.no}. {i.text_en}" for i in failed),
    )


def _point_need(code: str, key: str) -> PointNeed:
    return PointNeed(code, f"{code}: {tr(key, 'th')}", f"{code}: {tr(key, 'en')}")


def more_satisfied_needed(satisfied: int, respondents: int) -> int | None:
    """Satisfied respondents to add (nobody else answering) to reach the next level.

    None when no number of added answers can: at level 5 already, or when the next
    level is 100 %, which any unsatisfied answer rules out. With no answer at all,
    one satisfied respondent is 100 % (level 5), so the answer is 1.
    """
    if respondents <= 0:
        return 1
    level = satisfaction_level(satisfied, respondents)
    if level == 5:
        return None
    target = dict(SATISFACTION_STEPS)[level + 1]
    if target == 100:
        return None
    # (s + k) * 100 >= target * (n + k)  <=>  k >= (target * n - 100 * s) / (100 - target)
    k = Fraction(target * respondents - 100 * satisfied, 100 - target)
    return max(0, math.ceil(k))


def restroom_indicator(db: Database, fy: int) -> RestroomIndicator:
    """DOMAIN.md section 6 for fiscal year `fy`: every active point by its deciding round."""
    points = active_points(db, fy)
    deciding = deciding_rounds(db, fy)
    needs = []
    passing = 0
    for p in points:
        rnd = deciding.get(p.id)
        need = _need(db, p, rnd)
        if need is None:
            passing += 1
        else:
            needs.append(need)
    sat = satisfaction(db, fy)
    p_lvl = points_level(passing, len(points))
    s_lvl = satisfaction_level(sat.satisfied, sat.respondents)
    level = restroom_level(p_lvl, s_lvl)
    pct = float(Fraction(passing * 100, len(points))) if points else 0.0
    return RestroomIndicator(
        fiscal_year=fy,
        points_total=len(points),
        points_passing=passing,
        points_pct=pct,
        satisfaction=sat,
        points_level=p_lvl,
        satisfaction_level=s_lvl,
        level=level,
        score=score_for(level),
        needs=tuple(needs),
        more_satisfied_needed=more_satisfied_needed(sat.satisfied, sat.respondents),
    )


def next_level_needs(ind: RestroomIndicator, lang: str) -> list[str]:
    """What the next level needs, one line per ladder that holds the indicator back.

    The level is the lower of the two ladders, so only a ladder standing at the
    current level needs anything: a section head reads how many more points must
    pass, or how many more satisfied respondents, rather than a bare list.
    """
    if ind.level >= 5:
        return []
    nxt = ind.level + 1
    lines = []
    if ind.points_level == ind.level and ind.points_total:
        needed = points_threshold(dict(POINT_STEPS)[nxt], ind.points_total)
        lines.append(tr_n("ind.next.points", ind.points_passing, lang, level=nxt, needed=needed,
                        total=ind.points_total, passing=ind.points_passing,
                        more=needed - ind.points_passing))  # fmt: skip
    if ind.satisfaction_level == ind.level:
        target = dict(SATISFACTION_STEPS)[nxt]
        if ind.respondents == 0:
            lines.append(tr("ind.next.no_survey", lang, level=nxt))
        elif ind.more_satisfied_needed is None:
            lines.append(tr("ind.next.all_satisfied", lang, level=nxt,
                            unhappy=ind.respondents - ind.satisfied))  # fmt: skip
        else:
            pct = pct_text(ind.satisfaction_pct)
            more = ind.more_satisfied_needed
            lines.append(tr("ind.next.survey", lang, level=nxt, target=target, pct=pct, more=more))
    return lines
