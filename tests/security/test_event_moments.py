"""Issue 15 point 1: every event is stored with the day it happened, and counts there.

Plan, ตัวชี้วัดที่ 1, วิธีคำนวณ: "วัดจากจำนวนเหตุร้ายที่เกิดในศาลาว่าการกรุงเทพมหานคร"
(measured by the number of incidents that *occurred*) in the fiscal year; shifts have
hours (DOMAIN.md 7: a night report dated D covers D 20:00 to D+1 08:00).
"""

import sqlite3
from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlite_utils import Database

import core.calendar
from core.db import open_db
from core.errors import InvalidInput
from core.migrations import MIGRATIONS, migration_names
from core.users import act_as
from security.contract import set_contract, shifts
from security.csv_io import GUARD_COLUMNS, export_guard, import_guard
from security.events import EventInput
from security.indicator import classify_event, events_of_year, incident_indicator
from security.reports import events_between, month_check, save_report
from tests.actors import ADMIN, HEAD


@pytest.fixture
def after_the_year(monkeypatch) -> None:
    """The morning of 2 October 2021 (FY 2565 has begun): 1 October's events are past."""
    monkeypatch.setattr(core.calendar, "clock", lambda: datetime(2021, 10, 2, 9, 0))


def _theft(at: time) -> EventInput:
    return EventInput(at, "ลานจอดรถ", "theft", "รถจักรยานยนต์ถูกขโมย")


def _count(db, ev_uuid: str) -> None:
    act_as(db, HEAD)
    classify_event(db, ev_uuid, True, "ยามไม่อยู่ประจำจุด")


def test_default_shift_hours_day_8_to_20_night_20_to_8(db) -> None:
    hours = {s.code: (s.starts, s.ends) for s in shifts(db)}
    assert hours == {"day": (time(8), time(20)), "night": (time(20), time(8))}


def test_a_theft_at_2am_on_the_night_of_30_september_2564_counts_in_the_next_year(
    db, after_the_year
) -> None:
    """The issue's example: the night report of 30 Sep 2564 B.E., a theft at 02:00."""
    rep = save_report(db, "30/09/2564", "night", "ประเสริฐ", 8, 8, events=[_theft(time(2, 0))])
    ev = rep.events[0]
    assert (ev.day, ev.report_day) == (date(2021, 10, 1), date(2021, 9, 30))
    _count(db, ev.uuid)
    assert incident_indicator(db, 2564).counted == 0
    assert incident_indicator(db, 2565).counted == 1
    assert [e.uuid for e in events_of_year(db, 2565)] == [ev.uuid]
    assert events_of_year(db, 2564) == []


def test_an_event_at_1_30_on_the_night_of_30_september_2563_counts_in_2564(db) -> None:
    """The other half of the issue's example: it did not count in FY 2564 before."""
    rep = save_report(db, "30/09/2563", "night", "ประเสริฐ", 8, 8, events=[_theft(time(1, 30))])
    _count(db, rep.events[0].uuid)
    assert (incident_indicator(db, 2563).counted, incident_indicator(db, 2564).counted) == (0, 1)


def test_an_evening_event_on_a_night_report_stays_on_the_reports_day(db) -> None:
    rep = save_report(db, "2021-03-03", "night", "ประเสริฐ", 8, 8,
                      events=[_theft(time(22, 30)), _theft(time(3, 0))])  # fmt: skip
    assert [(e.day, e.at) for e in rep.events] == [
        (date(2021, 3, 3), time(22, 30)), (date(2021, 3, 4), time(3, 0)),
    ]  # fmt: skip
    assert [e.day for e in events_between(db, date(2021, 3, 4), date(2021, 3, 4))] == [
        date(2021, 3, 4)
    ]


def test_the_office_sets_shift_hours_and_later_events_follow_them(db) -> None:
    act_as(db, ADMIN)
    set_contract(db, {}, ["ลานจอดรถ"], hours={"night": ("22:00", "06:00")})
    assert {s.code: s.starts for s in shifts(db)}["night"] == time(22, 0)
    rep = save_report(db, "2021-03-03", "night", "ประเสริฐ", 8, 8, events=[_theft(time(21, 0))])
    # 21:00 is before this night shift's start: the next morning's side of the rule.
    assert rep.events[0].day == date(2021, 3, 4)
    with pytest.raises(InvalidInput) as err:
        set_contract(db, {}, [], hours={"day": ("08:00", "08:00")})
    assert err.value.field == "hours_day"
    with pytest.raises(InvalidInput) as err:
        set_contract(db, {}, [], hours={"day": ("8 โมง", "20:00")})
    assert err.value.field == "hours_day"


