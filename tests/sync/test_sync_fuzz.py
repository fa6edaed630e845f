"""hypothesis damages a sync file at random: only the clean refusal comes out, never a
traceback, and a refused file writes nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.db import open_db
from core.errors import InvalidInput
from sync.fileformat import read_sync_file
from sync.receive import merge, trusted_keys
from sync.send import export_sync
from tests.sync.sync_helpers import add_rounds, file_state, load, trust_each_other


@pytest.fixture(scope="module")
def valid(tmp_path_factory) -> tuple[Path, bytes]:
    folder = tmp_path_factory.mktemp("fuzz")
    a, b = open_db(folder / "a.db"), open_db(folder / "b.db")
    trust_each_other(a, b)
    add_rounds(a, [("F1-01", datetime(2021, 3, 1, 9, 0), "สมชาย", [1] + [4] * 19)])
    export_sync(a, folder / "a.srsync")
    a.close()
    b.close()
    return folder, (folder / "a.srsync").read_bytes()


def _merge_and_roll_back(db, path: Path) -> None:
    """Merge inside an outer transaction that is rolled back: each example starts equal."""
    db.conn.execute("BEGIN")
    try:
        merge(db, read_sync_file(path, trusted=trusted_keys(db)), path.name)
    finally:
        db.conn.execute("ROLLBACK")


FLIPS = st.lists(st.tuples(st.integers(min_value=0), st.integers(1, 255)), min_size=1,
                 max_size=4)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(flips=FLIPS, cut=st.one_of(st.none(), st.integers(min_value=0)))
def test_a_damaged_file_is_refused_cleanly_or_means_the_same(valid, flips, cut) -> None:
    folder, data = valid
    damaged = bytearray(data)
    for pos, xor in flips:
        damaged[pos % len(damaged)] ^= xor
    if cut is not None:
        damaged = damaged[: cut % len(damaged)]
    path = folder / "damaged.srsync"
    path.write_bytes(bytes(damaged))
    db = open_db(folder / "b.db")
    try:
        state = file_state(db)
        try:
            sync_file = read_sync_file(path, trusted=trusted_keys(db))
        except InvalidInput as exc:
            assert exc.th and exc.en and file_state(db) == state
            return
        # Damage the checks let through touched no content (a zip header's date, say).
        original = load(folder / "a.srsync")[1]
        assert sync_file.content == original
        _merge_and_roll_back(db, path)
        assert file_state(db) == state
    finally:
        db.close()
