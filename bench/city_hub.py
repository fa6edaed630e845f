"""`python -m bench.city --hub`: the city hub measured (issue 18 point 5).

Fifty offices' laptop databases (bench.generate.office_year, one seed each, its office
set as an administrator sets it), each exported as a sync file; a PostgreSQL hub (a
throwaway cluster with fsync on, unless --pg names one); then: every computer trusted,
every file received (`--workers` receivers at once, each a process of its own), the
city's `hub score`, the city PDF, and each office's score on its own SQLite beside the
hub's (they must be the same object).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench.__main__ import LAST_FY, machine

# The fifty district offices of Bangkok (สำนักงานเขต), in the order of their codes.
DISTRICTS = (
    ("พระนคร", "Phra Nakhon"), ("ดุสิต", "Dusit"), ("หนองจอก", "Nong Chok"),
    ("บางรัก", "Bang Rak"), ("บางเขน", "Bang Khen"), ("บางกะปิ", "Bang Kapi"),
    ("ปทุมวัน", "Pathum Wan"), ("ป้อมปราบศัตรูพ่าย", "Pom Prap Sattru Phai"),
    ("พระโขนง", "Phra Khanong"), ("มีนบุรี", "Min Buri"), ("ลาดกระบัง", "Lat Krabang"),
    ("ยานนาวา", "Yan Nawa"), ("สัมพันธวงศ์", "Samphanthawong"), ("พญาไท", "Phaya Thai"),
    ("ธนบุรี", "Thon Buri"), ("บางกอกใหญ่", "Bangkok Yai"), ("ห้วยขวาง", "Huai Khwang"),
    ("คลองสาน", "Khlong San"), ("ตลิ่งชัน", "Taling Chan"), ("บางกอกน้อย", "Bangkok Noi"),
    ("บางขุนเทียน", "Bang Khun Thian"), ("ภาษีเจริญ", "Phasi Charoen"),
    ("หนองแขม", "Nong Khaem"), ("ราษฎร์บูรณะ", "Rat Burana"), ("บางพลัด", "Bang Phlat"),
    ("ดินแดง", "Din Daeng"), ("บึงกุ่ม", "Bueng Kum"), ("สาทร", "Sathon"),
    ("บางซื่อ", "Bang Sue"), ("จตุจักร", "Chatuchak"), ("บางคอแหลม", "Bang Kho Laem"),
    ("ประเวศ", "Prawet"), ("คลองเตย", "Khlong Toei"), ("สวนหลวง", "Suan Luang"),
    ("จอมทอง", "Chom Thong"), ("ดอนเมือง", "Don Mueang"), ("ราชเทวี", "Ratchathewi"),
    ("ลาดพร้าว", "Lat Phrao"), ("วัฒนา", "Watthana"), ("บางแค", "Bang Khae"),
    ("หลักสี่", "Lak Si"), ("สายไหม", "Sai Mai"), ("คันนายาว", "Khan Na Yao"),
    ("สะพานสูง", "Saphan Sung"), ("วังทองหลาง", "Wang Thonglang"),
    ("คลองสามวา", "Khlong Sam Wa"), ("บางนา", "Bang Na"), ("ทวีวัฒนา", "Thawi Watthana"),
    ("ทุ่งครุ", "Thung Khru"), ("บางบอน", "Bang Bon"),
)  # fmt: skip
FILES_VERSION = 1  # bump when the generator or the file format changes


def office_code(n: int) -> str:
    return f"D{n:02d}"


def _make_office(folder: Path, n: int) -> Path:
    """Office n's laptop database with its year, and its sync file (reused when cached)."""
    from bench.generate import office_year
    from core.db import open_db
    from core.office import set_office
    from core.users import act_as, create_user, os_actor
    from sync.send import export_sync

    code = office_code(n)
    out = folder / f"{code}.srsync"
    if out.exists():
        return out
    db_path = folder / f"{code}.db"
    db_path.unlink(missing_ok=True)
    db = open_db(db_path)
    try:
        create_user(db, "admin", "ผู้ดูแล", "admin", "bench-password")
        th, en = DISTRICTS[(n - 1) % len(DISTRICTS)]
        set_office(db, code=code, name_th=f"สำนักงานเขต{th}", name_en=f"{en} District Office")
        act_as(db, os_actor("bench"))
        office_year(db, LAST_FY, seed=n)
        export_sync(db, out.with_suffix(".partial.srsync"))
    finally:
        db.close()
    out.with_suffix(".partial.srsync").replace(out)
    return out


def _receive(url: str, paths: list[str]) -> tuple[int, float]:
    """One receiver process: its files one after the other; (files, seconds)."""
    from hub.connect import connect
    from hub.intake import trust_list
    from hub.merge import receive_file

    conn = connect(url)
    t0 = time.perf_counter()
    for p in paths:
        receive_file(conn, Path(p), trust_list(conn))
    conn.close()
    return len(paths), time.perf_counter() - t0


