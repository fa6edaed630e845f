"""The audit trail: one row per change, in the change's own transaction, hash-chained.

Each row's hash covers its content and the previous row's hash, so editing or
deleting a past row breaks the chain from that row on. Every device (laptop)
keeps its own chain (`device_id`); rows received in a sync file join their
device's chain unchanged, so each chain verifies on every laptop that holds it.
The chain's head hash is printed on signed summaries and stored in backups;
`check --against HASH` then tells whether history up to that point was rewritten.

A row names the actor, the actor's role and where the action came from (`via`:
window, cli, sync, migration), and in `covers` the digest of every record the action
wrote (core.records, checked by core.coverage). Rows written before m016 have none
of these and keep verifying by the formula they were written with (`format` 1).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from core.actors import current_actor

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def row_hash(prev: str, at: str, actor: str, action: str, kind: str, uuid: str,
             before: str, after: str) -> str:  # fmt: skip
    """The hash of a row of the first format (before m016): it verifies by this formula."""
    payload = _canonical([prev, at, actor, action, kind, uuid, before, after])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


FORMAT = 2  # rows written now: the actor's role, where the action came from, what it covers


def row_hash_v2(prev: str, at: str, actor: str, role: str, via: str, action: str, kind: str,
                uuid: str, before: str, after: str, covers: str | None) -> str:  # fmt: skip
    payload = _canonical([FORMAT, prev, at, actor, role, via, action, kind, uuid, before, after,
                          covers])  # fmt: skip
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def expected_hash(row: Any, prev: str) -> str:
    """What a row's hash must be, by the formula of its format (an AuditRow or a dict)."""
    get = row.get if isinstance(row, dict) else (lambda name, default=None: getattr(row, name))
    fmt = get("format", 1) or 1
    if fmt not in (1, FORMAT):
        return "unknown format"
    if fmt == 1:
        return row_hash(prev, get("at"), get("actor"), get("action"), get("kind"),
                        get("record_uuid"), get("before"), get("after"))  # fmt: skip
    return row_hash_v2(prev, get("at"), get("actor"), get("role"), get("via"), get("action"),
                       get("kind"), get("record_uuid"), get("before"), get("after"),
                       get("covers"))  # fmt: skip


def local_device(db: Database) -> str:
    return db.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0]


def per_device(db: Database) -> bool:
    """Whether the file has one chain per device (m009); an older backup read as it is
    (without migrating it) has a single chain."""
    return any(r[1] == "device_id" for r in db.execute("PRAGMA table_info(audit_log)"))


def head_hash(db: Database, device: str | None = None) -> str:
    """The last hash of a device's chain (this laptop's unless named)."""
    if not per_device(db):
        row = db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else GENESIS
    row = db.execute(
        "SELECT hash FROM audit_log WHERE device_id = ? ORDER BY id DESC LIMIT 1",
        [device or local_device(db)],
    ).fetchone()
    return row[0] if row else GENESIS


