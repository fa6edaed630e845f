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
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from core.audit import audit, head_hash, local_device
from core.calendar import format_datetime, from_utc
from core.db import transaction
from core.devices import bind_device, own_devices, trust_device, trusted_devices
from core.errors import InvalidInput
from core.i18n import tr
from core.users import require
from sync.fileformat import SyncFile, read_sync_file
from sync.keys import existing_key
from sync.validate import validate_content

# The fields a later change may replace, per editable kind (the rest never changes).
EDITABLE: dict[str, tuple[str, ...]] = {
    # updated_at is left out: seeded points carry the moment each laptop was set up.
    "points": ("code", "floor", "kind", "name_th", "name_en", "location", "active",
               "active_from", "active_until", "periods"),
    "plan_steps": ("title_th", "title_en", "weight", "cumulative", "months", "floor",
                   "done_date", "evidence"),
    "corrective_actions": ("what", "who", "due_date", "closed_date"),
    "guard_events": ("counts", "reason", "classified_by", "classified_at"),
    "survey_forms": ("name_th", "name_en"),
}  # fmt: skip


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


def _refuse(th: str, en: str) -> InvalidInput:
    return InvalidInput(
        f"ไม่รับไฟล์ซิงก์: {th} ไม่มีการเปลี่ยนแปลงข้อมูลใด ๆ",
        f"sync file refused: {en}; nothing was changed",
        field="file",
    )


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
            raise _refuse(
                f"ช่วงเวลาที่เปิดใช้ของจุด {p['code']} ไม่ถูกต้อง",
                f"the active periods of point {p['code']} are not valid",
            )
    points = {r[0] for r in db.execute("SELECT uuid FROM points")}
    points |= {p["uuid"] for p in content["points"]}
    standards = {r[0] for r in db.execute("SELECT uuid FROM standards")}
    by_version = {v: u for u, v in db.execute("SELECT uuid, version FROM standards")}
    for std in content["standards"]:
        other = by_version.get(std["version"])
        if other is not None and other != std["uuid"]:
            raise _refuse(
                f"เกณฑ์มาตรฐานฉบับที่ {std['version']} ถูกสร้างแยกกันบนสองเครื่อง"
                " ให้ผู้ดูแลระบบสร้างฉบับใหม่บนเครื่องเดียวแล้วส่งต่อ",
                f"standard version {std['version']} was created separately on two computers;"
                " an administrator should create versions on one computer and send them",
            )
        standards.add(std["uuid"])
    shifts = {r[0] for r in db.execute("SELECT code FROM guard_shifts")}
    for kind, key, known in (("rounds", "point", points), ("rounds", "standard", standards),
                             ("actions", "point", points), ("survey_responses", "point", points),
                             ("guard_reports", "shift", shifts)):  # fmt: skip
        for row in content[kind]:
            if row[key] is not None and row[key] not in known:
                raise _refuse(
                    f"{kind} อ้างถึง {key} «{row[key]}» ที่ไม่มีในไฟล์และในเครื่องนี้",
                    f"{kind} refers to {key} «{row[key]}», found neither in the file nor here",
                )


def _insert(db: Database, table: str, row: dict, *, verb: str = "INSERT") -> sqlite3.Cursor:
    """Insert one record of the file as it stands. Its keys are the fixed field names of
    fileformat.FIELDS (a record with any other key is refused on reading), so naming them
    in the SQL pastes no value of the file into it."""
    cols = list(row)
    return db.execute(
        f"{verb} INTO {table}({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [row[c] for c in cols],
    )


def _stamp(row: dict) -> tuple[str, str]:
    return (row.get("changed_at") or "", row.get("changed_on") or "")


