"""Issue 7: hash-chained audit trail, check, backups and restore."""

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from core.audit import head_hash, verify_chain
from core.backup import backup_to, daily_backup, prune
from core.db import open_db
from core.errors import DatabaseRefused
from core.integrity import check
from core.restore import restore_from
from inspection import rounds as R
from inspection.demo import fill_demo_rounds
from tests.actors import ADMIN


def _tamper(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.fixture
def filled(db_path):
    db = open_db(db_path)
    fill_demo_rounds(db, 2564)
    for code in ("F1-01", "F2-02", "F3-03", "F4-04"):  # rounds typed in the app, audited one by one
        d = R.start_draft(db, code, "สมชาย")
        for no in range(1, 21):
            R.set_score(db, d.uuid, no, 4)
        R.finalize_round(db, d.uuid)
    db.close()
    return db_path


def test_bulk_rounds_carry_who_recorded_them_and_one_audit_row(filled) -> None:
    db = open_db(filled)
    assert db.execute("SELECT COUNT(*) FROM rounds WHERE recorded_by = ''").fetchone()[0] == 0
    (after,) = db.execute(
        "SELECT after FROM audit_log WHERE kind = 'rounds_batch' AND action = 'demo'"
    ).fetchone()
    rounds = db.execute("SELECT COUNT(*) FROM rounds WHERE source = 'demo'").fetchone()[0]
    assert f'"rounds":{rounds}' in after
    assert check(db).ok


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_log SET after = '{\"total\": 80}' WHERE id = 7",
        "DELETE FROM audit_log WHERE id = 7",
        "UPDATE audit_log SET actor = 'someone else' WHERE id = 3",
    ],
)
def test_editing_or_deleting_a_past_audit_row_is_detected(filled, sql) -> None:
    _tamper(filled, sql)
    db = open_db(filled)
    result = check(db)
    assert not result.ok
    assert verify_chain(db).first_bad_id in (3, 7, 8)


def test_a_bulk_round_changed_afterwards_is_detected(filled) -> None:
    _tamper(filled, "UPDATE rounds SET scores = '44444444444444444444', total = 80 WHERE id = 9")
    db = open_db(filled)
    (uuid,) = db.execute("SELECT uuid FROM rounds WHERE id = 9").fetchone()
    result = check(db)
    assert not result.ok and result.problems == [
        f"ตาราง rounds รายการ {uuid}: ถูกแก้ไขนอกโปรแกรมหลังแถวประวัติที่ {_batch_row(db)}\n"
        f"table rounds, record {uuid}: changed outside the app after audit row {_batch_row(db)}"
    ]


def _batch_row(db) -> int:
    return db.execute("SELECT id FROM audit_log WHERE kind = 'rounds_batch'").fetchone()[0]


def test_check_against_an_anchored_head_detects_a_rewritten_history(filled) -> None:
    db = open_db(filled)
    anchor = head_hash(db)
    assert check(db, against=anchor).ok
    db.close()
    # Someone rewrites an old row and recomputes the whole chain: it verifies on its own...
    from core.audit import GENESIS, AuditRow, expected_hash

    conn = sqlite3.connect(filled)
    conn.execute("UPDATE audit_log SET actor = 'forger' WHERE id = 2")
    prev = GENESIS
    for r in conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall():
        h = expected_hash(AuditRow(*r), prev)
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", [prev, h, r[0]])
        prev = h
    conn.commit()
    conn.close()
    db = open_db(filled)
    assert check(db).ok
    # ...but not against the head hash printed earlier.
    assert not check(db, against=anchor).ok


def test_backup_carries_the_head_hash_and_restore_keeps_a_safety_copy(filled, tmp_path) -> None:
    db = open_db(filled)
    out = tmp_path / "backup.db"
    head = backup_to(db, out)
    copy = sqlite3.connect(out)
    stored = copy.execute("SELECT value FROM meta WHERE key = 'backup_audit_head'").fetchone()[0]
    copy.close()
    assert stored == head
    db.execute("DELETE FROM round_notes")
    db.close()
    safety = restore_from(filled, out, ADMIN)
    assert safety.exists()
    restored = open_db(filled)
    assert restored.execute("SELECT COUNT(*) FROM round_notes").fetchone()[0] > 0
    assert check(restored).ok


