"""Issue 5 in the window: fast survey entry, the Today list, plan progress."""

from PySide6.QtCore import Qt

from inspection.survey import satisfaction
from ui.ops import Change


def _type(qtbot, widget, keys: str) -> None:
    """Digits as typed; a newline is the Enter key."""
    for key in keys:
        qtbot.keyClick(widget, Qt.Key.Key_Return if key == "\n" else key)


def test_survey_forms_typed_with_digits_update_the_tally(qtbot, window, db) -> None:
    page = window.survey
    window.show_widget(page)
    page.form.setCurrentIndex(page.form.findData("detailed"))
    page.entry.setFocus()
    _type(
        qtbot, page.entry, "3" + "54454\n" + "2" + "33223\n"
    )  # satisfied public, unhappy employee
    sat = satisfaction(db, 2564)
    assert (sat.respondents, sat.satisfied) == (2, 1)
    assert sat.by_group["public"].satisfied == 1 and sat.by_group["employee"].respondents == 1
    assert "50.00%" in page.share.text()
    page.form.setCurrentIndex(page.form.findData("overall"))
    page.point.setText("f101")
    _type(qtbot, page.entry, "1" + "4\n")
    assert satisfaction(db, 2564).respondents == 3
    point = db.execute("SELECT p.code FROM survey_responses s JOIN points p ON p.id = s.point_id")
    assert point.fetchone()[0] == "F1-01"


def test_nothing_is_saved_before_enter_and_backspace_corrects_the_last_rating(
    qtbot, window, db
) -> None:
    page = window.survey
    window.show_widget(page)
    page.form.setCurrentIndex(page.form.findData("overall"))
    _type(qtbot, page.entry, "3" + "2" + "9")  # 9: not a rating; a second digit: too many
    assert page.ratings == [2] and satisfaction(db, 2564).respondents == 0
    assert "Enter" in page.entry.text()
    qtbot.keyClick(page.entry, Qt.Key.Key_Backspace)
    _type(qtbot, page.entry, "5\n")
    sat = satisfaction(db, 2564)
    assert (sat.respondents, sat.satisfied) == (1, 1)
    _type(qtbot, page.entry, "\n" + "1" + "\n")  # Enter on an unfinished form saves nothing
    assert satisfaction(db, 2564).respondents == 1 and page.group == "official"


def test_survey_keys_outside_1_to_5_change_nothing(qtbot, window, db) -> None:
    page = window.survey
    for key in "9" + "1" + "0" + "6":
        qtbot.keyClick(page.entry, key)
    assert page.group == "official" and page.ratings == []
    assert satisfaction(db, 2564).respondents == 0


def test_today_lists_unchecked_points_and_opens_a_round(qtbot, window) -> None:
    page = window.today
    texts = [page.items.item(i).text() for i in range(page.items.count())]
    assert any("F1-01" in t for t in texts)
    item = next(page.items.item(i) for i in range(page.items.count())
                if "F3-02" in page.items.item(i).text())  # fmt: skip
    page._open(item)
    assert window.stack.currentWidget() is window.round and window.round.point.code == "F3-02"


def test_today_offers_to_continue_a_round_in_progress_not_to_start_one(qtbot, window, db) -> None:
    from inspection import rounds as R

    draft = R.start_draft(db, "F2-02", "สมชาย")
    R.set_score(db, draft.uuid, 1, 4)
    window.hub.changed.emit(Change.ROUNDS)
    page = window.today
    page.reload()
    (item,) = [page.items.item(i) for i in range(page.items.count())
               if page.items.item(i).text().startswith("F2-02")]  # fmt: skip
    assert "ยังไม่เสร็จ" in item.text()
    page._open(item)
    assert window.stack.currentWidget() is window.round
    assert window.round.round.uuid == draft.uuid


def test_plan_page_marks_a_step_done_and_shows_progress(qtbot, window) -> None:
    page = window.plan
    window.show_widget(page)
    page.year.setCurrentIndex(page.year.findData(2564))
    row = next(r for r, s in enumerate(page.steps) if s.project == 2 and s.step_no == 1)
    page.table.selectRow(row)
    assert not page.mark_selected_done("31/02/2564", "")
    assert "31/02/2564" in page.error.text()
    assert page.mark_selected_done("15/10/2563", "คำสั่งแต่งตั้ง")
    assert "2: ความก้าวหน้า 5%" in page.progress.full_text()


