"""Child processes of the benchmark: each measures one thing and prints one JSON line.

`python -m bench.probe startup app DB | startup bare | keys DB N | rss DB FY | pages DB`

They run on Qt's offscreen platform (the parent sets QT_QPA_PLATFORM), so they
need no screen. A child is a fresh process, so imports, fonts and the page cache
of the process start cold each time (the operating system's file cache does not).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

START = time.time()  # as early as this module runs: the parent also stamps the spawn


def _emit(payload: dict[str, Any]) -> None:
    print(json.dumps(payload), flush=True)


def _settings_sandbox() -> None:
    """QSettings of the probes go to a temporary folder, never the user's real settings."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    folder = tempfile.mkdtemp(prefix="sala-bench-ini-")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)


class _PaintHook:
    """Records when `widget` paints; waiting runs a QEventLoop that the paint ends.

    A local event loop, not a busy loop of processEvents(): PySide6 on Python 3.11
    loses a reference to None on some calls, and millions of them crash the process.
    """

    def __init__(self, widget: Any) -> None:
        from PySide6.QtCore import QEvent, QEventLoop, QObject

        hook = self

        class Filter(QObject):
            def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
                if event.type() == QEvent.Type.Paint and hook.painted_at is None:
                    hook.painted_at = time.perf_counter()
                    hook.loop.quit()
                return False

        self.painted_at: float | None = None
        self.loop = QEventLoop()
        self.filter = Filter(widget)
        widget.installEventFilter(self.filter)

    def reset(self) -> None:
        self.painted_at = None

    def wait(self, limit_s: float = 10.0) -> float:
        from PySide6.QtCore import QTimer

        if self.painted_at is None:
            QTimer.singleShot(int(limit_s * 1000), self.loop.quit)
            self.loop.exec()
        if self.painted_at is None:
            raise RuntimeError("no paint event within the limit")
        return self.painted_at


def open_window(db_path: Path) -> tuple[Any, Any, Any]:
    """What `ui.app.run` does before the window shows, minus the sign-in dialog.

    The fonts, the language, the database (checked and migrated), the daily backup,
    the health check started in its thread, then the main window with an
    administrator acting.
    """
    from cli import preload_for_window

    preload_for_window()  # as main.py does before it imports Qt
    from core.backup import daily_backup
    from core.db import open_db
    from core.users import User
    from ui.app import HealthCheck, choose_language, make_app

    app = make_app([sys.argv[0]])
    _settings_sandbox()
    choose_language(None)
    db = open_db(db_path)
    daily_backup(db, db_path)
    health = HealthCheck(db_path, warn=False)
    health.start()
    from ui.main_window import MainWindow

    window = MainWindow(db, db_path)
    # As after a sign-in: the acting user also becomes the Round page's inspector.
    window.set_user(User("bench", "bench", "Bench Inspector", "admin", True))
    window.health = health  # kept alive with the window, as run() keeps it
    return app, db, window


def startup(kind: str, db_path: Path | None) -> None:
    """Wall-clock time of the first paint of the main window (or a bare QMainWindow)."""
    if kind == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication([sys.argv[0]])
        window = QMainWindow()
        window.resize(1280, 800)
    else:
        assert db_path is not None
        app, _, window = open_window(db_path)
    from PySide6.QtCore import QTimer  # after open_window: it sets the import order

    hook = _PaintHook(window)
    window.show()
    hook.wait()
    stamp: dict[str, float] = {}
    # The QTimer runs once the event loop is back: the paint pass (children too) is done.
    QTimer.singleShot(0, lambda: (stamp.setdefault("t", time.time()), app.quit()))
    app.exec()
    _emit({"painted": stamp["t"], "module_start": START})


def keys(db_path: Path, samples: int) -> None:
    """A score key on the Round page until the total label has repainted (ms each)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    app, db, window = open_window(db_path)
    window.health.wait()  # keys typed after the start-up check, not racing it
    window.show()
    QTest.qWaitForWindowExposed(window)
    page = window.round
    window.show_widget(page)
    codes = sorted(page.points)
    hook = _PaintHook(page.total_label)
    out: list[float] = []
    n_round = 0
    while len(out) < samples:
        page.new_round()
        page.begin_at(codes[n_round % len(codes)])
        n_round += 1
        QTest.qWait(30)  # the new round's own repaint is not a sample
        for item in range(len(page.scores)):
            key = Qt.Key.Key_4 if item % 3 else Qt.Key.Key_3
            hook.reset()
            t0 = time.perf_counter()
            QTest.keyClick(page.table, key)
            out.append((hook.wait() - t0) * 1000)
            if len(out) >= samples:
                break
    first_keys = out[:: len(page.scores)]  # the key that also saves the new draft
    _emit({"ms": out, "first_key_ms": first_keys})
    db.close()


def peak_rss_mb() -> float | None:
    """Peak resident memory of this process so far, in MB (None where it cannot be read)."""
    try:
        import resource
    except ImportError:  # Windows: the standard library has no getrusage there
        try:
            import psutil  # type: ignore[import-not-found]
        except ImportError:
            return None
        return psutil.Process().memory_info().peak_wset / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def rss(db_path: Path, fy: int) -> None:
    """Peak memory with the database open and the Indicators page of `fy` shown."""
    app, db, window = open_window(db_path)
    window.show()
    page = window.indicators
    window.show_widget(page)
    hook = _PaintHook(page.total)
    page.year.setCurrentIndex(page.year.findData(fy))
    hook.wait()
    window.health.wait()  # its peak belongs to the app's too
    shown = page.total.text()
    _emit({"peak_rss_mb": peak_rss_mb(), "shown": shown})
    db.close()


def pages(db_path: Path) -> None:
    """Milliseconds to build and paint each page the first time it is opened."""
    from PySide6.QtTest import QTest

    app, db, window = open_window(db_path)
    window.health.wait()
    window.show()
    QTest.qWaitForWindowExposed(window)
    out: dict[str, float] = {}
    for _, name, _ in window.pages:
        t0 = time.perf_counter()
        page = window.page(name)
        hook = _PaintHook(page)
        window.show_widget(page)
        hook.wait()
        out[name] = round((time.perf_counter() - t0) * 1000, 1)
    _emit({"pages_ms": out, "peak_rss_mb": peak_rss_mb()})
    db.close()


def main(argv: list[str]) -> None:
    what = argv[0]
    if what == "startup":
        startup(argv[1], Path(argv[2]) if len(argv) > 2 else None)
    elif what == "keys":
        keys(Path(argv[1]), int(argv[2]))
    elif what == "pages":
        pages(Path(argv[1]))
    elif what == "rss":
        rss(Path(argv[1]), int(argv[2]))
    else:
        raise SystemExit(f"unknown probe {what}")


if __name__ == "__main__":
    main(sys.argv[1:])
