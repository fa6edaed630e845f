"""Issue 15 in the window: the event's own day in the guard form and the events list,
"counts" offered only for theft, damage and loss, the year's shifts without a report
beside the incident indicator, shift hours in Settings. Issue 14 point 2: the event
dialog's fields go through the domain's one check."""

from datetime import date, datetime, time

import pytest
from PySide6.QtCore import QDate, QTime

import core.calendar
from core.errors import InvalidInput
from core.users import act_as
from security.contract import shifts
from security.events import PLACE_MAX, EventInput
from security.reports import current_report, save_report
from tests.actors import HEAD
from ui.ops import Change


def test_the_event_dialog_reads_the_loss_as_typed_and_refuses_what_it_cannot(window) -> None:
    from ui.guard_page import EventDialog

    day = {s.code: s for s in shifts(window.db)}["day"]
    dialog = EventDialog(window.guard, window.hub, lambda event: None, day=date(2021, 9, 1),
                         shift=day)  # fmt: skip
    assert dialog.place.maxLength() == PLACE_MAX
    dialog.at.setText("09:15")
    dialog.place.setText("ลานจอดรถ")
    for typed, value in (("1,500", 1500.0), ("1500 บาท", 1500.0), ("", None)):
        dialog.loss.setText(typed)
        assert dialog.event_input().loss_value == value
    dialog.loss.setText("abc")  # stored as nothing before issue 14
    with pytest.raises(InvalidInput) as err:
        dialog.event_input()
    assert err.value.field == "loss_value"


def test_an_unreadable_loss_is_said_beside_the_field_and_every_field_is_kept(window) -> None:
    """The domain's refusal (validate_event) in the dialog: under the loss value, in Thai
    with the English as its tooltip; nothing is added to the report until it reads."""
    page = window.guard
    window.show_widget(page)
    dialog = page._add_event()
    dialog.at.setText("09:15")
    dialog.place.setText("ลานจอดรถ")
    dialog.category.setCurrentIndex(dialog.category.findData("theft"))
    dialog.description.setText("จักรยานหาย")
    dialog.loss.setText("สามพันบาท")
    dialog.action.setText("แจ้ง รปภ.")
    assert not dialog.try_accept() and dialog.isVisible()
    beside = dialog.errors["loss_value"]
    assert beside.text().startswith("อ่านมูลค่าความเสียหาย «สามพันบาท» ไม่ได้")
    assert "cannot read the loss value" in beside.toolTip()
    assert "(loss_value)" not in beside.text()  # beside its field: the field is not named again
    # Its two lines whole: the dialog grew for them (they were cut through their vowels).
    assert beside.height() >= beside.heightForWidth(beside.width())
    assert (dialog.at.text(), dialog.place.text(), dialog.description.text(),
            dialog.loss.text(), dialog.action.text()) == (
        "09:15", "ลานจอดรถ", "จักรยานหาย", "สามพันบาท", "แจ้ง รปภ."
    )  # fmt: skip
    assert dialog.category.currentData() == "theft" and page.events == []
    dialog.loss.setText("3,000")
    assert dialog.try_accept()
    assert [e.loss_value for e in page.events] == [3000.0]


def test_the_guard_form_shows_the_day_a_night_event_happened(window, db) -> None:
    page = window.guard
    save_report(db, "2021-09-03", "night", "ประเสริฐ", 8, 8,
                events=[EventInput(time(23, 0), "โถง", "alarm", "ดัง"),
                        EventInput(time(2, 0), "ลานจอดรถ", "theft", "รถหาย")])  # fmt: skip
    page.shift.setCurrentIndex(page.shift.findData("night"))
    page.calendar.setSelectedDate(QDate(2021, 9, 3))
    days = [page.events_table.item(r, 0).text() for r in range(page.events_table.rowCount())]
    assert days == ["3 ก.ย. 2564", "4 ก.ย. 2564"]


def test_counts_is_offered_only_for_theft_damage_and_loss(window, db) -> None:
    save_report(db, "2021-09-04", "day", "วิชัย", 12, 12,
                events=[EventInput(time(9, 0), "โถง", "alarm", "ดัง"),
                        EventInput(time(10, 0), "ลาน", "theft", "ขโมย")])  # fmt: skip
    act_as(db, HEAD)
    page = window.incidents
    page.year.setCurrentIndex(page.year.findData(2564))
    window.hub.changed.emit(Change.GUARD)
    by_category = {page.model.rows[r].category: r for r in range(page.model.rowCount())}
    page.table.selectRow(page.proxy.mapFromSource(page.model.index(by_category["alarm"], 0)).row())
    page._buttons()
    assert not page.counts_button.isEnabled() and page.not_button.isEnabled()
    page.table.selectRow(page.proxy.mapFromSource(page.model.index(by_category["theft"], 0)).row())
    page._buttons()
    assert page.counts_button.isEnabled()


