"""Deterministic data generators for the benchmarks (and their smoke test).

Three sizes (issue 8):

- `office_year`: the 27 points for one fiscal year: rounds following the plan's
  schedule (a routine round a month per point, the floor's check-and-fix month,
  the August assessment) plus a daily check on working days, two guard shifts a
  day with their signed reports, and a survey of 400 respondents;
- `decade`: ten fiscal years of the 27 points with 4 final rounds a day each
  (about 394,000 rounds, 7.9 million item scores) and their guard reports;
- `city`: 50 buildings of the same size for one year, as 1,350 points in one
  database (how the design scales if every district office used it).

Rows go in with executemany inside one transaction, never through the per-row
domain functions: the decade takes seconds, not minutes. Rounds carry one batch
audit row (a fiscal year's) with the digest of each round's content, exactly as
`import-rounds` writes it; guard reports get their one audit row each with the
digests of the report and its events, as `save_report` writes it; survey answers
one row per year, as `import-survey`; so `check` holds on a generated database.

Everything the generators write (uuids included) comes from a seeded
random.Random, so one seed gives the same records; only the audit rows'
timestamps and the database's device id differ from run to run.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlite_utils import Database

from core.audit import audit_many
from core.calendar import fiscal_months, fiscal_year, fiscal_year_range
from core.db import transaction
from core.records import (
    ACTIONS,
    GUARD_EVENT_DAYS,
    GUARD_EVENTS,
    GUARD_REPORTS,
    SURVEY_RESPONSES,
    Covers,
    claim,
    digest,
)  # fmt: skip
from core.records import ROUNDS as ROUNDS_RECORD
from inspection.demo import FIXERS, INSPECTORS
from inspection.rounds import audit_batch, next_batch, round_content, standard_uuid
from inspection.standard import Standard, current_standard, judge
from inspection.survey import GROUPS, is_satisfied
from security.demo import PLACES, SUPERVISORS, WHAT
from security.events import CATEGORIES

SOURCE = "bench"
CHUNK = 10_000  # rows per executemany call: bounded memory, few Python round trips
SHIFTS = (("day", 12, ("10:00", "14:00")), ("night", 8, ("22:00", "02:00")))

_ROUND_SQL = (
    "INSERT INTO rounds(uuid, point_id, standard_id, inspected_at, fiscal_year, inspector,"
    " status, scores, total, passed, note, source, created_at, finalized_at, recorded_by,"
    " audit_batch) VALUES (?, ?, ?, ?, ?, ?, 'final', ?, ?, ?, '', ?, ?, ?, ?, ?)"
)
_ACTION_SQL = (
    "INSERT INTO corrective_actions(uuid, point_id, round_uuid, item_no, what, who, due_date,"
    " closed_date, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass
class Counts:
    """What a generator wrote."""

    rounds: int = 0
    actions: int = 0
    reports: int = 0
    events: int = 0
    responses: int = 0

    @property
    def item_scores(self) -> int:
        return self.rounds * 20


def decade_years(last_fy: int = 2564, years: int = 10) -> list[int]:
    return list(range(last_fy - years + 1, last_fy + 1))


def _days(fy: int) -> Iterator[date]:
    day, end = fiscal_year_range(fy)
    while day <= end:
        yield day
        day += timedelta(days=1)


class _Writer:
    """Seeded rows for one generator run, written in chunks inside the caller's transaction."""

    def __init__(self, db: Database, seed: int) -> None:
        self.db = db
        self.rng = random.Random(seed)
        self.std: Standard = current_standard(db)
        self.counts = Counts()
        self.covers = Covers()
        self.std_uuid = standard_uuid(db, self.std.id)
        self.point_uuid = dict(db.execute("SELECT id, uuid FROM points").fetchall())
        self.batch = 0
        self._rounds: list[tuple] = []
        self._actions: list[tuple] = []
        # A pool of score strings keeps generation fast while totals and failures vary.
        self.pool = [self._pattern() for _ in range(512)]

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _pattern(self) -> tuple[str, int, int, tuple[int, ...]]:
        rng = self.rng
        scores = [4 if rng.random() < 0.8 else 3 for _ in range(20)]
        if rng.random() < 0.05:  # a broken fitting: one item not met
            scores[rng.randrange(20)] = rng.choice((0, 1))
        elif rng.random() < 0.03:  # many small lapses: all met, total short of very good
            scores = [3] * 20
            scores[rng.randrange(20)] = 4
        v = judge(scores, self.std.item_min, self.std.pass_total)
        return "".join(map(str, scores)), v.total, int(v.passed), v.failed_items

    # --- rounds ----------------------------------------------------------------------

    def round(self, point_id: int, at: datetime) -> None:
        scores, total, passed, failed = self.pool[self.rng.randrange(len(self.pool))]
        uid = self.uuid()
        stamp = at.isoformat(timespec="minutes")
        inspector = INSPECTORS[self.rng.randrange(len(INSPECTORS))]
        fy = fiscal_year(at.date())
        self._rounds.append(
            (uid, point_id, self.std.id, stamp, fy, inspector, scores, total, passed,
             SOURCE, stamp, stamp, SOURCE, self.batch)
        )  # fmt: skip
        # Each round's digest, as import-rounds collects them for its batch row.
        content = round_content(
            uid,
            self.point_uuid[point_id],
            self.std_uuid,
            stamp,
            fy,
            inspector,
            scores,
            total,
            passed,
            "",
            SOURCE,
            stamp,
            SOURCE,
            {},
        )
        self.covers.add("rounds", uid, digest(ROUNDS_RECORD, content))
        for no in failed:
            # A failed item opens a corrective action (DOMAIN.md section 3); most get fixed.
            due = at.date() + timedelta(days=14)
            done = at.date() + timedelta(days=self.rng.randint(1, 20))
            closed = done.isoformat() if self.rng.random() < 0.85 else None
            action = (
                self.uuid(),
                point_id,
                uid,
                no,
                self.std.items[no - 1].text_th,
                FIXERS[self.rng.randrange(len(FIXERS))],
                due.isoformat(),
                closed,
                stamp,
            )
            self._actions.append(action)
            self.covers.add("actions", action[0], claim(ACTIONS, {
                "uuid": action[0], "point": self.point_uuid[point_id], "round_uuid": uid,
                "item_no": no, "what": action[4], "who": action[5], "due_date": action[6],
                "closed_date": closed, "created_at": stamp, "changed_at": None,
                "changed_on": None, "changed_base": None}))  # fmt: skip
        if len(self._rounds) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        conn = self.db.conn
        if self._rounds:
            conn.executemany(_ROUND_SQL, self._rounds)
            self.counts.rounds += len(self._rounds)
            self._rounds.clear()
        if self._actions:
            conn.executemany(_ACTION_SQL, self._actions)
            self.counts.actions += len(self._actions)
            self._actions.clear()

    def close_rounds(self, batch_key: str, detail: dict) -> None:
        """The batch's one audit row, with the digest of its rounds (as import-rounds)."""
        self.flush()
        if self.covers:
            audit_batch(self.db, "import", self.batch, batch_key, detail, self.covers)
        self.covers = Covers()

    # --- guard reports and survey ----------------------------------------------------

    def guard_year(self, fy: int) -> None:
        """Two signed reports a day, an event every few days, most of them classified."""
        db, rng = self.db, self.rng
        next_id = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM guard_reports").fetchone()[0]
        reports, events, entries = [], [], []
        counted_theft = False
        for day in _days(fy):
            iso = day.isoformat()
            for shift, required, patrols in SHIFTS:
                uid = self.uuid()
                present = required - (1 if rng.random() < 0.08 else 0)
                supervisor = rng.choice(SUPERVISORS[shift])
                stamp = f"{iso}T{'17:00' if shift == 'day' else '23:59'}:00+00:00"
                report = (
                    next_id,
                    uid,
                    iso,
                    fy,
                    shift,
                    supervisor,
                    required,
                    present,
                    json.dumps(list(PLACES[:4]), ensure_ascii=False),
                    json.dumps(patrols),
                    SOURCE,
                    SOURCE,
                    stamp,
                    stamp,
                )
                reports.append(report)
                covers = Covers()
                covers.add("guard_reports", uid, digest(GUARD_REPORTS, {
                    "uuid": uid, "day": iso, "fiscal_year": fy, "shift": shift,
                    "supervisor": supervisor, "required": required, "present": present,
                    "posts": report[8], "patrols": report[9], "note": "", "supersedes": None,
                    "reason": "", "source": SOURCE, "recorded_by": SOURCE, "created_at": stamp,
                    "signed_at": stamp}))  # fmt: skip
                n_events = 0
                if shift == "day" and rng.random() < 0.03:
                    cat = CATEGORIES[rng.randrange(len(CATEGORIES))]
                    counts = cat == "theft" and not counted_theft
                    counted_theft = counted_theft or counts
                    pending = day.month == 9 and day.day > 20  # the year's last events wait
                    at = f"{rng.randint(8, 17):02d}:{rng.choice((0, 30)):02d}"
                    # Day-shift events happen on the report's day (occurred_on, fiscal_year).
                    event = (self.uuid(), next_id, at,
                             rng.choice(PLACES), cat, WHAT[cat],
                             2500.0 if cat in ("theft", "loss") else None,
                             None if pending else int(counts),
                             "" if pending else "จัดประเภทโดยชุดข้อมูลทดสอบ",
                             None if pending else SOURCE, None if pending else stamp,
                             iso, fy)  # fmt: skip
                    events.append(event)
                    covers.add("guard_events", event[0], claim(GUARD_EVENTS, {
                        "uuid": event[0], "report": uid, "at": at, "place": event[3],
                        "category": cat, "description": event[5], "loss_value": event[6],
                        "action_taken": "", "counts": event[7], "reason": event[8],
                        "classified_by": event[9], "classified_at": event[10],
                        "changed_at": None, "changed_on": None, "changed_base": None}))  # fmt: skip
                    covers.add("guard_event_days", event[0], digest(GUARD_EVENT_DAYS, {
                        "uuid": event[0], "occurred_on": iso, "fiscal_year": fy}))  # fmt: skip
                    n_events = 1
                entries.append(("sign", "guard_report", uid, None,
                                {"day": iso, "shift": shift, "events": n_events,
                                 "supersedes": None}, covers))  # fmt: skip
                next_id += 1
        db.conn.executemany(
            "INSERT INTO guard_reports(id, uuid, day, fiscal_year, shift, supervisor, required,"
            " present, posts, patrols, status, source, recorded_by, created_at, signed_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'signed', ?, ?, ?, ?)",
            reports,
        )
        db.conn.executemany(
            "INSERT INTO guard_events(uuid, report_id, at, place, category, description,"
            " loss_value, counts, reason, classified_by, classified_at, occurred_on, fiscal_year)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            events,
        )
        # One audit row per signed report, chained, as save_report writes them.
        audit_many(db, entries)
        self.counts.reports += len(reports)
        self.counts.events += len(events)

    def survey_year(self, fy: int, respondents: int, point_ids: list[int]) -> None:
        """Paper questionnaires: one- and five-question forms, about 94 % satisfied."""
        rng = self.rng
        days = list(_days(fy))
        rows = []
        covers = Covers()
        point_uuid = self.point_uuid
        for _ in range(respondents):
            day = days[rng.randrange(len(days))]
            size = 1 if rng.random() < 0.5 else 5
            weights = (55, 35, 8, 2) if rng.random() < 0.94 else (15, 45, 30, 10)
            ratings = rng.choices((5, 4, 3, 2), weights=weights, k=size)
            point = point_ids[rng.randrange(len(point_ids))] if rng.random() < 0.8 else None
            grp = rng.choices(GROUPS, weights=(40, 25, 35))[0]
            row = (
                self.uuid(),
                day.isoformat(),
                fy,
                point,
                grp,
                ";".join(map(str, ratings)),
                int(is_satisfied(ratings)),
                SOURCE,
                SOURCE,
                f"{day.isoformat()}T12:00:00+00:00",
            )
            rows.append(row)
            covers.add("survey_responses", row[0], digest(SURVEY_RESPONSES, {
                "uuid": row[0], "answered_on": row[1], "fiscal_year": fy,
                "point": None if point is None else point_uuid[point], "grp": grp,
                "ratings": row[5], "satisfied": row[6], "source": SOURCE, "recorded_by": SOURCE,
                "created_at": row[9], "form": None}))  # fmt: skip
        self.db.conn.executemany(
            "INSERT INTO survey_responses(uuid, answered_on, fiscal_year, point_id, grp, ratings,"
            " satisfied, source, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        # One audit row for the whole set, as import-survey writes one per file.
        detail = {"file": f"{SOURCE}-survey-{fy}.csv", "rows": len(rows)}
        audit_many(self.db, [("import", "survey_file", f"{SOURCE}-survey-{fy}", None, detail,
                              covers)])  # fmt: skip
        self.counts.responses += len(rows)


def _active_points(db: Database) -> list[tuple[int, int]]:
    sql = "SELECT id, floor FROM points WHERE active = 1 ORDER BY id"
    return [(r[0], r[1]) for r in db.execute(sql)]


def _working_day(day: date) -> bool:
    return day.weekday() < 5


def _schedule(w: _Writer, fy: int, points: list[tuple[int, int]]) -> list[tuple[int, datetime]]:
    """The plan's rounds of a year: monthly routine, the floor's month, the August assessment."""
    rng = w.rng
    floor_month = {
        floor: int(months.split(",")[0])
        for floor, months in w.db.execute(
            "SELECT floor, months FROM plan_steps WHERE project = 2 AND floor IS NOT NULL"
            " AND fiscal_year = (SELECT MAX(fiscal_year) FROM plan_steps WHERE fiscal_year <= ?)"
            " ORDER BY step_no",
            [fy],
        )
    }

    def when(year: int, month: int) -> datetime:
        d = date(year, month, rng.randint(1, 28))
        while not _working_day(d):
            d += timedelta(days=1)
        return datetime.combine(d, time(rng.randint(9, 15), rng.choice((0, 15, 30, 45))))

    planned = []
    for year, month in fiscal_months(fy):
        for pid, floor in points:
            planned.append((pid, when(year, month)))
            if floor_month.get(floor) == month:
                planned.append((pid, when(year, month)))
            if month == 8:
                planned.append((pid, when(year, month)))
    return planned


def _daily_checks(fy: int, points: list[tuple[int, int]]) -> Iterator[tuple[int, datetime]]:
    for day in _days(fy):
        if _working_day(day):
            at = datetime.combine(day, time(7, 30))
            for pid, _ in points:
                yield pid, at


def _write_rounds(w: _Writer, planned: Iterable[tuple[int, datetime]]) -> None:
    for pid, at in planned:
        w.round(pid, at)


def office_year(db: Database, fy: int = 2564, *, respondents: int = 400, seed: int = 1) -> Counts:
    """One fiscal year of the office: schedule, daily checks, guard shifts, survey."""
    w = _Writer(db, seed)
    with transaction(db):
        w.batch = next_batch(db)
        points = _active_points(db)
        planned = _schedule(w, fy, points) + list(_daily_checks(fy, points))
        planned.sort(key=lambda t: (t[1], t[0]))
        _write_rounds(w, planned)
        w.close_rounds(f"{SOURCE}-office-{fy}-{seed}", {"kind": "office_year", "fy": fy})
        w.guard_year(fy)
        w.survey_year(fy, respondents, [p for p, _ in points])
    return w.counts


def decade(
    db: Database,
    years: list[int] | None = None,
    *,
    per_day: int = 4,
    respondents: int = 400,
    seed: int = 1,
) -> Counts:
    """Fiscal years of 27 points with `per_day` final rounds a day each, guard reports, survey."""
    years = years or decade_years()
    w = _Writer(db, seed)
    with transaction(db):
        points = _active_points(db)
        slots = [time(8 + 2 * s, 0) for s in range(per_day)]
        # A batch a year, as a year's file of rounds is imported: `check` holds one batch
        # row's claims in memory at a time.
        for fy in years:
            w.batch = next_batch(db)
            for day in _days(fy):
                for slot in slots:
                    at = datetime.combine(day, slot)
                    for pid, _ in points:
                        w.round(pid, at)
            w.close_rounds(f"{SOURCE}-decade-{seed}-{fy}", {"kind": "decade", "fy": fy})
        for fy in years:
            w.guard_year(fy)
            w.survey_year(fy, respondents, [p for p, _ in points])
    return w.counts


def add_buildings(db: Database, buildings: int) -> int:
    """Copies of the 27 points for buildings 2..`buildings` (codes B02-F1-01 ...)."""
    base = db.execute(
        "SELECT code, floor, kind, name_th, name_en FROM points ORDER BY id"
    ).fetchall()
    rng = random.Random(buildings)
    rows = []
    for b in range(2, buildings + 1):
        for code, floor, kind, th, en in base:
            rows.append(
                (str(uuid.UUID(int=rng.getrandbits(128), version=4)), f"B{b:02d}-{code}", floor,
                 kind, f"อาคาร {b} {th}", f"Building {b}, {en}", "2020-10-01T00:00:00+00:00")
            )  # fmt: skip
    with transaction(db):
        db.conn.executemany(
            "INSERT INTO points(uuid, code, floor, kind, name_th, name_en, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def city(
    db: Database, fy: int = 2564, *, buildings: int = 50, respondents: int = 400, seed: int = 1
) -> Counts:
    """`buildings` offices of 27 points in one database, one year as `office_year` writes it.

    One guard contract and one survey per building would be separate records in a real
    city roll-out; here the guard reports stay those of one site (the table has no
    building) and the survey grows in proportion.
    """
    add_buildings(db, buildings)
    return office_year(db, fy, respondents=respondents * buildings, seed=seed)


def rounds_csv(path: Path, n: int, start: date, codes: list[str], seed: int = 2) -> None:
    """An import-rounds CSV of `n` rows at distinct minutes, counting back from `start`."""
    from inspection.csv_io import ROUND_COLUMNS

    rng = random.Random(seed)
    lines = [",".join(ROUND_COLUMNS)]
    moment = datetime.combine(start, time(0, 0))
    for i in range(n):
        moment -= timedelta(minutes=1)
        scores = ",".join("4" if rng.random() < 0.8 else "3" for _ in range(20))
        lines.append(
            f"{codes[i % len(codes)]},{moment:%Y-%m-%d},{moment:%H:%M},csv{i % 7},{scores},"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
