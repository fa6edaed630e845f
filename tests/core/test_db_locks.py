"""Issue 13 points 1, 4 and 7: the app's own locks, the upgrade, and who holds the lock.

Point 1: on Linux and macOS, closing any descriptor of a file drops every POSIX lock the
process holds on it, SQLite's included. A connection in WAL mode holds a shared lock on
the database file for as long as it is open; the operating system lists it in
/proc/locks. Every code path that looks at the file runs here beside such a connection,
and the lock must still be listed afterwards.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlite_utils import Database

from cli import run
from core.backup import backup_to
from core.db import open_db
from core.errors import DatabaseRefused
from core.health import open_check
from core.integrity import check
from core.migrations import MIGRATIONS, migration_names
from core.restore import backup_info
from inspection.csv_io import ROUND_COLUMNS
from inspection.demo import fill_demo_rounds
from reports.catalog import build_report
from tests.shared import copy_database, pinned_now

ROOT = Path(__file__).resolve().parents[2]
PROC_LOCKS = Path("/proc/locks")


def _locks_on(path: Path) -> list[str]:
    """The POSIX locks this process holds on `path`, as the kernel lists them."""
    inode = os.stat(path).st_ino
    mine = []
    for line in PROC_LOCKS.read_text().splitlines():
        fields = line.split()
        if "->" in fields:  # a waiting lock, listed under the one it waits for
            continue
        pid, where = fields[4], fields[5]
        if pid == str(os.getpid()) and where.rsplit(":", 1)[-1] == str(inode):
            mine.append(line)
    return mine


@pytest.fixture(scope="module")
def filled_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from core.users import create_user
    from tests.actors import PASSWORD

    path = tmp_path_factory.mktemp("filled") / "office.db"
    with pinned_now():
        db = open_db(path)
        create_user(db, "admin", "ผู้ดูแลระบบ", "admin", PASSWORD)  # who restores (issue 15)
        fill_demo_rounds(db, 2564)
        backup_to(db, path.parent / "backup.db")
        db.close()
    return path


@pytest.fixture
def filled(filled_once: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A demo year and its backup (made once for the module), copied into this test's
    folder."""
    from tests.actors import PASSWORD

    monkeypatch.setenv("SALA_PASSWORD", PASSWORD)
    copy_database(filled_once.parent / "backup.db", tmp_path / "backup.db")
    return copy_database(filled_once, tmp_path / "office.db")


