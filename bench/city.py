"""`uv run python -m bench.city [--buildings 50] [--cache DIR] [--hub [--pg URL]]`: scale.

Without --hub: fifty district offices of 27 points each in one database for one fiscal
year (1,350 points), as one laptop would hold them. With --hub: the city hub (issue 18),
fifty offices each with a laptop database of its own year, sent as sync files to one
PostgreSQL; it prints the files received per second, the whole city's `hub score` time,
the city PDF's time, and each office's score computed on its own SQLite side by side.
Prints what was measured (docs/scaling.md writes it down); nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.__main__ import LAST_FY, _database, _median_ms, _probe, machine
from bench.generate import city


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.city")
    parser.add_argument("--buildings", type=int, default=50)
    parser.add_argument("--cache", type=Path, help="keep and reuse the generated database here")
    parser.add_argument("--hub", action="store_true", help="the city hub on PostgreSQL")
    parser.add_argument("--pg", help="an empty database for --hub (default: a throwaway cluster)")
    parser.add_argument("--workers", type=int, default=2, help="receivers at once (--hub)")
    args = parser.parse_args()
    if args.hub:
        from bench.city_hub import run_hub

        run_hub(args.buildings, args.cache, args.pg, args.workers)
        return
    print(f"Sala Rounds, city scale: {args.buildings} buildings; {machine()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="sala-city-") as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        import bench.__main__ as bench_main

        bench_main.PYCACHE = cache / "pycache"
        path = _database(
            cache, f"city-{args.buildings}-{LAST_FY}",
            lambda db: city(db, LAST_FY, buildings=args.buildings),
        )  # fmt: skip
        report(path)


def report(path: Path) -> None:
    from core.db import open_db
    from core.integrity import check
    from inspection.indicator import ladder_rows, restroom_indicator
    from inspection.points import list_points
    from summary.score import annual_score

    db = open_db(path)
    points = list_points(db)
    print(f"points: {len(points):,}; file {path.stat().st_size / 2**20:.0f} MB")
    ms = _median_ms(lambda: annual_score(db, LAST_FY), 9)
    print(f"score of FY {LAST_FY}: {ms:.1f} ms (median of 9, warm)")
    ind = restroom_indicator(db, LAST_FY)
    print(
        f"points passing {ind.points_passing:,} of {ind.points_total:,} -> points level"
        f" {ind.points_level}; reasons listed under 'what is needed': {len(ind.needs):,}"
    )
    for row in ladder_rows(len(points)):
        print(f"  ladder level {row.level}: {row.condition_en}")
    t0 = time.perf_counter()
    healthy = check(db, quick=True).ok
    print(f"start-up health check: {time.perf_counter() - t0:.1f} s (ok={healthy})")
    db.close()

    from inspection.points import normalise_code

    # A point of another building than the first (codes B02-F1-01 ...).
    sample = max((p.code for p in points if p.code.startswith("B")), default=points[-1].code)
    print(f"Round page, typing the code {sample}: understood as {normalise_code(sample)}")
    first = []
    for _ in range(3):
        t0 = time.time()
        first.append(_probe("startup", "app", str(path))["painted"] - t0)
    print(f"first paint of the main window: {statistics.median(first) * 1000:.0f} ms (median of 3)")
    got = _probe("pages", str(path))
    opened = ", ".join(f"{name} {ms:.0f}" for name, ms in got["pages_ms"].items())
    print(f"first opening of each page, ms: {opened}")
    print(f"peak memory after opening every page: {got['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