def run_hub(offices: int, cache: Path | None, pg: str | None, workers: int) -> None:
    print(f"Sala Rounds, the city hub: {offices} offices, FY {LAST_FY}; {machine()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="sala-hub-") as tmp:
        folder = (cache or Path(tmp)) / f"hub-offices-v{FILES_VERSION}"
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=2) as pool:
            files = list(pool.map(_make_office, [folder] * offices, range(1, offices + 1)))
        size = sum(f.stat().st_size for f in files)
        print(f"{len(files)} sync files ready ({size / 2**20:.1f} MB) in"
              f" {time.perf_counter() - t0:.0f} s", flush=True)  # fmt: skip
        if pg:
            measure(pg, files, folder, Path(tmp), workers)
            return
        from bench.pgcluster import cluster, find_bin

        bin_dir = find_bin()
        if bin_dir is None:
            raise SystemExit("PostgreSQL (initdb, pg_ctl) is needed for --hub, or give --pg URL")
        with cluster(bin_dir, durable=True) as c:
            url = c.url(c.new_database())
            version = _server_version(url)
            print(f"PostgreSQL {version}, a throwaway cluster with fsync on", flush=True)
            measure(url, files, folder, Path(tmp), workers)


def _server_version(url: str) -> str:
    from hub.connect import connect

    conn = connect(url)
    try:
        return conn.execute("SHOW server_version").fetchone()[0]
    finally:
        conn.close()


def measure(url: str, files: list[Path], folder: Path, work: Path, workers: int) -> None:
    from hub.connect import connect
    from hub.score import city_json, office_years
    from hub.trust import trust_file_device
    from hub.upgrade import init

    conn = connect(url)
    init(conn)
    t0 = time.perf_counter()
    for f in files:
        trust_file_device(conn, f)
    print(f"trusted {len(files)} computers (and registered their offices) in"
          f" {time.perf_counter() - t0:.1f} s", flush=True)  # fmt: skip
    shares = [[str(f) for f in files[i::workers]] for i in range(workers)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done = list(pool.map(_receive, [url] * workers, shares))
    wall = time.perf_counter() - t0
    n = sum(d[0] for d in done)
    print(f"received {n} files (the city's year) in {wall:.1f} s with {workers} receivers:"
          f" {n / wall:.2f} files/s", flush=True)  # fmt: skip
    rounds = conn.execute(
        "SELECT SUM((detail::jsonb -> 'added' ->> 'rounds')::int) FROM hub.receipts"
    ).fetchone()[0]
    print(f"  rounds merged: {rounds:,}")
    t0 = time.perf_counter()
    for f in files[:5]:
        trust = __import__("hub.intake", fromlist=["trust_list"]).trust_list(conn)
        __import__("hub.merge", fromlist=["receive_file"]).receive_file(conn, f, trust)
    print(f"a file received again (nothing changes): {(time.perf_counter() - t0) / 5 * 1000:.0f}"
          " ms each")  # fmt: skip

    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        years = office_years(conn, LAST_FY)
        times.append(time.perf_counter() - t0)
    print(f"hub score, all {len(years)} offices (stored at each merge):"
          f" {statistics.median(times) * 1000:.0f} ms (median of 5)", flush=True)  # fmt: skip
    # What autovacuum does within a minute of the merges on a server.
    conn.execute("ANALYZE")
    live = []
    for _ in range(3):
        t0 = time.perf_counter()
        again = office_years(conn, LAST_FY, live=True)
        live.append(time.perf_counter() - t0)
    print(f"hub score --live, every office's year computed again from its tables:"
          f" {statistics.median(live) * 1000:.0f} ms (median of 3);"
          f" the same as stored: {[y.score for y in again] == [y.score for y in years]}",
          flush=True)  # fmt: skip
    hub_json = city_json(LAST_FY, years)

    from hub.city_pdf import build_city_pdf

    t0 = time.perf_counter()
    build_city_pdf(years, LAST_FY, work / "city.pdf")
    print(f"city PDF: {time.perf_counter() - t0:.2f} s (fonts and word list loaded)", flush=True)

    from core.db import open_db
    from summary.score import annual_score, score_json

    same = 0
    sqlite_ms = []
    for f in files:
        code = f.stem
        db = open_db(folder / f"{code}.db")
        t0 = time.perf_counter()
        local = score_json(annual_score(db, LAST_FY))
        sqlite_ms.append((time.perf_counter() - t0) * 1000)
        db.close()
        same += json.dumps(local, sort_keys=True) == json.dumps(hub_json["offices"][code],
                                                                sort_keys=True)  # fmt: skip
    print(f"each office's own SQLite: {sum(sqlite_ms):.0f} ms for all {len(files)}"
          f" (median {statistics.median(sqlite_ms):.1f} ms an office); the same object as the"
          f" hub's for {same} of {len(files)} offices", flush=True)  # fmt: skip
    c = hub_json["city"]
    print(
        f"the city: points passing {c['points_passing']:,} of {c['points_total']:,};"
        f" restroom levels {c['restroom_levels']}; incident levels {c['incident_levels']}"
    )
    size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    print(f"hub database: {size / 2**20:.0f} MB")
    conn.close()
