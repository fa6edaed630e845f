"""`uv run python -m bench [--quick] [--json]`: the figures of issue 8, side by side.

Timings are medians of repeated runs in this process (or of child processes for
start-up); nothing here asserts a time. `--json` prints one object on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bench.generate import decade_years, insert_rounds, rounds_csv
from core.db import open_db

GOALS = {
    "score_ms_decade": 5,
    "import_100k_rows_s": 5,
    "bytes_per_round": 400,
}


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def figures(work: Path, quick: bool) -> dict[str, float]:
    out: dict[str, float] = {}
    years = decade_years()[-3:] if quick else decade_years()
    decade = work / "decade.db"
    db = open_db(decade)
    t0 = time.perf_counter()
    n = insert_rounds(db, years, per_day=4)
    print(
        f"generated {n:,} rounds over {len(years)} fiscal years in {time.perf_counter() - t0:.1f} s"
    )

    from inspection.rounds import deciding_rounds

    out["score_ms_decade"] = round(_median_ms(lambda: deciding_rounds(db, years[-1]), 15), 2)

    rows = 20_000 if quick else 100_000
    csv = work / "import.csv"
    codes = [r[0] for r in db.execute("SELECT code FROM points ORDER BY code")]
    rounds_csv(csv, rows, date(2011, 1, 1), codes)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = _size(decade)
    from inspection.csv_io import import_rounds

    t0 = time.perf_counter()
    result = import_rounds(db, csv)
    elapsed = time.perf_counter() - t0
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    out["import_100k_rows_s"] = round(elapsed * 100_000 / rows, 2)
    out["bytes_per_round"] = round((_size(decade) - before) / result.added, 1)
    db.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller data, under 5 minutes")
    parser.add_argument("--json", action="store_true", help="one JSON object on the last line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = figures(Path(tmp), args.quick)
    print(f"machine: {os.cpu_count()} cores; {'quick' if args.quick else 'full'} run")
    for key, value in result.items():
        goal = GOALS.get(key)
        verdict = "" if goal is None else ("meets" if value <= goal else "MISSES")
        print(f"{key:22} {value:>10}   goal <= {goal}  {verdict}")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
