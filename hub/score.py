"""`hub score`: each office's year as its own laptop scores it, and the city's summary.

An office's score is `summary.score.annual_score` run on the office's hub tables (through
hub.dialect.PgDatabase), printed by `summary.score.score_json`: the same object, by the
same code, that `score --json` prints on that office's laptop for the same records.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import psycopg

from core.errors import InvalidInput
from core.i18n import tr
from hub.dialect import PgDatabase
from hub.schema import office_schemas
from summary.score import AnnualScore, annual_score, score_json


@dataclass(frozen=True)
class OfficeYear:
    code: str
    name_th: str
    name_en: str
    score: AnnualScore
    sent: bool  # the office holds records of this fiscal year at the hub

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en


def _sent(db: PgDatabase, fy: int) -> bool:
    """Any round, survey answer or guard report of the year: read through each table's
    index on the fiscal year."""
    return bool(
        db.execute(
            "SELECT EXISTS (SELECT 1 FROM rounds WHERE fiscal_year = ?)"
            " OR EXISTS (SELECT 1 FROM survey_responses WHERE fiscal_year = ?)"
            " OR EXISTS (SELECT 1 FROM guard_reports WHERE fiscal_year = ?)",
            [fy, fy, fy],
        ).fetchone()[0]
    )


def office_years(conn: psycopg.Connection, fy: int, office: str | None = None) -> list[OfficeYear]:
    """Every registered office's year (or the one named), in code order."""
    schemas = office_schemas(conn)
    if office is not None:
        office = office.strip().upper()
        if office not in schemas:
            known = ", ".join(schemas) or "-"
            raise InvalidInput(
                tr("hub.unknown_office", "th", office=office, known=known),
                tr("hub.unknown_office", "en", office=office, known=known),
                field="--office",
            )
        schemas = {office: schemas[office]}
    names = {
        c: (th, en) for c, th, en in conn.execute("SELECT code, name_th, name_en FROM hub.offices")
    }
    out = []
    for code, schema in schemas.items():
        db = PgDatabase(conn, schema)
        # One snapshot per office: a file merged meanwhile is wholly in or wholly out.
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            score = annual_score(db, fy)  # type: ignore[arg-type]
            sent = _sent(db, fy)
        out.append(OfficeYear(code, *names[code], score, sent))
    conn.execute("SELECT set_config('search_path', '', false)")
    return out


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(float(Fraction(part * 100, whole)), 2)


def city_summary(years: list[OfficeYear]) -> dict:
    """Offices at each level of each indicator, and points passing of all the city's points."""
    passing = sum(y.score.restrooms.points_passing for y in years)
    total = sum(y.score.restrooms.points_total for y in years)
    levels = {str(n): 0 for n in range(5, -1, -1)}
    restrooms, incidents = dict(levels), dict(levels)
    for y in years:
        restrooms[str(y.score.restrooms.level)] += 1
        incidents[str(y.score.incidents.level)] += 1
    return {
        "offices": len(years),
        "sent_nothing": [y.code for y in years if not y.sent],
        "restroom_levels": restrooms,
        "incident_levels": incidents,
        "points_passing": passing,
        "points_total": total,
        "points_pct": _pct(passing, total),
    }


def city_json(fy: int, years: list[OfficeYear]) -> dict:
    return {
        "fiscal_year": fy,
        "offices": {y.code: score_json(y.score) for y in years},
        "city": city_summary(years),
    }


def ranked(years: list[OfficeYear]) -> list[OfficeYear]:
    """Best first: by the year's total score, then the lower of the two levels, then code."""
    return sorted(
        years,
        key=lambda y: (
            -y.score.total_score,
            -min(y.score.restrooms.level, y.score.incidents.level),
            y.code,
        ),
    )
