"""read_rows strips every cell, whether or not the file takes the fast path that skips
stripping when no cell can need it (issue 19: the 100,000-row import beside its anchor)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from core.csvfile import SPACES, may_need_strip, read_rows, unguard

# What spreadsheets and people put in cells: Thai, spaces of several kinds, quotes,
# commas and line breaks (which force quoting), the separators str.strip removes.
CELL = st.text(alphabet=list("aก1 \t\u00a0\u3000\x1c\x0b,\"'\r\n-="), max_size=6)


def _file(tmp_path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["a", "b", "c"])
    writer.writerows(rows)
    path = tmp_path / "cells.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@settings(max_examples=150)
@given(rows=st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=5))
def test_every_cell_is_stripped_on_either_path(tmp_path_factory, rows) -> None:
    path = _file(tmp_path_factory.mktemp("csv"), rows)
    expected = [
        {k: unguard(v.strip()) for k, v in zip("abc", row, strict=True)}
        for row in rows
        if any(cell.strip() for cell in row)
    ]
    assert [cells for _, cells in read_rows(path, ["a", "b", "c"])] == expected


def test_an_export_without_edge_spaces_takes_the_fast_path(tmp_path: Path) -> None:
    path = _file(tmp_path, [["F1-01", "สมชาย ใจดี", ""], ["F1-02", "x", "4"]])
    assert not may_need_strip(path.read_text(encoding="utf-8"))
    assert [c for _, c in read_rows(path, ["a"])][0] == {"a": "F1-01", "b": "สมชาย ใจดี", "c": ""}


def test_a_space_at_a_cells_edge_is_found(tmp_path: Path) -> None:
    for row in (["F1-01 ", "x", "y"], [" F1-01", "x", "y"], ["a", "b", "c\u00a0"],
                ["a", " ", "c"], ["a", "b\n", "c"]):  # fmt: skip
        path = _file(tmp_path, [row])
        assert may_need_strip(path.read_text(encoding="utf-8")), row
        assert [c for _, c in read_rows(path, ["a"])] == [
            {k: v.strip() for k, v in zip("abc", row, strict=True)}
        ]


def test_the_spaces_are_those_str_strip_removes() -> None:
    every = {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert set(SPACES) == every - {"\r", "\n"} and len(SPACES) == len(set(SPACES))
