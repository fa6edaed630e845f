"""Every record under the audit chain, and `check`'s proof of it (ARCHITECTURE.md rule 8).

An audit row that writes records holds, in `covers`, the digest of each record's
content (core.records). A record is covered when the latest claim about it (the
latest audit row that names it) carries the digest of the record as it is now.
`problems` lists, per described table, every record that no row claims, that
changed after the row that claims it, that a row of this laptop claims but that
is gone, or that is back after a row recorded its deletion.

Whose claims count. A row written by an action (a round finalized, a report signed,
an event classified) is a fact about the record wherever it travels: claims are
ordered by when they were made (then device, then row), the order in which sync
merges a later change over an earlier one. Two kinds of row speak only of the
laptop that wrote them:

- `baseline`: the records a laptop held when it began covering them (m016), or when
  a migration changed their content (`recover`). Another laptop's baseline is used
  only for a record no other row names (a record received that was already there
  before the sender's upgrade).
- `sync_file`: what a sync import added (PRESENT: the sender's rows vouch for the
  content) and the content a merge computed from two laptops' versions.

Rounds written in bulk carry the id of their batch row (`rounds.audit_batch`), so
`check` streams them batch by batch instead of holding every round's claim.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from sqlite_utils import Database

from core.actors import Actor
from core.audit import audit_many
from core.i18n import tr
from core.records import (
    COVERED,
    DELETED,
    PRESENT,
    ROUNDS,
    Covers,
    Record,
    digest,
    digests,
    rows,
    table_columns,
)

BATCH_KINDS = frozenset({"rounds_batch", "baseline"})  # rows whose rounds name them
LOCAL_KINDS = frozenset({"baseline", "sync_file"})  # rows about the writer's own file
BASELINE_CHUNK = 50_000  # rounds per baseline row: each row's claims are read whole
SHOWN_PER_TABLE = 20  # problems listed per table; the rest are counted


def local_devices(db: Database) -> set[str]:
    """This laptop's device id and those it had before a restore (core.backup)."""
    devices = {db.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()[0]}
    row = db.execute("SELECT value FROM meta WHERE key = 'former_device_ids'").fetchone()
    if row:
        try:
            devices |= {d for d in json.loads(row[0]) if isinstance(d, str)}
        except (ValueError, TypeError):
            pass  # a damaged list names no device: their rows are read as another laptop's
    return devices


@dataclass(frozen=True)
class Claim:
    """One audit row's claim about one record."""

    digest: str  # DELETED: the row recorded its deletion
    stamp: tuple[str, str]  # the record's change stamp (changed_at, changed_on), if it has one
    fallback: bool  # another laptop's baseline: used only when no other row names the record
    mine: bool  # a baseline or sync import row of the laptop the claims are read for
    at: str
    device: str
    audit_id: int
    audit_kind: str


def later(new: Claim, old: Claim) -> bool:
    """Whether `new` supersedes `old`: the order in which sync applies changes.

    A later change stamp wins, as in a merge. With the same stamp (a record without
    one, or a change that leaves it), one laptop's later row wins over its earlier
    one; between laptops, the reading laptop's own baseline or merge (what it holds of
    that version) wins, then the later row.
    """
    if new.fallback != old.fallback:
        return old.fallback
    if new.stamp != old.stamp:
        return new.stamp > old.stamp
    if new.device == old.device:
        return (new.at, new.audit_id) > (old.at, old.audit_id)
    if new.mine != old.mine:
        return new.mine
    return (new.at, new.device, new.audit_id) > (old.at, old.device, old.audit_id)


