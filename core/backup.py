"""Backups with SQLite's backup API, restore with a safety copy, and `check`.

A backup is a consistent copy even while the app writes (the backup API reads
a snapshot); each carries the audit chain's head hash in its meta table.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlite_utils import Database

from core import coverage
from core.audit import audit, head_hash, verify_chain
from core.calendar import now, today
from core.errors import DatabaseRefused, InvalidInput
from core.i18n import tr
from core.users import Actor, require, require_actor, script_actor

KEEP_DAYS = 14


def backup_to(db: Database, out: Path) -> str:
    """Copy the open database to `out` (replacing it); returns the head hash it carries."""
    out = Path(out)
    (_, _, own_file) = db.execute("PRAGMA database_list").fetchone()
    if own_file and out.resolve() == Path(own_file).resolve():
        # Replacing the live file under its own open connection is no backup at all.
        raise InvalidInput(
            tr("backup.out_is_database", "th", out=out),
            tr("backup.out_is_database", "en", out=out),
            field="--out",
        )
    tmp = out.with_name(out.name + ".partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        dst = sqlite3.connect(str(tmp))
    except (OSError, sqlite3.Error) as exc:
        # As 'sync export' says of the same: bad input naming --out, not a traceback.
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InvalidInput(
            tr("backup.cannot_write", "th", out=out, reason=reason),
            tr("backup.cannot_write", "en", out=out, reason=reason),
            field="--out",
        ) from None
    head = head_hash(db)
    try:
        db.conn.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
        dst.execute(
            "INSERT INTO meta(key, value) VALUES ('backup_audit_head', ?), ('backup_at', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [head, now().isoformat()],
        )
        dst.commit()
    finally:
        dst.close()
    tmp.replace(out)
    return head


def backups_dir(db_path: Path) -> Path:
    return Path(db_path).parent / "backups"


def _backup_name(day: date) -> str:
    return f"sala-rounds-{day.isoformat()}.db"


def daily_backup(db: Database, db_path: Path) -> Path | None:
    """At the first open of a day, back up and prune: the last 14 days and one per month."""
    folder = backups_dir(db_path)
    target = folder / _backup_name(today())
    if target.exists():
        return None
    backup_to(db, target)
    prune(folder)
    return target


def prune(folder: Path) -> list[Path]:
    dated = []
    for p in folder.glob("sala-rounds-*.db"):
        try:
            dated.append((date.fromisoformat(p.stem.removeprefix("sala-rounds-")), p))
        except ValueError:
            continue
    dated.sort()
    keep = {p for _, p in dated[-KEEP_DAYS:]}
    first_of_month: dict[tuple[int, int], Path] = {}
    for d, p in dated:
        first_of_month.setdefault((d.year, d.month), p)
    keep |= set(first_of_month.values())
    removed = [p for _, p in dated if p not in keep]
    for p in removed:
        p.unlink()
    return removed


def validate_backup(source: Path) -> Path:
    """Refuse (DatabaseRefused / InvalidInput) a file that is not a Sala Rounds backup."""
    from core.db import check_file

    source = Path(source)
    if not source.exists():
        raise InvalidInput(f"ไม่พบไฟล์ {source}", f"no file {source}", field="file")
    check_file(source)
    probe = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master")}
        if "rounds" not in tables or "meta" not in tables:
            raise DatabaseRefused(
                f"ไฟล์ {source.name} ไม่ใช่ข้อมูลสำรองของ Sala Rounds",
                f"{source.name} is not a Sala Rounds backup",
            )
    finally:
        probe.close()
    return source


@dataclass(frozen=True)
class BackupInfo:
    """What a person should see before a backup replaces today's data."""

    backup_at: str  # when the backup was taken (local time, ISO), "" if unknown
    head: str  # the audit chain's head hash the backup carries
    chain_ok: bool  # the backup's own audit chain verifies
    rounds: int
    last_change: str  # the time of the newest audit row (UTC, ISO), "" if none


