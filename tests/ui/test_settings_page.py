"""Settings: the guard contract and accounts, refused without the right role."""

from PySide6.QtCore import QRect

from core.users import Actor, act_as, authenticate, create_user
from security.contract import shifts
from ui.ops import Change


def test_the_office_sets_the_contract_in_settings(window, db) -> None:
    page = window.settings
    check, count = page.shift_rows["night"]
    check.setChecked(False)
    page.posts_edit.setText("ประตู 1, ลานคนเมือง")
    assert page.save_contract()
    assert [s.code for s in shifts(db, required_only=True)] == ["day"]


def names(page) -> list[str]:
    """The user table's rows as "name role state" (issue 17 point 8: a table, not a label)."""
    model = page.users_model
    return [" ".join(str(model.data(model.index(r, c))) for c in (0, 2, 3))
            for r in range(model.rowCount())]  # fmt: skip


def test_an_administrator_adds_a_user_and_resets_a_password(window, db) -> None:
    create_user(db, "admin", "", "admin", "long enough 1")
    page = window.settings
    page.new_user.setText("somchai")
    page.new_name.setText("สมชาย ใจดี")
    page.new_role.setCurrentIndex(page.new_role.findData("inspector"))
    page.new_password.setText("long enough 2")
    assert page.add_user()
    assert "somchai เจ้าหน้าที่ตรวจ ใช้งาน" in names(page)
    assert page.selected_user().username == "somchai"  # the new account is selected
    # The form is cleared for the next account: 'somchai' and his name stayed typed (Xvfb).
    assert (page.new_user.text(), page.new_name.text(), page.new_password.text()) == ("", "", "")
    assert page.reset_user_password("a new password")
    authenticate(db, "somchai", "a new password")
    act_as(db, Actor("somchai", "inspector"))
    page.new_user.setText("eve")
    page.new_password.setText("long enough 3")
    assert not page.add_user()  # only an administrator manages users
    assert "ไม่มีสิทธิ์" in page.message.text() and "may not" in page.message.toolTip()


def test_a_new_password_is_asked_twice_and_a_mismatch_stays_in_the_dialog(window, db) -> None:
    admin = create_user(db, "admin", "", "admin", "long enough 1")
    create_user(db, "somchai", "สมชาย", "inspector", "long enough 2")
    window.set_user(admin)
    page = window.settings
    window.show_widget(page)
    assert not page.reset_button.isEnabled()  # nobody selected yet
    assert page.reset_button.toolTip() == "เลือกผู้ใช้ในตารางก่อน"
    page.select_user("somchai")
    dialog = page.ask_new_password()
    first, again = dialog.fields["password"], dialog.fields["password_again"]
    first.setText("brand new one")
    again.setText("brand new 0ne")
    assert not dialog.try_accept() and dialog.isVisible()
    assert dialog.errors["password_again"].text() == "รหัสผ่านทั้งสองช่องไม่ตรงกัน"
    assert first.text() == "brand new one"  # nothing typed is lost
    again.setText("brand new one")
    assert dialog.try_accept()
    authenticate(db, "somchai", "brand new one")


def test_idle_minutes_are_set_by_the_office(window, db) -> None:
    from core.settings import get_setting

    assert window.settings.set_idle_minutes(25)
    assert get_setting(db, "idle_lock_minutes") == "25"
    act_as(db, Actor("somchai", "inspector"))
    assert not window.settings.set_idle_minutes(1)
    assert get_setting(db, "idle_lock_minutes") == "25"


