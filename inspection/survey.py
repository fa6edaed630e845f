"""The satisfaction survey (DOMAIN.md section 5) and import-survey (section 8).

Answers are anonymous: two identical rows are two respondents. A file imported
before (same bytes) is recognised by its SHA-256 and skipped, so nothing doubles.

Forms (the office's questionnaires) belong to a fiscal year; a year without
forms of its own uses the latest earlier year's. Each answer records the form it
was given with, and a form that has answers is never changed: see `save_form`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction
from pathlib import Path

from sqlite_utils import Database

from core.audit import audit
from core.calendar import fiscal_year, fy_values, parse_date, today
from core.csvfile import file_digest, read_rows, write_rows
from core.db import new_id, transaction
from core.errors import InvalidInput, NotFound, SalaError
from core.i18n import ByLanguage, Phrase, tr
from core.migrations import seed_uuid
from core.records import SURVEY_FORMS, SURVEY_QUESTIONS, Covers, covering
from core.users import current_actor, require
from core.values import TEXT_MAX, TITLE_MAX, check_text, digits
from inspection.points import get_point, list_points

GROUPS = ("official", "employee", "public")
SURVEY_COLUMNS = ("date", "point", "group", "rating")
# export survey ends each row with the answer's id; import-survey keeps it, so an export
# imported back (or into another database) adds nothing twice and keeps its ids.
EXPORT_COLUMNS = (*SURVEY_COLUMNS, "id")


def is_satisfied(ratings: Sequence[int]) -> bool:
    """Satisfied at "high" or "highest" (ระดับมากถึงมากที่สุด).

    Interpretation (DOMAIN.md section 5): with one overall question, a 4 or 5;
    with several, a mean of at least 3.50.
    """
    if len(ratings) == 1:
        return ratings[0] >= 4
    return Fraction(sum(ratings), len(ratings)) >= Fraction(7, 2)


def parse_ratings(text: str, *, field: str = "rating", thai: bool = True) -> list[int]:
    """`4` or `4;5;3`: each a whole number 1-5 (Thai digits ๑-๕ too, where typed)."""
    raw = str(text)
    parts = [p.strip() for p in digits(raw, field=field, thai=thai).split(";")]
    if not parts or any(p not in ("1", "2", "3", "4", "5") for p in parts):
        raise InvalidInput("survey.rating_1_5_several_separated", field=field, raw=raw)
    return [int(p) for p in parts]


def check_response(
    day: date, group: str, ratings: Sequence[int], questions: int | None = None, *,
    present: date | None = None,
) -> tuple[str, list[int]]:  # fmt: skip
    """Issue 14, point 2: the one check of a survey answer, typed on the Survey page,
    imported from CSV or received in a sync file. Returns the group and the ratings.

    Answered not after `present` (today; a sync file allows for the other computer's
    clock), a known group, 1 to MAX_QUESTIONS ratings each 1-5, and as many ratings as
    the form it was given with has questions (`questions`, when it names one).
    """
    if day > (present or today()):
        raise InvalidInput("plan.date_future", field="date", isoformat=day.isoformat())
    grp = check_group(group)
    values = list(ratings)
    if not 1 <= len(values) <= MAX_QUESTIONS or any(
        isinstance(v, bool) or v not in range(1, 6) for v in values
    ):
        raise InvalidInput(
            "survey.ratings_1_5_most_them", field="rating", max_questions=MAX_QUESTIONS
        )
    if questions is not None and questions != len(values):
        raise InvalidInput(
            "survey.form_questions_but_ratings_given",
            field="rating",
            questions=questions,
            n_values=len(values),
        )
    return grp, values


def check_group(text: str) -> str:
    grp = (text or "").strip().lower()
    if grp not in GROUPS:
        raise InvalidInput("survey.group_official_employee_public", field="group", text=text)
    return grp


def _stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _insert(db: Database, day: date, point_id: int | None, grp: str, ratings: list[int],
            source: str, form: str | None, uid: str | None = None) -> str:  # fmt: skip
    uid = uid or new_id()
    db.conn.execute(
        "INSERT INTO survey_responses(uuid, answered_on, fiscal_year, point_id, grp, ratings,"
        " satisfied, source, recorded_by, created_at, form)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (uid, day.isoformat(), fiscal_year(day), point_id, grp, ";".join(map(str, ratings)),
         int(is_satisfied(ratings)), source, current_actor(db).username, _stamp(), form),
    )  # fmt: skip
    return uid


class FormGuesser:
    """`form_for_ratings` remembered per (year, count), for files of many rows."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.known: dict[tuple[int, int], str | None] = {}

    def __call__(self, day: date, count: int) -> str | None:
        key = (fiscal_year(day), count)
        if key not in self.known:
            self.known[key] = form_for_ratings(self.db, *key)
        return self.known[key]