def backup_info(source: Path) -> BackupInfo:
    """Validate `source` (refusing it like restore would) and describe it, reading only."""
    source = validate_backup(source)
    conn = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        probe = Database(conn)
        meta = dict(probe.execute("SELECT key, value FROM meta").fetchall())
        rounds = probe.execute("SELECT COUNT(*) FROM rounds").fetchone()[0]
        chain_ok, head, last = True, "", ""
        # A backup from before the audit trail existed has no history to verify; restoring
        # it migrates it like any older file.
        if probe["audit_log"].exists():
            chain = verify_chain(probe)
            chain_ok, head = chain.ok, chain.head
            last = probe.execute("SELECT MAX(at) FROM audit_log").fetchone()[0] or ""
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused(
            f"อ่านไฟล์ {source.name} ไม่ได้ ({exc})", f"cannot read {source.name} ({exc})"
        ) from None
    finally:
        conn.close()
    return BackupInfo(
        backup_at=meta.get("backup_at", ""),
        head=meta.get("backup_audit_head", head),
        chain_ok=chain_ok,
        rounds=rounds,
        last_change=last,
    )


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        import ctypes

        # os.kill(pid, 0) would end the process on Windows: ask for a handle instead.
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return kernel32.WaitForSingleObject(handle, 0) == 0x102  # WAIT_TIMEOUT: running
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def window_open_on(db_path: Path) -> Path | None:
    """The lock file of a Sala Rounds window open on `db_path` in another process, if any.

    The window holds a QLockFile `<db>.lock` (ui.app) whose lines are its pid, the
    application name and the host name. The command line may not import Qt, so it
    reads that file: a lock left by a process that is gone (a crash) does not count,
    and one from another computer (a shared folder) counts, since it cannot be asked.
    """
    lock = Path(str(db_path) + ".lock")
    try:
        lines = lock.read_text(encoding="utf-8", errors="replace").splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return None
    if pid == os.getpid():
        return None  # this process's own window is restoring
    host = lines[2] if len(lines) > 2 else ""
    if host and host != socket.gethostname():
        return lock
    return lock if _alive(pid) else None


def restore_from(db_path: Path, source: Path, actor: Actor | None = None) -> Path:
    """Replace the database at `db_path` with `source` after validating it.

    The current file is kept beside it as a safety copy; a corrupt or foreign
    source is refused and nothing changes. The restore itself is the first
    audit row after the backup's history, naming who restored what. `actor`
    defaults to the operating-system account, as every command-line action.
    Returns the safety copy's path.
    """
    from core.db import open_db
    from core.users import act_as

    actor = actor or script_actor()
    require_actor(actor, "backup.restore")
    source = validate_backup(source)
    lock = window_open_on(Path(db_path))
    if lock is not None:
        # The window would go on with what it read from the old file, over the new one.
        raise DatabaseRefused(
            f"ฐานข้อมูลนี้เปิดอยู่ในหน้าต่างโปรแกรม โปรดปิดก่อนกู้คืน (ไฟล์ล็อก {lock})",
            f"the database is open in a Sala Rounds window; close it before restoring"
            f" (lock file {lock})",
        )
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    safety = Path(db_path).with_name(f"{Path(db_path).stem}.before-restore-{stamp}.db")
    previous_head = None
    if Path(db_path).exists():
        try:
            current = open_db(db_path)
        except DatabaseRefused:
            # A damaged current file cannot be read through SQLite: keep its bytes as they are.
            shutil.copy2(db_path, safety)
        else:
            try:
                previous_head = backup_to(current, safety)
            finally:
                current.close()
    src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    dst = sqlite3.connect(str(db_path))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    restored = open_db(db_path)  # migrates an older backup to today's schema
    try:
        act_as(restored, actor)
        # One audit row, first of the new device's chain: who restored what, from where.
        new_device_identity(
            restored,
            before={"audit_head": previous_head, "kept_as": str(safety)},
            after={"from": str(source)},
        )
    finally:
        restored.close()
    return safety


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
    import json

    from core.audit import audit, head_hash, local_device
    from core.db import new_id, transaction

    old = local_device(db)
    head = head_hash(db, old)
    new = new_id()
    with transaction(db):
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


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    problems: list[str]
    head: str


