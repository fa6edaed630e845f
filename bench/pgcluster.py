"""A throwaway PostgreSQL cluster in a temporary folder, on a Unix socket only.

For the hub's tests (tests/hub/conftest.py) and its benchmark (bench/city.py --hub): made
by `initdb`, started and stopped by `pg_ctl`, removed afterwards. Not part of the app:
the city's server is the IT unit's own PostgreSQL.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

INSTALL = (
    "PostgreSQL (initdb, pg_ctl) not found: the hub tests are skipped. Install it to run them,"
    " e.g. `sudo apt-get install postgresql` (Debian, Ubuntu) or `brew install postgresql`."
)


def find_bin() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<v>/bin
    (the newest version there)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent

    def version(p: str) -> int:
        name = Path(p).parent.parent.name
        return int(name) if name.isdigit() else 0

    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    return Path(versions[-1]).parent if versions else None


@dataclass
class Cluster:
    bin: Path
    folder: Path
    user: str
    run_as: str | None
    _names: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def url(self, dbname: str, user: str | None = None, password: str | None = None) -> str:
        auth = user or self.user
        if password:
            auth += f":{password}"
        return f"postgresql://{auth}@/{dbname}?host={self.folder}"

    def new_database(self, template: str | None = None) -> str:
        """A new database: empty, or a copy of `template` (which nobody may be connected
        to meanwhile)."""
        import psycopg

        name = f"hub_{next(self._names)}"
        copy = f" TEMPLATE {template}" if template else ""
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}{copy}")
        return name

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _run(cmd: list[str], run_as: str | None) -> None:
    subprocess.run(cmd, check=True, user=run_as, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@contextmanager
def cluster(bin_dir: Path, *, durable: bool = False) -> Iterator[Cluster]:
    """Start a cluster; `durable` keeps fsync on (a benchmark measures a real server's
    writes; the tests need no durability)."""
    run_as = None
    folder = Path(tempfile.mkdtemp(prefix="sala-pg-"))
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres account.
        import pwd

        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        run_as = "postgres"
    data = folder / "data"
    _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "sala", "--auth=trust",
          "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"], run_as)  # fmt: skip
    opts = f"-k {folder} -c listen_addresses=''"
    if not durable:
        opts += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    try:
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(folder / "log"),
              "-w", "start"], run_as)  # fmt: skip
        yield Cluster(bin_dir, folder, "sala", run_as)
    finally:
        subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                        "stop"], user=run_as, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
