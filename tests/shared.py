"""Data generated once and handed to each test as a copy of its own (issue 19: tests in
minutes). A module-scoped fixture builds a database under `pinned_now()` (a module's
fixtures run before the per-test pinned clock) and closes it; each test then gets
`copy_database(...)` of the file in its own folder, the very bytes a fixture of its own
would have written, in a fraction of the time."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import core.calendar

# FY 2564 is over by this moment, so a whole plan year lies in the past (tests/conftest.py
# pins every test's clock here).
PINNED_NOW = datetime(2021, 9, 30, 18, 0)


@contextmanager
def pinned_now() -> Iterator[datetime]:
    saved = core.calendar.clock
    core.calendar.clock = lambda: PINNED_NOW
    try:
        yield PINNED_NOW
    finally:
        core.calendar.clock = saved


def copy_database(source: Path, target: Path) -> Path:
    """A copy of a closed database file (its last connection closed, so no -wal beside
    it: everything is in the file)."""
    for side in ("-wal", "-journal"):
        assert not Path(str(source) + side).exists(), f"{source} is still open"
    shutil.copyfile(source, target)
    return target
