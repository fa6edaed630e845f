"""The audit trail: one row per change, in the change's own transaction, hash-chained.

Each row's hash covers its content and the previous row's hash, so editing or
deleting a past row breaks the chain from that row on. The chain's head hash
is printed on signed summaries and stored in backups; `check --against HASH`
then tells whether history up to that point was rewritten.
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


def head_hash(db: Database) -> str:
    row = db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
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
    prev = head_hash(db)
    digest = row_hash(prev, at, actor, action, kind, record_uuid, b, a)
    db.execute(
        "INSERT INTO audit_log(at, actor, action, kind, record_uuid, before, after, prev_hash,"
        " hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [at, actor, action, kind, record_uuid, b, a, prev, digest],
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
    prev = head_hash(db)
    rows = []
    for action, kind, record_uuid, before, after in entries:
        b, a = _canonical(before), _canonical(after)
        digest = row_hash(prev, at, actor, action, kind, record_uuid, b, a)
        rows.append((at, actor, action, kind, record_uuid, b, a, prev, digest))
        prev = digest
    db.conn.executemany(
        "INSERT INTO audit_log(at, actor, action, kind, record_uuid, before, after, prev_hash,"
        " hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows: int
    first_bad_id: int | None
    head: str


def verify_chain(db: Database, *, up_to_hash: str | None = None) -> ChainReport:
    """Recompute every row's hash in order; the first mismatch names the tampered row."""
    prev = GENESIS
    count = 0
    for r in db.execute("SELECT * FROM audit_log ORDER BY id"):
        row = AuditRow(*r)
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
        # The anchored hash is nowhere in a valid chain: history before it was rewritten.
        return ChainReport(False, count, None, prev)
    return ChainReport(True, count, None, prev)


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
    for row_id, after in db.execute(
        "SELECT id, after FROM audit_log WHERE kind = 'rounds_batch' ORDER BY id"
    ):
        recorded = json.loads(after).get("content_sha256")
        if digests.get(row_id, "") != recorded:
            return row_id
    return None
