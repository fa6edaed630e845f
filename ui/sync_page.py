"""Sync: send this laptop's records to a file, receive another laptop's file (issue 9),
and the computers whose files this one accepts (issue 14: signed files, the trust list)."""

from __future__ import annotations

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

from core.calendar import format_date_short, now, parse_date, today
from core.devices import TrustedDevice, trusted_devices, untrust_device
from core.errors import SalaError
from core.i18n import language, tr
from core.users import current_actor
from sync.fileformat import SUFFIX, UntrustedComputer
from sync.keys import existing_key
from sync.receive import SyncResult, import_sync, local_time
from sync.send import ExportResult, export_sync
from sync.status import device_statuses, last_import
from ui import ops
from ui.hub import Hub
from ui.ops import Change, reload_on
from ui.widgets.messages import clear, confirm, say_done, say_error
from ui.widgets.rights import permit

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

# Which signatures count here follows the trust list (summary.signing): trusting or no
# longer trusting a computer changes the Audit page and the annual summary too.
TRUST_CHANGES = Change.SYNC | Change.SIGNATURES


def _when(stamp: str | None) -> str:
    return local_time(stamp, language())


class SyncPage(QWidget):
    def __init__(self, db: Database, hub: Hub) -> None:
        super().__init__()
        self.db, self.hub = db, hub
        self.result: SyncResult | None = None
        self.devices: list[TrustedDevice] = []
        # The last sync file written or read in the background (a receive an administrator
        # trusted is a second one).
        self.operation: ops.Background | None = None
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
        hub.signed_in.connect(self._apply_role)
        self.follow = reload_on(self, hub, Change.SYNC, self.reload)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("sync.title"))
        self.explain.setText(tr("sync.explain"))
        self.since_label.setText(tr("sync.since"))
        self.since.setPlaceholderText(format_date_short(today(), language()))
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
        self._show_key()
        self._show_trusted()
        self._apply_role()

    def _show_key(self) -> None:
        """This computer's fingerprint, for the other computers' administrators to compare.

        The key is made at first start, off the window's thread (ui.app.HealthCheck); a
        key file that cannot be read is explained here."""
        found = ops.run(self, self.hub, lambda: existing_key(self.db),
                        errors=lambda e: say_error(self.key_label, e))  # fmt: skip
        if found:
            key = found.value
            self.key_label.setStyleSheet("")
            self.key_label.setToolTip("")
            self.key_label.setText(tr("syncguard.own_key", fp=key.fingerprint) if key is not None
                                   else tr("syncguard.own_key_pending"))  # fmt: skip

    def _show_trusted(self) -> None:
        found = ops.run(self, self.hub, lambda: trusted_devices(self.db),
                        errors=lambda e: say_error(self.message, e))  # fmt: skip
        self.devices = list(found.value or [])
        self.trusted.setRowCount(len(self.devices))
        for r, d in enumerate(self.devices):
            cells = (d.device_id[:8], d.fingerprint, _when(d.trusted_at), d.trusted_by)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(d.device_id if c == 0 else text)
                item.setData(Qt.ItemDataRole.UserRole, d.device_id)
                self.trusted.setItem(r, c, item)

    def _apply_role(self) -> None:
        permit(self.receive_button, self.db, "sync.import")
        permit(self.untrust_button, self.db, "sync.trust", ready=bool(self.devices),
               hint=tr("syncguard.none_trusted"))  # fmt: skip

    def focus_main(self) -> None:
        self.send_button.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def send(self, path: Path, since: str = "") -> ops.Background | None:
        """Write a sync file to `path` (records since the date typed, when one is), in the
        background; None (and why) when the date is refused."""
        clear(self.message)
        day = ops.run(self, self.hub,
                      lambda: parse_date(since, field="since") if since.strip() else None,
                      errors=lambda e: say_error(self.message, e))  # fmt: skip
        if not day:
            return None
        # Written whole to a temporary name, then renamed: it cannot stop half-way, and it
        # is quick; no Cancel.
        self.operation = ops.in_background(
            self, self.db, self.hub, lambda own, progress: export_sync(own, Path(path), day.value),
            title=tr("win.sync.sending", path=str(path)), cancellable=False,
            changes=Change.SYNC, done=self._sent, errors=lambda e: say_error(self.message, e),
        )  # fmt: skip
        return self.operation

    def _sent(self, done: ExportResult) -> None:
        text = tr("sync.sent", path=done.path, records=done.records, audit=done.counts["audit"],
                  sha=done.file_sha256[:12])  # fmt: skip
        # What the receiving computer's administrator compares before trusting this one.
        say_done(self.message, f"{text}\n{tr('syncguard.signed_by', fp=done.fingerprint)}")

    def receive(self, path: Path, *, trust: bool = False) -> ops.Background:
        """Check and merge a sync file in the background; a refused file changes nothing
        and says why. Merged in one transaction, so no Cancel half-way.

        A file from a computer not trusted yet shows its key's fingerprint to an
        administrator, who may trust the computer: the file is then read again and
        merged, the trust recorded with it (`trust`). Anyone else is told why it was
        refused."""
        clear(self.message)
        self.operation = ops.in_background(
            self, self.db, self.hub,
            lambda own, progress: import_sync(own, Path(path), trust=trust),
            title=tr("win.sync.receiving", path=str(path)), cancellable=False,
            changes_of=lambda r: Change.SYNC if r.already_imported else Change.ALL,
            done=self._received, errors=lambda e: self._refused(Path(path), e, trust),
        )  # fmt: skip
        return self.operation

    def _refused(self, path: Path, error: SalaError, trusted: bool) -> None:
        if (
            isinstance(error, UntrustedComputer)
            and not trusted
            and current_actor(self.db).may("sync.trust")
            and self.ask_trust(error)
        ):
            self.receive(path, trust=True)
            return
        say_error(self.message, error)

    def ask_trust(self, error: UntrustedComputer) -> bool:
        """Ask the administrator whether to trust the computer that signed the file."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(tr("syncguard.trust_title"))
        box.setText(tr("syncguard.trust_question", device=error.device_id[:8]))
        # No-break spaces: a fingerprint wrapped in two pieces is hard to compare.
        fp = error.fingerprint.replace(" ", "\u00a0")
        box.setInformativeText(tr("syncguard.trust_explain", fp=fp))
        trust = box.addButton(tr("syncguard.trust_button"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(tr("trust.cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is trust

    def _received(self, result: SyncResult) -> None:
        self.result = result
        lines = result.summary(language()).splitlines()
        # A computer trusted with this file: its fingerprint is the second line.
        say_done(self.message, "\n".join(lines[:2] if result.trusted_now else lines[:1]))
        self.reload()

    def untrust(self, device_id: str) -> bool:
        """Stop accepting a computer's files (administrators; checked in the domain)."""
        done = ops.run(self, self.hub, lambda: untrust_device(self.db, device_id),
                       changes=TRUST_CHANGES,
                       errors=lambda e: say_error(self.message, e))  # fmt: skip
        if done:
            say_done(self.message, tr("syncguard.untrusted", device=device_id[:8]))
        return bool(done)

    def _untrust(self) -> None:
        rows = self.trusted.selectionModel().selectedRows()
        if not rows:
            say_error(self.message, SalaError("syncguard.choose_device"))
            return
        device_id = self.trusted.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        if confirm(self, tr("syncguard.untrust_question", device=device_id[:8]),
                   tr("syncguard.untrust")):  # fmt: skip
            self.untrust(device_id)

    def _send(self) -> None:
        # Bangkok's time, as the backups' names: the system clock's zone may be another.
        stamp = now().strftime("%Y%m%d-%H%M")
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