class Claims:
    """The latest claim about each record, as one laptop (`devices`) reads the rows."""

    def __init__(self, devices: set[str]) -> None:
        self.devices = devices
        self.latest: dict[tuple[str, str], Claim] = {}
        self.named_here: dict[str, set[str]] = defaultdict(set)  # named by this laptop's rows

    def scan(self, db: Database, wanted: Mapping[str, set[str] | None] | None = None, *,
             batch_rounds: bool = True, hashes: list[str] | None = None) -> Claims:  # fmt: skip
        """Read every row's claims (only `wanted` kinds and keys, None: all of a kind).

        `batch_rounds` False leaves out the rounds of batch rows (`check` streams them);
        `hashes` reads only the rows with those hashes (those of a sync file).
        """
        if hashes is None:
            found = db.conn.execute(
                "SELECT id, at, device_id, kind, covers FROM audit_log WHERE covers IS NOT NULL"
                " ORDER BY id"
            )
        else:
            found = db.conn.execute(
                "SELECT id, at, device_id, kind, covers FROM audit_log WHERE covers IS NOT NULL"
                " AND hash IN (SELECT value FROM json_each(?)) ORDER BY id",
                [json.dumps(hashes)],
            )
        return self.feed(found, wanted, batch_rounds=batch_rounds)

    def feed(self, found: Iterable[tuple], wanted: Mapping[str, set[str] | None] | None = None,
             *, batch_rounds: bool = True) -> Claims:  # fmt: skip
        """Read the claims of audit rows given as (id, at, device_id, kind, covers), in id
        order: whatever engine holds them (a laptop's SQLite, the city hub's PostgreSQL)
        reads them with these rules."""
        for audit_id, at, device, kind, text in found:
            if text is None:
                continue
            here = device in self.devices
            if kind in LOCAL_KINDS and not here and kind != "baseline":
                continue  # another laptop's import speaks of that laptop's file only
            try:
                covers = json.loads(text)
            except ValueError:
                continue  # the chain check names the row; it claims nothing
            if not isinstance(covers, dict):
                continue
            base = Claim("", ("", ""), kind in LOCAL_KINDS and not here,
                         kind in LOCAL_KINDS and here, at, device, audit_id, kind)  # fmt: skip
            for rec_kind, entries in covers.items():
                if not isinstance(entries, dict):
                    continue
                if wanted is not None and rec_kind not in wanted:
                    continue
                if not batch_rounds and rec_kind == "rounds" and kind in BATCH_KINDS:
                    continue
                keys = wanted.get(rec_kind) if wanted is not None else None
                self._add(rec_kind, entries, keys, base, here)
        return self

    def _add(self, rec_kind: str, entries: dict, keys: set[str] | None, base: Claim,
             here: bool) -> None:  # fmt: skip
        named = self.named_here[rec_kind] if here else None
        latest = self.latest
        for key, value in entries.items():
            if keys is not None and key not in keys:
                continue
            if named is not None:
                named.add(key)
            if value == PRESENT or not isinstance(value, str):
                continue
            found, _, stamp = value.partition("|")
            changed_at, _, changed_on = stamp.partition("|")
            claim = replace(base, digest=found, stamp=(changed_at, changed_on))
            slot = (rec_kind, key)
            old = latest.get(slot)
            if old is None or later(claim, old):
                latest[slot] = claim

    def get(self, kind: str, key: str) -> Claim | None:
        return self.latest.get((kind, key))


# --- the check ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    table: str
    key: str
    what: str  # unrecorded, changed, missing, deleted
    audit_id: int | None = None

    def text(self, lang: str) -> str:
        return tr(f"records.problem.{self.what}", lang, table=self.table, key=self.key,
                  row=self.audit_id)  # fmt: skip


class _Found:
    """Problems of one table: the first few named, the others counted."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.shown: list[Problem] = []
        self.more = 0

    def add(self, key: str, what: str, audit_id: int | None = None) -> None:
        if len(self.shown) < SHOWN_PER_TABLE:
            self.shown.append(Problem(self.table, key, what, audit_id))
        else:
            self.more += 1

    def texts(self) -> list[str]:
        out = [f"{p.text('th')}\n{p.text('en')}" for p in self.shown]
        if self.more:
            values = {"table": self.table, "n": self.more}
            out.append(f"{tr('records.problem.more', 'th', **values)}\n"
                       f"{tr('records.problem.more', 'en', **values)}")  # fmt: skip
        return out


def _judge(found: _Found, key: str, claim: Claim | None, actual: str) -> None:
    if claim is None:
        found.add(key, "unrecorded")
    elif claim.digest == DELETED:
        found.add(key, "deleted", claim.audit_id)
    elif claim.digest != actual:
        found.add(key, "changed", claim.audit_id)


def _missing(found: _Found, claims: Claims, rec: Record, gone: Iterable[str]) -> None:
    """Of records not here, those this laptop's rows name and no later row deleted."""
    named = claims.named_here.get(rec.kind, set())
    for key in sorted(k for k in gone if k in named):
        claim = claims.get(rec.kind, key)
        if claim is not None and claim.digest != DELETED:
            found.add(key, "missing", claim.audit_id)


def _check_table(db: Database, rec: Record, claims: Claims, where: str = "") -> tuple[_Found, set]:
    found = _Found(rec.table)
    seen: set[str] = set()
    for _, key, actual in digests(db, rec, where):
        seen.add(key)
        _judge(found, key, claims.get(rec.kind, key), actual)
    return found, seen