def check(db: Database, *, against: str | None = None, quick: bool = False) -> CheckResult:
    """Integrity, foreign keys and the audit chain; `against` a head hash anchored earlier."""
    problems: list[str] = []
    pragma = "quick_check" if quick else "integrity_check"
    result = db.execute(f"PRAGMA {pragma}").fetchone()[0]
    if result != "ok":
        problems.append(f"ไฟล์เสียหาย: {result}\nthe file is damaged: {result}")
    fk = db.execute("PRAGMA foreign_key_check").fetchall()
    if fk:
        where = f"{fk[0][0]} #{fk[0][1]} -> {fk[0][2]}"
        problems.append(f"ข้อมูลอ้างอิงขาดหาย: {where}\nbroken reference: {where}")
    chain = verify_chain(db)
    if not chain.ok:
        bad = chain.first_bad_id
        problems.append(f"ประวัติการแก้ไขถูกเปลี่ยนแปลง เริ่มที่แถว {bad}\naudit chain broken at row {bad}")
    problems.extend(coverage.problems(db))
    if against:
        anchored = verify_chain(db, up_to_hash=against)
        if not anchored.ok:
            short = against[:12]
            problems.append(
                f"ประวัติก่อนรหัส {short}… ถูกเขียนใหม่หรือหายไป\n"
                f"history up to {short}… was rewritten or is missing"
            )
    return CheckResult(ok=not problems, problems=problems, head=chain.head)


# --- the quick check at open -------------------------------------------------------------

ALERT_KEY = "open_check_alert"


@dataclass(frozen=True)
class CheckAlert:
    """A failed open-time check that no administrator has acknowledged yet."""

    first_seen: str  # UTC, ISO
    last_seen: str
    problems: list[str]


def pending_alert(db: Database) -> CheckAlert | None:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [ALERT_KEY]).fetchone()
    if row is None:
        return None
    data = json.loads(row[0])
    return CheckAlert(data["first_seen"], data["last_seen"], list(data["problems"]))


def _backup_problem(db: Database, db_path: Path) -> str | None:
    """Take the day's backup; a failure (disk full, folder not writable) is described."""
    try:
        daily_backup(db, db_path)
    except (OSError, sqlite3.Error, InvalidInput) as exc:  # InvalidInput: cannot write there
        folder = backups_dir(db_path)
        return (
            f"สำรองข้อมูลประจำวันไม่สำเร็จ ({folder}): {exc}\nthe daily backup failed ({folder}): {exc}"
        )
    return None


def _record_alert(db: Database, problems: list[str]) -> None:
    from core.db import transaction

    prior = pending_alert(db)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    alert = {
        "first_seen": prior.first_seen if prior else stamp,
        "last_seen": stamp,
        "problems": problems,
    }
    with transaction(db):
        db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [ALERT_KEY, json.dumps(alert, ensure_ascii=False)],
        )


def open_check(db: Database, db_path: Path | None = None) -> CheckResult:
    """The checks the app runs at open, kept until an administrator has seen them.

    With `db_path`, the day's automatic backup is taken first; a backup that
    cannot be written must not keep the office from working, so it becomes one
    of the problems instead of an error.

    The app opens before anyone signs in, so the person at the keyboard may be an
    inspector: a failure is recorded in `meta` (the app's own bookkeeping, not a
    user's change) and shown to the next administrator who signs in, at this
    start or a later one. A later clean check does not erase it: what was wrong
    once still needs a person to look.
    """
    backup_problem = _backup_problem(db, db_path) if db_path is not None else None
    result = check(db, quick=True)
    if backup_problem is not None:
        result = CheckResult(False, [backup_problem, *result.problems], result.head)
    if not result.ok:
        _record_alert(db, result.problems)
    return result


def keep_daily_backup(db: Database, db_path: Path) -> bool:
    """For a window left open past midnight: the new day's backup, or an alert if it fails.

    Returns whether the backup is in place (taken now or earlier today).
    """
    problem = _backup_problem(db, db_path)
    if problem is not None:
        _record_alert(db, [problem])
    return problem is None


def acknowledge_alert(db: Database) -> None:
    """An administrator has read the alert: drop it, and say so in the audit trail."""
    from core.db import transaction

    require(db, "check.acknowledge")
    alert = pending_alert(db)
    if alert is None:
        return
    with transaction(db):
        audit(db, "acknowledge", "check", ALERT_KEY,
              {"first_seen": alert.first_seen, "problems": alert.problems}, None)  # fmt: skip
        db.execute("DELETE FROM meta WHERE key = ?", [ALERT_KEY])
