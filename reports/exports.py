"""CSV of the year's indicators for Excel (UTF-8 with BOM, formula-safe, via core.csvfile).

One row per measure (long format), so a spreadsheet can filter and pivot it and a
later year's file has the same columns.
"""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from core.csvfile import write_rows
from core.i18n import tr
from core.plan import plan_for_year, plan_progress, project_title
from core.rounding import pct_text
from summary.score import annual_score

INDICATOR_COLUMNS = ("fiscal_year", "indicator", "name_th", "name_en", "measure", "value")


def _num(value: float | None) -> str:
    """Percentages rounded to two decimals for display, as everywhere else; none -> empty."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return pct_text(value)
    return f"{value:g}"


def indicator_rows(db: Database, fy: int) -> list[tuple[object, ...]]:
    score = annual_score(db, fy)
    r, inc = score.restrooms, score.incidents
    rest = ("restrooms", tr("rp.ind.restrooms", "th"), tr("rp.ind.restrooms", "en"))
    incs = ("incidents", tr("rp.ind.incidents", "th"), tr("rp.ind.incidents", "en"))
    measures: list[tuple[tuple[str, str, str], str, object]] = [
        (rest, "points_total", r.points_total),
        (rest, "points_passing", r.points_passing),
        (rest, "points_pct", _num(r.points_pct)),
        (rest, "points_level", r.points_level),
        (rest, "respondents", r.respondents),
        (rest, "satisfied", r.satisfied),
        (rest, "satisfaction_pct", _num(r.satisfaction_pct)),
        (rest, "satisfaction_level", r.satisfaction_level),
    ]
    for group, tally in r.satisfaction.by_group.items():
        measures.append((rest, f"respondents_{group}", tally.respondents))
        measures.append((rest, f"satisfaction_pct_{group}", _num(tally.pct)))
    measures += [
        (rest, "level", r.level),
        (rest, "score", _num(r.score)),
        (incs, "counted", inc.counted),
        (incs, "not_counted", inc.not_counted),
        (incs, "pending", inc.pending),
        (incs, "level", inc.level),
        (incs, "score", _num(inc.score)),
    ]
    steps = plan_for_year(db, fy)
    for project in sorted({s.project for s in steps}):
        mine = [s for s in steps if s.project == project]
        names = (f"project_{project}", project_title(db, fy, project, "th"),
                 project_title(db, fy, project, "en"))  # fmt: skip
        measures.append((names, "progress_pct", _num(plan_progress(mine))))
    total = ("total", tr("rp.total", "th"), tr("rp.total", "en"))
    measures.append((total, "score", _num(score.total_score)))
    return [(fy, *names, measure, value) for names, measure, value in measures]


def export_indicators(db: Database, fy: int, path: Path) -> int:
    """Write the indicators of `fy` to `path`; returns the number of rows."""
    return write_rows(Path(path), INDICATOR_COLUMNS, indicator_rows(db, fy))
