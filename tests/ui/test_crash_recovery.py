"""Issue 7 in the window: after a SIGKILL mid-round, the next start shows the draft to finish."""

import signal

import pytest

from core.db import open_db
from core.integrity import check
from inspection.rounds import open_drafts
from tests.core.test_crash_safety import ENTRY, _start

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")


def test_the_window_reopens_on_the_round_the_kill_interrupted(qtbot, tmp_path) -> None:
    from ui.main_window import MainWindow

    db_path = tmp_path / "killed.db"
    open_db(db_path).close()
    for run in range(10):  # a kill between two rounds leaves no draft: kill again
        log = tmp_path / f"e{run}.log"
        proc = _start(ENTRY, [str(db_path), str(log), str(run)])
        # Wait for typed work, not for a time: a few scores are logged, then the kill.
        qtbot.waitUntil(lambda log=log: log.exists() and log.read_text().count("score") >= 5,
                        timeout=60_000)  # fmt: skip
        proc.kill()
        proc.wait()
        proc.stdout.close()
        db = open_db(db_path)
        drafts = open_drafts(db)
        if drafts:
            break
        db.close()
    assert drafts, "ten kills in a row fell between two rounds"
    assert check(db).ok
    window = MainWindow(db, db_path)
    qtbot.addWidget(window)
    window.show()
    page = window.round
    assert window.stack.currentWidget() is page  # work resumes where it stopped
    assert page.round is not None and page.round.uuid == drafts[0].uuid
    typed = sum(s is not None for s in drafts[0].scores)
    # The cursor is on the first item not scored yet (the last item if all are typed).
    assert page.current == min(typed, len(drafts[0].scores) - 1)
    db.close()
