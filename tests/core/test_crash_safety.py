"""Issue 7: a process killed (SIGKILL) mid-import or mid-round leaves no half action."""

import random
import shutil
import signal
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from core.db import open_db
from core.integrity import check
from inspection.csv_io import ROUND_COLUMNS
from inspection.rounds import get_round, open_drafts
from tests.forks import Forks

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")

# Each test kills its child this many times; the delays come from a seeded generator, so a
# failure can be replayed, yet they fall at different points of the work on every kill.
# One kill of each test is not left to chance: its child stops at the worst moment (the
# import's writes all done, COMMIT next; a round half typed) and is killed there, so the
# case the test is about is met on every run however fast or busy the machine is.
KILLS = 25
HELD_KILL = 12  # which kill waits for the child to hold
IMPORT_ROWS = 12_000  # large enough that the write transaction lasts a good part of a second

# The child opens the database before 'ready' (the app is imported already: tests/forks.py),
# so the random delay after 'ready' is spent in the work itself, not in starting up. It
# tells its words ('ready', 'held') in one unbuffered write each, and logs each step to a
# file after the step returned (a file, not the pipe, so a full pipe never holds it still).
PRELUDE = (
    "import os, signal, sys, datetime\n"
    "def tell(word):\n"
    "    os.write(1, (word + '\\n').encode())\n"
    "def wait_for_the_kill():\n"
    "    while True:\n"
    "        signal.pause()\n"
    "import core.calendar\n"
    "core.calendar.clock = lambda: datetime.datetime(2021, 9, 30, 18, 0)\n"
    "from core.db import open_db\n"
    "import inspection.csv_io as C\n"
    "from inspection import rounds as R\n"
    "from contextlib import contextmanager\n"
    "log = open(sys.argv[2], 'a', buffering=1, encoding='utf-8')\n"
    "def say(*words):\n"
    "    log.write(' '.join(str(w) for w in words) + '\\n')\n"
    "HOLD = sys.argv[-1] == 'hold'\n"
    "def hold():\n"
    "    tell('held')\n"
    "    wait_for_the_kill()\n"
    "def traced(begin):\n"
    "    # 'tx' marks the start of the write transaction; a holding child stops with all\n"
    "    # of its writes done, just before COMMIT.\n"
    "    @contextmanager\n"
    "    def transaction(db):\n"
    "        say('tx')\n"
    "        with begin(db) as inner:\n"
    "            yield inner\n"
    "            if HOLD:\n"
    "                hold()\n"
    "    return transaction\n"
    "db = open_db(sys.argv[1])\n"
    "tell('ready')\n"
)
IMPORT = PRELUDE + (
    "C.transaction = traced(C.transaction)\nC.import_rounds(db, sys.argv[3])\nsay('done')\n"
)
# Round entry as the Round page does it: first the draft left by the last kill is taken up
# again and finished, then new rounds one after another until the kill. Item 7 fails in
# some rounds, so finalizing also opens a corrective action in the same transaction.
# A holding child stops after the 25th score it types: five items into its second round.
ENTRY = PRELUDE + (
    "codes = [r[0] for r in db.execute('SELECT code FROM points ORDER BY code')]\n"
    "typed = []\n"
    "def finish(d):\n"
    "    for no, s in enumerate(d.scores, start=1):\n"
    "        if s is None:\n"
    "            v = 1 if no == 7 and int(d.uuid[-1], 16) % 3 == 0 else 4\n"
    "            R.set_score(db, d.uuid, no, v)\n"
    "            say('score', d.uuid, no, v)\n"
    "            typed.append(no)\n"
    "            if HOLD and len(typed) == 25:\n"
    "                hold()\n"
    "    R.finalize_round(db, d.uuid)\n"
    "    say('final', d.uuid)\n"
    "for d in R.open_drafts(db):\n"
    "    say('resume', d.uuid)\n"
    "    finish(d)\n"
    "run = int(sys.argv[3])\n"
    "start = datetime.datetime(2021, 3, 1, 8) + datetime.timedelta(days=run)\n"
    "for i in range(100_000):\n"
    "    d = R.start_draft(db, codes[i % 27], f'k{run}', start + datetime.timedelta(minutes=i))\n"
    "    say('draft', d.uuid)\n"
    "    finish(d)\n"
)


