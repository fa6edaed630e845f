"""Shared fixtures: a pinned clock and fresh databases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import settings
from sqlite_utils import Database

# `uv run pytest` alone must pass on a machine with no screen (CI, a server, SSH): the Qt
# tests draw offscreen unless the caller chose a platform (xcb under Xvfb, say).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import core.calendar
import core.instance
import core.users
from core.db import open_db
from tests import shared
from tests.forks import Forks, prepared

# No test may depend on how fast a shared machine is today: Hypothesis deadlines are off
# everywhere (five fuzz tests failed with DeadlineExceeded under load, issue 19).
settings.register_profile("sala", deadline=None, print_blob=True)
settings.load_profile("sala")

# FY 2564 is over by this moment, so a whole plan year lies in the past.
PINNED_NOW = shared.PINNED_NOW


@pytest.fixture(autouse=True)
def pinned_clock() -> Iterator[datetime]:
    saved = core.calendar.clock
    core.calendar.clock = lambda: PINNED_NOW
    yield PINNED_NOW
    core.calendar.clock = saved


# scrypt's work factor defends a stolen file; no test proves a rule by paying it, and some
# six hundred hashes a run cost 25 s of the suite at the app's n = 2**14. Tests hash at
# n = 2**10 through the same code (a stored hash names its own n, so verifying follows);
# test_users proves the app's own factor. Children of the tests hash at the app's.
@pytest.fixture(autouse=True, scope="session")
def app_scrypt() -> Iterator[dict[str, int]]:
    """The app's own scrypt parameters, while the tests hash at n = 2**10."""
    app = dict(core.users._SCRYPT)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(core.users, "_SCRYPT", {**app, "n": 2**10})
        yield app


@pytest.fixture(autouse=True)
def databases_this_test_opened() -> Iterator[None]:
    """Each test runs as a process of its own would: `refuse_database_path` compares a
    path with every database this process opened (core.instance), and the suite's one
    process opened thousands, which made each comparison cost a test's worth of stats.
    A test's own databases are forgotten after it; a module's shared ones are kept."""
    before = set(core.instance._opened)
    yield
    core.instance._opened.intersection_update(before)


@pytest.fixture(scope="session")
def forks() -> Iterator[Forks]:
    """Processes forked from one that imported the app once (tests/forks.py)."""
    with prepared() as parent:
        yield parent


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sala.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture
def writer_first(db_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`writer_first(module, write)`: the next time `module` opens a transaction, another
    process (a connection of its own on `db_path`) first runs `write(other_db)` and
    commits, as a second writer that reached the write lock a moment earlier."""

    def arrange(module: object, write) -> None:
        real = module.transaction  # type: ignore[attr-defined]
        done: list[bool] = []

        def racing(database: Database):
            if not done:
                done.append(True)
                other = open_db(db_path)
                try:
                    write(other)
                finally:
                    other.close()
            return real(database)

        monkeypatch.setattr(module, "transaction", racing)

    return arrange
