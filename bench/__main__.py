"""`uv run python -m bench [--quick] [--json] [--cache DIR]`: the seven figures of issue 8.

Each figure is measured side by side in one run, never asserted in a test:

- startup_ratio: a fresh process to the first paint of the main window (office
  year database), divided by the same for a bare QMainWindow; pairs run in turn,
  the median of the pairs' ratios;
- score_ms_decade: `annual_score` (what `score` prints) of the last fiscal year on
  the decade database, warm, median;
- annual_pdf_s: `main.py report annual` on the office year, a fresh process each
  time (imports and font loading included), median;
- import_100k_rows_s: `main.py import-rounds` of 100,000 rows into a copy of the
  decade database, a fresh process;
- key_to_paint_ms: a score key on the Round page until the total label repaints
  (QTest.keyClick and a paint hook, offscreen), median;
- peak_rss_mb: peak memory of the app process with the decade database open and
  the Indicators page shown;
- bytes_per_round: growth of the database file per round of that import.

Beside each figure, its anchor, measured in the same run: what the same machine
does without us (bench/anchors.py; issue 19 point 7). Three ratios are added:

- import_ratio: import_100k_rows_s / plain sqlite3 executemany of the same rows
  into the same tables with their indexes;
- score_ratio: score_ms_decade / 27 bare index seeks;
- annual_pdf_ratio: annual_pdf_s / a bare reportlab process writing a table of the
  same size with Sarabun and shaping (bench/annual_ratio.py, bench/anchor_pdf.py).

`--json` prints one JSON object on the last line: the seven keys, then the three ratios.
`--cache DIR` keeps the generated databases there and reuses them (while
developing); without it they are generated afresh in a temporary folder.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bench.anchors import added_rows, rowid_marks
from bench.generate import decade, decade_years, office_year, rounds_csv
from core.calendar import fiscal_year_range
from core.db import open_db

ROOT = Path(__file__).resolve().parent.parent
GENERATOR_VERSION = 4  # bump when a generator changes, so cached databases are rebuilt
LAST_FY = 2564
IMPORT_ROWS = 100_000

# key: (goal, unit, what)
GOALS: dict[str, tuple[float, str, str]] = {
    "startup_ratio": (1.5, "x", "first paint of the main window / bare QMainWindow"),
    "score_ms_decade": (5, "ms", "one fiscal year's score on the decade db, warm, median"),
    "annual_pdf_s": (2, "s", "annual summary PDF of the office year, fresh process"),
    "import_100k_rows_s": (5, "s", "import-rounds of 100,000 rows into the decade db"),
    "key_to_paint_ms": (16, "ms", "score key on the Round page to the total repainted"),
    "peak_rss_mb": (250, "MB", "peak memory, decade db open, Indicators page shown"),
    "bytes_per_round": (400, "B", "db growth per final round with its 20 scores"),
}


# Each figure's anchor (issue 19 point 7): figure key -> (ratio key, goal of the ratio or
# None, "module:function" or None while it is not built). The function is imported when
# it runs; it takes the Run and returns (the anchor in the figure's unit, a note).
ANCHORS: dict[str, tuple[str, float | None, str | None]] = {
    "import_100k_rows_s": ("import_ratio", 3, "bench.anchors:bare_import"),
    "score_ms_decade": ("score_ratio", None, "bench.anchors:bare_seeks"),
    "annual_pdf_s": ("annual_pdf_ratio", 1.5, "bench.annual_ratio:bare_table"),
}


@dataclass
class Run:
    """What an anchor may use: the databases, a scratch folder, and what the figures made
    (`made["import"]`: the imported database and the rowid marks before it;
    `made["annual_pdf"]`: the PDF written; `made["startup"]`: app and bare medians, ms)."""

    office: Path
    decade_db: Path
    work: Path
    quick: bool
    last_fy: int = LAST_FY
    made: dict[str, Any] = field(default_factory=dict)

    @property
    def repeat_score(self) -> int:
        return 15 if self.quick else 51

    @property
    def repeat_pdf(self) -> int:
        return 2 if self.quick else 5

    @staticmethod
    def env() -> dict[str, str]:
        return _child_env()

    @staticmethod
    def copy(src: Path, dst: Path) -> Path:
        return _copy(src, dst)


def _say(text: str) -> None:
    print(text, flush=True)


PYCACHE: Path | None = None  # set by main(): where child processes keep their bytecode


def _child_env() -> dict[str, str]:
    """Children run offscreen, and with bytecode caches as an installed app has them.

    An environment with PYTHONDONTWRITEBYTECODE recompiles every module on every
    start (a quarter of a second for sqlite-utils alone), which no user's machine
    does; the caches go to the benchmark's own folder, never into the repository.
    """
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if PYCACHE is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def _probe(*args: str) -> dict:
    """Run `python -m bench.probe ARGS` and read its last JSON line."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.probe", *args],
        cwd=ROOT,
        env=_child_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"probe {args[0]} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return json.loads(lines[-1])


