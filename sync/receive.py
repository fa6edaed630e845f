"""Receive: check a sync file whole, then merge it by UUID in one transaction.

- A final record already here (same UUID) is skipped: final records never
  change, and a correction is a record of its own that names, by UUID, the
  record it supersedes, so it points to the right round on every laptop.
- Editable rows (a point, a plan step, a corrective action, an event's
  classification) carry when and on which device they last changed; the later
  change wins (ties: the larger device id), and the other version is kept in
  `sync_history`. Both laptops apply the same rule, so A into B and B into A
  end with the same content.
- Audit rows join their device's chain only where they continue it; rows that
  would leave a gap (a file made with --since) or fork it are held back and
  reported, so every chain still verifies with `check`.
- A file is read only once its signature and its computer's trust are settled
  (sync.fileformat, issue 14); every record then passes the checks the same record
  passes when typed or imported here (sync.validate), before anything is written.
- A record is written only with the audit row that records it (issue 14): its
  digest (core.records) must be the one its computer's row holds. A record whose
  row is not here (held back) waits for a later file; one that differs from its
  row refuses the whole file. So a received record is covered, on this laptop too,
  by the sending laptop's row. The import's own row (via "sync") names what it
  added, and the content a merge made of two laptops' versions (a form's links).
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from core.audit import SYNC_FIELDS, audit, head_hash, local_device
from core.calendar import fiscal_year, format_datetime, from_utc
from core.coverage import Claims, local_devices
from core.db import transaction
from core.devices import bind_device, own_devices, trust_device, trusted_devices
from core.errors import InvalidInput
from core.i18n import Phrase, tr
from core.office import office
from core.records import (
    ACTIONS,
    BY_KIND,
    DELETED,
    GUARD_EVENT_DAYS,
    GUARD_EVENTS,
    GUARD_REPORTS,
    PLAN_PROJECTS,
    PLAN_STEPS,
    POINTS,
    PRESENT,
    RECORDS,
    ROUNDS,
    STANDARDS,
    SURVEY_FORMS,
    SURVEY_QUESTIONS,
    SURVEY_RESPONSES,
    Covers,
    Record,
    fetch,
    insert,
)  # fmt: skip
from core.records import (
    claim as claim_of,
)
from core.users import require
from security.contract import shifts
from sync.fileformat import SyncFile, read_sync_file
from sync.keys import existing_key
from sync.rules import (
    RecordGate,
    decide_edit,
    event_row,
    inspection_key,
    joins_chain,
    names_missing,
    point_key,
    refusal,
    settle_form_links,
    wanted_keys,
)

# The fields a later change may replace, per editable table (the rest never changes): the
# descriptions' (core.records), which the city hub's merge reads too.
EDITABLE: dict[str, tuple[str, ...]] = {r.table: r.editable for r in RECORDS if r.editable}


@dataclass(frozen=True)
class Conflict:
    """Two laptops changed the same thing: which version was kept, which went to history."""

    kind: str
    record_uuid: str
    label: str
    # "local" or "remote" (whose later change was kept); "both" (two signed reports for
    # one day and shift) or "both_corrections" (two corrections of one round): both stay.
    winner: str
    kept: dict[str, Any]
    lost: dict[str, Any]


@dataclass
class SyncResult:
    source_device: str
    file_sha256: str
    file_created_at: str
    already_imported: bool = False
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    held_back: dict[str, int] = field(default_factory=dict)  # device -> audit rows not joined
    # kind -> records not written: the audit rows that record them are not here yet
    held_back_records: dict[str, int] = field(default_factory=dict)
    trusted_now: str | None = None  # the key's fingerprint, when this import trusted it

    def _bump(self, bucket: dict[str, int], kind: str, n: int = 1) -> None:
        bucket[kind] = bucket.get(kind, 0) + n

    @property
    def total_added(self) -> int:
        return sum(n for k, n in self.added.items() if k != "audit")

    @property
    def total_skipped(self) -> int:
        return sum(n for k, n in self.skipped.items() if k != "audit")

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())

    def summary(self, lang: str) -> str:
        """A few lines a person can read: what came in, what was skipped, what conflicted."""
        device = self.source_device[:8]
        if self.already_imported:
            return tr("sync.result.already", lang, device=device)
        lines = [tr("sync.result.head", lang, device=device, at=local_time(self.file_created_at,
                                                                          lang))]  # fmt: skip
        if self.trusted_now:
            lines.append(tr("syncguard.trusted_now", lang, device=device, fp=self.trusted_now))
        for title, bucket in (("sync.result.added", self.added),
                              ("sync.result.updated", self.updated),
                              ("sync.result.skipped", self.skipped)):  # fmt: skip
            parts = [f"{tr('sync.kind.' + k, lang)} {n}"
                     for k, n in sorted(bucket.items(), key=_order) if n]  # fmt: skip
            lines.append(tr(title, lang, items=", ".join(parts) or "0"))
        lines.append(tr("sync.result.conflicts", lang, n=len(self.conflicts)))
        for c in self.conflicts:
            lines.append("  " + tr(f"sync.conflict.{c.winner}", lang, kind=tr(
                "sync.kind." + c.kind, lang), label=c.label))  # fmt: skip
            if c.winner in ("local", "remote"):
                # Only what differs: the values used, and those kept in the history.
                keys = [k for k in c.kept if c.kept[k] != c.lost.get(k)]
                kept = ", ".join(f"«{c.kept[k]}»" for k in keys)
                lost = ", ".join(f"«{c.lost.get(k)}»" for k in keys)
                lines.append("    " + tr("sync.conflict.detail", lang, kept=kept, lost=lost))
        for dev, n in self.held_back.items():
            lines.append(tr("sync.result.held_back", lang, n=n, device=dev[:8]))
        if self.held_back_records:
            parts = [f"{tr('sync.kind.' + k, lang)} {n}"
                     for k, n in sorted(self.held_back_records.items(), key=_order)]  # fmt: skip
            lines.append(tr("sync.result.held_back_records", lang, items=", ".join(parts)))
        return "\n".join(lines)


# The order a person reads a summary in: the records first, the bookkeeping last.
SHOWN = ("rounds", "actions", "survey_responses", "guard_reports", "guard_events", "points",
         "plan_steps", "standards", "plan_projects", "survey_forms", "survey_questions",
         "survey_imports",
         "audit")  # fmt: skip


def _order(item: tuple[str, int]) -> int:
    return SHOWN.index(item[0]) if item[0] in SHOWN else len(SHOWN)


def local_time(stamp: str | None, lang: str) -> str:
    """A stored UTC stamp as Bangkok time for people (the B.E. year in Thai)."""
    if not stamp:
        return "—"
    try:
        return format_datetime(from_utc(stamp), lang)
    except ValueError:
        return stamp


def _refuse(why: str, /, **values: object) -> InvalidInput:
    return refusal(Phrase(why, **values))


def _valid_periods(text: str | None) -> bool:
    """A point's active periods (m014): a JSON list of [from, until], ISO days or null."""
    if text is None:
        return True
    try:
        periods = json.loads(text)
        return isinstance(periods, list) and all(
            isinstance(p, list) and len(p) == 2
            and all(d is None or (isinstance(d, str) and date.fromisoformat(d)) for d in p)
            for p in periods
        )  # fmt: skip
    except (ValueError, TypeError):
        return False


