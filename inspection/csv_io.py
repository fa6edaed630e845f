"""import-rounds and export rounds (DOMAIN.md section 8).

Every row of an import file is a final round. The whole file is checked
before anything is written, and written in one transaction: one bad row and
nothing changes. The same point, date, time and inspector is the same round,
so importing a file twice adds nothing the second time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from core.calendar import fiscal_year, now, parse_date, parse_time
from core.csvfile import file_digest, read_rows, write_rows
from core.db import new_ids, transaction
from core.errors import InvalidInput, SalaError
from core.users import current_actor, require
from inspection.points import get_point, list_points
from inspection.rounds import RoundFacts, audit_batch, check_round, next_batch, record_round
from inspection.standard import Standard, check_score, current_standard

ITEM_COLUMNS = tuple(f"i{n}" for n in range(1, 21))
ROUND_COLUMNS = ("point", "date", "time", "inspector", *ITEM_COLUMNS, "note")


@dataclass(frozen=True)
class ImportResult:
    added: int
    skipped: int


def _score_pattern(std: Standard) -> re.Pattern[str]:
    """All items scored in one match: one digit 0..max_score per item."""
    return re.compile(f"[0-{std.max_score}]{{{len(std.items)}}}")


def import_rounds(db: Database, path: Path, *, source: str = "import") -> ImportResult:
    """Check every row, then write the new ones in one transaction (all or nothing).

    100,000 rows take seconds: rows are checked in one pass with what repeats
    cached (points, dates, times), the 20 scores of a row are matched at once and
    checked cell by cell only when that fails (to name the field), the rounds
    already present are read with one indexed range query per point and fiscal
    year instead of one query per row, and new rounds go in with executemany.
    """
    require(db, "rounds.record")
    rows = read_rows(Path(path), ROUND_COLUMNS[:-1])
    std = current_standard(db)
    if len(std.items) != len(ITEM_COLUMNS):
        raise InvalidInput(
            f"เกณฑ์ปัจจุบันมี {len(std.items)} ข้อ ไฟล์นี้มี 20 ข้อ",
            f"the current standard has {len(std.items)} items, the file has 20",
        )
    parsed = _check_rows(db, rows, std)

    # SQLite's default page cache (2 MB) is smaller than the indexes a big import
    # updates on a database of years; a larger one for this transaction only.
    saved_cache = db.conn.execute("PRAGMA cache_size").fetchone()[0]
    db.conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
    try:
        return _write(db, path, parsed, std, source)
    finally:
        db.conn.execute(f"PRAGMA cache_size = {int(saved_cache)}")


IMPORT_CACHE_KIB = -64 * 1024  # negative: a size in KiB, not in pages


def _present(db: Database, parsed: list) -> set[tuple[int, str, str]]:
    """(point id, minute, inspector) of the rounds already here, for the file's rows."""
    spans: dict[tuple[int, int], tuple[str, str]] = {}
    for point, at, _, fy, _, _ in parsed:
        low, high = spans.get((point.id, fy), (at, at))
        spans[(point.id, fy)] = (min(low, at), max(high, at))
    present: set[tuple[int, str, str]] = set()
    for (point_id, fy), (low, high) in spans.items():
        # The whole prefix of index rounds_point_year, then a range on inspected_at.
        for at, inspector in db.conn.execute(
            "SELECT inspected_at, inspector FROM rounds WHERE point_id = ? AND fiscal_year = ?"
            " AND status = 'final' AND inspected_at BETWEEN ? AND ?",
            (point_id, fy, low, high),
        ):
            present.add((point_id, at, inspector))
    return present


