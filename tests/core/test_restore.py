"""Issue 13 points 3 and 6: restore checks the backup as `check` does, and excludes writers.

A backup is restored only if it passes `core.integrity.check` (integrity_check, references,
audit chains, bulk digests) on a private copy; one that fails is refused naming what
failed, and the database is left as it was. The replacement is made under the
database's write lock, taken before the current file is copied aside.
"""

from __future__ import annotations

import hashlib
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from cli import run
from core.backup import backup_to
from core.db import open_db
from core.integrity import check
from core.restore import PRIVATE_PREFIX, last_restore, restore_from
from inspection import rounds as R
from inspection.demo import fill_demo_rounds
from tests.actors import ADMIN, PASSWORD
from tests.shared import copy_database, pinned_now

DAMAGED_BACKUPS = 30  # each with bytes flipped at random places (seeded, so replayable)
RESTORE_KILLS = 15


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sql(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.fixture(scope="module")
def office_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A database with a year of rounds (bulk and typed), and a backup of it; its
    administrator `admin` restores (issue 15: a decision by its owner). Made once for
    the module; each test restores onto copies of its own (`office`)."""
    from core.users import create_user

    folder = tmp_path_factory.mktemp("office")
    path = folder / "office.db"
    with pinned_now():
        db = open_db(path)
        create_user(db, "admin", "ผู้ดูแลระบบ", "admin", PASSWORD)
        fill_demo_rounds(db, 2564)
        for code in ("F1-01", "F2-02"):
            d = R.start_draft(db, code, "สมชาย")
            for no in range(1, 21):
                R.set_score(db, d.uuid, no, 1 if no == 3 else 4)
            R.finalize_round(db, d.uuid)
        backup = folder / "backup.db"
        backup_to(db, backup)
        d = R.start_draft(db, "F3-03", "สมหญิง")  # after the backup: the restore takes it away
        db.close()
    return path, backup


@pytest.fixture
def office(office_once, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Copies of the module's database and backup in this test's own folder."""
    monkeypatch.setenv("SALA_PASSWORD", PASSWORD)
    path, backup = office_once
    return copy_database(path, tmp_path / path.name), copy_database(backup, tmp_path / backup.name)


def _refused(db_path: Path, backup: Path, capsys) -> str:
    before = _digest(db_path)
    assert run(["--db", str(db_path), "--user", "admin", "restore", str(backup)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert _digest(db_path) == before  # nothing replaced
    assert not list(db_path.parent.glob("*.before-restore-*"))
    assert not list(db_path.parent.glob(PRIVATE_PREFIX + "*"))  # the private copy is gone
    return err


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ("UPDATE audit_log SET actor = 'forger' WHERE id = 5", "audit chain broken at row 5"),
        ("DELETE FROM audit_log WHERE id = 4", "audit chain broken at row 5"),
        ("UPDATE rounds SET scores = '44444444444444444444', total = 80 WHERE id = 3",
         "table rounds, record "),
        ("UPDATE rounds SET point_id = 999 WHERE id = 2", "broken reference: rounds"),
        ("UPDATE meta SET value = 'ab' || substr(value, 3) WHERE key = 'backup_audit_head'",
         "was rewritten or is missing"),
    ],
)  # fmt: skip
def test_a_backup_that_fails_check_is_refused_saying_what_failed(office, capsys, change, said):
    """Point 6: 'backups with an edited audit row were restored with exit 0; check then
    failed'. The very check of `check` runs on the backup first."""
    db_path, backup = office
    _sql(backup, change)
    err = _refused(db_path, backup, capsys)
    assert "fails the check, nothing was replaced" in err and said in err
    assert "ไม่ผ่านการตรวจ" in err


def test_randomly_damaged_backups_are_refused_or_restored_whole(office, tmp_path, capsys):
    """Point 6: 8 of 30 randomly damaged backups were restored, and `check` failed after.

    Now each is refused (exit 2, the database unchanged) or, where the flipped bytes
    fell where nothing is stored, restored with `check` clean afterwards.
    """
    db_path, backup = office
    size = backup.stat().st_size
    rng = random.Random(13)
    refused = restored = 0
    for n in range(DAMAGED_BACKUPS):
        damaged = tmp_path / f"damaged-{n}.db"
        data = bytearray(backup.read_bytes())
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(100, size)] ^= rng.randint(1, 255)
        damaged.write_bytes(bytes(data))
        before = _digest(db_path)
        code = run(["--db", str(db_path), "--user", "admin", "restore", str(damaged)])
        err = capsys.readouterr().err
        assert code in (0, 2) and "Traceback" not in err
        if code == 2:
            refused += 1
            assert _digest(db_path) == before
            assert "damaged" in err or "fails the check" in err or "not a" in err
        else:
            restored += 1
            db = open_db(db_path)
            result = check(db)
            db.close()
            assert result.ok, (n, result.problems)
        assert not list(tmp_path.glob(PRIVATE_PREFIX + "*"))
    assert refused >= DAMAGED_BACKUPS // 2  # most random damage is seen, none gets through
    print(f"damaged backups: {refused} refused, {restored} harmless and restored")


