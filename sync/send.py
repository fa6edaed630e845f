"""Send: everything this database holds that another laptop may lack, in one sync file.

Final records only: a draft round is work in progress on this laptop and never
travels. Integer row ids are local, so every reference is written as the UUID
of the record it points to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from core.audit import SYNC_FIELDS, local_device
from core.db import transaction
from core.errors import InvalidInput
from core.office import office
from core.records import SYNCED, Record, carried, rows
from sync.fileformat import write_sync_file
from sync.keys import device_key


@dataclass(frozen=True)
class ExportResult:
    path: Path
    file_sha256: str
    counts: dict[str, int]
    fingerprint: str = ""  # of the key that signed it, to compare on the receiving computer

    @property
    def records(self) -> int:
        return sum(n for kind, n in self.counts.items() if kind != "audit")


def _travelling(rec: Record, row: dict[str, Any]) -> dict[str, Any]:
    """A record as a sync file carries it: its synced fields and its lists."""
    out = {f.name: row[f.name] for f in rec.synced_fields}
    for child in rec.children:
        out[child.name] = [list(x) for x in row[child.name]]
    return out


def collect(db: Database, since: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """The content of a sync file: final records (created or changed since `since`).

    Every kind as core.records describes it. Points, standards, questions and plan
    steps are few and always sent whole, so a laptop that missed a file still learns
    the keys the records point to.
    """
    # Stamps are UTC, dates are Bangkok days: a day earlier never misses a record,
    # and sending a record twice is harmless (the receiver skips it).
    cut = (since - timedelta(days=1)).isoformat() if since else ""
    content: dict[str, list[dict[str, Any]]] = {}
    for rec in SYNCED:
        if rec.inside:
            continue  # travels inside the record that carries it
        where = rec.since if since and rec.since else ""
        found = []
        for row in rows(db, rec, where, {"cut": cut}, order=rec.order):
            record = _travelling(rec, row)
            if rec.nested:
                inner, parent = carried(rec)
                record[rec.nested] = [
                    _travelling(inner, e)
                    for e in rows(db, inner, f"t.{parent.col} = :id", {"id": row["_rowid"]},
                                  order=inner.order)
                ]  # fmt: skip
            found.append(record)
        content[rec.kind] = found
    # Each device's chain in its own order (ids grow along a chain on every laptop).
    cur = db.execute(
        f"SELECT {', '.join(SYNC_FIELDS)} FROM audit_log WHERE at >= ? ORDER BY device_id, id",
        [cut],
    )
    content["audit"] = [dict(zip(SYNC_FIELDS, r, strict=True)) for r in cur.fetchall()]
    return content


def export_sync(db: Database, out: Path, since: date | None = None) -> ExportResult:
    """Write a `.srsync` file and note it in the sync log (this device's last send)."""
    out = Path(out)
    # Made (audited) in a transaction of its own before the file's, so a first key's audit
    # row travels in the file.
    key = device_key(db)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    with transaction(db):
        device = local_device(db)
        content = collect(db, since)
        try:
            sha = write_sync_file(
                out, device, created, since.isoformat() if since else None, content, key,
                office=office(db),
            )  # fmt: skip
        except OSError as exc:
            raise InvalidInput(
                "send.cannot_write", field="--out", out=out, strerror=exc.strerror
            ) from None
        counts = {k: len(v) for k, v in content.items()}
        db.execute(
            "INSERT INTO sync_log(direction, device_id, file_sha256, file_name, file_created_at,"
            " since, done_at, added) VALUES ('sent', ?, ?, ?, ?, ?, ?, ?)",
            [device, sha, out.name, created, since.isoformat() if since else None, created,
             sum(n for k, n in counts.items() if k != "audit")],
        )  # fmt: skip
    return ExportResult(out, sha, counts, key.fingerprint)
