"""Issue 5 in the window: fast survey entry, the Today list, plan progress."""

from inspection.survey import satisfaction


def test_survey_forms_typed_with_digits_update_the_tally(qtbot, window, db) -> None:
    page = window.survey
    window.show_widget(page)
    page.form.setCurrentIndex(page.form.findData("detailed"))
    page.entry.setFocus()
    for key in "3" + "54454" + "2" + "33223":  # a satisfied public form, an unsatisfied employee
        qtbot.keyClick(page.entry, key)
    sat = satisfaction(db, 2564)
    assert (sat.respondents, sat.satisfied) == (2, 1)
    assert sat.by_group["public"].satisfied == 1 and sat.by_group["employee"].respondents == 1
    assert "50.00%" in page.share.text()
    page.form.setCurrentIndex(page.form.findData("overall"))
    page.point.setText("f101")
    for key in "1" + "4":
        qtbot.keyClick(page.entry, key)
    assert satisfaction(db, 2564).respondents == 3
    point = db.execute("SELECT p.code FROM survey_responses s JOIN points p ON p.id = s.point_id")
    assert point.fetchone()[0] == "F1-01"


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


def test_plan_page_marks_a_step_done_and_shows_progress(qtbot, window) -> None:
    page = window.plan
    page.year.setCurrentIndex(page.year.findData(2564))
    row = next(r for r, s in enumerate(page.steps) if s.project == 2 and s.step_no == 1)
    page.table.selectRow(row)
    assert not page.mark_selected_done("31/02/2564", "")
    assert "31/02/2564" in page.error.text()
    assert page.mark_selected_done("15/10/2563", "คำสั่งแต่งตั้ง")
    assert "2: ความก้าวหน้า 5%" in page.progress.text()