def _merge_editable(
    db: Database, result: SyncResult, file_sha: str, kind: str, table: str, where: str,
    key: list, remote: dict, label: str,
) -> bool:  # fmt: skip
    """Later change wins; a real clash between two laptops' edits goes to sync_history.

    Returns whether the other laptop's version won (and was written here)."""
    fields = EDITABLE[table]
    cur = db.execute(
        f"SELECT {', '.join(fields)}, changed_at, changed_on, changed_base FROM {table}"
        f" WHERE {where}",
        key,
    )
    row = cur.fetchone()
    local = dict(zip([*fields, "changed_at", "changed_on", "changed_base"], row, strict=True))
    local_vals = {f: local[f] for f in fields}
    remote_vals = {f: remote[f] for f in fields}
    differ = local_vals != remote_vals
    remote_wins = _stamp(remote) > _stamp(local)
    # A clash: both laptops edited it, on different devices, to different values, and
    # neither edit was made on top of the other's version.
    on_top = (remote["changed_base"] == " ".join(_stamp(local))
              or local["changed_base"] == " ".join(_stamp(remote)))  # fmt: skip
    clash = (differ and local["changed_at"] and remote["changed_at"] and not on_top
             and local["changed_on"] != remote["changed_on"])  # fmt: skip
    if clash:
        kept, lost = (remote, local) if remote_wins else (local, remote)
        kept_vals = remote_vals if remote_wins else local_vals
        lost_vals = local_vals if remote_wins else remote_vals
        db.execute(
            "INSERT INTO sync_history(kind, record_uuid, label, kept, lost, kept_changed_at,"
            " kept_device, lost_changed_at, lost_device, decided_at, file_sha256)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [kind, remote.get("uuid", label), label, json.dumps(kept_vals, ensure_ascii=False),
             json.dumps(lost_vals, ensure_ascii=False), kept["changed_at"], kept["changed_on"],
             lost["changed_at"], lost["changed_on"], _now(), file_sha],
        )  # fmt: skip
        result.conflicts.append(
            Conflict(kind, remote.get("uuid", label), label,
                     "remote" if remote_wins else "local", kept_vals, lost_vals)
        )  # fmt: skip
    if not remote_wins:
        result._bump(result.skipped, kind)
        return False
    # Setting the stamp ourselves keeps the local trigger from restamping this row.
    sets = ", ".join(f"{f} = ?" for f in (*fields, "changed_at", "changed_on", "changed_base"))
    db.execute(
        f"UPDATE {table} SET {sets} WHERE {where}",
        [*remote_vals.values(), remote["changed_at"], remote["changed_on"],
         remote["changed_base"], *key],
    )  # fmt: skip
    if differ and not clash:
        result._bump(result.updated, kind)
    elif not differ:
        result._bump(result.skipped, kind)
    return True


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _merge_points(db: Database, content: dict, result: SyncResult, sha: str) -> dict[str, int]:
    ids = {u: i for u, i in db.execute("SELECT uuid, id FROM points")}
    by_code = {c: (u, i) for u, c, i in db.execute("SELECT uuid, code, id FROM points")}
    for p in content["points"]:
        if p["uuid"] not in ids and p["code"] in by_code:
            # Same code, another key (added by hand on two laptops): one point, this laptop's key.
            local_uuid, local_id = by_code[p["code"]]
            ids[p["uuid"]] = local_id
            p = dict(p, uuid=local_uuid)
        if p["uuid"] in ids:
            _merge_editable(db, result, sha, "points", "points", "uuid = ?", [p["uuid"]], p,
                            p["code"])  # fmt: skip
            continue
        cur = _insert(db, "points", p)
        ids[p["uuid"]] = cur.lastrowid
        result._bump(result.added, "points")
    return ids


def _merge_standards(db: Database, content: dict, result: SyncResult) -> dict[str, int]:
    ids = {u: i for u, i in db.execute("SELECT uuid, id FROM standards")}
    for std in content["standards"]:
        if std["uuid"] in ids:
            result._bump(result.skipped, "standards")
            continue
        cur = _insert(db, "standards", {k: v for k, v in std.items() if k != "items"})
        ids[std["uuid"]] = cur.lastrowid
        for no, grp, th, en in std["items"]:
            db.execute(
                "INSERT INTO standard_items(standard_id, no, grp, text_th, text_en)"
                " VALUES (?, ?, ?, ?, ?)",
                [cur.lastrowid, no, grp, th, en],
            )
        result._bump(result.added, "standards")
    return ids


