"""Backups with SQLite's backup API: one on demand, the day's own, and pruning old ones.

A backup is a consistent copy even while the app writes (the backup API reads
a snapshot); each carries the audit chain's head hash in its meta table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from core.audit import head_hash
from core.calendar import now, today
from core.errors import InvalidInput
from core.instance import refuse_database_path

KEEP_DAYS = 14


def backup_to(db: Database, out: Path, progress: Callable[[int, int], None] | None = None) -> str:
    """Copy the open database to `out` (replacing it); returns the head hash it carries.

    `progress(pages done, pages in all)` is called as the copy advances; an exception
    from it (Cancel in the window) stops the copy and leaves no file at `out`.
    """
    out = Path(out)
    refuse_database_path(out, field="--out")  # nor its -wal or -shm, nor another open one
    (_, _, own_file) = db.execute("PRAGMA database_list").fetchone()
    if own_file and out.resolve() == Path(own_file).resolve():
        # Replacing the live file under its own open connection is no backup at all.
        raise InvalidInput("backup.out_is_database", field="--out", out=out)
    tmp = out.with_name(out.name + ".partial")
    try:
        # A folder that is not there is not made: one rule for every --out (README,
        # new-user finding 9); the daily backup makes its own folder.
        tmp.unlink(missing_ok=True)
        dst = sqlite3.connect(str(tmp))
    except (OSError, sqlite3.Error) as exc:
        # As 'sync export' says of the same: bad input naming --out, not a traceback.
        reason = getattr(exc, "strerror", None) or str(exc)
        raise InvalidInput("backup.cannot_write", field="--out", out=out, reason=reason) from None
    head = head_hash(db)

    def step(status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    try:
        # In steps of 4 MB (1,024 pages) when someone watches: Cancel is heard between them.
        db.conn.backup(dst, pages=1024 if progress else -1, progress=step)
        dst.execute("PRAGMA journal_mode = DELETE")
        dst.execute(
            "INSERT INTO meta(key, value) VALUES ('backup_audit_head', ?), ('backup_at', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [head, now().isoformat()],
        )
        dst.commit()
    except BaseException:
        dst.close()
        tmp.unlink(missing_ok=True)
        raise
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
    folder.mkdir(parents=True, exist_ok=True)
    backup_to(db, target)
    prune(folder)
    return target


def _dated(folder: Path) -> list[tuple[date, Path]]:
    """The daily backups in `folder`, oldest first."""
    dated = []
    for p in folder.glob("sala-rounds-*.db"):
        try:
            dated.append((date.fromisoformat(p.stem.removeprefix("sala-rounds-")), p))
        except ValueError:
            continue
    return sorted(dated)


def newest_daily_backup(db_path: Path) -> Path | None:
    """The latest daily backup of the database at `db_path`: what a damaged file's message
    offers to restore (new-user finding 2)."""
    dated = _dated(backups_dir(db_path))
    return dated[-1][1] if dated else None


def prune(folder: Path) -> list[Path]:
    dated = _dated(folder)
    keep = {p for _, p in dated[-KEEP_DAYS:]}
    first_of_month: dict[tuple[int, int], Path] = {}
    for d, p in dated:
        first_of_month.setdefault((d.year, d.month), p)
    keep |= set(first_of_month.values())
    removed = [p for _, p in dated if p not in keep]
    for p in removed:
        p.unlink()
    return removed