def _children_cpu() -> float | None:
    """CPU seconds of this process's finished children (None where it cannot be read)."""
    try:
        import resource
    except ImportError:
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(cmd: list[str]) -> tuple[float, float | None]:
    """Wall and CPU seconds of a command as a whole process; its failure stops the benchmark.

    The figure is the wall time (what a user waits); the CPU time shows how much of
    it the shared machine's other work added.
    """
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, env=_child_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    cpu1 = _children_cpu()
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return elapsed, None if cpu0 is None or cpu1 is None else cpu1 - cpu0


def _cpu_note(cpu: list[float | None]) -> str:
    known = [c for c in cpu if c is not None]
    return f", CPU {statistics.median(known):.2f} s" if known else ""


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm: the pages the query needs are in SQLite's cache and the OS's
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def _size(path: Path) -> int:
    """The database with its WAL, so that growth not yet checkpointed still counts."""
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


# --- data ------------------------------------------------------------------------------


def _database(cache: Path, name: str, fill: Callable) -> Path:
    path = cache / f"{name}-v{GENERATOR_VERSION}.db"
    if path.exists():
        _say(f"  {name}: reusing {path}")
        return path
    tmp = path.with_name(path.name + ".new")
    for stale in cache.glob(tmp.name + "*"):
        stale.unlink()
    db = open_db(tmp)
    t0 = time.perf_counter()
    counts = fill(db)
    elapsed = time.perf_counter() - t0
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    tmp.replace(path)
    _say(
        f"  {name}: {counts.rounds:,} rounds ({counts.item_scores:,} item scores),"
        f" {counts.actions:,} corrective actions, {counts.reports:,} guard reports,"
        f" {counts.responses:,} survey answers in {elapsed:.1f} s"
        f" ({path.stat().st_size / 2**20:.0f} MB)"
    )
    return path