def test_restore_refuses_a_corrupt_or_foreign_file_and_changes_nothing(filled, tmp_path) -> None:
    before = hashlib.sha256(filled.read_bytes()).hexdigest()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DatabaseRefused):
        restore_from(filled, junk, ADMIN)
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE x (y)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseRefused):
        restore_from(filled, foreign, ADMIN)
    assert hashlib.sha256(filled.read_bytes()).hexdigest() == before


def test_daily_backup_once_a_day_keeps_14_days_and_one_per_month(db, db_path, tmp_path) -> None:
    first = daily_backup(db, db_path)
    assert first is not None and first.exists()
    assert daily_backup(db, db_path) is None
    folder = tmp_path / "many"
    folder.mkdir()
    for d in [date(2021, m, day) for m in (6, 7, 8, 9) for day in (1, 10, 20, 25, 28)]:
        (folder / f"sala-rounds-{d.isoformat()}.db").write_bytes(b"x")
    prune(folder)
    kept = sorted(p.stem.removeprefix("sala-rounds-") for p in folder.glob("*.db"))
    # The last 14, and the first of June and of July, which are older than those.
    assert len(kept) == 14 + 2
    assert {"2021-06-01", "2021-07-01"} <= set(kept) and "2021-06-10" not in kept


def test_a_failed_open_check_waits_for_an_administrator(filled) -> None:
    from core.health import acknowledge_alert, open_check, pending_alert
    from core.users import PermissionDenied, act_as, authenticate, create_user

    db = open_db(filled)
    create_user(db, "admin", "", "admin", "correct horse")
    create_user(db, "somchai", "", "inspector", "correct horse")
    db.close()
    _tamper(filled, "UPDATE audit_log SET actor = 'someone else' WHERE id = 3")
    db = open_db(filled)
    assert not open_check(db).ok
    first = pending_alert(db)
    assert first is not None and "row 3" in "\n".join(first.problems)
    db.close()
    db = open_db(filled)  # a later start, still broken: the first sighting is kept
    open_check(db)
    assert pending_alert(db).first_seen == first.first_seen
    audit_rows = db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    act_as(db, authenticate(db, "somchai", "correct horse").actor())
    with pytest.raises(PermissionDenied):
        acknowledge_alert(db)
    assert pending_alert(db) is not None
    assert db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == audit_rows
    act_as(db, authenticate(db, "admin", "correct horse").actor())
    acknowledge_alert(db)
    assert pending_alert(db) is None
    (action, actor, before) = db.execute(
        "SELECT action, actor, before FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert (action, actor) == ("acknowledge", "admin") and "row 3" in before


def test_a_clean_open_check_records_no_alert(db) -> None:
    from core.health import open_check, pending_alert

    assert open_check(db).ok
    assert pending_alert(db) is None


def test_restore_is_refused_to_an_inspector_and_audited_for_who_did_it(filled, tmp_path) -> None:
    from core.restore import backup_info
    from core.users import Actor, PermissionDenied

    db = open_db(filled)
    out = tmp_path / "backup.db"
    head = backup_to(db, out)
    db.close()
    info = backup_info(out)
    assert info.head == head and info.rounds > 0 and info.backup_at
    before = hashlib.sha256(filled.read_bytes()).hexdigest()
    with pytest.raises(PermissionDenied):
        restore_from(filled, out, Actor("somchai", "inspector"))
    assert hashlib.sha256(filled.read_bytes()).hexdigest() == before
    restore_from(filled, out, Actor("admin", "admin"))
    restored = open_db(filled)
    action, actor, after = restored.execute(
        "SELECT action, actor, after FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert (action, actor) == ("restore", "admin") and str(out) in after
    assert check(restored, against=head).ok  # the backup's history is still the prefix


def test_backup_info_refuses_what_restore_refuses(tmp_path) -> None:
    from core.restore import backup_info

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    before = hashlib.sha256(junk.read_bytes()).hexdigest()
    with pytest.raises(DatabaseRefused):
        backup_info(junk)
    assert hashlib.sha256(junk.read_bytes()).hexdigest() == before


def test_a_daily_backup_that_cannot_be_written_is_an_alert_not_a_crash(db, db_path) -> None:
    from core.backup import backups_dir
    from core.health import open_check, pending_alert

    backups_dir(db_path).write_text("a file where the backups folder should be")
    result = open_check(db, db_path)
    assert not result.ok
    alert = pending_alert(db)
    assert alert is not None and "daily backup failed" in alert.problems[0]
    assert db.execute("SELECT COUNT(*) FROM points").fetchone()[0] == 27  # the app works on


def test_open_check_takes_the_days_backup(db, db_path) -> None:
    from core.backup import backups_dir
    from core.health import open_check

    assert open_check(db, db_path).ok
    assert len(list(backups_dir(db_path).glob("sala-rounds-*.db"))) == 1


def test_restore_refuses_a_backup_from_a_newer_app_and_changes_neither_file(filled, tmp_path):
    from core.migrations import MIGRATIONS

    newer = tmp_path / "newer.db"
    db = open_db(filled)
    backup_to(db, newer)
    db.close()
    _tamper(newer, "INSERT INTO _sqlite_migrations(migration_set, name, applied_at)"
                   f" VALUES ('{MIGRATIONS.name}', 'm999_future', '2030-01-01')")  # fmt: skip
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (filled, newer)]
    with pytest.raises(DatabaseRefused) as err:
        restore_from(filled, newer, ADMIN)
    assert "newer" in err.value.en
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in (filled, newer)] == digests


