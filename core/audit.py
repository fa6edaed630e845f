"""The audit trail: one row per change, in the change's own transaction, hash-chained.

Each row's hash covers its content and the previous row's hash, so editing or
deleting a past row breaks the chain from that row on. Every device (laptop)
keeps its own chain (`device_id`); rows received in a sync file join their
device's chain unchanged, so each chain verifies on every laptop that holds it.
The chain's head hash is printed on signed summaries and stored in backups;
`check --against HASH` then tells whether history up to that point was rewritten.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def row_hash(prev: str, at: str, actor: str, action: str, kind: str, uuid: str,
             before: str, after: str) -> str:  # fmt: skip
    payload = _canonical([prev, at, actor, action, kind, uuid, before, after])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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


def audit(
    db: Database,
    action: str,
    kind: str,
    record_uuid: str,
    before: Any,
    after: Any,
) -> str:
    """Append one audit row; call it inside the transaction of the change it records."""
    from core.users import current_actor

    actor = current_actor(db).username
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    b, a = _canonical(before), _canonical(after)
    device = local_device(db)
    prev = head_hash(db, device)
    digest = row_hash(prev, at, actor, action, kind, record_uuid, b, a)
    db.execute(
        "INSERT INTO audit_log(at, actor, action, kind, record_uuid, before, after, prev_hash,"
        " hash, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [at, actor, action, kind, record_uuid, b, a, prev, digest, device],
    )
    return digest


def audit_many(db: Database, entries: Iterable[tuple[str, str, str, Any, Any]]) -> str:
    """Append one audit row per (action, kind, record_uuid, before, after), chained in order.

    The same rows `audit` would write one call at a time, for bulk writers (generated
    or imported data) that would otherwise pay a head-hash query per row. Call it
    inside the writer's transaction; returns the new head hash.
    """
    from core.users import current_actor

    actor = current_actor(db).username
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    # The rows join this laptop's chain, as `audit` writes them (m009: a chain per device).
    device = local_device(db)
    prev = head_hash(db, device)
    rows = []
    for action, kind, record_uuid, before, after in entries:
        b, a = _canonical(before), _canonical(after)
        digest = row_hash(prev, at, actor, action, kind, record_uuid, b, a)
        rows.append((at, actor, action, kind, record_uuid, b, a, prev, digest, device))
        prev = digest
    db.conn.executemany(
        "INSERT INTO audit_log(at, actor, action, kind, record_uuid, before, after, prev_hash,"
        " hash, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return prev


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
    sql = "SELECT * FROM audit_log WHERE 1=1"
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
        expected = row_hash(
            prev, row.at, row.actor, row.action, row.kind, row.record_uuid, row.before, row.after
        )
        if row.prev_hash != prev or row.hash != expected:
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


_DIGEST_COLS = "uuid, point_id, inspected_at, inspector, status, scores, total, passed, note"


def digest_rounds(rows: Iterable[tuple]) -> str:
    """SHA-256 over round fingerprints (the columns of _DIGEST_COLS), in uuid order."""
    h = hashlib.sha256()
    for row in sorted(rows, key=lambda r: r[0]):
        h.update(repr(tuple(row)).encode("utf-8"))
    return h.hexdigest()


def batch_digests(db: Database, batch: int | None = None) -> dict[int, str]:
    """Digest of each bulk batch's rounds as stored now (all batches in one pass).

    Streams: SQLite hands the rows over sorted by batch and uuid (the order
    digest_rounds hashes in), so memory stays flat however many rounds there are.
    Collecting them first made the start-up check peak at about 250 MB on a
    database of ten years (benchmark, issue 8).
    """
    sql = f"SELECT audit_batch, {_DIGEST_COLS} FROM rounds WHERE audit_batch IS NOT NULL"
    params: list = []
    if batch is not None:
        sql += " AND audit_batch = ?"
        params.append(batch)
    hashers: dict[int, Any] = {}
    for row in db.execute(sql + " ORDER BY audit_batch, uuid", params):
        h = hashers.get(row[0])
        if h is None:
            h = hashers[row[0]] = hashlib.sha256()
        h.update(repr(row[1:]).encode("utf-8"))
    return {k: h.hexdigest() for k, h in hashers.items()}


def verify_batches(db: Database) -> int | None:
    """Id of the first bulk-batch audit row whose rounds no longer match its digest."""
    digests = batch_digests(db)
    # Rounds received from another laptop carry no local batch (their integer ids
    # differ there), so their batch rows have nothing to check here. This device's
    # batches are always checked; a former device id's (before a restore, see
    # core.restore.new_device_identity) where rounds here still name the batch.
    if not per_device(db):
        batch_rows = db.execute("SELECT id, after FROM audit_log WHERE kind = 'rounds_batch'")
    else:
        batch_rows = db.execute(
            "SELECT id, after FROM audit_log a WHERE kind = 'rounds_batch' AND (device_id = ?"
            " OR (device_id IN (SELECT j.value FROM meta, json_each(meta.value) j"
            "     WHERE meta.key = 'former_device_ids')"
            "     AND EXISTS (SELECT 1 FROM rounds r WHERE r.audit_batch = a.id))) ORDER BY id",
            [local_device(db)],
        )
    for row_id, after in batch_rows:
        recorded = json.loads(after).get("content_sha256")
        if digests.get(row_id, "") != recorded:
            return row_id
    return None
