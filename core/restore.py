"""Restoring a backup: check it as `check` does, keep the current file, replace it under lock.

1. The backup is copied (read-only) to a private file, upgraded there to today's schema
   and checked there by `core.integrity.check`, the very function of the `check`
   command (integrity_check, references, audit chains, and whatever it verifies next).
   A backup that fails is refused, naming what failed; nothing is replaced.
2. The database's own write lock is then taken, by SQLite's backup API writing into the
   live file: it holds the lock from its first page to its commit. Under that lock the
   current file is copied to `NAME.before-restore-….db`, the restore's audit row (naming
   that copy and the head it had) is written into the private copy, and the private copy
   replaces the database's content page by page, in place.
3. So no writer, window or command line, commits between the safety copy and the
   replacement: a row committed before is in the safety copy, one committed after is in
   the restored database. Connections other processes hold stay valid and read the
   restored data next; a window notices the new device id and opens the file afresh.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from core.audit import audit, head_hash, local_device
from core.backup import backup_to
from core.calendar import now as bangkok_now
from core.db import (
    check_file,
    check_writable,
    error_code,
    is_busy,
    lock_wait_seconds,
    new_id,
    open_db,
    transaction,
)
from core.errors import DatabaseDamaged, DatabaseRefused, InvalidInput, SalaError
from core.i18n import ByLanguage
from core.instance import DatabaseBusy, alive, refuse_database_path
from core.integrity import check
from core.users import Actor, act_as, os_actor, require_actor

_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
# What SQLite says of a live file it cannot read as a database at all.
_UNREADABLE = (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)


@dataclass(frozen=True)
class BackupInfo:
    """What a person should see before a backup replaces today's data."""

    backup_at: str  # when the backup was taken (local time, ISO), "" if unknown
    head: str  # the audit chain's head hash the backup carries
    rounds: int
    last_change: str  # the time of the newest audit row (UTC, ISO), "" if none


@dataclass
class PreparedBackup:
    """A backup copied to a private file, upgraded and checked: ready to replace a database."""

    source: Path
    copy: Path
    info: BackupInfo
    _folder: Path | None = field(default=None, repr=False)  # a temporary folder to remove

    def accounts(self) -> Database:
        """The checked copy's accounts, read-only: whom a restore over a damaged database
        signs in against (`accounts_for_restore`). The caller closes it."""
        conn = sqlite3.connect(self.copy.resolve().as_uri() + "?mode=ro", uri=True)
        return Database(conn, execute_plugins=False)

    def discard(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(self.copy) + suffix).unlink(missing_ok=True)
        if self._folder is not None:
            try:
                self._folder.rmdir()
            except OSError:
                pass


def accounts_for_restore(db_path: Path) -> str:
    """Whose administrator decides a restore over `db_path` (new-user finding 2).

    "current": the database opens, and one of its own administrators decides that it
    is replaced. "backup": it is damaged (DatabaseDamaged) or not there, its accounts
    gone with it; an administrator of the backup being restored decides, signing in
    against the backup's checked copy (`PreparedBackup.accounts`). That person could
    have copied the backup over the broken file by hand anyway: the restore's checks, its
    safety copy of the damaged file and its audit row are what they gain. Any other
    refusal (a file of a newer app, of another program, a folder) is raised: it is not
    damage a backup repairs, and it has no accounts of ours to sign in against.
    """
    db_path = Path(db_path)
    if not db_path.exists() or (db_path.is_file() and db_path.stat().st_size == 0):
        return "backup"
    try:
        check_file(db_path)
    except DatabaseDamaged:
        return "backup"
    return "current"


def _not_a_backup(source: Path) -> DatabaseRefused:
    return DatabaseRefused("restore.not_sala_rounds_backup", name=source.name)


def validate_backup(source: Path) -> Path:
    """Refuse (DatabaseRefused / InvalidInput) a file that is not a Sala Rounds database.

    The quick part, read-only on the file itself; `prepare_restore` then checks a copy
    of it whole.
    """
    source = Path(source)
    if not source.is_file():
        raise InvalidInput("restore.no_file", field="file", source=source)
    check_file(source)
    probe = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError:
        tables = set()
    finally:
        probe.close()
    if "rounds" not in tables or "meta" not in tables:
        raise _not_a_backup(source)
    return source


