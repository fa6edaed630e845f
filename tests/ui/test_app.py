"""Issue 3: Thai renders with the shipped fonts; language switch; the window opens."""

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QImage, QPainter
from PySide6.QtWidgets import QLabel

from core.i18n import language
from ui.app import choose_language
from ui.fonts import DOC_FAMILY, UI_FAMILY, register_fonts


def _render(text: str, font: QFont) -> QImage:
    image = QImage(400, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    painter.drawText(10, 50, text)
    painter.end()
    return image


def test_the_shipped_thai_fonts_are_registered() -> None:
    families = register_fonts()
    assert UI_FAMILY in families and DOC_FAMILY in families
    systems = QFontDatabase.writingSystems(UI_FAMILY)
    assert QFontDatabase.WritingSystem.Thai in systems


def test_thai_glyphs_are_drawn_not_boxes(qtbot) -> None:
    """Different Thai words draw differently: a font without Thai draws the same boxes."""
    font = QFont(UI_FAMILY, 20)
    a, b = _render("ห้องน้ำ", font), _render("ผ่านเกณฑ์", font)
    assert a != b
    label = QLabel("ห้องน้ำสาธารณะ")
    label.setFont(font)
    qtbot.addWidget(label)
    label.resize(300, 60)
    image = label.grab().toImage()
    dark = sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
        if image.pixelColor(x, y).lightness() < 128
    )
    assert dark > 40


def test_language_is_chosen_remembered_and_switched(window) -> None:
    choose_language("en")
    assert language() == "en" and QSettings().value("language") == "en"
    choose_language(None)
    assert language() == "en"
    window.settings.choose_language("th")
    assert window.round.title.text() == "ตรวจห้องน้ำ"
    window.settings.choose_language("en")
    assert window.round.title.text() == "Round"
    assert window.nav.item(0).text() == "Today"
    horizontal, display = Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole
    assert window.restrooms.model.headerData(1, horizontal, display) == "Code"
    assert QSettings().value("language") == "en"


def test_every_ui_message_key_has_thai_and_english() -> None:
    import re
    from pathlib import Path

    from core.i18n import catalogue

    root = Path(__file__).resolve().parents[2] / "ui"
    used = set()
    for path in root.rglob("*.py"):
        used |= set(re.findall(r'tr(?:_both)?\("([a-z_.]+)"', path.read_text(encoding="utf-8")))
    entries = catalogue()
    missing = sorted(k for k in used if k not in entries)
    assert missing == []
    assert all(entries[k]["th"] and entries[k]["en"] for k in used)


def test_the_start_up_check_runs_beside_the_window_and_reports_on_the_ui_thread(
    qtbot, db, db_path
) -> None:
    """Seconds of hashing on years of data must not hold back the window; a problem still warns."""
    import threading

    from core.settings import set_setting
    from ui.app import HealthCheck

    set_setting(db, "bench_probe", "1")  # one audit row
    db.execute("UPDATE audit_log SET after = '\"2\"'")  # ... edited behind the app's back
    health = HealthCheck(db_path, backup=False)
    seen: list[threading.Thread] = []
    health.finished.connect(lambda _: seen.append(threading.current_thread()))
    with qtbot.waitSignal(health.finished, timeout=60_000):  # a guard against a hang only
        health.start()
    result = health.wait()
    assert result is not None and not result.ok
    assert seen == [threading.main_thread()]


def test_the_window_fits_a_1366x768_laptop_screen() -> None:
    from PySide6.QtCore import QRect

    from ui.main_window import initial_size

    # 1280x800 ran 32 px past the screen's foot with the title bar on top of it: the
    # status bar, where the signed-in user and "Switch user" are, was out of sight.
    laptop = initial_size(QRect(0, 0, 1366, 738))  # 768 less a 30 px task bar
    assert laptop.width() <= 1366 and laptop.height() <= 738 - 30
    assert initial_size(QRect(0, 0, 1920, 1040)).toTuple() == (1280, 800)


def test_qt_standard_buttons_read_in_the_app_language() -> None:
    # QInputDialog (reasons, notes, dates) and QMessageBox said "OK"/"Cancel" on a Thai
    # screen: Qt ships no Thai for them, and only the app's own dialogs were worded.
    from PySide6.QtWidgets import QDialogButtonBox

    from core.i18n import set_language

    def texts() -> tuple[str, str]:
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = box.button(QDialogButtonBox.StandardButton.Ok).text()
        return ok, box.button(QDialogButtonBox.StandardButton.Cancel).text()

    assert texts() == ("ตกลง", "ยกเลิก")
    set_language("en")
    assert texts() == ("OK", "Cancel")


def test_every_page_is_reached_from_the_keyboard(window, qtbot) -> None:
    """Keyboard-first (the mission): Ctrl+1..9, Ctrl+0, then Ctrl+PgDown/PgUp for the rest;
    there is no "Ctrl+10" key, so pages past the tenth had none."""
    from PySide6.QtCore import Qt

    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.nav.currentRow() == 9
    seen = {window.nav.currentRow()}
    for _ in range(window.nav.count()):
        qtbot.keyClick(window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
        seen.add(window.nav.currentRow())
    visible = {r for r in range(window.nav.count()) if not window.nav.item(r).isHidden()}
    assert seen == visible and len(visible) > 10
    before = window.nav.currentRow()
    qtbot.keyClick(window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    ordered = sorted(visible)
    assert window.nav.currentRow() == ordered[ordered.index(before) - 1]


def test_every_dialogs_save_button_reads_in_the_app_language() -> None:
    # The corrective-action dialog said "Save" on a Thai screen; the Plan dialogs had
    # each worded their own buttons instead.
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save)
    assert box.button(QDialogButtonBox.StandardButton.Save).text() == "บันทึก"
