"""A stand-in for the window, run as its own process by the concurrency tests (issue 13).

    python tests/core/window_standin.py DB LOG SEED

It opens the database as the window does and keeps that connection for its whole life.
From time to time it records a round as the Round page does (a draft, twenty scores,
finalize) and, between rounds, runs what the window runs beside its own connection:
the start-up health check's open and quick check, a report worker's open. After each
round it wrote, it logs `final UUID` to LOG (after the commit returned: a logged round
is a committed one). It stops when its standard input closes, and then prints `done`.

A round whose draft vanished under it (a restore from the command line replaced the
database) is simply given up, as the window would after reopening: only finalized
rounds are logged.
"""

from __future__ import annotations

import datetime
import random
import sys
import threading
from pathlib import Path
from subprocess import PIPE
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import core.calendar  # noqa: E402

core.calendar.clock = lambda: datetime.datetime(2021, 9, 30, 18, 0)

from core.db import open_db  # noqa: E402
from core.errors import SalaError  # noqa: E402
from core.health import open_check  # noqa: E402
from inspection import rounds as R  # noqa: E402

if TYPE_CHECKING:
    from tests.forks import Child, Forks


def main(db_path: Path, log_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    db = open_db(db_path)
    log = open(log_path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - kept open
    codes = [r[0] for r in db.execute("SELECT code FROM points ORDER BY code")]
    print("ready", flush=True)
    n = 0
    while not stop.is_set():
        when = datetime.datetime(2021, 4, 1, 8) + datetime.timedelta(minutes=n)
        try:
            d = R.start_draft(db, codes[n % len(codes)], f"window-{seed}", when)
            for no in range(1, 21):
                R.set_score(db, d.uuid, no, 4 if rng.random() > 0.05 else 1)
            R.finalize_round(db, d.uuid)
            log.write(f"final {d.uuid}\n")
        except SalaError as exc:
            log.write(f"gave-up {type(exc).__name__}\n")
        n += 1
        # What the window does beside its connection: each of these opened the file with
        # an ordinary handle once, and closing it dropped this process's SQLite locks.
        side = rng.random()
        if side < 0.3:
            other = open_db(db_path)  # a report worker's connection
            other.close()
        elif side < 0.4:
            other = open_db(db_path)  # the start-up health check, without its backup
            try:
                open_check(other)
            finally:
                other.close()
        stop.wait(rng.uniform(0.0, 0.05))
    db.close()
    log.close()
    print("done", flush=True)


def start(forks: Forks, db_path: Path, log_path: Path, seed: int) -> Child:
    """The stand-in in its own process (forked: tests/forks.py), its database open (it
    said `ready`)."""
    proc = forks.file(Path(__file__), [db_path, log_path, seed], stdin=PIPE, stdout=PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def finish(proc: Child, log_path: Path) -> list[str]:
    """Stop the stand-in (its stdin closes) and return the uuids of the rounds it committed."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.close()
    assert proc.stdout.readline().strip() == "done"
    assert proc.wait(timeout=120) == 0
    proc.stdout.close()
    lines = log_path.read_text(encoding="utf-8").splitlines() if log_path.exists() else []
    return [line.split()[1] for line in lines if line.startswith("final ")]


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