def _check_references(db: Database, content: dict) -> None:
    """Every UUID a record points to is in the file or already here; keys do not clash."""
    for p in content["points"]:
        if not _valid_periods(p["periods"]):
            raise _refuse("receive.active_periods_point_not_valid", code=p["code"])
    points = {r[0] for r in db.execute("SELECT uuid FROM points")}
    points |= {p["uuid"] for p in content["points"]}
    standards = {r[0] for r in db.execute("SELECT uuid FROM standards")}
    by_version = {v: u for u, v in db.execute("SELECT uuid, version FROM standards")}
    for std in content["standards"]:
        other = by_version.get(std["version"])
        if other is not None and other != std["uuid"]:
            raise _refuse("receive.standard_version_created_separately_two", version=std["version"])
        standards.add(std["uuid"])
    shifts = {r[0] for r in db.execute("SELECT code FROM guard_shifts")}
    for kind, key, known in (("rounds", "point", points), ("rounds", "standard", standards),
                             ("actions", "point", points), ("survey_responses", "point", points),
                             ("guard_reports", "shift", shifts)):  # fmt: skip
        for row in content[kind]:
            if row[key] is not None and row[key] not in known:
                raise _refuse(
                    "receive.refers_found_neither_file_nor", kind=kind, name=key, row_no=row[key]
                )


