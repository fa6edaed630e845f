"""Issue 7 on the command line: check (exit 1 naming the row), --against, backup, restore, actor."""

import getpass
import hashlib
import sqlite3

from cli import run
from core.db import open_db


def _actors(db_path) -> list[str]:
    db = open_db(db_path)
    try:
        # Without the rows the app writes itself when it upgrades a file (m016 baseline).
        return [r[0] for r in db.execute(
            "SELECT actor FROM audit_log WHERE role != 'system' ORDER BY id")]  # fmt: skip
    finally:
        db.close()


def test_the_actor_is_the_account_signed_in_else_the_operating_system_account(
    db_path, monkeypatch
) -> None:
    """Issue 15 point 6: data entry runs as the OS account; the demo's decisions are its
    invented head's; a decision is the signed-in account's, never a name with no account."""
    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    assert set(_actors(db_path)) == {getpass.getuser(), "demo"}
    monkeypatch.setenv("SALA_PASSWORD", "correct horse")
    assert run(["--db", str(db_path), "--user", "somsri", "sign", "annual", "--fy", "2564"]) == 2
    assert run(["--db", str(db_path), "user", "add", "admin", "--role", "admin"]) == 0
    monkeypatch.setenv("SALA_NEW_PASSWORD", "correct horse")
    assert run(["--db", str(db_path), "--user", "admin", "user", "add", "somsri",
                "--role", "section_head"]) == 0  # fmt: skip
    assert run(["--db", str(db_path), "--user", "somsri", "sign", "annual", "--fy", "2564"]) == 0
    # The first sync export makes this computer's key, an audited act (issue 14).
    out = str(db_path.parent / "x.srsync")
    assert run(["--db", str(db_path), "--user", "somsri", "sync", "export", "--out", out]) == 0
    assert _actors(db_path)[-1] == "somsri"
    db = open_db(db_path)
    try:
        made = db.execute("SELECT actor, role FROM audit_log WHERE kind = 'device_key'").fetchall()
    finally:
        db.close()
    assert made == [("somsri", "section_head")]


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


def test_backup_then_restore_and_a_refused_restore_on_the_command_line(
    db_path, tmp_path, capsys, monkeypatch
):
    out = tmp_path / "b.db"
    monkeypatch.setenv("SALA_PASSWORD", "correct horse")
    assert run(["--db", str(db_path), "user", "add", "somsri", "--role", "admin"]) == 0
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
    assert run(["--db", str(db_path), "restore", str(out)]) == 2  # nobody signed in
    assert "may not" in capsys.readouterr().err
    assert run(["--db", str(db_path), "--user", "somsri", "restore", str(junk)]) == 2
    assert "SQLite" in capsys.readouterr().err
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert run(["--db", str(db_path), "--user", "somsri", "restore", str(out)]) == 0
    assert "before-restore" in capsys.readouterr().out
    db = open_db(db_path)
    assert db.execute("SELECT COUNT(*) FROM survey_responses").fetchone()[0] > 0
    assert _actors(db_path)[-1] == "somsri"
    assert run(["--db", str(db_path), "check", "--against", head]) == 0


def test_check_against_reads_a_head_copied_in_pieces_and_refuses_what_is_no_head(
    db_path, capsys
) -> None:
    """The annual summary prints its head over two lines; copied from the PDF it came with a
    line break, and a typo said 'history ... was rewritten or is missing' (exit 1): an
    alarm over a file nobody had touched. A head in pieces or capitals is read; anything
    else is bad input (exit 2) and no finding."""
    assert run(["--db", str(db_path), "demo", "--fy", "2564"]) == 0
    capsys.readouterr()
    assert run(["--db", str(db_path), "check"]) == 0
    head = capsys.readouterr().out.split("head ")[-1].strip(" )\n")
    pasted = f"{head[:12].upper()}\n{head[12:]} "
    assert run(["--db", str(db_path), "check", "--against", pasted]) == 0
    capsys.readouterr()
    for typo in (head[:12], head + "0", head[:-1] + "g", "ca8f2f3f7d0d…"):
        assert run(["--db", str(db_path), "check", "--against", typo]) == 2
        captured = capsys.readouterr()
        assert "rewritten" not in captured.out
        th, en = captured.err.strip().splitlines()
        assert th == (f"ช่อง --against: «{typo}» ไม่ใช่รหัสประวัติ: ต้องเป็นตัวอักษร 0-9 และ a-f"
                      " 64 ตัว ตามที่พิมพ์ไว้บนสรุปผลหรือที่คำสั่ง backup แสดง")  # fmt: skip
        assert en == (f"field --against: «{typo}» is not a head hash: 64 characters 0-9 and"
                      " a-f, as printed on a summary or by backup")  # fmt: skip
