"""A realistic demo year of restroom rounds (deterministic for a given fiscal year).

Every point gets a routine round each month; each floor gets its extra
check-and-fix rounds in the month the plan schedules for it (DOMAIN.md
section 4); in August staff assess all points with the hygiene form (step 8).
Some rounds fail; their corrective actions get an owner and a due date, and
most are closed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlite_utils import Database

from core.audit import audit
from core.calendar import fiscal_months, fiscal_year_range, today
from core.db import transaction
from core.records import covering
from core.users import acting_as, current_actor, demo_section_head, require
from inspection.points import list_points
from inspection.rounds import audit_batch, next_batch, record_round
from inspection.standard import current_standard

INSPECTORS = ("สมชาย ใจดี", "สุดารัตน์ แก้วมณี", "ประยุทธ์ ศรีสุข", "วันเพ็ญ ทองคำ")
FIXERS = ("ช่างประปา อาคาร 1", "แม่บ้าน ชั้น 2", "ช่างไฟฟ้า", "บริษัททำความสะอาด")
FAULT_NOTES = {
    3: "พบลูกน้ำในถังเก็บน้ำ",
    4: "สายฉีดชำระรั่ว",
    6: "สบู่หมด",
    7: "เครื่องเป่ามือเสีย",
    10: "มีกลิ่นอับ พัดลมระบายอากาศไม่ทำงาน",
    11: "ท่อระบายน้ำอุดตัน",
    13: "ห้องที่ 2 ชักโครกชำรุด",
    18: "หลอดไฟดับ 1 ดวง",
    19: "กลอนประตูห้องที่ 3 ชำรุด",
    20: "พื้นเปียก ไม่มีป้ายเตือน",
}


@dataclass(frozen=True)
class DemoResult:
    rounds: int
    failed: int
    actions_closed: int
    already: bool = False


def _scores(rng: random.Random, quality: float) -> tuple[list[int], dict[int, str]]:
    return [4 if rng.random() < quality else 3 for _ in range(20)], {}


def _spoil(rng: random.Random, scores: list[int], notes: dict[int, str], kind: str) -> None:
    if kind == "item":
        no = rng.choice(sorted(FAULT_NOTES))
        scores[no - 1] = rng.choice((0, 1))
        notes[no] = FAULT_NOTES[no]
    elif kind == "total":
        # Many small lapses: every item met, but the total falls just short of very good.
        for i in range(20):
            scores[i] = 3
        scores[rng.randrange(20)] = 4
        scores[rng.randrange(20)] = 4


def _when(rng: random.Random, year: int, month: int) -> datetime:
    day = rng.randint(1, 28)
    d = date(year, month, day)
    while d.weekday() >= 5:  # rounds are done on working days
        d += timedelta(days=1)
    return datetime.combine(d, time(rng.randint(8, 15), rng.choice((0, 15, 30, 45))))


def fill_demo_rounds(db: Database, fy: int) -> DemoResult:
    """Fill fiscal year `fy` with rounds up to today; a year already filled is left as is."""
    require(db, "rounds.record")
    with transaction(db):  # asked under the write lock: two demo runs at once fill it once
        if db.execute(
            "SELECT 1 FROM rounds WHERE fiscal_year = ? AND source = 'demo' LIMIT 1", [fy]
        ).fetchone():
            return DemoResult(0, 0, 0, already=True)
        return _fill_rounds(db, fy)


def _fill_rounds(db: Database, fy: int) -> DemoResult:
    rng = random.Random(fy)
    std = current_standard(db)
    points = list_points(db)
    floor_month = {
        floor: int(months.split(",")[0])
        for floor, months in db.execute(
            "SELECT floor, months FROM plan_steps WHERE project = 2 AND floor IS NOT NULL"
            " AND fiscal_year = (SELECT MAX(fiscal_year) FROM plan_steps WHERE fiscal_year <= ?)"
            " ORDER BY step_no",
            [fy],
        )
    }
    _, last_day = fiscal_year_range(fy)
    limit = min(last_day, today())
    # Two points struggle all year, so the demo shows what "not passing" looks like.
    weak = {points[3].code: "total", points[16].code: "item"} if len(points) > 16 else {}
    planned: list[tuple[datetime, object, str]] = []
    for year, month in fiscal_months(fy):
        for p in points:
            planned.append((_when(rng, year, month), p, "routine"))
            if floor_month.get(p.floor) == month:
                planned.append((_when(rng, year, month), p, "floor"))
            if month == 8:
                planned.append((_when(rng, year, month), p, "assessment"))
    planned.sort(key=lambda t: (t[0], t[1].code))

    rounds = failed = closed = 0
    with transaction(db):
        batch = next_batch(db)
        for at, p, kind in planned:
            if at.date() > limit:
                continue
            scores, notes = _scores(rng, 0.8 if kind != "assessment" else 0.85)
            spoil = weak.get(p.code) if kind == "assessment" else None
            if spoil is None and rng.random() < 0.12:
                spoil = "item" if rng.random() < 0.7 else "total"
            if spoil:
                _spoil(rng, scores, notes, spoil)
            uid = record_round(
                db,
                p,
                at,
                rng.choice(INSPECTORS),
                scores,
                notes=notes,
                source="demo",
                standard=std,
                batch=batch,
            )
            rounds += 1
            if any(s < std.item_min for s in scores) or sum(scores) < std.pass_total:
                failed += 1
            for (action_id,) in db.execute(
                "SELECT id FROM corrective_actions WHERE round_uuid = ?", [uid]
            ).fetchall():
                due = at.date() + timedelta(days=14)
                done = at.date() + timedelta(days=rng.randint(2, 20))
                closed_on = done.isoformat() if done <= limit and rng.random() < 0.85 else None
                closed += closed_on is not None
                db.execute(
                    "UPDATE corrective_actions SET who = ?, due_date = ?, closed_date = ?"
                    " WHERE id = ?",
                    [rng.choice(FIXERS), due.isoformat(), closed_on, action_id],
                )
        audit_batch(db, "demo", batch, f"demo-rounds-{fy}", {"fiscal_year": fy})
    return DemoResult(rounds=rounds, failed=failed, actions_closed=closed)


def fill_demo_survey(db: Database, fy: int) -> int:
    """A year of paper questionnaires: 180-320 respondents, 92-96 % satisfied.

    Pure sampling drifts by a few points at this size (97.5 % in some years), so
    the satisfied count is fixed first and each form is then drawn to match it:
    the demo always shows a level-4 survey with a few unhappy users.
    """
    require(db, "survey.record")
    with transaction(db):  # asked under the write lock, as for the rounds
        if db.execute(
            "SELECT 1 FROM survey_responses WHERE fiscal_year = ? AND source = 'demo' LIMIT 1",
            [fy],
        ).fetchone():
            return 0
        return _fill_survey(db, fy)


def _fill_survey(db: Database, fy: int) -> int:
    from core.calendar import fiscal_year_range
    from inspection.survey import GROUPS, FormGuesser, _insert

    rng = random.Random(fy * 3)
    start, end = fiscal_year_range(fy)
    end = min(end, today())
    points = list_points(db)
    total = rng.randrange(180, 321)
    unhappy = round(total * (100 - rng.uniform(92.5, 95.5)) / 100)
    wanted = [False] * unhappy + [True] * (total - unhappy)
    rng.shuffle(wanted)
    guess = FormGuesser(db)
    with transaction(db):
        added = []
        for satisfied in wanted:
            day = start + timedelta(days=rng.randrange(max(1, (end - start).days + 1)))
            size = 1 if rng.random() < 0.5 else 5
            ratings = _demo_form(rng, size, satisfied)
            point = rng.choice(points).id if rng.random() < 0.8 else None
            grp = rng.choices(GROUPS, weights=(40, 25, 35))[0]
            added.append(_insert(db, day, point, grp, ratings, "demo", guess(day, len(ratings))))
        # One audit row for the year's questionnaires, as import-survey writes one per file.
        audit(db, "demo", "survey_file", f"demo-survey-{fy}", None,
              {"fiscal_year": fy, "rows": total},
              covers=covering(db, survey_responses=added))  # fmt: skip
    return total


def _demo_form(rng: random.Random, size: int, satisfied: bool) -> list[int]:
    """One questionnaire of `size` answers that is (or is not) satisfied."""
    from inspection.survey import is_satisfied

    good, poor = ((5, 4, 3, 2), (55, 35, 8, 2)), ((4, 3, 2, 1), (15, 45, 30, 10))
    values, weights = good if satisfied else poor
    while True:
        ratings = rng.choices(values, weights=weights, k=size)
        if is_satisfied(ratings) == satisfied:
            return ratings


# Evidence the office files for each kind of step: a note, an order or a record.
_PLAN_EVIDENCE = {
    (1, 1): "คำสั่งแต่งตั้งคณะกรรมการ",
    (1, 2): "ร่างขอบเขตของงาน (TOR)",
    (1, 3): "สัญญาจ้างบริษัทรักษาความปลอดภัย",
    (1, 4): "รายงานผู้ควบคุมประจำวัน และบันทึกตรวจสอบรายเดือน",
    (1, 5): "บันทึกสรุปผลเสนอผู้บังคับบัญชา",
    (2, 1): "บันทึกเตรียมการ",
    (2, 8): "แบบตรวจประเมินสุขลักษณะห้องน้ำสาธารณะ 27 จุด",
    (2, 9): "แบบสอบถามความพึงพอใจ",
    (2, 10): "บันทึกสรุปผลเสนอหัวหน้าหน่วยงาน",
}


def fill_demo_plan(db: Database, fy: int) -> int:
    """Steps whose planned months are over are done at the end of their last month.

    Nothing is changed in a year where some step is already marked done, so a
    second demo run never overwrites what the office recorded. Returns how many
    steps were marked.
    """
    from core.plan import plan_for_year

    # Marking a step done is the section head's (plan.edit): the demo's invented one. The
    # whole year's marks are decided and written under one lock.
    with acting_as(db, demo_section_head(current_actor(db).via)), transaction(db):
        steps = plan_for_year(db, fy)
        if any(s.done_date is not None for s in steps):
            return 0
        return _mark_plan(db, fy, steps)


def _mark_plan(db: Database, fy: int, steps: list) -> int:
    import calendar

    from core.plan import mark_step_done

    marked = 0
    for s in steps:
        last = max(s.months, key=lambda m: (m - 10) % 12)  # fiscal order: September last
        year = fy - 543 - (1 if last >= 10 else 0)
        end = date(year, last, calendar.monthrange(year, last)[1])
        if end > today():
            continue
        evidence = _PLAN_EVIDENCE.get((s.project, s.step_no), "บันทึกผลการตรวจ แก้ไข ปรับปรุง")
        mark_step_done(db, s.uuid, end, evidence)
        marked += 1
    return marked
