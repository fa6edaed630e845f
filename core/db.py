"""Opening the one SQLite file: refuse what is not ours, then migrate.

A file is checked read-only first, so that a file we refuse (not SQLite,
corrupt, from a newer app) is left byte-for-byte as it was.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from core.errors import DatabaseDamaged, DatabaseRefused
from core.i18n import Phrase
from core.instance import DatabaseBusy, note_opened
from core.paths import default_db_path

# How long a writer waits for another's write lock before it says who holds it. A
# scheduled job that would rather wait longer (or a test that would rather not) sets
# SALA_LOCK_WAIT in seconds.
LOCK_WAIT_DEFAULT_S = 30.0


def lock_wait_seconds() -> float:
    """Seconds a writer waits for another writer's lock (SALA_LOCK_WAIT, default 30)."""
    try:
        wait = float(os.environ.get("SALA_LOCK_WAIT", LOCK_WAIT_DEFAULT_S))
    except ValueError:
        return LOCK_WAIT_DEFAULT_S
    return wait if wait >= 0 else LOCK_WAIT_DEFAULT_S


def _refuse(path: Path, why: str, /, *, damaged: bool = False, **values: object) -> DatabaseRefused:
    kind = DatabaseDamaged if damaged else DatabaseRefused
    return kind("db.will_not_open", path=path, why=Phrase(why, **values))


