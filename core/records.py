"""What each kind of record is, described once.

One `Record` per table whose rows are facts that feed a score, a report or a
decision. From it are made:

- the fields of a sync file (`sync.fileformat.FIELDS`) and the query that
  collects them (`select_sql`, `rows`), with every reference to another record
  written as that record's UUID, never as this laptop's integer id;
- the insert of a received record (`insert`);
- the triggers that stamp a local edit of the fields another laptop may also
  change (`stamp_trigger_sql`, `refresh_stamp_triggers`);
- the record's content digest (`digest`), which the audit row that writes the
  record holds (core.coverage checks it).

Adding a column to a described table touches two places: the migration that adds
it, and the `fld(...)` line here. A migration that fills the new column of rows
already there changes their content: it ends with `core.coverage.recover(db, RECORD,
before, reason)`, so the records stay covered without laundering any edit made
outside the app; one that adds an editable column calls `refresh_stamp_triggers`.

The digest is computed over portable content (UUIDs, not local ids; no column
that differs between laptops for the same record, such as the moment each
laptop seeded its points), so a record received by sync is covered on the
receiving laptop by the sending laptop's audit row.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlite_utils import Database

S, INT, F, N = str, int, float, type(None)


@dataclass(frozen=True)
class Field:
    name: str  # its name in a sync file and in the digest
    types: tuple[type, ...]  # the JSON types a sync file may give it
    column: str = ""  # the table's column, when it is not `name`
    ref: str = ""  # a table: stored as that table's row id, written elsewhere as its uuid
    digest: bool = True  # part of the record's content digest
    synced: bool = True  # travels in a sync file

    @property
    def col(self) -> str:
        return self.column or self.name


def fld(name: str, *types: type, **options: Any) -> Field:
    return Field(name, types, **options)


# Where a round or a guard report came from (their `source` column): typed in the
# window, imported from CSV, the demo year, the benchmark's generated data.
SOURCES = ("app", "import", "demo", "bench")

# When and where a row another laptop may also edit last changed (m009): sent, merged
# and digested as they are, so a later change wins the same way on every laptop.
STAMPS = (fld("changed_at", S, N), fld("changed_on", S, N), fld("changed_base", S, N))


@dataclass(frozen=True)
class Child:
    """Rows that belong to one record and travel inside it, as lists (a round's notes)."""

    name: str
    table: str
    fk: str  # the child's column that holds the parent's row id
    columns: tuple[str, ...]
    types: tuple[type, ...]  # one per column


@dataclass(frozen=True)
class Record:
    kind: str  # its name in sync files and in audit rows' `covers`
    table: str
    key: tuple[str, ...]  # the fields that name one record (joined with "/")
    fields: tuple[Field, ...]
    where: str = ""  # rows of the table that are records (a draft round is not)
    editable: tuple[str, ...] = ()  # fields another laptop may change: later change wins
    children: tuple[Child, ...] = ()
    synced: bool = True
    covered: bool = True  # under the audit chain (core.coverage)
    order: str = ""  # the order of a sync file
    since: str = ""  # `sync export --since`: rows changed since :cut (empty: always sent)
    inside: str = ""  # the kind this one travels inside (events in their report)
    nested: str = ""  # the list of `inside` records this one carries ("events")
    # Columns that are this laptop's own bookkeeping, neither sent nor digested (a test
    # proves every other column of the table is described above).
    local: tuple[str, ...] = ("id",)
    # A second record kind on another kind's table (`of`): the columns that one leaves
    # local and this one covers.
    of: str = ""

    @property
    def digest_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.digest)

    @property
    def synced_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.synced)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def key_of(self, row: Mapping[str, Any]) -> str:
        return "/".join(str(row[k]) for k in self.key)

    @property
    def key_sql(self) -> str:
        return " || '/' || ".join(f"t.{self.field(k).col}" for k in self.key)