def check_content(db: Database, content: dict) -> None:
    """The checks of a file's records that need what the receiver already holds: the keys
    they point to, then every record against the rules of its kind (sync.validate: the
    checks it passes when typed or imported here, guard reports and events included). A
    laptop and the city hub (which reads its tables through hub.dialect) call this one
    function, inside the transaction that merges the file."""
    from sync.validate import validate_content

    _check_references(db, content)
    validate_content(db, content)


def check_office(db: Database, sync_file: SyncFile) -> None:
    """A file holds one office's records; another office's file is refused (issue 18)."""
    theirs, ours = sync_file.manifest.office, office(db)
    if theirs.code != ours.code:
        raise _refuse(
            "receive.file_belongs_office_computer_office",
            code=theirs.code,
            name_th=theirs.name_th,
            code2=ours.code,
            name_th2=ours.name_th,
            name_en=theirs.name_en,
            name_en2=ours.name_en,
        )


class _Gate(RecordGate):
    """A received record is written only with the audit row that records it (issue 14):
    sync.rules.RecordGate decides, as it does at the city hub.

    The claims read are the file's own rows that joined their chain here (what the
    sending laptop knew), then, for a record none of them names (a point sent whole,
    last changed before `--since`), the rows already here, read as the sender reads
    them. Records written are remembered, so that the import's own row covers what
    a merge made of two versions, and names what arrived.
    """

    def __init__(self, db: Database, content: dict, sender: str, result: SyncResult) -> None:
        wanted = wanted_keys(content)
        hashes = [r["hash"] for r in content["audit"]]
        super().__init__(db, Claims({sender}).scan(db, wanted, hashes=hashes),
                         Claims({sender}).scan(db, wanted), result.held_back_records)  # fmt: skip
        self.result = result
        self.written: dict[str, set[str]] = defaultdict(set)
        self.added: dict[str, set[str]] = defaultdict(set)

    def wrote(self, rec: Record, key: str, *, added: bool = False) -> None:
        if rec.covered:
            self.written[rec.kind].add(key)
            if added:
                self.added[rec.kind].add(key)

    def settle(self) -> Covers:
        """What the import's own row vouches for: records a merge made of two versions
        (their content), and records that arrived (PRESENT: their sender's row holds
        the content)."""
        local = Claims(local_devices(self.db)).scan(self.db, self.written)
        covers = Covers()
        for kind, keys in self.written.items():
            rec = BY_KIND[kind]
            current = fetch(self.db, rec, keys)
            for key in sorted(keys):
                value = claim_of(rec, current[key]) if key in current else DELETED
                found = local.get(kind, key)
                if found is None or found.digest != value.partition("|")[0]:
                    covers.add(kind, key, value)
                elif key in self.added[kind]:
                    covers.add(kind, key, PRESENT)
        return covers


class _Ids:
    """Local row ids of the records a file names by UUID, looked up once each."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.known: dict[str, dict[str, int]] = {}

    def __call__(self, table: str, uuid: str) -> int:
        if table not in self.known:
            # `table` is a reference of a description (core.records), never the file's.
            self.known[table] = dict(self.db.execute(f"SELECT uuid, id FROM {table}"))
        return self.known[table][uuid]

    def add(self, table: str, uuid: str, row_id: int) -> None:
        self.known.setdefault(table, {})[uuid] = row_id

    def has(self, table: str, uuid: str) -> bool:
        try:
            self(table, uuid)
        except KeyError:
            return False
        return True


@dataclass
class _Merge:
    """One file's merge: where it writes, what it has decided so far."""

    db: Database
    content: dict
    result: SyncResult
    sha: str
    gate: _Gate
    ids: _Ids


