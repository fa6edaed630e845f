"""Issue 15 point 4: a year with no reports is not a perfect year (DOMAIN.md 7).

Plan, ตัวชี้วัดที่ 1, วิธีเก็บข้อมูล/หลักฐาน: "จากการรายงานของผู้ควบคุมเจ้าหน้าที่รักษา
ความปลอดภัยในแต่ละวัน" (from the supervisors' daily reports): the level still follows the
ladder, and every place that shows it says how many shifts of the year have no signed
report; a year with none says so in words.
"""

import json
from datetime import datetime, time

from cli import run
from core.users import act_as
from reports.catalog import build_report
from security.contract import set_contract
from security.events import EventInput
from security.indicator import coverage_line, incident_indicator
from security.reports import save_report
from tests.actors import ADMIN
from tests.reports.pdfcheck import needs_poppler, norm, pdf_text


def test_a_year_with_no_report_is_level_5_and_says_it_rests_on_no_report(db) -> None:
    ind = incident_indicator(db, 2564)
    assert (ind.level, ind.counted, ind.reports, ind.shifts_due, ind.shifts_missing) == (
        5, 0, 0, 728, 728,
    )  # fmt: skip  # 30 Sep 18:00: that day's two shifts have not ended
    assert ind.no_reports
    assert "No signed guard report at all" in coverage_line(ind, "en")
    assert "ไม่มีรายงานของผู้ควบคุมที่ลงนามแล้วเลย" in coverage_line(ind, "th")


def test_the_shifts_without_a_signed_report_are_counted_once(db) -> None:
    first = save_report(db, "2021-01-04", "day", "วิชัย", 12, 11)
    save_report(db, "2021-01-04", "day", "วิชัย", 12, 12, supersedes=first.uuid, reason="นับผิด")
    save_report(db, "2021-01-04", "night", "ประเสริฐ", 8, 8)
    ind = incident_indicator(db, 2564)
    assert (ind.reports, ind.shifts_missing) == (2, 726)  # the correction is one shift
    assert coverage_line(ind, "en") == "726 of this year's 728 shifts have no signed report"
    act_as(db, ADMIN)
    set_contract(db, {"night": (False, 0)}, [])  # the contract requires days only
    assert incident_indicator(db, 2564).shifts_due == 364


def test_score_says_it_and_score_json_keeps_domains_object(db, db_path, capsys) -> None:
    assert run(["--db", str(db_path), "score", "--fy", "2564"]) == 0
    assert "ไม่มีรายงานของผู้ควบคุมที่ลงนามแล้วเลยในปีนี้" in capsys.readouterr().out
    assert run(["--db", str(db_path), "score", "--fy", "2564", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {"fiscal_year", "restrooms", "incidents"}
    assert set(printed["incidents"]) == {"counted", "pending", "level", "score"}


def test_a_shift_not_yet_ended_is_not_missing_its_report(db, pinned_clock, monkeypatch) -> None:
    """At 01:29 on 1 Dec the day's shifts and the night begun on 30 Nov are still to end:
    they were counted as 'without a signed report' (new-user test, 2026-11-30)."""
    import core.calendar

    def at(hour: int, minute: int) -> None:
        moment = datetime(2020, 12, 1, hour, minute)
        monkeypatch.setattr(core.calendar, "clock", lambda: moment)

    at(1, 29)  # FY 2564 began on 1 Oct 2020: 61 days of day shifts, 60 nights ended
    ind = incident_indicator(db, 2564)
    assert (ind.shifts_due, ind.shifts_missing) == (61 + 60, 61 + 60)
    save_report(db, "2020-11-30", "night", "ประเสริฐ", 8, 8)  # signed as it ends
    at(8, 0)
    ind = incident_indicator(db, 2564)
    assert (ind.shifts_due, ind.shifts_missing, ind.reports) == (61 + 61, 61 + 60, 1)
    at(20, 0)
    assert incident_indicator(db, 2564).shifts_due == 62 + 61


@needs_poppler
def test_the_annual_summary_prints_it_beside_the_level(db, tmp_path) -> None:
    save_report(db, "2021-01-04", "day", "วิชัย", 12, 12,
                events=[EventInput(time(10, 0), "ลาน", "alarm", "ดัง")])  # fmt: skip
    out = build_report(db, "annual", tmp_path / "a.pdf", {"fy": "2564"}, lang="en")
    assert norm("727 of this year's 728 shifts have no signed report") in norm(pdf_text(out))
    empty = build_report(db, "annual", tmp_path / "b.pdf", {"fy": "2563"})
    assert norm("ไม่มีรายงานของผู้ควบคุมที่ลงนามแล้วเลยในปีนี้") in norm(pdf_text(empty))
