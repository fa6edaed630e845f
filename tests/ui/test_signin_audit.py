"""Issue 7 in the window: first run, sign-in, roles decide the pages, the Audit page."""

from PySide6.QtCore import QSettings

from core.users import create_user, current_actor
from inspection.demo import fill_demo_rounds
from ui.signin import FirstRunDialog, IdleWatcher, SignInDialog


def test_first_run_creates_the_administrator_no_default_account(qtbot, db) -> None:
    dialog = FirstRunDialog(db)
    qtbot.addWidget(dialog)
    dialog.username.setText("admin")
    dialog.display.setText("ผู้ดูแลระบบ")
    dialog.password.setText("long enough 1")
    dialog.again.setText("different")
    dialog.submit()
    assert dialog.user is None and dialog.error.text()
    dialog.again.setText("long enough 1")
    dialog.submit()
    assert dialog.user is not None and dialog.user.role == "admin"
    assert QSettings().value("last_user") == "admin"


def test_sign_in_remembers_the_user_name_and_refuses_a_wrong_password(qtbot, db) -> None:
    create_user(db, "admin", "", "admin", "long enough 1")
    create_user(db, "somchai", "สมชาย ใจดี", "inspector", "long enough 2")
    QSettings().setValue("last_user", "somchai")
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.username.text() == "somchai"
    dialog.password.setText("wrong")
    dialog.submit()
    assert dialog.user is None and "password" in dialog.error.text()
    dialog.password.setText("long enough 2")
    dialog.submit()
    assert dialog.user is not None and dialog.user.display_name == "สมชาย ใจดี"


def test_an_inspector_does_not_see_the_audit_page(qtbot, window, db) -> None:
    create_user(db, "admin", "", "admin", "long enough 1")
    inspector = create_user(db, "somchai", "สมชาย ใจดี", "inspector", "long enough 2")
    window.set_user(inspector)
    assert current_actor(db).role == "inspector"
    audit_row = window.stack.indexOf(window.audit)
    assert window.nav.item(audit_row).isHidden()
    assert window.round.inspector_edit.text() == "สมชาย ใจดี"
    assert "สมชาย" in window.user_label.text()


def test_audit_page_shows_who_recorded_the_rounds_behind_the_score(window, db) -> None:
    fill_demo_rounds(db, 2564)
    window.hub.changed.emit("rounds")
    page = window.audit
    page.year.setCurrentIndex(page.year.findData(2564))
    assert page.behind_model.rowCount() == 27
    assert all(page.behind_model.rows[r][5] for r in range(27))
    assert page.log_model.rowCount() >= 1
    page.since.setText("31/02/2564")
    page.reload()
    assert "31/02/2564" in page.filter_error.text()


def test_idle_watcher_fires_after_the_idle_time(qtbot) -> None:
    fired = []
    watcher = IdleWatcher(0.001, lambda: fired.append(1))
    qtbot.waitUntil(lambda: bool(fired), timeout=3000)
    assert not watcher.timer.isActive()  # fires once, until the next key or click
    watcher.set_minutes(10)
    assert watcher.timer.isActive() and watcher.timer.interval() == 600_000
