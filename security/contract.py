"""The guard contract's terms: its shifts (and which the contract requires, with how
many guards) and the posts the guards cover (DOMAIN.md section 7)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from core.audit import audit
from core.db import transaction
from core.errors import InvalidInput
from core.users import require


@dataclass(frozen=True)
class Shift:
    code: str
    name_th: str
    name_en: str
    required_guards: int
    required: bool

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en


def shifts(db: Database, *, required_only: bool = False) -> list[Shift]:
    sql = "SELECT code, name_th, name_en, required_guards, required FROM guard_shifts"
    if required_only:
        sql += " WHERE required = 1"
    return [Shift(*r[:4], bool(r[4])) for r in db.execute(sql + " ORDER BY sort")]


def posts(db: Database) -> list[str]:
    return [
        r[0] for r in db.execute("SELECT name_th FROM guard_posts WHERE active = 1 ORDER BY id")
    ]


def check_shift(db: Database, code: str) -> str:
    value = (code or "").strip().lower()
    if value not in {s.code for s in shifts(db)}:
        known = ", ".join(s.code for s in shifts(db))
        raise InvalidInput(
            f"ไม่รู้จักผลัด «{code}» (ใช้ {known})",
            f"unknown shift «{code}» (use {known})",
            field="shift",
        )
    return value


def set_contract(
    db: Database, shift_rules: dict[str, tuple[bool, int]], post_names: Sequence[str]
) -> None:
    """The office sets which shifts the contract requires, their headcount, and the posts."""
    require(db, "settings.edit")
    known = {s.code for s in shifts(db)}
    for code, (_, guards) in shift_rules.items():
        if code not in known:
            check_shift(db, code)
        if guards < 0:
            raise InvalidInput("จำนวนคนต้องไม่ติดลบ", "headcount must not be negative",
                               field="required")  # fmt: skip
    names = [n.strip() for n in post_names if n.strip()]
    with transaction(db):
        # The audit row keeps the contract as it was, so a change can be read both ways.
        before = {"shifts": {s.code: [s.required, s.required_guards] for s in shifts(db)},
                  "posts": posts(db)}  # fmt: skip
        for code, (required, guards) in shift_rules.items():
            db.execute(
                "UPDATE guard_shifts SET required = ?, required_guards = ? WHERE code = ?",
                [int(required), guards, code],
            )
        db.execute("UPDATE guard_posts SET active = 0")
        for name in names:
            db.execute(
                "INSERT INTO guard_posts(name_th, active) VALUES (?, 1)"
                " ON CONFLICT(name_th) DO UPDATE SET active = 1",
                [name],
            )
        audit(db, "set_contract", "guard_contract", "contract", before,
              {"shifts": {k: list(v) for k, v in shift_rules.items()}, "posts": names})  # fmt: skip