def _merge_plan(db: Database, content: dict, result: SyncResult, sha: str) -> None:
    for proj in content["plan_projects"]:
        cur = db.execute(
            "INSERT OR IGNORE INTO plan_projects(fiscal_year, project, title_th, title_en)"
            " VALUES (?, ?, ?, ?)",
            [proj["fiscal_year"], proj["project"], proj["title_th"], proj["title_en"]],
        )
        result._bump(result.added if cur.rowcount else result.skipped, "plan_projects")
    for step in content["plan_steps"]:
        label = f"{step['fiscal_year']} {step['project']}.{step['step_no']}"
        # Before m009 a copied year got random step keys: the year, project and step
        # number name the same step on every laptop.
        where, key = "fiscal_year = ? AND project = ? AND step_no = ?", [
            step["fiscal_year"], step["project"], step["step_no"]]  # fmt: skip
        if db.execute(f"SELECT 1 FROM plan_steps WHERE {where}", key).fetchone():
            _merge_editable(db, result, sha, "plan_steps", "plan_steps", where, key, step, label)
            continue
        _insert(db, "plan_steps", step)
        result._bump(result.added, "plan_steps")


def _form_questions(content: dict, key: str) -> list[dict]:
    return [q for q in content["survey_questions"] if q["form"] == key]


def _insert_questions(db: Database, questions: list[dict]) -> None:
    for q in questions:
        _insert(db, "survey_questions", q)


def _merge_forms(db: Database, content: dict, result: SyncResult, sha: str) -> set[str]:
    """Survey forms: a form is its name and its questions, merged as one editable thing.

    A form nobody has answered is edited in place (inspection.survey.save_form), so the
    later edit wins for the name and the whole question list together. `retired` and
    `replaced_by` only move one way: a retired form stays retired, the first successor
    (the smaller key, should two laptops each version it) is kept. Returns the keys of
    the forms whose questions this merge has settled.
    """
    settled: set[str] = set()
    local = {k for (k,) in db.execute("SELECT key FROM survey_forms")}
    for f in content["survey_forms"]:
        if f["key"] not in local:
            # Links to other forms are set below, once every form of the file is here.
            _insert(db, "survey_forms", dict(f, derived_from=None, replaced_by=None))
            _insert_questions(db, _form_questions(content, f["key"]))
            result._bump(result.added, "survey_forms")
        else:
            if _merge_editable(db, result, sha, "survey_forms", "survey_forms", "key = ?",
                               [f["key"]], f, f["name_th"]):  # fmt: skip
                # The other laptop's edit won: its questions come with it.
                db.execute("DELETE FROM survey_questions WHERE form = ?", [f["key"]])
                _insert_questions(db, _form_questions(content, f["key"]))
        settled.add(f["key"])
    for f in content["survey_forms"]:
        db.execute(
            "UPDATE survey_forms SET derived_from = COALESCE(derived_from, ?),"
            " replaced_by = CASE WHEN replaced_by IS NULL THEN ? WHEN ? IS NULL THEN replaced_by"
            "   ELSE MIN(replaced_by, ?) END,"
            " retired = MAX(retired, ?) WHERE key = ?",
            [f["derived_from"], f["replaced_by"], f["replaced_by"], f["replaced_by"],
             f["retired"], f["key"]],
        )  # fmt: skip
    return settled


def _merge_questions(db: Database, content: dict, result: SyncResult, settled: set[str]) -> None:
    for q in content["survey_questions"]:
        if q["form"] in settled:
            result._bump(result.skipped, "survey_questions")
            continue
        cur = _insert(db, "survey_questions", q, verb="INSERT OR IGNORE")
        result._bump(result.added if cur.rowcount else result.skipped, "survey_questions")