def _copy(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


# --- figures ---------------------------------------------------------------------------


def startup_ratio(run: Run, pairs: int) -> tuple[float, str]:
    def first_paint(*args: str) -> tuple[float, float, float | None]:
        t0 = time.time()
        got = _probe("startup", *args)
        if got.get("heavy_at_paint"):
            raise RuntimeError(f"the frame painted after loading {got['heavy_at_paint']}")
        filled = got.get("filled")
        return got["painted"] - t0, got["cpu"], None if filled is None else filled - t0

    office = str(run.office)
    first_paint("app", office)  # warm-up: bytecode, the OS file cache, the day's backup
    first_paint("bare")
    apps, bares = [], []
    for _ in range(pairs):
        apps.append(first_paint("app", office))
        bares.append(first_paint("bare"))
    ratio = statistics.median(a[0] / b[0] for a, b in zip(apps, bares, strict=True))
    cpu_ratio = statistics.median(a[1] / b[1] for a, b in zip(apps, bares, strict=True))
    app_ms = statistics.median(a[0] for a in apps) * 1000
    bare_ms = statistics.median(b[0] for b in bares) * 1000
    filled_ms = statistics.median(a[2] for a in apps if a[2] is not None) * 1000
    run.made["startup"] = (app_ms, bare_ms)
    note = (
        f"frame {app_ms:.0f} ms, bare {bare_ms:.0f} ms, medians of {pairs} pairs;"
        f" CPU-time ratio {cpu_ratio:.2f}; first page filled (database open, signed in)"
        f" {filled_ms:.0f} ms"
    )
    return ratio, note


def score_ms(run: Run) -> tuple[float, str]:
    from summary.score import annual_score

    db = open_db(run.decade_db)
    try:
        ms = _median_ms(lambda: annual_score(db, run.last_fy), run.repeat_score)
    finally:
        db.close()
    return ms, f"FY {run.last_fy}, median of {run.repeat_score}"


def annual_pdf(run: Run) -> tuple[float, str]:
    out = run.work / "annual.pdf"
    cmd = [sys.executable, "main.py", "--db", str(run.office), "report",
           "annual", "--fy", str(run.last_fy), "--out", str(out)]  # fmt: skip
    _timed(cmd)  # warm-up: the OS file cache
    runs_ = [_timed(cmd) for _ in range(run.repeat_pdf)]
    wall = statistics.median(w for w, _ in runs_)
    cpu = _cpu_note([c for _, c in runs_])
    run.made["annual_pdf"] = out
    return wall, f"median of {run.repeat_pdf} runs{cpu}, {out.stat().st_size:,} bytes"


def import_rows(run: Run, rows: int) -> tuple[float, float, str]:
    target = _copy(run.decade_db, run.work / "import.db")
    db = open_db(target)
    codes = [r[0] for r in db.execute("SELECT code FROM points WHERE active = 1 ORDER BY code")]
    before_rounds = db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0]
    db.close()
    csv = run.work / "import.csv"
    # Rows in the last fiscal year, which already holds rounds: the duplicate check works.
    rounds_csv(csv, rows, fiscal_year_range(run.last_fy)[1], codes)
    before = _size(target)
    marks = rowid_marks(target)
    elapsed, cpu = _timed(
        [sys.executable, "main.py", "--db", str(target), "import-rounds",
         str(csv)]
    )  # fmt: skip
    db = open_db(target)
    added = db.execute("SELECT COUNT(*) FROM rounds").fetchone()[0] - before_rounds
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    run.made["import"] = (target, added_rows(marks, rowid_marks(target)))
    per_round = (_size(target) - before) / added
    note = f"{added:,} rounds added in {elapsed:.1f} s{_cpu_note([cpu])}"
    return elapsed * IMPORT_ROWS / rows, per_round, note


def key_to_paint(office: Path, work: Path, samples: int) -> tuple[float, str]:
    target = _copy(office, work / "keys.db")  # the keys save drafts: never the shared copy
    ms = _probe("keys", str(target), str(samples))
    first = statistics.median(ms["first_key_ms"])
    note = (
        f"median of {len(ms['ms'])} keys; max {max(ms['ms']):.1f} ms; the first key of a"
        f" round (it also saves the new draft) {first:.1f} ms"
    )
    return statistics.median(ms["ms"]), note


def peak_rss(decade_db: Path, work: Path, runs: int) -> tuple[float | None, str]:
    peaks, shown = [], ""
    for n in range(runs):
        target = _copy(decade_db, work / f"rss{n}.db")
        got = _probe("rss", str(target), str(LAST_FY))
        if got["peak_rss_mb"] is None:
            return None, "not measured: no getrusage on this system and psutil is not installed"
        peaks.append(got["peak_rss_mb"])
        shown = got["shown"]
        target.unlink()
    spread = f"{min(peaks):.0f}-{max(peaks):.0f} MB"
    note = f"median of {runs} ({spread}); Indicators of FY {LAST_FY}: «{shown}»"
    return statistics.median(peaks), note


