"""`hub score`: each office's year as its own laptop scores it, and the city's summary.

An office's score is `summary.score.annual_score` run on the office's hub tables (through
hub.dialect.PgDatabase), written as `summary.score.score_json` writes it: the same object,
by the same code, that `score --json` prints on that office's laptop for the same records.
It is computed in the transaction that merges each file (and by `hub init` after an
upgrade) and kept in hub.scores, so the city's view reads one row an office; `--live`
computes every office's year again from its tables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction

import psycopg

from core.errors import InvalidInput
from hub.dialect import PgDatabase
from hub.schema import office_schemas
from summary.score import annual_score, score_json, scored_years


@dataclass(frozen=True)
class OfficeYear:
    code: str
    name_th: str
    name_en: str
    score: dict  # summary.score.score_json's object
    sent: bool  # the office holds records of this fiscal year at the hub

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en

    @property
    def total(self) -> float:
        return self.score["restrooms"]["score"] + self.score["incidents"]["score"]


def _sent(db: PgDatabase, fy: int) -> bool:
    """Any round, survey answer or guard report of the year (each through its index)."""
    return bool(db.execute(
        "SELECT EXISTS (SELECT 1 FROM rounds WHERE fiscal_year = ?)"
        " OR EXISTS (SELECT 1 FROM survey_responses WHERE fiscal_year = ?)"
        " OR EXISTS (SELECT 1 FROM guard_reports WHERE fiscal_year = ?)", [fy, fy, fy],
    ).fetchone()[0])  # fmt: skip


def live_score(db: PgDatabase, fy: int) -> tuple[dict, bool]:
    return score_json(annual_score(db, fy)), _sent(db, fy)  # type: ignore[arg-type]


def store_scores(conn: psycopg.Connection, code: str) -> None:
    """Compute and keep every fiscal year of the office that holds records; call it in the
    transaction that changed the office's records."""
    db = PgDatabase(conn, office_schemas(conn)[code])
    for fy in scored_years(db):  # type: ignore[arg-type]
        score, sent = live_score(db, fy)
        conn.execute(
            "INSERT INTO hub.scores(office, fiscal_year, score, sent) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (office, fiscal_year) DO UPDATE SET score = excluded.score,"
            " sent = excluded.sent, computed_at = now()",
            [code, fy, json.dumps(score, ensure_ascii=False), sent],
        )
    conn.execute("SELECT set_config('search_path', '', false)")


def _offices(conn: psycopg.Connection, office: str | None) -> dict[str, str]:
    schemas = office_schemas(conn)
    if office is None:
        return schemas
    office = office.strip().upper()
    if office not in schemas:
        known = ", ".join(schemas) or "-"
        raise InvalidInput("hub.unknown_office", field="--office", office=office, known=known)
    return {office: schemas[office]}


def office_years(conn: psycopg.Connection, fy: int, office: str | None = None, *,
                 live: bool = False) -> list[OfficeYear]:  # fmt: skip
    """Every registered office's year (or the one named), in code order: as stored, or
    computed now (`live`, or an office that holds no record of any year yet)."""
    schemas = _offices(conn, office)
    names = {c: (th, en) for c, th, en in conn.execute(
        "SELECT code, name_th, name_en FROM hub.offices")}  # fmt: skip
    stored = {} if live else {c: (json.loads(s), sent) for c, s, sent in conn.execute(
        "SELECT office, score, sent FROM hub.scores WHERE fiscal_year = %s", [fy])}  # fmt: skip
    out = []
    for code, schema in schemas.items():
        if code not in stored:
            db = PgDatabase(conn, schema)
            # One snapshot per office: a file merged meanwhile is wholly in or wholly out.
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                stored[code] = live_score(db, fy)
        score, sent = stored[code]
        out.append(OfficeYear(code, *names[code], score, sent))
    conn.execute("SELECT set_config('search_path', '', false)")
    return out


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(float(Fraction(part * 100, whole)), 2)


def city_summary(years: list[OfficeYear]) -> dict:
    """Offices at each level of each indicator, and points passing of all the city's points."""
    passing = sum(y.score["restrooms"]["points_passing"] for y in years)
    total = sum(y.score["restrooms"]["points_total"] for y in years)
    levels = {str(n): 0 for n in range(5, -1, -1)}
    restrooms, incidents = dict(levels), dict(levels)
    for y in years:
        restrooms[str(y.score["restrooms"]["level"])] += 1
        incidents[str(y.score["incidents"]["level"])] += 1
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
        "offices": {y.code: y.score for y in years},
        "city": city_summary(years),
    }


def ranked(years: list[OfficeYear]) -> list[OfficeYear]:
    """Best first: by the year's total score, then the lower of the two levels, then code."""

    def key(y: OfficeYear) -> tuple:
        low = min(y.score["restrooms"]["level"], y.score["incidents"]["level"])
        return (-y.total, -low, y.code)

    return sorted(years, key=key)
