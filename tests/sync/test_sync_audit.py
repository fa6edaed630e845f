"""m009: one audit chain per device; a file from before it still verifies as one chain."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from core.audit import GENESIS, head_hash, row_hash, verify_chain
from core.db import device_id, open_db
from core.integrity import check
from core.migrations import MIGRATIONS


def _old_file(path: Path) -> str:
    """A database left at m008 with a short single chain; returns its head."""
    old = Database(sqlite3.connect(path, isolation_level=None))
    MIGRATIONS.apply(old, stop_before="m009_sync")
    prev = GENESIS
    for n in range(3):
        values = [f"2021-01-0{n + 1}T00:00:00", "somchai", "set", "setting", f"k{n}", "null", "1"]
        h = row_hash(prev, *values)
        old.execute(
            "INSERT INTO audit_log(at, actor, action, kind, record_uuid, before, after,"
            " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*values, prev, h],
        )
        prev = h
    old.close()
    return prev


def test_an_old_file_read_as_it_is_verifies_as_one_chain(tmp_path) -> None:
    path = tmp_path / "old.db"
    head = _old_file(path)
    probe = Database(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True))
    report = verify_chain(probe)
    assert report.ok and report.rows == 3 and report.head == head == head_hash(probe)
    assert verify_chain(probe, up_to_hash=head).ok
    probe.close()


def test_migrating_puts_the_old_chain_on_this_device_and_keeps_its_head(tmp_path) -> None:
    path = tmp_path / "old.db"
    head = _old_file(path)
    db = open_db(path)
    try:
        devices = db.execute("SELECT DISTINCT device_id FROM audit_log").fetchall()
        assert devices == [(device_id(db),)]
        # Today's app then covers the records already there (m016), and again those whose
        # content m018 and m019 change (plan steps, shared, by a row of their own kind):
        # the old head stays in the chain, followed by those rows.
        assert verify_chain(db, up_to_hash=head).ok and check(db, against=head).ok
        kinds = [k for (k,) in db.execute("SELECT kind FROM audit_log WHERE id > 3")]
        assert set(kinds) == {"baseline", "plan_step"} and head_hash(db) != head
    finally:
        db.close()
