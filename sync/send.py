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

from core.audit import local_device
from core.db import transaction
from core.errors import InvalidInput
from sync.fileformat import FIELDS, write_sync_file
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


def _dicts(db: Database, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    cur = db.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _cols(kind: str, skip: tuple[str, ...] = ()) -> str:
    return ", ".join(f"t.{c}" for c in FIELDS[kind] if c not in skip)


def collect(db: Database, since: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """The content of a sync file: final records (created or changed since `since`).

    Points, standards, questions and plan steps are few and always sent whole, so
    a laptop that missed a file still learns the keys the records point to.
    """
    # Stamps are UTC, dates are Bangkok days: a day earlier never misses a record,
    # and sending a record twice is harmless (the receiver skips it).
    cut = (since - timedelta(days=1)).isoformat() if since else ""
    content: dict[str, list[dict[str, Any]]] = {}
    content["points"] = _dicts(db, f"SELECT {_cols('points')} FROM points t ORDER BY t.uuid")
    standards = _dicts(
        db,
        f"SELECT t.id AS _id, {_cols('standards', ('items',))} FROM standards t ORDER BY t.uuid",
    )
    for std in standards:
        std["items"] = [
            list(r)
            for r in db.execute(
                "SELECT no, grp, text_th, text_en FROM standard_items WHERE standard_id = ?"
                " ORDER BY no",
                [std.pop("_id")],
            )
        ]
    content["standards"] = standards
    content["plan_projects"] = _dicts(
        db, f"SELECT {_cols('plan_projects')} FROM plan_projects t ORDER BY 1, 2"
    )
    content["plan_steps"] = _dicts(
        db, f"SELECT {_cols('plan_steps')} FROM plan_steps t ORDER BY t.uuid"
    )
    content["survey_forms"] = _dicts(
        db, f"SELECT {_cols('survey_forms')} FROM survey_forms t ORDER BY t.created_at, t.key"
    )
    content["survey_questions"] = _dicts(
        db, f"SELECT {_cols('survey_questions')} FROM survey_questions t ORDER BY t.uuid"
    )
    rounds = _dicts(
        db,
        f"SELECT t.id AS _id, {_cols('rounds', ('point', 'standard', 'notes'))},"
        " p.uuid AS point, s.uuid AS standard FROM rounds t"
        " JOIN points p ON p.id = t.point_id JOIN standards s ON s.id = t.standard_id"
        " WHERE t.status = 'final' AND (t.created_at >= ? OR t.finalized_at >= ?)"
        " ORDER BY t.id",
        [cut, cut],
    )
    notes: dict[int, list[list]] = {}
    for round_id, no, note in db.execute(
        "SELECT n.round_id, n.no, n.note FROM round_notes n JOIN rounds r ON r.id = n.round_id"
        " WHERE r.status = 'final' ORDER BY n.round_id, n.no"
    ):
        notes.setdefault(round_id, []).append([no, note])
    for rnd in rounds:
        rnd["notes"] = notes.get(rnd.pop("_id"), [])
    content["rounds"] = rounds
    content["actions"] = _dicts(
        db,
        f"SELECT {_cols('actions', ('point',))}, p.uuid AS point FROM corrective_actions t"
        " JOIN points p ON p.id = t.point_id"
        " WHERE t.created_at >= ? OR t.changed_at >= ? ORDER BY t.id",
        [cut, cut],
    )
    content["survey_responses"] = _dicts(
        db,
        f"SELECT {_cols('survey_responses', ('point',))}, p.uuid AS point"
        " FROM survey_responses t LEFT JOIN points p ON p.id = t.point_id"
        " WHERE t.created_at >= ? ORDER BY t.id",
        [cut],
    )
    content["survey_imports"] = _dicts(
        db,
        f"SELECT {_cols('survey_imports')} FROM survey_imports t WHERE t.imported_at >= ?"
        " ORDER BY t.digest",
        [cut],
    )
    # A report travels when it is new or one of its events was classified since.
    reports = _dicts(
        db,
        f"SELECT t.id AS _id, {_cols('guard_reports', ('events',))} FROM guard_reports t"
        " WHERE t.status = 'signed' AND (t.created_at >= ? OR t.signed_at >= ? OR EXISTS"
        " (SELECT 1 FROM guard_events e WHERE e.report_id = t.id AND e.changed_at >= ?))"
        " ORDER BY t.id",
        [cut, cut, cut],
    )
    for rep in reports:
        rep["events"] = _dicts(
            db,
            f"SELECT {_cols('guard_events')} FROM guard_events t WHERE t.report_id = ?"
            " ORDER BY t.id",
            [rep.pop("_id")],
        )
    content["guard_reports"] = reports
    # Each device's chain in its own order (ids grow along a chain on every laptop).
    content["audit"] = _dicts(
        db,
        f"SELECT {_cols('audit')} FROM audit_log t WHERE t.at >= ? ORDER BY t.device_id, t.id",
        [cut],
    )
    return content


def export_sync(db: Database, out: Path, since: date | None = None) -> ExportResult:
    """Write a `.srsync` file and note it in the sync log (this device's last send)."""
    out = Path(out)
    # Made before the file's transaction, so a first key's audit row travels in the file.
    key = device_key(db)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    with transaction(db):
        device = local_device(db)
        content = collect(db, since)
        try:
            sha = write_sync_file(
                out, device, created, since.isoformat() if since else None, content, key
            )
        except OSError as exc:
            raise InvalidInput(
                f"บันทึกไฟล์ {out} ไม่ได้ ({exc.strerror})",
                f"cannot write {out} ({exc.strerror})",
                field="--out",
            ) from None
        counts = {k: len(v) for k, v in content.items()}
        db.execute(
            "INSERT INTO sync_log(direction, device_id, file_sha256, file_name, file_created_at,"
            " since, done_at, added) VALUES ('sent', ?, ?, ?, ?, ?, ?, ?)",
            [device, sha, out.name, created, since.isoformat() if since else None, created,
             sum(n for k, n in counts.items() if k != "audit")],
        )  # fmt: skip
    return ExportResult(out, sha, counts, key.fingerprint)
