"""Starting the window: fonts, language, the database, one instance per database."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QSettings, QTimer, QTranslator, Signal
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlite_utils import Database

from core.backup import CheckResult, keep_daily_backup, open_check
from core.db import default_db_path, open_db
from core.errors import DatabaseRefused
from core.i18n import set_language, tr
from core.resources import RESOURCES
from core.users import User
from ui.fonts import register_fonts, ui_font
from ui.settings_page import RESTORED_EXIT


class StandardButtonTexts(QTranslator):
    """Qt's own OK, Save and Cancel (QInputDialog, QMessageBox, every dialog's button box)
    in the app's language.

    Qt ships no Thai translation, so every reason, note and date asked with QInputDialog
    and every message box said "OK"/"Cancel" on a Thai screen. Asked at each button's
    creation, so a switch of language holds for the next dialog.
    """

    KEYS = {"OK": "trust.ok", "Save": "ind.save", "Cancel": "trust.cancel"}

    def translate(self, context, source_text, disambiguation=None, n=-1):
        key = self.KEYS.get(source_text) if context == "QPlatformTheme" else None
        return tr(key) if key else None

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's name)
        return False


def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the shipped Thai fonts registered and the house style."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("Sala Rounds")
    app.setApplicationName("Sala Rounds")
    register_fonts()
    app.setFont(ui_font())
    style = (RESOURCES / "style.qss").read_text(encoding="utf-8")
    if app.styleSheet() != style:
        # Setting it again re-polishes every widget alive: a cost per call that grows
        # with the widgets (tests call make_app once per test).
        app.setStyleSheet(style)
    if not any(isinstance(c, StandardButtonTexts) for c in app.children()):
        app.installTranslator(StandardButtonTexts(app))
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
    """The open-time backup and `check --quick` on their own connection, off the UI thread.

    Hashing every audit row and bulk round takes seconds on years of data: it must not
    hold back the window. A problem is recorded by `open_check` for the next
    administrator; `finished` is delivered on the UI thread (a queued signal) so that an
    administrator already signed in is told at once.
    """

    finished = Signal(object)

    def __init__(self, path: Path, *, backup: bool = True) -> None:
        super().__init__()
        self.path = Path(path)
        self.backup = backup
        self.result: CheckResult | None = None
        self._thread = threading.Thread(target=self._work, name="health-check", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wait(self, timeout: float | None = None) -> CheckResult | None:
        self._thread.join(timeout)
        return self.result

    def _work(self) -> None:
        # A connection of its own: sqlite objects must not cross threads.
        try:
            db = open_db(self.path)
            try:
                self.result = open_check(db, self.path if self.backup else None)
                _make_device_key(db)
            finally:
                db.close()
        except Exception as exc:  # noqa: BLE001 - a check that cannot run is itself a finding
            self.result = CheckResult(False, [f"{type(exc).__name__}: {exc}"], "")
        self.finished.emit(self.result)


def _make_device_key(db: Database) -> None:
    """Each computer makes its signing key on first start (issue 14), off the UI thread:
    the key file beside the database, audited. A key file that cannot be read is left for
    the Sync page to explain; it must not stop the window."""
    from core.errors import SalaError
    from sync.keys import device_key

    try:
        device_key(db)
    except SalaError:
        pass


def run(db_path: Path | None, lang: str | None) -> int:
    app = make_app()
    choose_language(lang)
    path = Path(db_path) if db_path else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Held for the whole run: a second window on this database is told to use the first.
    instance_lock = QLockFile(str(path) + ".lock")
    if not instance_lock.tryLock(100):
        _warn("app.title", tr("app.already_open", "th"), tr("app.already_open", "en"))
        return 1
    try:
        while True:
            code = _session(app, path)
            # A restore in Settings replaced the file: open it afresh and ask who signs in,
            # since the accounts are now those of the backup.
            if code != RESTORED_EXIT:
                return code
    finally:
        instance_lock.unlock()


def _sign_in(db: Database, *, locked: bool = False) -> User | None:
    from core.users import has_users
    from ui.signin import FirstRunDialog, SignInDialog

    dialog = SignInDialog(db, locked=locked) if has_users(db) else FirstRunDialog(db)
    return dialog.user if dialog.exec() else None


def _session(app: QApplication, path: Path) -> int:
    """Open the database, sign in, show the window; the event loop's exit code."""
    from ui.main_window import MainWindow
    from ui.signin import IdleLock

    try:
        db = open_db(path)
    except DatabaseRefused as exc:
        _warn("app.title", exc.message("th"), exc.message("en"))
        return 2
    try:
        # The day's backup and the quick check. Whoever starts the app may not be able to
        # act on a problem: it is kept and shown to an administrator when one signs in
        # (MainWindow.set_user), or at once if one already has.
        health = HealthCheck(path)
        health.start()
        user = _sign_in(db)
        if user is None:
            health.wait()
            return 0
        window = MainWindow(db, path)
        health.finished.connect(lambda result: window.check_finished(result))
        window.set_user(user)
        window.show()
        if health.result is not None:
            window.check_finished(health.result)
        idle = IdleLock(app, window, db, lambda: _sign_in(db, locked=True))
        # Office PCs stay on for days: the first check after midnight takes that day's
        # backup (once a day; a failure waits for the administrator as at open).
        daily = QTimer()
        daily.setInterval(30 * 60_000)
        daily.timeout.connect(lambda: keep_daily_backup(db, path))
        daily.start()
        try:
            return app.exec()
        finally:
            health.wait()
            daily.stop()
            idle.remove()
            window.close()
            window.deleteLater()
    finally:
        db.close()