class _Batches:
    """Rounds written in bulk, checked against their batch row's claims.

    Streamed in the table's order, where a batch's rounds lie together (one transaction
    wrote them): one batch row's claims are in memory at a time (a row is read again if
    its rounds come back later), and per batch only a count of the rounds found is kept;
    the claimed rounds not found are looked up once, at the end.
    """

    def __init__(self, db: Database, claims: Claims, found: _Found) -> None:
        self.db, self.claims, self.found = db, claims, found
        self.mine_devices = local_devices(db)

    def claims_of(self, batch: int) -> tuple[dict[str, str] | None, bool]:
        """The rounds a batch row claims, and whether this laptop wrote it."""
        row = self.db.execute(
            "SELECT kind, device_id, covers FROM audit_log WHERE id = ?", [batch]
        ).fetchone()
        if row is None or row[0] not in BATCH_KINDS or not row[2]:
            return None, False
        try:
            entries = json.loads(row[2]).get("rounds")
        except (ValueError, AttributeError):
            return None, False  # a damaged row claims nothing (the chain check names it)
        return (entries if isinstance(entries, dict) else None), row[1] in self.mine_devices

    def run(self) -> None:
        current: int | None = None
        entries: dict[str, str] | None = None
        matched: dict[int, int] = defaultdict(int)
        found = digests(self.db, ROUNDS, "t.audit_batch IS NOT NULL", extra="t.audit_batch")
        for batch, key, actual in found:
            if batch != current:
                current = batch
                entries, _ = self.claims_of(current)
            if entries is None or key not in entries:
                self.found.add(key, "unrecorded")
            else:
                matched[current] += 1
                if entries[key] != actual:
                    self.found.add(key, "changed", current)
        # Rounds a batch row claims that are not in its batch: gone, unless elsewhere here.
        for (batch,) in self.db.execute(
            "SELECT id FROM audit_log WHERE kind IN ('rounds_batch', 'baseline')"
            " AND instr(covers, '\"rounds\":') > 0"
        ).fetchall():
            entries, mine = self.claims_of(batch)
            if entries and matched[batch] < len(entries):
                self.missing(batch, entries, mine)

    def missing(self, batch: int, entries: dict[str, str], mine: bool) -> None:
        here = {r[0] for r in self.db.execute(
            "SELECT uuid FROM rounds WHERE audit_batch = ?", [batch])}  # fmt: skip
        unseen = [k for k in entries if k not in here]
        gone = set(unseen) - existing_rounds(self.db, unseen)
        named = self.claims.named_here.get("rounds", set())
        for key in sorted(gone):
            if mine or key in named:
                self.found.add(key, "missing", batch)


def existing_rounds(db: Database, keys: list[str]) -> set[str]:
    """Which of `keys` are final rounds here."""
    found = db.execute(
        "SELECT uuid FROM rounds WHERE status = 'final' AND uuid IN"
        " (SELECT value FROM json_each(?))",
        [json.dumps(keys)],
    )
    return {r[0] for r in found}


def table_problems(rec: Record, claims: Claims, stored: Iterable[tuple[str, str]]) -> list[str]:
    """One table's records, given as (key, digest as stored), against every claim: what
    `check` says of them, for a reader that holds no chain of its own (the city hub,
    which reads its PostgreSQL tables itself). A record a claim names that is not there
    is missing unless the latest claim recorded its deletion."""
    found = _Found(rec.table)
    seen: set[str] = set()
    for key, actual in stored:
        seen.add(key)
        _judge(found, key, claims.get(rec.kind, key), actual)
    gone = sorted(k for (kind, k), c in claims.latest.items()
                  if kind == rec.kind and k not in seen and c.digest != DELETED)  # fmt: skip
    for key in gone:
        found.add(key, "missing", claims.latest[(rec.kind, key)].audit_id)
    return found.texts()


def problems(db: Database) -> list[str]:
    """Every described table's records against the audit rows (Thai and English lines)."""
    claims = Claims(local_devices(db)).scan(db, batch_rounds=False)
    out: list[str] = []
    for rec in COVERED:
        if rec is ROUNDS:
            found, seen = _check_table(db, rec, claims, "t.audit_batch IS NULL")
            unseen = list(claims.named_here.get(rec.kind, set()) - seen)
            _missing(found, claims, rec, set(unseen) - existing_rounds(db, unseen))
            _Batches(db, claims, found).run()
        else:
            found, seen = _check_table(db, rec, claims)
            _missing(found, claims, rec, claims.named_here.get(rec.kind, set()) - seen)
        # Two kinds on one table (an event and its day) name one deleted or inserted
        # record once.
        out.extend(t for t in found.texts() if t not in out)
    return out