def _split(problem: str) -> tuple[str, str]:
    """A problem of `check` is its Thai line, then its English line."""
    lines = problem.split("\n")
    return (lines[0], lines[1]) if len(lines) == 2 else (problem, problem)


def _refuse_failed(source: Path, problems: list[str]) -> DatabaseRefused:
    listed = ByLanguage(lambda lang: "\n".join(_split(p)[lang != "th"] for p in problems))
    return DatabaseRefused("conc.restore_fails_check", file=source.name, problems=listed)


def prepare_restore(source: Path, folder: Path | None = None) -> PreparedBackup:
    """Validate `source` wholly on a private copy in `folder` (a temporary one if None).

    Raises DatabaseRefused naming what failed: not a database, not ours, from a newer
    app, damaged (integrity_check), a broken reference or audit chain, or anything else
    `check` finds. The backup file itself is only read.
    """
    source = validate_backup(source)
    own_folder = None
    if folder is None:
        own_folder = folder = Path(tempfile.mkdtemp(prefix="sala-restore-"))
    _remove_stale_copies(Path(folder))
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    copy = Path(folder) / f"{PRIVATE_PREFIX}{os.getpid()}-{stamp}.db"
    prepared = PreparedBackup(source, copy, BackupInfo("", "", 0, ""), own_folder)
    try:
        _copy_file(source, copy)
        prepared.info = _check_copy(source, copy)
    except BaseException:
        prepared.discard()
        raise
    return prepared


PRIVATE_PREFIX = ".sala-restoring-"


def _remove_stale_copies(folder: Path) -> None:
    """Private copies a killed restore left behind (their process is gone)."""
    for stale in folder.glob(PRIVATE_PREFIX + "*.db*"):
        pid = stale.name.removeprefix(PRIVATE_PREFIX).split("-", 1)[0]
        if pid.isdecimal() and not alive(int(pid)):
            stale.unlink(missing_ok=True)


def _copy_file(source: Path, copy: Path) -> None:
    src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(copy))
    except sqlite3.Error:
        src.close()
        raise
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused("restore.cannot_read", name=source.name, exc=exc) from None
    finally:
        src.close()
        dst.close()


def _damaged(found: object) -> str:
    return f"ไฟล์เสียหาย: {found}\nthe file is damaged: {found}"


def _check_copy(source: Path, copy: Path) -> BackupInfo:
    """Integrity first (as the file came), then upgrade, then every check `check` makes."""
    raw = sqlite3.connect(str(copy))
    raw.text_factory = lambda data: data.decode("utf-8", "replace")  # damage quoted as found
    try:
        result = raw.execute("PRAGMA integrity_check").fetchall()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        result = [(str(exc),)]
    finally:
        raw.close()
    if result != [("ok",)]:
        found = "; ".join(r[0] for r in result[:3])
        raise _refuse_failed(source, [_damaged(found)])
    try:
        db = open_db(copy)  # an older backup is upgraded as any older file
    except DatabaseRefused as exc:  # named by the backup's name, not the private copy's
        th, en = (text.replace(str(copy), source.name) for text in (exc.th, exc.en))
        raise _refuse_failed(source, [f"{th}\n{en}"]) from None
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise _refuse_failed(source, [_damaged(exc)]) from None
    try:
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        recorded = meta.get("backup_audit_head")
        # The head the backup says it carries must be in its own history.
        result = check(db, against=recorded)
        if not result.ok:
            raise _refuse_failed(source, result.problems)
        info = BackupInfo(
            backup_at=meta.get("backup_at", ""),
            head=recorded or result.head,
            rounds=db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0],
            # The backup's own last change: not the rows its upgrade here just wrote (m016's
            # baseline rows, via "migration").
            last_change=db.execute(
                "SELECT MAX(at) FROM audit_log WHERE via != 'migration'"
            ).fetchone()[0]
            or "",
        )
        db.execute("PRAGMA journal_mode = DELETE")
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise _refuse_failed(source, [_damaged(exc)]) from None
    finally:
        db.close()
    return info