def _rounds_csv(folder: Path) -> Path:
    row = ["F3-03", "2021-02-02", "10:00", "สมหญิง", *["4"] * 20, ""]
    path = folder / "rounds.csv"
    path.write_text(",".join(ROUND_COLUMNS) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    return path


# Every path of the app that looks at the database file beside an open connection.
PATHS: dict[str, Callable[[Path], object]] = {
    "open (a second connection, as a report worker's)": lambda p: open_db(p).close(),
    "health check with the day's backup": lambda p: _with(p, lambda db: open_check(db, p)),
    "backup": lambda p: _with(p, lambda db: backup_to(db, p.parent / "b2.db")),
    "report": lambda p: _with(
        p, lambda db: build_report(db, "annual", p.parent / "a.pdf", {"fy": "2564"})
    ),  # fmt: skip
    "check": lambda p: _with(p, check),
    "restore preview": lambda p: backup_info(p.parent / "backup.db"),
    "command line: check": lambda p: run(["--db", str(p), "check"]),
    "command line: backup": lambda p: run(
        ["--db", str(p), "backup", "--out", str(p.parent / "b3.db")]
    ),  # fmt: skip
    "command line: import-rounds": lambda p: run(
        ["--db", str(p), "import-rounds", str(_rounds_csv(p.parent))]
    ),  # fmt: skip
    "command line: the database given as the CSV": lambda p: run(
        ["--db", str(p), "import-rounds", str(p)]
    ),
    "command line: the WAL given as the report": lambda p: run(
        ["--db", str(p), "report", "annual", "--fy", "2564", "--out", str(p) + "-wal"]
    ),
}


def _with(path: Path, work: Callable[[Database], object]) -> object:
    db = open_db(path)
    try:
        return work(db)
    finally:
        db.close()


pytestmark = pytest.mark.skipif(not PROC_LOCKS.exists(), reason="/proc/locks: Linux")


@pytest.mark.parametrize("name", list(PATHS))
def test_the_windows_lock_is_still_held_after(filled: Path, name: str, capsys) -> None:
    holder = open_db(filled)  # the window's connection, in WAL mode
    try:
        holder.execute("SELECT COUNT(*) FROM rounds").fetchone()
        assert _locks_on(filled), "the open connection holds a lock on the database file"
        PATHS[name](filled)
        assert _locks_on(filled), f"{name} dropped this process's SQLite locks"
        holder.execute("SELECT COUNT(*) FROM rounds").fetchone()  # and it still works
    finally:
        holder.close()
    capsys.readouterr()


def test_the_lock_check_itself_sees_a_lock_dropped_by_an_ordinary_handle(filled: Path) -> None:
    """The bug of issue 13, done on purpose: the test above would see it."""
    holder = open_db(filled)
    try:
        holder.execute("SELECT 1 FROM rounds").fetchone()
        assert _locks_on(filled)
        with open(filled, "rb") as fh:  # what core.db.check_file used to do
            fh.read(16)
        assert not _locks_on(filled)
    finally:
        holder.close()


def test_the_header_is_read_through_sqlite_and_a_foreign_file_still_says_so(tmp_path) -> None:
    for content, said in (
        (b"%PDF-1.4 not a database" * 50, "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "not an SQLite database"),
    ):
        path = tmp_path / "x.db"
        path.write_bytes(content)
        with pytest.raises(DatabaseRefused) as err:
            open_db(path)
        assert said in err.value.en and "ไม่ใช่ไฟล์ฐานข้อมูล SQLite" in err.value.th
        assert path.read_bytes() == content


# --- point 4: the upgrade, in one transaction, by whichever process comes first ----------

OPEN_WHEN_TOLD = (
    "import sys\n"
    "from core.db import open_db\n"
    "sys.stdin.readline()\n"
    "db = open_db(sys.argv[1])\n"
    "print(db.execute('SELECT COUNT(*) FROM _sqlite_migrations').fetchone()[0])\n"
    "db.close()\n"
)


def _old_file(path: Path, stop_before: str) -> None:
    old = Database(sqlite3.connect(path, isolation_level=None))
    MIGRATIONS.apply(old, stop_before=stop_before)
    old.close()


@pytest.mark.parametrize("stop_before", ["m006_users_and_audit", "m009_sync", "m014_point_periods"])
def test_two_processes_opening_an_old_file_at_once_both_succeed_upgrading_it_once(
    tmp_path, stop_before, forks
) -> None:
    """Pending migrations are asked again under the write lock: the second process finds
    none left (it died with 'index … already exists' when each ran in its own BEGIN)."""
    for attempt in range(4):
        path = tmp_path / f"old{attempt}.db"
        _old_file(path, stop_before)
        procs = [
            forks.script(
                OPEN_WHEN_TOLD,
                [path],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        for p in procs:  # both are started and waiting: told to open at once
            p.stdin.write("go\n")
            p.stdin.flush()
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
        assert {out.strip() for out, _ in outs} == {str(len(migration_names()))}
        db = open_db(path)
        names = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations")]
        assert sorted(names) == sorted(migration_names())  # each once
        assert check(db).ok
        db.close()


def test_an_upgrade_that_fails_leaves_the_file_at_its_old_version(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    _old_file(path, "m009_sync")
    before = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM _sqlite_migrations")}
    last = MIGRATIONS._migrations[-1]

    def fails(db):
        raise sqlite3.OperationalError("disk full, say")

    monkeypatch.setattr(last, "fn", fails)
    with pytest.raises(DatabaseRefused):
        open_db(path)
    conn = sqlite3.connect(path)
    after = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert after == before  # m009 and every later one rolled back with the failed last one
    assert "sync_log" not in tables


# --- point 7: a lock held too long, a read-only file or folder ---------------------------

HOLD_THE_LOCK = (
    "import sys\n"
    "from core.db import open_db\n"
    "from core.instance import announce\n"
    "db = open_db(sys.argv[1])\n"
    "with announce(sys.argv[1], sys.argv[2], 'somsri'):\n"
    "    db.conn.execute('BEGIN IMMEDIATE')\n"
    "    print('holding', flush=True)\n"
    "    sys.stdin.readline()\n"
    "    db.conn.execute('ROLLBACK')\n"
)


def _cli(forks, db_path: Path, *args: str, wait: str = "1") -> subprocess.CompletedProcess:
    return forks.run_main(["--db", db_path, *args], env={"SALA_LOCK_WAIT": wait})


def test_a_writer_waiting_too_long_says_what_holds_the_lock_and_to_try_again(
    filled, tmp_path, forks
) -> None:
    csv = _rounds_csv(tmp_path)
    holder = forks.script(
        HOLD_THE_LOCK, [filled, "import-guard"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        done = _cli(forks, filled, "import-rounds", str(csv))
        assert done.returncode == 1
        assert "Traceback" not in done.stderr and "database is locked" not in done.stderr
        assert f"import-guard (process {holder.pid}" in done.stderr and "somsri" in done.stderr
        assert "try again" in done.stderr and "โปรดลองอีกครั้ง" in done.stderr
        restore = _cli(forks, filled, "--user", "admin", "restore", str(tmp_path / "backup.db"))
        assert restore.returncode == 1 and "import-guard" in restore.stderr
        assert not list(tmp_path.glob("*.before-restore-*"))  # nothing was copied or replaced
        # Readers are not held back by a writer (WAL).
        assert _cli(forks, filled, "score", "--fy", "2564").returncode == 0
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    db = open_db(filled)
    assert db.execute("SELECT COUNT(*) FROM rounds WHERE inspector = 'สมหญิง'").fetchone() == (0,)
    db.close()
    assert _cli(forks, filled, "import-rounds", str(csv)).returncode == 0  # tried again: it works


def test_a_window_holding_the_lock_is_named_as_such(filled, tmp_path, forks) -> None:
    holder = forks.script(
        HOLD_THE_LOCK, [filled, "x"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        # No command's note: only the window's instance lock (QLockFile's format) names it.
        for note in (Path(str(filled) + ".work")).glob("*.json"):
            note.unlink()
        lock = Path(str(filled) + ".lock")
        lock.write_text(f"{holder.pid}\nSala Rounds\n{socket.gethostname()}\n", encoding="utf-8")
        done = _cli(forks, filled, "demo", "--fy", "2563")
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert f"a Sala Rounds window (process {holder.pid})" in done.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)


def _without_root_override() -> Callable[[], None] | None:
    """As root, the child gives up the capabilities that let root write read-only files
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): permissions then apply to it as to anyone."""
    if os.geteuid() != 0:
        return None
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def drop() -> None:
        for capability in (1, 2):
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl")

    return drop


@pytest.mark.skipif(sys.platform != "linux", reason="POSIX permissions, Linux capabilities")
@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_file_or_folder_says_so_not_damaged(filled, tmp_path, what) -> None:
    """It said "the file is damaged" (a folder) or failed at its first write (a file)."""
    folder = filled.parent
    csv = _rounds_csv(tmp_path)
    os.chmod(filled, 0o444 if what == "file" else 0o644)
    os.chmod(folder, 0o555 if what == "folder" else 0o755)
    try:
        before = filled.read_bytes()
        for args in (["score", "--fy", "2564"], ["import-rounds", str(csv)]):
            done = subprocess.run([sys.executable, "main.py", "--db", str(filled), *args],
                                  cwd=ROOT, capture_output=True, text=True, timeout=120,
                                  preexec_fn=_without_root_override())  # fmt: skip
            assert done.returncode == 2, done.stderr
            assert "Traceback" not in done.stderr and "damaged" not in done.stderr
            assert "read-only" in done.stderr and "อ่านอย่างเดียว" in done.stderr
            assert ("its folder" in done.stderr) == (what == "folder")
        assert filled.read_bytes() == before
    finally:
        os.chmod(folder, 0o755)
        os.chmod(filled, 0o644)
