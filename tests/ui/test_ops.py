"""One way to run an operation, one way to reload (issue 19 point 2; ui/ops.py)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from core.errors import InvalidInput
from core.users import Actor, act_as, current_actor
from ui import ops
from ui.hub import Hub
from ui.ops import Change

WAIT_MS = 60_000
UI = Path(__file__).resolve().parents[2] / "ui"


def test_a_hidden_page_reloads_once_when_shown_and_only_for_the_kinds_it_shows(qtbot) -> None:
    hub = Hub()
    stack = QStackedWidget()
    shown, hidden = QWidget(), QWidget()
    stack.addWidget(shown)
    stack.addWidget(hidden)
    qtbot.addWidget(stack)
    stack.show()
    calls: list[str] = []
    ops.reload_on(hidden, hub, Change.ROUNDS | Change.ACTIONS, lambda: calls.append("reload"))
    hub.changed.emit(Change.SURVEY)
    stack.setCurrentWidget(hidden)
    assert calls == []  # a kind it does not show: never reloaded
    stack.setCurrentWidget(shown)
    hub.changed.emit(Change.ROUNDS)
    hub.changed.emit(Change.ACTIONS | Change.PLAN)
    assert calls == []  # two changes while out of sight: nothing yet
    stack.setCurrentWidget(hidden)
    assert calls == ["reload"]  # once, before it is painted
    hub.changed.emit(Change.ROUNDS)
    assert calls == ["reload", "reload"]  # on screen: at once
    stack.setCurrentWidget(shown)
    stack.setCurrentWidget(hidden)
    assert calls == ["reload", "reload"]  # nothing changed meanwhile: no reload


def test_change_kinds_are_a_typed_set_and_all_holds_every_record_kind() -> None:
    both = Change.ROUNDS | Change.ACTIONS
    assert Change.ROUNDS in both and Change.SURVEY not in both
    for kind in Change:
        assert kind in Change.ALL
    assert Change.USERS not in Change.RECORDS


def test_run_announces_what_changed_and_shows_a_refusal_where_asked(qtbot) -> None:
    hub = Hub()
    told: list[Change] = []
    hub.changed.connect(told.append)
    done = ops.run(None, hub, lambda: 42, changes=Change.PLAN)
    assert done and done.value == 42 and told == [Change.PLAN]

    label = QLabel()

    def refuse() -> None:
        raise InvalidInput("actions.date_not_valid", field="due", isoformat="31/02/2564")

    refused = ops.run(None, hub, refuse, changes=Change.PLAN,
                      errors=lambda e: label.setText(e.message("th")))  # fmt: skip
    assert not refused and refused.error is not None and refused.error.field == "due"
    assert "วันที่ 31/02/2564 ไม่ถูกต้อง" in label.text()
    assert told == [Change.PLAN]  # a refusal changed nothing


def test_an_os_error_reads_as_a_message_not_a_traceback(qtbot) -> None:
    shown: list[str] = []

    def full_disk() -> None:
        raise OSError(28, "No space left on device", "/tmp/x.csv")

    result = ops.run(None, Hub(), full_disk, errors=lambda e: shown.append(e.message("th")))
    assert not result and "No space left on device" in shown[0] and "/tmp/x.csv" in shown[0]


def test_background_work_runs_off_the_window_thread_on_its_own_connection(qtbot, db) -> None:
    act_as(db, Actor("somsri", "section_head", "สมศรี"))
    seen: dict[str, object] = {}

    def work(own, progress):
        seen["thread"] = threading.current_thread() is threading.main_thread()
        seen["same"] = own is db
        seen["actor"] = current_actor(own).username
        progress(1, 2)
        return own.execute("SELECT COUNT(*) FROM points").fetchone()[0]

    hub = Hub()
    told: list[Change] = []
    hub.changed.connect(told.append)
    results: list[int] = []
    progress: list[tuple[int, int]] = []
    op = ops.in_background(None, db, hub, work, title="…", dialog=False,
                           changes=Change.SYNC, done=results.append)  # fmt: skip
    op.progressed.connect(lambda n, total: progress.append((n, total)))
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        pass
    assert seen == {"thread": False, "same": False, "actor": "somsri"}
    assert results == [27] and told == [Change.SYNC] and op.outcome == "done"


def test_cancel_stops_background_work_at_its_next_step(qtbot, db) -> None:
    started, release = threading.Event(), threading.Event()
    steps: list[int] = []

    def work(own, progress):
        for n in range(1000):
            if n == 1:
                started.set()
                release.wait(WAIT_MS / 1000)
            progress(n, 1000)
            steps.append(n)
        return "finished"

    done: list[object] = []
    op = ops.in_background(None, db, Hub(), work, title="…", dialog=False, done=done.append)
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)  # the work starts from the event loop
    op.cancel()
    release.set()
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        pass
    assert op.outcome == "cancelled" and done == [] and len(steps) < 1000


def test_a_refusal_in_the_background_reaches_the_window(qtbot, db) -> None:
    def work(own, progress):
        raise InvalidInput("csvfile.not_csv", field="file", name="x.csv", why="เสีย")

    errors: list[str] = []
    op = ops.in_background(None, db, Hub(), work, title="…", dialog=False,
                           errors=lambda e: errors.append(e.message("th")))  # fmt: skip
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        pass
    assert op.outcome == "failed" and "ไฟล์ x.csv ไม่ใช่ไฟล์ CSV ที่อ่านได้: เสีย" in errors[0]


def test_a_progress_dialog_shows_and_closes_with_the_work(qtbot, db) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    op = ops.in_background(parent, db, Hub(), lambda own, progress: progress(1, 1), title="…")
    assert op in ops.running()
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        pass
    assert op.outcome == "done" and op.settled and op not in ops.running()


SQL = re.compile(r"\b(SELECT\s|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s)|"
                 r"\.execute(many)?\(|\.conn\b")  # fmt: skip


@pytest.mark.parametrize("path", sorted(UI.rglob("*.py")), ids=lambda p: p.name)
def test_no_page_writes_sql_pages_call_domain_functions(path: Path) -> None:
    """STYLE.md: "A screen calls one operation per user action and never writes SQL"."""
    hits = [f"{path.name}:{n}: {line.strip()}"
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if SQL.search(line)]  # fmt: skip
    assert hits == []


def test_one_way_to_reload_and_no_catch_of_domain_errors_in_pages() -> None:
    """Pages reload through ui.ops.reload_on and hand refusals to ui.ops (issue 19: 37
    `except SalaError` blocks in 11 modules, three ways to reload)."""
    for path in sorted(UI.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "ReloadWhenSeen" not in text and "_stale" not in text, path.name
        if path.name != "ops.py":
            assert "except SalaError" not in text and "except (SalaError" not in text, path.name
        assert "hub.changed.connect" not in text or path.name in (
            "ops.py",
            "main_window.py",
            "signin.py",
        ), path.name


def test_today_shows_a_round_finished_while_it_was_hidden(window) -> None:
    page = window.round
    window.show_widget(page)
    page.begin_at("F1-01")
    for _ in range(20):
        page.score(4)
    page.finalize()
    window.show_widget(window.today)
    texts = [window.today.items.item(i).text() for i in range(window.today.items.count())]
    assert not any("F1-01" in t for t in texts)  # no longer among the unchecked points
