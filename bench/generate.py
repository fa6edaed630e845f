"""Deterministic data generators for the benchmarks (and their smoke test).

Rows go in with executemany inside one transaction: the decade (about 394,000
rounds) takes seconds, not minutes. Bulk rows carry a batch audit row like an
import, so `check` still holds on a generated database.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlite_utils import Database

from core.calendar import fiscal_year_range
from core.db import transaction
from inspection.rounds import audit_batch, next_batch
from inspection.standard import current_standard, judge


def _uuids(rng: random.Random) -> Iterator[str]:
    while True:
        yield str(uuid.UUID(int=rng.getrandbits(128), version=4))


def rounds_rows(db: Database, years: list[int], per_day: int, seed: int = 1) -> Iterator[tuple]:
    std = current_standard(db)
    points = [r[0] for r in db.execute("SELECT id FROM points WHERE active = 1 ORDER BY id")]
    rng = random.Random(seed)
    ids = _uuids(rng)
    # A small pool of score strings keeps generation fast while totals still vary.
    pool = []
    for _ in range(256):
        scores = [4 if rng.random() < 0.8 else 3 for _ in range(20)]
        if rng.random() < 0.1:
            scores[rng.randrange(20)] = 1
        v = judge(scores, std.item_min, std.pass_total)
        pool.append(("".join(map(str, scores)), v.total, int(v.passed)))
    for fy in years:
        start, end = fiscal_year_range(fy)
        day = start
        while day <= end:
            for slot in range(per_day):
                at = datetime.combine(day, time(8 + slot * 2, 0)).isoformat(timespec="minutes")
                for pid in points:
                    scores, total, passed = pool[rng.randrange(256)]
                    yield (next(ids), pid, std.id, at, fy, "bench", scores, total, passed)
            day += timedelta(days=1)


def insert_rounds(db: Database, years: list[int], per_day: int, seed: int = 1) -> int:
    count = 0
    with transaction(db):
        batch = next_batch(db)
        rows = rounds_rows(db, years, per_day, seed)
        sql = (
            "INSERT INTO rounds(uuid, point_id, standard_id, inspected_at, fiscal_year, inspector,"
            " status, scores, total, passed, created_at, finalized_at, recorded_by, source,"
            f" audit_batch) VALUES (?, ?, ?, ?, ?, ?, 'final', ?, ?, ?, '', '', 'bench', 'bench',"
            f" {batch})"
        )
        while True:
            chunk = [r for _, r in zip(range(10_000), rows, strict=False)]
            if not chunk:
                break
            db.conn.executemany(sql, chunk)
            count += len(chunk)
        audit_batch(db, "bench", batch, f"bench-{seed}", {"years": years})
    return count


def decade_years(last_fy: int = 2564) -> list[int]:
    return list(range(last_fy - 9, last_fy + 1))


def rounds_csv(path: Path, n: int, start: date, codes: list[str], seed: int = 2) -> None:
    """A rounds CSV of `n` rows at distinct minutes, counting back from `start`."""
    from inspection.csv_io import ROUND_COLUMNS

    rng = random.Random(seed)
    lines = [",".join(ROUND_COLUMNS)]
    moment = datetime.combine(start, time(0, 0))
    for i in range(n):
        moment -= timedelta(minutes=1)
        scores = ",".join("4" if rng.random() < 0.8 else "3" for _ in range(20))
        lines.append(
            f"{codes[i % len(codes)]},{moment:%Y-%m-%d},{moment:%H:%M},csv{i % 7},{scores},"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
