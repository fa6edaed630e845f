"""The plan's project steps (DOMAIN.md sections 4 and 7) and their progress.

A fiscal year without steps starts from a copy of the latest earlier year's
plan, months and weights included, nothing done.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from core.audit import audit
from core.calendar import MONTHS_EN_ABBR, MONTHS_TH_ABBR, parse_date, today
from core.db import transaction
from core.errors import InvalidInput, NotFound
from core.i18n import Phrase
from core.migrations import seed_uuid
from core.records import PLAN_PROJECTS, PLAN_STEPS, Covers, covering
from core.users import require
from core.values import TEXT_MAX, TITLE_MAX, check_text


@dataclass(frozen=True)
class PlanStep:
    uuid: str
    fiscal_year: int
    project: int
    step_no: int
    title_th: str
    title_en: str
    weight: float
    cumulative: float
    months: tuple[int, ...]
    floor: int | None
    done_date: date | None
    evidence: str
    evidence_en: str = ""

    def title(self, lang: str) -> str:
        return self.title_th if lang == "th" else self.title_en

    def evidence_text(self, lang: str) -> str:
        """The evidence as a report prints it: English where the office gave it (m019)."""
        return (self.evidence_en if lang == "en" else "") or self.evidence


_COLS = (
    "uuid, fiscal_year, project, step_no, title_th, title_en, weight, cumulative, months,"
    " floor, done_date, evidence, evidence_en"
)


def _step(row: tuple) -> PlanStep:
    months = parse_months(row[8])
    done = date.fromisoformat(row[10]) if row[10] else None
    return PlanStep(
        *row[:8], months=months, floor=row[9], done_date=done, evidence=row[11], evidence_en=row[12]
    )


def plan_for_year(db: Database, fy: int) -> list[PlanStep]:
    """Both projects' steps for `fy`, copied from the latest earlier year when missing."""
    rows = db.execute(
        f"SELECT {_COLS} FROM plan_steps WHERE fiscal_year = ? ORDER BY project, step_no", [fy]
    ).fetchall()
    if rows:
        return [_step(r) for r in rows]
    return _copy_plan(db, fy)


def _copy_plan(db: Database, fy: int) -> list[PlanStep]:
    with transaction(db):
        # Another window may have copied the year since the read above: under the write
        # lock, look again, so two windows opening a new year never both copy it.
        if db.execute("SELECT 1 FROM plan_steps WHERE fiscal_year = ? LIMIT 1", [fy]).fetchone():
            return plan_for_year(db, fy)
        source = db.execute(
            "SELECT MAX(fiscal_year) FROM plan_steps WHERE fiscal_year < ?", [fy]
        ).fetchone()[0]
        if source is None:
            source = db.execute("SELECT MIN(fiscal_year) FROM plan_steps").fetchone()[0]
        if source is None:
            return []
        for proj in db.execute(
            "SELECT project, title_th, title_en FROM plan_projects WHERE fiscal_year = ?", [source]
        ).fetchall():
            db.execute(
                "INSERT OR IGNORE INTO plan_projects(fiscal_year, project, title_th, title_en)"
                " VALUES (?, ?, ?, ?)",
                [fy, *proj],
            )
        for r in db.execute(
            "SELECT project, step_no, title_th, title_en, weight, cumulative, months, floor"
            " FROM plan_steps WHERE fiscal_year = ?",
            [source],
        ).fetchall():
            # The same key on every laptop that opens the year, so sync files agree on it.
            db.execute(
                "INSERT INTO plan_steps(uuid, fiscal_year, project, step_no, title_th, title_en,"
                " weight, cumulative, months, floor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [seed_uuid("plan_step", fy, r[0], r[1]), fy, *r],
            )
        covers = Covers().read_where(db, PLAN_STEPS, "t.fiscal_year = ?", [fy])
        covers.read_where(db, PLAN_PROJECTS, "t.fiscal_year = ?", [fy])
        audit(db, "copy_plan", "plan", str(fy), None, {"from": source}, covers=covers)
    return plan_for_year(db, fy)


def plan_years(db: Database) -> list[int]:
    """Fiscal years that have a plan of their own, oldest first."""
    return [r[0] for r in db.execute("SELECT DISTINCT fiscal_year FROM plan_steps ORDER BY 1")]


