"""DOMAIN.md section 7 and the plan's "เกณฑ์การให้คะแนน ตัวชี้วัดที่ 1" (guard incidents)."""

from datetime import date, time

import pytest

from core.errors import InvalidInput
from core.ladder import score_for
from core.users import Actor, PermissionDenied, act_as
from security.events import EventInput
from security.indicator import classify_event, events_of_year, incident_indicator, incident_level
from security.reports import (
    copy_previous_report,
    current_report,
    mark_month_checked,
    missing_reports,
    month_check,
    save_report,
)


@pytest.mark.parametrize(
    ("counted", "level", "score"),
    [(0, 5, 15), (1, 5, 15), (2, 4, 13.5), (3, 3, 12), (4, 3, 12), (5, 2, 10.5),
     (6, 2, 10.5), (7, 1, 9)],
)  # fmt: skip
def test_incident_ladder_of_the_plan_table_indicator_1(counted, level, score) -> None:
    """Plan table, ตัวชี้วัดที่ 1: 1 ครั้ง / ไม่เกิน 2 / 3-4 / 5-6 / มากกว่า 6 ครั้ง."""
    assert incident_level(counted) == level and score_for(level) == score


def _theft(at=time(10, 0)) -> EventInput:
    return EventInput(at, "ลานจอดรถ", "theft", "รถจักรยานยนต์ถูกขโมย", loss_value=35000)


def test_a_signed_report_is_final_and_a_correction_supersedes_it(db) -> None:
    first = save_report(db, "2021-01-05", "day", "วิชัย", 12, 11, events=[_theft()])
    assert first.shortfall == 1
    with pytest.raises(InvalidInput):
        save_report(db, "2021-01-05", "day", "วิชัย", 12, 12)
    with pytest.raises(InvalidInput):
        save_report(db, "2021-01-05", "day", "วิชัย", 12, 12, supersedes=first.uuid)
    fixed = save_report(db, "2021-01-05", "day", "วิชัย", 12, 12, supersedes=first.uuid,
                        reason="นับคนผิด", events=[_theft()])  # fmt: skip
    assert current_report(db, date(2021, 1, 5), "day").uuid == fixed.uuid
    assert len(events_of_year(db, 2564)) == 1  # the superseded revision's event is not doubled


@pytest.mark.parametrize("nothing", [False, ""])
def test_a_report_superseding_nothing_stores_no_supersedes(db, nothing) -> None:
    """A Qt signal's `checked` (False) reached `supersedes` and was stored as '0': the
    report then read as a correction to every laptop it was synced to, and was refused."""
    rep = save_report(db, "2021-01-06", "day", "วิชัย", 12, 12, supersedes=nothing)
    assert rep.supersedes is None
    assert db.execute("SELECT supersedes FROM guard_reports").fetchone()[0] is None


def test_classification_needs_a_section_head_and_a_reason(db) -> None:
    rep = save_report(db, "2021-02-01", "night", "ประเสริฐ", 8, 8, events=[_theft(time(2, 0))])
    event = rep.events[0]
    assert incident_indicator(db, 2564).pending == 1
    with pytest.raises(PermissionDenied):  # the operating-system account decides nothing
        classify_event(db, event.uuid, True, "ประมาท")
    act_as(db, Actor("head", "section_head"))
    with pytest.raises(InvalidInput):
        classify_event(db, event.uuid, True, " ")
    act_as(db, Actor("somchai", "inspector"))
    with pytest.raises(PermissionDenied):
        classify_event(db, event.uuid, True, "ประมาท")
    assert incident_indicator(db, 2564).pending == 1  # the refused action changed nothing
    act_as(db, Actor("head", "section_head"))
    classify_event(db, event.uuid, True, "เจ้าหน้าที่ไม่อยู่ประจำจุด")
    ind = incident_indicator(db, 2564)
    assert (ind.counted, ind.pending, ind.level) == (1, 0, 5)


def test_a_guard_supervisor_cannot_finalize_rounds(db) -> None:
    from inspection.rounds import start_draft

    act_as(db, Actor("guard1", "guard_supervisor"))
    with pytest.raises(PermissionDenied):
        start_draft(db, "F1-01", "guard1")
    save_report(db, "2021-02-02", "day", "guard1", 12, 12)  # but may sign its own reports


def test_copy_previous_report_fills_the_form_without_events(db) -> None:
    save_report(db, "2021-03-01", "day", "วิชัย", 12, 11, posts_covered=["ลานคนเมือง"],
                patrols=["10:00", "14:30"], events=[_theft()])  # fmt: skip
    copied = copy_previous_report(db, date(2021, 3, 2), "day")
    assert copied["supervisor"] == "วิชัย" and copied["patrols"] == ["10:00", "14:30"]
    assert copy_previous_report(db, date(2021, 3, 2), "night") is None


