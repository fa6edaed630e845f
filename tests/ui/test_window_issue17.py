"""Issue 17 in the window: honest dialogs, rights before the work, the keys on the main
control, one language on screen, rows that stay in view, long work in the background."""

from __future__ import annotations

from datetime import date, time

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from core.calendar import format_date_short
from core.errors import InvalidInput
from core.users import Actor, act_as, create_user
from inspection.actions import list_actions
from inspection.rounds import open_drafts
from security.events import EventInput
from security.reports import save_report
from tests.actors import INSPECTOR
from ui.ops import Change

WAIT_MS = 60_000
FAILS_ON_11 = "4" * 10 + "1" + "4" * 9  # 77 of 80, item 11 below the minimum


def _round(qtbot, page, code: str, scores: str) -> None:
    page.begin_at(code)
    for digit in scores:
        qtbot.keyClick(page.table, digit)
    page.request_finalize()
    page.finalize()


# ---- point 3: values lost without a word -----------------------------------------------


def test_a_half_scored_draft_is_thrown_away_only_after_asking(qtbot, window, monkeypatch) -> None:
    import ui.round_page as round_page

    page = window.round
    window.show_widget(page)
    page.begin_at("F2-01")
    for digit in "4434":
        qtbot.keyClick(page.table, digit)
    asked: list[str] = []
    monkeypatch.setattr(round_page, "confirm", lambda parent, text, yes: asked.append(text))
    assert not page._discard()  # "no": the draft stays
    assert asked and "4 ข้อ" in asked[0] and "F2-01" in asked[0]
    assert [d.point_code for d in open_drafts(window.db)] == ["F2-01"]
    monkeypatch.setattr(round_page, "confirm", lambda parent, text, yes: True)
    assert page._discard()
    assert open_drafts(window.db) == []


def test_an_unknown_point_code_is_said_as_it_is_typed(qtbot, window) -> None:
    page = window.round
    window.show_widget(page)
    for ch in "999":
        qtbot.keyClick(page.code_edit, ch)
    assert page.point is None
    assert page.status_label.text() == "ไม่มีจุดบริการรหัส F9-99 (มีตั้งแต่ F1-01 ถึง F5-05)"


def test_an_action_date_before_its_round_is_refused_beside_the_field(qtbot, window, db) -> None:
    page = window.round
    window.show_widget(page)
    _round(qtbot, page, "F3-01", FAILS_ON_11)
    restrooms = window.restrooms
    window.show_widget(restrooms)
    restrooms.select_point("F3-01")
    restrooms.actions.selectRow(0)
    dialog = restrooms._edit_action()
    dialog.fields["due"].setText("01/01/2563")
    assert not dialog.try_accept() and dialog.isVisible()
    assert "ก่อนวันตรวจ" in dialog.errors["due"].text()
    assert dialog.fields["who"].text() == "" and dialog.fields["due"].text() == "01/01/2563"


# ---- point 4: dialogs that forget ------------------------------------------------------


def test_a_bad_event_time_keeps_every_field_and_says_so_beside_the_time(qtbot, window) -> None:
    page = window.guard
    window.show_widget(page)
    dialog = page._add_event()
    dialog.at.setText("25:00")
    dialog.place.setText("ลานคนเมือง")
    dialog.category.setCurrentIndex(dialog.category.findData("theft"))
    dialog.description.setText("กระเป๋าหาย")
    dialog.action.setText("แจ้ง สน.")
    assert not dialog.try_accept()
    assert dialog.isVisible() and "25:00" in dialog.errors["event_time"].text()
    assert (dialog.place.text(), dialog.description.text(), dialog.action.text()) == (
        "ลานคนเมือง", "กระเป๋าหาย", "แจ้ง สน."
    )  # fmt: skip
    assert dialog.category.currentData() == "theft" and page.events == []
    dialog.at.setText("14:30")
    assert dialog.try_accept()
    assert [e.at for e in page.events] == [time(14, 30)]


def test_an_empty_correction_reason_keeps_the_dialog_open(qtbot, window, db) -> None:
    act_as(window.db, INSPECTOR)  # who records a round corrects it (rounds.correct)
    window.hub.signed_in.emit()
    page = window.round
    window.show_widget(page)
    _round(qtbot, page, "F3-02", FAILS_ON_11)
    dialog = page._correct()
    assert not dialog.try_accept()
    assert dialog.isVisible()
    assert dialog.errors["reason"].text() == "โปรดระบุเหตุผลของการแก้ไข"
    assert dialog.errors["reason"].toolTip() == "give the reason for the correction"
    dialog.edit.setText("ข้อ 11 กรอกผิด")
    assert dialog.try_accept()
    assert page.round.status == "draft" and page.round.reason == "ข้อ 11 กรอกผิด"
    assert "ข้อ 11 กรอกผิด" in page.when_label.full_text()  # the correction says it is one


