"""What the Sync page shows: per source device, when it last sent and what came in."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from core.audit import local_device
from sync.receive import Conflict, SyncResult


@dataclass(frozen=True)
class DeviceStatus:
    device_id: str
    is_this: bool
    last_sent: str | None  # when its latest file here was made (this device: its latest send)
    last_received: str | None  # when this laptop last imported a file of it
    files: int
    added: int
    updated: int
    skipped: int
    conflicts: int


def device_statuses(db: Database) -> list[DeviceStatus]:
    """This device first, then every device a file came from, latest first."""
    me = local_device(db)
    sent = db.execute(
        "SELECT MAX(done_at), COUNT(*), COALESCE(SUM(added), 0) FROM sync_log"
        " WHERE direction = 'sent' AND device_id = ?",
        [me],
    ).fetchone()
    out = [DeviceStatus(me, True, sent[0], None, sent[1], sent[2], 0, 0, 0)]
    for row in db.execute(
        "SELECT device_id, MAX(file_created_at), MAX(done_at), COUNT(*), SUM(added),"
        " SUM(updated), SUM(skipped), SUM(conflicts) FROM sync_log"
        " WHERE direction = 'received' GROUP BY device_id ORDER BY MAX(done_at) DESC"
    ):
        if row[0] == me:
            # A file this laptop made, brought back: its figures join this device's row.
            out[0] = DeviceStatus(me, True, out[0].last_sent, row[2], out[0].files + row[3],
                                  out[0].added + row[4], row[5], row[6], row[7])  # fmt: skip
            continue
        out.append(DeviceStatus(row[0], False, *row[1:]))
    return out


def last_import(db: Database) -> SyncResult | None:
    """The latest received file as the sync log recorded it, for a page opened later."""
    row = db.execute(
        "SELECT device_id, file_sha256, file_created_at, detail FROM sync_log"
        " WHERE direction = 'received' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    detail = json.loads(row[3])
    result = SyncResult(row[0], row[1], row[2], added=detail.get("added", {}),
                        updated=detail.get("updated", {}), skipped=detail.get("skipped", {}),
                        held_back=detail.get("held_back", {}),
                        held_back_records=detail.get("held_back_records", {}),
                        trusted_now=detail.get("trusted_now"))  # fmt: skip
    me = local_device(db)
    for kind, uuid, label, kept, lost, kept_device in db.execute(
        "SELECT kind, record_uuid, label, kept, lost, kept_device FROM sync_history"
        " WHERE file_sha256 = ? ORDER BY id",
        [row[1]],
    ):
        winner = "local" if kept_device == me else "remote"
        result.conflicts.append(
            Conflict(kind, uuid, label, winner, json.loads(kept), json.loads(lost))
        )
    return result
