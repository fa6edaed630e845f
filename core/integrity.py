"""`check`: the file's integrity, its references and its audit chains."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from sqlite_utils import Database

from core import coverage
from core.audit import verify_chain
from core.db import snapshot


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    problems: list[str]
    head: str


def check(db: Database, *, against: str | None = None, quick: bool = False) -> CheckResult:
    """Integrity, foreign keys and the audit chain; `against` a head hash anchored earlier.

    Restore runs this very function on a backup before it replaces anything (core.restore):
    whatever it finds wrong, restore refuses. A file too damaged to read through is a
    problem found, not an error raised.
    """
    # One snapshot for all of it: a writer committing meanwhile (the window beside a
    # command-line `check`) must not show a record without the audit row it came with.
    with snapshot(db):
        return _check(db, against, quick)


def _check(db: Database, against: str | None, quick: bool) -> CheckResult:
    problems: list[str] = []
    pragma = "quick_check" if quick else "integrity_check"
    result = _pragma_text(db, pragma)
    if result != "ok":
        problems.append(_damaged(result))
    head = ""
    try:
        fk = db.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            where = f"{fk[0][0]} #{fk[0][1]} -> {fk[0][2]}"
            problems.append(f"ข้อมูลอ้างอิงขาดหาย: {where}\nbroken reference: {where}")
        chain = verify_chain(db)
        head = chain.head
        if not chain.ok:
            bad = chain.first_bad_id
            problems.append(
                f"ประวัติการแก้ไขถูกเปลี่ยนแปลง เริ่มที่แถว {bad}\naudit chain broken at row {bad}"
            )
        problems.extend(coverage.problems(db))
        if against:
            anchored = verify_chain(db, up_to_hash=against)
            if not anchored.ok:
                short = against[:12]
                problems.append(
                    f"ประวัติก่อนรหัส {short}… ถูกเขียนใหม่หรือหายไป\n"
                    f"history up to {short}… was rewritten or is missing"
                )
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        problems.append(_damaged(exc))
    return CheckResult(ok=not problems, problems=problems, head=head)


def _damaged(found: object) -> str:
    return f"ไฟล์เสียหาย: {found}\nthe file is damaged: {found}"


def _pragma_text(db: Database, pragma: str) -> str:
    """The first line of an integrity pragma: its report may quote damaged bytes that are
    not UTF-8, which must be shown, not raised."""
    saved = db.conn.text_factory
    db.conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    try:
        return db.execute(f"PRAGMA {pragma}").fetchone()[0]
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        return str(exc)
    finally:
        db.conn.text_factory = saved
