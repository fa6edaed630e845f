"""Settings: language, where the data lives, backups."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSettings, QTime
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.backup import backup_to, backups_dir
from core.calendar import format_datetime, from_utc
from core.db import device_id
from core.errors import SalaError
from core.health import pending_alert
from core.i18n import LANGUAGES, language, set_language, tr
from core.restore import BackupInfo, PreparedBackup, prepare_restore, restore_from
from core.users import (
    DISPLAY_NAME_MAX,
    IDLE_RANGE,
    ROLES,
    USERNAME_MAX,
    create_user,
    current_actor,
    idle_lock_minutes,
    list_users,
    require,
    reset_password,
    role_name,
    set_idle_lock_minutes,
    set_user_active,
    set_user_role,
)
from security.contract import HEADCOUNT_MAX, posts, set_contract, shifts
from ui.hub import Hub
from ui.office_box import OfficeBox
from ui.widgets.messages import show_error

LANGUAGE_NAMES = {"th": "ไทย", "en": "English"}

# The event loop's exit code after a restore: ui.app opens the restored file and asks for
# a sign-in again, since the window's open connection and its user belong to the old file.
RESTORED_EXIT = 75


class SettingsPage(QWidget):
    def __init__(self, db: Database, hub: Hub, db_path: Path) -> None:
        super().__init__()
        self.db, self.hub, self.db_path = db, hub, db_path
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(self.language.findData(language()))
        self.language_label = QLabel()
        self.path_label = QLabel()
        self.path_value = QLabel(str(db_path))
        self.path_value.setWordWrap(True)
        self.device_label = QLabel()
        self.device_value = QLabel(device_id(db))
        self.auto_label = QLabel()
        self.auto_value = QLabel()
        self.auto_value.setWordWrap(True)
        self.backup_button = QPushButton()
        self.form = QFormLayout()
        self.form.addRow(self.language_label, self.language)
        self.form.addRow(self.path_label, self.path_value)
        self.form.addRow(self.device_label, self.device_value)
        self.form.addRow(self.auto_label, self.auto_value)
        # A pending open-time check alert, for an administrator who chose "remind me later".
        self.alert_label = QLabel()
        self.alert_label.setStyleSheet("color: #b3261e")
        self.alert_button = QPushButton()
        self.alert_button.clicked.connect(self.show_alert)
        alert_row = QHBoxLayout()
        alert_row.addWidget(self.alert_label)
        alert_row.addWidget(self.alert_button)
        alert_row.addStretch(1)
        self.form.addRow(alert_row)
        self.restore_button = QPushButton()
        self.idle = QSpinBox()
        self.idle.setRange(*IDLE_RANGE)
        self.idle.setValue(idle_lock_minutes(db))
        self.idle_label = QLabel()
        self.form.addRow(self.idle_label, self.idle)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)

        # The guard contract: which shifts must report, their headcount, the posts.
        self.contract_box = QGroupBox()
        contract = QFormLayout(self.contract_box)
        self.shift_rows: dict[str, tuple[QCheckBox, QSpinBox]] = {}
        # Each shift's hours: they decide the day a night's after-midnight event belongs to.
        self.shift_hours: dict[str, tuple[QTimeEdit, QTimeEdit]] = {}
        self.hours_labels: list[QLabel] = []
        for sh in shifts(db):
            check = QCheckBox(sh.name(language()))
            check.setChecked(sh.required)
            count = QSpinBox()
            count.setRange(0, HEADCOUNT_MAX)
            count.setValue(sh.required_guards)
            self.shift_rows[sh.code] = (check, count)
            start, end = (
                QTimeEdit(QTime(sh.starts.hour, sh.starts.minute)),
                QTimeEdit(QTime(sh.ends.hour, sh.ends.minute)),
            )
            for edit in (start, end):
                edit.setDisplayFormat("HH:mm")
            self.shift_hours[sh.code] = (start, end)
            hours_label = QLabel()
            self.hours_labels.append(hours_label)
            line = QHBoxLayout()
            line.addWidget(count)
            line.addWidget(hours_label)
            line.addWidget(start)
            line.addWidget(QLabel("–"))
            line.addWidget(end)
            line.addStretch(1)
            contract.addRow(check, line)
        self.hours_hint = QLabel()
        self.hours_hint.setWordWrap(True)
        self.hours_hint.setObjectName("hint")
        contract.addRow(self.hours_hint)
        self.posts_edit = QLineEdit(", ".join(posts(db)))
        self.posts_label = QLabel()
        contract.addRow(self.posts_label, self.posts_edit)
        self.contract_button = QPushButton()
        contract.addRow(self.contract_button)

        # Accounts (administrator): add a user, reset a forgotten password.
        self.users_box = QGroupBox()
        users = QFormLayout(self.users_box)
        self.users_list = QLabel()
        self.users_list.setWordWrap(True)
        self.new_user = QLineEdit()
        self.new_user.setMaxLength(USERNAME_MAX)  # the one limit, everywhere (issue 15)
        self.new_name = QLineEdit()
        self.new_name.setMaxLength(DISPLAY_NAME_MAX)
        self.new_role = QComboBox()
        for role in ROLES:
            self.new_role.addItem(role_name(role, language()), role)
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_user_button = QPushButton()
        self.reset_button = QPushButton()
        self.role_button = QPushButton()
        self.deactivate_button = QPushButton()
        self.activate_button = QPushButton()
        self.user_labels = [QLabel() for _ in range(4)]
        users.addRow(self.users_list)
        for label, w in zip(self.user_labels, (self.new_user, self.new_name, self.new_role,
                                               self.new_password), strict=True):  # fmt: skip
            users.addRow(label, w)
        row = QHBoxLayout()
        row.addWidget(self.add_user_button)
        row.addWidget(self.reset_button)
        users.addRow(row)
        # The user name above picks the account; the role box gives its new role.
        row = QHBoxLayout()
        row.addWidget(self.role_button)
        row.addWidget(self.deactivate_button)
        row.addWidget(self.activate_button)
        users.addRow(row)
        self.message = QLabel()
        self.message.setWordWrap(True)
        # The office and who signs its reports (issue 16): a group of its own.
        self.office_box = OfficeBox(db, hub)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        boxes = QHBoxLayout()
        boxes.addWidget(self.contract_box, 1)
        boxes.addWidget(self.users_box, 1)
        layout.addLayout(boxes)
        layout.addWidget(self.office_box)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.contract_button.clicked.connect(self.save_contract)
        self.restore_button.clicked.connect(self._restore)
        self.idle.editingFinished.connect(lambda: self.set_idle_minutes(self.idle.value()))
        self.add_user_button.clicked.connect(self.add_user)
        # The last field of the form: Enter adds the user, as in every other form here.
        self.new_password.returnPressed.connect(self.add_user)
        self.reset_button.clicked.connect(self.reset_user_password)
        self.role_button.clicked.connect(self.change_role)
        self.deactivate_button.clicked.connect(lambda: self.set_account_open(False))
        self.activate_button.clicked.connect(lambda: self.set_account_open(True))

        self.language.currentIndexChanged.connect(self._language_chosen)
        self.backup_button.clicked.connect(self._backup)
        hub.language_changed.connect(lambda _: self.retranslate())
        hub.signed_in.connect(self.apply_role)
        self.retranslate()
        self.apply_role()

    def retranslate(self) -> None:
        self.title.setText(tr("page.settings"))
        self.language_label.setText(tr("settings.language"))
        self.path_label.setText(tr("settings.database"))
        self.device_label.setText(tr("settings.device"))
        self.backup_button.setText(tr("settings.backup"))
        self.restore_button.setText(tr("settings.restore"))
        self.idle_label.setText(tr("settings.idle"))
        self.auto_label.setText(tr("backup.auto"))
        self.alert_label.setText(tr("check.pending"))
        self.alert_button.setText(tr("check.show"))
        self._show_auto_backups()
        self.contract_box.setTitle(tr("settings.contract"))
        self.office_box.retranslate()
        for label in self.hours_labels:
            label.setText(tr("incidents.hours"))
        self.hours_hint.setText(tr("incidents.hours_hint"))
        self.posts_label.setText(tr("guard.posts"))
        self.contract_button.setText(tr("settings.save_contract"))
        self.users_box.setTitle(tr("settings.users"))
        for label, key in zip(self.user_labels, ("signin.username", "signin.display_name",
                              "settings.role", "signin.password"), strict=True):  # fmt: skip
            label.setText(tr(key))
        self.add_user_button.setText(tr("settings.add_user"))
        self.reset_button.setText(tr("settings.reset_password"))
        self.role_button.setText(tr("settings.set_role"))
        self.deactivate_button.setText(tr("settings.deactivate"))
        self.activate_button.setText(tr("settings.activate"))
        # Named at build time only, they stayed Thai after a switch to English.
        for i in range(self.new_role.count()):
            self.new_role.setItemText(i, role_name(self.new_role.itemData(i), language()))
        for sh in shifts(self.db):
            if sh.code in self.shift_rows:
                self.shift_rows[sh.code][0].setText(sh.name(language()))
        self._show_users()

    def _show_auto_backups(self) -> None:
        """Where the daily backups are, so a person can find one to restore."""
        folder = backups_dir(self.db_path)
        latest = max((p.name for p in folder.glob("sala-rounds-*.db")), default="")
        self.auto_value.setText(
            tr("backup.auto_value", folder=str(folder), latest=latest or tr("backup.none"))
        )

    def showEvent(self, event: QShowEvent) -> None:
        self.apply_role()
        super().showEvent(event)

    def show_alert(self) -> None:
        from ui.signin import warn_administrator

        dialog = warn_administrator(self, self.db, self.db_path)
        if dialog is not None:
            dialog.finished.connect(lambda _: self.apply_role())

    def apply_role(self) -> None:
        """Offer only what the signed-in role may do; the domain refuses the rest anyway."""
        actor = current_actor(self.db)
        pending = actor.may("check.acknowledge") and pending_alert(self.db) is not None
        self.alert_label.setVisible(pending)
        self.alert_button.setVisible(pending)
        for widget, permission in (
            (self.idle, "settings.edit"),
            (self.contract_box, "settings.edit"),
            (self.office_box, "settings.edit"),
            (self.users_box, "users.manage"),
            (self.restore_button, "backup.restore"),
        ):
            widget.setEnabled(actor.may(permission))

    def _show_users(self) -> None:
        closed = f", {tr('settings.inactive')}"
        names = [
            f"{u.username} ({role_name(u.role, language())}{'' if u.active else closed})"
            for u in list_users(self.db)
        ]
        self.users_list.setText(", ".join(names) or "-")

    def _done(self, error: SalaError | None, ok_key: str) -> bool:
        self.message.setStyleSheet("color: #b3261e" if error else "color: #1b7f3b")
        self.message.setText(error.bilingual() if error else tr(ok_key))
        return error is None

    def set_idle_minutes(self, minutes: int) -> bool:
        """The office's idle time before the screen locks; the idle lock follows at once."""
        try:
            set_idle_lock_minutes(self.db, minutes)
        except SalaError as exc:
            return self._done(exc, "")
        self.hub.changed.emit("settings")  # ui.signin.IdleLock takes the new time now
        return self._done(None, "settings.saved")

    reopen = False  # set once restore() has closed the window's connection
    # The backup last checked, as a private copy: what the person confirms is what goes in.
    _prepared: PreparedBackup | None = None

    def check_backup(self, source: Path) -> BackupInfo | None:
        """Check a backup wholly, as restore does, before asking; None (and why) if refused."""
        self.discard_checked_backup()
        try:
            require(self.db, "backup.restore")
            self._prepared = prepare_restore(source, self.db_path.parent)
        except SalaError as exc:
            self._done(exc, "")
            return None
        return self._prepared.info

    def discard_checked_backup(self) -> None:
        if self._prepared is not None:
            self._prepared.discard()
            self._prepared = None

    def restore(self, source: Path) -> bool:
        """Replace the database with a backup; the caller then reopens the window on it."""
        if self._prepared is None or self._prepared.source != Path(source):
            if self.check_backup(source) is None:  # refused: nothing changes, nothing closes
                return False
        prepared, self._prepared = self._prepared, None
        actor = current_actor(self.db)
        # From here every screen's connection is closed: whatever happens, the window must
        # be opened afresh on the file (ui.app does so on RESTORED_EXIT).
        self.db.close()
        self.reopen = True
        try:
            safety = restore_from(self.db_path, source, actor, prepared=prepared)
        except (SalaError, OSError, sqlite3.Error) as exc:
            # The backup API writes the file in one transaction: a failure leaves it as it was.
            error = exc if isinstance(exc, SalaError) else SalaError(
                f"กู้คืนไม่สำเร็จ ไฟล์เดิมไม่เปลี่ยนแปลง ({exc})",
                f"the restore failed; the file is unchanged ({exc})",
            )  # fmt: skip
            return self._done(error, "")
        self.message.setStyleSheet("color: #1b7f3b")
        self.message.setText(tr("restore.done", path=str(safety)))
        return True

    def confirm_text(self, source: Path, info: BackupInfo) -> str:
        unknown = tr("restore.unknown")
        # backup_at is local time; audit times are UTC and people read Bangkok time.
        when = unknown
        if info.backup_at:
            when = format_datetime(datetime.fromisoformat(info.backup_at), language())
        last = unknown
        if info.last_change:
            last = format_datetime(from_utc(info.last_change), language())
        return tr("restore.confirm", file=str(source), when=when, last=last,
                  rounds=info.rounds, head=info.head[:16])  # fmt: skip

    def _restore(self) -> None:
        # The daily backups are where a person most often restores from.
        folder = backups_dir(self.db_path)
        start = folder if folder.is_dir() else Path.home()
        source, _ = QFileDialog.getOpenFileName(self, tr("settings.restore"), str(start),
                                                "SQLite (*.db)")  # fmt: skip
        if not source:
            return
        self.message.clear()  # an earlier refusal must not read as this file's verdict
        info = self.check_backup(Path(source))
        if info is None:
            show_error_text(self, self.message.text())
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("restore.confirm_title"))
        box.setText(self.confirm_text(Path(source), info))
        yes = box.addButton(tr("restore.do"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("trust.cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not yes:
            self.discard_checked_backup()
            return
        if self.restore(Path(source)):
            QMessageBox.information(self, tr("app.title"), self.message.text())
        else:
            show_error_text(self, self.message.text())
        if self.reopen:
            QApplication.exit(RESTORED_EXIT)

    def save_contract(self) -> bool:
        rules = {code: (c.isChecked(), n.value()) for code, (c, n) in self.shift_rows.items()}
        hours = {code: (a.time().toPython(), b.time().toPython())
                 for code, (a, b) in self.shift_hours.items()}  # fmt: skip
        try:
            set_contract(self.db, rules, self.posts_edit.text().split(","), hours)
        except SalaError as exc:
            return self._done(exc, "")
        self.hub.changed.emit("guard")
        return self._done(None, "settings.saved")

    def add_user(self) -> bool:
        try:
            create_user(self.db, self.new_user.text(), self.new_name.text(),
                        self.new_role.currentData(), self.new_password.text())  # fmt: skip
        except SalaError as exc:
            return self._done(exc, "")
        self.new_password.clear()
        self._show_users()
        self.hub.changed.emit("users")
        return self._done(None, "settings.saved")

    def reset_user_password(self) -> bool:
        try:
            reset_password(self.db, self.new_user.text().strip().lower(), self.new_password.text())
        except SalaError as exc:
            return self._done(exc, "")
        self.new_password.clear()
        return self._done(None, "settings.saved")

    def change_role(self) -> bool:
        try:
            set_user_role(self.db, self.new_user.text(), self.new_role.currentData())
        except SalaError as exc:
            return self._done(exc, "")
        self._show_users()
        self.hub.changed.emit("users")
        return self._done(None, "settings.saved")

    def set_account_open(self, active: bool) -> bool:
        try:
            set_user_active(self.db, self.new_user.text(), active)
        except SalaError as exc:
            return self._done(exc, "")
        self._show_users()
        self.hub.changed.emit("users")
        return self._done(None, "settings.saved")

    def choose_language(self, code: str) -> None:
        """Switch every screen to `code` now, and remember it for the next start."""
        if code == language():
            return
        set_language(code)
        QSettings().setValue("language", code)
        self.hub.language_changed.emit(code)

    def _language_chosen(self) -> None:
        self.choose_language(self.language.currentData())

    def _backup(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, tr("settings.backup"), str(Path.home() / "sala-rounds-backup.db"), "SQLite (*.db)"
        )
        if not target:
            return
        try:
            head = backup_to(self.db, Path(target))
        except (SalaError, OSError) as exc:
            if isinstance(exc, SalaError):
                show_error(self, exc)
            else:
                QMessageBox.warning(self, tr("app.title"), str(exc))
            return
        QMessageBox.information(self, tr("app.title"), tr("settings.backup_done", path=target,
                                                          head=head))  # fmt: skip


def show_error_text(parent: QWidget, text: str) -> None:
    """A refusal already worded in both languages (the page's message line)."""
    QMessageBox.warning(parent, tr("app.title"), text)
