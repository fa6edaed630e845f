"""Where a sync file's record goes in an office's hub tables: the one mapping of the hub.

The hub's office tables mirror the laptop's (hub/schema.py), so a record is written as
the file gives it, except that a reference by UUID (a round's point and standard) is
stored as the office's integer key, and nested records (a standard's items, a round's
notes, a report's events) go to tables of their own. All of it is read from the
laptop's description of its synced tables (core.records, issue 19 point 4): a field
added there reaches the hub's insert without a line here.
"""

from __future__ import annotations

from typing import Any

from core.records import SYNCED
from sync.fileformat import FIELDS

# Record kind -> table, where the names differ.
TABLE = {r.kind: r.table for r in SYNCED if r.kind != r.table} | {"audit": "audit_log"}
# Record kind -> {field holding a UUID: (column holding the referenced row's id, the
# referenced table)}.
REFERENCES: dict[str, dict[str, tuple[str, str]]] = {
    r.kind: {f.name: (f.col, f.ref) for f in r.synced_fields if f.ref} for r in SYNCED
}
# Record kind -> the fields holding records that go to tables of their own.
NESTED: dict[str, frozenset[str]] = {
    r.kind: frozenset({*(c.name for c in r.children), *([r.nested] if r.nested else [])})
    for r in SYNCED
}
# Columns a record's table has beyond its fields, with the value every received record has
# (a laptop sends final rounds and signed reports only: core.records' `where`).
FIXED: dict[str, dict[str, Any]] = {
    "rounds": {"status": "final"},
    "guard_reports": {"status": "signed"},
}


def table(kind: str) -> str:
    return TABLE.get(kind, kind)


def _fields(kind: str) -> list[str]:
    nested = NESTED.get(kind, frozenset())
    return [f for f in FIELDS[kind] if f not in nested]


def columns(kind: str) -> tuple[str, ...]:
    """The columns a record of `kind` fills, in a fixed order."""
    refs = REFERENCES.get(kind, {})
    out = [refs[f][0] if f in refs else f for f in _fields(kind)]
    return (*out, *FIXED.get(kind, {}))


def values(kind: str, record: dict[str, Any], ids: dict[str, dict[str, int]]) -> tuple:
    """A record as the row of its table, in `columns(kind)` order; `ids` maps a referenced
    table's UUIDs ("points", "standards") to the office's integer keys."""
    refs = REFERENCES.get(kind, {})
    row = []
    for f in _fields(kind):
        if f in refs:
            target = refs[f][1]
            row.append(None if record[f] is None else ids[target][record[f]])
        else:
            row.append(record[f])
    return (*row, *FIXED.get(kind, {}).values())


def insert_sql(kind: str, extra: tuple[str, ...] = ()) -> str:
    """INSERT of a record of `kind` (and `extra` leading columns), with `?` placeholders;
    every name comes from the fixed field lists, never from a file."""
    cols = (*extra, *columns(kind))
    return f"INSERT INTO {table(kind)}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