def record_response(
    db: Database, day: date | str, point_code: str | None, group: str,
    ratings: Sequence[int] | str, form: str | None = None,
) -> str:  # fmt: skip
    """One paper questionnaire typed in: returns the answer's uuid.

    `form` is the key of the form it was answered on (the Survey page always
    names it); without one, the year's only form with that many questions, if any.
    """
    require(db, "survey.record")
    d = day if isinstance(day, date) else parse_date(day)
    values = parse_ratings(ratings) if isinstance(ratings, str) else list(ratings)
    grp, values = check_response(d, group, values)
    with transaction(db):
        # The form read under the write lock: one edited in place a moment ago by another
        # window (it had no answers) is checked as it is now.
        point_id = get_point(db, point_code).id if point_code else None
        if form is not None:
            check_response(d, grp, values, len(get_form(db, form).questions))
        else:
            form = form_for_ratings(db, fiscal_year(d), len(values))
        uid = _insert(db, d, point_id, grp, values, "app", form)
        audit(db, "create", "survey_response", uid, None,
              {"date": d.isoformat(), "group": grp, "ratings": values, "form": form},
              covers=covering(db, survey_responses=[uid]))  # fmt: skip
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
    skipped: int = 0  # rows whose id is already here with the same content


@dataclass(frozen=True)
class _Row:
    number: int
    day: date
    point_id: int | None
    code: str
    grp: str
    ratings: list[int]
    uid: str | None  # the id column, when the file has one (an export)


def import_survey(db: Database, path: Path) -> SurveyImport:
    """All or nothing; a file already imported (same content) is skipped.

    A row with an id (an export's last column) is that answer: already here with the
    same content it is skipped, with other content the file is refused naming the row
    and what differs; new here, it keeps its id. A row without one is a new respondent.
    """
    require(db, "survey.record")
    path = Path(path)
    rows = read_rows(path, SURVEY_COLUMNS)
    digest = file_digest(path)
    with transaction(db):
        # Asked under the write lock: the same file imported twice at once (a scheduled
        # job and a person) waits here and is then recognised.
        if db.execute("SELECT 1 FROM survey_imports WHERE digest = ?", [digest]).fetchone():
            return SurveyImport(0, True)
        parsed = _parse_rows(db, rows)
        new = _new_rows(db, parsed)
        guess = FormGuesser(db)
        added = [_insert(db, r.day, r.point_id, r.grp, r.ratings, "import",
                         guess(r.day, len(r.ratings)), r.uid)
                 for r in new]  # fmt: skip
        skipped = len(parsed) - len(new)
        db.execute(
            "INSERT INTO survey_imports(digest, file_name, rows, imported_at) VALUES (?, ?, ?, ?)",
            [digest, path.name, len(parsed), _stamp()],
        )
        audit(db, "import", "survey_file", digest, None,
              {"file": path.name, "rows": len(parsed), "skipped": skipped},
              covers=covering(db, survey_responses=added))  # fmt: skip
    return SurveyImport(len(added), False, skipped)


def _content(r: _Row) -> dict[str, str]:
    """A row as the columns that make an answer, in the file's own terms."""
    return {"date": r.day.isoformat(), "point": r.code, "group": r.grp,
            "rating": ";".join(map(str, r.ratings))}  # fmt: skip


def _new_rows(db: Database, parsed: list[_Row]) -> list[_Row]:
    """The rows to add: those without an id, and those whose id is not here yet.

    Read inside the import's transaction. An id already here (or earlier in the file)
    with other content refuses the whole file: an answer is one respondent's, and two
    versions of it cannot both be true.
    """
    ids = [r.uid for r in parsed if r.uid]
    have: dict[str, dict[str, str]] = {}
    for uid, day, code, grp, ratings in db.execute(
        "SELECT s.uuid, s.answered_on, COALESCE(p.code, ''), s.grp, s.ratings"
        " FROM survey_responses s LEFT JOIN points p ON p.id = s.point_id"
        " WHERE s.uuid IN (SELECT value FROM json_each(?))",
        [json.dumps(ids)],
    ):
        have[uid] = {"date": day, "point": code, "group": grp, "rating": ratings}
    new, earlier = [], set()
    for r in parsed:
        if r.uid is None:
            new.append(r)
            continue
        mine = _content(r)
        if r.uid in have:
            if have[r.uid] != mine:
                raise _differs(r, have[r.uid], mine, r.uid in earlier)
            continue
        have[r.uid] = mine
        earlier.add(r.uid)
        new.append(r)
    return new


