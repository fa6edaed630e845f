"""A throwaway PostgreSQL cluster for the hub tests (issue 18 point 4).

`initdb` and `pg_ctl` make and start a cluster in a temporary folder, listening on a
Unix socket there only (no TCP port), once per test session; each test gets a database
of its own and the cluster is stopped at the end. Outside CI, a machine without
PostgreSQL skips the hub tests with one line saying how to install it; in CI (CI=true) a
missing server fails them.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALL = (
    "PostgreSQL (initdb, pg_ctl) not found: the hub tests are skipped. Install it to run them,"
    " e.g. `sudo apt-get install postgresql` (Debian, Ubuntu) or `brew install postgresql`."
)
_skipped: list[str] = []


def find_bin() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<v>/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    return Path(versions[-1]).parent if versions else None


@dataclass
class Cluster:
    bin: Path
    folder: Path
    user: str
    run_as: str | None
    _names = itertools.count(1)

    def url(self, dbname: str, user: str | None = None, password: str | None = None) -> str:
        auth = user or self.user
        if password:
            auth += f":{password}"
        return f"postgresql://{auth}@/{dbname}?host={self.folder}"

    def new_database(self) -> str:
        import psycopg

        name = f"hub_{next(self._names)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _run(cmd: list[str], run_as: str | None) -> None:
    subprocess.run(cmd, check=True, user=run_as, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    bin_dir = find_bin()
    if bin_dir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI: PostgreSQL is missing; .ci/run installs Debian's postgresql package")
        _skipped.append(INSTALL)
        pytest.skip(INSTALL)
    run_as = None
    folder = Path(tempfile.mkdtemp(prefix="sala-pg-"))
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres account.
        import pwd

        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        run_as = "postgres"
    data = folder / "data"
    cluster = Cluster(bin_dir, folder, "sala", run_as)
    _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "sala", "--auth=trust",
          "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"], run_as)  # fmt: skip
    opts = f"-k {folder} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
    _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(folder / "log"),
          "-w", "start"], run_as)  # fmt: skip
    try:
        yield cluster
    finally:
        subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                        "stop"], user=run_as, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """A new, empty database's connection string (the superuser `sala`)."""
    name = pg_cluster.new_database()
    yield pg_cluster.url(name)
    pg_cluster.drop_database(name)


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001 (pytest's hook)
    if _skipped:
        terminalreporter.write_line(INSTALL)