def backup_info(source: Path) -> BackupInfo:
    """Validate `source` as restore does (wholly, on a private copy) and describe it."""
    prepared = prepare_restore(source)
    prepared.discard()
    return prepared.info


def restore_from(
    db_path: Path, source: Path, actor: Actor | None = None, *,
    prepared: PreparedBackup | None = None,
) -> Path:  # fmt: skip
    """Replace the database at `db_path` with the backup `source`; returns the safety copy.

    `actor` (default: the operating-system account, as every command-line action) needs
    the right `backup.restore`. A backup that fails `check` is refused and nothing
    changes. `prepared` is a `prepare_restore` of `source` already shown to the person
    (the window asks before it restores); it is used up either way.
    """
    actor = actor or os_actor()
    try:
        require_actor(actor, "backup.restore")
        db_path = Path(db_path)
        refuse_database_path(source, database=db_path)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        check_writable(db_path)
        prepared = prepared or prepare_restore(source, db_path.parent)
        return _replace(db_path, prepared, actor)
    finally:
        if prepared is not None:
            prepared.discard()


def _replace(db_path: Path, prepared: PreparedBackup, actor: Actor) -> Path:
    # Bangkok's time, as the daily backups' names: the system clock's zone may be another
    # (new-user finding 14).
    stamp = bangkok_now().strftime("%Y%m%d-%H%M%S")
    safety = db_path.with_name(f"{db_path.stem}.before-restore-{stamp}.db")
    copy = Database(sqlite3.connect(str(prepared.copy), isolation_level=None))
    act_as(copy, actor)
    after = {"from": str(prepared.source)}
    try:
        if not db_path.exists() or db_path.stat().st_size == 0:
            new_device_identity(copy, before={"audit_head": None, "kept_as": None}, after=after)
            _write_whole(prepared.copy, db_path)
            return safety
        try:
            _replace_under_lock(db_path, prepared.copy, copy, safety, after)
        except sqlite3.DatabaseError as exc:
            if error_code(exc) not in _UNREADABLE or safety.exists():
                raise
            # SQLite cannot read the current file as a database at all: no connection can
            # hold a lock worth keeping on it. Its bytes are kept by moving it aside.
            before = {"audit_head": None, "kept_as": str(safety), "unreadable": str(exc)}
            new_device_identity(copy, before=before, after=after)
            _move_aside(db_path, safety)
            _write_whole(prepared.copy, db_path)
    finally:
        copy.close()
    open_db(db_path).close()  # the restored file opens as the app opens it (WAL)
    return safety


def _replace_under_lock(
    db_path: Path, copy_path: Path, copy: Database, safety: Path, after: dict
) -> None:
    """The private copy into the live file with SQLite's backup API, one page per step.

    The backup holds the live database's write lock from its first step to its commit.
    Its progress callback runs after that first step: the current file is copied to
    `safety` then, under the lock, and the restore's audit row is written into the
    private copy (the backup then starts over from that copy, still holding the lock).
    """
    wait = lock_wait_seconds()
    src = sqlite3.connect(str(copy_path))
    live = sqlite3.connect(str(db_path), timeout=wait, isolation_level=None)
    kept: list[bool] = []

    def under_lock(status: int, remaining: int, total: int) -> None:
        if kept:
            return
        if status in _BUSY:
            raise DatabaseBusy.of(db_path, wait)
        if status == sqlite3.SQLITE_DONE:  # done at the first page: nothing was kept first
            raise RuntimeError("the restore finished before the current file was kept")
        if status != sqlite3.SQLITE_OK:
            return  # an error of the live file: the backup call raises it, nothing written
        head = _keep_current(db_path, safety)
        new_device_identity(copy, before={"audit_head": head, "kept_as": str(safety)},
                            after=after)  # fmt: skip
        kept.append(True)

    try:
        if src.execute("PRAGMA page_count").fetchone()[0] < 2:
            raise _not_a_backup(copy_path)  # one page would be copied before the lock holds
        _match_page_size(live, src)
        src.backup(live, pages=1, progress=under_lock, sleep=0.05)
    except sqlite3.OperationalError as exc:
        if is_busy(exc):
            raise DatabaseBusy.of(db_path, wait) from None
        raise
    finally:
        src.close()
        live.close()


