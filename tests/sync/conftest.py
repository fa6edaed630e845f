"""Two laptops' databases, each with its own device id and key, trusting each other."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from core.db import open_db
from tests.sync.sync_helpers import trust_each_other


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    a, b = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    trust_each_other(a, b)
    yield a, b
    a.close()
    b.close()
