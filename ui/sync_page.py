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
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlite_utils import Database

from core.calendar import format_date_short, parse_date, today
from core.i18n import language, tr
from sync.fileformat import SUFFIX
from sync.receive import SyncResult, import_sync, local_time
from sync.send import ExportResult, export_sync
from sync.status import device_statuses, last_import
from ui import ops
from ui.hub import Hub
from ui.ops import Change, reload_on
from ui.widgets.messages import clear, say_done, say_error
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
        layout.addWidget(self.devices_title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result_title)
        layout.addWidget(self.result_text, 1)

        self.send_button.clicked.connect(self._send)
        self.receive_button.clicked.connect(self._receive)
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
        self._apply_role()

    def _apply_role(self) -> None:
        permit(self.receive_button, self.db, "sync.import")

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
        return ops.in_background(
            self, self.db, self.hub, lambda own, progress: export_sync(own, Path(path), day.value),
            title=tr("win.sync.sending", path=str(path)), cancellable=False,
            changes=Change.SYNC, done=self._sent, errors=lambda e: say_error(self.message, e),
        )  # fmt: skip

    def _sent(self, done: ExportResult) -> None:
        text = tr("sync.sent", path=done.path, records=done.records, audit=done.counts["audit"],
                  sha=done.file_sha256[:12])  # fmt: skip
        say_done(self.message, text)

    def receive(self, path: Path) -> ops.Background:
        """Check and merge a sync file in the background; a refused file changes nothing
        and says why. Merged in one transaction, so no Cancel half-way."""
        clear(self.message)
        return ops.in_background(
            self, self.db, self.hub, lambda own, progress: import_sync(own, Path(path)),
            title=tr("win.sync.receiving", path=str(path)), cancellable=False,
            changes_of=lambda r: Change.SYNC if r.already_imported else Change.ALL,
            done=self._received, errors=lambda e: say_error(self.message, e),
        )  # fmt: skip

    def _received(self, result: SyncResult) -> None:
        self.result = result
        say_done(self.message, result.summary(language()).splitlines()[0])
        self.reload()

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