def _merge_rounds(
    db: Database, content: dict, result: SyncResult, points: dict[str, int],
    standards: dict[str, int],
) -> set[str]:  # fmt: skip
    """Insert the final rounds not here; returns rounds skipped as the same inspection."""
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
    for r in content["rounds"]:
        if r["uuid"] in have:
            result._bump(result.skipped, "rounds")
            continue
        point_id = points[r["point"]]
        if r["supersedes"] is not None:
            _note_double_correction(db, result, r)
        if r["supersedes"] is None and (point_id, r["inspected_at"], r["inspector"]) in same:
            duplicates.add(r["uuid"])
            result._bump(result.skipped, "rounds")
            continue
        # audit_batch stays empty: it names a batch row by this laptop's integer id.
        cur = db.conn.execute(
            "INSERT INTO rounds(uuid, point_id, standard_id, inspected_at, fiscal_year, inspector,"
            " status, scores, total, passed, note, supersedes, reason, source, created_at,"
            " finalized_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, 'final', ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?)",
            (r["uuid"], point_id, standards[r["standard"]], r["inspected_at"], r["fiscal_year"],
             r["inspector"], r["scores"], r["total"], r["passed"], r["note"], r["supersedes"],
             r["reason"], r["source"], r["created_at"], r["finalized_at"], r["recorded_by"]),
        )  # fmt: skip
        for no, note in r["notes"]:
            db.conn.execute(
                "INSERT INTO round_notes(round_id, no, note) VALUES (?, ?, ?)",
                (cur.lastrowid, no, note),
            )
        have.add(r["uuid"])
        result._bump(result.added, "rounds")
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


def _merge_actions(
    db: Database, content: dict, result: SyncResult, sha: str, points: dict[str, int],
    duplicates: set[str],
) -> None:  # fmt: skip
    have = {r[0] for r in db.execute("SELECT uuid FROM corrective_actions")}
    codes = {i: c for i, c in db.execute("SELECT id, code FROM points")}
    for a in content["actions"]:
        label = f"{codes.get(points[a['point']], '?')} #{a['item_no']}"
        if a["uuid"] in have:
            _merge_editable(db, result, sha, "actions", "corrective_actions", "uuid = ?",
                            [a["uuid"]], a, label)  # fmt: skip
            continue
        if a["round_uuid"] in duplicates:
            # The same inspection is here under another key, with its own actions.
            result._bump(result.skipped, "actions")
            continue
        db.execute(
            "INSERT INTO corrective_actions(uuid, point_id, round_uuid, item_no, what, who,"
            " due_date, closed_date, created_at, changed_at, changed_on, changed_base)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [a["uuid"], points[a["point"]], a["round_uuid"], a["item_no"], a["what"], a["who"],
             a["due_date"], a["closed_date"], a["created_at"], a["changed_at"],
             a["changed_on"], a["changed_base"]],
        )  # fmt: skip
        have.add(a["uuid"])
        result._bump(result.added, "actions")


def _merge_survey(db: Database, content: dict, result: SyncResult, points: dict[str, int]) -> None:
    have = {r[0] for r in db.execute("SELECT uuid FROM survey_responses")}
    for s in content["survey_responses"]:
        if s["uuid"] in have:
            result._bump(result.skipped, "survey_responses")
            continue
        db.conn.execute(
            "INSERT INTO survey_responses(uuid, answered_on, fiscal_year, point_id, grp, ratings,"
            " satisfied, source, recorded_by, created_at, form)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (s["uuid"], s["answered_on"], s["fiscal_year"],
             None if s["point"] is None else points[s["point"]], s["grp"], s["ratings"],
             s["satisfied"], s["source"], s["recorded_by"], s["created_at"], s["form"]),
        )  # fmt: skip
        have.add(s["uuid"])
        result._bump(result.added, "survey_responses")
    # A survey CSV imported on the other laptop is then skipped here too.
    for imp in content["survey_imports"]:
        cur = db.execute(
            "INSERT OR IGNORE INTO survey_imports(digest, file_name, rows, imported_at)"
            " VALUES (?, ?, ?, ?)",
            [imp["digest"], imp["file_name"], imp["rows"], imp["imported_at"]],
        )
        result._bump(result.added if cur.rowcount else result.skipped, "survey_imports")


