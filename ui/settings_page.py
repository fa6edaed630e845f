"""Settings: language, where the data lives, backups."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTime
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.backup import backup_to, backups_dir
from core.calendar import format_datetime, from_utc
from core.db import device_id
from core.errors import InvalidInput, SalaError
from core.health import pending_alert
from core.i18n import LANGUAGES, as_label, language, set_language, tr
from core.restore import BackupInfo, PreparedBackup, prepare_restore, restore_from
from core.users import (
    DISPLAY_NAME_MAX,
    IDLE_RANGE,
    ROLES,
    USERNAME_MAX,
    Actor,
    User,
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
from ui import ops
from ui.hub import Hub
from ui.models.base import Index, RowsModel
from ui.office_box import OfficeBox
from ui.ops import Change, reload_on
from ui.widgets.forms import FormDialog
from ui.widgets.keys import type_digits_by_key
from ui.widgets.messages import clear, say_done, say_error, show_error
from ui.widgets.rights import permit

LANGUAGE_NAMES = {"th": "ไทย", "en": "English"}

# The event loop's exit code after a restore: ui.app opens the restored file and asks for
# a sign-in again, since the window's open connection and its user belong to the old file.
RESTORED_EXIT = 75


class UsersModel(RowsModel[User]):
    """The office's accounts: name, display name, role, open or closed."""

    COLUMNS = ("signin.username", "signin.display_name", "settings.role", "win.users.state")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        u = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            state = as_label(tr("win.users.active") if u.active else tr("settings.inactive"))
            return (u.username, u.display_name, as_label(role_name(u.role, language())), state)[col]
        if role == Qt.ItemDataRole.ForegroundRole and not u.active:
            return QColor("#888888")
        return None


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
        type_digits_by_key(self.idle)
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
            check = QCheckBox(as_label(sh.name(language())))
            check.setChecked(sh.required)
            count = QSpinBox()
            count.setRange(0, HEADCOUNT_MAX)
            count.setValue(sh.required_guards)
            self.shift_rows[sh.code] = (check, count)
            start, end = (
                QTimeEdit(QTime(sh.starts.hour, sh.starts.minute)),
                QTimeEdit(QTime(sh.ends.hour, sh.ends.minute)),
            )
            type_digits_by_key(count, start, end)
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

        # Accounts (administrator): the list, what to do with the selected account, and a
        # form to add one.
        self.users_box = QGroupBox()
        users = QVBoxLayout(self.users_box)
        self.users_model = UsersModel()
        self.users_table = QTableView()
        self.users_table.setModel(self.users_model)
        self.users_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.users_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.users_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.users_table.verticalHeader().hide()
        header = self.users_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.users_table.setMinimumHeight(150)
        users.addWidget(self.users_table, 1)
        self.user_role = QComboBox()  # the selected account's role
        self.role_button = QPushButton()
        self.reset_button = QPushButton()
        self.deactivate_button = QPushButton()
        self.activate_button = QPushButton()
        # Two rows: in one, the box was wider than the page's half of a 1280-pixel screen.
        row = QHBoxLayout()
        row.addWidget(self.user_role)
        row.addWidget(self.role_button)
        row.addStretch(1)
        users.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.reset_button)
        row.addWidget(self.deactivate_button)
        row.addWidget(self.activate_button)
        row.addStretch(1)
        users.addLayout(row)
        self.new_title = QLabel()
        self.new_title.setObjectName("sectionTitle")
        users.addWidget(self.new_title)
        self.new_user = QLineEdit()
        self.new_user.setMaxLength(USERNAME_MAX)  # the one limit, everywhere (issue 15)
        self.new_name = QLineEdit()
        self.new_name.setMaxLength(DISPLAY_NAME_MAX)
        self.new_role = QComboBox()
        for role in ROLES:
            self.new_role.addItem(as_label(role_name(role, language())), role)
            self.user_role.addItem(as_label(role_name(role, language())), role)
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_user_button = QPushButton()
        self.user_labels = [QLabel() for _ in range(4)]
        add = QFormLayout()
        for label, w in zip(self.user_labels, (self.new_user, self.new_name, self.new_role,
                                               self.new_password), strict=True):  # fmt: skip
            add.addRow(label, w)
        add.addRow(self.add_user_button)
        users.addLayout(add)
        self.dialog: FormDialog | None = None
        self.message = QLabel()
        self.message.setWordWrap(True)
        # The office and who signs its reports (issue 16): a group of its own.
        self.office_box = OfficeBox(db, hub)

        # The settings, the contract, the accounts and the office are taller than a
        # 1366x768 laptop's screen: they scroll, under the title. The page's message line
        # stays in view below them, whichever button was pressed.
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(self.form)
        inner.addLayout(buttons)
        boxes = QHBoxLayout()
        boxes.addWidget(self.contract_box, 1)
        boxes.addWidget(self.users_box, 1)
        inner.addLayout(boxes)
        inner.addWidget(self.office_box)
        inner.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("settingsScroll")
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.message)
        self.contract_button.clicked.connect(self.save_contract)
        self.restore_button.clicked.connect(self._restore)
        self.idle.editingFinished.connect(lambda: self.set_idle_minutes(self.idle.value()))
        self.add_user_button.clicked.connect(self.add_user)
        # The last field of the form: Enter adds the user, as in every other form here.
        self.new_password.returnPressed.connect(self.add_user)
        self.reset_button.clicked.connect(self.ask_new_password)
        self.role_button.clicked.connect(self.change_role)
        self.deactivate_button.clicked.connect(lambda: self.set_account_open(False))
        self.activate_button.clicked.connect(lambda: self.set_account_open(True))
        self.users_table.selectionModel().selectionChanged.connect(lambda *_: self._user_chosen())
        self.follow = reload_on(self, hub, Change.USERS | Change.SETTINGS, self.reload)

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
        # Qt sizes a header to its text's advance: the last vowel of "สถานะ" overhangs
        # it and was cut by the column's edge. Every column is at least its title, padded.
        header = self.users_table.horizontalHeader()
        widest = max(header.fontMetrics().boundingRect(tr(k)).width() for k in UsersModel.COLUMNS)
        header.setMinimumSectionSize(widest + 16)
        self.new_title.setText(tr("win.users.new"))
        for label, key in zip(self.user_labels, ("signin.username", "signin.display_name",
                              "settings.role", "signin.password"), strict=True):  # fmt: skip
            label.setText(tr(key))
        self.add_user_button.setText(tr("settings.add_user"))
        self.reset_button.setText(tr("settings.reset_password"))
        self.role_button.setText(tr("settings.set_role"))
        self.deactivate_button.setText(tr("settings.deactivate"))
        self.activate_button.setText(tr("settings.activate"))
        # Named at build time only, they stayed Thai after a switch to English.
        for combo in (self.new_role, self.user_role):
            for i in range(combo.count()):
                combo.setItemText(i, as_label(role_name(combo.itemData(i), language())))
        for sh in shifts(self.db):
            if sh.code in self.shift_rows:
                self.shift_rows[sh.code][0].setText(as_label(sh.name(language())))
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

    def reload(self) -> None:
        """Accounts or settings changed (here, or by another administrator's sync)."""
        self.idle.setValue(idle_lock_minutes(self.db))
        self._show_users()
        self.apply_role()

    def apply_role(self) -> None:
        """Offer only what the signed-in role may do, greyed with who may otherwise; the
        domain refuses the rest anyway."""
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
            permit(widget, self.db, permission)
        self._user_chosen()

    def focus_main(self) -> None:
        self.language.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ---- accounts ---------------------------------------------------------------------

    def _show_users(self) -> None:
        chosen = self.selected_user()
        self.users_model.set_rows(list_users(self.db))
        if chosen is not None:
            self.select_user(chosen.username)
        self._user_chosen()

    def selected_user(self) -> User | None:
        rows = self.users_table.selectionModel().selectedRows()
        return self.users_model.rows[rows[0].row()] if rows else None

    def select_user(self, username: str) -> bool:
        for r, u in enumerate(self.users_model.rows):
            if u.username == username:
                self.users_table.selectRow(r)
                return True
        return False

    def _user_chosen(self) -> None:
        """The buttons act on the selected account: its role shown, open or close."""
        user = self.selected_user()
        hint = tr("win.rights.select_user")
        if user is not None:
            self.user_role.blockSignals(True)
            self.user_role.setCurrentIndex(max(0, self.user_role.findData(user.role)))
            self.user_role.blockSignals(False)
        for w in (self.user_role, self.role_button, self.reset_button):
            permit(w, self.db, "users.manage", ready=user is not None, hint=hint)
        permit(self.deactivate_button, self.db, "users.manage",
               ready=user is not None and user.active, hint=hint)  # fmt: skip
        permit(self.activate_button, self.db, "users.manage",
               ready=user is not None and not user.active, hint=hint)  # fmt: skip

    def _done(self, error: SalaError | None, ok_key: str) -> bool:
        if error is not None:
            say_error(self.message, error)
        else:
            say_done(self.message, tr(ok_key))
        return error is None

    def _run(self, call, changes: Change = Change.NONE, ok_key: str = "settings.saved") -> bool:
        """A settings action at once; its refusal or "saved" on the page's message line."""
        result = ops.run(self, self.hub, call, changes=changes,
                         errors=lambda e: self._done(e, ""))  # fmt: skip
        if result:
            self._done(None, ok_key)
        return bool(result)

    def set_idle_minutes(self, minutes: int) -> bool:
        """The office's idle time before the screen locks; the idle lock follows at once
        (ui.signin.IdleLock follows Change.SETTINGS)."""
        return self._run(lambda: set_idle_lock_minutes(self.db, minutes), Change.SETTINGS)

    reopen = False  # set once restore() has closed the window's connection
    # The backup last checked, as a private copy: what the person confirms is what goes in.
    _prepared: PreparedBackup | None = None

    def check_backup(self, source: Path) -> BackupInfo | None:
        """Check a backup wholly, as restore does, before asking; None (and why) if refused.
        What the person then confirms is this checked copy (`restore` uses it)."""
        self.discard_checked_backup()
        result = ops.run(self, self.hub, lambda: self._prepare(source),
                         errors=lambda e: self._done(e, ""))  # fmt: skip
        if not result:
            return None
        self._prepared = result.value
        return self._prepared.info

    def _prepare(self, source: Path) -> PreparedBackup:
        """The backup copied beside the database, upgraded and checked by `check` (any
        thread: it opens the files it needs)."""
        require(self.db, "backup.restore")
        return prepare_restore(source, self.db_path.parent)

    def discard_checked_backup(self) -> None:
        if self._prepared is not None:
            self._prepared.discard()
            self._prepared = None

    def _take_prepared(self, source: Path) -> PreparedBackup | None:
        """The checked copy of `source`, if it is the one last checked (else restore_from
        checks the file again itself, under the same rules)."""
        prepared, self._prepared = self._prepared, None
        if prepared is not None and prepared.source != Path(source):
            prepared.discard()
            return None
        return prepared

    def _replace_with(self, source: Path, actor: Actor, prepared: PreparedBackup | None) -> Path:
        """The restore itself (any thread: it opens the files it needs); the safety copy.
        core.restore checks the backup with `check` and replaces the file under its lock."""
        try:
            return restore_from(self.db_path, source, actor, prepared=prepared)
        except (OSError, sqlite3.Error) as exc:
            # The backup API writes the file in one transaction: a failure leaves it as it was.
            raise SalaError("win.restore.failed", error=exc) from exc

    def _close_for_restore(self) -> Actor:
        actor = current_actor(self.db)
        # From here every screen's connection is closed: whatever happens, the window must
        # be opened afresh on the file (ui.app does so on RESTORED_EXIT).
        self.db.close()
        self.reopen = True
        return actor

    def restore(self, source: Path) -> bool:
        """Replace the database with a backup, here and now; the caller then reopens the
        window on it. (The window does the same in the background: restore_in_background.)"""
        if self._prepared is None or self._prepared.source != Path(source):
            if self.check_backup(source) is None:  # refused: nothing changes, nothing closes
                return False
        prepared = self._take_prepared(source)
        actor = self._close_for_restore()
        replaced = ops.run(self, self.hub, lambda: self._replace_with(source, actor, prepared),
                           errors=lambda e: self._done(e, ""))  # fmt: skip
        if replaced:
            say_done(self.message, tr("restore.done", path=str(replaced.value)))
        return bool(replaced)

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
        if source:
            self.check_in_background(Path(source))

    def check_in_background(self, source: Path) -> ops.Background | None:
        """First step of a restore: the backup is copied, upgraded and checked whole as
        `check` does (seconds on years of data) in the background, then the person is
        asked about that checked copy."""
        clear(self.message)  # an earlier refusal must not read as this file's verdict
        self.discard_checked_backup()
        if not ops.run(self, self.hub, lambda: require(self.db, "backup.restore")):
            return None
        folder = self.db_path.parent
        return ops.in_background(
            self, None, self.hub, lambda progress: prepare_restore(source, folder),
            title=tr("win.restore.checking", path=str(source)),
            done=lambda prepared: self._checked(source, prepared),
        )  # fmt: skip

    def _checked(self, source: Path, prepared: PreparedBackup) -> None:
        self.discard_checked_backup()
        self._prepared = prepared
        self._ask_restore(source, prepared.info)

    def _ask_restore(self, source: Path, info: BackupInfo) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("restore.confirm_title"))
        box.setText(self.confirm_text(source, info))
        yes = box.addButton(tr("restore.do"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("trust.cancel"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is yes:
            self.restore_in_background(source)
        else:
            self.discard_checked_backup()

    def restore_in_background(self, source: Path) -> ops.Background:
        """The restore, with progress and no Cancel (the file is replaced in one step)."""
        prepared = self._take_prepared(source)
        actor = self._close_for_restore()
        return ops.in_background(
            self, None, self.hub, lambda progress: self._replace_with(source, actor, prepared),
            title=tr("win.restore.working"), cancellable=False,
            done=self._restored, errors=self._restore_failed,
        )  # fmt: skip

    def _restored(self, safety: Path) -> None:
        say_done(self.message, tr("restore.done", path=str(safety)))
        QMessageBox.information(self, tr("app.title"), self.message.text())
        QApplication.exit(RESTORED_EXIT)

    def _restore_failed(self, error: SalaError) -> None:
        self._done(error, "")
        show_error(self, error)
        QApplication.exit(RESTORED_EXIT)

    def save_contract(self) -> bool:
        rules = {code: (c.isChecked(), n.value()) for code, (c, n) in self.shift_rows.items()}
        hours = {code: (a.time().toPython(), b.time().toPython())
                 for code, (a, b) in self.shift_hours.items()}  # fmt: skip
        names = self.posts_edit.text().split(",")
        return self._run(lambda: set_contract(self.db, rules, names, hours), Change.GUARD)

    def add_user(self) -> bool:
        """Add the account typed in the form below the list; it is selected once added."""
        name, display = self.new_user.text(), self.new_name.text()
        role, password = self.new_role.currentData(), self.new_password.text()
        if not self._run(lambda: create_user(self.db, name, display, role, password),
                         Change.USERS):  # fmt: skip
            return False
        # The form is for the next account: the one just added is selected in the list
        # (its user name and full name stayed typed here, as if not yet added).
        for field in (self.new_user, self.new_name, self.new_password):
            field.clear()
        self._show_users()
        self.select_user(name.strip().lower())
        return True

    def reset_user_password(self, password: str) -> bool:
        """Give the selected account a new password (a forgotten one)."""
        user = self.selected_user()
        if user is None:
            return False
        return self._run(lambda: reset_password(self.db, user.username, password))

    def ask_new_password(self) -> FormDialog | None:
        """The selected account's new password, typed twice; a refusal (too short, the two
        differ) stays in the dialog beside the field."""
        user = self.selected_user()
        if user is None:
            return None
        first, again = QLineEdit(), QLineEdit()
        for edit in (first, again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)

        def reset() -> None:
            if first.text() != again.text():
                raise InvalidInput("signin.mismatch", field="password_again")
            reset_password(self.db, user.username, first.text())

        fields = [("password", tr("signin.password"), first),
                  ("password_again", tr("signin.password_again"), again)]  # fmt: skip
        self.dialog = FormDialog(self, self.hub, tr("settings.reset_password"), fields, reset,
                                 intro=tr("win.users.reset_for", name=user.username))  # fmt: skip
        self.dialog.accepted.connect(lambda: self._done(None, "settings.saved"))
        self.dialog.open()
        return self.dialog

    def change_role(self) -> bool:
        """The selected account takes the role chosen beside the list."""
        user, role = self.selected_user(), self.user_role.currentData()
        if user is None:
            return False
        return self._run(lambda: set_user_role(self.db, user.username, role), Change.USERS)

    def set_account_open(self, active: bool) -> bool:
        """Close (or reopen) the selected account; its history stays."""
        user = self.selected_user()
        if user is None:
            return False
        return self._run(lambda: set_user_active(self.db, user.username, active), Change.USERS)

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
        if target:
            self.backup(Path(target))

    def backup(self, target: Path) -> ops.Background:
        """Copy the database to `target` in the background (a big file takes a while), with
        Cancel: a cancelled copy leaves no file."""
        return ops.in_background(
            self, self.db, self.hub, lambda own, progress: backup_to(own, target, progress),
            title=tr("win.backup.working", path=str(target)),
            done=lambda head: self._backed_up(target, head),
            errors=lambda e: show_error(self, e),
        )  # fmt: skip

    def _backed_up(self, target: Path, head: str) -> None:
        # On the page's message line, where the page says what it did: no box to close.
        say_done(self.message, tr("settings.backup_done", path=str(target), head=head))