_ROUND_NOTES = Child("notes", "round_notes", "round_id", ("no", "note"), (INT, S))
_ITEMS = Child("items", "standard_items", "standard_id", ("no", "grp", "text_th", "text_en"),
               (INT, S, S, S))  # fmt: skip

# fmt: off
POINTS = Record(
    "points", "points", ("uuid",),
    (fld("uuid", S), fld("code", S), fld("floor", INT), fld("kind", S), fld("name_th", S),
     fld("name_en", S), fld("location", S), fld("active", INT), fld("active_from", S, N),
     fld("active_until", S, N), fld("periods", S, N),
     # The moment each laptop seeded its points: not shared content.
     fld("updated_at", S, digest=False),
     *STAMPS),
    editable=("code", "floor", "kind", "name_th", "name_en", "location", "active",
              "active_from", "active_until", "periods"),
    order="t.uuid",
)
STANDARDS = Record(
    "standards", "standards", ("uuid",),
    (fld("uuid", S), fld("version", INT), fld("title_th", S), fld("title_en", S),
     fld("max_score", INT), fld("item_min", INT), fld("pass_total", INT),
     fld("created_at", S, digest=False)),  # version 1: the moment each laptop was set up
    children=(_ITEMS,),
    order="t.uuid",
)
PLAN_PROJECTS = Record(
    "plan_projects", "plan_projects", ("fiscal_year", "project"),
    (fld("fiscal_year", INT), fld("project", INT), fld("title_th", S), fld("title_en", S)),
    local=(),
    order="t.fiscal_year, t.project",
)
PLAN_STEPS = Record(
    "plan_steps", "plan_steps", ("uuid",),
    (fld("uuid", S), fld("fiscal_year", INT), fld("project", INT), fld("step_no", INT),
     fld("title_th", S), fld("title_en", S), fld("weight", INT, F), fld("cumulative", INT, F),
     fld("months", S), fld("floor", INT, N), fld("done_date", S, N), fld("evidence", S),
     fld("evidence_en", S),  # m019: '' when the office gave none
     *STAMPS),
    editable=("title_th", "title_en", "weight", "cumulative", "months", "floor", "done_date",
              "evidence", "evidence_en"),
    order="t.uuid",
)
SURVEY_FORMS = Record(
    "survey_forms", "survey_forms", ("key",),
    (fld("uuid", S), fld("key", S), fld("fiscal_year", INT), fld("name_th", S),
     fld("name_en", S), fld("derived_from", S, N), fld("replaced_by", S, N), fld("retired", INT),
     fld("created_at", S, digest=False),  # the two seeded forms: each laptop's set-up moment
     *STAMPS),
    editable=("name_th", "name_en"),
    order="t.created_at, t.key",
)
SURVEY_QUESTIONS = Record(
    "survey_questions", "survey_questions", ("uuid",),
    (fld("uuid", S), fld("fiscal_year", INT), fld("form", S), fld("no", INT), fld("text_th", S),
     fld("text_en", S)),
    order="t.uuid",
)
ROUNDS = Record(
    "rounds", "rounds", ("uuid",),
    (fld("uuid", S), fld("point", S, column="point_id", ref="points"),
     fld("standard", S, column="standard_id", ref="standards"), fld("inspected_at", S),
     fld("fiscal_year", INT), fld("inspector", S), fld("scores", S), fld("total", INT),
     fld("passed", INT), fld("note", S), fld("supersedes", S, N), fld("reason", S),
     fld("source", S), fld("created_at", S), fld("finalized_at", S, N), fld("recorded_by", S)),
    where="t.status = 'final'",  # drafts are work in progress on one laptop
    children=(_ROUND_NOTES,),
    # The batch row that records a round written in bulk, by this laptop's row id.
    local=("id", "status", "audit_batch"),
    order="t.id",
    since="t.created_at >= :cut OR t.finalized_at >= :cut",
)
ACTIONS = Record(
    "actions", "corrective_actions", ("uuid",),
    (fld("uuid", S), fld("point", S, column="point_id", ref="points"), fld("round_uuid", S),
     fld("item_no", INT), fld("what", S), fld("who", S), fld("due_date", S, N),
     fld("closed_date", S, N), fld("created_at", S), *STAMPS),
    editable=("what", "who", "due_date", "closed_date"),
    order="t.id",
    since="t.created_at >= :cut OR t.changed_at >= :cut",
)
SURVEY_RESPONSES = Record(
    "survey_responses", "survey_responses", ("uuid",),
    (fld("uuid", S), fld("answered_on", S), fld("fiscal_year", INT),
     fld("point", S, N, column="point_id", ref="points"), fld("grp", S), fld("ratings", S),
     fld("satisfied", INT), fld("source", S), fld("recorded_by", S), fld("created_at", S),
     fld("form", S, N)),
    order="t.id",
    since="t.created_at >= :cut",
)
# Which files were imported, so a file is not imported twice: bookkeeping, no fact.
SURVEY_IMPORTS = Record(
    "survey_imports", "survey_imports", ("digest",),
    (fld("digest", S), fld("file_name", S), fld("rows", INT), fld("imported_at", S)),
    covered=False,
    local=(),
    order="t.digest",
    since="t.imported_at >= :cut",
)
GUARD_REPORTS = Record(
    "guard_reports", "guard_reports", ("uuid",),
    (fld("uuid", S), fld("day", S), fld("fiscal_year", INT), fld("shift", S),
     fld("supervisor", S), fld("required", INT), fld("present", INT), fld("posts", S),
     fld("patrols", S), fld("note", S), fld("supersedes", S, N), fld("reason", S),
     fld("source", S), fld("recorded_by", S), fld("created_at", S), fld("signed_at", S, N)),
    where="t.status = 'signed'",
    local=("id", "status"),
    order="t.id",
    # A report travels when it is new or one of its events was classified since.
    since="t.created_at >= :cut OR t.signed_at >= :cut OR EXISTS (SELECT 1 FROM guard_events e"
          " WHERE e.report_id = t.id AND e.changed_at >= :cut)",
    nested="events",
)
GUARD_EVENTS = Record(
    "guard_events", "guard_events", ("uuid",),
    (fld("uuid", S),
     # Implicit in a sync file (events travel inside their report), explicit in the digest.
     fld("report", S, column="report_id", ref="guard_reports", synced=False),
     fld("at", S), fld("place", S), fld("category", S), fld("description", S),
     fld("loss_value", INT, F, N), fld("action_taken", S), fld("counts", INT, N),
     fld("reason", S), fld("classified_by", S, N), fld("classified_at", S, N), *STAMPS),
    editable=("counts", "reason", "classified_by", "classified_at"),
    order="t.id",
    inside="guard_reports",
    # The day it happened and its fiscal year (m018) are derived on each laptop from the
    # report's day and that laptop's shift hours: GUARD_EVENT_DAYS covers them, locally.
    local=("id", "occurred_on", "fiscal_year"),
)
# The day each event happened, as this laptop derived it (security.contract.Shift.day_of):
# the year the plan counts an incident in. Not shared content (another laptop derives it
# with its own shift hours), so never sent; covered on each laptop by the row that wrote
# the event here (a sync import's own row for an event received).
GUARD_EVENT_DAYS = Record(
    "guard_event_days", "guard_events", ("uuid",),
    (fld("uuid", S), fld("occurred_on", S, N), fld("fiscal_year", INT, N)),
    synced=False,
    of="guard_events",
)

