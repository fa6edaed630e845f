"""Starting the window: fonts, language, the database, one instance per database."""

from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QSettings, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlite_utils import Database

from core.backup import CheckResult, check, daily_backup
from core.db import default_db_path, open_db
from core.errors import DatabaseRefused
from core.i18n import set_language, tr
from core.resources import RESOURCES
from ui.fonts import register_fonts, ui_font


def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the shipped Thai fonts registered and the house style."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("Sala Rounds")
    app.setApplicationName("Sala Rounds")
    register_fonts()
    app.setFont(ui_font())
    app.setStyleSheet((RESOURCES / "style.qss").read_text(encoding="utf-8"))
    return app


def choose_language(lang: str | None) -> str:
    """`--lang` wins and is remembered; else the remembered choice; else Thai."""
    settings = QSettings()
    if lang:
        settings.setValue("language", lang)
    chosen = lang or str(settings.value("language", "th"))
    set_language(chosen if chosen in ("th", "en") else "th")
    return chosen


def _warn(title_key: str, th: str, en: str) -> None:
    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr(title_key))
    box.setText(th)
    box.setInformativeText(en)
    box.exec()


class HealthCheck(QObject):
    """`check --quick` of the database on its own read-only connection, off the UI thread.

    `finished` is delivered on the UI thread (a queued signal); a failed check warns.
    """

    finished = Signal(object)

    def __init__(self, path: Path, *, warn: bool = True) -> None:
        super().__init__()
        self.path = Path(path)
        self.result: CheckResult | None = None
        self._thread = threading.Thread(target=self._work, name="health-check", daemon=True)
        if warn:
            self.finished.connect(self._warn_if_bad)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = None) -> CheckResult | None:
        self._thread.join(timeout)
        return self.result

    def _work(self) -> None:
        conn = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            self.result = check(Database(conn), quick=True)
        finally:
            conn.close()
        self.finished.emit(self.result)

    @Slot(object)
    def _warn_if_bad(self, result: CheckResult) -> None:
        if not result.ok:
            problems = "\n".join(result.problems)
            _warn("app.title", tr("app.check_failed", "th") + "\n" + problems,
                  tr("app.check_failed", "en"))  # fmt: skip


def run(db_path: Path | None, lang: str | None) -> int:
    app = make_app()
    choose_language(lang)
    path = Path(db_path) if db_path else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(path) + ".lock")
    if not lock.tryLock(100):
        _warn("app.title", tr("app.already_open", "th"), tr("app.already_open", "en"))
        return 1
    try:
        db = open_db(path)
    except DatabaseRefused as exc:
        _warn("app.title", exc.message("th"), exc.message("en"))
        return 2
    daily_backup(db, path)
    # The health check reads every audit row and bulk round (seconds on years of data):
    # it runs beside the sign-in and the window, and warns when it finds a problem.
    health = HealthCheck(path)
    health.start()

    from core.db import get_setting
    from core.users import has_users
    from ui.main_window import MainWindow
    from ui.signin import FirstRunDialog, IdleWatcher, SignInDialog

    if not has_users(db):
        first = FirstRunDialog(db)
        if not first.exec() or first.user is None:
            return 0
        user = first.user
    else:
        signin = SignInDialog(db)
        if not signin.exec() or signin.user is None:
            return 0
        user = signin.user
    window = MainWindow(db, path)
    window.set_user(user)
    window.show()

    def lock_screen() -> None:
        window.hide()
        again = SignInDialog(db, locked=True)
        if again.exec() and again.user is not None:
            window.set_user(again.user)
            window.show()
        else:
            app.quit()

    idle = IdleWatcher(float(get_setting(db, "idle_lock_minutes", "10") or 10), lock_screen)
    app.installEventFilter(idle)
    code = app.exec()
    db.close()
    lock.unlock()
    return code