def _merge_editable(
    m: _Merge, rec: Record, where: str, key: list, remote: dict, label: str, local_key: str,
    *, also_ok: bool = True,
) -> bool:  # fmt: skip
    """Later change wins; a real clash between two laptops' edits goes to sync_history
    (sync.rules.decide_edit decides).

    The other laptop's version is written, or kept in the history, only when its audit
    row is here (`also_ok` False: something that comes with it is not). Returns whether
    the other laptop's version won (and was written here)."""
    db, result, kind = m.db, m.result, rec.kind
    fields = rec.editable
    cur = db.execute(
        f"SELECT {', '.join(fields)}, changed_at, changed_on, changed_base FROM {rec.table}"
        f" WHERE {where}",
        key,
    )
    row = cur.fetchone()
    local = dict(zip([*fields, "changed_at", "changed_on", "changed_base"], row, strict=True))
    d = decide_edit(local, remote, fields)
    if (d.remote_wins or d.clash) and not (m.gate.check(rec, remote) and also_ok):
        # Its audit row is not here yet: nothing of it is written, not even to the history.
        result._bump(result.held_back_records if d.remote_wins else result.skipped, kind)
        return False
    if d.clash:
        db.execute(
            "INSERT INTO sync_history(kind, record_uuid, label, kept, lost, kept_changed_at,"
            " kept_device, lost_changed_at, lost_device, decided_at, file_sha256)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [kind, remote.get("uuid", label), label, json.dumps(d.kept, ensure_ascii=False),
             json.dumps(d.lost, ensure_ascii=False), *d.kept_stamp, *d.lost_stamp, _now(),
             m.sha],
        )  # fmt: skip
        result.conflicts.append(
            Conflict(kind, remote.get("uuid", label), label,
                     "remote" if d.remote_wins else "local", d.kept, d.lost)
        )  # fmt: skip
    if not d.remote_wins:
        result._bump(result.skipped, kind)
        return False
    # Setting the stamp ourselves keeps the local trigger from restamping this row.
    sets = ", ".join(f"{f} = ?" for f in (*fields, "changed_at", "changed_on", "changed_base"))
    db.execute(
        f"UPDATE {rec.table} SET {sets} WHERE {where}",
        [*d.kept.values(), remote["changed_at"], remote["changed_on"],
         remote["changed_base"], *key],
    )  # fmt: skip
    m.gate.wrote(rec, local_key)
    if d.counts_as != "conflict":
        result._bump(result.updated if d.counts_as == "updated" else result.skipped, kind)
    return True


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _add(m: _Merge, rec: Record, row: Mapping, extra: Mapping | None = None,
         *, verb: str = "INSERT") -> int:  # fmt: skip
    """Insert a record of the file; count it and remember it for the import's row."""
    row_id = insert(m.db, rec, row, m.ids, extra, verb=verb)
    if row_id:
        if "uuid" in row:
            m.ids.add(rec.table, row["uuid"], row_id)
        m.gate.wrote(rec, rec.key_of(row), added=True)
    m.result._bump(m.result.added if row_id else m.result.skipped, rec.kind)
    return row_id


def _merge_points(m: _Merge) -> None:
    ids = {u: i for u, i in m.db.execute("SELECT uuid, id FROM points")}
    by_code = {c: (u, i) for u, c, i in m.db.execute("SELECT uuid, code, id FROM points")}
    uuid_by_code = {c: u for c, (u, _) in by_code.items()}
    for p in m.content["points"]:
        local = p
        held = point_key(p["uuid"], p["code"], ids, uuid_by_code)
        if held != p["uuid"]:
            # Same code, another key: one point, this laptop's key (sync.rules.point_key).
            local_id = by_code[p["code"]][1]
            ids[p["uuid"]] = local_id
            m.ids.add("points", p["uuid"], local_id)
            local = dict(p, uuid=held)
        if local["uuid"] in ids:
            # The file's version is checked under its own key, written under this one's.
            _merge_editable(m, POINTS, "uuid = ?", [local["uuid"]], p, p["code"], local["uuid"])
            continue
        if m.gate.allow(POINTS, p):
            ids[p["uuid"]] = _add(m, POINTS, p)