def test_missing_reports_and_the_month_check(db) -> None:
    save_report(db, "2021-04-01", "day", "วิชัย", 12, 10, events=[_theft()])
    save_report(db, "2021-04-01", "night", "ประเสริฐ", 8, 8)
    save_report(db, "2021-04-02", "day", "วิชัย", 12, 11)
    assert missing_reports(db, date(2021, 4, 1), date(2021, 4, 3)) == [
        (date(2021, 4, 2), "night"), (date(2021, 4, 3), "day"), (date(2021, 4, 3), "night"),
    ]  # fmt: skip
    check = month_check(db, 2021, 4)
    assert (check.required_reports, check.reported, check.shortfall) == (60, 3, 3)
    assert check.by_category["theft"] == 1
    act_as(db, Actor("head", "section_head"))
    done = mark_month_checked(db, 2021, 4, "ผู้รับจ้างจัดคนไม่ครบ 3 วัน")
    assert done.checked_by and "3 วัน" in done.note


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"shift": "evening"}, "shift"), ({"required": "-1"}, "required"),
     ({"present": "many"}, "present"), ({"day": "31/02/2564"}, "date"),
     ({"patrols": ["25:00"]}, "patrols")],
)  # fmt: skip
def test_bad_report_input_names_the_field(db, kwargs, field) -> None:
    args = {"day": "2021-05-01", "shift": "day", "supervisor": "ก", "required": 12, "present": 12}
    patrols = kwargs.pop("patrols", [])
    args.update(kwargs)
    with pytest.raises(InvalidInput) as err:
        save_report(db, args.pop("day"), **args, patrols=patrols)
    assert err.value.field == field


def test_the_office_sets_the_required_shifts_and_the_posts(db) -> None:
    from security.contract import posts, set_contract, shifts

    act_as(db, Actor("admin", "admin"))
    set_contract(db, {"day": (True, 14), "night": (False, 6)}, ["ประตู 1", "ลานคนเมือง"])
    assert [s.code for s in shifts(db, required_only=True)] == ["day"]
    assert set(posts(db)) == {"ประตู 1", "ลานคนเมือง"}
    assert missing_reports(db, date(2021, 4, 1), date(2021, 4, 1)) == [(date(2021, 4, 1), "day")]
    act_as(db, Actor("guard1", "guard_supervisor"))
    with pytest.raises(PermissionDenied):
        set_contract(db, {"night": (True, 8)}, [])
    assert [s.code for s in shifts(db, required_only=True)] == ["day"]


def test_the_year_count_finds_corrections_by_index_not_by_scanning_every_report(db) -> None:
    """Only the current revision counts; asking for it must not scan all reports per report."""
    from security.reports import CURRENT

    sql = (
        "SELECT e.counts, COUNT(*) FROM guard_events e JOIN guard_reports r"
        f" ON r.id = e.report_id WHERE r.fiscal_year = ? AND {CURRENT} GROUP BY e.counts"
    )
    plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, [2564]).fetchall()]
    assert any("USING INDEX guard_reports_supersedes" in d for d in plan), plan
    assert not any(d.startswith("SCAN") for d in plan), plan


def test_a_guard_supervisor_cannot_classify_an_event_by_signing_it_classified(db) -> None:
    """DOMAIN.md section 7, issue 7: whether an event counts is the section head's call,
    whichever domain function writes it; a refused report writes nothing."""
    classified = EventInput(time(10, 0), "ลานจอดรถ", "theft", "จักรยานหาย", counts=False,
                            reason="ไม่ใช่ความบกพร่องของยาม")  # fmt: skip
    act_as(db, Actor("guard1", "guard_supervisor"))
    with pytest.raises(PermissionDenied):
        save_report(db, "2021-01-05", "day", "วิชัย", 12, 12, events=[classified])
    assert current_report(db, date(2021, 1, 5), "day") is None
    save_report(db, "2021-01-05", "day", "วิชัย", 12, 12, events=[_theft()])  # pending: fine


def test_a_supervisor_correction_keeps_the_section_heads_decision_and_name(db) -> None:
    first = save_report(db, "2021-01-05", "day", "วิชัย", 12, 12, events=[_theft()])
    act_as(db, Actor("head", "section_head"))
    decided = classify_event(db, first.events[0].uuid, True, "ยามไม่อยู่ประจำจุด")
    act_as(db, Actor("guard1", "guard_supervisor"))
    carried = EventInput(decided.at, decided.place, decided.category, decided.description,
                         decided.loss_value, "", decided.counts, decided.reason)  # fmt: skip
    fixed = save_report(db, "2021-01-05", "day", "วิชัย", 12, 11, events=[carried],
                        supersedes=first.uuid, reason="นับคนผิด")  # fmt: skip
    assert fixed.events[0].counts is True and fixed.events[0].classified_by == "head"
    changed = EventInput(decided.at, decided.place, decided.category, decided.description,
                         decided.loss_value, "", False, "ไม่นับ")  # fmt: skip
    with pytest.raises(PermissionDenied):
        save_report(db, "2021-01-05", "day", "วิชัย", 12, 10, events=[changed],
                    supersedes=fixed.uuid, reason="แก้อีก")  # fmt: skip


def test_a_report_from_an_unknown_source_is_a_callers_mistake(db) -> None:
    """save_report stored source='csv', and every other laptop's sync import refused the
    report (review): the sources are core.records.SOURCES, for rounds and reports alike."""
    with pytest.raises(ValueError, match="unknown source 'csv'"):
        save_report(db, "2021-01-04", "day", "วิชัย", 12, 12, source="csv")
    assert db.execute("SELECT COUNT(*) FROM guard_reports").fetchone()[0] == 0
