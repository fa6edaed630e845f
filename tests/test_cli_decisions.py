"""Issue 15 points 6 and 8 on the command line (DOMAIN.md section 8): every decision by
an authenticated account with the role that owns it, audited as from the command line;
data entry as the operating-system account, which decides nothing."""

from __future__ import annotations

import getpass
import json
from datetime import time

import pytest

from cli import run, sign_in
from core.db import open_db
from core.users import act_as
from inspection.rounds import get_round
from security.events import EventInput
from security.reports import save_report
from tests.actors import PASSWORD, add_accounts


def _db(db_path):
    return open_db(db_path)


def _last_audit(db_path) -> tuple[str, str, str]:
    db = _db(db_path)
    try:
        return db.execute(
            "SELECT actor, action, kind FROM audit_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
    finally:
        db.close()


def _event(db_path, category: str = "theft", day: str = "2021-02-01") -> str:
    db = _db(db_path)
    try:
        rep = save_report(db, day, "day", "วิชัย", 12, 12,
                          events=[EventInput(time(10, 0), "ลาน", category, "เหตุ")])  # fmt: skip
        return rep.events[0].uuid
    finally:
        db.close()


@pytest.fixture
def office(db_path, monkeypatch):
    """An administrator, a section head and an inspector; SALA_PASSWORD signs any in."""
    add_accounts(db_path, monkeypatch, head="section_head", staff1="inspector")
    return db_path


def test_the_first_account_must_be_an_administrator_and_needs_no_sign_in(
    db_path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("SALA_NEW_PASSWORD", PASSWORD)
    assert run(["--db", str(db_path), "user", "add", "head", "--role", "section_head"]) == 2
    assert run(["--db", str(db_path), "user", "add", "admin", "--role", "admin",
                "--display-name", "ผู้ดูแลระบบ"]) == 0  # fmt: skip
    assert "admin" in capsys.readouterr().out
    # Later accounts need an administrator signed in.
    assert run(["--db", str(db_path), "user", "add", "head", "--role", "section_head"]) == 2
    monkeypatch.setenv("SALA_PASSWORD", PASSWORD)
    assert run(["--db", str(db_path), "--user", "admin", "user", "add", "head",
                "--role", "section_head"]) == 0  # fmt: skip
    db = _db(db_path)
    act_as(db, sign_in(db, "head"))  # the new account signs in with its own password
    db.close()


def test_a_new_accounts_password_from_the_terminal_only_when_there_is_one(
    db_path, monkeypatch, capsys
) -> None:
    monkeypatch.delenv("SALA_PASSWORD", raising=False)
    monkeypatch.delenv("SALA_NEW_PASSWORD", raising=False)
    assert run(["--db", str(db_path), "user", "add", "admin", "--role", "admin"]) == 2
    assert "SALA_NEW_PASSWORD" in capsys.readouterr().err


def test_sign_in_acts_with_the_accounts_role_from_the_command_line(office) -> None:
    db = _db(office)
    actor = sign_in(db, "head")
    assert (actor.username, actor.role, actor.via) == ("head", "section_head", "cli")
    db.close()


@pytest.mark.parametrize(
    ("user", "password", "why"),
    [(None, None, "may not"), ("staff1", PASSWORD, "may not"), ("nobody", PASSWORD, "wrong"),
     ("head", "not the password", "wrong"), ("head", None, "SALA_PASSWORD")],
)  # fmt: skip
def test_classify_is_the_section_heads_alone(office, monkeypatch, capsys, user, password, why):
    """Issue 15: `--user staff1` (an inspector) classified an incident; a name with no
    account did too. Now each is exit 2 and nothing changes."""
    event = _event(office)
    if password is None:
        monkeypatch.delenv("SALA_PASSWORD")
    else:
        monkeypatch.setenv("SALA_PASSWORD", password)
    before = _last_audit(office)
    args = ["--db", str(office), *(["--user", user] if user else []),
            "classify", event, "yes", "--reason", "ยามไม่อยู่ประจำจุด"]  # fmt: skip
    assert run(args) == 2
    assert why in capsys.readouterr().err
    assert _last_audit(office) == before


def test_the_section_head_classifies_and_the_audit_names_the_account(office, capsys) -> None:
    theft, alarm = _event(office), _event(office, "alarm", "2021-02-02")
    assert (
        run(
            ["--db", str(office), "--user", "head", "classify", alarm, "yes", "--reason", "สัญญาณดัง"]
        )
        == 2
    )  # only theft, damage, loss can count
    assert "field counts" in capsys.readouterr().err
    assert run(["--db", str(office), "--user", "head", "classify", theft, "yes",
                "--reason", "ยามไม่อยู่ประจำจุด"]) == 0  # fmt: skip
    assert "counts" in capsys.readouterr().out
    assert _last_audit(office) == ("head", "classify", "guard_event")
    # The row names the account, its role and that the decision came from the command line,
    # under the row's hash (core.audit, format 2), and vouches for the event as decided.
    db = _db(office)
    try:
        row = db.execute(
            "SELECT actor, role, via, format, covers FROM audit_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
        assert row[:4] == ("head", "section_head", "cli", 2)
        assert theft in json.loads(row[4])["guard_events"]
    finally:
        db.close()
    assert run(["--db", str(office), "--user", "head", "classify", "no-such-id", "no",
                "--reason", "x"]) == 2  # fmt: skip


def test_sign_restore_and_point_refuse_another_role(office, tmp_path, capsys) -> None:
    backup = tmp_path / "b.db"
    assert run(["--db", str(office), "backup", "--out", str(backup)]) == 0
    for args in (["sign", "annual", "--fy", "2564"], ["restore", str(backup)],
                 ["point", "deactivate", "F1-01", "--from", "2021-03-01"]):  # fmt: skip
        assert run(["--db", str(office), "--user", "staff1", *args]) == 2
        assert "may not" in capsys.readouterr().err
        assert run(["--db", str(office), *args]) == 2  # nobody signed in decides nothing
    assert run(["--db", str(office), "--user", "head", "sign", "annual", "--fy", "2564"]) == 0
    assert _last_audit(office)[0] == "head"


def test_a_point_is_taken_out_of_the_count_and_back_by_the_section_head(office) -> None:
    from inspection.indicator import active_points

    assert run(["--db", str(office), "--user", "head", "point", "deactivate", "F5-05",
                "--from", "2021-03-01"]) == 0  # fmt: skip
    db = _db(office)
    assert "F5-05" in {p.code for p in active_points(db, 2564)}  # it counted in that year
    assert "F5-05" not in {p.code for p in active_points(db, 2565)}
    db.close()
    assert run(["--db", str(office), "--user", "head", "point", "activate", "F5-05",
                "--from", "2022-10-01"]) == 0  # fmt: skip
    assert _last_audit(office)[:2] == ("head", "activate")
    assert run(["--db", str(office), "--user", "head", "point", "deactivate", "F9-99",
                "--from", "2021-03-01"]) == 2  # fmt: skip


def test_correct_round_supersedes_a_final_round_with_a_reason(office, capsys) -> None:
    """DOMAIN.md 3: a final round is never edited; a correction supersedes it, with a
    reason, taken by a signed-in account that records rounds (as Correct in the window)."""
    from datetime import datetime

    from inspection.points import get_point
    from inspection.rounds import record_round

    db = _db(office)
    uid = record_round(db, get_point(db, "F1-01"), datetime(2021, 3, 1, 9), "สมชาย", [4] * 20)
    db.close()
    scores = ",".join(["4"] * 19 + ["1"])
    base = ["--db", str(office), "--user", "staff1", "correct-round", uid]
    refused = [
        (["--db", str(office), "correct-round", uid, "--reason", "x", "--scores", scores],
         "may not"),
        ([*base, "--reason", " ", "--scores", scores], "field reason"),
        ([*base, "--reason", "ข้อ 20 บันทึกผิด", "--scores", "4,4,4"], "field --scores"),
        ([*base, "--reason", "ข้อ 20 บันทึกผิด", "--scores", scores[:-1] + "5"], "field i20"),
    ]  # fmt: skip
    for args, why in refused:
        assert run(args) == 2
        assert why in capsys.readouterr().err
    db = _db(office)
    assert db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0] == 1  # no draft left
    db.close()
    assert run([*base, "--reason", "ข้อ 20 บันทึกผิด", "--scores", scores]) == 0
    db = _db(office)
    (new,) = db.execute("SELECT uuid FROM rounds WHERE supersedes = ?", [uid]).fetchone()
    rnd = get_round(db, new)
    assert (rnd.total, rnd.passed, rnd.is_final, rnd.reason) == (77, False, True,
                                                                  "ข้อ 20 บันทึกผิด")  # fmt: skip
    db.close()
    assert _last_audit(office)[:2] == ("staff1", "finalize")
    assert run([*base, "--reason", "อีกครั้ง", "--scores", scores]) == 2  # corrected already


@pytest.mark.parametrize(
    "name",
    ["admin\nsigned-by: admin", "a" * 41, "two words", "tab\there", "", "bell\x07"],
)  # fmt: skip
def test_a_user_name_that_is_not_one_printable_line_is_exit_2(office, capsys, name) -> None:
    """Issue 15 point 8: a newline in --user forged the console line "signed-by: admin"."""
    assert run(["--db", str(office), "--user", name, "score", "--fy", "2564"]) == 2
    err = capsys.readouterr().err
    assert "--user" in err and "signed-by" not in err.replace(name, "")
    assert run(["--db", str(office), "--user", "admin", "user", "add", name,
                "--role", "inspector"]) == 2  # fmt: skip


def test_import_guard_applies_counts_only_for_a_signed_in_section_head(
    office, tmp_path, capsys
) -> None:
    from security.csv_io import GUARD_COLUMNS
    from security.indicator import events_of_year

    path = tmp_path / "g.csv"
    path.write_text(",".join(GUARD_COLUMNS) + "\n"
                    "2021-01-04,day,วิชัย,12,12,10:15,ลานจอดรถ,theft,yes,รถหาย\n"
                    "2021-01-05,day,วิชัย,12,12,11:00,ลานจอดรถ,loss,no,กระเป๋าหาย\n",
                    encoding="utf-8")  # fmt: skip
    assert run(["--db", str(office), "import-guard", str(path)]) == 0
    assert "2 events the file marks in its counts column are left pending" in (
        capsys.readouterr().out
    )
    db = _db(office)
    assert [e.status for e in events_of_year(db, 2564)] == ["pending", "pending"]
    db.execute("DELETE FROM guard_events")
    db.execute("DELETE FROM guard_reports")
    db.close()
    assert run(["--db", str(office), "--user", "head", "import-guard", str(path)]) == 0
    assert "left pending" not in capsys.readouterr().out
    db = _db(office)
    events = events_of_year(db, 2564)
    assert sorted(e.status for e in events) == ["counts", "not"]
    assert {e.reason for e in events} == {"พิจารณาเมื่อนำเข้าไฟล์ (classified on import)"}
    assert {e.classified_by for e in events} == {"head"}
    db.close()


def test_data_entry_without_user_is_the_operating_system_account(office) -> None:
    assert run(["--db", str(office), "demo", "--fy", "2564"]) == 0
    db = _db(office)
    actors = {r[0] for r in db.execute("SELECT DISTINCT actor FROM audit_log")}
    db.close()
    assert getpass.getuser() in actors and "head" not in actors
    # Audited as the operating-system account, from the command line.
    db = _db(office)
    sources = set(db.execute("SELECT DISTINCT role, via FROM audit_log WHERE actor = ?",
                             [getpass.getuser()]).fetchall())  # fmt: skip
    # The demo's decisions (plan steps done, classifications) are its invented section
    # head's, named so, from the command line too.
    invented = set(db.execute("SELECT DISTINCT role, via FROM audit_log WHERE actor = 'demo'"))
    db.close()
    assert sources == {("os_account", "cli")} and invented == {("section_head", "cli")}


def test_a_decision_refused_to_the_operating_system_account_says_to_sign_in(
    office, tmp_path, capsys, monkeypatch
) -> None:
    """A new user ran `sign annual` without --user and read only 'user root (operating-system
    account (not signed in)) may not do this': nothing said how to take the decision."""
    monkeypatch.setenv("SALA_NEW_PASSWORD", PASSWORD)
    backup = tmp_path / "b.db"
    assert run(["--db", str(office), "backup", "--out", str(backup)]) == 0
    capsys.readouterr()
    for args in (["sign", "annual", "--fy", "2564"], ["restore", str(backup)],
                 ["user", "add", "x1", "--role", "inspector"]):  # fmt: skip
        assert run(["--db", str(office), *args]) == 2
        th, en = capsys.readouterr().err.strip().splitlines()
        assert th.endswith(" — ลงชื่อเข้าใช้ด้วย --user ชื่อผู้ใช้ของบัญชีที่มีสิทธิ์"
                           " (รหัสผ่านจากตัวแปร SALA_PASSWORD หรือพิมพ์ที่เทอร์มินัล)")  # fmt: skip
        hint = ("; sign in with --user NAME of an account that may"
                " (its password from SALA_PASSWORD or typed on the terminal)")  # fmt: skip
        assert en.endswith(hint) and "may not do this; it takes the role of" in en
        assert "ต้องเป็น" in th  # the roles that may are named (review)
    # A signed-in account without the right is told only that: signing in again is no help.
    assert run(["--db", str(office), "--user", "staff1", "sign", "annual", "--fy", "2564"]) == 2
    assert "--user" not in capsys.readouterr().err