def _merge_standards(m: _Merge) -> None:
    have = {u for (u,) in m.db.execute("SELECT uuid FROM standards")}
    for std in m.content["standards"]:
        if std["uuid"] in have:
            m.result._bump(m.result.skipped, "standards")
        elif m.gate.allow(STANDARDS, std):
            _add(m, STANDARDS, std)


def _merge_plan(m: _Merge) -> None:
    for proj in m.content["plan_projects"]:
        if m.db.execute(
            "SELECT 1 FROM plan_projects WHERE fiscal_year = ? AND project = ?",
            [proj["fiscal_year"], proj["project"]],
        ).fetchone():
            m.result._bump(m.result.skipped, "plan_projects")
        elif m.gate.allow(PLAN_PROJECTS, proj):
            _add(m, PLAN_PROJECTS, proj)
    for step in m.content["plan_steps"]:
        label = f"{step['fiscal_year']} {step['project']}.{step['step_no']}"
        # Before m009 a copied year got random step keys: the year, project and step
        # number name the same step on every laptop.
        where, key = "fiscal_year = ? AND project = ? AND step_no = ?", [
            step["fiscal_year"], step["project"], step["step_no"]]  # fmt: skip
        found = m.db.execute(f"SELECT uuid FROM plan_steps WHERE {where}", key).fetchone()
        if found:
            _merge_editable(m, PLAN_STEPS, where, key, step, label, found[0])
        elif m.gate.allow(PLAN_STEPS, step):
            _add(m, PLAN_STEPS, step)


def _form_questions(content: dict, key: str) -> list[dict]:
    return [q for q in content["survey_questions"] if q["form"] == key]


def _merge_forms(m: _Merge) -> tuple[set[str], set[str]]:
    """Survey forms: a form is its name and its questions, merged as one editable thing.

    A form nobody has answered is edited in place (inspection.survey.save_form), so the
    later edit wins for the name and the whole question list together. `retired` and
    `replaced_by` only move one way: a retired form stays retired, the first successor
    (the smaller key, should two laptops each version it) is kept. Returns the keys of
    the forms whose questions this merge has settled, and of those held back.
    """
    db, gate = m.db, m.gate
    settled: set[str] = set()
    held: set[str] = set()
    local = {k for (k,) in db.execute("SELECT key FROM survey_forms")}
    for f in m.content["survey_forms"]:
        questions = _form_questions(m.content, f["key"])
        complete = all([gate.check(SURVEY_QUESTIONS, q) for q in questions])
        if f["key"] not in local:
            if not (gate.allow(SURVEY_FORMS, f) and complete):
                # Held back whole: its questions wait with it.
                held.add(f["key"])
                continue
            # Links to other forms are set below, once every form of the file is here.
            _add(m, SURVEY_FORMS, dict(f, derived_from=None, replaced_by=None))
            for q in questions:
                _add(m, SURVEY_QUESTIONS, q)
        else:
            old = [u for (u,) in db.execute(
                "SELECT uuid FROM survey_questions WHERE form = ?", [f["key"]])]  # fmt: skip
            if _merge_editable(m, SURVEY_FORMS, "key = ?", [f["key"]], f, f["name_th"],
                               f["key"], also_ok=complete):  # fmt: skip
                # The other laptop's edit won: its questions come with it.
                db.execute("DELETE FROM survey_questions WHERE form = ?", [f["key"]])
                for uuid in old:
                    gate.wrote(SURVEY_QUESTIONS, uuid)
                for q in questions:
                    insert(db, SURVEY_QUESTIONS, q, m.ids)
                    gate.wrote(SURVEY_QUESTIONS, q["uuid"], added=True)
        settled.add(f["key"])
    for key in settle_form_links(db.execute, m.content["survey_forms"], settled, gate):
        gate.wrote(SURVEY_FORMS, key)
    return settled, held


def _merge_questions(m: _Merge, settled: set[str], held: set[str]) -> None:
    have = {u for (u,) in m.db.execute("SELECT uuid FROM survey_questions")}
    for q in m.content["survey_questions"]:
        if q["form"] in held:
            m.result._bump(m.result.held_back_records, "survey_questions")
        elif q["form"] in settled or q["uuid"] in have:
            m.result._bump(m.result.skipped, "survey_questions")
        elif m.gate.allow(SURVEY_QUESTIONS, q):
            _add(m, SURVEY_QUESTIONS, q, verb="INSERT OR IGNORE")


