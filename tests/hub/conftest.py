"""A throwaway PostgreSQL cluster for the hub tests (issue 18 point 4).

`initdb` and `pg_ctl` make and start a cluster in a temporary folder, listening on a
Unix socket there only (no TCP port), once per test session (bench/pgcluster.py); each
test gets a database of its own, and the cluster is stopped at the end. Outside CI, a
machine without PostgreSQL skips the hub tests with one line saying how to install it;
in CI (CI=true) a missing server fails them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from bench.pgcluster import INSTALL, Cluster, cluster, find_bin

_skipped: list[str] = []


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    bin_dir = find_bin()
    if bin_dir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI: PostgreSQL is missing; .ci/run installs Debian's postgresql package")
        _skipped.append(INSTALL)
        pytest.skip(INSTALL)
    with cluster(bin_dir) as c:
        yield c


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """A new, empty database's connection string (the cluster's superuser `sala`)."""
    name = pg_cluster.new_database()
    yield pg_cluster.url(name)
    pg_cluster.drop_database(name)


@pytest.fixture
def copy_of(pg_cluster: Cluster) -> Iterator[Callable[[str], str]]:
    """`copy_of(name)`: a new database made from database `name` (CREATE DATABASE …
    TEMPLATE: a file copy on the server), dropped after the test. A module builds a hub
    once and each test changes a copy of its own."""
    made: list[str] = []

    def copy(template: str) -> str:
        made.append(pg_cluster.new_database(template))
        return pg_cluster.url(made[-1])

    yield copy
    for name in made:
        pg_cluster.drop_database(name)


@pytest.fixture(scope="session")
def initialised_hub(pg_cluster: Cluster) -> str:
    """The name of a database `hub init` has run on, for `copy_of`."""
    from cli import run

    name = pg_cluster.new_database()
    assert run(["hub", "init", "--pg", pg_cluster.url(name)]) == 0
    return name


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001 (pytest's hook)
    if _skipped:
        terminalreporter.write_line(INSTALL)