# This laptop's own facts, never synced: accounts, settings, the guard contract.
USERS = Record(
    "users", "users", ("uuid",),
    (fld("uuid", S), fld("username", S), fld("display_name", S), fld("role", S),
     # A password hash written by hand would let anyone sign as the section head.
     fld("pw_hash", S), fld("active", INT), fld("created_at", S)),
    synced=False,
)
SETTINGS = Record("settings", "settings", ("key",), (fld("key", S), fld("value", S)),
                  synced=False, local=())
GUARD_SHIFTS = Record(
    "guard_shifts", "guard_shifts", ("code",),
    (fld("code", S), fld("name_th", S), fld("name_en", S), fld("required_guards", INT),
     fld("required", INT), fld("sort", INT), fld("starts", S), fld("ends", S)),
    synced=False,
    local=(),
)
GUARD_POSTS = Record("guard_posts", "guard_posts", ("name_th",),
                     (fld("name_th", S), fld("active", INT), fld("name_en", S)), synced=False)
GUARD_MONTHS = Record(
    "guard_months", "guard_month_checks", ("year", "month"),
    (fld("year", INT), fld("month", INT), fld("checked_by", S), fld("note", S),
     fld("checked_at", S)),
    synced=False,
    local=(),
)
# The computers whose sync files this laptop accepts, each with the key its files must be
# signed with (m017, issue 14). A decision of this laptop's administrator, never synced; a
# computer added by hand would have its files merged and its signatures counted here.
TRUSTED_DEVICES = Record(
    "trusted_devices", "trusted_devices", ("device_id",),
    (fld("device_id", S), fld("public_key", S), fld("trusted_at", S), fld("trusted_by", S)),
    synced=False,
    local=(),
)
# fmt: on

