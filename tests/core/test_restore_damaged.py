"""New-user finding 2: a damaged database can be restored.

`--user ADMIN restore backup.db` signed in against the damaged file it replaces and was
refused ("will not open ... damaged", exit 2); no message named the backups folder. Now a
database that opens is replaced only by its own administrator, and a damaged (or missing)
one by an administrator of the backup being restored, signed in against its checked copy.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from cli import run
from core.backup import backup_to, backups_dir
from core.db import open_db
from core.integrity import check
from core.restore import accounts_for_restore, last_restore
from core.users import act_as, create_user
from tests.actors import ADMIN, PASSWORD
from tests.shared import copy_database, pinned_now


@pytest.fixture(scope="module")
def made_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A database whose administrator is `admin`, and a backup of it that also holds
    `keeper`, an administrator added after the database below lost its copy (so `keeper`
    is an account of the backup only), and `staff1`, an inspector."""
    folder = tmp_path_factory.mktemp("damaged")
    path, backup = folder / "office.db", folder / "backup.db"
    with pinned_now():
        db = open_db(path)
        create_user(db, "admin", "ผู้ดูแลระบบ", "admin", PASSWORD)
        db.close()
        copy_database(path, folder / "before.db")
        db = open_db(path)
        act_as(db, ADMIN)
        create_user(db, "keeper", "ผู้ดูแลสำรอง", "admin", PASSWORD)
        create_user(db, "staff1", "สมชาย", "inspector", PASSWORD)
        backup_to(db, backup)
        db.close()
    return folder / "before.db", backup


@pytest.fixture
def office(made_once, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("SALA_PASSWORD", PASSWORD)
    path, backup = made_once
    return copy_database(path, tmp_path / "office.db"), copy_database(backup, tmp_path / "b.db")


def smash(path: Path, page: int = 3) -> None:
    """One page of the file overwritten, as a failing disk leaves it."""
    with path.open("r+b") as f:
        f.seek(4096 * page)
        f.write(b"\xff" * 4096)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_damaged_database_is_restored_by_an_administrator_of_the_backup(office, capsys):
    db_path, backup = office
    smash(db_path)
    damaged = db_path.read_bytes()
    assert run(["--db", str(db_path), "check"]) == 2  # refused as damaged, as before
    capsys.readouterr()
    assert accounts_for_restore(db_path) == "backup"
    assert run(["--db", str(db_path), "--user", "keeper", "restore", str(backup)]) == 0
    out = capsys.readouterr().out
    assert f"sign in with an administrator account of the backup {backup}" in out
    assert f"บัญชีผู้ดูแลระบบของข้อมูลสำรอง {backup}" in out
    db = open_db(db_path)
    try:
        assert check(db).ok
        note = last_restore(db)
        assert note is not None and note.actor == "keeper" and note.source == str(backup)
        # The damaged file is kept beside the restored one, its smashed page and all.
        kept = Path(note.kept_as).read_bytes()
        assert len(kept) == len(damaged) and kept[4096 * 3 : 4096 * 4] == b"\xff" * 4096
    finally:
        db.close()


def test_a_damaged_database_refuses_a_wrong_password_or_a_role_that_may_not(
    office, capsys, monkeypatch
):
    db_path, backup = office
    smash(db_path)
    before = _digest(db_path)
    monkeypatch.setenv("SALA_PASSWORD", "not the password")
    assert run(["--db", str(db_path), "--user", "keeper", "restore", str(backup)]) == 2
    assert "wrong user name or password" in capsys.readouterr().err
    monkeypatch.setenv("SALA_PASSWORD", PASSWORD)
    assert run(["--db", str(db_path), "--user", "staff1", "restore", str(backup)]) == 2
    assert "may not" in capsys.readouterr().err
    assert run(["--db", str(db_path), "restore", str(backup)]) == 2  # nobody signed in
    assert _digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["b.db", "office.db"]


def test_a_database_that_opens_is_replaced_only_by_its_own_administrator(office, capsys):
    """`keeper` is an administrator of the backup only: over a healthy file, not enough."""
    db_path, backup = office
    assert accounts_for_restore(db_path) == "current"
    before = _digest(db_path)
    assert run(["--db", str(db_path), "--user", "keeper", "restore", str(backup)]) == 2
    assert "wrong user name or password" in capsys.readouterr().err
    assert _digest(db_path) == before
    assert run(["--db", str(db_path), "--user", "admin", "restore", str(backup)]) == 0


def test_another_programs_file_is_not_restored_over(tmp_path, office, capsys):
    _, backup = office
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    before = _digest(other)
    assert run(["--db", str(other), "--user", "keeper", "restore", str(backup)]) == 2
    assert "another program" in capsys.readouterr().err
    assert _digest(other) == before


def test_a_damaged_database_names_its_backups_folder_and_the_command(office, capsys):
    db_path, backup = office
    smash(db_path)
    assert run(["--db", str(db_path), "score", "--fy", "2564"]) == 2
    err = capsys.readouterr().err
    folder = backups_dir(db_path)
    assert f"there are no daily backups in the folder {folder}" in err
    assert f"ไม่มีข้อมูลสำรองประจำวันในโฟลเดอร์ {folder}" in err
    folder.mkdir()
    for day in ("2021-09-29", "2021-09-30"):
        copy_database(backup, folder / f"sala-rounds-{day}.db")
    assert run(["--db", str(db_path), "check"]) == 2
    th, en = capsys.readouterr().err.strip().splitlines()[-2:]
    newest = folder / "sala-rounds-2021-09-30.db"
    assert en == (f"the daily backups are in the folder {folder}; restore the latest with:"
                  f' main.py --db "{db_path}" --user ADMIN restore "{newest}"'
                  " (an administrator account of the backup signs in)")  # fmt: skip
    assert th.startswith(f"ข้อมูลสำรองประจำวันอยู่ในโฟลเดอร์ {folder}")
    # The command it gives works.
    assert run(["--db", str(db_path), "--user", "admin", "restore", str(newest)]) == 0
    assert run(["--db", str(db_path), "check"]) == 0


def test_the_kept_file_is_named_by_bangkok_time_as_the_daily_backups(office, monkeypatch):
    """New-user finding 14: `before-restore-…` used the system clock's zone."""
    import core.calendar

    db_path, backup = office
    monkeypatch.setattr(core.calendar, "clock", lambda: datetime(2021, 9, 30, 23, 59, 58))
    assert run(["--db", str(db_path), "--user", "admin", "restore", str(backup)]) == 0
    assert (db_path.parent / "office.before-restore-20210930-235958.db").is_file()