_EVENT_COLS = ("uuid", "at", "place", "category", "description", "loss_value", "action_taken",
               "counts", "reason", "classified_by", "classified_at", "changed_at",
               "changed_on", "changed_base")  # fmt: skip


def _merge_guard(db: Database, content: dict, result: SyncResult, sha: str) -> None:
    reports = {u: i for u, i in db.execute("SELECT uuid, id FROM guard_reports")}
    events = {r[0] for r in db.execute("SELECT uuid FROM guard_events")}
    for rep in content["guard_reports"]:
        report_id = reports.get(rep["uuid"])
        if report_id is None:
            row = {k: v for k, v in rep.items() if k != "events"}
            cur = _insert(db, "guard_reports", {**row, "status": "signed"})
            report_id = reports[rep["uuid"]] = cur.lastrowid
            result._bump(result.added, "guard_reports")
            _note_double_report(db, result, rep)
        else:
            result._bump(result.skipped, "guard_reports")
        for ev in rep["events"]:
            label = f"{rep['day']} {rep['shift']} {ev['at']} {ev['place']}"
            if ev["uuid"] in events:
                _merge_editable(db, result, sha, "guard_events", "guard_events", "uuid = ?",
                                [ev["uuid"]], ev, label)  # fmt: skip
                continue
            db.execute(
                f"INSERT INTO guard_events(report_id, {', '.join(_EVENT_COLS)})"
                f" VALUES (?, {', '.join('?' * len(_EVENT_COLS))})",
                [report_id, *(ev[c] for c in _EVENT_COLS)],
            )
            events.add(ev["uuid"])
            result._bump(result.added, "guard_events")


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
        if device == local or device in broken or r["prev_hash"] != heads[device]:
            broken.add(device)
            result.held_back[device] = result.held_back.get(device, 0) + 1
            continue
        db.conn.execute(
            "INSERT INTO audit_log(at, actor, action, kind, record_uuid, before, after,"
            " prev_hash, hash, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (r["at"], r["actor"], r["action"], r["kind"], r["record_uuid"], r["before"],
             r["after"], r["prev_hash"], r["hash"], device),
        )  # fmt: skip
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
            _check_references(db, content)
            validate_content(db, content)
            points = _merge_points(db, content, result, sha)
            standards = _merge_standards(db, content, result)
            _merge_plan(db, content, result, sha)
            settled = _merge_forms(db, content, result, sha)
            _merge_questions(db, content, result, settled)
            duplicates = _merge_rounds(db, content, result, points, standards)
            _merge_actions(db, content, result, sha, points, duplicates)
            _merge_survey(db, content, result, points)
            _merge_guard(db, content, result, sha)
            _merge_audit(db, content, result)
            counts = {"added": result.added, "updated": result.updated,
                      "skipped": result.skipped, "held_back": result.held_back,
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
                   "conflicts": len(result.conflicts)})  # fmt: skip
    except sqlite3.IntegrityError as exc:
        # A record that breaks a rule of this database (a CHECK, a unique key): the whole
        # file is rolled back, as a bad CSV is.
        raise _refuse(
            f"ข้อมูลในไฟล์ขัดกับข้อมูลในเครื่องนี้ ({exc})",
            f"a record in the file clashes with this database ({exc})",
        ) from None
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
    """
    require(db, "sync.import")
    if trust:
        require(db, "sync.trust")
    path = Path(path)
    sync_file = read_sync_file(path, trusted=trusted_keys(db), accept_new=trust)
    return merge(db, sync_file, path.name)
