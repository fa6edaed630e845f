"""Starting the window: fonts, language, one instance per database, then the frame
painted, then the database opened, the user signed in and the pages filled.

Paint first (issue 19): nothing this module imports at its top touches a database
(sqlite-utils, the domain, reportlab, pythainlp): the window's frame is on screen
before they load. The order a person meets: "already open in another window" (no
frame at all); the frame with "opening the database…"; a refused file's message
over it; the sign-in or the first administrator; the pages; a failed health check
for an administrator once it ends.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QLockFile,
    QObject,
    QSettings,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtWidgets import QApplication, QWidget

from core.i18n import set_language, tr, tr_both
from core.paths import default_db_path
from core.resources import RESOURCES
from ui.fonts import register_fonts, ui_font
from ui.main_window import MainWindow

if TYPE_CHECKING:
    from sqlite_utils import Database

    from core.integrity import CheckResult
    from core.users import User
    from ui.signin import IdleLock


class StandardButtonTexts(QTranslator):
    """Qt's own OK, Save and Cancel (QInputDialog, QMessageBox, every dialog's button box)
    in the app's language.

    Qt ships no Thai translation, so every reason, note and date asked with QInputDialog
    and every message box said "OK"/"Cancel" on a Thai screen. Asked at each button's
    creation, so a switch of language holds for the next dialog.
    """

    KEYS = {"OK": "trust.ok", "Save": "ind.save", "Cancel": "trust.cancel"}

    # The one message dialog's details toggle holds the other language (ui.widgets.messages).
    DETAILS = {"Show Details...": "win.ops.show_details", "Hide Details...": "win.ops.hide_details"}

    def translate(self, context, source_text, disambiguation=None, n=-1):
        key = self.KEYS.get(source_text) if context == "QPlatformTheme" else None
        if context == "QMessageBox":
            key = self.DETAILS.get(source_text)
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
    from PySide6.QtWidgets import QMessageBox  # not before the first paint: its enums cost

    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr(title_key))
    box.setText(th)
    box.setInformativeText(en)
    box.exec()


def _tell(key: str, **values: object) -> None:
    """A warning in both languages from the catalogue, Thai first."""
    _warn("app.title", tr(key, "th", **values), tr(key, "en", **values))


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
        # What the check runs on is imported here, on the calling thread, which needs it
        # next anyway: two threads importing one module only wait for each other.
        import core.health  # noqa: F401

        self._thread.start()

    def wait(self, timeout: float | None = None) -> CheckResult | None:
        self._thread.join(timeout)
        return self.result

    def _work(self) -> None:
        from core.db import open_db
        from core.health import open_check
        from core.integrity import CheckResult

        # A connection of its own: sqlite objects must not cross threads.
        try:
            db = open_db(self.path)
            try:
                # The key first: it takes a moment, the check seconds on years of data.
                _make_device_key(db)
                self.result = open_check(db, self.path if self.backup else None)
            finally:
                db.close()
        except Exception as exc:  # noqa: BLE001 - a check that cannot run is itself a finding
            self.result = CheckResult(False, [f"{type(exc).__name__}: {exc}"], "")
        self.finished.emit(self.result)


def _make_device_key(db: Database) -> None:
    """Each computer makes its signing key on first start (issue 14), off the UI thread:
    the key file beside the database, audited. A key file that cannot be read is left for
    the Sync page to explain; it must not stop the window."""
    from sync.keys import make_key_at_start

    make_key_at_start(db)


def after_first_paint(widget: QWidget, then: Callable[[], None], *, at_most_ms: int = 1000) -> None:
    """Call `then` once `widget` has painted (the event loop back after the paint pass).

    What is slow to load waits for this, so a person sees the window at once. A window
    that never paints (shown minimised, say) must still open its database: after
    `at_most_ms` it goes ahead anyway.
    """
    done: list[bool] = []

    def go() -> None:
        if not done:
            done.append(True)
            widget.removeEventFilter(hook)
            then()

    class Hook(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                # A zero timer runs once the paint pass (children too) has been flushed.
                QTimer.singleShot(0, go)
            return False

    hook = Hook(widget)
    widget.installEventFilter(hook)
    QTimer.singleShot(at_most_ms, go)


def _sign_in(db: Database, *, locked: bool = False, parent: QWidget | None = None) -> User | None:
    from core.users import has_users
    from ui.signin import FirstRunDialog, SignInDialog

    if has_users(db):
        dialog = SignInDialog(db, parent, locked=locked)
    else:
        dialog = FirstRunDialog(db, parent)
    return dialog.user if dialog.exec() else None


SignIn = Callable[..., "User | None"]


def _offer_restore(parent: QWidget, path: Path, error: BaseException) -> Path | None:
    from ui.damaged import offer_restore  # the restore loads the domain: only when needed

    return offer_restore(parent, path, error)  # type: ignore[arg-type]


class Session(QObject):
    """One window on one database file, from its frame to its close.

    `start()` shows the frame; once it has painted, `open_database()` opens the file
    (`open_db`: a refused file is told and the session ends with 2, a file that cannot
    be opened with 1), starts the health check, asks who signs in (None ends the
    session with 0) and fills the pages. `ready` is emitted then. `close()` releases
    all of it after the event loop; `_session` raises what ended it unexpectedly.
    """

    painted = Signal()  # the frame is on screen; the database is opened next
    ready = Signal()  # signed in, the first page attached

    def __init__(self, app: QApplication, path: Path, sign_in: SignIn | None = None) -> None:
        super().__init__()
        self.app, self.path = app, path
        # The module's _sign_in, looked up when it is called (a test may stand in for it).
        self.sign_in: SignIn = sign_in or (lambda db, **kw: _sign_in(db, **kw))
        self.window = MainWindow(None, path)
        self.db: Database | None = None
        self.error: BaseException | None = None  # what ended the opening unexpectedly
        self.health: HealthCheck | None = None
        self.idle: IdleLock | None = None
        self.daily: QTimer | None = None
        self.restore_watch = None
        # A damaged file's offer to restore a backup (ui.damaged; a test may stand in).
        self.on_damaged: Callable[..., Path | None] = _offer_restore

    def start(self) -> None:
        self.window.show()
        after_first_paint(self.window, self.open_database)

    def open_database(self) -> None:
        if not self.window.isVisible():
            return  # closed before it painted: the event loop is ending
        self.painted.emit()
        try:
            self._open_database()
        except BaseException as exc:  # noqa: BLE001 - raised again once the event loop ends
            # In a slot an exception would only be printed, the frame left "opening…".
            self.error = exc
            self.app.exit(1)

    def _not_opened(self, code: int, th: str, en: str) -> None:
        self.window.show_opening_state(lambda: tr_both("startup.not_opened"))
        _warn("app.title", th, en)
        self.app.exit(code)

    def _open_database(self) -> None:
        import sqlite3

        from core.db import open_db
        from core.errors import DatabaseDamaged, DatabaseRefused
        from core.instance import DatabaseBusy

        try:
            db = self.db = open_db(self.path)
        except DatabaseDamaged as exc:
            # Where the daily backups are, and a restore from one (new-user finding 2).
            self.window.show_opening_state(lambda: tr_both("startup.not_opened"))
            if self.on_damaged(self.window, self.path, exc) is None:
                self.app.exit(2)  # closed instead: bad input, the file left as it was
                return
            self._open_database()  # the restored file, opened and signed in afresh
            return
        except (DatabaseRefused, DatabaseBusy) as exc:  # busy: an upgrade waited too long
            # Bad input, as on the command line: exit 2, the file left as it was.
            self._not_opened(2, exc.message("th"), exc.message("en"))
            return
        except (OSError, sqlite3.Error) as exc:
            # A folder that cannot be written, a file locked by another program, a full disk.
            values = {"path": str(self.path), "reason": str(exc)}
            self._not_opened(1, tr("startup.cannot_open", "th", **values),
                             tr("startup.cannot_open", "en", **values))  # fmt: skip
            return
        # The day's backup and the quick check. Whoever starts the app may not be able to
        # act on a problem: it is kept and shown to an administrator when one signs in
        # (MainWindow.set_user), or at once if one already has.
        self.health = HealthCheck(self.path)
        self.health.start()
        self.window.show_opening_state(lambda: tr("startup.signing_in"))
        user = self.sign_in(db, parent=self.window)
        if user is None:
            self.app.exit(0)
            return
        self.fill(db, user)

    def fill(self, db: Database, user: User) -> None:
        from core.health import keep_daily_backup
        from ui.ops import Change
        from ui.restore_watch import watch_for_restore
        from ui.signin import IdleLock

        window, path = self.window, self.path
        window.attach(db)
        assert self.health is not None
        self.health.finished.connect(window.check_finished)
        # The check's thread makes this computer's signing key at first start (issue 14):
        # the Sync page shows its fingerprint once it is there.
        self.health.finished.connect(lambda _: window.hub.changed.emit(Change.SYNC))
        window.set_user(user)
        if self.health.result is not None:
            window.check_finished(self.health.result)
        # A restore from the command line: told, and opened afresh as after Settings'.
        self.restore_watch = watch_for_restore(window, db)
        self.idle = IdleLock(self.app, window, db, lambda: self.sign_in(db, locked=True))
        # Office PCs stay on for days: the first check after midnight takes that day's
        # backup (once a day; a failure waits for the administrator as at open).
        self.daily = QTimer(self)
        self.daily.setInterval(30 * 60_000)
        self.daily.timeout.connect(lambda: keep_daily_backup(db, path))
        self.daily.start()
        self.ready.emit()

    def close(self) -> None:
        if self.health is not None:
            self.health.wait()
        if self.daily is not None:
            self.daily.stop()
        if self.restore_watch is not None:
            self.restore_watch.timer.stop()
        if self.idle is not None:
            self.idle.remove()
        self.window.leaving = True
        self.window.close()
        self.window.deleteLater()
        if self.db is not None:
            self.db.close()


def run(db_path: Path | None, lang: str | None) -> int:
    app = make_app()
    choose_language(lang)
    path = Path(db_path) if db_path else default_db_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _tell("startup.cannot_open", path=str(path), reason=exc.strerror or str(exc))
        return 1
    # Held for the whole run: a second window on this database is told to use the first,
    # before it paints anything of its own.
    instance_lock = QLockFile(str(path) + ".lock")
    if not instance_lock.tryLock(100):
        if instance_lock.error() == QLockFile.LockError.LockFailedError:
            _tell("app.already_open")
        else:  # a folder where the lock cannot be written: the database could not be either
            _tell("startup.cannot_open", path=str(path), reason=instance_lock.error().name)
        return 1
    try:
        while True:
            code = _session(app, path)
            from ui.settings_page import RESTORED_EXIT  # not before: it loads the domain

            # A restore in Settings replaced the file: open it afresh and ask who signs in,
            # since the accounts are now those of the backup.
            if code != RESTORED_EXIT:
                return code
    finally:
        instance_lock.unlock()


def _session(app: QApplication, path: Path) -> int:
    """The frame, then the database, the sign-in and the pages; the event loop's exit code."""
    session = Session(app, path)
    session.start()
    try:
        code = app.exec()
    finally:
        session.close()
    if session.error is not None:
        raise session.error
    return code