def test_plan_step_edited_in_the_dialog_and_a_refusal_stays_in_it(qtbot, window, db) -> None:
    """Plan, project 2 step table: step 7 (the plan's typo) renamed; cumulative order kept."""
    page = window.plan
    window.show_widget(page)
    page.year.setCurrentIndex(page.year.findData(2564))
    row = next(r for r, s in enumerate(page.steps) if s.project == 2 and s.step_no == 7)
    page.table.selectRow(row)
    dialog = page.edit_selected()
    assert dialog is not None and dialog.isVisible()
    dialog.title_th.setText("ตรวจซ้ำชั้น 5")
    dialog.cumulative.setValue(80)  # step 8 is at 75
    assert not dialog.save() and dialog.isVisible()
    assert "75" in dialog.error.text()
    dialog.cumulative.setValue(55)
    dialog.months[6].setChecked(False)
    dialog.months[7].setChecked(True)
    assert dialog.save() and not dialog.isVisible()
    assert page.table.item(row, 2).text() == "ตรวจซ้ำชั้น 5"
    assert page.table.item(row, 5).text() == "ก.ค."


def test_plan_page_greys_editing_for_an_inspector_and_says_who_may(qtbot, window, db) -> None:
    """Issue 17 point 5: disabled from the start, the tooltip naming the roles that may."""
    from core.users import Actor, act_as

    act_as(db, Actor("somchai", "inspector"))
    page = window.plan
    window.show_widget(page)
    page.table.selectRow(0)
    assert page.edit_button.isVisible() and not page.edit_button.isEnabled()
    assert page.edit_button.toolTip() == "ใช้ได้เฉพาะ หัวหน้ากลุ่มงาน, ผู้ดูแลระบบ"
    assert page.edit_selected() is None


def test_choosing_next_year_on_the_plan_page_starts_from_this_years_plan(qtbot, window) -> None:
    page = window.plan
    page.year.setCurrentIndex(page.year.findData(2564))
    first = page.steps[0]
    page.table.selectRow(0)
    dialog = page.edit_selected()
    dialog.title_th.setText("เตรียมการ ปี 2564")
    assert dialog.save()
    page.year.setCurrentIndex(page.year.findData(2565))
    assert len(page.steps) == 15 and {s.fiscal_year for s in page.steps} == {2565}
    assert page.steps[0].title_th == "เตรียมการ ปี 2564" and page.steps[0].uuid != first.uuid
    assert "1: ความก้าวหน้า 0%" in page.progress.full_text()


def test_a_section_head_defines_a_form_and_the_survey_page_offers_it(qtbot, window, db) -> None:
    from core.users import Actor, act_as
    from inspection.survey import get_form

    act_as(db, Actor("head", "section_head"))
    page = window.survey
    window.show_widget(page)
    assert page.edit_forms_button.isVisible()
    dialog = page.edit_forms()
    assert dialog is not None and dialog.list.count() == 2
    dialog.new_form()
    dialog.name_th.setText("สองข้อ")
    dialog.name_en.setText("Two questions")
    dialog.table.item(0, 0).setText("สะอาด")
    assert not dialog.save()  # the English text of question 1 is missing
    assert "question 1" in dialog.error.text()
    dialog.table.item(0, 1).setText("Clean")
    dialog._add_row("ปลอดภัย", "Safe")
    assert dialog.save() and dialog.list.count() == 3
    page.form.setCurrentIndex(page.form.findText("สองข้อ"))
    assert "2. ปลอดภัย" in page.entry.text()
    page.entry.setFocus()
    _type(qtbot, page.entry, "3" + "45\n")
    key = page.form.currentData()
    assert get_form(db, key).answers == 1
    # Editing the answered form: a new version, the note says so, the answer keeps its form.
    dialog.load(select=key)
    assert "1" in dialog.note.text()
    dialog.table.item(1, 0).setText("ปลอดภัยและมีแสงสว่าง")
    assert dialog.save()
    assert get_form(db, key).replaced_by is not None
    assert db.execute("SELECT form FROM survey_responses").fetchone()[0] == key


def test_an_inspector_types_answers_but_does_not_define_forms(qtbot, window, db) -> None:
    from core.users import Actor, act_as

    act_as(db, Actor("somchai", "inspector"))
    page = window.survey
    window.show_widget(page)
    assert not page.edit_forms_button.isEnabled() and page.edit_forms() is None
    assert "หัวหน้ากลุ่มงาน" in page.edit_forms_button.toolTip()
    _type(qtbot, page.entry, "1" + "5\n")
    assert satisfaction(db, 2564).respondents == 1


