"""One way to run an operation (issue 19; after Anki's `CollectionOp` / `QueryOp`).

A page turns a user action into one domain call and hands it here:

- `run(parent, hub, call, changes=...)` calls it at once, on the window's thread
  (a score key, a classification: short writes whose result the page shows next);
- `in_background(parent, db, hub, work, ...)` runs `work(connection, progress)` in
  Qt's thread pool on a connection of its own (SQLite connections stay in the
  thread that opened them), with a progress dialog and, where the work can stop
  safely, Cancel (a sync file, a backup, a restore, a CSV file, a report).

Either way a `SalaError` becomes the one message dialog (`show_error`), or goes
to the page's own place for it (a line beside the field); success announces
what changed as a set of `Change` kinds on the hub. Every page follows the kinds
it shows with `reload_on`: reloaded at once if it is on screen, else when it is
next shown (a hidden page never makes a score key wait).

Kept light to import (issue 19, paint first): the sign-in imports it before the pages
fill, so what opens a database (sqlite-utils, the domain) and Qt's enum namespace are
imported inside the functions that need them; the main window imports it only once
the database is attached.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QEvent, QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QWidget

from core.errors import Cancelled, SalaError
from core.i18n import tr
from ui.widgets.messages import show_error

if TYPE_CHECKING:
    from PySide6.QtWidgets import QProgressDialog
    from sqlite_utils import Database

T = TypeVar("T")
Progress = Callable[[int, int], None]


class Change(enum.Flag):
    """What an operation changed; pages reload when a kind they show is in it."""

    NONE = 0
    ROUNDS = enum.auto()  # rounds, drafts and corrections
    ACTIONS = enum.auto()  # corrective actions
    POINTS = enum.auto()  # restroom points and their active periods
    SURVEY = enum.auto()  # survey answers
    SURVEY_FORMS = enum.auto()  # the year's questionnaires
    GUARD = enum.auto()  # guard reports, events, classifications, month checks, contract
    PLAN = enum.auto()  # plan steps and projects
    SETTINGS = enum.auto()  # office settings (idle lock, ...)
    USERS = enum.auto()  # accounts and roles
    SIGNATURES = enum.auto()  # signed annual summaries
    SYNC = enum.auto()  # files sent and received
    # Everything that is recorded (an imported sync file may hold any of it).
    RECORDS = ROUNDS | ACTIONS | POINTS | SURVEY | SURVEY_FORMS | GUARD | PLAN | SIGNATURES
    ALL = RECORDS | SETTINGS | USERS | SYNC


# ---- reloading --------------------------------------------------------------------------


class Follow(QObject):
    """A page's one way to reload: at a change of a kind it shows, now if the page is on
    screen, else when it is next shown (before its first paint, so it never shows stale
    figures). On ten years of data a hidden page reloading at every score key made the
    key wait 230 ms (benchmark, issue 8)."""

    def __init__(self, page: QWidget, hub: Any, kinds: Change, reload: Callable[[], object]):
        super().__init__(page)
        self.page, self.kinds, self.reload = page, kinds, reload
        self.stale = False
        page.installEventFilter(self)
        hub.changed.connect(self.changed)

    def changed(self, changes: Change) -> None:
        if changes & self.kinds:
            self.request()

    def request(self) -> None:
        if self.page.isVisible():
            self.stale = False
            self.reload()
        else:
            self.stale = True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if obj is self.page and event.type() == QEvent.Type.Show and self.stale:
            self.stale = False
            self.reload()
        return False


def reload_on(page: QWidget, hub: Any, kinds: Change, reload: Callable[[], object]) -> Follow:
    """`page` calls `reload` when one of `kinds` has changed and it is (next) on screen."""
    return Follow(page, hub, kinds, reload)


# ---- at once ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Result(Generic[T]):
    """What `run` did: the call's value, or the refusal it was given (already shown)."""

    value: T | None = None
    error: SalaError | None = None

    def __bool__(self) -> bool:
        return self.error is None


ErrorSink = Callable[[SalaError], object]


def failure(error: BaseException) -> SalaError:
    """A person-readable refusal for what went wrong outside the rules (a full disk, a
    file that cannot be opened, a bug): never a traceback on screen."""
    if isinstance(error, SalaError):
        return error
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        where = f" ({error.filename})" if error.filename else ""
        return SalaError("win.ops.os_error", reason=reason, where=where)
    text = f"{type(error).__name__}: {error}"
    return SalaError("win.ops.unexpected", error=text)


def run(
    parent: QWidget | None,
    hub: Any,
    call: Callable[[], T],
    *,
    changes: Change = Change.NONE,
    errors: ErrorSink | None = None,
) -> Result[T]:
    """Call a domain function now; a refusal is shown (the one dialog, or `errors`), and
    on success `changes` are announced."""
    try:
        value = call()
    except (SalaError, OSError) as exc:
        error = failure(exc)
        (errors or (lambda e: show_error(parent, e)))(error)
        return Result(error=error)
    if changes:
        hub.changed.emit(changes)
    return Result(value=value)


# ---- in the background ------------------------------------------------------------------

_running: set[Background] = set()


