"""Opening the one SQLite file: refuse what is not ours, then migrate.

A file is checked read-only first, so that a file we refuse (not SQLite,
corrupt, from a newer app) is left byte-for-byte as it was.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from sqlite_utils import Database

from core.errors import DatabaseRefused
from core.i18n import tr

APP_NAME = "sala-rounds"
SQLITE_HEADER = b"SQLite format 3\x00"


def default_db_path() -> Path:
    """The database in the platform's per-user data folder (AppData on Windows)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "sala-rounds.db"


def _refuse(path: Path, th: str, en: str) -> DatabaseRefused:
    return DatabaseRefused(f"ไม่เปิดไฟล์ {path}: {th}", f"will not open {path}: {en}")


def check_file(path: Path) -> None:
    """Refuse a file that is not a healthy Sala Rounds database of this version or older.

    Reads only: nothing is written to a file that fails here.
    """
    from core.migrations import MIGRATIONS, migration_names

    if path.is_dir():
        # A folder named by mistake (--db without the file name) ended in a traceback.
        raise _refuse(path, tr("db.refused_folder", "th"), tr("db.refused_folder", "en"))
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise _refuse(path, "ไม่ใช่ไฟล์ฐานข้อมูล SQLite", "it is not an SQLite database")
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise _refuse(path, f"เปิดไม่ได้ ({exc})", f"cannot be opened ({exc})") from None
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise _refuse(path, "ไฟล์เสียหาย", f"the file is damaged ({ok})")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "_sqlite_migrations" not in tables:
            raise _refuse(
                path,
                "เป็นฐานข้อมูลของโปรแกรมอื่น",
                "it is a database of another program",
            )
        if "_sqlite_migrations" in tables:
            applied = {
                r[0]
                for r in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                    (MIGRATIONS.name,),
                )
            }
            known = set(migration_names())
            unknown = sorted(applied - known)
            if unknown:
                raise _refuse(
                    path,
                    "สร้างโดยโปรแกรมรุ่นใหม่กว่า โปรดปรับรุ่นโปรแกรม",
                    "it was made by a newer version of Sala Rounds; update the app",
                )
    except sqlite3.DatabaseError as exc:
        raise _refuse(path, f"ไฟล์เสียหาย ({exc})", f"the file is damaged ({exc})") from None
    finally:
        conn.close()


def open_db(path: Path | str | None = None) -> Database:
    """Open (creating if needed) the database at `path`, migrated and seeded.

    Raises DatabaseRefused, leaving the file untouched, when it is not ours.
    """
    from core.migrations import MIGRATIONS

    path = Path(path) if path is not None else default_db_path()
    check_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    db = Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 30000")
    # WAL keeps readers and one writer from blocking each other, and survives a kill.
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    MIGRATIONS.apply(db)
    return db


def open_memory() -> Database:
    """A migrated, seeded in-memory database (tests and benchmarks)."""
    from core.migrations import MIGRATIONS

    db = Database(sqlite3.connect(":memory:", isolation_level=None))
    db.execute("PRAGMA foreign_keys = ON")
    MIGRATIONS.apply(db)
    return db


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One user action, one transaction: all of it is written, or none.

    BEGIN IMMEDIATE takes the write lock at the start, so a second writer waits
    (busy timeout) instead of failing when its read snapshot turns stale mid-way.
    Inside an open transaction it nests as a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def new_id() -> str:
    """Keys of records another laptop may send later are UUIDs."""
    return str(uuid.uuid4())


def new_ids(n: int) -> list[str]:
    """`n` new random (version 4) UUIDs at once, for bulk writers.

    The same UUIDs as `new_id`, from one read of the OS's random source and one hex
    conversion: a fifth of the time of 100,000 `uuid4()` calls (benchmark, issue 8).
    """
    raw = bytearray(os.urandom(16 * n))
    for i in range(0, 16 * n, 16):
        raw[i + 6] = (raw[i + 6] & 0x0F) | 0x40  # version 4
        raw[i + 8] = (raw[i + 8] & 0x3F) | 0x80  # the RFC 4122 variant
    h = raw.hex()
    return [
        "-".join(
            (
                h[j : j + 8],
                h[j + 8 : j + 12],
                h[j + 12 : j + 16],
                h[j + 16 : j + 20],
                h[j + 20 : j + 32],
            )
        )  # fmt: skip
        for j in range(0, 32 * n, 32)
    ]


def device_id(db: Database) -> str:
    return db.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0]


def get_setting(db: Database, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def set_setting(db: Database, key: str, value: str) -> None:
    from core.audit import audit
    from core.records import covering

    before = get_setting(db, key)
    if before == value:
        return
    with transaction(db):
        db.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )
        audit(db, "set", "setting", key, before, value, covers=covering(db, settings=[key]))