def _match_page_size(live: sqlite3.Connection, src: sqlite3.Connection) -> None:
    """A WAL database takes pages of its own size only: rewrite the copy if they differ."""
    try:
        size = live.execute("PRAGMA page_size").fetchone()[0]
    except sqlite3.DatabaseError:
        return  # the live file is unreadable: the backup's first step will say so
    if src.execute("PRAGMA page_size").fetchone()[0] != size:
        src.execute(f"PRAGMA page_size = {int(size)}")
        src.execute("VACUUM")


def _keep_current(db_path: Path, safety: Path) -> str | None:
    """Copy the current database to `safety` (its head hash, None if it cannot be read).

    Called under the write lock: another connection still reads (WAL), and what it reads
    is the last commit, since no one else can commit now.
    """
    reader = sqlite3.connect(str(db_path), isolation_level=None)
    try:
        try:
            return backup_to(Database(reader), safety)
        except InvalidInput as exc:  # the folder is full or not writable: nothing replaced
            raise SalaError("conc.restore_cannot_keep", path=safety, reason=exc) from None
        except sqlite3.DatabaseError:
            # A damaged file: its pages as they are, without the head it cannot compute.
            out = sqlite3.connect(str(safety))
            try:
                reader.backup(out)
            finally:
                out.close()
            return None
    finally:
        reader.close()


def _write_whole(copy_path: Path, target: Path) -> None:
    src = sqlite3.connect(str(copy_path))
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _move_aside(db_path: Path, safety: Path) -> None:
    """Move an unreadable database (and its WAL) aside by renaming: nothing opens it."""
    db_path.replace(safety)
    wal = Path(str(db_path) + "-wal")
    if wal.exists():
        wal.replace(Path(str(safety) + "-wal"))  # a WAL must never meet another database
    Path(str(db_path) + "-shm").unlink(missing_ok=True)


@dataclass(frozen=True)
class RestoreNote:
    """The last restore, as its audit row tells it: who, when, from which file, what was kept."""

    actor: str
    at: str  # UTC, ISO
    source: str
    kept_as: str


def last_restore(db: Database) -> RestoreNote | None:
    """The restore that gave this database its device id, if it was restored."""
    row = db.execute(
        "SELECT actor, at, before, after FROM audit_log WHERE action = 'restore'"
        " AND record_uuid = (SELECT value FROM meta WHERE key = 'device_id')"
        " ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    before, after = json.loads(row[2]), json.loads(row[3])
    source, kept = str(after.get("from") or ""), str(before.get("kept_as") or "")
    return RestoreNote(row[0], row[1], source, kept)


def new_device_identity(
    db: Database, *, before: dict | None = None, after: dict | None = None
) -> str:
    """Give a restored database a new device id, so its history forks visibly, not silently.

    Other laptops may already hold audit rows this device wrote after the backup was
    taken. Were the restored file to keep writing under the same id, its new rows
    would fork that device's chain, and no laptop could accept them (sync/receive.py
    joins rows only where they continue a chain). Under a new id the old chain stays
    whole (and can even be completed again from the other laptops), and the new one
    starts with a row naming the old device and the head it was restored at.
    """
    new = new_id()
    with transaction(db):
        old = local_device(db)
        head = head_hash(db, old)
        row = db.execute("SELECT value FROM meta WHERE key = 'former_device_ids'").fetchone()
        former = [*(json.loads(row[0]) if row else []), old]
        db.execute(
            "INSERT INTO meta(key, value) VALUES ('former_device_ids', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [json.dumps(former)],
        )
        db.execute("UPDATE meta SET value = ? WHERE key = 'device_id'", [new])
        audit(db, "restore", "database", new, {"device": old, "head": head, **(before or {})},
              {"device": new, **(after or {})})  # fmt: skip
    return new
