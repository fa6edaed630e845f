"""The year's score: both indicators, one function for the CLI, the UI and the PDF."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from core.calendar import fiscal_year, fy_values, today
from core.i18n import tr, tr_n
from core.rounding import half_up, pct_text
from inspection.indicator import RestroomIndicator, next_level_needs, restroom_indicator
from security.indicator import IncidentIndicator, coverage_line, incident_indicator


@dataclass(frozen=True)
class AnnualScore:
    fiscal_year: int
    restrooms: RestroomIndicator
    incidents: IncidentIndicator

    @property
    def total_score(self) -> float:
        return self.restrooms.score + self.incidents.score


def scored_years(db: Database) -> list[int]:
    """Fiscal years from the first to the last with rounds, survey answers or guard reports.

    Read through the indexes (per point for rounds, whose index starts with the
    point): a window opening on ten years of rounds must not scan them all.
    """
    row = db.execute(
        "SELECT MIN(lo), MAX(hi) FROM ("
        " SELECT (SELECT MIN(fiscal_year) FROM rounds WHERE point_id = p.id) AS lo,"
        "        (SELECT MAX(fiscal_year) FROM rounds WHERE point_id = p.id) AS hi FROM points p"
        # One MIN or MAX per SELECT: only then does SQLite read the end of the index.
        # (The derived table is named: PostgreSQL before 16 requires it, for the city hub.)
        " UNION ALL SELECT (SELECT MIN(fiscal_year) FROM survey_responses),"
        "                  (SELECT MAX(fiscal_year) FROM survey_responses)"
        " UNION ALL SELECT (SELECT MIN(fiscal_year) FROM guard_reports),"
        "                  (SELECT MAX(fiscal_year) FROM guard_reports)) AS years"
    ).fetchone()
    return [] if row[0] is None else list(range(row[0], row[1] + 1))


def fiscal_years(db: Database, *also: int) -> list[int]:
    """The fiscal years to offer, newest first: the current one, every year from the first
    to the last with data, and `also` (a year already chosen, the plan's next year).

    One list for every page's year box and the Reports page alike.
    """
    return sorted({fiscal_year(today()), *scored_years(db), *also}, reverse=True)


def annual_score(db: Database, fy: int) -> AnnualScore:
    return AnnualScore(fy, restroom_indicator(db, fy), incident_indicator(db, fy))


def score_json(score: AnnualScore) -> dict:
    """Exactly the object of DOMAIN.md section 8 (percentages rounded half up for display
    only; the levels were reached on the exact values)."""
    r, i = score.restrooms, score.incidents
    sat = r.satisfaction_pct
    return {
        "fiscal_year": score.fiscal_year,
        "restrooms": {
            "points_total": r.points_total,
            "points_passing": r.points_passing,
            "points_pct": half_up(r.points_pct),
            "satisfaction_pct": None if sat is None else half_up(sat),
            "respondents": r.respondents,
            "level": r.level,
            "score": r.score,
        },
        "incidents": {
            "counted": i.counted,
            "pending": i.pending,
            "level": i.level,
            "score": i.score,
        },
    }


def score_text(score: AnnualScore, lang: str = "th") -> str:
    """A readable summary for the terminal: what the next level needs, as the Indicators page."""
    r, i = score.restrooms, score.incidents
    sat = pct_text(r.satisfaction_pct)
    # The plan's order: indicator 1 (the guards' incidents), then indicator 2 (restrooms).
    lines = [
        tr("score.fy", lang, **fy_values(score.fiscal_year)),
        tr("score.incidents", lang, level=i.level, score=i.score),
        "  " + tr("score.counted", lang, counted=i.counted, pending=i.pending),
        f"  {coverage_line(i, lang)}",
    ]
    if i.pending:
        lines.append("  " + tr("score.pending_warning", lang))
    lines += [
        tr("score.restrooms", lang, level=r.level, score=r.score),
        "  " + tr("score.points", lang, passing=r.points_passing, total=r.points_total,
                  pct=pct_text(r.points_pct)),
        "  " + tr_n("score.satisfied", r.respondents, lang, pct=sat),
        *[f"  - {t}" for t in next_level_needs(r, lang)],
        *[f"  - {n.th if lang == 'th' else n.en}" for n in r.needs],
    ]  # fmt: skip
    return "\n".join(lines)