class _Child:
    """A child forked to run `script` with `args` (as `python -c script ARGS` would),
    from the session's prepared parent (tests/forks.py): the app is imported already.
    It tells its words (`ready`, `held`) on its standard output."""

    def __init__(self, forks: Forks, script: str, args: list[str]) -> None:
        self.process = forks.script(script, args, stdout=subprocess.PIPE)
        self.pid = self.process.pid

    def told(self) -> str:
        """The child's next word; empty once it has ended."""
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def wait(self) -> int:
        code = self.process.wait(timeout=120)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return code


def _start(forks: Forks, script: str, args: list[str]) -> _Child:
    child = _Child(forks, script, args)
    assert child.told() == "ready"  # the database is open and migrated
    return child


def _kill(child: _Child) -> None:
    """SIGKILL: no handler, no cleanup, no flush; returns once the child is reaped."""
    child.process.kill()
    child.wait()


def _kill_after(forks: Forks, script: str, args: list[str], delay: float) -> None:
    child = _start(forks, script, args)
    time.sleep(delay)
    _kill(child)


def _kill_when_held(forks: Forks, script: str, args: list[str]) -> None:
    """Start a child that holds at the worst moment (see HELD_KILL) and kill it there
    (tests/ui uses it too)."""
    child = _start(forks, script, [*args, "hold"])
    assert child.told() == "held"
    _kill(child)


def _kill_one(
    forks: Forks, n: int, rng: random.Random, span: float, script: str, args: list[str]
) -> None:
    """Kill number `n`: held (HELD_KILL) or after a seeded delay within 1.2 x `span`."""
    delay = rng.uniform(0.0, span * 1.2)  # drawn for every kill: the others' delays stay
    if n == HELD_KILL:
        _kill_when_held(forks, script, args)
    else:
        _kill_after(forks, script, args, delay)


def _fresh(template: Path, target: Path) -> Path:
    """A copy of the template database in place of `target` and whatever a kill left of it."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copy(template, target)
    return target


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Generated once for the module: an empty migrated database every kill starts from a
    copy of, and the import files (the same file each time: each copy is new to it)."""
    folder = tmp_path_factory.mktemp("crash")
    template = folder / "template.db"
    open_db(template).close()
    return {
        "template": template,
        "rounds": _round_csv(folder / "rounds.csv", "i"),
        "guard": _guard_csv(folder / "guard.csv"),
    }


def _steps(log: Path) -> list[list[str]]:
    """The steps the child finished; a last line cut short by the kill is not one."""
    if not log.exists():
        return []
    text = log.read_text(encoding="utf-8")
    lines = text.split("\n")
    return [line.split() for line in lines[:-1]]  # after the last newline: cut or empty