# In the order a sync file lists them and a receiver merges them (references first).
RECORDS: tuple[Record, ...] = (
    POINTS, STANDARDS, PLAN_PROJECTS, PLAN_STEPS, SURVEY_FORMS, SURVEY_QUESTIONS, ROUNDS,
    ACTIONS, SURVEY_RESPONSES, SURVEY_IMPORTS, GUARD_REPORTS, GUARD_EVENTS, GUARD_EVENT_DAYS,
    USERS, SETTINGS, GUARD_SHIFTS, GUARD_POSTS, GUARD_MONTHS, TRUSTED_DEVICES,
)  # fmt: skip
BY_KIND: dict[str, Record] = {r.kind: r for r in RECORDS}
# A table's own record kind (not a second kind `of` it).
BY_TABLE: dict[str, Record] = {r.table: r for r in RECORDS if not r.of}
SYNCED: tuple[Record, ...] = tuple(r for r in RECORDS if r.synced)
COVERED: tuple[Record, ...] = tuple(r for r in RECORDS if r.covered)


def carried(rec: Record) -> tuple[Record, Field]:
    """The kind that travels inside `rec` (`rec.nested`), and its field naming `rec`."""
    inner = next(r for r in RECORDS if r.inside == rec.kind)
    return inner, next(f for f in inner.fields if f.ref == rec.table)


def sync_fields() -> dict[str, dict[str, tuple[type, ...]]]:
    """Every synced kind: field -> the JSON types a sync file may give it."""
    out: dict[str, dict[str, tuple[type, ...]]] = {}
    for rec in SYNCED:
        fields = {f.name: f.types for f in rec.synced_fields}
        for child in rec.children:
            fields[child.name] = (list,)
        if rec.nested:
            fields[rec.nested] = (list,)
        out[rec.kind] = fields
    return out


# --- reading ------------------------------------------------------------------------------


def table_columns(db: Database, table: str) -> set[str]:
    return {r[1] for r in _execute(db, f"PRAGMA table_info({table})")}


def _present(rec: Record, columns: set[str] | None) -> tuple[Field, ...]:
    """The fields whose column exists (a migration older than a column reads without it)."""
    if columns is None:
        return rec.fields
    return tuple(f for f in rec.fields if f.col in columns)