# --- covering what is already there -------------------------------------------------------


def _system_actor() -> Actor:
    return Actor("sala-rounds", "system", "Sala Rounds", via="migration")


def _write_baseline(db: Database, rec: Record, covers: Covers, action: str, detail: dict,
                    kind: str = "baseline") -> int:  # fmt: skip
    n = sum(len(v) for v in covers.entries.values())
    audit_many(db, [(action, kind, rec.kind, None, {"table": rec.table, "records": n, **detail},
                     covers)], actor=_system_actor())  # fmt: skip
    return db.execute("SELECT MAX(id) FROM audit_log").fetchone()[0]


def baseline(db: Database, kinds: Iterable[Record] = COVERED) -> None:
    """Bring the records already here under the chain: one `baseline` row per kind.

    For a file from before m016 (and the seeded records of a new one): what it held
    when it began covering records is its starting point, as the first row of a
    chain is. Rounds get their baseline row as their batch, a row per 50,000.
    """
    for rec in kinds:
        if rec is ROUNDS:
            _baseline_rounds(db, "baseline", {})
            continue
        covers = Covers()
        columns = _columns(db, rec)
        if not columns:
            continue  # a table a later migration makes (the trust list, m017)
        for row in rows(db, rec, columns=columns):
            covers.row(rec, row, columns)
        if covers:
            _write_baseline(db, rec, covers, "baseline", {})


def _columns(db: Database, rec: Record) -> set[str]:
    return _table_columns(db, rec.table)


def _table_columns(db: Database, table: str) -> set[str]:
    return table_columns(db, table)


def _baseline_rounds(db: Database, action: str, detail: dict, keep: set[str] | None = None,
                     kind: str = "baseline") -> None:  # fmt: skip
    """Rounds in chunks of BASELINE_CHUNK, each chunk's rows pointing at its row."""
    columns = _columns(db, ROUNDS)
    covers, ids = Covers(), []
    for row in rows(db, ROUNDS, order="t.id", columns=columns):
        if keep is not None and row["uuid"] not in keep:
            continue
        covers.row(ROUNDS, row, columns)
        ids.append(row["_rowid"])
        if len(ids) >= BASELINE_CHUNK:
            _flush_rounds(db, covers, ids, action, detail, kind)
            covers, ids = Covers(), []
    if ids:
        _flush_rounds(db, covers, ids, action, detail, kind)


def _flush_rounds(db: Database, covers: Covers, ids: list[int], action: str,
                  detail: dict, kind: str) -> None:  # fmt: skip
    batch = _write_baseline(db, ROUNDS, covers, action, detail, kind)
    db.conn.executemany("UPDATE rounds SET audit_batch = ? WHERE id = ?",
                        [(batch, i) for i in ids])  # fmt: skip


# The kind of audit row that writes each synced record kind (rounds: their batch kind): a
# row of it is a fact about the records wherever they travel, as the rows of that kind are.
ROW_KINDS = {
    "points": "point", "standards": "standard", "plan_projects": "plan",
    "plan_steps": "plan_step", "survey_forms": "survey_form", "survey_questions": "survey_form",
    "rounds": "rounds_batch", "actions": "action", "survey_responses": "survey_response",
    "guard_reports": "guard_report", "guard_events": "guard_event",
}  # fmt: skip


def recover(db: Database, rec: Record, before: set[str], reason: str) -> int:
    """After a migration changed the content of `rec`'s records (a column added and filled):
    cover them again, but only those that were covered before the change.

    `before` is the table's columns before the migration changed it (take it with
    core.records.table_columns first). A record whose content no longer matched its
    claim under those columns was changed outside the app: it stays uncovered, and
    `check` keeps naming it. Returns how many records were covered again.

    The row is a `baseline` for a kind that never leaves this laptop (its own file's
    fact). A synced kind travels, with the rows that claim it, to other laptops and the
    city hub, which read another computer's baseline only for a record no other row
    names: behind an edit made before the migration (its claim without the new column)
    the baseline went unread and the hub named the record changed. For a synced kind the
    row is therefore of the kind that writes such records (ROW_KINDS), a later row of
    this laptop that supersedes its earlier claims wherever they are read: every laptop
    fills the new column of a shared record the same way, or it would not be shared
    content (core.records: a per-laptop column is `local`).

    In a file whose records are not under the chain yet (m016 not applied: a file made
    by a build that had the later migration first), there is nothing to recover: m016's
    baseline covers the records as they then are.
    """
    kind = ROW_KINDS[rec.kind] if rec.synced else "baseline"
    return cover_again(db, rec, covered_now(db, rec, before), reason, kind=kind)