_INSERT = (
    "INSERT INTO audit_log(at, actor, role, via, action, kind, record_uuid, before, after,"
    " covers, format, prev_hash, hash, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _covers_text(covers: Any) -> str | None:
    if covers is None:
        return None
    if isinstance(covers, str):
        return covers
    return covers.to_json()


def audit(
    db: Database,
    action: str,
    kind: str,
    record_uuid: str,
    before: Any,
    after: Any,
    *,
    covers: Any = None,
    via: str | None = None,
) -> str:
    """Append one audit row; call it inside the transaction of the change it records.

    `covers` (a core.records.Covers, read back after the change) holds the digest of
    every record the change wrote: `check` then proves those records unchanged since.
    `via` overrides where the action came from (a merge of a sync file says "sync").
    """
    return audit_many(db, [(action, kind, record_uuid, before, after, covers)], via=via)


def audit_many(db: Database, entries: Iterable[tuple], *, via: str | None = None,
               actor: Any = None) -> str:  # fmt: skip
    """Append one audit row per (action, kind, record_uuid, before, after[, covers]), chained.

    The same rows `audit` would write one call at a time, for bulk writers (generated
    or imported data) that would otherwise pay a head-hash query per row. Call it
    inside the writer's transaction; returns the new head hash.
    """
    actor = actor or current_actor(db)
    name, role, source = actor.username, actor.role, via or actor.via
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    # The rows join this laptop's chain, as `audit` writes them (m009: a chain per device).
    device = local_device(db)
    prev = head_hash(db, device)
    rows = []
    for action, kind, record_uuid, before, after, *rest in entries:
        b, a = _canonical(before), _canonical(after)
        covers = _covers_text(rest[0] if rest else None)
        digest = row_hash_v2(prev, at, name, role, source, action, kind, record_uuid, b, a,
                             covers)  # fmt: skip
        rows.append((at, name, role, source, action, kind, record_uuid, b, a, covers, FORMAT,
                     prev, digest, device))  # fmt: skip
        prev = digest
    db.conn.executemany(_INSERT, rows)
    return prev


ROW_COLUMNS = (
    "id, at, actor, action, kind, record_uuid, before, after, prev_hash, hash, device_id, role,"
    " via, covers, format"
)

# The fields of an audit row in a sync file (the same row joins its chain on every laptop).
SYNC_FIELDS: dict[str, tuple[type, ...]] = {
    "device_id": (str,), "at": (str,), "actor": (str,), "role": (str,), "via": (str,),
    "action": (str,), "kind": (str,), "record_uuid": (str,), "before": (str,), "after": (str,),
    "covers": (str, type(None)), "format": (int,), "prev_hash": (str,), "hash": (str,),
}  # fmt: skip


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str
    actor: str
    action: str
    kind: str
    record_uuid: str
    before: str
    after: str
    prev_hash: str
    hash: str
    device_id: str = ""
    role: str = ""
    via: str = ""
    covers: str | None = None
    format: int = 1


def rows(
    db: Database,
    *,
    actor: str | None = None,
    kind: str | None = None,
    record_uuid: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 1000,
) -> list[AuditRow]:
    sql = f"SELECT {ROW_COLUMNS} FROM audit_log WHERE 1=1"
    params: list[Any] = []
    for col, val in (("actor", actor), ("kind", kind), ("record_uuid", record_uuid)):
        if val:
            sql += f" AND {col} = ?"
            params.append(val)
    if since:
        sql += " AND at >= ?"
        params.append(since)
    if until:
        sql += " AND at < ?"
        params.append(until)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    return [AuditRow(*r) for r in db.execute(sql, params)]


def actors(db: Database) -> list[str]:
    """Everyone who appears in the trail, in name order (the Audit page's filter)."""
    return [r[0] for r in db.execute("SELECT DISTINCT actor FROM audit_log ORDER BY actor")]


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows: int
    first_bad_id: int | None
    head: str


def chain_report(found: Iterable[AuditRow], up_to_hash: str | None = None) -> ChainReport:
    """Verify one device's chain from its rows in chain order: every row's hash recomputed
    and linked to the one before. The same check wherever the rows are held (a laptop's
    SQLite file, the city hub's PostgreSQL)."""
    prev = GENESIS
    count = 0
    for row in found:
        if row.prev_hash != prev or row.hash != expected_hash(row, prev):
            return ChainReport(False, count, row.id, prev)
        prev = row.hash
        count += 1
        if up_to_hash is not None and row.hash == up_to_hash:
            return ChainReport(True, count, None, prev)
    if up_to_hash is not None and up_to_hash != GENESIS:
        # The anchored hash is nowhere in this valid chain.
        return ChainReport(False, count, None, prev)
    return ChainReport(True, count, None, prev)


def _verify_device(db: Database, device: str | None, up_to_hash: str | None) -> ChainReport:
    """One device's chain; `device` None: the single chain of a file older than m009."""
    if device is None:
        found = db.execute("SELECT * FROM audit_log ORDER BY id")
    else:
        found = db.execute("SELECT * FROM audit_log WHERE device_id = ? ORDER BY id", [device])
    return chain_report((AuditRow(*r) for r in found), up_to_hash)


def devices(db: Database) -> list[str]:
    """Devices with a chain here: this laptop first, then the others in the order they came."""
    local = local_device(db)
    others = [
        r[0]
        for r in db.execute(
            "SELECT device_id FROM audit_log WHERE device_id != ? GROUP BY device_id"
            " ORDER BY MIN(id)",
            [local],
        )
    ]
    return [local, *others]


def verify_chain(db: Database, *, up_to_hash: str | None = None) -> ChainReport:
    """Recompute every row's hash, device by device; the first mismatch names the tampered row.

    With `up_to_hash`, ok means some device's chain holds that hash and is intact up
    to it: history before an anchor printed on a summary or backup was not rewritten.
    `head` is always this laptop's head.
    """
    local = local_device(db)
    total = 0
    head = GENESIS
    chains: list[str | None] = list(devices(db)) if per_device(db) else [None]
    for device in chains:
        report = _verify_device(db, device, up_to_hash)
        if device == local or device is None:
            head = report.head
        if up_to_hash is not None:
            if report.ok:
                return ChainReport(True, report.rows, None, head_hash(db, device or local))
            continue
        if not report.ok:
            return ChainReport(False, total + report.rows, report.first_bad_id, head)
        total += report.rows
    if up_to_hash is not None and up_to_hash != GENESIS:
        return ChainReport(False, total, None, head)
    return ChainReport(True, total, None, head)
