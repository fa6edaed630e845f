"""Opening the database: migrations from an empty file, refusing what is not ours."""

import hashlib
import sqlite3
from pathlib import Path

import pytest

from core.db import device_id, open_db
from core.errors import DatabaseRefused
from core.migrations import MIGRATIONS, migration_names


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_first_open_creates_and_seeds_27_points_standard_and_schedule(db_path: Path) -> None:
    db = open_db(db_path)
    assert db.execute("SELECT COUNT(*) FROM points WHERE active = 1").fetchone()[0] == 27
    codes = [r[0] for r in db.execute("SELECT code FROM points ORDER BY floor, code")]
    assert codes[0] == "F1-01" and codes[-1] == "F5-05"
    per_floor = dict(db.execute("SELECT floor, COUNT(*) FROM points GROUP BY floor").fetchall())
    assert per_floor == {1: 6, 2: 6, 3: 5, 4: 5, 5: 5}
    assert db.execute("SELECT COUNT(*) FROM standard_items").fetchone()[0] == 20
    steps = db.execute("SELECT COUNT(*) FROM plan_steps WHERE project = 2").fetchone()[0]
    assert steps == 10


def test_migrations_are_recorded_and_not_rerun(db_path: Path) -> None:
    open_db(db_path).close()
    db = open_db(db_path)
    applied = [m.name for m in MIGRATIONS.applied(db)]
    assert applied == migration_names()
    assert db.execute("SELECT COUNT(*) FROM points").fetchone()[0] == 27


def test_every_earlier_schema_version_upgrades_to_today(tmp_path: Path) -> None:
    """A file left at each earlier migration opens with today's code and keeps its data."""
    names = migration_names()
    for i in range(1, len(names)):
        path = tmp_path / f"v{i}.db"
        conn = sqlite3.connect(path, isolation_level=None)
        from sqlite_utils import Database

        old = Database(conn)
        MIGRATIONS.apply(old, stop_before=names[i])
        old.close()
        db = open_db(path)
        assert [m.name for m in MIGRATIONS.applied(db)] == names
        db.close()


def test_each_database_has_its_own_device_id(tmp_path: Path) -> None:
    a, b = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    assert len(device_id(a)) == 36
    assert device_id(a) != device_id(b)


def test_a_file_that_is_not_sqlite_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes("บันทึก not a database\n".encode() * 50)
    before = _digest(path)
    with pytest.raises(DatabaseRefused) as err:
        open_db(path)
    assert "SQLite" in err.value.en and "SQLite" in err.value.th
    assert _digest(path) == before


def test_a_corrupt_database_is_refused_and_untouched(db_path: Path) -> None:
    open_db(db_path).close()
    data = bytearray(db_path.read_bytes())
    data[2000:6000] = b"\xff" * 4000  # scribble over the first table pages, keep the header
    db_path.write_bytes(bytes(data))
    before = _digest(db_path)
    with pytest.raises(DatabaseRefused):
        open_db(db_path)
    assert _digest(db_path) == before


def test_a_database_from_a_newer_app_is_refused_and_untouched(db_path: Path) -> None:
    db = open_db(db_path)
    db.execute(
        "INSERT INTO _sqlite_migrations(migration_set, name, applied_at) VALUES (?, ?, ?)",
        [MIGRATIONS.name, "m999_from_the_future", "2030-01-01"],
    )
    db.close()
    before = _digest(db_path)
    with pytest.raises(DatabaseRefused) as err:
        open_db(db_path)
    assert "newer" in err.value.en
    assert _digest(db_path) == before


def test_a_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(DatabaseRefused):
        open_db(path)
    assert _digest(path) == before


def test_seeded_records_have_the_same_uuid_on_every_laptop(tmp_path: Path) -> None:
    """Sync files from two laptops must name point F1-01 by one key."""
    a, b = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    for table in ("points", "standards", "plan_steps"):
        sql = f"SELECT uuid FROM {table} ORDER BY uuid"
        assert a.execute(sql).fetchall() == b.execute(sql).fetchall()


def test_bulk_ids_are_distinct_version_4_uuids() -> None:
    import uuid

    from core.db import new_ids

    ids = new_ids(2000)
    assert len(set(ids)) == 2000
    for text in ids[:200]:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 4 and parsed.variant == uuid.RFC_4122
    assert new_ids(0) == []


def test_a_refused_damaged_wal_file_is_left_without_wal_or_shm_beside_it(db_path: Path) -> None:
    """New-user finding 8: refusing a damaged database left an empty -wal and a 32 KB -shm
    beside it (a read-only connection to a WAL file makes them and cannot remove them)."""
    open_db(db_path).close()  # the header says WAL, the file is closed cleanly
    with db_path.open("r+b") as f:
        f.seek(4096 * 5)
        f.write(b"\xff" * 4096)  # one page smashed
    with pytest.raises(DatabaseRefused) as err:
        open_db(db_path)
    assert "damaged" in err.value.en
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]
