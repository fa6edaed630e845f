"""Issue 3: the Restrooms page: points by floor with their standing, filters, models."""

from inspection.demo import fill_demo_rounds
from ui.ops import Change


def test_27_points_listed_with_their_floor(window) -> None:
    model = window.restrooms.model
    assert model.rowCount() == 27
    assert {model.status_at(r).point.floor for r in range(27)} == {1, 2, 3, 4, 5}
    assert all(model.status_at(r).state == "unchecked" for r in range(27))


def test_filters_by_floor_and_state(window, db) -> None:
    fill_demo_rounds(db, 2564)
    window.hub.changed.emit(Change.ROUNDS)
    page = window.restrooms
    page.year.setCurrentIndex(page.year.findData(2564))
    assert page.model.status_at(0).state != "unchecked"
    page.floor.setCurrentIndex(page.floor.findData(3))
    assert page.proxy.rowCount() == 5
    page.state.setCurrentIndex(page.state.findData("failed"))
    failed = [page.proxy.index(r, 1).data() for r in range(page.proxy.rowCount())]
    assert all(code.startswith("F3-") for code in failed)
    page.floor.setCurrentIndex(0)
    total_failed = page.proxy.rowCount()
    page.state.setCurrentIndex(page.state.findData("passed"))
    assert page.proxy.rowCount() + total_failed == 27


def test_models_pass_qt_model_tester(qtmodeltester, window, db) -> None:
    fill_demo_rounds(db, 2564)
    page = window.restrooms
    page.year.setCurrentIndex(page.year.findData(2564))
    page.select_point("F1-01")
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
    qtmodeltester.check(page.history_model)
    qtmodeltester.check(page.actions_model)
    assert page.history_model.rowCount() > 10


def test_start_round_from_a_point_opens_the_round_page(window) -> None:
    page = window.restrooms
    page.select_point("F2-02")
    page.start_button.click()
    assert window.stack.currentWidget() is window.round
    assert window.round.point.code == "F2-02"


def test_a_past_year_lists_the_points_its_score_judged(window, db) -> None:
    """DOMAIN.md 6: a point deactivated after a year still counts in that year, so the
    year's 'passed of total' here is the indicator's."""
    from inspection.indicator import restroom_indicator
    from inspection.points import set_point_active

    fill_demo_rounds(db, 2564)
    set_point_active(db, "F1-01", False, "2021-09-30")
    window.hub.changed.emit(Change.POINTS)
    page = window.restrooms
    page.year.setCurrentIndex(page.year.findData(2564))
    page.reload()
    assert page.model.rowCount() == restroom_indicator(db, 2564).points_total == 27


def test_a_refused_close_date_is_asked_again_with_what_was_typed(window, db) -> None:
    """Bad input gets a clear message and nothing typed is lost: 31/02/2564 is refused, the
    date is asked again starting from the typed text, and the corrected one closes it."""
    from inspection.actions import list_actions

    fill_demo_rounds(db, 2564)
    page = window.restrooms
    window.show_widget(page)
    window.hub.changed.emit(Change.ROUNDS)
    page.year.setCurrentIndex(page.year.findData(2564))
    code = next(a for a in list_actions(db) if a.closed_date is None).point_code
    page.select_point(code)
    row = next(r for r in range(page.actions_model.rowCount())
               if page.actions_model.action_at(r).closed_date is None)  # fmt: skip
    page.actions.selectRow(row)
    target = page.actions_model.action_at(row)
    dialog = page._close_action()
    assert dialog.edit.text() == "30/09/2564"  # today, filled in
    dialog.edit.setText("31/02/2564")
    assert not dialog.try_accept()
    # Refused beside the field, in Thai, with what was typed kept (issue 17 point 4).
    assert dialog.isVisible() and dialog.edit.text() == "31/02/2564"
    assert "31/02/2564" in dialog.errors["closed"].text()
    assert "not" in dialog.errors["closed"].toolTip()
    dialog.edit.setText("30/09/2564")
    assert dialog.try_accept()
    closed = next(a for a in list_actions(db) if a.uuid == target.uuid)
    assert closed.closed_date is not None and closed.closed_date.day == 30
