"""Where a sync file's record goes in an office's hub tables: the one mapping of the hub.

The hub's office tables mirror the laptop's (hub/schema.py), so a record is written as
the file gives it, except that a reference by UUID (a round's point and standard) is
stored as the office's integer key, and nested records (a standard's items, a round's
notes, a report's events) go to tables of their own. When the laptop describes its
synced tables in one place (issue 19 point 4), this module reads that description.
"""

from __future__ import annotations

from typing import Any

from sync.fileformat import FIELDS

# Record kind -> table, where the names differ.
TABLE = {"actions": "corrective_actions", "audit": "audit_log"}
# Record kind -> {field holding a UUID: column holding the referenced row's id}.
REFERENCES: dict[str, dict[str, str]] = {
    "rounds": {"point": "point_id", "standard": "standard_id"},
    "actions": {"point": "point_id"},
    "survey_responses": {"point": "point_id"},
}
# Record kind -> the field holding records that go to a table of their own.
NESTED = {"standards": "items", "rounds": "notes", "guard_reports": "events"}
# Columns a record's table has beyond its fields, with the value every received record has.
FIXED: dict[str, dict[str, Any]] = {
    "rounds": {"status": "final"},
    "guard_reports": {"status": "signed"},
}


def table(kind: str) -> str:
    return TABLE.get(kind, kind)


def columns(kind: str) -> tuple[str, ...]:
    """The columns a record of `kind` fills, in a fixed order."""
    refs = REFERENCES.get(kind, {})
    out = [refs.get(f, f) for f in FIELDS[kind] if f != NESTED.get(kind)]
    return (*out, *FIXED.get(kind, {}))


def values(kind: str, record: dict[str, Any], ids: dict[str, dict[str, int]]) -> tuple:
    """A record as the row of its table, in `columns(kind)` order; `ids` maps a referenced
    kind's UUIDs ("points", "standards") to the office's integer keys."""
    refs = REFERENCES.get(kind, {})
    row = []
    for f in FIELDS[kind]:
        if f == NESTED.get(kind):
            continue
        if f in refs:
            target = "points" if f == "point" else "standards"
            row.append(None if record[f] is None else ids[target][record[f]])
        else:
            row.append(record[f])
    return (*row, *FIXED.get(kind, {}).values())


def insert_sql(kind: str, extra: tuple[str, ...] = ()) -> str:
    """INSERT of a record of `kind` (and `extra` leading columns), with `?` placeholders;
    every name comes from the fixed field lists, never from a file."""
    cols = (*extra, *columns(kind))
    return f"INSERT INTO {table(kind)}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