def test_an_event_whose_moment_has_not_come_is_refused(db) -> None:
    """The pinned clock says 30 Sep 2021 18:00: that night's 02:00 is still to come."""
    with pytest.raises(InvalidInput) as err:
        save_report(db, "2021-09-30", "night", "ประเสริฐ", 8, 8, events=[_theft(time(2, 0))])
    assert err.value.field == "event_time"
    assert db.execute("SELECT COUNT(*) FROM guard_reports").fetchone()[0] == 0


def test_the_month_check_counts_events_in_the_month_they_happened(db) -> None:
    save_report(db, "2021-01-31", "night", "ประเสริฐ", 8, 8, events=[_theft(time(2, 0))])
    assert month_check(db, 2021, 1).by_category["theft"] == 0
    assert month_check(db, 2021, 2).by_category["theft"] == 1


def test_the_import_derives_the_day_from_the_report_and_the_time(
    db, tmp_path, after_the_year
) -> None:
    act_as(db, HEAD)
    path = tmp_path / "guard.csv"
    path.write_text(
        ",".join(GUARD_COLUMNS) + "\n30/09/2564,night,ประเสริฐ,8,8,02:00,ลานจอดรถ,theft,yes,รถหาย\n",
        encoding="utf-8",
    )
    import_guard(db, path)
    (ev,) = events_of_year(db, 2565)
    assert ev.day == date(2021, 10, 1) and ev.counts is True
    assert incident_indicator(db, 2565).counted == 1


def test_export_of_a_year_holds_every_event_of_the_year_and_imports_back(
    db, tmp_path, after_the_year
) -> None:
    """export guard follows the event's own day: the night report of 30 September, whose
    02:00 theft belongs to the next year, is in that year's file too, whole."""
    act_as(db, HEAD)
    save_report(db, "2021-09-30", "night", "ประเสริฐ", 8, 8,
                events=[_theft(time(21, 0)), _theft(time(2, 0))])  # fmt: skip
    save_report(db, "2021-10-01", "day", "วิชัย", 12, 12)
    out65, out64 = tmp_path / "2565.csv", tmp_path / "2564.csv"
    export_guard(db, 2565, out65)
    export_guard(db, 2564, out64)
    lines65 = out65.read_text(encoding="utf-8-sig").splitlines()
    assert [ln.split(",")[:2] for ln in lines65[1:]] == [
        ["2021-09-30", "night"], ["2021-09-30", "night"], ["2021-10-01", "day"],
    ]  # fmt: skip
    fresh = open_db(tmp_path / "fresh.db")
    act_as(fresh, HEAD)
    import_guard(fresh, out64)
    again = import_guard(fresh, out65)  # the 30 September report is skipped, not refused
    assert (again.reports, again.skipped) == (1, 1)
    assert [e.day for e in events_of_year(fresh, 2565)] == [date(2021, 10, 1)]


def test_existing_events_are_migrated_to_the_day_they_happened(tmp_path: Path) -> None:
    """m018: an event time before the shift's start on a night report moves to the next
    day; the year's count follows (a file written before shifts had hours)."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    old = Database(conn)
    MIGRATIONS.apply(old, stop_before="m018_event_moments")
    for rid, day, shift in ((1, "2021-09-30", "night"), (2, "2021-09-30", "day")):
        conn.execute(
            "INSERT INTO guard_reports(id, uuid, day, fiscal_year, shift, supervisor, required,"
            " present, status, created_at) VALUES (?, ?, ?, 2564, ?, 'ก', 8, 8, 'signed', 'x')",
            [rid, f"00000000-0000-4000-8000-00000000000{rid}", day, shift],
        )
    events = ((1, "02:00", 1), (1, "21:30", 1), (2, "10:00", 1))
    for n, (rid, at, counts) in enumerate(events, start=1):
        conn.execute(
            "INSERT INTO guard_events(uuid, report_id, at, place, category, counts, reason)"
            " VALUES (?, ?, ?, 'ลาน', 'theft', ?, 'เหตุจริง')",
            [f"00000000-0000-4000-9000-00000000000{n}", rid, at, counts],
        )
    old.close()
    db = open_db(path)
    assert [m.name for m in MIGRATIONS.applied(db)] == migration_names()
    moved = db.execute("SELECT at, occurred_on, fiscal_year FROM guard_events ORDER BY id")
    assert moved.fetchall() == [
        ("02:00", "2021-10-01", 2565), ("21:30", "2021-09-30", 2564),
        ("10:00", "2021-09-30", 2564),
    ]  # fmt: skip
    assert (incident_indicator(db, 2564).counted, incident_indicator(db, 2565).counted) == (2, 1)
    db.close()
