"""Issue 13 points 3 and 6 in the window: a restore made elsewhere, a backup that fails check."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QApplication, QMessageBox

import ui.restore_watch as restore_watch
from core.backup import backup_to
from core.users import create_user
from inspection import rounds as R
from ui.settings_page import RESTORED_EXIT

ROOT = Path(__file__).resolve().parents[2]


def _round(db, code: str) -> str:
    d = R.start_draft(db, code, "สมชาย")
    for no in range(1, 21):
        R.set_score(db, d.uuid, no, 4)
    return R.finalize_round(db, d.uuid).uuid


def test_a_restore_from_the_command_line_reopens_the_window_as_settings_does(
    window, db, db_path, tmp_path, monkeypatch
) -> None:
    told, exits = [], []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(QApplication, "exit", lambda code=0: exits.append(code))
    create_user(db, "somsri", "", "admin", "long enough 1")
    monkeypatch.setenv("SALA_PASSWORD", "long enough 1")
    backup = tmp_path / "monday.db"
    backup_to(db, backup)
    later = _round(db, "F2-01")  # typed in the window after the backup
    watch = restore_watch.watch_for_restore(window, db)
    assert not watch.poll()  # nothing happened yet: no false alarm
    lock = QLockFile(str(db_path) + ".lock")  # the window's instance lock, as ui.app holds it
    assert lock.tryLock(0)
    try:
        done = subprocess.run(
            [sys.executable, "main.py", "--db", str(db_path), "--user", "somsri", "restore",
             str(backup)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        lock.unlock()
    # The window's connection was open all along: the restore waited for no one and the
    # command line says the window will reopen.
    assert done.returncode == 0, done.stderr
    assert "opens the restored data afresh" in done.stdout
    assert watch.poll()
    assert exits == [RESTORED_EXIT]  # ui.app opens the file afresh and asks for a sign-in
    (text,) = told
    assert str(backup) in text and "somsri" in text and "before-restore" in text
    assert not watch.poll()  # said once
    # The window's own connection reads the restored data.
    assert db.execute("SELECT 1 FROM rounds WHERE uuid = ?", [later]).fetchone() is None


def test_the_watch_keeps_quiet_when_the_window_closed_its_connection(window, db) -> None:
    watch = restore_watch.RestoreWatch(db, window)
    db.close()  # Settings' own restore closes it before replacing the file
    assert not watch.poll()


def test_settings_refuses_a_backup_that_fails_check_saying_what_failed(
    window, db, db_path, tmp_path
) -> None:
    admin = create_user(db, "admin", "", "admin", "long enough 1")
    window.set_user(admin)
    _round(db, "F3-01")
    backup = tmp_path / "edited.db"
    backup_to(db, backup)
    conn = sqlite3.connect(backup)
    conn.execute("UPDATE audit_log SET actor = 'forger' WHERE id = 2")
    conn.commit()
    conn.close()
    page = window.settings
    assert page.check_backup(backup) is None
    # Thai on a Thai screen, the English in the tooltip (issue 17), each naming what failed.
    message, english = page.message.text(), page.message.toolTip()
    assert "ข้อมูลสำรองไม่ผ่านการตรวจ" in message and "เริ่มที่แถว 2" in message
    assert "fails the check" in english and "audit chain broken at row 2" in english
    assert not page.restore(backup)
    assert not page.reopen  # refused before anything was closed
    assert db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0] == 1
    assert not list(db_path.parent.glob(".sala-restoring-*"))
