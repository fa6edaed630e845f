"""First run (create the administrator), sign-in, and the idle lock.

There is no default account: the first start asks for the administrator.
The last user name is remembered; the password never is.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.errors import SalaError
from core.i18n import tr
from core.users import User, authenticate, create_user


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
        self.display = QLineEdit()
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
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
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
        try:
            self.user = create_user(
                self.db, self.username.text(), self.display.text(), "admin", self.password.text()
            )
        except SalaError as exc:
            self.error.setText(exc.bilingual())
            return
        QSettings().setValue("last_user", self.user.username)
        self.accept()


class SignInDialog(QDialog):
    """Ask for a user name and password; the last user name is filled in."""

    def __init__(self, db: Database, parent: QWidget | None = None, *, locked: bool = False):
        super().__init__(parent)
        self.db = db
        self.user: User | None = None
        self.setWindowTitle(tr("signin.locked_title" if locked else "signin.title"))
        note = QLabel(tr("signin.locked_note" if locked else "signin.note"))
        note.setWordWrap(True)
        self.username = QLineEdit(str(QSettings().value("last_user", "") or ""))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("signin.username"), self.username)
        form.addRow(tr("signin.password"), self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
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
        try:
            self.user = authenticate(self.db, self.username.text(), self.password.text())
        except SalaError as exc:
            self.error.setText(exc.bilingual())
            self.password.clear()
            return
        QSettings().setValue("last_user", self.user.username)
        self.accept()


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
