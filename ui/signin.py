"""First run (create the administrator), sign-in, the idle lock, the open-time check alert.

There is no default account: the first start asks for the administrator.
The last user name is remembered; the password never is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.backup import backups_dir
from core.calendar import format_datetime, from_utc
from core.db import device_id
from core.errors import SalaError
from core.health import CheckAlert, acknowledge_alert, pending_alert
from core.i18n import Phrase, language, tr
from core.users import (
    DISPLAY_NAME_MAX,
    USERNAME_MAX,
    User,
    authenticate,
    create_user,
    current_actor,
    idle_lock_minutes,
)
from ui import ops
from ui.ops import Change
from ui.widgets.forms import fit_height
from ui.widgets.messages import say_error


def last_user_key(db: Database) -> str:
    """Where the last user name of this database is remembered: one per database (its
    device id), so that another database's user name is never offered."""
    return f"last_user/{device_id(db)}"


def _ok_cancel() -> QDialogButtonBox:
    """OK and Cancel in the app's language (Qt ships no Thai for its standard buttons)."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("trust.ok"))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("trust.cancel"))
    return buttons


class FirstRunDialog(QDialog):
    """Create the administrator account of a new database."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.user: User | None = None
        self.setWindowTitle(tr("signin.first_title"))
        intro = QLabel(tr("signin.first_intro"))
        intro.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setMaxLength(USERNAME_MAX)
        self.display = QLineEdit()
        self.display.setMaxLength(DISPLAY_NAME_MAX)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("signin.username"), self.username)
        form.addRow(tr("signin.display_name"), self.display)
        form.addRow(tr("signin.password"), self.password)
        form.addRow(tr("signin.password_again"), self.again)
        buttons = _ok_cancel()
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(460, 0)

    def submit(self) -> None:
        if self.password.text() != self.again.text():
            self.error.setText(tr("signin.mismatch"))
            return
        created = ops.run(
            self, None,
            lambda: create_user(self.db, self.username.text(), self.display.text(), "admin",
                                self.password.text()),
            errors=lambda e: say_error(self.error, e),
        )  # fmt: skip
        if not created:
            return
        self.user = created.value
        QSettings().setValue(last_user_key(self.db), self.user.username)
        self.accept()


class SignInDialog(QDialog):
    """Ask for a user name and password; the last user name is filled in."""

    def __init__(
        self,
        db: Database,
        parent: QWidget | None = None,
        *,
        locked: bool = False,
        switching: bool = False,
        note: str | None = None,
    ):
        super().__init__(parent)
        self.db = db
        self.user: User | None = None
        self.setWindowTitle(tr("signin.locked_title" if locked else "signin.title"))
        # `note`: whose accounts these are, when not the open database's (ui.damaged).
        note = QLabel(note or tr("signin.locked_note" if locked else "signin.note"))
        note.setWordWrap(True)
        # Switching user is for someone else: the last user name would be the wrong one.
        last = "" if switching else str(QSettings().value(last_user_key(db), "") or "")
        self.username = QLineEdit(last)
        self.username.setMaxLength(USERNAME_MAX)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("signin.username"), self.username)
        form.addRow(tr("signin.password"), self.password)
        buttons = _ok_cancel()
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if self.username.text() else self.username).setFocus()
        self.resize(420, 0)

    def submit(self) -> None:
        signed = ops.run(self, None,
                         lambda: authenticate(self.db, self.username.text(), self.password.text()),
                         errors=self._refused)  # fmt: skip
        if not signed:
            self.password.clear()
            # Wherever the keys were (OK, after Tab), the next ones are the password again.
            self.password.setFocus()
            return
        self.user = signed.value
        QSettings().setValue(last_user_key(self.db), self.user.username)
        self.accept()

    def _refused(self, error: SalaError) -> None:
        say_error(self.error, self._layout_hint(error))
        fit_height(self)  # the hint's lines were squeezed and cut through their vowels

    def _layout_hint(self, error: SalaError) -> SalaError:
        """Thai staff leave the Thai layout on: 'head1' typed then reads ้ำฟกๅ, and the
        refusal said only 'wrong user name or password'. Typed Thai letters get a hint."""
        typed = self.username.text() + self.password.text()
        if not any("\u0e00" <= ch <= "\u0e7f" for ch in typed):
            return error
        return SalaError(
            "signin.refused_thai_layout", error=error, hint=Phrase("signin.thai_layout")
        )