def field_columns(fields: Iterable[Field]) -> list[str]:
    """The select list of a record's fields by name, references as the UUIDs they name
    (the same SQL on SQLite and PostgreSQL; their children's JSON differs)."""
    return [f"(SELECT r.uuid FROM {f.ref} r WHERE r.id = t.{f.col}) AS {f.name}" if f.ref
            else f"t.{f.col} AS {f.name}" for f in fields]  # fmt: skip


def select_sql(rec: Record, where: str = "", order: str = "", columns: set[str] | None = None,
               extra: str = "") -> str:  # fmt: skip
    """One row per record: its fields by name (references as UUIDs), children as JSON."""
    parts = [
        "t.rowid AS _rowid",
        *([extra] if extra else []),
        *field_columns(_present(rec, columns)),
    ]
    for c in rec.children:
        cols = ", ".join(f"c.{x}" for x in c.columns)
        parts.append(
            f"(SELECT json_group_array(json_array({cols})) FROM {c.table} c"
            f" WHERE c.{c.fk} = t.id) AS {c.name}"
        )
    conditions = [f"({w})" for w in (rec.where, where) if w]
    text = f"SELECT {', '.join(parts)} FROM {rec.table} t"
    if conditions:
        text += " WHERE " + " AND ".join(conditions)
    if order:
        text += f" ORDER BY {order}"
    return text


def _children(value: str | None) -> list[list]:
    if not value or value == "[]":
        return []
    # json_group_array gives no order (SQLite 3.40): children are ordered by their first
    # column (the item or note number).
    return sorted(json.loads(value))


def _execute(db: Database, sql: str, params: Any = ()) -> Any:
    """Run SQL this module made from a description: names of the literal RECORDS and '?'."""
    return db.conn.execute(sql, params)


def rows(db: Database, rec: Record, where: str = "", params: Any = (), order: str = "",
         columns: set[str] | None = None, extra: str = "") -> Iterator[dict[str, Any]]:  # fmt: skip
    """The records as dicts (streamed); `_rowid` is this laptop's row id."""
    cur = _execute(db, select_sql(rec, where, order, columns, extra), params)
    names = [d[0] for d in cur.description]
    child_names = {c.name for c in rec.children}
    for values in cur:
        row = dict(zip(names, values, strict=True))
        for name in child_names:
            row[name] = _children(row[name])
        yield row


