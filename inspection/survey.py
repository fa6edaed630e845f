"""The satisfaction survey (DOMAIN.md section 5) and import-survey (section 8).

Answers are anonymous: two identical rows are two respondents. A file imported
before (same bytes) is recognised by its SHA-256 and skipped, so nothing doubles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction
from pathlib import Path

from sqlite_utils import Database

from core.audit import audit
from core.calendar import fiscal_year, parse_date
from core.csvfile import file_digest, read_rows, write_rows
from core.db import new_id, transaction
from core.errors import InvalidInput, SalaError
from core.users import current_actor, require
from inspection.points import get_point, list_points

GROUPS = ("official", "employee", "public")
SURVEY_COLUMNS = ("date", "point", "group", "rating")


def is_satisfied(ratings: Sequence[int]) -> bool:
    """Satisfied at "high" or "highest" (ระดับมากถึงมากที่สุด).

    Interpretation (DOMAIN.md section 5): with one overall question, a 4 or 5;
    with several, a mean of at least 3.50.
    """
    if len(ratings) == 1:
        return ratings[0] >= 4
    return Fraction(sum(ratings), len(ratings)) >= Fraction(7, 2)


def parse_ratings(text: str, *, field: str = "rating") -> list[int]:
    """`4` or `4;5;3`: each a whole number 1-5."""
    parts = [p.strip() for p in str(text).split(";")]
    if not parts or any(p not in ("1", "2", "3", "4", "5") for p in parts):
        raise InvalidInput(
            f"คะแนนความพึงพอใจ «{text}» ต้องเป็น 1-5 (หลายข้อคั่นด้วย ;)",
            f"rating «{text}» must be 1-5 (several separated by ;)",
            field=field,
        )
    return [int(p) for p in parts]


def check_group(text: str) -> str:
    grp = (text or "").strip().lower()
    if grp not in GROUPS:
        raise InvalidInput(
            f"กลุ่มผู้ตอบ «{text}» ต้องเป็น official, employee หรือ public",
            f"group «{text}» must be official, employee or public",
            field="group",
        )
    return grp


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _insert(db: Database, day: date, point_id: int | None, grp: str, ratings: list[int],
            source: str) -> str:  # fmt: skip
    uid = new_id()
    db.conn.execute(
        "INSERT INTO survey_responses(uuid, answered_on, fiscal_year, point_id, grp, ratings,"
        " satisfied, source, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (uid, day.isoformat(), fiscal_year(day), point_id, grp, ";".join(map(str, ratings)),
         int(is_satisfied(ratings)), source, current_actor(db).username, _stamp()),
    )  # fmt: skip
    return uid


def record_response(
    db: Database, day: date | str, point_code: str | None, group: str, ratings: Sequence[int] | str
) -> str:
    """One paper questionnaire typed in: returns the answer's uuid."""
    require(db, "survey.record")
    d = day if isinstance(day, date) else parse_date(day)
    point_id = get_point(db, point_code).id if point_code else None
    grp = check_group(group)
    values = parse_ratings(ratings) if isinstance(ratings, str) else list(ratings)
    if not values or any(v not in range(1, 6) for v in values):
        raise InvalidInput("คะแนนต้องเป็น 1-5", "ratings must be 1-5", field="rating")
    with transaction(db):
        uid = _insert(db, d, point_id, grp, values, "app")
        audit(db, "create", "survey_response", uid, None,
              {"date": d.isoformat(), "group": grp, "ratings": values})  # fmt: skip
    return uid


@dataclass(frozen=True)
class Tally:
    respondents: int
    satisfied: int

    @property
    def pct(self) -> float | None:
        return None if not self.respondents else self.satisfied * 100 / self.respondents


@dataclass(frozen=True)
class Satisfaction:
    fiscal_year: int
    respondents: int
    satisfied: int
    by_group: dict[str, Tally]

    @property
    def pct(self) -> float | None:
        return None if not self.respondents else self.satisfied * 100 / self.respondents


def satisfaction(db: Database, fy: int) -> Satisfaction:
    """Satisfied share of the year's respondents, overall and by group."""
    by_group = {g: Tally(0, 0) for g in GROUPS}
    for grp, n, sat in db.execute(
        "SELECT grp, COUNT(*), SUM(satisfied) FROM survey_responses WHERE fiscal_year = ?"
        " GROUP BY grp",
        [fy],
    ):
        by_group[grp] = Tally(n, sat or 0)
    n = sum(t.respondents for t in by_group.values())
    s = sum(t.satisfied for t in by_group.values())
    return Satisfaction(fy, n, s, by_group)


@dataclass(frozen=True)
class SurveyImport:
    added: int
    already_imported: bool


def import_survey(db: Database, path: Path) -> SurveyImport:
    """All or nothing; a file already imported (same content) is skipped."""
    require(db, "survey.record")
    path = Path(path)
    rows = read_rows(path, SURVEY_COLUMNS)
    digest = file_digest(path)
    if db.execute("SELECT 1 FROM survey_imports WHERE digest = ?", [digest]).fetchone():
        return SurveyImport(0, True)
    points = {p.code: p.id for p in list_points(db, active_only=False)}
    parsed = []
    for number, row in rows:
        try:
            day = parse_date(row["date"])
            code = row["point"].strip().upper()
            point_id = None
            if code:
                point_id = points.get(code) or get_point(db, code).id
            grp = check_group(row["group"])
            ratings = parse_ratings(row["rating"])
        except SalaError as exc:
            raise exc.at_row(number) from None
        parsed.append((day, point_id, grp, ratings))
    with transaction(db):
        for day, point_id, grp, ratings in parsed:
            _insert(db, day, point_id, grp, ratings, "import")
        db.execute(
            "INSERT INTO survey_imports(digest, file_name, rows, imported_at) VALUES (?, ?, ?, ?)",
            [digest, path.name, len(parsed), _stamp()],
        )
        audit(db, "import", "survey_file", digest, None, {"file": path.name, "rows": len(parsed)})
    return SurveyImport(len(parsed), False)


def export_survey(db: Database, fy: int, path: Path) -> int:
    rows = db.execute(
        "SELECT s.answered_on, COALESCE(p.code, ''), s.grp, s.ratings FROM survey_responses s"
        " LEFT JOIN points p ON p.id = s.point_id WHERE s.fiscal_year = ? ORDER BY s.id",
        [fy],
    ).fetchall()
    return write_rows(Path(path), SURVEY_COLUMNS, rows)


def questions(db: Database, fy: int, form: str) -> list[tuple[int, str, str]]:
    """The office's questions of a form for a year (the latest year that defines them)."""
    return (
        db.execute(
            "SELECT no, text_th, text_en FROM survey_questions WHERE form = ? AND fiscal_year ="
            " (SELECT MAX(fiscal_year) FROM survey_questions WHERE form = ? AND fiscal_year <= ?)"
            " ORDER BY no",
            [form, form, fy],
        ).fetchall()
        or db.execute(
            "SELECT no, text_th, text_en FROM survey_questions WHERE form = ? AND fiscal_year ="
            " (SELECT MIN(fiscal_year) FROM survey_questions WHERE form = ?) ORDER BY no",
            [form, form],
        ).fetchall()
    )
