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
    # The failing point is fixed by a new round: the page refreshes by itself.
    w.round.inspector_edit.setText("สมชาย")
    w.round.begin_at("F2-03")
    w.show_widget(w.round)
    for _ in range(20):
        qtbot.keyClick(w.round.table, "4")
    qtbot.keyClick(w.round.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(w.round.table, Qt.Key.Key_Return)
    # The new round is dated today (the pinned clock: 30 Sep 2564), still in FY 2564.
    assert page.score.restrooms.points_passing == r.points_passing + 1
    needs = [page.rest_needs.item(i).text() for i in range(page.rest_needs.count())]
    assert not any(n.startswith("F2-03") for n in needs)
    assert "3" in page.inc_warning.text()
