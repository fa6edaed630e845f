"""Issue 13 point 2: every command-line writer and reader, run beside an open window.

Two real processes: a stand-in for the window (tests/core/window_standin.py: one
connection kept open, rounds recorded now and then, the health check's and report
workers' opens between them) and each command of the README in turn, at random moments;
each forked from a parent that imported the app once (tests/forks.py).
The database must end with `PRAGMA integrity_check` = ok, `check` clean, and every row
either side committed still there. It failed before the fix: the window's own header
check (an ordinary open() and close() of the file) dropped its SQLite locks, the next
command believed it was the last connection and deleted the write-ahead log under it.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

import pytest

from core.db import open_db
from core.integrity import check
from inspection import rounds as R
from inspection.csv_io import ROUND_COLUMNS
from security.csv_io import GUARD_COLUMNS
from sync.send import export_sync
from tests.core import window_standin
from tests.sync.sync_helpers import trust_laptop

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process timing, POSIX")

SEEDS = (1, 2, 3)  # three runs, each with its own order of commands and its own pauses
CSV_ROUNDS = 300


def _files(folder: Path, seed: int) -> dict[str, Path]:
    rounds = [",".join(ROUND_COLUMNS)] + [
        f"F{1 + i % 5}-03,2021-05-{1 + i % 28:02d},{8 + i % 9:02d}:{i % 60:02d},cli-{seed}-{i},"
        + ",".join(["4"] * 20) + ","
        for i in range(CSV_ROUNDS)
    ]  # fmt: skip
    survey = ["date,point,group,rating"] + [f"2021-06-0{seed},F1-01,public,5"] * 40
    guard = [",".join(GUARD_COLUMNS)] + [
        f"2019-0{seed}-{day:02d},day,สมศักดิ์,12,12,,,,," for day in range(1, 21)
    ]
    files = {}
    for name, lines in (("rounds.csv", rounds), ("survey.csv", survey), ("guard.csv", guard)):
        files[name] = folder / name
        files[name].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return files


def _other_laptop(folder: Path, seed: int) -> tuple[Path, list[str]]:
    """A sync file from another computer holding three final rounds."""
    other = open_db(folder / "other.db")
    try:
        uuids = []
        for n in range(3):
            d = R.start_draft(other, f"F4-0{1 + n}", f"other-{seed}")
            for no in range(1, 21):
                R.set_score(other, d.uuid, no, 4)
            uuids.append(R.finalize_round(other, d.uuid).uuid)
        return export_sync(other, folder / "other.srsync").path, uuids
    finally:
        other.close()


def _commands(folder: Path, files: dict[str, Path], sync_file: Path) -> list[list[str]]:
    return [
        ["demo", "--fy", "2564"],
        ["import-rounds", str(files["rounds.csv"])],
        ["import-survey", str(files["survey.csv"])],
        ["import-guard", str(files["guard.csv"])],
        ["score", "--fy", "2564", "--json"],
        ["report", "annual", "--fy", "2564", "--out", str(folder / "annual.pdf")],
        ["export", "rounds", "--fy", "2564", "--out", str(folder / "rounds-out.csv")],
        ["backup", "--out", str(folder / "backup.db")],
        ["check"],
        ["sync", "export", "--out", str(folder / "mine.srsync")],
        ["sync", "import", str(sync_file)],
        ["guard", "missing", "--from", "2021-01-01", "--to", "2021-01-31"],
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_command_beside_an_open_window_loses_no_committed_row(tmp_path, seed, forks):
    rng = random.Random(seed)
    db_path = tmp_path / "office.db"
    open_db(db_path).close()
    files = _files(tmp_path, seed)
    sync_file, synced = _other_laptop(tmp_path, seed)
    trust_laptop(db_path, tmp_path / "other.db")  # issue 14: signed, from a trusted laptop
    commands = _commands(tmp_path, files, sync_file)
    rng.shuffle(commands)
    log = tmp_path / "window.log"
    window = window_standin.start(forks, db_path, log, seed)
    try:
        for command in commands:
            time.sleep(rng.uniform(0.0, 0.3))  # the window goes on writing meanwhile
            done = forks.run_main(["--db", db_path, *command])  # a process of its own
            assert done.returncode == 0, (command, done.stderr)
    finally:
        committed = window_standin.finish(window, log)
    assert committed  # the window did write while the commands ran
    db = open_db(db_path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        result = check(db)
        assert result.ok, result.problems
        final = {r[0] for r in db.execute("SELECT uuid FROM rounds WHERE status = 'final'")}
        assert set(committed) <= final  # every round the window saw saved is there
        assert set(synced) <= final
        imported = db.execute(
            "SELECT COUNT(*) FROM rounds WHERE inspector LIKE ?", [f"cli-{seed}-%"]
        ).fetchone()[0]
        assert imported == CSV_ROUNDS
        answers = db.execute(
            "SELECT COUNT(*) FROM survey_responses WHERE answered_on = ? AND source = 'import'",
            [f"2021-06-0{seed}"],
        ).fetchone()[0]
        assert answers == 40
        reports = db.execute(
            "SELECT COUNT(*) FROM guard_reports WHERE day LIKE ?", [f"2019-0{seed}-%"]
        ).fetchone()[0]
        assert reports == 20
        assert db.execute("SELECT COUNT(*) FROM rounds WHERE source = 'demo'").fetchone()[0] > 0
    finally:
        db.close()
