"""Sync: send this laptop's records to a file, receive another laptop's file (issue 9)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.calendar import parse_date
from core.devices import trusted_devices, untrust_device
from core.errors import SalaError
from core.i18n import language, tr
from core.users import current_actor
from sync.fileformat import SUFFIX, UntrustedComputer
from sync.keys import device_key
from sync.receive import SyncResult, import_sync, local_time
from sync.send import export_sync
from sync.status import device_statuses, last_import
from ui.hub import Hub

COLUMNS = (
    "sync.col.device",
    "sync.col.last_sent",
    "sync.col.last_received",
    "sync.col.files",
    "sync.col.added",
    "sync.col.updated",
    "sync.col.skipped",
    "sync.col.conflicts",
)


TRUSTED_COLUMNS = (
    "syncguard.col.device",
    "syncguard.col.fingerprint",
    "syncguard.col.trusted_at",
    "syncguard.col.trusted_by",
)


def _when(stamp: str | None) -> str:
    return local_time(stamp, language())


class SyncPage(QWidget):
    def __init__(self, db: Database, hub: Hub) -> None:
        super().__init__()
        self.db, self.hub = db, hub
        self.result: SyncResult | None = None
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.explain = QLabel()
        self.explain.setObjectName("hint")
        self.explain.setWordWrap(True)
        self.since = QLineEdit()
        self.since.setMaximumWidth(160)
        self.since_label = QLabel()
        self.send_button = QPushButton()
        self.receive_button = QPushButton()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.devices_title = QLabel()
        self.devices_title.setObjectName("sectionTitle")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.result_title = QLabel()
        self.result_title.setObjectName("sectionTitle")
        self.result_text = QPlainTextEdit()
        self.result_text.setReadOnly(True)
        # Issue 14: this computer's key, and the computers whose files it accepts.
        self.key_label = QLabel()
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setWordWrap(True)
        self.trusted_title = QLabel()
        self.trusted_title.setObjectName("sectionTitle")
        self.trusted = QTableWidget(0, len(TRUSTED_COLUMNS))
        self.trusted.verticalHeader().hide()
        self.trusted.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trusted.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.trusted.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.trusted.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.untrust_button = QPushButton()

        actions = QHBoxLayout()
        actions.addWidget(self.since_label)
        actions.addWidget(self.since)
        actions.addStretch(1)
        actions.addWidget(self.send_button)
        actions.addWidget(self.receive_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.explain)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(self.key_label)
        layout.addWidget(self.devices_title)
        layout.addWidget(self.table, 1)
        trusted_head = QHBoxLayout()
        trusted_head.addWidget(self.trusted_title)
        trusted_head.addStretch(1)
        trusted_head.addWidget(self.untrust_button)
        layout.addLayout(trusted_head)
        layout.addWidget(self.trusted, 1)
        layout.addWidget(self.result_title)
        layout.addWidget(self.result_text, 1)

        self.send_button.clicked.connect(self._send)
        self.receive_button.clicked.connect(self._receive)
        self.untrust_button.clicked.connect(self._untrust)
        hub.language_changed.connect(lambda _: self.retranslate())
        hub.signed_in.connect(self.reload)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("sync.title"))
        self.explain.setText(tr("sync.explain"))
        self.since_label.setText(tr("sync.since"))
        self.since.setPlaceholderText("15/08/2564")
        self.send_button.setText(tr("sync.send"))
        self.receive_button.setText(tr("sync.receive"))
        self.devices_title.setText(tr("sync.devices"))
        self.result_title.setText(tr("sync.last_result"))
        self.table.setHorizontalHeaderLabels([tr(k) for k in COLUMNS])
        self.trusted_title.setText(tr("syncguard.trusted_title"))
        self.trusted.setHorizontalHeaderLabels([tr(k) for k in TRUSTED_COLUMNS])
        self.untrust_button.setText(tr("syncguard.untrust"))
        self.reload()

    def reload(self) -> None:
        rows = device_statuses(self.db)
        self.table.setRowCount(len(rows))
        for r, d in enumerate(rows):
            name = tr("sync.this_device", device=d.device_id[:8]) if d.is_this else d.device_id[:8]
            cells = (name, _when(d.last_sent), _when(d.last_received), str(d.files),
                     str(d.added), str(d.updated), str(d.skipped), str(d.conflicts))  # fmt: skip
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(d.device_id if c == 0 else text)
                self.table.setItem(r, c, item)
        shown = self.result or last_import(self.db)
        self.result_text.setPlainText(shown.summary(language()) if shown else tr("sync.no_import"))
        try:
            # Made on first start; shown so the other computers' administrators can compare.
            self.key_label.setText(tr("syncguard.own_key", fp=device_key(self.db).fingerprint))
        except SalaError as exc:
            self.key_label.setText(exc.bilingual())
        devices = trusted_devices(self.db)
        self.trusted.setRowCount(len(devices))
        for r, d in enumerate(devices):
            cells = (d.device_id[:8], d.fingerprint, _when(d.trusted_at), d.trusted_by)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(d.device_id if c == 0 else text)
                item.setData(Qt.ItemDataRole.UserRole, d.device_id)
                self.trusted.setItem(r, c, item)
        self.untrust_button.setVisible(current_actor(self.db).may("sync.trust"))
        self.untrust_button.setEnabled(bool(devices))

    def _say(self, text: str, ok: bool) -> None:
        self.message.setStyleSheet("color: #1b7f3b" if ok else "color: #b3261e")
        self.message.setText(text)

    def send(self, path: Path, since: str = "") -> bool:
        """Write a sync file to `path` (records since the date typed, when one is)."""
        try:
            day = parse_date(since, field="since") if since.strip() else None
            done = export_sync(self.db, Path(path), day)
        except SalaError as exc:
            self._say(exc.bilingual(), False)
            return False
        except OSError as exc:
            self._say(str(exc), False)
            return False
        self._say(tr("sync.sent", path=done.path, records=done.records,
                     audit=done.counts["audit"], sha=done.file_sha256[:12]), True)  # fmt: skip
        self.reload()
        return True

    def receive(self, path: Path) -> bool:
        """Check and merge a sync file; a refused file changes nothing and says why.

        A file from a computer not trusted yet shows its key's fingerprint; an
        administrator who recognises it trusts the computer, and the file is merged.
        """
        try:
            try:
                result = import_sync(self.db, Path(path))
            except UntrustedComputer as exc:
                if not current_actor(self.db).may("sync.trust") or not self.ask_trust(exc):
                    raise
                result = import_sync(self.db, Path(path), trust=True)
        except SalaError as exc:
            self._say(exc.bilingual(), False)
            return False
        self.result = result
        self._say(result.summary(language()).splitlines()[0], True)
        self.reload()
        if not result.already_imported:
            # Every page that shows records reloads: rounds, points, the plan, the guard log.
            for kind in ("all", "points"):
                self.hub.changed.emit(kind)
        return True

    def ask_trust(self, exc: UntrustedComputer) -> bool:
        """Ask the administrator whether to trust the computer that signed the file."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("syncguard.trust_title"))
        box.setText(tr("syncguard.trust_question", device=exc.device_id[:8]))
        box.setInformativeText(tr("syncguard.trust_explain", fp=exc.fingerprint))
        trust = box.addButton(tr("syncguard.trust_button"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is trust

    def untrust(self, device_id: str) -> bool:
        """Stop accepting a computer's files (administrators; checked in the domain)."""
        try:
            untrust_device(self.db, device_id)
        except SalaError as exc:
            self._say(exc.bilingual(), False)
            return False
        self._say(tr("syncguard.untrusted", device=device_id[:8]), True)
        self.reload()
        self.hub.changed.emit("all")  # a signature made there no longer counts here
        return True

    def _untrust(self) -> None:
        rows = self.trusted.selectionModel().selectedRows()
        if not rows:
            self._say(tr("syncguard.choose_device"), False)
            return
        device_id = self.trusted.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        answer = QMessageBox.question(
            self, tr("syncguard.untrust"), tr("syncguard.untrust_question", device=device_id[:8])
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.untrust(device_id)

    def _send(self) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        target, _ = QFileDialog.getSaveFileName(
            self, tr("sync.send"), str(Path.home() / f"sala-rounds-{stamp}{SUFFIX}"),
            tr("sync.file_filter"),
        )  # fmt: skip
        if target:
            self.send(Path(target), self.since.text())

    def _receive(self) -> None:
        source, _ = QFileDialog.getOpenFileName(
            self, tr("sync.receive"), str(Path.home()), tr("sync.file_filter")
        )
        if source:
            self.receive(Path(source))