def _differs(r: _Row, have: dict[str, str], mine: dict[str, str], in_file: bool) -> InvalidInput:
    names = [c for c in SURVEY_COLUMNS if have[c] != mine[c]]

    def what(lang: str) -> str:
        # A Thai reader is given each column's label, its CSV name in brackets.
        return ", ".join(
            f"{tr(f'field.{c}', 'th') + f' ({c})' if lang == 'th' else c} «{have[c]}» / «{mine[c]}»"
            for c in names
        )

    return InvalidInput(
        "survey.id_differs_in_file" if in_file else "survey.id_differs_here",
        field=names[0],
        row=r.number,
        uid=r.uid,
        what=ByLanguage(what),
    )


def _answer_id(text: str) -> str | None:
    """The id column of an exported row: empty (a new respondent) or an answer's UUID."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise InvalidInput("survey.id_not_uuid", field="id", text=text) from None


def _parse_rows(db: Database, rows: list[tuple[int, dict[str, str]]]) -> list[_Row]:
    points = {p.code: p.id for p in list_points(db, active_only=False)}
    parsed = []
    for number, row in rows:
        try:
            day = parse_date(row["date"])
            code = row["point"].strip().upper()
            point_id = None
            if code:
                point_id = points.get(code) or get_point(db, code).id
            grp, ratings = check_response(day, row["group"], parse_ratings(row["rating"]))
            uid = _answer_id(row.get("id", ""))
        except SalaError as exc:
            raise exc.at_row(number) from None
        parsed.append(_Row(number, day, point_id, code, grp, ratings, uid))
    return parsed


def export_survey(
    db: Database, fy: int, path: Path, progress: Callable[[int, int], None] | None = None
) -> int:
    """The answers of fiscal year `fy` as import-survey reads them, each with its id."""
    rows = db.execute(
        "SELECT s.answered_on, COALESCE(p.code, ''), s.grp, s.ratings, s.uuid"
        " FROM survey_responses s LEFT JOIN points p ON p.id = s.point_id"
        # By date, as a person reads a year (finding 14: rows came in insertion order).
        " WHERE s.fiscal_year = ? ORDER BY s.answered_on, s.id",
        [fy],
    ).fetchall()
    return write_rows(Path(path), EXPORT_COLUMNS, rows, progress)


@dataclass(frozen=True)
class Question:
    no: int
    text_th: str
    text_en: str

    def text(self, lang: str) -> str:
        return self.text_th if lang == "th" else self.text_en


@dataclass(frozen=True)
class SurveyForm:
    key: str
    fiscal_year: int
    name_th: str
    name_en: str
    questions: tuple[Question, ...]
    answers: int  # answers recorded with this very form (this version)
    replaced_by: str | None
    retired: bool

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en


def _form(db: Database, row: tuple) -> SurveyForm:
    key, fy, name_th, name_en, replaced_by, retired = row
    qs = tuple(
        Question(*q)
        for q in db.execute(
            "SELECT no, text_th, text_en FROM survey_questions WHERE form = ? ORDER BY no", [key]
        )
    )
    answers = db.execute("SELECT COUNT(*) FROM survey_responses WHERE form = ?", [key]).fetchone()
    return SurveyForm(key, fy, name_th, name_en, qs, answers[0], replaced_by, bool(retired))


_FORM_COLS = "key, fiscal_year, name_th, name_en, replaced_by, retired"


def get_form(db: Database, key: str) -> SurveyForm:
    row = db.execute(f"SELECT {_FORM_COLS} FROM survey_forms WHERE key = ?", [key]).fetchone()
    if row is None:
        raise NotFound("survey.survey_form_not_found")
    return _form(db, row)


def _source_year(db: Database, fy: int) -> int | None:
    """The year whose forms `fy` uses: its own, else the latest earlier, else the first."""
    row = db.execute(
        "SELECT COALESCE((SELECT MAX(fiscal_year) FROM survey_forms WHERE fiscal_year <= ?),"
        " (SELECT MIN(fiscal_year) FROM survey_forms))",
        [fy],
    ).fetchone()
    return row[0]


def forms(db: Database, fy: int) -> list[SurveyForm]:
    """The forms in use for new answers in fiscal year `fy` (read only: nothing is copied)."""
    source = _source_year(db, fy)
    if source is None:
        return []
    rows = db.execute(
        f"SELECT {_FORM_COLS} FROM survey_forms WHERE fiscal_year = ? AND replaced_by IS NULL"
        " AND retired = 0 ORDER BY id",
        [source],
    ).fetchall()
    return [_form(db, r) for r in rows]


def form_for_ratings(db: Database, fy: int, count: int) -> str | None:
    """The year's form with `count` questions, when exactly one has; else None.

    An imported row names no form (DOMAIN.md section 8): its number of ratings
    is the only clue, and an ambiguous count is left unnamed rather than guessed.
    """
    keys = [f.key for f in forms(db, fy) if len(f.questions) == count]
    return keys[0] if len(keys) == 1 else None


def check_form(
    name_th: str, name_en: str, items: Sequence[tuple[str, str]]
) -> tuple[str, str, list[tuple[str, str]]]:
    """Issue 14, point 2: the one check of a survey form, defined on the Survey page or
    received in a sync file: a Thai and an English name, 1 to MAX_QUESTIONS questions,
    each in both languages, within the window's lengths. Returns them cleaned (blank
    rows of the editor dropped)."""
    names = [
        check_text(
            name, field="name", limit=TITLE_MAX, what=Phrase("survey.what.form_name")
        )  # fmt: skip
        for name in (name_th, name_en)
    ]
    if not all(names):
        raise InvalidInput("survey.give_form_thai_english_name", field="name")
    return names[0], names[1], _clean_questions(items)


def _clean_questions(items: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    cleaned = [((th or "").strip(), (en or "").strip()) for th, en in items]
    cleaned = [(th, en) for th, en in cleaned if th or en]  # blank rows of the editor
    if not cleaned:
        raise InvalidInput("survey.form_needs_least_1_question", field="questions")
    if len(cleaned) > MAX_QUESTIONS:
        raise InvalidInput(
            "survey.form_most_questions", field="questions", max_questions=MAX_QUESTIONS
        )
    for no, (th, en) in enumerate(cleaned, start=1):
        if not th or not en:
            raise InvalidInput(
                "survey.question_needs_both_thai_english", field=f"question {no}", no=no
            )
        for value in (th, en):
            check_text(value, field=f"question {no}", limit=TEXT_MAX,
                       what=Phrase("survey.what.question", no=no))  # fmt: skip
    return cleaned


# Typed one digit per question on the Survey page: a long form is a slow form.
MAX_QUESTIONS = 20


def _ensure_own_forms(db: Database, fy: int) -> None:
    """Give `fy` forms of its own, copied from the year it was using, before a change.

    Called inside the caller's transaction. Answers already given in `fy` with
    the earlier year's forms keep pointing at those.
    """
    if db.execute("SELECT 1 FROM survey_forms WHERE fiscal_year = ? LIMIT 1", [fy]).fetchone():
        return
    copied = []
    for f in forms(db, fy):
        items = [(q.text_th, q.text_en) for q in f.questions]
        # The same key on every laptop that copies the year, so their sync files agree.
        key = _insert_form(db, fy, f.name_th, f.name_en, items, derived_from=f.key,
                           key=seed_uuid("survey_form_copy", fy, f.key))  # fmt: skip
        copied.append({"from": f.key, "to": key})
    if copied:
        audit(db, "copy_forms", "survey_forms", str(fy), None, copied,
              covers=_form_covers(db, [c["to"] for c in copied]))  # fmt: skip


def _form_covers(db: Database, keys: Sequence[str], gone: Sequence[str] = ()) -> Covers:
    """A form is its row and its questions: the audit row of a change covers both, and
    names the questions an edit in place removed (`gone`) as deleted."""
    questions = [
        r[0]
        for r in db.execute(
            "SELECT uuid FROM survey_questions WHERE form IN (SELECT value FROM json_each(?))",
            [json.dumps(list(keys))],
        )
    ]
    covers = Covers().read(db, SURVEY_FORMS, keys)
    return covers.read(db, SURVEY_QUESTIONS, [*questions, *gone])  # fmt: skip


def _question_uuids(db: Database, key: str) -> list[str]:
    return [r[0] for r in db.execute("SELECT uuid FROM survey_questions WHERE form = ?", [key])]


def _insert_form(db: Database, fy: int, name_th: str, name_en: str,
                 items: Sequence[tuple[str, str]], derived_from: str | None,
                 key: str | None = None) -> str:  # fmt: skip
    key = key or new_id()
    db.execute(
        "INSERT INTO survey_forms(uuid, key, fiscal_year, name_th, name_en, derived_from,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [key, key, fy, name_th, name_en, derived_from, _stamp()],
    )
    _insert_questions(db, fy, key, items)
    return key


def _insert_questions(db: Database, fy: int, key: str, items: Sequence[tuple[str, str]]) -> None:
    for no, (th, en) in enumerate(items, start=1):
        # A question is named by its form and number: the same on every laptop.
        db.execute(
            "INSERT INTO survey_questions(uuid, fiscal_year, form, no, text_th, text_en)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [seed_uuid("survey_question", key, no, th, en), fy, key, no, th, en],
        )


def _own_form(db: Database, fy: int, key: str) -> SurveyForm:
    """The current form of `fy` that `key` became: its copy in `fy`, then its latest version."""
    form = get_form(db, key)
    while form.replaced_by is not None and form.fiscal_year != fy:
        form = get_form(db, form.replaced_by)  # a stale key: its year's latest version
    if form.fiscal_year != fy:
        row = db.execute(
            "SELECT key FROM survey_forms WHERE fiscal_year = ? AND derived_from = ?",
            [fy, form.key],
        ).fetchone()
        if row is None:
            raise InvalidInput("survey.form_not_use_fiscal_year", field="form", **fy_values(fy))
        form = get_form(db, row[0])
    while form.replaced_by is not None:
        form = get_form(db, form.replaced_by)
    return form


@dataclass(frozen=True)
class FormSaved:
    form: SurveyForm
    new_version: bool  # True when the form had answers and a new version took its place


def save_form(
    db: Database, fy: int, key: str | None, name_th: str, name_en: str,
    items: Sequence[tuple[str, str]],
) -> FormSaved:  # fmt: skip
    """Create a form (`key` None) or change one, for fiscal year `fy`.

    Choice (issue 5): forms are versioned rather than locked. A form nobody has
    answered yet is changed in place. A form that has answers is never changed:
    saving makes a new version that takes its place for new answers, and the
    answers already recorded keep pointing at the version they were given with,
    so their questions (and their count, which decides the satisfied rule of
    DOMAIN.md section 5) never change under them. A section head simply edits;
    the page tells them a new version will be made. A year that was using the
    previous year's forms first gets copies of its own, so the earlier year's
    forms, and the answers given with them, stay as they were.
    Only section heads and administrators may (permission `survey.define`).
    """
    require(db, "survey.define")
    name_th, name_en, cleaned = check_form(name_th or "", name_en or "", items)
    with transaction(db):
        _ensure_own_forms(db, fy)
        if key is None:
            new_key = _insert_form(db, fy, name_th, name_en, cleaned, derived_from=None)
            audit(db, "create", "survey_form", new_key, None,
                  {"fy": fy, "name": name_th, "questions": cleaned},
                  covers=_form_covers(db, [new_key]))  # fmt: skip
            return FormSaved(get_form(db, new_key), False)
        form = _own_form(db, fy, key)
        before = {"name_th": form.name_th, "name_en": form.name_en,
                  "questions": [(q.text_th, q.text_en) for q in form.questions]}  # fmt: skip
        after = {"name_th": name_th, "name_en": name_en, "questions": cleaned}
        if before == after:
            return FormSaved(form, False)
        if form.answers:
            new_key = _insert_form(db, fy, name_th, name_en, cleaned, derived_from=form.key)
            db.execute("UPDATE survey_forms SET replaced_by = ? WHERE key = ?",
                       [new_key, form.key])  # fmt: skip
            audit(db, "new_version", "survey_form", new_key, {"form": form.key, **before}, after,
                  covers=_form_covers(db, [new_key, form.key]))  # fmt: skip
            return FormSaved(get_form(db, new_key), True)
        db.execute("UPDATE survey_forms SET name_th = ?, name_en = ? WHERE key = ?",
                   [name_th, name_en, form.key])  # fmt: skip
        old_questions = _question_uuids(db, form.key)
        db.execute("DELETE FROM survey_questions WHERE form = ?", [form.key])
        _insert_questions(db, fy, form.key, cleaned)
        audit(db, "edit", "survey_form", form.key, before, after,
              covers=_form_covers(db, [form.key], old_questions))  # fmt: skip
        return FormSaved(get_form(db, form.key), False)


def retire_form(db: Database, fy: int, key: str) -> None:
    """Stop offering a form for new answers in `fy`; its answers stay as they are.

    The last form of a year cannot go: the Survey page would have nothing to offer.
    """
    require(db, "survey.define")
    with transaction(db):
        _ensure_own_forms(db, fy)
        form = _own_form(db, fy, key)
        if len(forms(db, fy)) <= 1:
            raise InvalidInput("survey.keep_least_one_form", field="form")
        db.execute("UPDATE survey_forms SET retired = 1 WHERE key = ?", [form.key])
        audit(db, "retire", "survey_form", form.key, {"retired": False}, {"retired": True},
              covers=covering(db, survey_forms=[form.key]))  # fmt: skip
