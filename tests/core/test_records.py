"""Issue 19 point 4: one description per record kind, from which the sync file's fields,
the export query, the insert of a received record, the change-stamp triggers and the
record digest (issue 14) are all made."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.db import open_db, open_memory
from core.records import (
    BY_KIND,
    POINTS,
    RECORDS,
    ROUNDS,
    SYNCED,
    claim,
    digest,
    fetch,
    rows,
    select_sql,
    stamp_trigger_sql,
    sync_fields,
    table_columns,
)
from sync.fileformat import FIELDS, KINDS
from tests.sync.sync_helpers import add_rounds


def test_every_column_of_a_described_table_is_described_or_named_local() -> None:
    """Adding a column touches the migration and its description: a column added to a
    table without a line in core/records.py fails here."""
    db = open_memory()
    for rec in RECORDS:
        if rec.of:
            continue
        described = {f.col for f in rec.fields} | set(rec.local)
        assert table_columns(db, rec.table) == described, rec.table
        for child in rec.children:
            assert table_columns(db, child.table) == {child.fk, *child.columns}, child.table
    # A second kind on a table covers only columns its table's own kind leaves local.
    for rec in RECORDS:
        if rec.of:
            own = BY_KIND[rec.of]
            assert rec.table == own.table
            assert {f.col for f in rec.fields} - set(rec.key) <= set(own.local), rec.kind


def test_the_sync_file_fields_are_the_descriptions() -> None:
    assert {k: v for k, v in FIELDS.items() if k != "audit"} == sync_fields()
    assert set(KINDS) == {r.kind for r in SYNCED if not r.inside} | {"audit"}
    # A reference travels as the UUID of the record it names, under the field's own name.
    assert FIELDS["rounds"]["point"] == (str,) and "point_id" not in FIELDS["rounds"]
    assert FIELDS["guard_reports"]["events"] == (list,) and "report" not in FIELDS["guard_events"]
    assert "audit_batch" not in FIELDS["rounds"] and "status" not in FIELDS["rounds"]


def test_the_stamp_triggers_are_made_from_the_editable_fields() -> None:
    db = open_memory()
    for rec in RECORDS:
        if not rec.editable:
            continue
        (stored,) = db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            [f"{rec.table}_changed"],
        ).fetchone()
        assert stored == stamp_trigger_sql(rec, table_columns(db, rec.table))
    # m014's periods were left out of the points trigger (a change of periods went unstamped).
    assert "periods" in stamp_trigger_sql(POINTS, table_columns(db, "points"))


def test_a_round_digest_is_the_same_on_two_laptops_whatever_their_row_ids(tmp_path) -> None:
    """The digest reads portable content: UUIDs, never this laptop's integer ids."""
    from sync.receive import import_sync
    from sync.send import collect, export_sync
    from tests.sync.sync_helpers import trust_each_other

    a, b = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    trust_each_other(a, b)
    # B's points have other row ids than A's.
    b.execute("PRAGMA foreign_keys = OFF")
    b.execute("UPDATE points SET id = id + 100")
    b.execute("PRAGMA foreign_keys = ON")
    (uuid,) = add_rounds(a, [("F2-03", datetime(2021, 3, 1, 9, 0), "สมชาย", [4] * 20)])
    row = fetch(a, ROUNDS, [uuid])[uuid]
    assert row["point"] == a.execute("SELECT uuid FROM points WHERE code = 'F2-03'").fetchone()[0]
    sent = next(r for r in collect(a)["rounds"] if r["uuid"] == uuid)
    # What the sync file carries digests as what the database holds.
    assert digest(ROUNDS, sent) == digest(ROUNDS, row)
    export_sync(a, tmp_path / "a.srsync")
    import_sync(b, tmp_path / "a.srsync")
    there = fetch(b, ROUNDS, [uuid])[uuid]
    assert (
        there["_rowid"] == 1
        and b.execute("SELECT point_id FROM rounds WHERE uuid = ?", [uuid]).fetchone()[0]
        != a.execute("SELECT point_id FROM rounds WHERE uuid = ?", [uuid]).fetchone()[0]
    )
    assert digest(ROUNDS, there) == digest(ROUNDS, row)
    assert claim(ROUNDS, row) == digest(ROUNDS, row)  # a round has no change stamp
    assert digest(ROUNDS, dict(row, fiscal_year=2565)) != digest(ROUNDS, row)
    a.close()
    b.close()