class IdleWatcher(QObject):
    """Calls `on_idle` after `minutes` without a key or mouse event in the app."""

    INPUT = {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
    }

    def __init__(self, minutes: float, on_idle, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(on_idle)
        self.set_minutes(minutes)

    def set_minutes(self, minutes: float) -> None:
        self.timer.setInterval(max(1, int(minutes * 60_000)))
        self.timer.start()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in self.INPUT:
            self.timer.start()
        return False


class IdleLock(QObject):
    """Locks the window after the idle time; a new time from Settings applies at once.

    `sign_in` asks for a user again (a locked sign-in dialog in the app) and
    returns who signed in, or None to quit.
    """

    def __init__(
        self,
        app: QApplication,
        window,  # ui.main_window.MainWindow (not imported: it imports this module)
        db: Database,
        sign_in: Callable[[], User | None],
    ) -> None:
        super().__init__(window)
        self.app, self.window, self.db, self.sign_in = app, window, db, sign_in
        self.locked = False
        self.watcher = IdleWatcher(idle_lock_minutes(db), self.lock, self)
        app.installEventFilter(self.watcher)
        window.hub.changed.connect(self._changed)

    def _changed(self, changes: Change) -> None:
        if changes & Change.SETTINGS:
            self.watcher.set_minutes(idle_lock_minutes(self.db))

    def lock(self) -> None:
        # The timer keeps running while the lock dialog waits: a second expiry must not
        # stack a second dialog over the first.
        if self.locked:
            return
        self.locked = True
        # A dialog left open (a message, a file chooser) must not show data on a locked
        # screen; every dialog of the app is safe to cancel, nothing is half done by it.
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        self.window.hide()
        try:
            user = self.sign_in()
        finally:
            self.locked = False
        if user is None:
            self.app.quit()
            return
        self.window.set_user(user)
        self.window.show()
        self.watcher.set_minutes(idle_lock_minutes(self.db))

    def remove(self) -> None:
        self.app.removeEventFilter(self.watcher)
        self.watcher.timer.stop()


def _local(stamp: str) -> str:
    """Alert times are stored in UTC; people read Bangkok time."""
    return format_datetime(from_utc(stamp), language())


class CheckAlertDialog(QDialog):
    """Tells an administrator what the open-time check found, until they acknowledge it."""

    def __init__(self, db: Database, db_path: Path, alert: CheckAlert, parent: QWidget | None):
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(tr("check.alert_title"))
        intro = QLabel(
            tr("check.alert_intro", first=_local(alert.first_seen), last=_local(alert.last_seen))
        )
        intro.setWordWrap(True)
        self.problems = QPlainTextEdit("\n\n".join(alert.problems))
        self.problems.setReadOnly(True)
        advice = QLabel(tr("check.alert_advice", folder=str(backups_dir(db_path))))
        advice.setWordWrap(True)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.acknowledge_button = buttons.addButton(
            tr("check.acknowledge"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.later_button = buttons.addButton(
            tr("check.later"), QDialogButtonBox.ButtonRole.RejectRole
        )
        buttons.accepted.connect(self.acknowledge)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.problems)
        layout.addWidget(advice)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 360)

    def acknowledge(self) -> None:
        # A refusal leaves the alert for the next administrator.
        if ops.run(self, None, lambda: acknowledge_alert(self.db),
                   errors=lambda e: say_error(self.error, e)):  # fmt: skip
            self.accept()


def warn_administrator(parent: QWidget, db: Database, db_path: Path) -> CheckAlertDialog | None:
    """Show a pending open-time check alert if the signed-in user may acknowledge it.

    Others are not shown a frightening dialog they can do nothing about; the
    alert waits for an administrator. The dialog does not block (`open`), so
    the window behind it is usable once it is answered or moved away.
    """
    if not current_actor(db).may("check.acknowledge"):
        return None
    alert = pending_alert(db)
    if alert is None:
        return None
    dialog = CheckAlertDialog(db, db_path, alert, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
