"""import-rounds and export rounds (DOMAIN.md section 8).

Every row of an import file is a final round. The whole file is checked
before anything is written, and written in one transaction: one bad row and
nothing changes. The same point, date, time and inspector is the same round,
so importing a file twice adds nothing the second time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path

from sqlite_utils import Database

from core.bulk import cycle_collector_paused
from core.calendar import fiscal_year, now, parse_date, parse_time
from core.csvfile import file_digest, read_table, write_rows
from core.db import new_ids, transaction
from core.errors import InvalidInput, SalaError
from core.i18n import Phrase, joined
from core.records import Covers
from core.users import current_actor, require
from inspection.points import get_point, list_points
from inspection.rounds import (
    RoundFacts,
    audit_batch,
    check_round,
    next_batch,
    record_round,
    round_digester,
    standard_uuid,
)
from inspection.standard import Standard, check_score, current_standard

ITEM_COLUMNS = tuple(f"i{n}" for n in range(1, 21))
ROUND_COLUMNS = ("point", "date", "time", "inspector", *ITEM_COLUMNS, "note")
# export rounds ends each row with the round's id; an import accepts the column and
# ignores it, so an export imports back unchanged (DOMAIN.md section 8).
EXPORT_COLUMNS = (*ROUND_COLUMNS, "id")


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
    with cycle_collector_paused():
        return _import_rounds(db, path, source)


def _import_rounds(db: Database, path: Path, source: str) -> ImportResult:
    table = read_table(Path(path), ROUND_COLUMNS[:-1])

    # SQLite's default page cache (2 MB) is smaller than the indexes a big import
    # updates on a database of years; a larger one for this transaction only.
    saved_cache = db.conn.execute("PRAGMA cache_size").fetchone()[0]
    db.conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
    try:
        return _write(db, path, table, source)
    finally:
        db.conn.execute(f"PRAGMA cache_size = {int(saved_cache)}")


IMPORT_CACHE_KIB = -64 * 1024  # negative: a size in KiB, not in pages


def _present(db: Database, parsed: list) -> dict[tuple[int, str, str], list[tuple]]:
    """The final rounds already here at the file's (point id, minute, inspector) keys:
    (uuid, scores, note) of each, for the file's rows."""
    spans: dict[tuple[int, int], tuple[str, str]] = {}
    for point, at, _, fy, _, _, _ in parsed:
        low, high = spans.get((point.id, fy), (at, at))
        spans[(point.id, fy)] = (min(low, at), max(high, at))
    present: dict[tuple[int, str, str], list[tuple]] = {}
    for (point_id, fy), (low, high) in spans.items():
        # The whole prefix of index rounds_point_year, then a range on inspected_at.
        for at, inspector, uid, scores, note in db.conn.execute(
            "SELECT inspected_at, inspector, uuid, scores, note FROM rounds"
            " WHERE point_id = ? AND fiscal_year = ? AND status = 'final'"
            " AND inspected_at BETWEEN ? AND ? ORDER BY finalized_at, id",
            (point_id, fy, low, high),
        ):
            present.setdefault((point_id, at, inspector), []).append((uid, scores, note))
    return present


def _refuse_differing(point, at: str, number: int, have: tuple, scores: str, note: str) -> None:
    """A row for a final round already here with other content: DOMAIN.md 3, a final round
    is never edited; it is corrected, with a reason, by a new round that supersedes it."""
    uid, old_scores, old_note = have
    items = [str(n) for n, (a, b) in enumerate(zip(old_scores, scores, strict=True), start=1)
             if a != b]  # fmt: skip
    parts = [Phrase("rounds_csv.what.scores", items=", ".join(items))] if items else []
    if old_note != note:
        parts.append(Phrase("rounds_csv.what.note"))
    what = joined(parts, Phrase("rounds_csv.and"))
    when = at.replace("T", " ")
    field = "i" + items[0] if items else "note"
    # No uid: the row it clashes with is an earlier row of the same file.
    raise InvalidInput(
        "rounds_csv.final_round_differs" if uid else "rounds_csv.earlier_row_differs",
        field=field,
        row=number,
        code=point.code,
        when=when,
        uid=uid,
        what=what,
    )


def _write(db: Database, path: Path, table: tuple[list[str], list], source: str) -> ImportResult:
    added = skipped = 0
    covers = Covers()
    with transaction(db):
        # Checked and read under the write lock: a second import of the same file (a
        # scheduled job and a person at once) waits here, then sees the first one's
        # rounds; a standard or point changed (or a restore) meanwhile is the one used.
        std = current_standard(db)
        if len(std.items) != len(ITEM_COLUMNS):
            raise InvalidInput("rounds_csv.current_standard_items_file_20", len=len(std.items))
        parsed = _check_rows(db, *table, std)
        present = _present(db, parsed)
        batch = next_batch(db)
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        actor = current_actor(db).username
        digest_round = round_digester(standard_uuid(db, std.id), source, stamp, actor)
        # New uuids handed out in ascending order: the uuid index then takes them in one
        # sweep instead of a page-cache miss per round (still random version-4 uuids).
        uuids = iter(sorted(new_ids(len(parsed))))
        pending: list[tuple] = []
        digests = covers.entries.setdefault("rounds", {})  # filled here: 100,000 adds cost
        for point, at, inspector, fy, (encoded, total, passed, failed), note, number in parsed:
            key = (point.id, at, inspector)
            if key in present:
                # The same round again is skipped (a second import adds nothing); the same
                # key with other scores is refused, never silently dropped.
                if not any((s, n) == (encoded, note) for _, s, n in present[key]):
                    _refuse_differing(point, at, number, present[key][-1], encoded, note)
                skipped += 1
                continue
            present[key] = [("", encoded, note)]
            added += 1
            if failed:
                # A failing item opens corrective actions: the one-round path does that.
                # Rows before it go in first, so rounds keep the file's order.
                _insert_rounds(db, pending)
                pending.clear()
                record_round(
                    db, point, datetime.fromisoformat(at), inspector, [int(c) for c in encoded],
                    note=note, source=source, standard=std, batch=batch, covers=covers,
                )  # fmt: skip
                continue
            uid = next(uuids)
            pending.append(
                (uid, point.id, std.id, at, fy, inspector, encoded, total, passed, note, source,
                 stamp, stamp, actor, batch)
            )  # fmt: skip
            digests[uid] = digest_round(uid, point.uuid, at, fy, inspector, encoded, total,
                                        passed, note)  # fmt: skip
        _insert_rounds(db, pending)
        if added:
            detail = {"file": Path(path).name, "skipped": skipped}
            audit_batch(db, "import", batch, file_digest(Path(path)), detail, covers)
    return ImportResult(added=added, skipped=skipped)


