"""Two laptops' databases, each with its own device id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from core.db import open_db


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    a, b = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    yield a, b
    a.close()
    b.close()
