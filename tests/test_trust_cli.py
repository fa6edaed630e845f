"""Issue 7 on the command line: check (exit 1 naming the row), --against, backup, restore, actor."""

import getpass
import hashlib
import sqlite3

from cli import run
from core.db import open_db


def _actors(db_path) -> list[str]:
    db = open_db(db_path)
    try:
        return [r[0] for r in db.execute("SELECT actor FROM audit_log ORDER BY id")]
    finally:
        db.close()


def test_the_actor_is_the_user_given_else_the_operating_system_account(db_path) -> None:
    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    assert set(_actors(db_path)) == {getpass.getuser()}
    # The first sync export makes this computer's key, an audited act (issue 14).
    out = str(db_path.parent / "x.srsync")
    assert run(["--db", str(db_path), "--user", "somsri", "sync", "export", "--out", out]) == 0
    assert _actors(db_path)[-1] == "somsri"


def test_check_exits_1_naming_the_first_bad_row_and_tells_a_rewritten_history(db_path, capsys):
    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    capsys.readouterr()
    assert run(["--db", str(db_path), "check"]) == 0
    head = capsys.readouterr().out.split("head ")[-1].strip(" )\n")
    assert len(head) == 64
    assert run(["--db", str(db_path), "check", "--against", head]) == 0
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE audit_log SET actor = 'forger' WHERE id = 2")
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert run(["--db", str(db_path), "check"]) == 1
    out = capsys.readouterr().out
    assert "audit chain broken at row 2" in out and "แถว 2" in out
    assert run(["--db", str(db_path), "check", "--against", head]) == 1
    assert "rewritten" in capsys.readouterr().out


def test_backup_then_restore_and_a_refused_restore_on_the_command_line(db_path, tmp_path, capsys):
    out = tmp_path / "b.db"
    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    assert run(["--db", str(db_path), "backup", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    conn = sqlite3.connect(out)
    (head,) = conn.execute("SELECT value FROM meta WHERE key = 'backup_audit_head'").fetchone()
    conn.close()
    assert head in printed
    db = open_db(db_path)
    db.execute("DELETE FROM survey_responses")
    db.close()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 500)
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    assert run(["--db", str(db_path), "restore", str(junk)]) == 2
    assert "SQLite" in capsys.readouterr().err
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert run(["--db", str(db_path), "--user", "somsri", "restore", str(out)]) == 0
    assert "before-restore" in capsys.readouterr().out
    db = open_db(db_path)
    assert db.execute("SELECT COUNT(*) FROM survey_responses").fetchone()[0] > 0
    assert _actors(db_path)[-1] == "somsri"
    assert run(["--db", str(db_path), "check", "--against", head]) == 0