def test_the_events_list_shows_the_day_it_happened(window, db, monkeypatch) -> None:
    monkeypatch.setattr(core.calendar, "clock", lambda: datetime(2021, 10, 2, 9, 0))
    save_report(db, "2021-09-30", "night", "ประเสริฐ", 8, 8,
                events=[EventInput(time(2, 0), "ลาน", "theft", "ขโมย")])  # fmt: skip
    page = window.incidents
    page.year.setCurrentIndex(page.year.findData(2565))
    window.hub.changed.emit(Change.GUARD)
    assert page.model.rowCount() == 1
    # 1 October 2021 is 1 ต.ค. 2564 B.E., the first day of fiscal year 2565.
    assert page.model.data(page.model.index(0, 0)) == "1 ต.ค. 2564"


def test_the_indicator_says_a_year_with_no_report_in_words(window, db) -> None:
    page = window.indicators
    page.year.setCurrentIndex(page.year.findData(2564))
    page.reload()
    assert page.inc_level.text().startswith("ระดับ 5")
    assert "ไม่มีรายงานของผู้ควบคุมที่ลงนามแล้วเลย" in page.inc_coverage.text()
    # FY 2564 so far (30 Sep, 18:00): 364 days x 2 shifts have ended.
    assert "728" in page.inc_coverage.text()
    save_report(db, "2021-09-04", "day", "วิชัย", 12, 12)
    page.reload()
    assert "727" in page.inc_coverage.text() and "728" in page.inc_coverage.text()
    window.incidents.reload()
    assert "727" in window.incidents.summary.text()


def test_shift_hours_are_set_in_settings(window, db) -> None:
    page = window.settings
    start, end = page.shift_hours["night"]
    assert (start.time(), end.time()) == (QTime(20, 0), QTime(8, 0))
    start.setTime(QTime(22, 0))
    end.setTime(QTime(6, 0))
    assert page.save_contract()
    night = {s.code: s for s in shifts(db)}["night"]
    assert (night.starts, night.ends) == (time(22, 0), time(6, 0))
    rep = save_report(db, "2021-09-05", "night", "ประเสริฐ", 8, 8,
                      events=[EventInput(time(21, 0), "ลาน", "theft", "ขโมย")])  # fmt: skip
    assert rep.events[0].day == date(2021, 9, 6)
    assert current_report(db, date(2021, 9, 5), "night") is not None


def test_the_event_time_starts_on_the_shift_and_a_time_to_come_is_refused_in_the_dialog(
    window, db, monkeypatch
) -> None:
    """New-user finding 5: the time said 10:00 even on a night shift, and 02:30 tonight
    was accepted by the dialog, refused only at signing as "field event_time"."""
    monkeypatch.setattr(core.calendar, "clock", lambda: datetime(2021, 9, 30, 23, 40, 30))
    page = window.guard
    window.show_widget(page)
    page.shift.setCurrentIndex(page.shift.findData("night"))
    page.load_day(date(2021, 9, 30))
    dialog = page._add_event()
    assert dialog.at.text() == "23:40"  # now, on the night being worked
    dialog.at.setText("02:30")  # the coming night's 02:30: 1 Oct, still to come
    dialog.place.setText("ลานจอดรถ")
    dialog.description.setText("เสียงดัง")
    assert not dialog.try_accept() and dialog.isVisible()
    beside = dialog.errors["event_time"]
    assert beside.text() == "เหตุการณ์เวลา 02:30 น. วันที่ 1 ต.ค. 2564 ยังมาไม่ถึง"
    assert beside.toolTip() == "the event at 02:30 on 1 Oct 2021 has not happened yet"
    assert page.events == []
    dialog.at.setText("23:15")
    assert dialog.try_accept() and [e.at for e in page.events] == [time(23, 15)]
    dialog.close()
    # Another night, another shift: the time starts at the shift's start.
    page.load_day(date(2021, 9, 20))
    assert page._add_event().at.text() == "20:00"
    page.dialog.close()
    page.shift.setCurrentIndex(page.shift.findData("day"))
    page.load_day(date(2021, 9, 20))
    assert page._add_event().at.text() == "08:00"
    page.dialog.close()


def test_an_event_refused_at_signing_names_the_event_not_the_field(window, db, monkeypatch):
    """A report whose event became one still to come (typed, then the form's day moved
    on its own clock): the status line says which event, not "field event_time"."""
    page = window.guard
    window.show_widget(page)
    page.shift.setCurrentIndex(page.shift.findData("night"))
    page.load_day(date(2021, 9, 30))
    monkeypatch.setattr(core.calendar, "clock", lambda: datetime(2021, 10, 1, 3, 0))
    page.supervisor.setText("ประเสริฐ")
    page.events = [EventInput(time(2, 30), "ลาน", "alarm", "ดัง")]
    monkeypatch.setattr(core.calendar, "clock", lambda: datetime(2021, 9, 30, 23, 0))
    assert page.sign() is None
    assert page.status.text() == "เหตุการณ์เวลา 02:30 น. วันที่ 1 ต.ค. 2564 ยังมาไม่ถึง"
    assert page.status.toolTip() == "the event at 02:30 on 1 Oct 2021 has not happened yet"
