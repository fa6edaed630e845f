"""Issue 7: a process killed (SIGKILL) mid-import or mid-round leaves no half action."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.backup import check
from core.db import open_db
from inspection.csv_io import ROUND_COLUMNS
from inspection.rounds import open_drafts

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")

PRELUDE = (
    "import sys, datetime\n"
    "import core.calendar\n"
    "core.calendar.clock = lambda: datetime.datetime(2021, 9, 30, 18, 0)\n"
    "from core.db import open_db\n"
    "db = open_db(sys.argv[1])\n"
    "print('ready', flush=True)\n"
)
IMPORT = PRELUDE + (
    "from inspection.csv_io import import_rounds\nimport_rounds(db, sys.argv[2])\nprint('done')\n"
)
ENTRY = PRELUDE + (
    "from inspection import rounds as R\n"
    "codes = [r[0] for r in db.execute('SELECT code FROM points ORDER BY code')]\n"
    "for i in range(200):\n"
    "    d = R.start_draft(db, codes[i % 27], 'k', datetime.datetime(2021, 9, 1, 8) +"
    " datetime.timedelta(minutes=i))\n"
    "    for no in range(1, 21):\n"
    "        R.set_score(db, d.uuid, no, 3 + (no % 2))\n"
    "    R.finalize_round(db, d.uuid)\n"
)


def _kill_after(script: str, args: list[str], delay: float) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # 'ready': the database is open and migrated
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_killed_imports_leave_all_or_nothing(tmp_path) -> None:
    csv = tmp_path / "big.csv"
    lines = [",".join(ROUND_COLUMNS)]
    for i in range(3000):
        day = 1 + i % 28
        lines.append(f"F{1 + i % 5}-01,2021-08-{day:02d},{8 + i % 9:02d}:{i % 60:02d},k{i},"
                     + ",".join(["4"] * 20) + ",")  # fmt: skip
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db_path = tmp_path / "crash.db"
    open_db(db_path).close()
    rng = random.Random(7)
    for _ in range(6):
        _kill_after(IMPORT, [str(db_path), str(csv)], rng.uniform(0.0, 0.6))
        db = open_db(db_path)
        assert check(db).ok
        count = db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0]
        assert count in (0, 3000)
        audited = db.execute(
            "SELECT COUNT(*) FROM audit_log WHERE kind = 'rounds_batch'"
        ).fetchone()[0]
        assert audited == (count > 0)
        db.close()


def test_killed_round_entry_keeps_every_committed_action_whole(tmp_path) -> None:
    db_path = tmp_path / "entry.db"
    open_db(db_path).close()
    rng = random.Random(11)
    for _ in range(6):
        _kill_after(ENTRY, [str(db_path)], rng.uniform(0.05, 0.8))
        db = open_db(db_path)
        assert check(db).ok
        for scores, status, total in db.execute("SELECT scores, status, total FROM rounds"):
            if status == "final":
                assert "-" not in scores and total == sum(int(c) for c in scores)
        finals = db.execute("SELECT uuid FROM rounds WHERE status = 'final'").fetchall()
        for (uuid,) in finals:
            assert db.execute(
                "SELECT 1 FROM audit_log WHERE record_uuid = ? AND action = 'finalize'", [uuid]
            ).fetchone()
        drafts = open_drafts(db)
        for d in drafts:  # the round being typed is recovered, scored items in order
            typed = [s for s in d.scores if s is not None]
            assert list(d.scores[: len(typed)]) == typed
        db.close()


def test_two_command_line_writers_wait_for_each_other(tmp_path) -> None:
    """WAL and a busy timeout: two imports at once both succeed, nothing is lost."""
    db_path = tmp_path / "two.db"
    open_db(db_path).close()
    files = []
    for n in range(2):
        csv = tmp_path / f"w{n}.csv"
        lines = [",".join(ROUND_COLUMNS)] + [
            f"F{1 + i % 5}-02,2021-07-{1 + i % 28:02d},{8 + i % 9:02d}:{i % 60:02d},w{n}-{i},"
            + ",".join(["4"] * 20) + ","
            for i in range(800)
        ]  # fmt: skip
        csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(csv)
    procs = [
        subprocess.Popen(
            [sys.executable, "main.py", "--db", str(db_path), "import-rounds", str(f)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        for f in files
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    db = open_db(db_path)
    assert db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0] == 1600
    assert check(db).ok