# ---- point 5: rights shown before the work ---------------------------------------------


def test_an_inspector_sees_at_the_top_that_the_guard_form_is_not_theirs(qtbot, window, db):
    page = window.guard
    window.show_widget(page)
    act_as(db, Actor("somchai", "inspector", "สมชาย"))
    window.hub.signed_in.emit()
    assert page.rights_note.isVisible()
    assert "ลงนามไม่ได้" in page.rights_note.text() and "ผู้ควบคุม" in page.rights_note.text()
    assert not page.sign_button.isEnabled() and not page.supervisor.isEnabled()
    assert page.sign_button.toolTip().startswith("ใช้ได้เฉพาะ ")
    assert not page.month_button.isEnabled() and "หัวหน้ากลุ่มงาน" in page.month_button.toolTip()
    act_as(db, Actor("wichai", "guard_supervisor", "วิชัย"))
    window.hub.signed_in.emit()
    assert not page.rights_note.isVisible() and page.supervisor.isEnabled()
    assert not page.month_button.isEnabled()  # the month check is the section head's


def test_an_administrator_sees_why_the_classification_buttons_are_grey(qtbot, window, db):
    theft = EventInput(time(9, 0), "ลาน", "theft", "ขโมย")
    save_report(db, "2021-09-04", "day", "วิชัย", 12, 12, events=[theft])
    admin = create_user(db, "admin", "", "admin", "long enough 1")
    window.set_user(admin)
    page = window.incidents
    window.show_widget(page)
    page.year.setCurrentIndex(page.year.findData(2564))
    page.table.selectRow(0)
    assert not page.counts_button.isEnabled()
    assert page.counts_button.toolTip() == "ใช้ได้เฉพาะ หัวหน้ากลุ่มงาน"


def test_the_previous_users_unsaved_event_goes_when_another_signs_in(qtbot, window, db):
    create_user(db, "admin", "", "admin", "long enough 0")
    first = create_user(db, "wichai", "วิชัย", "guard_supervisor", "long enough 1")
    second = create_user(db, "prasert", "ประเสริฐ", "guard_supervisor", "long enough 2")
    window.set_user(first)
    page = window.guard
    window.show_widget(page)
    page.calendar.setSelectedDate(QDate(2021, 9, 20))
    page.supervisor.setText("วิชัย")
    page.events.append(EventInput(time(9, 0), "ลาน", "found", "พบกระเป๋า"))
    page._show_events()
    page.load_day(date(2021, 9, 21))
    page.load_day(date(2021, 9, 20))
    assert page.events  # kept for its own user, across days
    window.set_user(second)  # Ctrl+L
    assert page.events == [] and page.supervisor.text() == "" and page.unsigned == {}
    assert page.events_table.rowCount() == 0


# ---- point 6: the keys on the page's main control --------------------------------------