def _refs_here(m: _Merge, rec: Record, row: Mapping) -> bool:
    """Whether the points and standards a record names are here (sync.rules.names_missing):
    looking up a point held back ended the import in a KeyError."""
    if names_missing(rec, row, m.ids.has):
        m.result._bump(m.result.held_back_records, rec.kind)
        return False
    return True


def _merge_rounds(m: _Merge) -> set[str]:
    """Insert the final rounds not here; returns rounds skipped as the same inspection."""
    db, result = m.db, m.result
    have = {r[0] for r in db.execute("SELECT uuid FROM rounds")}
    # DOMAIN.md section 8: the same point, time and inspector is the same round (one CSV
    # imported on two laptops gives it two keys): it is not added a second time.
    same = {
        (p, at, who)
        for p, at, who in db.execute(
            "SELECT point_id, inspected_at, inspector FROM rounds"
            " WHERE status = 'final' AND supersedes IS NULL"
        )
    }
    duplicates: set[str] = set()
    for r in m.content["rounds"]:
        if r["uuid"] in have:
            result._bump(result.skipped, "rounds")
            continue
        if not _refs_here(m, ROUNDS, r):
            continue
        point_id = m.ids("points", r["point"])
        if inspection_key(r, point_id) in same:
            duplicates.add(r["uuid"])
            result._bump(result.skipped, "rounds")
            continue
        if not m.gate.allow(ROUNDS, r):
            continue
        if r["supersedes"] is not None:
            _note_double_correction(db, result, r)
        # A round written in bulk names its batch row by this laptop's id of that row.
        _add(m, ROUNDS, r, {"status": "final", "audit_batch": m.gate.batch(ROUNDS, r["uuid"])})
        have.add(r["uuid"])
    return duplicates


def _note_double_correction(db: Database, result: SyncResult, rnd: dict) -> None:
    """Two laptops each corrected the same round: both corrections stay, the reader is told.

    They judge the point at the same moment, so which one decides is a tie; a section
    head settles it by correcting the one that is wrong.
    """
    other = db.execute(
        "SELECT r.uuid, p.code FROM rounds r JOIN points p ON p.id = r.point_id"
        " WHERE r.supersedes = ? AND r.status = 'final' AND r.uuid != ?",
        [rnd["supersedes"], rnd["uuid"]],
    ).fetchone()
    if other is not None:
        label = f"{other[1]} {rnd['inspected_at'].replace('T', ' ')}"
        result.conflicts.append(
            Conflict("rounds", rnd["uuid"], label, "both_corrections",
                     {"uuid": other[0]}, {"uuid": rnd["uuid"], "reason": rnd["reason"]})
        )  # fmt: skip


def _merge_actions(m: _Merge, duplicates: set[str]) -> None:
    have = {r[0] for r in m.db.execute("SELECT uuid FROM corrective_actions")}
    codes = {u: c for u, c in m.db.execute("SELECT uuid, code FROM points")}
    for a in m.content["actions"]:
        label = f"{codes.get(a['point'], '?')} #{a['item_no']}"
        if a["uuid"] in have:
            _merge_editable(m, ACTIONS, "uuid = ?", [a["uuid"]], a, label, a["uuid"])
            continue
        if a["round_uuid"] in duplicates:
            # The same inspection is here under another key, with its own actions.
            m.result._bump(m.result.skipped, "actions")
            continue
        if _refs_here(m, ACTIONS, a) and m.gate.allow(ACTIONS, a):
            _add(m, ACTIONS, a)
            have.add(a["uuid"])


def _merge_survey(m: _Merge) -> None:
    have = {r[0] for r in m.db.execute("SELECT uuid FROM survey_responses")}
    for s in m.content["survey_responses"]:
        if s["uuid"] in have:
            m.result._bump(m.result.skipped, "survey_responses")
        elif _refs_here(m, SURVEY_RESPONSES, s) and m.gate.allow(SURVEY_RESPONSES, s):
            _add(m, SURVEY_RESPONSES, s)
            have.add(s["uuid"])
    # A survey CSV imported on the other laptop is then skipped here too.
    for imp in m.content["survey_imports"]:
        _add(m, BY_KIND["survey_imports"], imp, verb="INSERT OR IGNORE")


