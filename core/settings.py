"""The office's settings (key and value rows): read anywhere, written audited.

Above core.audit and core.db: a setting changes in its own transaction with its audit
row. Below core.users and core.office, whose settings (the idle lock, the office's
name) are written through here.
"""

from __future__ import annotations

from sqlite_utils import Database

from core.audit import audit
from core.db import transaction
from core.records import covering


def get_setting(db: Database, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def set_setting(db: Database, key: str, value: str) -> None:
    with transaction(db):
        before = get_setting(db, key)  # read under the write lock, as every write does
        if before == value:
            return
        db.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )
        audit(db, "set", "setting", key, before, value, covers=covering(db, settings=[key]))
