"""Where SQL differs between SQLite and PostgreSQL: the one small layer (issue 18 point 3).

The domain reads its tables with SQLite's `?` placeholders through `db.execute(sql,
params)`. `PgDatabase` gives a PostgreSQL connection that same method, so the indicator
rules, the checks of a sync file's records and a device chain's verification run on an
office's hub tables unchanged: one copy of each rule. What else differs is named here:

- placeholders: `?` becomes `%s`, and a literal `%` is doubled (psycopg's own syntax);
- text order: the hub's text columns use the "C" collation, so ISO dates, UUIDs and
  point codes sort and compare byte by byte, as SQLite compares them, whatever locale
  the city's server was created with;
- integers and reals: INTEGER becomes `integer`/`bigint`, REAL `double precision`, so
  a value reads back as the same Python int or float (never a Decimal);
- "insert unless present": SQLite's INSERT OR IGNORE is PostgreSQL's ON CONFLICT DO
  NOTHING (`insert_ignore`);
- a list of values in a query: SQLite's json_each, PostgreSQL's `= ANY(array)`
  (`claims`: the audit rows' claims a record gate and `hub check` read).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import psycopg

from core.coverage import Claims
from core.records import Record, field_columns

TEXT = 'text COLLATE "C"'


def to_pg(sql: str) -> str:
    """SQLite's `?` placeholders as psycopg's `%s`, outside quoted strings and names."""
    out: list[str] = []
    quote: str | None = None
    for ch in sql:
        if quote:
            out.append("%%" if ch == "%" else ch)
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class PgDatabase:
    """A PostgreSQL connection, searching one office's schema, as the domain reads a
    database: `execute(sql, params)` returning a cursor to iterate or fetch from."""

    def __init__(self, conn: psycopg.Connection, schema: str) -> None:
        self.conn = conn
        self.schema = schema
        # The domain names tables unqualified: they are this office's.
        conn.execute("SELECT set_config('search_path', %s, false)", [schema])

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> psycopg.Cursor:
        if params:
            return self.conn.execute(to_pg(sql), list(params))  # type: ignore[arg-type]
        return self.conn.execute(sql)  # type: ignore[arg-type]


def insert_ignore(engine: str, table: str, columns: Sequence[str]) -> str:
    """Insert a row unless its key is already there, with `?` placeholders."""
    cols = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    if engine == "sqlite":
        return f"INSERT OR IGNORE INTO {table}({cols}) VALUES ({marks})"
    return f"INSERT INTO {table}({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING"


def claims(
    db: PgDatabase,
    devices: set[str],
    wanted: Mapping[str, set[str] | None] | None = None,
    *,
    hashes: list[str] | None = None,
) -> Claims:
    """core.coverage.Claims read from an office's audit rows at the hub: the SQL of
    `Claims.scan`, in PostgreSQL's words (an array for SQLite's json_each)."""
    text = "SELECT id, at, device_id, kind, covers FROM audit_log WHERE covers IS NOT NULL"
    params: list[Any] = []
    if hashes is not None:
        text += " AND hash = ANY(%s)"
        params.append(hashes)
    cur = db.conn.execute(text + " ORDER BY id", params)  # type: ignore[arg-type]
    return Claims(devices).feed(cur, wanted)


def record_rows(db: PgDatabase, rec: Record) -> Iterator[dict[str, Any]]:
    """An office's records of one described kind (core.records), as a laptop's
    `core.records.rows` gives them: references as UUIDs, children as sorted lists (here
    json_agg and json_build_array for SQLite's json_group_array and json_array)."""
    parts = field_columns(rec.fields)
    for c in rec.children:
        cols = ", ".join(f"c.{x}" for x in c.columns)
        parts.append(
            f"(SELECT COALESCE(json_agg(json_build_array({cols})), '[]'::json)::text"
            f" FROM {c.table} c WHERE c.{c.fk} = t.id) AS {c.name}"
        )
    text = f"SELECT {', '.join(parts)} FROM {rec.table} t"
    if rec.where:
        text += f" WHERE {rec.where}"
    # Every name comes from the literal descriptions of core.records, never from a file.
    cur = db.conn.execute(text)  # type: ignore[arg-type]
    names = [d.name for d in cur.description or ()]
    children = {c.name for c in rec.children}
    for values in cur:
        row = dict(zip(names, values, strict=True))
        for name in children:
            row[name] = sorted(json.loads(row[name]))
        yield row
