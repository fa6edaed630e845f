"""import-guard and export guard (DOMAIN.md section 8).

One row per event; a day with no event has empty event fields; rows of the same
date and shift form one report. All or nothing. A report already signed for a
date and shift with the same content is skipped, so a second import adds nothing.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from core.calendar import fiscal_year_range, parse_date, parse_time
from core.csvfile import read_rows, write_rows
from core.db import transaction
from core.errors import InvalidInput, SalaError
from core.users import require
from security.contract import check_shift
from security.events import EventInput, check_category, check_counts
from security.reports import check_headcount, current_report, reports_between, save_report

GUARD_COLUMNS = (
    "date", "shift", "supervisor", "required", "present",
    "event_time", "place", "category", "counts", "description",
)  # fmt: skip


# The reason recorded with a decision taken from the file's `counts` column.
IMPORT_REASON = "พิจารณาเมื่อนำเข้าไฟล์ (classified on import)"


@dataclass(frozen=True)
class GuardImport:
    reports: int
    events: int
    skipped: int
    # Events whose `counts` the file gave but that stay pending review: only a signed-in
    # section head's import applies the column (DOMAIN.md section 8).
    left_pending: int = 0


def _event_key(ev: EventInput) -> tuple:
    return (ev.at.strftime("%H:%M"), ev.place, ev.category, ev.description, ev.counts)


def _same_events(have: list[tuple], given: list[tuple]) -> bool:
    """The file's events are the report's. An event the file leaves pending (empty
    counts) matches however the section head has decided it since: the decision is
    made in the app, and the supervisors' file, imported again, must not undo it or
    refuse the whole import."""
    if Counter(k[:-1] for k in have) != Counter(k[:-1] for k in given):
        return False
    decided = Counter(k for k in given if k[-1] is not None)
    return not decided - Counter(have)


def import_guard(db: Database, path: Path) -> GuardImport:
    actor = require(db, "guard.report")
    decides = actor.may("incidents.classify")
    left_pending = 0
    rows = read_rows(Path(path), GUARD_COLUMNS)
    reports: OrderedDict[tuple[date, str], dict] = OrderedDict()
    for number, row in rows:
        try:
            day = parse_date(row["date"])
            shift = check_shift(db, row["shift"])
            supervisor = row["supervisor"].strip()
            if not supervisor:
                raise InvalidInput(
                    "โปรดระบุชื่อผู้ควบคุม", "give the supervisor's name", field="supervisor"
                )
            required = check_headcount(row["required"], "required")
            present = check_headcount(row["present"], "present")
            counts = check_counts(row["counts"])
            event = None
            if any(row[c] for c in ("event_time", "place", "category", "description")):
                left_pending += counts is not None and not decides
                counts = counts if decides else None
                event = EventInput(
                    at=parse_time(row["event_time"], field="event_time"),
                    place=row["place"],
                    category=check_category(row["category"]),
                    description=row["description"],
                    counts=counts,
                    reason=IMPORT_REASON if counts is not None else "",
                )
            elif counts is not None:
                raise InvalidInput(
                    "ไม่มีเหตุการณ์ให้พิจารณา", "counts given without an event", field="counts"
                )
        except SalaError as exc:
            raise exc.at_row(number) from None
        key = (day, shift)
        rep = reports.setdefault(
            key,
            {"row": number, "supervisor": supervisor, "required": required,
             "present": present, "events": []},
        )  # fmt: skip
        if (rep["supervisor"], rep["required"], rep["present"]) != (supervisor, required, present):
            raise InvalidInput(
                "แถวของวันและผลัดเดียวกันระบุผู้ควบคุมหรือจำนวนคนต่างกัน",
                "rows of one date and shift disagree on supervisor or headcount",
                field="supervisor",
                row=number,
            )
        if event is not None:
            rep["events"].append(event)

    to_write = []
    skipped = 0
    for (day, shift), rep in reports.items():
        existing = current_report(db, day, shift)
        if existing is None:
            to_write.append((day, shift, rep))
            continue
        have = [(e.at.strftime("%H:%M"), e.place, e.category, e.description, e.counts)
                for e in existing.events]  # fmt: skip
        if _same_events(have, [_event_key(e) for e in rep["events"]]):
            skipped += 1
            continue
        raise InvalidInput(
            "มีรายงานของวันและผลัดนี้ลงนามแล้วแต่เนื้อหาต่างกัน ให้แก้ไขรายงานในโปรแกรม",
            "a signed report for this date and shift differs; correct it in the app",
            field="date",
            row=rep["row"],
        )
    with transaction(db):
        events = 0
        for day, shift, rep in to_write:
            save_report(
                db, day, shift, rep["supervisor"], rep["required"], rep["present"],
                events=rep["events"], source="import",
            )  # fmt: skip
            events += len(rep["events"])
    return GuardImport(len(to_write), events, skipped, left_pending)


def export_guard(db: Database, fy: int, path: Path) -> int:
    start, end = fiscal_year_range(fy)

    def rows():
        for rep in reports_between(db, start, end):
            head = [rep.day.isoformat(), rep.shift, rep.supervisor, rep.required, rep.present]
            if not rep.events:
                yield [*head, "", "", "", "", ""]
            for ev in rep.events:
                counts = "" if ev.counts is None else ("yes" if ev.counts else "no")
                yield [*head, ev.at.strftime("%H:%M"), ev.place, ev.category, counts,
                       ev.description]  # fmt: skip

    return write_rows(Path(path), GUARD_COLUMNS, rows())
