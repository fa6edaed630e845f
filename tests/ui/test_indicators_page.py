"""Issue 5: the Indicators page shows both ladders with the reached row, and refreshes."""

from PySide6.QtCore import Qt

from cli import run
from core.db import open_db
from ui.main_window import MainWindow


def test_indicators_page_matches_the_cli_and_refreshes_on_a_new_round(qtbot, db_path) -> None:
    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    db = open_db(db_path)
    w = MainWindow(db, db_path)
    qtbot.addWidget(w)
    w.show()
    page = w.indicators
    page.year.setCurrentIndex(page.year.findData(2564))
    r = page.score.restrooms
    assert f"ระดับ {r.level}" in page.rest_level.text()
    reached = [row for row in range(5) if page.rest_ladder.item(row, 0).font().bold()]
    assert [int(page.rest_ladder.item(row, 0).text()) for row in reached] == [r.level]
    needs = [page.rest_needs.item(i).text() for i in range(page.rest_needs.count())]
    assert any(n.startswith("F2-03") for n in needs)
    # A failed item's tooltip words it as the standard does.
    import re

    failing = next(
        page.rest_needs.item(i) for i in range(page.rest_needs.count())
        if re.match(r"F\d-\d\d: ข้อ \d+", page.rest_needs.item(i).text())
    )  # fmt: skip
    no = re.match(r"F\d-\d\d: ข้อ (\d+)", failing.text()).group(1)
    assert failing.toolTip().startswith(f"{no}. ") and len(failing.toolTip()) > 10
    # The failing point is fixed by a new round: the page refreshes by itself.
    w.round.inspector_edit.setText("สมชาย")
    w.round.begin_at("F2-03")
    w.show_widget(w.round)
    for _ in range(20):
        qtbot.keyClick(w.round.table, "4")
    qtbot.keyClick(w.round.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(w.round.table, Qt.Key.Key_Return)
    # The new round is dated today (the pinned clock: 30 Sep 2564), still in FY 2564;
    # the page, out of sight meanwhile, reloads when it is next shown (ui.ops.reload_on).
    w.show_widget(page)
    assert page.score.restrooms.points_passing == r.points_passing + 1
    needs = [page.rest_needs.item(i).text() for i in range(page.rest_needs.count())]
    assert not any(n.startswith("F2-03") for n in needs)
    assert "3" in page.inc_warning.text()
    assert page.review_button.isVisibleTo(page) and "3" in page.review_button.text()
    page.review_button.click()
    assert w.stack.currentWidget() is w.incidents


def test_what_the_next_level_needs_comes_first_and_a_point_opens_from_it(qtbot, window, db):
    """Plan ladder of ตัวชี้วัดที่ 2: level 4 needs 25 of 27 points and >= 91 % satisfied."""
    from inspection.survey import record_response

    for n in range(10):  # 9 of 10 satisfied = 90 %: satisfaction level 3
        record_response(db, "2021-07-01", None, "public", [5] if n < 9 else [1])
    for code in ("F1-01", "F1-02"):  # two points pass, the other 25 have no round
        window.round.inspector_edit.setText("สมชาย")
        window.round.begin_at(code)
        for _ in range(20):
            qtbot.keyClick(window.round.table, "4")
        qtbot.keyClick(window.round.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(window.round.table, Qt.Key.Key_Return)
    page = window.indicators
    page.year.setCurrentIndex(page.year.findData(2564))
    assert page.score.restrooms.level == 0
    needs = [page.rest_needs.item(i).text() for i in range(page.rest_needs.count())]
    # Level 1 needs 16 points (14 more); the survey is already past level 1: no survey line.
    assert needs[0].startswith("ระดับ 1: ต้องผ่านเกณฑ์ 16 จาก 27 จุด (ผ่านแล้ว 2)")
    assert "14" in needs[0] and not any("พึงพอใจร้อยละ" in n for n in needs)
    assert sum(n.startswith("F") for n in needs) == 25
    item = next(page.rest_needs.item(i) for i in range(page.rest_needs.count())
                if page.rest_needs.item(i).text().startswith("F3-02"))  # fmt: skip
    page._open_point(item)
    assert window.stack.currentWidget() is window.restrooms


def test_review_pending_opens_those_events_of_the_year_shown(qtbot, db_path, monkeypatch) -> None:
    # Years later (FY 2570) a head looks back at 2564: the button said "3 pending" and
    # opened the Incidents page on the current year, empty, with every status shown.
    from datetime import datetime

    import core.calendar

    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    monkeypatch.setattr(core.calendar, "clock", lambda: datetime(2026, 11, 25, 10, 0))
    db = open_db(db_path)
    w = MainWindow(db, db_path)
    qtbot.addWidget(w)
    w.show()
    w.show_widget(w.incidents)  # built first: the page keeps the year it was on
    page = w.indicators
    w.show_widget(page)
    page.year.setCurrentIndex(page.year.findData(2564))
    page.review_button.click()
    inc = w.incidents
    assert w.stack.currentWidget() is inc
    assert inc.year.currentData() == 2564 and inc.status.currentData() == "pending"
    assert inc.proxy.rowCount() == 3
    assert inc.selected() is not None and inc.selected().status == "pending"


def test_a_point_opened_from_a_past_year_shows_that_year(qtbot, db_path, monkeypatch) -> None:
    # From FY 2564's "what the next level needs", F2-03 opened the Restrooms page on the
    # current year: "not yet checked" beside a history that said it failed.
    from datetime import datetime

    import core.calendar

    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    monkeypatch.setattr(core.calendar, "clock", lambda: datetime(2026, 11, 25, 10, 0))
    db = open_db(db_path)
    w = MainWindow(db, db_path)
    qtbot.addWidget(w)
    w.show()
    page = w.indicators
    w.show_widget(page)
    page.year.setCurrentIndex(page.year.findData(2564))
    item = next(
        page.rest_needs.item(i) for i in range(page.rest_needs.count())
        if page.rest_needs.item(i).text().startswith("F2-03")
    )  # fmt: skip
    page.rest_needs.itemActivated.emit(item)
    rest = w.restrooms
    assert w.stack.currentWidget() is rest
    assert rest.fy == 2564 and rest.year.currentData() == 2564
    assert rest.selected_code() == "F2-03"
    row = rest.proxy.mapToSource(rest.table.selectionModel().selectedRows()[0]).row()
    assert rest.model.status_at(row).state == "failed"


def test_the_indicators_stand_in_the_plan_s_order(window) -> None:
    """Plan 2564, ชื่อตัวชี้วัดที่ 1 is the guards' (incidents), ตัวชี้วัดที่ 2 the restrooms':
    the page showed indicator 2 first, on the left, as the annual summary once did."""
    page = window.indicators
    window.show_widget(page)
    assert page.inc_box.title().startswith(("ตัวชี้วัดที่ 1", "Indicator 1"))
    assert page.inc_box.geometry().x() < page.rest_box.geometry().x()
