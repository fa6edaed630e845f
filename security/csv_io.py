"""import-guard and export guard (DOMAIN.md section 8).

One row per event; a day with no event has empty event fields; rows of the same
date and shift form one report. All or nothing. A report already signed for a
date and shift with the same content is skipped, so a second import adds nothing;
one that differs is refused, naming the row and what differs (a signed report is
corrected in the window, never by a file).
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from core.calendar import fiscal_year_range
from core.csvfile import read_rows, write_rows
from core.db import transaction
from core.errors import InvalidInput, SalaError
from core.i18n import Phrase, joined
from core.users import require
from security.events import EventInput, check_counts, validate_event
from security.reports import (
    CURRENT,
    GuardReport,
    ReportInput,
    current_report,
    event_moment,
    get_report,
    reports_between,
    save_report,
    validate_report,
)

GUARD_COLUMNS = (
    "date", "shift", "supervisor", "required", "present",
    "event_time", "place", "category", "counts", "description",
)  # fmt: skip
# export guard ends each row with the event's id (empty on a row without an event); an
# import accepts the column and ignores it, so an export imports back unchanged.
EXPORT_COLUMNS = (*GUARD_COLUMNS, "event_id")
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


@dataclass
class _FileReport:
    row: int
    report: ReportInput
    events: list[EventInput]
    # How many events marked in the file were left pending (the importer may not decide).
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


def _read(
    db: Database, rows: list[tuple[int, dict[str, str]]], decides: bool
) -> OrderedDict[tuple[date, str], _FileReport]:
    """Every row checked as the window checks a report and its events; rows of one date and
    shift gathered into one report. The first bad row raises, naming its row and field."""
    reports: OrderedDict[tuple[date, str], _FileReport] = OrderedDict()
    for number, row in rows:
        try:
            rep = validate_report(db, row["date"], row["shift"], row["supervisor"],
                                  row["required"], row["present"])  # fmt: skip
            counts = check_counts(row["counts"])
            event = None
            if any(row[c] for c in ("event_time", "place", "category", "description")):
                # Checked with the file's counts (no one may count an alarm), then applied
                # only by a section head.
                event = validate_event(
                    EventInput(row["event_time"], row["place"], row["category"],
                               row["description"], counts=counts,
                               reason=IMPORT_REASON if counts is not None else "")
                )  # fmt: skip
                event_moment(rep, event)
            elif counts is not None:
                raise InvalidInput("guard_csv.counts_given_without_event", field="counts")
        except SalaError as exc:
            raise exc.at_row(number) from None
        key = (rep.day, rep.shift.code)
        found = reports.setdefault(key, _FileReport(number, rep, []))
        head = (found.report.supervisor, found.report.required, found.report.present)
        if head != (rep.supervisor, rep.required, rep.present):
            raise InvalidInput(
                "guard_csv.rows_one_date_shift_disagree", field="supervisor", row=number
            )
        if event is not None:
            if event.counts is not None and not decides:
                event = EventInput(event.at, event.place, event.category, event.description)
                found.left_pending += 1
            found.events.append(event)
    return reports


def _differences(have: GuardReport, given: _FileReport) -> list[Phrase]:
    """What a file's report says other than the signed one, in words."""
    out = []
    rep = given.report
    for what, here, there in (
        ("guard_csv.what.supervisor", have.supervisor, rep.supervisor),
        ("guard_csv.what.required", have.required, rep.required),
        ("guard_csv.what.present", have.present, rep.present),
    ):
        if here != there:
            out.append(Phrase("guard_csv.differs", what=Phrase(what), here=here, there=there))
    have_keys = [(e.at.strftime("%H:%M"), e.place, e.category, e.description, e.counts)
                 for e in have.events]  # fmt: skip
    if not _same_events(have_keys, [_event_key(e) for e in given.events]):
        out.append(
            Phrase("guard_csv.events_differ", here=len(have.events), there=len(given.events))
        )
    return out


def import_guard(db: Database, path: Path) -> GuardImport:
    actor = require(db, "guard.report")
    rows = read_rows(Path(path), GUARD_COLUMNS)
    with transaction(db):
        # Checked, compared and written under the write lock: a report another window
        # signs in between is seen here, not overwritten or doubled; the same file imported
        # twice at once is skipped by the second, not refused or doubled.
        reports = _read(db, rows, actor.may("incidents.classify"))
        to_write = []
        skipped = 0
        for (day, shift), rep in reports.items():
            existing = current_report(db, day, shift)
            if existing is None:
                to_write.append(rep)
                continue
            differ = _differences(existing, rep)
            if not differ:
                skipped += 1
                continue
            raise InvalidInput(
                "guard_csv.signed_differs",
                field="date",
                row=rep.row,
                differences=joined(differ, "; "),
            )
        events = left_pending = 0
        for rep in to_write:
            r = rep.report
            save_report(
                db, r.day, r.shift.code, r.supervisor, r.required, r.present,
                events=rep.events, source="import",
            )  # fmt: skip
            events += len(rep.events)
            left_pending += rep.left_pending
    return GuardImport(len(to_write), events, skipped, left_pending)


def _year_reports(db: Database, fy: int) -> list[GuardReport]:
    """The current reports of `fy`, and the night report before it when one of its events
    happened after midnight, in this year (DOMAIN.md 7): the file of a year holds every
    event of the year, each report whole so the file imports back."""
    start, end = fiscal_year_range(fy)
    reports = reports_between(db, start, end)
    have = {r.uuid for r in reports}
    earlier = [
        get_report(db, uuid)
        for (uuid,) in db.execute(
            "SELECT DISTINCT r.uuid FROM guard_events e JOIN guard_reports r"
            f" ON r.id = e.report_id WHERE e.fiscal_year = ? AND r.day < ? AND {CURRENT}",
            [fy, start.isoformat()],
        )
        if uuid not in have
    ]
    return sorted([*earlier, *reports], key=lambda r: (r.day, r.shift))


def export_guard(
    db: Database, fy: int, path: Path, progress: Callable[[int, int], None] | None = None
) -> int:
    def rows():
        for rep in _year_reports(db, fy):
            head = [rep.day.isoformat(), rep.shift, rep.supervisor, rep.required, rep.present]
            if not rep.events:
                yield [*head, "", "", "", "", "", ""]
            for ev in rep.events:
                # What counts, as the indicator reads it: an alarm someone marked counted
                # before issue 15 does not count, and a file saying so would be refused.
                counts = "" if ev.counts is None else ("yes" if ev.status == "counts" else "no")
                yield [*head, ev.at.strftime("%H:%M"), ev.place, ev.category, counts,
                       ev.description, ev.uuid]  # fmt: skip

    return write_rows(Path(path), EXPORT_COLUMNS, rows(), progress)
