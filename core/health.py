"""The check at open and the day's backup; a problem waits for an administrator to see it."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from core.audit import audit
from core.backup import backups_dir, daily_backup
from core.errors import InvalidInput
from core.integrity import CheckResult, check
from core.users import require

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

    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    with transaction(db):
        prior = pending_alert(db)  # under the lock: two checks at once keep the first sighting
        alert = {
            "first_seen": prior.first_seen if prior else stamp,
            "last_seen": stamp,
            "problems": problems,
        }
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
    with transaction(db):
        alert = pending_alert(db)  # under the lock: acknowledged once, audited once
        if alert is None:
            return
        audit(db, "acknowledge", "check", ALERT_KEY,
              {"first_seen": alert.first_seen, "problems": alert.problems}, None)  # fmt: skip
        db.execute("DELETE FROM meta WHERE key = ?", [ALERT_KEY])
