"""Two laptops' databases, each with its own device id and key, trusting each other."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from core.db import open_db
from core.users import act_as
from tests.actors import HEAD
from tests.sync.sync_helpers import trust_each_other


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    """A section head works on each: records, and the decisions synced between them."""
    a, b = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    act_as(a, HEAD)
    act_as(b, HEAD)
    trust_each_other(a, b)
    yield a, b
    a.close()
    b.close()
