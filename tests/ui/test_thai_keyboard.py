"""Issue 17 point 1: the Thai (Kedmanee) layout left on, as Thai staff leave it.

QTest cannot type Thai characters: these tests send QKeyEvents with the text the layout
types and the native key fields the platform gives for the physical key (the digit row
of a Kedmanee keyboard types ๅ / - ภ ถ ุ ึ ค ต จ for 1 2 3 4 5 6 7 8 9 0).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QInputDialog

from inspection.rounds import rounds_for_point
from inspection.survey import satisfaction
from ui.widgets import keys

KEDMANEE_ROW = "ๅ/-ภถุึคตจ"  # the physical keys 1 2 3 4 5 6 7 8 9 0
CTRL = Qt.KeyboardModifier.ControlModifier


def _native(key_index: int | None = None, letter: str | None = None) -> tuple[int, int]:
    """(scan code, virtual key) of a physical key on the platform the tests run on."""
    if letter is not None:
        tables = {"win32": keys._WINDOWS_LETTERS, "darwin": keys._MAC_LETTERS}
        table = tables.get(sys.platform, keys._X11_LETTERS)
        code = next(c for c, name in table.items() if name == letter)
    else:
        rows = {"win32": keys._WINDOWS_SCAN_CODES, "darwin": keys._MAC_VIRTUAL_KEYS}
        code = rows.get(sys.platform, keys._X11_KEYCODES)[key_index]
    return (0, code) if sys.platform == "darwin" else (code, 0)


def press(widget, text: str, *, digit_key: int | None = None, letter: str | None = None,
          mods=Qt.KeyboardModifier.NoModifier) -> None:  # fmt: skip
    """One key as the Kedmanee layout sends it: its text, and its physical key."""
    if digit_key is not None:
        scan, virtual = _native((digit_key - 1) % 10)
    elif letter is not None:
        scan, virtual = _native(letter=letter)
    else:
        scan, virtual = 0, 0
    # Qt names a Thai key by its character (Qt.Key 0x0e45 for ๅ); "-" and "/" are ASCII.
    key = ord(text) if text else 0
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, mods, scan, virtual, 0, text))


def type_row(widget, digits: str) -> None:
    """Digits typed on the Kedmanee digit row (each key's Thai character)."""
    for d in digits:
        n = int(d)
        press(widget, KEDMANEE_ROW[(n - 1) % 10], digit_key=n)


SCORES = "44434443443444344444"  # 76 of 80, every item met


def test_a_whole_round_is_typed_with_the_thai_layout_on(qtbot, window, db) -> None:
    """Ctrl+3, the code 101 and twenty scores, each key sending what Kedmanee types: the
    keys 2 and 3 send "/" and "-" (Qt read Ctrl+3 as Ctrl+-), 1 and 0 send ๅ and จ."""
    window.show_widget(window.today)
    window.activateWindow()
    press(window.today.items, "-", digit_key=3, mods=CTRL)
    assert window.stack.currentWidget() is window.round
    page = window.round
    assert QApplication.focusWidget() is page.code_edit
    type_row(page.code_edit, "101")
    assert page.point is not None and page.point.code == "F1-01"
    assert page.code_edit.text() == "F1-01"
    type_row(page.table, SCORES)
    qtbot.keyClick(page.table, Qt.Key.Key_Return, CTRL)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    (final,) = rounds_for_point(db, page.points["F1-01"].id)
    assert final.is_final and final.total == 76 and "".join(map(str, final.scores)) == SCORES


def test_thai_digits_score_and_choose_the_point(qtbot, window) -> None:
    page = window.round
    window.show_widget(page)
    for ch in "๑๐๒":  # Thai digits, from a keypad or Shift on Kedmanee
        press(page.code_edit, ch)
    assert page.point.code == "F1-02"
    press(page.table, "๔")
    press(page.table, "๓")
    assert page.round.scores[:2] == (4, 3)


def test_without_native_key_fields_the_kedmanee_character_decides(qtbot, window) -> None:
    page = window.round
    page.begin_at("F1-03")
    press(page.table, "ภ")  # the key 4, no scan code (a synthetic event)
    press(page.table, "-")  # the key 3
    assert page.round.scores[:2] == (4, 3)


def test_a_latin_minus_key_is_not_a_score_and_says_why(qtbot, window) -> None:
    page = window.round
    page.begin_at("F1-04")
    scan, virtual = _native(letter="p")  # any key off the digit row
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(page.table, QKeyEvent(kind, Qt.Key.Key_Minus,
                                                     Qt.KeyboardModifier.NoModifier, scan,
                                                     virtual, 0, "-"))  # fmt: skip
    assert page.round is None  # nothing scored, no draft made
    assert "«-»" in page.status_label.text()


def test_a_key_the_page_cannot_use_says_why(qtbot, window) -> None:
    page = window.round
    page.begin_at("F1-05")
    press(page.table, "ก", letter="d")
    assert page.status_label.text().startswith("ปุ่ม «ก» ใช้ในหน้านี้ไม่ได้")
    assert "0-4" in page.status_label.text()
    press(page.table, "ถ", digit_key=5)  # the key 5: a digit, out of range
    assert page.status_label.text() == "คะแนนต้องเป็น 0 ถึง 4"


def test_the_n_key_writes_a_note_on_the_kedmanee_layout(qtbot, window, monkeypatch) -> None:
    page = window.round
    page.begin_at("F1-06")
    type_row(page.table, "4")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("ก๊อกน้ำหยด", True))
    press(page.table, "ื", letter="n")  # Kedmanee types ื on the key N
    assert page.round.notes == {2: "ก๊อกน้ำหยด"}