def test_restore_in_settings_refuses_a_foreign_file_and_keeps_working(window, db, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    page = window.settings
    assert not page.restore(junk)
    assert "SQLite" in page.message.text()
    assert page.db.execute("SELECT COUNT(*) FROM points").fetchone()[0] == 27
    assert window.restrooms.model.rowCount() == 27
    window.hub.changed.emit(Change.ROUNDS)  # other screens still read the same open database
    assert db.execute("SELECT COUNT(*) FROM points").fetchone()[0] == 27


def test_restore_in_settings_replaces_the_database_with_a_backup(window, db, db_path, tmp_path):
    from core.backup import backup_to
    from core.db import open_db

    admin = create_user(db, "admin", "", "admin", "long enough 1")
    window.set_user(admin)
    backup = tmp_path / "b.db"
    head = backup_to(db, backup)
    db.execute("UPDATE points SET name_en = 'changed' WHERE code = 'F1-01'")
    info = window.settings.check_backup(backup)
    assert info is not None and head[:16] in window.settings.confirm_text(backup, info)
    assert window.settings.restore(backup)
    fresh = open_db(db_path)
    name = fresh.execute("SELECT name_en FROM points WHERE code = 'F1-01'").fetchone()[0]
    assert name != "changed"
    last = fresh.execute("SELECT action, actor FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert last == ("restore", "admin")  # who restored is the first row after the backup


def test_an_inspector_cannot_restore_from_settings(window, db, db_path, tmp_path) -> None:
    import hashlib

    from core.backup import backup_to

    backup = tmp_path / "b.db"
    backup_to(db, backup)
    act_as(db, Actor("somchai", "inspector"))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    assert not window.settings.restore(backup)
    assert "ไม่มีสิทธิ์" in window.settings.message.text()
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert db.execute("SELECT COUNT(*) FROM points").fetchone()[0] == 27  # still open


def test_settings_offers_only_what_the_role_may_do(window, db) -> None:
    page = window.settings
    act_as(db, Actor("somchai", "inspector"))
    page.apply_role()
    assert not page.restore_button.isEnabled() and not page.users_box.isEnabled()
    assert not page.idle.isEnabled() and page.backup_button.isEnabled()
    act_as(db, Actor("admin", "admin"))
    window.show_widget(page)
    page.hide()
    page.show()  # shown again after a switch of user
    assert page.restore_button.isEnabled() and page.users_box.isEnabled()


def test_the_command_line_sees_the_windows_qlockfile(db_path) -> None:
    """core.instance reads the lock file Qt writes, without Qt: the formats must agree."""
    import subprocess
    import sys
    from pathlib import Path

    from PySide6.QtCore import QLockFile

    lock = QLockFile(str(db_path) + ".lock")
    assert lock.tryLock(0)
    probe = (
        "import sys; from core.instance import window_open_on; print(window_open_on(sys.argv[1]))"
    )
    root = Path(__file__).resolve().parents[2]

    def seen() -> str:
        return subprocess.run([sys.executable, "-c", probe, str(db_path)], cwd=root, check=True,
                              capture_output=True, text=True).stdout.strip()  # fmt: skip

    assert seen().endswith(".lock")  # another process: the window is open
    lock.unlock()
    assert seen() == "None"


def test_an_administrator_closes_an_account_and_changes_a_role_in_settings(window, db) -> None:
    """The user list is a table with role and state; the buttons act on the selected row."""
    admin = create_user(db, "admin", "", "admin", "long enough 1")
    create_user(db, "somchai", "สมชาย", "inspector", "long enough 2")
    window.set_user(admin)
    page = window.settings
    window.show_widget(page)
    assert not page.deactivate_button.isEnabled() and not page.role_button.isEnabled()
    assert page.select_user("somchai")
    assert page.user_role.currentData() == "inspector"  # the selected account's role
    assert page.set_account_open(False)
    assert "somchai เจ้าหน้าที่ตรวจ ปิดแล้ว" in names(page)
    assert page.selected_user().username == "somchai"  # still selected after the reload
    assert page.activate_button.isEnabled() and not page.deactivate_button.isEnabled()
    page.user_role.setCurrentIndex(page.user_role.findData("section_head"))
    assert page.change_role()
    assert page.set_account_open(True)
    assert "somchai หัวหน้ากลุ่มงาน ใช้งาน" in names(page)
    page.select_user("admin")
    assert not page.set_account_open(False)
    assert "own account" in page.message.toolTip()


def test_users_model_passes_the_model_tester(qtmodeltester, window, db) -> None:
    create_user(db, "admin", "", "admin", "long enough 1")
    window.settings.reload()
    qtmodeltester.check(window.settings.users_model)


def test_a_restore_failing_midway_asks_for_the_window_to_reopen(window, db, tmp_path, monkeypatch):
    import ui.settings_page as settings_page
    from core.backup import backup_to

    backup = tmp_path / "b.db"
    backup_to(db, backup)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(settings_page, "restore_from", disk_full)
    page = window.settings
    assert not page.reopen
    assert not page.restore(backup)
    assert "ไม่เปลี่ยนแปลง" in page.message.text() and "No space" in page.message.text()
    assert "unchanged" in page.message.toolTip()
    assert page.reopen  # its connection is closed: ui.app must open the file afresh


def test_roles_and_shifts_follow_the_language_switch(window, db) -> None:
    # Switched to English, the contract still read กลางวัน/กลางคืน and the role list
    # เจ้าหน้าที่ตรวจ...: they were named once, when the page was built.
    # Each starts a label: capitalised as the labels beside it (finding 13).
    page = window.settings
    page.choose_language("en")
    assert page.new_role.itemText(page.new_role.findData("inspector")) == "Inspector"
    assert page.shift_rows["day"][0].text() == "Day"
    page.choose_language("th")
    assert page.shift_rows["day"][0].text() == "กลางวัน"


def test_enter_in_the_password_adds_the_user(qtbot, window, db) -> None:
    from PySide6.QtCore import Qt

    create_user(db, "admin", "", "admin", "long enough 1")
    window.set_user(authenticate(db, "admin", "long enough 1"))
    page = window.settings
    page.new_user.setText("malee")
    page.new_name.setText("มาลี ตรวจดี")
    page.new_password.setText("long enough 2")
    qtbot.keyClick(page.new_password, Qt.Key.Key_Return)
    assert any(n.startswith("malee ") for n in names(page))


def test_settings_fit_a_1366x768_laptop_and_scroll_with_the_message_in_view(window) -> None:
    """The office box (issue 16), shift hours (15) and the accounts table (17) together
    made the page 1,053 pixels tall: the window grew past a laptop's screen."""
    from ui.main_window import initial_size

    page = window.settings
    window.show_widget(page)
    hint = window.minimumSizeHint()
    fits = initial_size(QRect(0, 0, 1280, 768))
    assert hint.width() <= fits.width() and hint.height() <= fits.height()
    assert page.scroll.widget().isAncestorOf(page.office_box)
    assert not page.scroll.widget().isAncestorOf(page.message)  # said where it is seen
