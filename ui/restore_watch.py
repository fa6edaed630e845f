"""A window learns that another process restored its database, and opens it afresh.

A restore from the command line replaces the file's content in place, under the write
lock, with a new device id (core.restore). The window's connection stays valid, but
what the window holds (the signed-in user, the open draft, its pages) belongs to the
old data: it tells the person and opens the file again, as after a restore from
Settings, asking for a sign-in since the accounts are now the backup's.
"""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from sqlite_utils import Database

from core.calendar import format_datetime, from_utc
from core.db import device_id
from core.i18n import language, tr
from core.restore import RestoreNote, last_restore
from ui.settings_page import RESTORED_EXIT

POLL_MS = 2000  # one indexed read of `meta` every two seconds


class RestoreWatch(QObject):
    """Polls the database's device id; a new one means it was restored elsewhere."""

    restored = Signal(object)  # RestoreNote | None

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.device = device_id(db)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> bool:
        """Whether the database was restored since the window opened it (said once)."""
        try:
            now = device_id(self.db)
        except sqlite3.Error:
            return False  # closed, or busy for a moment: the next poll asks again
        if now == self.device:
            return False
        self.timer.stop()
        self.device = now
        self.restored.emit(last_restore(self.db))
        return True


def restored_text(note: RestoreNote | None) -> str:
    if note is None:
        return tr("conc.restored_elsewhere_plain")
    when = format_datetime(from_utc(note.at), language())
    return tr("conc.restored_elsewhere", actor=note.actor, when=when, source=note.source,
              kept=note.kept_as or tr("restore.unknown"))  # fmt: skip


def watch_for_restore(window: QWidget, db: Database) -> RestoreWatch:
    """Tell the person and reopen the window (ui.app, on RESTORED_EXIT) after a restore."""
    watch = RestoreWatch(db, window)

    def reopen(note: RestoreNote | None) -> None:
        QMessageBox.information(window, tr("app.title"), restored_text(note))
        QApplication.exit(RESTORED_EXIT)

    watch.restored.connect(reopen)
    return watch
