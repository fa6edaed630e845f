"""Issue 13 point 3: no interleaving of `restore` with writers loses a committed row.

Each run has real processes (forked from a parent that imported the app once:
tests/forks.py): a stand-in for an open window recording rounds
(tests/core/window_standin.py), two command-line writers drawn from `import-rounds`,
`import-survey`, `import-guard` and `sync import`, and `restore`, each started at a
random moment. It once lost a 200,000-row import that had said "imported": the safety
copy was taken before the import committed and the replacement then overwrote it.

A row committed before the restore took the database's write lock is in the safety copy
(`NAME.before-restore-….db`) and not in the restored database; one committed after is in
the restored database and not in the copy. Every committed row is in exactly one of
them, every writer's rows all together; both files pass their checks.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from core.audit import local_device
from core.backup import backup_to
from core.db import open_db
from core.devices import trust_device
from core.integrity import check
from core.users import acting_as
from inspection import rounds as R
from inspection.csv_io import ROUND_COLUMNS
from security.csv_io import GUARD_COLUMNS
from sync.send import export_sync
from tests.actors import ADMIN
from tests.core import window_standin
from tests.sync.sync_helpers import key_of

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process timing, POSIX")

INTERLEAVINGS = 20
WINDOW_SPAN = 1.2  # seconds within which the writers and the restore start
ROUNDS_ROWS, SURVEY_ROWS, GUARD_DAYS = 2000, 400, 150


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _inputs(folder: Path, run: int) -> dict[str, tuple[list[str], str, int]]:
    """Each writer's command, the SQL counting its rows in a database, and how many."""
    rounds = _write(folder / f"rounds-{run}.csv", [",".join(ROUND_COLUMNS)] + [
        f"F{1 + i % 5}-04,2021-06-{1 + i % 28:02d},{8 + i % 9:02d}:{i % 60:02d},csv-{run}-{i},"
        + ",".join(["4"] * 20) + ","
        for i in range(ROUNDS_ROWS)
    ])  # fmt: skip
    day = f"2021-07-{1 + run % 28:02d}"
    survey = _write(folder / f"survey-{run}.csv", ["date,point,group,rating"] + [
        f"{day},F2-02,official,{1 + i % 5}" for i in range(SURVEY_ROWS)
    ])  # fmt: skip
    year = 1990 + run
    guard = _write(folder / f"guard-{run}.csv", [",".join(GUARD_COLUMNS)] + [
        f"{_day(year, i)},day,สมศักดิ์,12,12,,,,,"
        for i in range(GUARD_DAYS)
    ])  # fmt: skip
    return {
        "import-rounds": (["import-rounds", str(rounds)],
                          f"SELECT COUNT(*) FROM rounds WHERE inspector LIKE 'csv-{run}-%'",
                          ROUNDS_ROWS),
        "import-survey": (["import-survey", str(survey)],
                          "SELECT COUNT(*) FROM survey_responses WHERE source = 'import'"
                          f" AND answered_on = '{day}'", SURVEY_ROWS),
        "import-guard": (["import-guard", str(guard)],
                         f"SELECT COUNT(*) FROM guard_reports WHERE day LIKE '{year}-%'",
                         GUARD_DAYS),
        "sync import": (["sync", "import", str(folder / "laptop-b.srsync")],
                        "SELECT COUNT(*) FROM rounds WHERE inspector = 'laptop-b'", 5),
    }  # fmt: skip


def _day(year: int, i: int) -> str:
    from datetime import date, timedelta

    return (date(year, 1, 1) + timedelta(days=i)).isoformat()


def _laptop_b(folder: Path) -> None:
    other = open_db(folder / "laptop-b.db")
    try:
        for n in range(5):
            d = R.start_draft(other, f"F5-0{1 + n}", "laptop-b")
            for no in range(1, 21):
                R.set_score(other, d.uuid, no, 4)
            R.finalize_round(other, d.uuid)
        export_sync(other, folder / "laptop-b.srsync")
    finally:
        other.close()


def laptop_b_device(folder: Path) -> str:
    other = open_db(folder / "laptop-b.db")
    try:
        return local_device(other)
    finally:
        other.close()


def _count(path: Path, sql: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def _uuids(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT uuid FROM rounds WHERE status = 'final'")}
    finally:
        conn.close()


RESTORE = ["--user", "admin", "restore"]  # an administrator's decision (issue 15)


def _cli(forks, db_path: Path, args: list[str], delay: float, results: dict, key: str) -> None:
    time.sleep(delay)
    results[key] = forks.run_main(["--db", db_path, *args])


def test_restore_interleaved_with_writers_loses_no_committed_row(tmp_path, monkeypatch, forks):
    from core.users import create_user
    from tests.actors import PASSWORD

    template = tmp_path / "template.db"
    db = open_db(template)
    create_user(db, "admin", "ผู้ดูแลระบบ", "admin", PASSWORD)  # who restores (issue 15)
    monkeypatch.setenv("SALA_PASSWORD", PASSWORD)
    d = R.start_draft(db, "F1-01", "สมชาย")
    for no in range(1, 21):
        R.set_score(db, d.uuid, no, 4)
    R.finalize_round(db, d.uuid)
    backup = tmp_path / "backup.db"
    _laptop_b(tmp_path)
    # Laptop B's files are signed; this office trusts it (issue 14), before the backup too.
    with acting_as(db, ADMIN):
        trust_device(db, laptop_b_device(tmp_path), key_of(tmp_path / "laptop-b.db").public_key)
    backup_to(db, backup)
    db.close()
    rng = random.Random(2026)
    landed = {"before the restore": 0, "after the restore": 0}
    for run in range(INTERLEAVINGS):
        folder = tmp_path / f"run{run}"
        folder.mkdir()
        db_path = folder / "office.db"
        shutil.copy(template, db_path)
        inputs = _inputs(tmp_path, run)
        writers = rng.sample(sorted(inputs), 2)
        log = folder / "window.log"
        window = window_standin.start(forks, db_path, log, run)
        results: dict[str, subprocess.CompletedProcess] = {}
        threads = [
            threading.Thread(target=_cli, args=(forks, db_path, inputs[w][0],
                                                rng.uniform(0, WINDOW_SPAN), results, w))
            for w in writers
        ] + [threading.Thread(target=_cli, args=(forks, db_path, RESTORE + [str(backup)],
                                                 rng.uniform(0, WINDOW_SPAN), results,
                                                 "restore"))]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        time.sleep(rng.uniform(0, 0.3))  # the window writes a little longer
        committed = window_standin.finish(window, log)
        for key, done in results.items():
            assert done.returncode == 0, (run, key, done.stderr)
        (safety,) = folder.glob("office.before-restore-*.db")
        restored = open_db(db_path)
        result = check(restored)
        restored.close()
        assert result.ok, (run, result.problems)
        kept = sqlite3.connect(safety)
        assert kept.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        kept.close()
        # The window's rounds: each in exactly one of the two files.
        now, before = _uuids(db_path), _uuids(safety)
        for uuid in committed:
            assert (uuid in now) != (uuid in before), (run, uuid)
        # Each writer's rows: all in one file, none in the other.
        for w in writers:
            _, sql, expected = inputs[w]
            counts = (_count(db_path, sql), _count(safety, sql))
            assert counts in ((expected, 0), (0, expected)), (run, w, counts)
            landed["after the restore" if counts[0] else "before the restore"] += 1
    # Not a timing check: it shows the runs did put writers on both sides of the restore.
    assert landed["before the restore"] and landed["after the restore"], landed
    print(f"{INTERLEAVINGS} interleavings, writers landed {landed}, no committed row lost")