def test_answers_typed_with_a_september_date_count_in_that_year(qtbot, window, db) -> None:
    """1 October belongs to the next fiscal year; 30 September to the one ending."""
    page = window.survey
    window.show_widget(page)
    page.day.setText("2021-09-01")
    page.day.editingFinished.emit()
    assert "2564" in page.share.text()
    _type(qtbot, page.entry, "2" + "4\n")
    page.day.setText("31/09/2564")  # no such day: nothing is saved, the reason is shown
    page.day.editingFinished.emit()
    _type(qtbot, page.entry, "2" + "4\n")
    assert "31/09/2564" in page.status.text()
    assert satisfaction(db, 2564).respondents == 1


def test_today_lists_this_months_steps_done_or_not(qtbot, window, db) -> None:
    """Plan, project 2 step 10 (summary, September): listed as done once marked."""
    from core.plan import mark_step_done, plan_for_year

    page = window.today

    def texts() -> list[str]:
        return [page.items.item(i).text() for i in range(page.items.count())]

    step = next(s for s in plan_for_year(db, 2564) if s.project == 2 and s.step_no == 10)
    assert any("โครงการ 2 ขั้นตอน 10" in t and "เสร็จแล้ว" not in t for t in texts())
    mark_step_done(db, step.uuid, "2021-09-29", "บันทึกเสนอหัวหน้า")
    window.hub.changed.emit(Change.PLAN)
    assert any(t.startswith("✓ เสร็จแล้ว 29 ก.ย. 2564 — โครงการ 2 ขั้นตอน 10") for t in texts())
    # An overdue step of an earlier month, once done, leaves the list.
    step8 = next(s for s in plan_for_year(db, 2564) if s.project == 2 and s.step_no == 8)
    assert any("โครงการ 2 ขั้นตอน 8:" in t for t in texts())
    mark_step_done(db, step8.uuid, "2021-08-31", "")
    window.hub.changed.emit(Change.PLAN)
    assert not any("โครงการ 2 ขั้นตอน 8:" in t for t in texts())


def test_the_done_dialog_starts_from_today_and_can_take_a_date_back(qtbot, window, db) -> None:
    page = window.plan
    window.show_widget(page)
    page.year.setCurrentIndex(page.year.findData(2564))
    assert page._mark_done() is None and page.error.text()  # nothing selected: says so
    row = next(r for r, s in enumerate(page.steps) if s.project == 2 and s.step_no == 1)
    page.table.selectRow(row)
    dialog = page._mark_done()
    assert dialog.when.text() == "30/09/2564" and not dialog.not_done.isVisibleTo(dialog)
    dialog.when.setText("32/10/2563")
    assert not dialog.save() and "32/10/2563" in dialog.error.text()
    dialog.when.setText("15/10/2563")
    dialog.evidence.setText("คำสั่งที่ 1/2564")
    assert dialog.save()
    assert "15 ต.ค. 2563 — คำสั่งที่ 1/2564" in page.table.item(row, 6).text()
    page.table.selectRow(row)
    again = page._mark_done()
    assert again.when.text() == "15/10/2563" and again.not_done.isVisibleTo(again)
    assert again.clear()
    assert page.steps[row].done_date is None and page.steps[row].evidence == "คำสั่งที่ 1/2564"


def test_today_on_1_october_still_lists_reports_missing_in_september(qtbot, window, db) -> None:
    from datetime import datetime

    import core.calendar

    core.calendar.clock = lambda: datetime(2021, 10, 1, 8, 0)  # the fixture restores it
    window.hub.changed.emit(Change.ALL)
    texts = [window.today.items.item(i).text() for i in range(window.today.items.count())]
    assert any(t.startswith("30 ก.ย. 2564") for t in texts)
    assert not any(t.startswith("1 ต.ค. 2564") for t in texts)  # today's report may still come


def test_a_plan_line_on_today_opens_the_plan_page_on_that_step(qtbot, window, db) -> None:
    from core.plan import plan_for_year

    step = next(s for s in plan_for_year(db, 2564) if s.project == 2 and s.step_no == 10)
    page = window.today
    item = next(page.items.item(i) for i in range(page.items.count())
                if "โครงการ 2 ขั้นตอน 10:" in page.items.item(i).text())  # fmt: skip
    page._open(item)
    plan = window.plan
    assert window.stack.currentWidget() is plan
    rows = plan.table.selectionModel().selectedRows()
    assert [plan.steps[r.row()].uuid for r in rows] == [step.uuid]
