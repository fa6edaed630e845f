"""Anchors: what the same machine does without Sala Rounds, measured in the same run.

Each figure of the benchmark is divided by its anchor (issue 19 point 7), so that a
slow machine or a busy day moves both and the ratio says what our code costs:

- `bare_import`: the rows the 100,000-row import added, inserted again with plain
  `sqlite3` `executemany` into a fresh copy of the same decade database (same tables,
  indexes and triggers, same connection settings as the import, the rows in the order
  the import wrote them, one transaction), in a fresh process; the clock runs from
  BEGIN to COMMIT only: the database's own work.
- `bare_seeks`: 27 index seeks with plain `sqlite3` on the decade database, one per
  active point: the latest final round of the year through `rounds_point_year`, what
  the year's score reads at the least; warm, median.

`python -m bench.anchors insert TARGET SOURCE MARKS` is the bare insert's child process.
This module imports nothing of the app's: the anchors must stay bare.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
IMPORT_CACHE_KIB = -64 * 1024  # the cache the import uses for its transaction


def rowid_marks(path: Path) -> dict[str, int]:
    """The highest rowid of every table (0 when empty): rows above it are new."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = [
            name
            for name, wr in conn.execute(
                "SELECT name, wr FROM pragma_table_list WHERE schema = 'main' AND type = 'table'"
            )
            if not name.startswith("sqlite_") and not wr  # WITHOUT ROWID tables: none today
        ]
        return {t: conn.execute(f'SELECT COALESCE(MAX(rowid), 0) FROM "{t}"').fetchone()[0]
                for t in tables}  # fmt: skip
    finally:
        conn.close()


def added_rows(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Tables that gained rows: their rowid mark before the import."""
    return {t: mark for t, mark in before.items() if after.get(t, mark) > mark}


def bare_import(run: Any, runs: int = 3) -> tuple[float, str]:
    """Seconds for plain sqlite3 to insert the rows the import added (see the module):
    the median of `runs` fresh processes, each on a fresh copy of the decade."""
    source, marks = run.made["import"]
    seconds, cpu = [], []
    for n in range(runs):
        target = run.copy(run.decade_db, run.work / f"bare-import-{n}.db")
        cmd = [sys.executable, "-m", "bench.anchors", "insert", str(target), str(source),
               json.dumps(marks)]  # fmt: skip
        out = subprocess.run(cmd, cwd=ROOT, env=run.env(), capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"bare insert failed ({out.returncode}):\n{out.stderr[-2000:]}")
        got = json.loads(out.stdout.strip().splitlines()[-1])
        seconds.append(got["seconds"])
        cpu.append(got["cpu"])
        for path in target.parent.glob(target.name + "*"):
            path.unlink()
    rows = ", ".join(f"{n:,} {t}" for t, n in got["rows"].items())
    spread = f"{min(seconds):.2f}-{max(seconds):.2f} s"
    run.made["bare_import_cpu"] = statistics.median(cpu)
    return statistics.median(seconds), (
        f"executemany of {rows}, BEGIN to COMMIT, median of {runs} ({spread},"
        f" CPU {statistics.median(cpu):.2f} s)"
    )


def insert(target: Path, source: Path, marks: dict[str, int]) -> None:
    conn = sqlite3.connect(str(target), timeout=30, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA cache_size = {IMPORT_CACHE_KIB}")
    conn.execute("ATTACH DATABASE ? AS src", (f"{source.resolve().as_uri()}?mode=ro",))
    batches = []
    for table, mark in marks.items():
        rows = conn.execute(f'SELECT * FROM src."{table}" WHERE rowid > ? ORDER BY rowid', (mark,))
        columns = ", ".join(f'"{d[0]}"' for d in rows.description)
        batches.append((table, columns, rows.fetchall()))
    conn.execute("DETACH DATABASE src")
    t0, cpu0 = time.perf_counter(), time.process_time()
    conn.execute("BEGIN IMMEDIATE")
    for table, columns, rows in batches:
        marks_ = ", ".join("?" * len(rows[0]))
        conn.executemany(f'INSERT INTO main."{table}" ({columns}) VALUES ({marks_})', rows)
    conn.execute("COMMIT")
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    conn.close()
    rows = {t: len(r) for t, _, r in batches}
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rows": rows}))


SEEK = (
    "SELECT id, scores, total, passed FROM rounds"
    " WHERE point_id = ? AND fiscal_year = ? AND status = 'final'"
    " ORDER BY inspected_at DESC LIMIT 1"
)


def bare_seeks(run: Any) -> tuple[float, str]:
    """Milliseconds for 27 index seeks on the decade database (see the module)."""
    conn = sqlite3.connect(f"{run.decade_db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        fy = run.last_fy
        points = [r[0] for r in conn.execute("SELECT id FROM points WHERE active = 1 ORDER BY id")]
        plan = conn.execute("EXPLAIN QUERY PLAN " + SEEK, (points[0], fy)).fetchall()
        assert any("rounds_point_year" in str(step) for step in plan), plan

        def seeks() -> None:
            for point in points:
                conn.execute(SEEK, (point, fy)).fetchone()

        seeks()  # warm, as the score is
        samples = []
        for _ in range(run.repeat_score):
            t0 = time.perf_counter()
            seeks()
            samples.append((time.perf_counter() - t0) * 1000)
    finally:
        conn.close()
    return statistics.median(samples), f"{len(points)} seeks, median of {len(samples)}"


if __name__ == "__main__":
    if sys.argv[1:2] == ["insert"]:
        insert(Path(sys.argv[2]), Path(sys.argv[3]), json.loads(sys.argv[4]))
    else:
        raise SystemExit("usage: python -m bench.anchors insert TARGET SOURCE MARKS")