_INSERT = (
    "INSERT INTO rounds(uuid, point_id, standard_id, inspected_at, fiscal_year, inspector,"
    " status, scores, total, passed, note, source, created_at, finalized_at, recorded_by,"
    " audit_batch) VALUES (?, ?, ?, ?, ?, ?, 'final', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _insert_rounds(db: Database, rows: list[tuple]) -> None:
    if rows:
        db.conn.executemany(_INSERT, rows)


_DIGIT_VALUES = bytes.maketrans(b"0123456789", bytes(range(10)))


def _check_rows(
    db: Database, header: list[str], rows: list[tuple[int, list[str]]], std: Standard
) -> list:
    """(point, minute, inspector, fiscal year, (scores, total, passed, failed), note, row
    number) per row.

    Each row is checked by inspection.rounds.check_round, as a round typed in the window
    or received in a sync file is. The first bad row raises, naming its row and field,
    in Thai and English. Cells are read by position: a row's four leading cells and its
    20 scores each in one C call.
    """
    column = {name: at for at, name in enumerate(header)}  # a repeated name: the last, as ever
    leading = itemgetter(*(column[c] for c in ("point", "date", "time", "inspector")))
    item_cells = itemgetter(*(column[c] for c in ITEM_COLUMNS))
    note_at = column.get("note")
    points = {p.code: p for p in list_points(db, active_only=False)}
    # Parsed once per distinct text.
    days: dict[str, tuple[str, int]] = {}
    times: dict[str, str] = {}
    scores_ok = _score_pattern(std)
    present = now()
    parsed = []
    for number, row in rows:
        try:
            raw_point, raw_day, raw_time, inspector = leading(row)
            point = points.get(raw_point.upper()) or get_point(db, raw_point)
            if raw_day not in days:
                day = parse_date(raw_day)
                days[raw_day] = (day.isoformat(), fiscal_year(day))
            day_iso, fy = days[raw_day]
            if raw_time not in times:
                times[raw_time] = parse_time(raw_time).strftime("%H:%M")
            stamp = f"{day_iso}T{times[raw_time]}"
            cells = item_cells(row)
            joined = "".join(cells)
            if len(joined) != len(cells) or not scores_ok.fullmatch(joined):
                # Thai digits, or a bad cell: read cell by cell (core.values), naming it.
                joined = "".join(str(check_score(row[column[c]], std.max_score, field=c))
                                 for c in ITEM_COLUMNS)  # fmt: skip
            # ASCII digits by now: their bytes less b"0", in one C call (map(int) was a
            # quarter of this loop).
            scores = tuple(joined.encode("ascii").translate(_DIGIT_VALUES))
            note = "" if note_at is None else row[note_at]
            facts = RoundFacts("", point.uuid, datetime.fromisoformat(stamp), inspector, scores,
                               note)  # fmt: skip
            v = check_round(facts, std, present=present)
        except SalaError as exc:
            raise exc.at_row(number) from None
        verdict = (joined, v.total, int(v.passed), v.failed_items)
        parsed.append((point, stamp, inspector, fy, verdict, note, number))
    return parsed


def export_rounds(
    db: Database, fy: int, path: Path, progress: Callable[[int, int], None] | None = None
) -> int:
    """The final rounds of fiscal year `fy`, oldest first, as import-rounds reads them.

    A round superseded by a correction is left out: the file holds the record
    that counts, so importing it into an empty database scores the same year.
    """
    rows = db.execute(
        "SELECT p.code, r.inspected_at, r.inspector, r.scores, r.note, r.uuid FROM rounds r"
        " JOIN points p ON p.id = r.point_id"
        " WHERE r.fiscal_year = ? AND r.status = 'final'"
        " AND NOT EXISTS (SELECT 1 FROM rounds c"
        "                 WHERE c.supersedes = r.uuid AND c.status = 'final')"
        " ORDER BY r.inspected_at, p.code, r.id",
        [fy],
    ).fetchall()

    def out():
        for code, at, inspector, scores, note, uid in rows:
            stamp = datetime.fromisoformat(at)
            yield [code, stamp.date().isoformat(), f"{stamp:%H:%M}", inspector, *scores, note,
                   uid]  # fmt: skip

    return write_rows(Path(path), EXPORT_COLUMNS, out(), progress)