def test_each_page_key_puts_the_keys_on_the_pages_main_control(qtbot, window) -> None:
    window.activateWindow()
    qtbot.keyClick(window.nav, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    restrooms = window.restrooms
    assert QApplication.focusWidget() is restrooms.table
    year = restrooms.year.currentData()
    first = restrooms.selected_code()
    qtbot.keyClick(restrooms.table, Qt.Key.Key_Down)
    assert restrooms.year.currentData() == year  # Down moved through the points
    assert restrooms.selected_code() != first
    for n, main in ((1, "items"), (5, "calendar"), (6, "table"), (7, "rest_needs")):
        qtbot.keyClick(QApplication.focusWidget(), str(n), Qt.KeyboardModifier.ControlModifier)
        page = window.stack.currentWidget()
        control, focused = getattr(page, main), QApplication.focusWidget()
        assert focused is control or control.isAncestorOf(focused), page


def test_after_ctrl_8_enter_writes_the_report(qtbot, window) -> None:
    window.activateWindow()
    qtbot.keyClick(window.nav, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    page = window.reports
    assert QApplication.focusWidget() is page.report
    with qtbot.waitSignal(page.job_ended, timeout=WAIT_MS) as ended:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert ended.args == ["done"] and page.result is not None


# ---- point 7: one language on a Thai screen --------------------------------------------


def test_the_one_message_dialog_is_thai_with_the_english_under_details(window) -> None:
    from ui.widgets.messages import message_box

    box = message_box(window, InvalidInput("validate.time_not_valid", field="patrols", text="9"))
    assert box.text() == "ช่อง เวลาตรวจตรา (patrols): เวลา «9» ไม่ถูกต้อง"
    assert box.detailedText() == "field patrols: the time «9» is not valid"
    assert "not valid" not in box.text()


def test_the_audit_page_reads_as_sentences(qtbot, window, db) -> None:
    somchai = create_user(db, "somchai", "สมชาย", "admin", "long enough 1")
    window.set_user(somchai)
    page = window.round
    window.show_widget(page)
    _round(qtbot, page, "F1-03", "4" * 14 + "3" * 6)  # 74 of 80
    window.show_widget(window.audit)
    lines = [row[1] for row in window.audit.log_model.rows]
    assert "สมชาย บันทึกรอบตรวจ F1-03 74/80 ผ่าน" in lines
    assert any(line.startswith("สมชาย เริ่มรอบตรวจ F1-03") for line in lines)


def test_a_guard_report_refusal_names_its_field_in_thai(qtbot, window) -> None:
    page = window.guard
    window.show_widget(page)
    page.supervisor.setText("วิชัย")
    page.patrols.setText("10:00, 25:99")
    assert page.sign() is None
    assert "เวลาตรวจตรา (patrols)" in page.status.text()
    assert "field patrols" in page.status.toolTip()


# ---- point 8: layout ------------------------------------------------------------------


def test_a_long_note_shows_its_first_line_and_the_whole_note_as_its_tooltip(qtbot, window):
    page = window.round
    window.show_widget(page)
    page.begin_at("F4-01")
    qtbot.keyClick(page.table, "4")
    page.current = 0
    note = "ก๊อกน้ำหยด " * 180  # 1,980 characters (a note holds 2,000: core.values)
    page.edit_note(note)
    cell = page.table.item(0, 3)
    assert len(cell.text()) <= 61 and cell.text().endswith("…")
    assert cell.toolTip() == note.strip()
    page.table.resizeRowsToContents()
    # The item and its score stay in view: the row no taller than an item's own.
    assert page.table.rowHeight(0) <= page.table.rowHeight(1) * 1.5


def test_a_thai_title_breaks_between_words(qtbot) -> None:
    from ui.widgets.thai_label import ThaiLabel, break_lines

    title = "โครงการสำรวจจุดบริการห้องน้ำสาธารณะในอาคารศาลาว่าการกรุงเทพมหานครดำเนินการ"
    label = ThaiLabel(title)
    qtbot.addWidget(label)
    from reports.thai_wrap import words

    # Every width a whole word fits in (a word wider than the line must be cut somewhere).
    widest = max(label.fontMetrics().horizontalAdvance(w) for w in words(title))
    for width in range(widest, 700, 17):
        lines = break_lines(title, label.fontMetrics(), width)
        assert "".join(lines) == title
        assert not any(line.endswith("กรุงเทพมหา") for line in lines), (width, lines)
        assert all(label.fontMetrics().horizontalAdvance(line) <= width for line in lines)


# ---- point 9: long work in the background ----------------------------------------------


def test_a_backup_runs_in_the_background_and_cancel_leaves_no_file(qtbot, window, tmp_path):
    page = window.settings
    target = tmp_path / "b.db"
    op = page.backup(target)
    qtbot.waitUntil(lambda: op.settled, timeout=WAIT_MS)
    assert op.outcome == "done" and target.exists()
    cancelled = tmp_path / "c.db"
    op = page.backup(cancelled)
    op.cancel()  # pressed before the copy's first step
    qtbot.waitUntil(lambda: op.settled, timeout=WAIT_MS)
    assert op.outcome == "cancelled"
    assert not cancelled.exists() and not list(tmp_path.glob("c.db*"))


def test_a_restore_checks_then_replaces_in_the_background(qtbot, window, db, db_path, tmp_path,
                                                          monkeypatch) -> None:  # fmt: skip
    import ui.settings_page as settings_page
    from core.backup import backup_to
    from core.db import open_db

    admin = create_user(db, "admin", "", "admin", "long enough 1")
    window.set_user(admin)
    backup = tmp_path / "b.db"
    backup_to(db, backup)
    db.execute("UPDATE points SET name_en = 'changed' WHERE code = 'F1-01'")
    page = window.settings
    exits: list[int] = []
    monkeypatch.setattr(settings_page.QApplication, "exit", exits.append)
    monkeypatch.setattr(settings_page.QMessageBox, "information", lambda *a: None)
    asked: list[object] = []
    monkeypatch.setattr(page, "_ask_restore", lambda source, info: asked.append(info))
    op = page.check_in_background(backup)
    qtbot.waitUntil(lambda: op.settled, timeout=WAIT_MS)
    assert asked and asked[0].rounds == 0  # asked, with what the backup holds
    op = page.restore_in_background(backup)
    qtbot.waitUntil(lambda: op.settled, timeout=WAIT_MS)
    assert op.outcome == "done" and exits == [settings_page.RESTORED_EXIT]
    fresh = open_db(db_path)
    assert fresh.execute("SELECT name_en FROM points WHERE code = 'F1-01'").fetchone()[0] != (
        "changed"
    )
    fresh.close()


# ---- point 10: smaller ----------------------------------------------------------------


def test_saving_a_failed_round_says_which_actions_it_opened(qtbot, window, db) -> None:
    page = window.round
    window.show_widget(page)
    _round(qtbot, page, "F4-02", FAILS_ON_11)
    assert page.status_label.text() == (
        "บันทึกรอบตรวจ F4-02 แล้ว: ไม่ผ่าน\nเปิดงานแก้ไข 1 รายการ (ข้อ 11) ดูได้ที่หน้าห้องน้ำ"
    )
    assert [a.item_no for a in list_actions(db, open_only=True)] == [11]


def test_the_reports_page_offers_the_years_with_data_like_every_page(qtbot, window, db):
    from core.calendar import fiscal_year, today
    from inspection.demo import fill_demo_rounds

    fill_demo_rounds(db, 2564)
    page = window.reports
    window.show_widget(page)
    window.hub.changed.emit(Change.ROUNDS)
    years = [page.inputs["fy"].itemData(i) for i in range(page.inputs["fy"].count())]
    assert years == [fiscal_year(today()), 2564] or years == [2564]
    restrooms = [window.restrooms.year.itemData(i) for i in range(window.restrooms.year.count())]
    assert years == restrooms


@pytest.mark.parametrize("page_name", ["sync", "audit"])
def test_date_placeholders_are_this_years_not_2564s(window, page_name: str) -> None:
    from datetime import datetime

    import core.calendar

    core.calendar.clock = lambda: datetime(2026, 11, 30, 9, 0)  # the pinned clock is reset after
    page = getattr(window, page_name)
    page.retranslate()
    edit = page.since
    assert "2564" not in edit.placeholderText() and "2563" not in edit.placeholderText()
    if page_name == "sync":
        assert edit.placeholderText() == format_date_short(date(2026, 11, 30), "th")
    else:
        assert edit.placeholderText() == "01/10/2569"  # FY 2570 begins 1 Oct 2569


def test_a_guard_supervisor_is_told_on_the_round_page_before_typing(qtbot, window, db) -> None:
    page = window.round
    window.show_widget(page)
    act_as(db, Actor("wichai", "guard_supervisor", "วิชัย"))
    window.hub.signed_in.emit()
    assert page.hint_label.text().startswith("ใช้ได้เฉพาะ ")
    assert "ผู้ควบคุม" not in page.hint_label.text()  # the roles that may, not this one
    assert not page.finalize_button.isEnabled()


def test_the_details_toggle_of_the_message_dialog_reads_in_the_app_language(window) -> None:
    from PySide6.QtWidgets import QPushButton

    from ui.widgets.messages import message_box

    box = message_box(window, InvalidInput("guard_events.field_required"))
    texts = [b.text() for b in box.findChildren(QPushButton)]
    assert "แสดงภาษาอังกฤษ…" in texts and "Show Details..." not in texts


def test_a_long_correction_reason_does_not_widen_the_window(qtbot, window) -> None:
    act_as(window.db, INSPECTOR)  # who records a round corrects it (rounds.correct)
    window.hub.signed_in.emit()
    page = window.round
    window.show_widget(page)
    width = window.width()
    _round(qtbot, page, "F4-03", FAILS_ON_11)
    page.correct("ข้อ 11 กรอกผิด ห้องน้ำสะอาดแล้ว ตรวจซ้ำกับหัวหน้างานเมื่อบ่ายวันเดียวกัน")
    qtbot.wait(50)  # the layout settles
    assert window.width() == width and window.minimumSizeHint().width() <= 1366
    assert page.when_label.toolTip().endswith("เมื่อบ่ายวันเดียวกัน)")


def test_an_action_closed_by_a_correction_says_so_with_the_reason(qtbot, window, db) -> None:
    act_as(window.db, INSPECTOR)  # who records a round corrects it (rounds.correct)
    window.hub.signed_in.emit()
    page = window.round
    window.show_widget(page)
    _round(qtbot, page, "F4-04", FAILS_ON_11)
    page.correct("ท่อไม่ได้รั่ว กรอกผิด")
    page.current = 10
    qtbot.keyClick(page.table, "4")
    done = page.finalize()
    assert done.actions.resolved == (11,)
    assert "ปิดงานแก้ไขของข้อ 11 แล้ว" in page.status_label.text()
    restrooms = window.restrooms
    window.show_widget(restrooms)
    restrooms.select_point("F4-04")
    model = restrooms.actions_model
    (row,) = [r for r in range(model.rowCount()) if model.action_at(r).item_no == 11]
    index = model.index(row, 4)
    assert model.data(index).startswith("ผ่านเมื่อแก้ไขผล")
    assert "ท่อไม่ได้รั่ว กรอกผิด" in model.data(index, Qt.ItemDataRole.ToolTipRole)
