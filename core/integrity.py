"""`check`: the file's integrity, its references and its audit chains."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from core.audit import verify_batches, verify_chain


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