def _merge_guard(m: _Merge) -> None:
    db, result = m.db, m.result
    reports = {u: i for u, i in db.execute("SELECT uuid, id FROM guard_reports")}
    by_code = {s.code: s for s in shifts(db)}
    events = {r[0] for r in db.execute("SELECT uuid FROM guard_events")}
    for rep in m.content["guard_reports"]:
        report_id = reports.get(rep["uuid"])
        if report_id is None:
            if not m.gate.allow(GUARD_REPORTS, rep):
                for _ in rep["events"]:
                    result._bump(result.held_back_records, "guard_events")
                continue
            report_id = reports[rep["uuid"]] = _add(m, GUARD_REPORTS, rep, {"status": "signed"})
            _note_double_report(db, result, rep)
        else:
            result._bump(result.skipped, "guard_reports")
        for ev in rep["events"]:
            data = event_row(ev, rep)
            label = f"{rep['day']} {rep['shift']} {ev['at']} {ev['place']}"
            if ev["uuid"] in events:
                _merge_editable(m, GUARD_EVENTS, "uuid = ?", [ev["uuid"]], data, label,
                                ev["uuid"])  # fmt: skip
            elif m.gate.allow(GUARD_EVENTS, data):
                # The day it happened, from the report and the time (DOMAIN.md 7), as here.
                day = by_code[rep["shift"]].day_of(date.fromisoformat(rep["day"]),
                                                   time.fromisoformat(ev["at"]))  # fmt: skip
                _add(m, GUARD_EVENTS, ev, {"report_id": report_id, "occurred_on": day.isoformat(),
                                           "fiscal_year": fiscal_year(day)})  # fmt: skip
                # This laptop's derivation of its day: the import's own row covers it.
                m.gate.wrote(GUARD_EVENT_DAYS, ev["uuid"], added=True)
                events.add(ev["uuid"])


def _note_double_report(db: Database, result: SyncResult, rep: dict) -> None:
    """Two laptops each signed a report for one day and shift: both stay, the reader is told.

    Neither supersedes the other, so both count until the section head corrects one.
    """
    if rep["supersedes"] is not None:
        return
    other = db.execute(
        "SELECT uuid, supervisor FROM guard_reports WHERE day = ? AND shift = ? AND uuid != ?"
        " AND status = 'signed' AND supersedes IS NULL",
        [rep["day"], rep["shift"], rep["uuid"]],
    ).fetchone()
    if other is not None:
        result.conflicts.append(
            Conflict("guard_reports", rep["uuid"], f"{rep['day']} {rep['shift']}", "both",
                     {"uuid": other[0], "supervisor": other[1]},
                     {"uuid": rep["uuid"], "supervisor": rep["supervisor"]})
        )  # fmt: skip


def _merge_audit(db: Database, content: dict, result: SyncResult) -> None:
    """Rows join their device's chain only where they continue it (see the module doc)."""
    local = local_device(db)
    heads: dict[str, str] = {}
    broken: set[str] = set()
    for r in content["audit"]:
        device = r["device_id"]
        if db.execute(
            "SELECT 1 FROM audit_log WHERE hash = ? AND device_id = ?", [r["hash"], device]
        ).fetchone():
            result._bump(result.skipped, "audit")
            continue
        if device not in heads:
            heads[device] = head_hash(db, device)
        # This laptop's own chain only ever grows here; rows of it it lacks come from a
        # copy of this database (restored or cloned) and must not be spliced in.
        if not joins_chain(device, local, r["prev_hash"], heads[device], device in broken):
            broken.add(device)
            result.held_back[device] = result.held_back.get(device, 0) + 1
            continue
        db.conn.execute(
            f"INSERT INTO audit_log({', '.join(SYNC_FIELDS)})"
            f" VALUES ({', '.join('?' * len(SYNC_FIELDS))})",
            [r[name] for name in SYNC_FIELDS],
        )
        heads[device] = r["hash"]
        result._bump(result.added, "audit")