def covered_here_only(db: Database, rec: Record) -> set[str]:
    """The keys of `rec`'s records that this laptop's `recover` baseline covers as they are
    now (the latest claim as `check` here reads them), but that the latest claim as
    another computer reads the rows (the city hub: every row another's) does not.

    What `recover` left behind before it wrote rows of the record's own kind (m021): a
    record whose latest row of its own kind claims it without the column a migration
    added. A record that matches no claim here was changed outside the app: it is not
    among these, and stays named.
    """
    if "covers" not in _table_columns(db, "audit_log"):
        return set()
    devices = local_devices(db)
    recovered = {r[0] for r in db.execute(
        "SELECT id FROM audit_log WHERE kind = 'baseline' AND action = 'recover'"
        " AND record_uuid = ? AND device_id IN (SELECT value FROM json_each(?))",
        [rec.kind, json.dumps(sorted(devices))])}  # fmt: skip
    if not recovered:
        return set()
    here = Claims(devices).scan(db, {rec.kind: None})
    there = Claims(set()).scan(db, {rec.kind: None})
    columns = _columns(db, rec)
    found: set[str] = set()
    for row in rows(db, rec, columns=columns):
        key, actual = rec.key_of(row), digest(rec, row, columns)
        mine, theirs = here.get(rec.kind, key), there.get(rec.kind, key)
        if mine is None or mine.audit_id not in recovered or mine.digest != actual:
            continue
        if theirs is None or theirs.digest != actual:
            found.add(key)
    return found


def covered_now(db: Database, rec: Record, columns: set[str] | None = None,
                keys: Iterable[str] | None = None) -> set[str]:  # fmt: skip
    """The keys of `rec`'s records (those of `keys`, None: all) whose latest claim, as
    `check` reads the claims, carries their digest as they are now.

    A migration about to change records takes this first, then hands the keys to
    `cover_again`: a record that did not match its claim was changed outside the app,
    and must stay named by `check`. `columns` are the fields the claims were made over:
    the table's columns before a column was added (`recover`); by default the table's
    columns now (a value changed in place; a later migration's column is not there yet).
    Empty in a file whose records are not under the chain yet (m016 not applied).
    """
    if "covers" not in _table_columns(db, "audit_log"):
        return set()
    if columns is None:
        columns = _columns(db, rec)
    wanted = None if keys is None else set(keys)
    if wanted is not None and not wanted:
        return set()
    claims = Claims(local_devices(db)).scan(db, {rec.kind: wanted})
    where, params = "", ()
    if wanted is not None:
        where = f"{rec.key_sql} IN (SELECT value FROM json_each(?))"
        params = (json.dumps(sorted(wanted)),)
    found: set[str] = set()
    for row in rows(db, rec, where, params, columns=columns):
        key = rec.key_of(row)
        claim = claims.get(rec.kind, key)
        if claim is not None and claim.digest == digest(rec, row, columns):
            found.add(key)
    return found


def cover_again(db: Database, rec: Record, keys: set[str], reason: str, *,
                kind: str = "baseline", action: str = "recover") -> int:  # fmt: skip
    """Cover the records `keys` names as they are now, after a migration changed them: one
    row of this laptop (rounds: one per chunk, their batch), its detail naming `reason`.

    Give it only what `covered_now` found before the change: covering any other record
    would launder an edit made outside the app. Returns how many records it covered.

    A `baseline` row (the default, as `recover` writes) vouches for this laptop's file
    only: another laptop, and the city hub, read it only for a record no other row names.
    That fits content each laptop derives for itself, or a column every laptop fills the
    same way for the copies it holds. A repair of a value that travels, for records
    another laptop or the hub may first receive from this one, is a fact about the
    records wherever they go: give the `kind` of the rows that write them (rounds: a
    batch kind, "rounds_batch") and an `action` of its own, so it supersedes this laptop's
    earlier claims everywhere, as any later row of one laptop does.
    """
    if not keys:
        return 0
    detail = {"reason": reason}
    if rec is ROUNDS:
        _baseline_rounds(db, action, detail, keys, kind)
        return len(keys)
    # The columns the table has now: a later migration's column is not there yet.
    columns = _columns(db, rec)
    covers = Covers()
    where = f"{rec.key_sql} IN (SELECT value FROM json_each(?))"
    for row in rows(db, rec, where, (json.dumps(sorted(keys)),), columns=columns):
        covers.row(rec, row, columns)
    if covers:
        _write_baseline(db, rec, covers, action, detail, kind)
    return sum(len(v) for v in covers.entries.values())