def figures(
    work: Path, cache: Path, quick: bool
) -> tuple[dict[str, float | None], dict[str, str], Run]:
    years = decade_years(LAST_FY)
    _say("data:")
    office = _database(cache, f"office-{LAST_FY}", lambda db: office_year(db, LAST_FY))
    decade_db = _database(cache, f"decade-{years[0]}-{years[-1]}", lambda db: decade(db, years))
    run_ = Run(office, decade_db, work, quick)
    out: dict[str, float | None] = {}
    notes: dict[str, str] = {}

    def run(key: str, fn: Callable[[], tuple]) -> None:
        t0 = time.perf_counter()
        value, note = fn()
        out[key] = None if value is None else round(value, 2)
        notes[key] = note
        _say(f"  {key} = {out[key]}  ({note}; {time.perf_counter() - t0:.0f} s)")
        anchored(key)

    def anchored(key: str) -> None:
        """The figure's anchor right after it, in the same run; None where none is built."""
        if key not in ANCHORS:
            return
        ratio_key, _, ref = ANCHORS[key]
        value = out[key]
        if ref is None or value is None:
            out[ratio_key], notes[ratio_key] = None, "no anchor registered in ANCHORS"
            _say(f"  {ratio_key}: not measured ({notes[ratio_key]})")
            return
        module, name = ref.split(":")
        t0 = time.perf_counter()
        anchor, note = getattr(importlib.import_module(module), name)(run_)
        out[ratio_key] = round(value / anchor, 2)
        notes[ratio_key] = f"{value} / {anchor:.3g} ({note})"
        _say(f"  {ratio_key} = {out[ratio_key]}  ({notes[ratio_key]};"
             f" {time.perf_counter() - t0:.0f} s)")  # fmt: skip

    _say("figures (each anchor right after its figure):")
    run("startup_ratio", lambda: startup_ratio(run_, 3 if quick else 7))
    run("score_ms_decade", lambda: score_ms(run_))
    run("annual_pdf_s", lambda: annual_pdf(run_))
    per_row, per_round, note = import_rows(run_, IMPORT_ROWS)
    out["import_100k_rows_s"], notes["import_100k_rows_s"] = round(per_row, 2), note
    _say(f"  import_100k_rows_s = {out['import_100k_rows_s']}  ({note})")
    anchored("import_100k_rows_s")
    run("key_to_paint_ms", lambda: key_to_paint(office, work, 40 if quick else 200))
    run("peak_rss_mb", lambda: peak_rss(decade_db, work, 3))
    out["bytes_per_round"] = round(per_round, 1)
    notes["bytes_per_round"] = "file growth (WAL checkpointed) / rounds added by the import"
    keys = [*GOALS, *(ratio for ratio, _, _ in ANCHORS.values())]
    return {k: out[k] for k in keys}, notes, run_


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()},"
        f" {platform.system()} {platform.release()}, {date.today().isoformat()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, under 5 minutes")
    parser.add_argument("--json", action="store_true", help="one JSON object on the last line")
    parser.add_argument("--cache", type=Path, help="keep and reuse the generated databases here")
    args = parser.parse_args()
    t0 = time.perf_counter()
    mode = "quick run (fewer repeats; the full decade)" if args.quick else "full run"
    _say(f"Sala Rounds benchmark, {mode}; {machine()}")
    with tempfile.TemporaryDirectory(prefix="sala-bench-") as tmp:
        cache = args.cache or Path(tmp)
        cache.mkdir(parents=True, exist_ok=True)
        global PYCACHE
        PYCACHE = cache / "pycache"
        result, notes, _ = figures(Path(tmp), cache, args.quick)
    _say(f"\n{'key':20} {'figure':>9} {'goal':>8}  verdict   ({time.perf_counter() - t0:.0f} s)")
    goals = {**{k: g for k, (g, _, _) in GOALS.items()},
             **{ratio: g for ratio, g, _ in ANCHORS.values()}}  # fmt: skip
    for key, value in result.items():
        goal = goals[key]
        unit, what = GOALS[key][1:] if key in GOALS else ("x", notes.get(key, ""))
        if value is None:
            verdict = "not measured"
        elif goal is None:
            verdict = "no goal"
        else:
            verdict = "meets" if value <= goal else "MISSES"
        shown_goal = "" if goal is None else f"<= {goal:g}"
        _say(f"{key:20} {value!s:>9} {shown_goal:>8}  {verdict:12}  {unit}: {what}")
    if args.json:
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