def _write(db: Database, path: Path, parsed: list, std: Standard, source: str) -> ImportResult:
    added = skipped = 0
    fingerprints: list[tuple] = []
    with transaction(db):
        # Read under the write lock: a second import of the same file (a scheduled job
        # and a person at once) waits here, then sees the first one's rounds.
        present = _present(db, parsed)
        batch = next_batch(db)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        actor = current_actor(db).username
        # New uuids handed out in ascending order: the uuid index then takes them in one
        # sweep instead of a page-cache miss per round (still random version-4 uuids).
        uuids = iter(sorted(new_ids(len(parsed))))
        pending: list[tuple] = []
        for point, at, inspector, fy, (encoded, total, passed, failed), note in parsed:
            key = (point.id, at, inspector)
            if key in present:
                skipped += 1
                continue
            present.add(key)
            added += 1
            if failed:
                # A failing item opens corrective actions: the one-round path does that.
                # Rows before it go in first, so rounds keep the file's order.
                _insert_rounds(db, pending)
                pending.clear()
                record_round(
                    db, point, datetime.fromisoformat(at), inspector, [int(c) for c in encoded],
                    note=note, source=source, standard=std, batch=batch,
                    fingerprints=fingerprints,
                )  # fmt: skip
                continue
            uid = next(uuids)
            pending.append(
                (uid, point.id, std.id, at, fy, inspector, encoded, total, passed, note, source,
                 stamp, stamp, actor, batch)
            )  # fmt: skip
            fingerprints.append((uid, point.id, at, inspector, "final", encoded, total, passed,
                                 note))  # fmt: skip
        _insert_rounds(db, pending)
        if added:
            digest = file_digest(Path(path))
            detail = {"file": Path(path).name, "skipped": skipped}
            audit_batch(db, "import", batch, digest, detail, fingerprints)
    return ImportResult(added=added, skipped=skipped)


_INSERT = (
    "INSERT INTO rounds(uuid, point_id, standard_id, inspected_at, fiscal_year, inspector,"
    " status, scores, total, passed, note, source, created_at, finalized_at, recorded_by,"
    " audit_batch) VALUES (?, ?, ?, ?, ?, ?, 'final', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _insert_rounds(db: Database, rows: list[tuple]) -> None:
    if rows:
        db.conn.executemany(_INSERT, rows)


def _check_rows(db: Database, rows: list[tuple[int, dict[str, str]]], std: Standard) -> list:
    """(point, minute, inspector, fiscal year, (scores, total, passed, failed), note) per row.

    Each row is checked by inspection.rounds.check_round, as a round typed in the window
    or received in a sync file is. The first bad row raises, naming its row and field,
    in Thai and English.
    """
    points = {p.code: p for p in list_points(db, active_only=False)}
    # Parsed once per distinct text.
    days: dict[str, tuple[str, int]] = {}
    times: dict[str, str] = {}
    scores_ok = _score_pattern(std)
    as_ints: dict[str, tuple[int, ...]] = {}
    present = now()
    parsed = []
    for number, row in rows:
        try:
            raw_point = row["point"]
            point = points.get(raw_point.upper()) or get_point(db, raw_point)
            raw_day = row["date"]
            if raw_day not in days:
                day = parse_date(raw_day)
                days[raw_day] = (day.isoformat(), fiscal_year(day))
            day_iso, fy = days[raw_day]
            raw_time = row["time"]
            if raw_time not in times:
                times[raw_time] = parse_time(raw_time).strftime("%H:%M")
            stamp = f"{day_iso}T{times[raw_time]}"
            cells = [row[c] for c in ITEM_COLUMNS]
            joined = "".join(cells)
            if len(joined) != len(cells) or not scores_ok.fullmatch(joined):
                # Thai digits, or a bad cell: read cell by cell (core.values), naming it.
                joined = "".join(str(check_score(row[c], std.max_score, field=c))
                                 for c in ITEM_COLUMNS)  # fmt: skip
            scores = as_ints.get(joined)
            if scores is None:
                scores = as_ints[joined] = tuple(map(int, joined))
            facts = RoundFacts("", point.uuid, datetime.fromisoformat(stamp), row["inspector"],
                               scores, row.get("note", ""))  # fmt: skip
            v = check_round(facts, std, present=present)
        except SalaError as exc:
            raise exc.at_row(number) from None
        verdict = (joined, v.total, int(v.passed), v.failed_items)
        parsed.append((point, stamp, facts.inspector.strip(), fy, verdict, facts.note.strip()))
    return parsed


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