def fetch(db: Database, rec: Record, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The records named by `keys` (those that exist), by key."""
    wanted = json.dumps(list(dict.fromkeys(keys)))
    where = f"{rec.key_sql} IN (SELECT value FROM json_each(?))"
    return {rec.key_of(row): row for row in rows(db, rec, where, [wanted])}


# --- the digest ---------------------------------------------------------------------------


def digests(db: Database, rec: Record, where: str = "", params: Any = (),
            extra: str = "") -> Iterator[tuple[Any, str, str]]:  # fmt: skip
    """(`extra`'s value, key, digest) of every record, streamed: `digest` over the rows
    as they come from SQLite, without a dict per row (`check` reads 400,000 rounds)."""
    fields = list(rec.fields)
    offset = 2 if extra else 1  # _rowid, then `extra`
    picks = [offset + i for i, f in enumerate(fields) if f.digest]
    real = tuple(n for n, i in enumerate(picks, start=1) if F in fields[i - offset].types)
    keys = [offset + fields.index(rec.field(k)) for k in rec.key]
    children = range(offset + len(fields), offset + len(fields) + len(rec.children))
    getter = itemgetter(*picks)
    kind, sha256 = rec.kind, hashlib.sha256
    for row in _execute(db, select_sql(rec, where, "", None, extra), params):
        values: list[Any] = [kind, *getter(row)]
        for n in real:
            if type(values[n]) is int:
                values[n] = float(values[n])
        for i in children:
            values.append(_children(row[i]))
        key = "/".join(str(row[i]) for i in keys) if len(keys) > 1 else row[keys[0]]
        yield (row[1] if extra else None), key, sha256(_ENCODE(values).encode()).hexdigest()[:32]


_DIGESTERS: dict[tuple[str, frozenset[str] | None], tuple[Record, Callable]] = {}


def digester(rec: Record, columns: set[str] | None = None) -> Callable[[Mapping[str, Any]], str]:
    """`digest` for many rows of one kind: what it reads of a row is worked out once.

    Kept by kind (hashing a whole description on every call cost a second per 100,000)."""
    key = (rec.kind, None if columns is None else frozenset(columns))
    found = _DIGESTERS.get(key)
    if found is None or found[0] is not rec:
        found = _DIGESTERS[key] = (rec, _make_digester(rec, columns))
    return found[1]


def _make_digester(rec: Record, columns: set[str] | None) -> Callable[[Mapping[str, Any]], str]:
    fields = [f for f in _present(rec, columns) if f.digest]
    names = [f.name for f in fields]
    getter = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    # A REAL column keeps 5 as 5.0, and a sync file may write either.
    real = tuple(i for i, f in enumerate(fields, start=1) if F in f.types)
    children = [c.name for c in rec.children]
    kind, sha256 = rec.kind, hashlib.sha256

    def digest_row(row: Mapping[str, Any]) -> str:
        values: list[Any] = [kind, *getter(row)]
        for i in real:
            if type(values[i]) is int:
                values[i] = float(values[i])
        for name in children:
            values.append(sorted(list(x) for x in row[name]))
        return sha256(_ENCODE(values).encode("utf-8")).hexdigest()[:32]

    return digest_row


def _encoder() -> Callable[[Any], str]:
    """json.dumps(value, ensure_ascii=False, separators=(",", ":")), made once: the public
    encoder builds its C encoder again on every call (half the time of a 100,000-row
    import's digests)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    encode = make(None, None, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(encode(value, 0))


_ENCODE = _encoder()
# How the canonical JSON writes a string (the encoder above uses this very function), for a
# bulk writer that writes a kind's canonical JSON itself (inspection.rounds.round_digester).
json_string: Callable[[str], str] = json.encoder.encode_basestring


def digest(rec: Record, row: Mapping[str, Any], columns: set[str] | None = None) -> str:
    """The content digest of one record: 128 bits of SHA-256 over its canonical JSON.

    The same on every laptop for the same record: the fields in description order
    (references as UUIDs), then its children sorted. `columns` restricts the fields to
    those a migration had (see core.coverage.recover).
    """
    return digester(rec, columns)(row)


def values_digest(rec: Record, values: Sequence[Any]) -> str:
    """`digest` of a record given as the values of its digested fields, in description
    order, then its children's lists (sorted), each as `digest` reads it (a REAL as a
    float): for a bulk writer that holds them already and need not build a dict per row."""
    return _sha256(_ENCODE([rec.kind, *values]).encode("utf-8")).hexdigest()[:32]


_sha256 = hashlib.sha256


DELETED = ""  # a covers entry: the action deleted the record
PRESENT = "*"  # a covers entry of a sync import: the record arrived here (content: elsewhere)


def claim(rec: Record, row: Mapping[str, Any], columns: set[str] | None = None) -> str:
    """What an audit row holds of one record: its digest, and for a record another laptop
    may also change, the change stamp it had (`digest|changed_at|changed_on`), which
    orders two laptops' claims as sync orders their changes (later change wins)."""
    value = digest(rec, row, columns)
    if "changed_at" in row:
        value += f"|{row['changed_at'] or ''}|{row['changed_on'] or ''}"
    return value


class Covers:
    """What one audit row vouches for: record kind -> key -> digest (or DELETED/PRESENT)."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, str]] = {}

    def add(self, kind: str, key: str, value: str) -> None:
        self.entries.setdefault(kind, {})[key] = value

    def row(self, rec: Record, row: Mapping[str, Any], columns: set[str] | None = None) -> None:
        self.add(rec.kind, rec.key_of(row), claim(rec, row, columns))

    def read(self, db: Database, rec: Record, keys: Iterable[str]) -> Covers:
        """Digest the records as stored now (call it after writing them)."""
        wanted = list(keys)
        found = fetch(db, rec, wanted)
        for key in wanted:
            self.add(rec.kind, key, claim(rec, found[key]) if key in found else DELETED)
        return self

    def read_where(self, db: Database, rec: Record, where: str = "", params: Any = ()) -> Covers:
        for row in rows(db, rec, where, params):
            self.row(rec, row)
        return self

    def __bool__(self) -> bool:
        return any(self.entries.values())

    def to_json(self) -> str | None:
        if not self:
            return None
        return json.dumps(self.entries, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def covering(db: Database, **keys: Iterable[str]) -> Covers:
    """Covers for the named records of each kind, read back as stored now."""
    covers = Covers()
    for kind, wanted in keys.items():
        covers.read(db, BY_KIND[kind], wanted)
    return covers


# --- writing a received record ------------------------------------------------------------


def insert(db: Database, rec: Record, row: Mapping[str, Any], ids: Callable[[str, str], int],
           extra: Mapping[str, Any] | None = None, *, verb: str = "INSERT") -> int:  # fmt: skip
    """Insert one record of a sync file (references given as UUIDs); returns its row id.

    Column names come from the description, never from the file, so no value of the
    file is pasted into the SQL. `extra` sets columns the file does not carry (the
    report an event belongs to, a round's status).
    """
    cols: list[str] = []
    values: list[Any] = []
    for f in rec.synced_fields:
        value = row[f.name]
        cols.append(f.col)
        values.append(ids(f.ref, value) if f.ref and value is not None else value)
    for col, value in (extra or {}).items():
        cols.append(col)
        values.append(value)
    marks = ", ".join("?" * len(cols))
    cur = _execute(db, f"{verb} INTO {rec.table}({', '.join(cols)}) VALUES ({marks})", values)
    if cur.rowcount:
        for c in rec.children:
            marks = ", ".join("?" * (len(c.columns) + 1))
            statement = f"INSERT INTO {c.table}({c.fk}, {', '.join(c.columns)}) VALUES ({marks})"
            for child in row[c.name]:
                _execute(db, statement, [cur.lastrowid, *child])
    return cur.lastrowid if cur.rowcount else 0


# --- change stamps ------------------------------------------------------------------------


def stamp_trigger_sql(rec: Record, columns: set[str]) -> str:
    """Stamp every local edit of an editable field, whichever function makes it.

    A merge writes the other laptop's stamp itself, and an update that sets the stamp
    is left alone (the WHEN clause). Listing the edited columns keeps the trigger's own
    stamping from firing it again.
    """
    edited = ", ".join(rec.field(n).col for n in rec.editable if rec.field(n).col in columns)
    return (
        f"CREATE TRIGGER {rec.table}_changed AFTER UPDATE OF {edited} ON {rec.table}"
        " WHEN NEW.changed_at IS OLD.changed_at AND NEW.changed_on IS OLD.changed_on"
        f" BEGIN UPDATE {rec.table} SET"
        " changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),"
        " changed_on = (SELECT value FROM meta WHERE key = 'device_id'),"
        " changed_base = CASE WHEN OLD.changed_at IS NULL THEN NULL"
        " ELSE OLD.changed_at || ' ' || OLD.changed_on END"
        " WHERE rowid = NEW.rowid; END"
    )


def refresh_stamp_triggers(db: Database) -> None:
    """(Re)make the change-stamp trigger of every editable table from its description.

    A migration that adds an editable column calls it after adding the column.
    """
    for rec in RECORDS:
        if not rec.editable:
            continue
        _execute(db, f"DROP TRIGGER IF EXISTS {rec.table}_changed")
        _execute(db, stamp_trigger_sql(rec, table_columns(db, rec.table)))