def project_title(db: Database, fy: int, project: int, lang: str) -> str:
    row = db.execute(
        "SELECT title_th, title_en FROM plan_projects WHERE fiscal_year = ? AND project = ?",
        [fy, project],
    ).fetchone()
    return "" if row is None else (row[0] if lang == "th" else row[1])


def get_step(db: Database, step_uuid: str) -> PlanStep:
    row = db.execute(f"SELECT {_COLS} FROM plan_steps WHERE uuid = ?", [step_uuid]).fetchone()
    if row is None:
        raise NotFound("plan.plan_step_not_found")
    return _step(row)


def check_step(
    project: int, step_no: int, title_th: str, title_en: str, weight: float,
    cumulative: float, months: Sequence[int], floor: int | None, done: date | None,
    evidence: str, *, evidence_en: str = "", present: date | None = None,
) -> None:  # fmt: skip
    """Issue 14, point 2: the one check of a plan step, edited on the Plan progress page
    or received in a sync file: a title within the window's length, weight and
    cumulative % 0-100 (the plan's own figures, DOMAIN.md section 4), planned months
    1-12, done not after `present` (today; a sync file allows for the other computer's
    clock), evidence within the window's length."""
    for name, value, high in (("project", project, 9), ("step_no", step_no, 99)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
            raise InvalidInput("plan.not_valid", field=name, name=name, value=value)
    check_text(title_th, field="title", limit=TITLE_MAX, required=True,
               what=Phrase("plan.what.step_title"))  # fmt: skip
    check_text(title_en, field="title", limit=TITLE_MAX, what=Phrase("plan.what.english_title"))
    for name, value in (("weight", weight), ("cumulative", cumulative)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
            what = Phrase("plan.what.weight" if name == "weight" else "plan.what.cumulative")
            raise InvalidInput("plan.out_of_0_100", field=name, what=what)
    if not months or any(isinstance(m, bool) or m not in range(1, 13) for m in months):
        raise InvalidInput("plan.months_1_12", field="months")
    if floor is not None and (isinstance(floor, bool) or not isinstance(floor, int)
                              or not -9 <= floor <= 200):  # fmt: skip
        raise InvalidInput("plan.floor_not_valid", field="floor", floor=floor)
    if done is not None and done > (present or today()):
        raise InvalidInput("plan.date_future", field="done", isoformat=done.isoformat())
    check_text(evidence, field="evidence", limit=TEXT_MAX, one_line=False,
               what=Phrase("plan.what.evidence"))  # fmt: skip
    check_text(evidence_en, field="evidence_en", limit=TEXT_MAX, one_line=False,
               what=Phrase("plan.what.english_evidence"))  # fmt: skip


def parse_months(text: str) -> tuple[int, ...]:
    """The stored planned months, `10,11` (ASCII digits only: machine-written)."""
    if not isinstance(text, str) or not _MONTHS.match(text):
        raise InvalidInput("plan.months_1_12", field="months")
    return tuple(int(m) for m in text.split(",") if m)


_MONTHS = re.compile(r"^([0-9]{1,2}(,[0-9]{1,2})*)?$")


def mark_step_done(
    db: Database, step_uuid: str, done: date | str | None, evidence: str = "",
    evidence_en: str | None = None,
) -> PlanStep:  # fmt: skip
    """Record (or clear, with None) when a step was done and the evidence for it.

    `evidence_en` is the evidence in English for English reports; None keeps what the
    step has (the window's Thai-only callers), "" clears it.
    """
    require(db, "plan.edit")
    done_date = parse_date(done, field="done") if isinstance(done, str) else done
    with transaction(db):
        before = get_step(db, step_uuid)
        english = before.evidence_en if evidence_en is None else evidence_en.strip()
        b = before
        check_step(b.project, b.step_no, b.title_th, b.title_en, b.weight, b.cumulative,
                   b.months, b.floor, done_date, evidence or "", evidence_en=english)  # fmt: skip
        db.execute(
            "UPDATE plan_steps SET done_date = ?, evidence = ?, evidence_en = ? WHERE uuid = ?",
            [done_date.isoformat() if done_date else None, (evidence or "").strip(), english,
             step_uuid],
        )  # fmt: skip
        after = {"done": str(done_date), "evidence": evidence, "evidence_en": english}
        audit(db, "mark_done", "plan_step", step_uuid, {"done": str(before.done_date)}, after,
              covers=covering(db, plan_steps=[step_uuid]))  # fmt: skip
    return get_step(db, step_uuid)


def edit_step(
    db: Database, step_uuid: str, *, title_th: str, title_en: str, weight: float,
    cumulative: float, months: list[int],
) -> PlanStep:  # fmt: skip
    """The office edits a step of a year's plan (the plan's typo in step 7, a new year).

    The cumulative column is what progress reads, so it must stay in step order:
    not below the step before it, not above the step after it, never above 100.
    The weight is the plan's own figure and may disagree with the cumulative
    column (the 2564 plan's weights add up to 110); it is kept as written, 0-100.
    Done date and evidence are left as they are.
    """
    require(db, "plan.edit")
    with transaction(db):
        # The neighbours read under the write lock: two edits of adjacent steps at once
        # must not leave the cumulative column out of order.
        before = get_step(db, step_uuid)
        check_step(before.project, before.step_no, title_th, title_en, weight, cumulative,
                   months, before.floor, before.done_date, before.evidence,
                   evidence_en=before.evidence_en)  # fmt: skip
        _check_cumulative(db, before, cumulative)
        months = sorted(set(months), key=lambda m: (m - 10) % 12)  # fiscal order: Oct first
        db.execute(
            "UPDATE plan_steps SET title_th = ?, title_en = ?, weight = ?, cumulative = ?,"
            " months = ? WHERE uuid = ?",
            [title_th.strip(), title_en.strip(), weight, cumulative,
             ",".join(map(str, months)), step_uuid],
        )  # fmt: skip
        audit(db, "edit", "plan_step", step_uuid, _editable(before),
              {"title_th": title_th.strip(), "title_en": title_en.strip(), "weight": weight,
               "cumulative": cumulative, "months": months},
              covers=covering(db, plan_steps=[step_uuid]))  # fmt: skip
    return get_step(db, step_uuid)


def _check_cumulative(db: Database, step: PlanStep, cumulative: float) -> None:
    """Not below the step before it, not above the step after it (progress reads it)."""
    low, high = db.execute(
        "SELECT (SELECT MAX(cumulative) FROM plan_steps WHERE fiscal_year = ? AND project = ?"
        "        AND step_no < ?),"
        "       (SELECT MIN(cumulative) FROM plan_steps WHERE fiscal_year = ? AND project = ?"
        "        AND step_no > ?)",
        [step.fiscal_year, step.project, step.step_no] * 2,
    ).fetchone()
    if (low is not None and cumulative < low) or (high is not None and cumulative > high):
        low_s, high_s = f"{low or 0:g}", f"{100 if high is None else high:g}"
        raise InvalidInput(
            "plan.cumulative_step_between_not_below",
            field="cumulative",
            step_no=step.step_no,
            low_s=low_s,
            high_s=high_s,
        )


def _editable(step: PlanStep) -> dict:
    return {"title_th": step.title_th, "title_en": step.title_en, "weight": step.weight,
            "cumulative": step.cumulative, "months": list(step.months)}  # fmt: skip


# Months of a fiscal year in order: October first (DOMAIN.md section 1).
FISCAL_ORDER = (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)


def months_text(months: tuple[int, ...], lang: str) -> str:
    """Planned months in fiscal order; three or more in a row read as a span (ต.ค.-ก.ย.)."""
    names = MONTHS_TH_ABBR if lang == "th" else MONTHS_EN_ABBR
    ordered = [m for m in FISCAL_ORDER if m in set(months)]
    runs: list[list[int]] = []
    for m in ordered:
        if runs and FISCAL_ORDER.index(m) == FISCAL_ORDER.index(runs[-1][-1]) + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{names[run[0] - 1]}-{names[run[-1] - 1]}")
        else:
            parts.extend(names[m - 1] for m in run)
    return " ".join(parts)


def plan_progress(steps: list[PlanStep]) -> float:
    """Progress by the plan's cumulative column: the last step of the done prefix.

    Steps are done in order; a later step done early does not count until those
    before it are done. Never above 100 % (the plan's weights add up to 110).
    """
    progress = 0.0
    for step in sorted(steps, key=lambda s: s.step_no):
        if step.done_date is None:
            break
        progress = step.cumulative
    return min(progress, 100.0)