def error_code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code of an error (SQLITE_BUSY for any of its extended codes)."""
    return (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def is_busy(exc: sqlite3.Error) -> bool:
    """Another connection held the lock for longer than this one waited."""
    return error_code(exc) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _read_only_folder(path: Path) -> bool:
    return not os.access(path.parent if str(path.parent) else Path("."), os.W_OK)


def _unreadable(path: Path, exc: sqlite3.Error) -> DatabaseRefused:
    """What SQLite's refusal to read `path` means for a person: not a database, a folder
    it may not write beside (WAL needs -shm there), or damage."""
    code = error_code(exc)
    if code == sqlite3.SQLITE_NOTADB:
        # A smashed header reads as "not a database" too.
        return _refuse(path, "db.not_sqlite_database", damaged=True)
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY) and _read_only_folder(path):
        return _refuse(path, "conc.folder_read_only")
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return _refuse(path, "db.cannot_opened", exc=exc)
    return _refuse(path, "db.file_damaged", exc=exc, damaged=True)


def check_file(path: Path) -> None:
    """Refuse a file that is not a healthy Sala Rounds database of this version or older.

    Reads only, and only through SQLite: nothing is written to a file that fails here,
    and no other descriptor of it is opened and closed under a connection this process
    may hold (that would drop its locks; the header is SQLite's to read).
    """
    if path.is_dir():
        # A folder named by mistake (--db without the file name) ended in a traceback.
        raise _refuse(path, "db.refused_folder")
    if not path.exists() or path.stat().st_size == 0:
        return
    # A read-only connection to a WAL file makes its -wal and -shm and cannot remove them
    # on close: a refused file was left with litter beside it (new-user finding 8).
    sides = [Path(f"{path}{side}") for side in ("-wal", "-shm")]
    made = [side for side in sides if not side.exists()]
    try:
        _check_readable(path)
    except DatabaseRefused:
        _remove_litter(made)
        raise


def _remove_litter(made: list[Path]) -> None:
    """Remove the -wal/-shm a refused check made. Only files that were not there before it,
    and only an empty -wal: no connection of any process can be using them (every open of
    a refused file is refused), and a WAL with content is never thrown away."""
    wal = [side for side in made if side.name.endswith("-wal")]
    if any(side.exists() and side.stat().st_size > 0 for side in wal):
        return
    for side in made:
        side.unlink(missing_ok=True)


def _check_readable(path: Path) -> None:
    from core.migrations import MIGRATIONS, migration_names

    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise _unreadable(path, exc) from None
    # A damaged file's report may quote bytes that are not UTF-8: shown, not raised.
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    try:
        # The first read of the header: a file that is not SQLite fails here (NOTADB).
        conn.execute("PRAGMA schema_version").fetchone()
        ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise _refuse(path, "db.file_damaged_2", ok=ok, damaged=True)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "_sqlite_migrations" not in tables:
            raise _refuse(path, "db.database_another_program")
        if "_sqlite_migrations" in tables:
            applied = {
                r[0]
                for r in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                    (MIGRATIONS.name,),
                )
            }
            if applied - set(migration_names()):
                raise _newer(path)
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc) from None
    except UnicodeDecodeError:
        # SQLite's own message quoted damaged bytes (a mangled schema, say).
        raise _refuse(path, "db.file_damaged_unreadable_text", damaged=True) from None
    finally:
        conn.close()


def _newer(path: Path) -> DatabaseRefused:
    return _refuse(path, "db.made_newer_version_sala_rounds")


def check_writable(path: Path) -> None:
    """Refuse, saying so, a database the app could not write: a read-only file, or a folder
    it may not create files in (WAL keeps `-wal` and `-shm` beside the database).

    Without this the file was opened, failed its first write and was called damaged.
    Asked of the operating system by name: nothing is opened.
    """
    if path.exists() and not os.access(path, os.W_OK):
        raise _refuse(path, "conc.file_read_only")
    folder = path.parent if str(path.parent) else Path(".")
    if folder.is_dir() and not os.access(folder, os.W_OK):
        raise _refuse(path, "conc.folder_read_only")


def database_path(db: Database) -> Path | None:
    """The file of the main database of `db` (None in memory): the window's background
    work (ui.ops) opens a connection of its own on it, since SQLite connections stay in
    their thread."""
    name = db.execute("PRAGMA database_list").fetchone()[2]
    return Path(name) if name else None


def open_db(path: Path | str | None = None) -> Database:
    """Open (creating if needed) the database at `path`, migrated and seeded.

    Raises DatabaseRefused, leaving the file untouched, when it is not ours or the app
    could not write it; DatabaseBusy when an upgrade waits too long for another writer.
    """
    path = Path(path) if path is not None else default_db_path()
    check_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    check_writable(path)
    note_opened(path)
    wait = lock_wait_seconds()
    conn = sqlite3.connect(str(path), timeout=wait, isolation_level=None)
    # No sqlite-utils plugin installed on the machine may hook into our connections (and
    # looking for them read every installed package's metadata: 25 ms per start).
    db = Database(conn, execute_plugins=False)
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
        # WAL keeps readers and one writer from blocking each other, and survives a kill.
        _use_wal(db, wait)
        db.execute("PRAGMA synchronous = NORMAL")
        upgrade(db, path)
    except sqlite3.OperationalError as exc:
        conn.close()
        if is_busy(exc):
            raise DatabaseBusy.of(path, wait) from None
        raise _unreadable(path, exc) from None
    except BaseException:
        conn.close()
        raise
    return db


def _use_wal(db: Database, wait: float) -> None:
    """Switch the file to WAL, waiting for other processes up to `wait` seconds.

    A file still in the rollback journal (new, or made by an old version) needs an
    exclusive lock to switch, and SQLite refuses that at once, without its busy wait, while
    another process holds any lock: two processes opening such a file at once had one of
    them end in "database is locked". Asked again until the other lets go.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def upgrade(db: Database, path: Path | None = None) -> None:
    """Apply the pending migrations, all in one BEGIN IMMEDIATE.

    What is pending is asked again under the write lock: two processes opening an older
    file at once both succeed, the second finding nothing left to do. One transaction
    for the whole upgrade, so a failure leaves the file at the version it had.
    """
    from core.migrations import MIGRATIONS, migration_names

    if not _needs_upgrade(db):
        return
    known = set(migration_names())
    with transaction(db):
        MIGRATIONS.ensure_migrations_table(db)
        applied = {m.name for m in MIGRATIONS.applied(db)}
        if applied - known and path is not None:
            raise _newer(path)  # a newer app upgraded it since check_file looked
        step = _InTransaction(db.conn)
        for migration in MIGRATIONS.pending(db):
            if not migration.transactional:  # VACUUM and the like: not in this transaction
                raise RuntimeError(f"{migration.name} must run inside the upgrade")
            with db.atomic():
                migration.fn(step)
                MIGRATIONS._record_applied(db, migration.name)


def _needs_upgrade(db: Database) -> bool:
    """A read without the write lock: a file already at this version (every open but the
    first after an update) never waits for another writer here."""
    from core.migrations import MIGRATIONS

    if not db["_sqlite_migrations"].exists():
        return True
    return bool(MIGRATIONS.pending(db))


class _InTransaction(Database):
    """The database as a migration sees it: `executescript` runs its statements one by one.

    sqlite3's executescript commits the open transaction first; the upgrade must stay one
    transaction from the first migration to the last.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(conn, execute_plugins=False)

    def executescript(self, sql: str) -> sqlite3.Cursor:  # type: ignore[override]
        cursor = self.conn.cursor()
        for statement in _statements(sql):
            cursor.execute(statement)
        return cursor


def _statements(script: str) -> list[str]:
    """The statements of an SQL script, each whole (a trigger's body keeps its `;`)."""
    out, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\n;"):
                out.append(pending)
            pending = ""
    if pending.strip(" \t\n;"):
        out.append(pending)
    return out


def open_memory() -> Database:
    """A migrated, seeded in-memory database (tests and benchmarks)."""
    db = Database(sqlite3.connect(":memory:", isolation_level=None), execute_plugins=False)
    db.execute("PRAGMA foreign_keys = ON")
    upgrade(db)
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
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
            # Waited the whole busy timeout: say who holds the lock, not "database is locked".
            raise DatabaseBusy.of(database_path(db), lock_wait_seconds()) from None
        raise
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


@contextmanager
def snapshot(db: Database) -> Iterator[Database]:
    """Read as of one moment: a deferred transaction (WAL: it never waits for a writer,
    and no writer waits for it) whose reads all see the same committed state.

    A reader that compares two things (an audit row and the record it vouches for) must
    not see one of a writer's commits between them. Inside an open transaction it reads
    that transaction's state.
    """
    if db.conn.in_transaction:
        yield db
        return
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")  # it wrote nothing


def new_id() -> str:
    """Keys of records another laptop may send later are UUIDs."""
    return str(uuid.uuid4())


_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))  # version 4
_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))  # the RFC 4122 variant


def new_ids(n: int) -> list[str]:
    """`n` new random (version 4) UUIDs at once, for bulk writers.

    The same UUIDs as `new_id`, from one read of the OS's random source and one hex
    conversion: a fifth of the time of 100,000 `uuid4()` calls (benchmark, issue 8).
    """
    raw = bytearray(os.urandom(16 * n))
    # Every UUID's version and variant bytes at once, through translation tables.
    raw[6::16] = raw[6::16].translate(_VERSION_4)
    raw[8::16] = raw[8::16].translate(_VARIANT)
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