def _round_csv(path: Path, tag: str) -> Path:
    lines = [",".join(ROUND_COLUMNS)]
    for i in range(IMPORT_ROWS):
        day = 1 + i % 28
        lines.append(f"F{1 + i % 5}-01,2021-08-{day:02d},{8 + i % 9:02d}:{i % 60:02d},{tag}-{i},"
                     + ",".join(["4"] * 20) + ",")  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_killed_imports_leave_all_or_nothing(tmp_path, shared, forks) -> None:
    """Each kill falls on a fresh copy of one database, so every import is all new work."""
    target = tmp_path / "crash.db"
    csv = str(shared["rounds"])
    # One import runs to its end to measure how long the work lasts on this machine now;
    # the kills then fall anywhere from just after 'ready' to a little after that.
    child = _start(
        forks, IMPORT, [str(_fresh(shared["template"], target)), str(tmp_path / "c.log"), csv]
    )
    began = time.monotonic()
    assert child.wait() == 0
    span = time.monotonic() - began
    rng = random.Random(7)
    for n in range(KILLS):
        log = tmp_path / f"i{n}.log"
        _kill_one(
            forks, n, rng, span, IMPORT, [str(_fresh(shared["template"], target)), str(log), csv]
        )
        steps = {s[0] for s in _steps(log)}
        db = open_db(target)
        result = check(db)
        assert result.ok, result.problems
        rounds = db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0]
        assert rounds in (0, IMPORT_ROWS)  # all of the file or none of it
        if "done" in steps:
            assert rounds == IMPORT_ROWS
        if "tx" not in steps:
            assert rounds == 0
        if n == HELD_KILL:
            # Killed with every row and the audit row written, before COMMIT: none of it.
            assert "tx" in steps and "done" not in steps and rounds == 0
        # An import that is there has its one audit row, and no other rows came in.
        audited = db.execute(
            "SELECT COUNT(*) FROM audit_log WHERE kind = 'rounds_batch'"
        ).fetchone()[0]
        assert audited == (rounds == IMPORT_ROWS)
        db.close()


GUARD_IMPORT = PRELUDE + (
    "import security.csv_io as G\n"
    "G.transaction = traced(G.transaction)\n"
    "G.import_guard(db, sys.argv[3])\n"
    "say('done')\n"
)
# Two shifts a day, each report signed with its own audit row: the import lasts about a
# second, and the held kill stops it inside its transaction whatever the delays do.
GUARD_DAYS = 1000


