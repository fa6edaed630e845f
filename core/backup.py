"""Backups with SQLite's backup API, restore with a safety copy, and `check`.

A backup is a consistent copy even while the app writes (the backup API reads
a snapshot); each carries the audit chain's head hash in its meta table.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlite_utils import Database

from core.audit import head_hash, verify_batches, verify_chain
from core.calendar import now, today
from core.errors import DatabaseRefused, InvalidInput

KEEP_DAYS = 14


def backup_to(db: Database, out: Path) -> str:
    """Copy the open database to `out` (replacing it); returns the head hash it carries."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    tmp.unlink(missing_ok=True)
    head = head_hash(db)
    dst = sqlite3.connect(str(tmp))
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


def restore_from(db_path: Path, source: Path) -> Path:
    """Replace the database at `db_path` with `source` after validating it.

    The current file is kept beside it as a safety copy; a corrupt or foreign
    source is refused and nothing changes. Returns the safety copy's path.
    """
    from core.db import open_db

    source = validate_backup(source)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    safety = Path(db_path).with_name(f"{Path(db_path).stem}.before-restore-{stamp}.db")
    if Path(db_path).exists():
        try:
            current = open_db(db_path)
        except DatabaseRefused:
            # A damaged current file cannot be read through SQLite: keep its bytes as they are.
            shutil.copy2(db_path, safety)
        else:
            try:
                backup_to(current, safety)
            finally:
                current.close()
    src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    dst = sqlite3.connect(str(db_path))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    restored = open_db(db_path)  # migrate an older backup to today's schema
    try:
        new_device_identity(restored)
    finally:
        restored.close()
    return safety


def new_device_identity(db: Database) -> str:
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
        audit(db, "restore", "device", new, {"device": old, "head": head}, {"device": new})
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
    tampered = verify_batches(db)
    if tampered is not None:
        problems.append(
            f"รอบตรวจที่นำเข้าตามรายการประวัติแถว {tampered} ถูกแก้ไขภายหลัง\n"
            f"rounds imported under audit row {tampered} were changed afterwards"
        )
    if against:
        anchored = verify_chain(db, up_to_hash=against)
        if not anchored.ok:
            short = against[:12]
            problems.append(
                f"ประวัติก่อนรหัส {short}… ถูกเขียนใหม่หรือหายไป\n"
                f"history up to {short}… was rewritten or is missing"
            )
    return CheckResult(ok=not problems, problems=problems, head=chain.head)