def already_imported(db: Database, file_sha: str) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM sync_log WHERE direction = 'received' AND file_sha256 = ?", [file_sha]
        ).fetchone()
        is not None
    )


def merge(db: Database, sync_file: SyncFile, file_name: str = "") -> SyncResult:
    """Merge a checked file in one transaction (all of it, or nothing on any error)."""
    m = sync_file.manifest
    result = SyncResult(m.device_id, sync_file.file_sha256, m.created_at)
    content = sync_file.content
    sha = sync_file.file_sha256
    try:
        with transaction(db):
            # The office is a setting this file's merge depends on: read under the lock too.
            check_office(db, sync_file)
            # Asked under the write lock, so two windows importing one file cannot both
            # merge it.
            if already_imported(db, sha):
                result.already_imported = True
                return result
            if sync_file.newly_trusted:
                # An administrator's --trust: trusted only if the whole file is merged.
                trust_device(db, m.device_id, m.public_key)
                result.trusted_now = m.fingerprint
            elif sync_file.same_key:
                bind_device(db, m.device_id, m.public_key)
            check_content(db, content)
            # The audit rows first: a record joins with the row that records it.
            _merge_audit(db, content, result)
            run = _Merge(db, content, result, sha, _Gate(db, content, m.device_id, result),
                         _Ids(db))  # fmt: skip
            run.gate.check_all(content)
            _merge_points(run)
            _merge_standards(run)
            _merge_plan(run)
            settled, held = _merge_forms(run)
            _merge_questions(run, settled, held)
            duplicates = _merge_rounds(run)
            _merge_actions(run, duplicates)
            _merge_survey(run)
            _merge_guard(run)
            covers = run.gate.settle()
            counts = {"added": result.added, "updated": result.updated,
                      "skipped": result.skipped, "held_back": result.held_back,
                      "held_back_records": result.held_back_records,
                      "trusted_now": result.trusted_now}  # fmt: skip
            db.execute(
                "INSERT INTO sync_log(direction, device_id, file_sha256, file_name,"
                " file_created_at, since, done_at, added, updated, skipped, conflicts, detail)"
                " VALUES ('received', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [m.device_id, sha, file_name, m.created_at, m.since, _now(), result.total_added,
                 result.total_updated, result.total_skipped, len(result.conflicts),
                 json.dumps(counts, sort_keys=True)],
            )  # fmt: skip
            # One audit row per imported file, naming it by its SHA-256.
            audit(db, "import", "sync_file", sha, None,
                  {"file": file_name, "from_device": m.device_id, "created_at": m.created_at,
                   "added": result.total_added, "updated": result.total_updated,
                   "conflicts": len(result.conflicts)}, covers=covers, via="sync")  # fmt: skip
    except sqlite3.IntegrityError as exc:
        # A record that breaks a rule of this database (a CHECK, a unique key): the whole
        # file is rolled back, as a bad CSV is.
        raise _refuse("receive.record_file_clashes_database", exc=exc) from None
    return result


def trusted_keys(db: Database) -> dict[str, str]:
    """Device id -> the public key its files must be signed with: the trust list, and
    this computer's own ids (a file it wrote, brought back) with its own key."""
    keys = {d.device_id: d.public_key for d in trusted_devices(db)}
    own = existing_key(db)
    if own is not None:
        keys.update(dict.fromkeys(own_devices(db), own.public_key))
    return keys


def import_sync(db: Database, path: Path, *, trust: bool = False) -> SyncResult:
    """Check a sync file completely, then merge it; a bad file changes nothing.

    A file from a computer not trusted here is refused (fileformat.UntrustedComputer,
    showing its key's fingerprint) unless `trust`: an administrator's decision
    (permission `sync.trust`, checked before the file is read), recorded with the merge.
    The trust list is read under the write lock the merge holds, so a computer trusted
    or no longer trusted by another window a moment ago is read as it is now.
    """
    require(db, "sync.import")
    if trust:
        require(db, "sync.trust")
    path = Path(path)
    with transaction(db):
        sync_file = read_sync_file(path, trusted=trusted_keys(db), accept_new=trust)
        return merge(db, sync_file, path.name)