class Background(QObject):
    """One piece of long work in Qt's thread pool. Its signals reach the window's thread
    through Qt's queue, so handlers only ever touch widgets from there."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)  # SalaError
    cancelled = Signal()
    finished = Signal()  # after one of the three above; the work has stopped

    def __init__(self, work: Callable[[Progress], object]) -> None:
        super().__init__()
        self.work = work
        self._stop = threading.Event()
        self.done = False  # the work has stopped (set in the worker's thread)
        self.settled = False  # ... and its handlers have run (on the window's thread)
        self.outcome = ""  # "done", "failed" or "cancelled", once finished

    def cancel(self) -> None:
        """Asked from the window's thread; the work stops at its next progress call."""
        self._stop.set()

    @property
    def cancelling(self) -> bool:
        return self._stop.is_set()

    def check(self) -> None:
        if self._stop.is_set():
            raise Cancelled()

    def progress(self, done: int, total: int) -> None:
        self.check()
        self.progressed.emit(done, total)

    def perform(self) -> None:
        """The worker's side (any thread)."""
        try:
            result = self.work(self.progress)
            # Work that never reports progress still ends as cancelled when asked to.
            self.check()
        except Cancelled:
            self.outcome = "cancelled"
            self.cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 (the thread's edge: a person must see it)
            self.outcome = "failed"
            self.failed.emit(failure(exc))
        else:
            self.outcome = "done"
            self.succeeded.emit(result)
        finally:
            self.done = True
            self.finished.emit()


class _Runnable(QRunnable):
    def __init__(self, op: Background) -> None:
        super().__init__()
        self.op = op

    def run(self) -> None:
        self.op.perform()


def with_connection(
    db: Database, work: Callable[[Database, Progress], T]
) -> Callable[[Progress], T]:
    """`work` on a connection of its own to `db`'s file, acting as `db`'s signed-in user."""
    from core.db import database_path, open_db
    from core.users import act_as, current_actor

    path, actor = database_path(db), current_actor(db)

    def on_own_connection(progress: Progress) -> T:
        own = open_db(path)
        try:
            act_as(own, actor)
            return work(own, progress)
        finally:
            own.close()

    return on_own_connection


def in_background(
    parent: QWidget | None,
    db: Database | None,
    hub: Any,
    work: Callable[..., T],
    *,
    title: str,
    changes: Change = Change.NONE,
    cancellable: bool = True,
    dialog: bool = True,
    done: Callable[[T], object] | None = None,
    errors: ErrorSink | None = None,
    changes_of: Callable[[T], Change] | None = None,
) -> Background:
    """Start `work(connection, progress)` (or `work(progress)` when `db` is None: work on
    files only, such as a restore) in the thread pool.

    `progress(done, total)` raises Cancelled once the person pressed Cancel; work that
    can stop safely calls it between steps. A progress dialog (window-modal, shown after
    a short moment) unless `dialog` is False (the page shows its own bar). On success
    `done(result)` runs on the window's thread and the changes (`changes`, or
    `changes_of(result)`) are announced; a refusal goes to `errors` or the one dialog.
    """
    from PySide6.QtCore import Qt  # its enum namespace: not before the first paint
    from PySide6.QtWidgets import QProgressDialog

    op = Background(with_connection(db, work) if db is not None else work)
    box: QProgressDialog | None = None
    if dialog:
        box = QProgressDialog(title, tr("win.ops.cancel") if cancellable else "", 0, 0, parent)
        box.setWindowTitle(tr("app.title"))
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setMinimumDuration(300)
        box.setAutoClose(False)
        box.setAutoReset(False)
        if not cancellable:
            box.setCancelButton(None)
        box.canceled.connect(lambda: _cancel(op, box))
        op.progressed.connect(lambda n, total: _advance(box, n, total))
        box.setValue(0)  # starts the minimum-duration timer

    def close_box() -> None:
        # Before any handler: a message shown by one must not sit under the progress box.
        if box is not None and box.isVisible():
            box.close()

    def succeeded(result: Any) -> None:
        close_box()
        announced = changes_of(result) if changes_of is not None else changes
        if announced:
            hub.changed.emit(announced)
        if done is not None:
            done(result)

    def failed(error: SalaError) -> None:
        close_box()
        (errors or (lambda e: show_error(parent, e)))(error)

    def finished() -> None:
        op.settled = True
        _running.discard(op)
        close_box()
        if box is not None:
            box.deleteLater()

    op.succeeded.connect(succeeded)
    op.failed.connect(failed)
    op.cancelled.connect(close_box)
    op.finished.connect(finished)
    _running.add(op)
    # Started from the event loop, not here: the caller connects its own handlers to the
    # returned op first (a queued signal reaches only the slots connected when it was
    # sent, and quick work could otherwise finish before them).
    runnable = _Runnable(op)
    QTimer.singleShot(0, lambda: QThreadPool.globalInstance().start(runnable))
    return op


def _cancel(op: Background, box: QProgressDialog) -> None:
    op.cancel()
    box.setLabelText(tr("win.ops.cancelling"))


def _advance(box: QProgressDialog, done: int, total: int) -> None:
    if total > 0:
        box.setMaximum(total)
        box.setValue(min(done, total))


def running() -> list[Background]:
    return [op for op in _running if not op.settled]


def shutdown(ms: int = 30_000) -> bool:
    """Cancel what is running and wait for it (a worker must not outlive the window's
    database); True when everything stopped in time."""
    for op in running():
        op.cancel()
    return QThreadPool.globalInstance().waitForDone(ms)
