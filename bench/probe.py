"""Child processes of the benchmark: each measures one thing and prints one JSON line.

`python -m bench.probe startup app DB | startup bare | keys DB N | rss DB FY | pages DB`

They run on Qt's offscreen platform (the parent sets QT_QPA_PLATFORM), so they
need no screen. A child is a fresh process, so imports, fonts and the page cache
of the process start cold each time (the operating system's file cache does not).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

START = time.time()  # as early as this module runs: the parent also stamps the spawn
PAINTED_MARK, FILLED_MARK = "-- sala: frame painted --", "-- sala: first page filled --"


def _emit(payload: dict[str, Any]) -> None:
    print(json.dumps(payload), flush=True)


def _settings_sandbox(db_path: Path) -> None:
    """QSettings of the probes go to a folder beside their database (the benchmark's own
    folder), never the user's real settings. Not `tempfile`: the start-up probe must not
    import what the app does not (bench/imports.py lists the start path's imports)."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    folder = db_path.parent / "sala-bench-ini"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


class _PaintHook:
    """Records when `widget` paints; waiting runs a QEventLoop that the paint ends.

    A local event loop, not a busy loop of processEvents(): the wait costs no CPU
    that the measured work could use (and PySide6 6.12.0, which lost a reference to
    None per call, crashed on such a loop; it is excluded in pyproject.toml).
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
    """The window over an open database, an administrator acting (no sign-in dialog).

    The fonts, the language, the database (checked read-only and migrated), the
    day's backup and health check started in their thread, then the main window.
    """
    from core.db import open_db
    from core.users import User
    from ui.app import HealthCheck, choose_language, make_app

    app = make_app([sys.argv[0]])
    _settings_sandbox(db_path)
    choose_language(None)
    db = open_db(db_path)
    health = HealthCheck(db_path)
    health.start()
    from ui.main_window import MainWindow

    window = MainWindow(db, db_path)
    # As after a sign-in: the acting user also becomes the Round page's inspector.
    window.set_user(User("bench", "bench", "Bench Inspector", "admin", True))
    window.health = health  # kept alive with the window, as run() keeps it
    return app, db, window


def _bench_user(db: Any, **_: Any) -> Any:
    """The sign-in's answer without its dialog: an administrator (imported as late as the
    real dialog's module is)."""
    from core.users import User

    return User("bench", "bench", "Bench Inspector", "admin", True)


def startup(kind: str, db_path: Path | None) -> None:
    """Wall-clock time of the first paint of the main window (or a bare QMainWindow).

    The app runs `ui.app.Session` as `run` does, the sign-in answered at once: the
    frame paints ("painted"), then the database opens and the first page fills
    ("filled", the time to a usable window).
    """
    stamp: dict[str, float] = {}
    heavy: list[str] = []  # of the modules the frame must paint without, those loaded
    if kind == "bare":
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication([sys.argv[0]])
        window = QMainWindow()
        window.resize(1280, 800)
        hook = _PaintHook(window)
        window.show()
        hook.wait()

        # The QTimer runs once the event loop is back: the paint pass (children too) is done.
        def painted() -> None:
            stamp["painted"], stamp["cpu"] = time.time(), time.process_time()
            app.quit()

        QTimer.singleShot(0, painted)
        app.exec()
    else:
        assert db_path is not None
        from ui.app import Session, after_first_paint, choose_language, make_app

        app = make_app([sys.argv[0]])
        _settings_sandbox(db_path)
        choose_language(None)
        session = Session(app, db_path, sign_in=_bench_user)

        def framed() -> None:
            stamp["painted"], stamp["cpu"] = time.time(), time.process_time()
            heavy.extend(m for m in ("sqlite_utils", "reportlab", "pythainlp") if m in sys.modules)
            print(PAINTED_MARK, file=sys.stderr, flush=True)  # splits `-X importtime` output

        def filled() -> None:
            stamp["filled"], stamp["filled_cpu"] = time.time(), time.process_time()
            print(FILLED_MARK, file=sys.stderr, flush=True)
            app.quit()

        session.painted.connect(framed)
        session.ready.connect(
            lambda: after_first_paint(session.window.stack.currentWidget(), filled)
        )
        session.start()
        app.exec()
        session.close()
    # CPU time of this process to the paint (threads included): the part of the wall
    # time that other work on a shared machine cannot inflate.
    _emit({**stamp, "module_start": START, "heavy_at_paint": heavy})


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
    """Peak resident memory of this process so far, in MB (None where it cannot be read).

    Linux: VmHWM, the peak of this process's own memory. getrusage's ru_maxrss is
    not used there: it carries over the parent's peak across fork and exec, so a
    child of the benchmark (which has just generated the decade) reported the
    benchmark's own 155 MB instead of its 104.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    try:
        import resource
    except ImportError:  # Windows: the standard library has no getrusage there
        try:
            import psutil  # type: ignore[import-not-found]
        except ImportError:
            return None
        return psutil.Process().memory_info().peak_wset / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # macOS reports bytes, the other BSDs kilobytes.
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