def test_a_record_another_laptop_may_edit_claims_its_change_stamp() -> None:
    db = open_memory()
    row = next(rows(db, POINTS))
    value = claim(POINTS, dict(row, changed_at="2021-01-01T00:00:00.000Z", changed_on="dev"))
    assert value.split("|")[1:] == ["2021-01-01T00:00:00.000Z", "dev"]
    # The moment each laptop seeded its points is not shared content.
    assert digest(POINTS, dict(row, updated_at="another moment")) == digest(POINTS, row)


def test_a_migration_reads_and_digests_the_columns_it_had() -> None:
    """m016 may run on a file that lacks a column a later migration adds: it selects and
    digests the columns the table has then."""
    db = open_memory()
    add_rounds(db, [("F1-01", datetime(2021, 3, 1, 9, 0), "สมชาย", [4] * 20)])
    before = table_columns(db, "rounds") - {"recorded_by"}
    assert "recorded_by" not in select_sql(ROUNDS, columns=before)
    (old,) = rows(db, ROUNDS, columns=before)
    (now,) = rows(db, ROUNDS)
    assert "recorded_by" not in old
    assert digest(ROUNDS, now, before) == digest(ROUNDS, old, before) != digest(ROUNDS, now)


def test_a_bulk_writers_round_digest_is_the_descriptions() -> None:
    """inspection.rounds.round_digest lists a round's values in ROUNDS' order without a dict
    (the import's fast path): it must give what `digest` gives the same round as stored."""
    from core.records import Covers
    from inspection.points import get_point
    from inspection.rounds import record_round, round_content, round_digest, standard_uuid

    values = ("u-1", "p-1", "s-1", "2021-03-01T09:00", 2564, "สมชาย", "4" * 20, 80, 1, "ok",
              "import", "2021-03-01T10:00:00+00:00", "somchai", {2: "ข้อ 2", 1: "ข้อ 1"})  # fmt: skip
    assert round_digest(*values) == digest(ROUNDS, round_content(*values))
    db = open_memory()
    covers = Covers()
    point = get_point(db, "F1-01")
    uid = record_round(db, point, datetime(2021, 3, 1, 9, 0), "สมชาย", [4] * 20,
                       notes={3: "สายฉีดรั่ว"}, covers=covers)  # fmt: skip
    assert covers.entries["rounds"][uid] == digest(ROUNDS, fetch(db, ROUNDS, [uid])[uid])
    assert standard_uuid(db, 1) == fetch(db, ROUNDS, [uid])[uid]["standard"]


@pytest.mark.parametrize(
    "text",
    ["สมชาย", 'quote " and \\ backslash', "line\nbreak\ttab\x01\x7f", "emoji 🚽 \u200b", ""],
)
def test_the_imports_round_digester_writes_the_canonical_json_for_any_text(text) -> None:
    """inspection.rounds.round_digester writes a round's canonical JSON itself (the import's
    fast path): for any text it gives what `digest` gives."""
    from inspection.rounds import round_content, round_digester

    stamp = "2021-03-01T10:00:00+00:00"
    digest_round = round_digester("s-1", f"import {text}", stamp, f"actor {text}")
    for fy, total, passed in ((2564, 80, 1), (2565, 0, 0)):
        values = ("u-1", "p-1", "2021-03-01T09:00", fy, text, "4" * 20, total, passed, text)
        content = round_content(values[0], values[1], "s-1", *values[2:], f"import {text}",
                                stamp, f"actor {text}", {})  # fmt: skip
        assert digest_round(*values) == digest(ROUNDS, content)
