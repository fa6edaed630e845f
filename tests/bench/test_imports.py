"""bench/imports.py reads `python -X importtime` as the start path's table (nothing timed)."""

from __future__ import annotations

import pytest

from bench.imports import parse, rows, table
from bench.probe import FILLED_MARK, PAINTED_MARK

LOG = [
    "import time: self [us] | cumulative | imported package",
    "import time:       100 |        100 |       shiboken6",
    "import time:      2000 |       2100 |     PySide6",
    "import time:      3000 |       5100 |   PySide6.QtCore",
    "import time:       400 |        400 |     json",
    "import time:       700 |       1100 |   core.i18n",
    "import time:       500 |       6700 | ui.app",
    PAINTED_MARK,
    "import time:      1500 |       1500 |         click",
    "import time:      6000 |       7500 |       sqlite_utils.db",
    "import time:       200 |       7700 |     sqlite_utils",
    "import time:       900 |       8600 |   core.db",
    "import time:       300 |       8900 | ui.signin",
    FILLED_MARK,
    "import time:       999 |        999 | reportlab",
]


def test_imports_are_split_at_the_paint_and_charged_to_what_we_import() -> None:
    got = rows(parse(LOG))
    assert got == [
        (0, "ui.app", "ours", 0.5),
        (0, "PySide6.QtCore", "Qt", 5.1),  # with what it pulled in
        (0, "core.i18n", "ours", 0.7),
        (0, "json", "stdlib", 0.4),
        (1, "ui.signin", "ours", 0.3),
        (1, "core.db", "ours", 0.9),
        (1, "sqlite_utils", "third party", 7.7),  # click and all: sqlite-utils' cost
    ]
    assert sum(ms for *_, ms in got) == pytest.approx(6.7 + 8.9)  # each counted once
    text = table(got, show_all=False)
    assert "| paint to the first page | `sqlite_utils` | third party | 7.7 |" in text
    assert "reportlab" not in text  # after the first page: not on the start path