def test_page_keys_and_switch_user_follow_the_physical_key_on_a_thai_only_layout(
    qtbot, window, monkeypatch
) -> None:
    """With Thai the only layout, Ctrl+9 came as Ctrl+ต and Ctrl+L as Ctrl+ส."""
    from ui.signin import SignInDialog

    window.show_widget(window.today)
    window.activateWindow()
    press(window.today.items, "ต", digit_key=9, mods=CTRL)
    assert window.stack.currentWidget() is window.plan
    press(QApplication.focusWidget() or window.plan, "ๅ", digit_key=1, mods=CTRL)
    assert window.stack.currentWidget() is window.today
    asked: list[object] = []
    monkeypatch.setattr(SignInDialog, "exec", lambda self: asked.append(self) or 0)
    press(window.today.items, "ส", letter="l", mods=CTRL)
    assert len(asked) == 1


def test_a_latin_layout_keeps_qts_own_shortcuts(qtbot, window) -> None:
    window.activateWindow()
    qtbot.keyClick(window.nav, Qt.Key.Key_4, CTRL)  # QTest: the Latin layout
    assert window.stack.currentWidget() is window.survey


def test_survey_answers_are_typed_on_the_digit_row_with_the_thai_layout(qtbot, window, db):
    page = window.survey
    window.show_widget(page)
    page.form.setCurrentIndex(page.form.findData("overall"))
    type_row(page.entry, "3")  # the public
    type_row(page.entry, "5")  # highest: the key 5 types ถ
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)
    sat = satisfaction(db, 2564)
    assert sat.by_group["public"].respondents == 1 and sat.satisfied == 1


def test_point_codes_typed_on_kedmanee_read_as_the_latin_keys() -> None:
    assert keys.latin_code("ๅจๅ") == "101"
    assert keys.latin_code("ดๅขจๅ") == "f1-01"  # F 1 - 0 1 on the Kedmanee keys
    assert keys.latin_code("๓๐๕") == "305"


def test_a_guard_report_s_headcounts_are_typed_on_the_digit_row_with_the_thai_layout(
    qtbot, window, db
) -> None:
    """A supervisor with Kedmanee on typed 'guards present' as ๅๅ (the keys 1 1), seen under
    Xvfb with setxkbmap th: the spin box took nothing and kept 12, and said nothing."""
    from PySide6.QtCore import QDate

    from security.reports import current_report

    page = window.guard
    window.show_widget(page)
    page.shift.setCurrentIndex(page.shift.findData("day"))
    page.calendar.setSelectedDate(QDate(2021, 9, 6))
    qtbot.keyClicks(page.supervisor, "Somsak K.")
    page.present.setFocus()
    page.present.selectAll()
    type_row(page.present, "11")
    assert page.present.value() == 11
    page.required.selectAll()
    press(page.required, "๑", digit_key=2, mods=Qt.KeyboardModifier.ShiftModifier)  # Thai ๑
    press(page.required, "ภ", digit_key=4)
    assert page.required.value() == 14
    press(page.present, "+", digit_key=1, mods=Qt.KeyboardModifier.ShiftModifier)  # not a digit
    assert page.present.value() == 11
    assert page.sign() is not None
    report = current_report(db, page.day, "day")
    assert (report.required, report.present) == (14, 11)


def test_the_settings_number_fields_follow_the_digit_row_too(qtbot, window) -> None:
    page = window.settings
    window.show_widget(page)
    page.idle.setFocus()
    page.idle.selectAll()
    type_row(page.idle, "25")
    assert page.idle.value() == 25


def _period_key(widget, text: str) -> None:
    """The full-stop key, which types ใ on the Kedmanee layout."""
    code = {"win32": keys._WINDOWS_PERIOD, "darwin": keys._MAC_PERIOD}.get(
        sys.platform, keys._X11_PERIOD
    )
    scan, virtual = (0, code) if sys.platform == "darwin" else (code, 0)
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, ord(text), Qt.KeyboardModifier.NoModifier,
                                                 scan, virtual, 0, text))  # fmt: skip


def test_an_event_time_is_typed_with_the_thai_layout_on(window) -> None:
    """New-user finding 4: Kedmanee has no colon key and Thai writes times as 10.00. The
    keys 1 0 0 0 (ๅจจจ), or 1 0 . 0 0 (the full-stop key types ใ), give 10:00, which the
    field shows once typed and the event keeps."""
    from datetime import date, time

    from security.contract import shifts
    from ui.guard_page import EventDialog

    day = {s.code: s for s in shifts(window.db)}["day"]
    dialog = EventDialog(window.guard, window.hub, lambda event: None, day=date(2021, 9, 1),
                         shift=day)  # fmt: skip
    dialog.place.setText("ลานจอดรถ")
    dialog.at.selectAll()
    type_row(dialog.at, "1000")
    assert dialog.at.text() == "1000"
    assert dialog.event_input().at == time(10, 0)
    dialog.at.editingFinished.emit()
    assert dialog.at.text() == "10:00"
    dialog.at.selectAll()
    type_row(dialog.at, "13")
    _period_key(dialog.at, "ใ")
    type_row(dialog.at, "45")
    assert dialog.at.text() == "13.45"
    assert dialog.event_input().at == time(13, 45)
    dialog.at.editingFinished.emit()
    assert dialog.at.text() == "13:45"
    dialog.at.setText("๑๐.๓๐")  # Thai digits, as a Thai-digit layout or a paste gives them
    assert dialog.event_input().at == time(10, 30)
    dialog.at.setText("25.00")  # no time: kept as typed for OK to refuse beside the field
    dialog.at.editingFinished.emit()
    assert dialog.at.text() == "25.00"
