"""import-rounds and export rounds (DOMAIN.md section 8).

Every row of an import file is a final round. The whole file is checked
before anything is written, and written in one transaction: one bad row and
nothing changes. The same point, date, time and inspector is the same round,
so importing a file twice adds nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from core.calendar import fiscal_year, now, parse_date, parse_time
from core.csvfile import file_digest, read_rows, write_rows
from core.db import transaction
from core.errors import InvalidInput, SalaError
from core.users import require
from inspection.points import get_point, list_points
from inspection.rounds import audit_batch, next_batch, record_round
from inspection.standard import check_score, current_standard

ITEM_COLUMNS = tuple(f"i{n}" for n in range(1, 21))
ROUND_COLUMNS = ("point", "date", "time", "inspector", *ITEM_COLUMNS, "note")


@dataclass(frozen=True)
class ImportResult:
    added: int
    skipped: int


def import_rounds(db: Database, path: Path, *, source: str = "import") -> ImportResult:
    require(db, "rounds.record")
    rows = read_rows(Path(path), ROUND_COLUMNS[:-1])
    std = current_standard(db)
    if len(std.items) != len(ITEM_COLUMNS):
        raise InvalidInput(
            f"เกณฑ์ปัจจุบันมี {len(std.items)} ข้อ ไฟล์นี้มี 20 ข้อ",
            f"the current standard has {len(std.items)} items, the file has 20",
        )
    parsed = []
    points = {p.code: p for p in list_points(db, active_only=False)}
    fast_scores = {str(n): n for n in range(std.max_score + 1)}
    moment = now()
    for number, row in rows:
        try:
            point = points.get(row["point"].strip().upper()) or get_point(db, row["point"])
            day = parse_date(row["date"])
            at = datetime.combine(day, parse_time(row["time"]))
            if at > moment:
                raise InvalidInput(
                    "เวลาตรวจยังมาไม่ถึง", "the inspection time is in the future", field="time"
                )
            inspector = row["inspector"].strip()
            if not inspector:
                raise InvalidInput("โปรดระบุชื่อผู้ตรวจ", "give the inspector's name", field="inspector")
            scores = [
                fast_scores.get(row[c]) if row[c] in fast_scores else check_score(row[c], field=c)
                for c in ITEM_COLUMNS
            ]
        except SalaError as exc:
            raise exc.at_row(number) from None
        parsed.append((point, at, inspector, scores, row.get("note", "")))

    added = skipped = 0
    seen: set[tuple[int, str, str]] = set()
    fingerprints: list[tuple] = []
    with transaction(db):
        batch = next_batch(db)
        for point, at, inspector, scores, note in parsed:
            key = (point.id, at.isoformat(timespec="minutes"), inspector)
            # fiscal_year and status complete the prefix of index rounds_point_year,
            # so the lookup is one seek instead of a walk over the point's history.
            exists = (
                key in seen
                or db.conn.execute(
                    "SELECT 1 FROM rounds WHERE point_id = ? AND fiscal_year = ?"
                    " AND status = 'final' AND inspected_at = ? AND inspector = ?",
                    (point.id, fiscal_year(at.date()), key[1], inspector),
                ).fetchone()
            )
            if exists:
                skipped += 1
                continue
            seen.add(key)
            record_round(
                db,
                point,
                at,
                inspector,
                scores,
                note=note,
                source=source,
                standard=std,
                batch=batch,
                fingerprints=fingerprints,
            )
            added += 1
        if added:
            digest = file_digest(Path(path))
            detail = {"file": Path(path).name, "skipped": skipped}
            audit_batch(db, "import", batch, digest, detail, fingerprints)
    return ImportResult(added=added, skipped=skipped)


def export_rounds(db: Database, fy: int, path: Path) -> int:
    """The final rounds of fiscal year `fy`, oldest first, as import-rounds reads them.

    A round superseded by a correction is left out: the file holds the record
    that counts, so importing it into an empty database scores the same year.
    """
    rows = db.execute(
        "SELECT p.code, r.inspected_at, r.inspector, r.scores, r.note FROM rounds r"
        " JOIN points p ON p.id = r.point_id"
        " WHERE r.fiscal_year = ? AND r.status = 'final'"
        " AND NOT EXISTS (SELECT 1 FROM rounds c"
        "                 WHERE c.supersedes = r.uuid AND c.status = 'final')"
        " ORDER BY r.inspected_at, p.code, r.id",
        [fy],
    ).fetchall()

    def out():
        for code, at, inspector, scores, note in rows:
            stamp = datetime.fromisoformat(at)
            yield [code, stamp.date().isoformat(), f"{stamp:%H:%M}", inspector, *scores, note]

    return write_rows(Path(path), ROUND_COLUMNS, out())