def _guard_csv(path: Path) -> Path:
    from security.csv_io import GUARD_COLUMNS

    lines = [",".join(GUARD_COLUMNS)]
    first = date(2013, 1, 1)
    for i in range(GUARD_DAYS):
        day = (first + timedelta(days=i)).isoformat()
        lines.append(f"{day},day,สมศักดิ์,12,12,,,,,")
        if i % 50 == 0:  # now and then an event, awaiting the section head's decision
            lines.append(f"{day},night,สมศักดิ์,8,7,22:15,ลานจอดรถ,theft,,กระเป๋าหาย")
        else:
            lines.append(f"{day},night,สมศักดิ์,8,8,,,,,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_killed_guard_imports_leave_all_or_nothing(tmp_path, shared, forks) -> None:
    """Each kill falls on a fresh copy of one database, so every import is all new work."""
    csv = str(shared["guard"])
    target = _fresh(shared["template"], tmp_path / "guard.db")
    child = _start(forks, GUARD_IMPORT, [str(target), str(tmp_path / "c.log"), csv])
    began = time.monotonic()
    assert child.wait() == 0
    span = time.monotonic() - began
    db = open_db(target)
    whole = db.execute("SELECT COUNT(*) FROM guard_reports").fetchone()[0]
    events = db.execute("SELECT COUNT(*) FROM guard_events").fetchone()[0]
    db.close()
    assert whole == 2 * GUARD_DAYS and events == GUARD_DAYS // 50
    rng = random.Random(13)
    for n in range(KILLS - 5):
        log = tmp_path / f"g{n}.log"
        _fresh(shared["template"], target)
        _kill_one(forks, n, rng, span, GUARD_IMPORT, [str(target), str(log), csv])
        steps = {s[0] for s in _steps(log)}
        db = open_db(target)
        result = check(db)
        assert result.ok, result.problems
        reports = db.execute("SELECT COUNT(*) FROM guard_reports").fetchone()[0]
        assert reports in (0, whole)
        assert db.execute("SELECT COUNT(*) FROM guard_events").fetchone()[0] == (
            events if reports else 0
        )
        signed = db.execute(
            "SELECT COUNT(*) FROM audit_log WHERE kind = 'guard_report'"
        ).fetchone()[0]
        assert signed == reports  # each report with its audit row, or neither
        if "done" in steps:
            assert reports == whole
        if "tx" not in steps:
            assert reports == 0
        if n == HELD_KILL:
            assert "tx" in steps and "done" not in steps and reports == 0
        db.close()


def _verify_entry(db, steps: list[list[str]], left_open: str | None) -> str | None:
    """Every finished step is in the database whole; returns the draft left open, if any."""
    item_min = db.execute(
        "SELECT s.item_min FROM standards s ORDER BY s.id DESC LIMIT 1"
    ).fetchone()[0]
    if left_open is not None and steps:
        # The draft the last kill left was taken up again before anything new.
        assert steps[0] == ["resume", left_open]
    # Every final round, from every run, is whole: all items, its total, one finalize row
    # and exactly the corrective actions its failed items open.
    for uuid, scores, total in db.execute(
        "SELECT uuid, scores, total FROM rounds WHERE status = 'final'"
    ).fetchall():
        assert "-" not in scores and total == sum(int(c) for c in scores)
        finalized = db.execute(
            "SELECT COUNT(*) FROM audit_log WHERE record_uuid = ? AND action = 'finalize'", [uuid]
        ).fetchone()[0]
        actions = db.execute(
            "SELECT COUNT(*) FROM corrective_actions WHERE round_uuid = ?", [uuid]
        ).fetchone()[0]
        assert finalized == 1
        assert actions == sum(int(c) < item_min for c in scores)
    status = dict(db.execute("SELECT uuid, status FROM rounds").fetchall())
    for step in steps:
        if step[0] in ("draft", "resume"):
            assert step[1] in status
        elif step[0] == "final":
            assert status[step[1]] == "final"
        elif step[0] == "score":
            scores = get_round(db, step[1]).scores
            assert scores[int(step[2]) - 1] == int(step[3])
    drafts = open_drafts(db)
    assert len(drafts) <= 1  # at most the round being typed at the kill
    for d in drafts:
        # It is recovered with every score typed before the kill, in the order typed.
        typed = [s for s in d.scores if s is not None]
        assert list(d.scores[: len(typed)]) == typed
        opened = [s[1] for s in steps if s[0] in ("draft", "resume")]
        expected = opened[-1] if opened else left_open
        if d.uuid != expected:
            # Killed after start_draft committed, before its log line: between two rounds,
            # so nothing was typed into it yet and the last logged step closed a round.
            assert all(s is None for s in d.scores)
            assert not steps or steps[-1][0] == "final"
            assert d.uuid not in {w for step in steps for w in step}
        assert db.execute(
            "SELECT 1 FROM audit_log WHERE record_uuid = ? AND action = 'create_draft'", [d.uuid]
        ).fetchone()
    return drafts[0].uuid if drafts else None


def test_killed_round_entry_keeps_every_committed_action_whole(tmp_path, shared, forks):
    db_path = tmp_path / "entry.db"
    shutil.copy(shared["template"], db_path)
    rng = random.Random(11)
    left_open = None
    finals = 0
    recovered = 0
    for n in range(KILLS):
        log = tmp_path / f"e{n}.log"
        # The delays are short: every run is a fresh process that types until the kill.
        _kill_one(forks, n, rng, 0.4 / 1.2, ENTRY, [str(db_path), str(log), str(n)])
        db = open_db(db_path)
        result = check(db)
        assert result.ok, result.problems
        steps = _steps(log)
        recovered += left_open is not None and ["final", left_open] in steps
        left_open = _verify_entry(db, steps, left_open)
        now_final = db.execute("SELECT COUNT(*) FROM rounds WHERE status = 'final'").fetchone()[0]
        assert now_final >= finals  # nothing committed before is ever lost
        finals = now_final
        db.close()
    # The held kill left a round half typed (and others may have): the next run finished it.
    assert recovered >= 1


def test_two_command_line_writers_wait_for_each_other(tmp_path, forks) -> None:
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
        forks.main(["--db", db_path, "import-rounds", f], stdout=subprocess.DEVNULL) for f in files
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    db = open_db(db_path)
    assert db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0] == 1600
    assert check(db).ok
