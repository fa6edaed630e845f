"""Issue 7 in the window: after a SIGKILL mid-round, the next start shows the draft to finish."""

import signal

import pytest

from core.db import open_db
from core.integrity import check
from inspection.rounds import open_drafts
from tests.core.test_crash_safety import ENTRY, _kill_when_held

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")


def test_the_window_reopens_on_the_round_the_kill_interrupted(qtbot, tmp_path, forks) -> None:
    from ui.main_window import MainWindow

    db_path = tmp_path / "killed.db"
    open_db(db_path).close()
    # Killed with a round half typed: the child holds after its 25th score (the fifth of
    # its second round) and is killed there, not after a guessed delay.
    _kill_when_held(forks, ENTRY, [str(db_path), str(tmp_path / "e.log"), "0"])
    db = open_db(db_path)
    [draft] = open_drafts(db)
    assert check(db).ok
    window = MainWindow(db, db_path)
    qtbot.addWidget(window)
    window.show()
    page = window.round
    assert window.stack.currentWidget() is page  # work resumes where it stopped
    assert page.round is not None and page.round.uuid == draft.uuid
    typed = sum(s is not None for s in draft.scores)
    assert typed == 5
    # The cursor is on the first item not scored yet.
    assert page.current == typed
    db.close()