def test_a_backup_from_before_the_audit_trail_is_described_and_restored(db_path, tmp_path):
    from sqlite_utils import Database

    from core.migrations import MIGRATIONS
    from core.restore import backup_info

    old_path = tmp_path / "old.db"
    old = Database(sqlite3.connect(old_path, isolation_level=None))
    MIGRATIONS.apply(old, stop_before="m006_users_and_audit")
    old.close()
    info = backup_info(old_path)
    assert info.rounds == 0 and info.last_change == ""
    open_db(db_path).close()
    restore_from(db_path, old_path, ADMIN)
    restored = open_db(db_path)
    assert check(restored).ok
    # Opened by today's app, it first covers its seeded records (m016, and again where m018
    # and m019 fill new columns), then records who restored it.
    actions = [a for (a,) in restored.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-1] == "restore" and set(actions[:-1]) == {"baseline", "recover"}


def test_a_window_open_past_midnight_takes_the_new_days_backup(db, db_path) -> None:
    from datetime import datetime

    import core.calendar
    from core.backup import backups_dir
    from core.health import keep_daily_backup, pending_alert

    assert keep_daily_backup(db, db_path)
    assert keep_daily_backup(db, db_path)  # once a day: nothing new
    core.calendar.clock = lambda: datetime(
        2021, 10, 1, 1, 0
    )  # past midnight; the fixture resets it
    assert keep_daily_backup(db, db_path)
    days = sorted(p.name for p in backups_dir(db_path).glob("sala-rounds-*.db"))
    assert days == ["sala-rounds-2021-09-30.db", "sala-rounds-2021-10-01.db"]
    assert pending_alert(db) is None
    core.calendar.clock = lambda: datetime(2021, 10, 2, 1, 0)
    for p in backups_dir(db_path).iterdir():
        p.unlink()
    backups_dir(db_path).rmdir()
    backups_dir(db_path).write_text("not a folder")
    assert not keep_daily_backup(db, db_path)
    assert "daily backup failed" in pending_alert(db).problems[0]
