"""Restoring a backup: validate it, keep the current file as a copy, replace it."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from core.audit import verify_chain
from core.backup import backup_to
from core.errors import DatabaseRefused, InvalidInput
from core.instance import window_open_on
from core.users import Actor, require_actor, script_actor


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