def test_a_restore_records_who_and_the_head_it_replaced_and_the_window_can_read_it(office):
    db_path, backup = office
    db = open_db(db_path)
    head_before = check(db).head
    db.close()
    from core.users import Actor

    safety = restore_from(db_path, backup, Actor("admin", "admin"))
    db = open_db(db_path)
    note = last_restore(db)
    (before,) = db.execute("SELECT before FROM audit_log WHERE action = 'restore'").fetchone()
    assert note is not None and note.actor == "admin" and note.source == str(backup)
    assert note.kept_as == str(safety) and head_before in before
    assert check(db).ok
    assert not db.execute("SELECT 1 FROM rounds WHERE inspector = 'สมหญิง'").fetchone()
    db.close()
    kept = open_db(safety)  # the draft typed after the backup is in the safety copy
    assert kept.execute("SELECT 1 FROM rounds WHERE inspector = 'สมหญิง'").fetchone()
    kept.close()


def test_a_current_file_sqlite_cannot_read_is_moved_aside_whole_and_replaced(office):
    db_path, backup = office
    garbage = b"this was overwritten by something else" * 300
    db_path.write_bytes(garbage)
    safety = restore_from(db_path, backup, ADMIN)
    assert safety.read_bytes() == garbage
    db = open_db(db_path)
    assert check(db).ok
    assert (
        "unreadable"
        in db.execute("SELECT before FROM audit_log WHERE action = 'restore'").fetchone()[0]
    )
    db.close()


def test_restoring_the_database_onto_itself_is_refused(office, capsys) -> None:
    db_path, _ = office
    for itself in (db_path, Path(str(db_path) + "-wal"), Path(str(db_path) + "-shm")):
        err = _refused(db_path, itself, capsys)
        assert "open database itself" in err


RESTORE_THEN_REPORT = (
    "import sys\n"
    "from core.restore import restore_from\nfrom core.users import Actor\n"
    "print('ready', flush=True)\n"
    "restore_from(sys.argv[1], sys.argv[2], Actor('admin', 'admin'))\n"
    "print('restored', flush=True)\n"
)


def _restoring(forks, db_path: Path, backup: Path):
    """A restore in a process of its own (forked: tests/forks.py), under way."""
    proc = forks.script(RESTORE_THEN_REPORT, [db_path, backup], stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == "ready"
    return proc


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_a_restore_killed_at_any_moment_leaves_the_old_database_or_the_new_one(
    office, tmp_path, forks
) -> None:
    """SIGKILL anywhere in a restore: the database is whole, the old one or the backup."""
    db_path, backup = office
    template = tmp_path / "template.db"
    template.write_bytes(db_path.read_bytes())
    before = open_db(db_path)
    old_rounds = before.execute("SELECT COUNT(*) FROM rounds").fetchone()[0]
    before.close()
    backup_db = sqlite3.connect(backup)
    new_rounds = backup_db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0]
    backup_db.close()
    assert old_rounds != new_rounds
    proc = _restoring(forks, db_path, backup)
    began = time.monotonic()
    assert proc.wait(timeout=120) == 0
    span = time.monotonic() - began
    proc.stdout.close()
    rng = random.Random(5)
    outcomes = {"old": 0, "new": 0}
    for _ in range(RESTORE_KILLS):
        for side in ("", "-wal", "-shm"):
            Path(str(db_path) + side).unlink(missing_ok=True)
        db_path.write_bytes(template.read_bytes())
        proc = _restoring(forks, db_path, backup)
        time.sleep(rng.uniform(0.0, span * 1.1))
        proc.kill()
        proc.wait()
        proc.stdout.close()
        db = open_db(db_path)
        result = check(db)
        assert result.ok, result.problems
        rounds = db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0]
        restored = last_restore(db) is not None
        db.close()
        assert (rounds, restored) in ((old_rounds, False), (new_rounds, True))
        outcomes["new" if restored else "old"] += 1
    print(f"restore kills: {outcomes}")


def test_a_safety_copy_that_cannot_be_written_stops_the_restore_before_it_replaces(
    office, monkeypatch, capsys
) -> None:
    import core.restore
    from core.errors import InvalidInput

    db_path, backup = office

    def disk_full(db, out):  # as backup_to says of a target it cannot write
        raise InvalidInput(
            "backup.cannot_write", field="--out", out=out, reason="No space left on device"
        )

    monkeypatch.setattr(core.restore, "backup_to", disk_full)
    err = _refused(db_path, backup, capsys)
    assert "could not be kept" in err and "No space left" in err
