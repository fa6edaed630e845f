"""`hub receive`: a checked sync file merged into its office's tables, one transaction per file.

The same rules as a laptop's `sync import` (sync/receive.py), decided by the same
functions (sync.rules): a final record already held is skipped, a correction is a
record of its own, the later change of an editable record wins and a real clash keeps
the loser in the office's `sync_history`, audit rows join their device's chain only
where they continue it. A file received twice changes nothing.

A record is written only with the audit row that records it, as on a laptop (issue 14,
sync.rules.RecordGate): the audit rows merge first, then each record's digest must be
the one its computer's row holds. A record whose row is not here (a file made with
--since after a gap) is held back and reported, and comes with a later file; one that
differs from its row (a file altered and signed again) refuses the whole file.

Two receivers at once: each file's transaction first takes its office's advisory lock,
so two files of one office merge one after the other (each reading what the other
wrote), and files of different offices merge side by side.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import psycopg

from core.audit import GENESIS
from core.calendar import fiscal_year
from core.errors import InvalidInput
from core.records import (
    ACTIONS,
    GUARD_EVENTS,
    GUARD_REPORTS,
    PLAN_PROJECTS,
    PLAN_STEPS,
    POINTS,
    ROUNDS,
    STANDARDS,
    SURVEY_FORMS,
    SURVEY_QUESTIONS,
    SURVEY_RESPONSES,
    Record,
)
from hub import tables
from hub.dialect import PgDatabase, claims, insert_ignore, to_pg
from hub.intake import TrustList, check_file
from hub.schema import office_schema
from hub.score import store_scores
from security.contract import shifts
from sync.fileformat import SyncFile
from sync.receive import EDITABLE, Conflict, SyncResult, check_content
from sync.rules import (
    RecordGate,
    decide_edit,
    event_row,
    inspection_key,
    joins_chain,
    names_missing,
    point_key,
    settle_form_links,
    wanted_keys,
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class _Merge:
    """One file's merge into one office, inside the caller's transaction."""

    gate: RecordGate  # opened once the file's audit rows are merged (`run`)

    def __init__(self, db: PgDatabase, sync_file: SyncFile) -> None:
        self.db = db
        self.cur = db.conn.cursor()
        self.f = sync_file
        self.content = sync_file.content
        self.sha = sync_file.file_sha256
        m = sync_file.manifest
        self.result = SyncResult(m.device_id, self.sha, m.created_at)

    def open_gate(self) -> RecordGate:
        """The laptop's gate on the office's claims: those of the file's rows now in its
        chains, then every row held, read as the sending computer reads them."""
        wanted = wanted_keys(self.content)
        sender = {self.f.manifest.device_id}
        hashes = [r["hash"] for r in self.content["audit"]]
        self.gate = RecordGate(
            self.db,
            claims(self.db, sender, wanted, hashes=hashes),
            claims(self.db, sender, wanted),
            self.result.held_back_records,
        )
        return self.gate

    # --- helpers ---------------------------------------------------------------------

    def q(self, sql: str, params: list | tuple | None = None) -> psycopg.Cursor:
        return self.db.execute(sql, params)

    def many(self, sql: str, rows: list[tuple]) -> None:
        if rows:
            self.cur.executemany(to_pg(sql), rows)

    def bump(self, bucket: dict[str, int], kind: str, n: int = 1) -> None:
        if n:
            self.result._bump(bucket, kind, n)

    def editable(
        self,
        rec: Record,
        where: str,
        key: list,
        remote: dict,
        label: str,
        local: dict | None = None,
        *,
        also_ok: bool = True,
    ) -> bool:
        """sync.rules.decide_edit on the office's version; True when the file's won.

        As on a laptop, the file's version is written, or kept in the history, only when
        its audit row is here (`also_ok` False: something that comes with it is not)."""
        kind, table = rec.kind, rec.table
        fields = EDITABLE[table]
        names = [*fields, "changed_at", "changed_on", "changed_base"]
        if local is None:
            row = self.q(f"SELECT {', '.join(names)} FROM {table} WHERE {where}", key).fetchone()
            local = dict(zip(names, row, strict=True))
        d = decide_edit(local, remote, fields)
        if (d.remote_wins or d.clash) and not (self.gate.check(rec, remote) and also_ok):
            # Its audit row is not here yet: nothing of it is written, not even to history.
            held = self.result.held_back_records if d.remote_wins else self.result.skipped
            self.bump(held, kind)
            return False
        if d.clash:
            self.q(
                "INSERT INTO sync_history(kind, record_uuid, label, kept, lost, kept_changed_at,"
                " kept_device, lost_changed_at, lost_device, decided_at, file_sha256)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    kind,
                    remote.get("uuid", label),
                    label,
                    json.dumps(d.kept, ensure_ascii=False),
                    json.dumps(d.lost, ensure_ascii=False),
                    *d.kept_stamp,
                    *d.lost_stamp,
                    _now(),
                    self.sha,
                ],
            )
            self.result.conflicts.append(
                Conflict(
                    kind,
                    remote.get("uuid", label),
                    label,
                    "remote" if d.remote_wins else "local",
                    d.kept,
                    d.lost,
                )
            )
        if not d.remote_wins:
            self.bump(self.result.skipped, kind)
            return False
        sets = ", ".join(f"{f} = ?" for f in names)
        self.q(
            f"UPDATE {table} SET {sets} WHERE {where}",
            [
                *d.kept.values(),
                remote["changed_at"],
                remote["changed_on"],
                remote["changed_base"],
                *key,
            ],
        )
        if d.counts_as != "conflict":
            self.bump(
                self.result.updated if d.counts_as == "updated" else self.result.skipped, kind
            )
        return True

    def refs_held(self, rec: Record, row: dict, ids: dict[str, dict[str, int]]) -> bool:
        """Whether the points and standards a record names are here; one whose point was
        held back (its audit row missing) waits with it."""
        if names_missing(rec, row, lambda table, uuid: uuid in ids[table]):
            self.bump(self.result.held_back_records, rec.kind)
            return False
        return True

    def insert_returning_id(self, kind: str, record: dict, ids: dict) -> int:
        sql = tables.insert_sql(kind) + " RETURNING id"
        return self.q(sql, list(tables.values(kind, record, ids))).fetchone()[0]

    # --- record kinds, in the order sync/receive.py merges them ----------------------

    def points(self) -> dict[str, int]:
        ids = {u: i for u, i in self.q("SELECT uuid, id FROM points")}
        by_code = {c: (u, i) for u, c, i in self.q("SELECT uuid, code, id FROM points")}
        uuid_by_code = {c: u for c, (u, _) in by_code.items()}
        for p in self.content["points"]:
            remote = p
            held = point_key(p["uuid"], p["code"], ids, uuid_by_code)
            if held != p["uuid"]:
                ids[p["uuid"]] = by_code[p["code"]][1]
                p = dict(p, uuid=held)
            if p["uuid"] in ids:
                # The file's version is checked under its own key, written under this one's.
                self.editable(POINTS, "uuid = ?", [p["uuid"]], remote, p["code"])
                continue
            if not self.gate.allow(POINTS, remote):
                continue
            ids[p["uuid"]] = self.insert_returning_id("points", p, {})
            by_code[p["code"]] = (p["uuid"], ids[p["uuid"]])
            uuid_by_code[p["code"]] = p["uuid"]
            self.bump(self.result.added, "points")
        return ids

    def standards(self) -> dict[str, int]:
        ids = {u: i for u, i in self.q("SELECT uuid, id FROM standards")}
        for std in self.content["standards"]:
            if std["uuid"] in ids:
                self.bump(self.result.skipped, "standards")
                continue
            if not self.gate.allow(STANDARDS, std):
                continue
            new = ids[std["uuid"]] = self.insert_returning_id("standards", std, {})
            self.many(
                "INSERT INTO standard_items(standard_id, no, grp, text_th, text_en)"
                " VALUES (?, ?, ?, ?, ?)",
                [(new, *item) for item in std["items"]],
            )
            self.bump(self.result.added, "standards")
        return ids

    def plan(self) -> None:
        cols = tables.columns("plan_projects")
        for proj in self.content["plan_projects"]:
            if self.q(
                "SELECT 1 FROM plan_projects WHERE fiscal_year = ? AND project = ?",
                [proj["fiscal_year"], proj["project"]],
            ).fetchone():
                self.bump(self.result.skipped, "plan_projects")
                continue
            if not self.gate.allow(PLAN_PROJECTS, proj):
                continue
            cur = self.q(
                insert_ignore("postgres", "plan_projects", cols),
                list(tables.values("plan_projects", proj, {})),
            )
            self.bump(self.result.added if cur.rowcount else self.result.skipped, "plan_projects")
        for step in self.content["plan_steps"]:
            label = f"{step['fiscal_year']} {step['project']}.{step['step_no']}"
            where = "fiscal_year = ? AND project = ? AND step_no = ?"
            key = [step["fiscal_year"], step["project"], step["step_no"]]
            if self.q(f"SELECT 1 FROM plan_steps WHERE {where}", key).fetchone():
                self.editable(PLAN_STEPS, where, key, step, label)
                continue
            if not self.gate.allow(PLAN_STEPS, step):
                continue
            self.q(tables.insert_sql("plan_steps"), list(tables.values("plan_steps", step, {})))
            self.bump(self.result.added, "plan_steps")

    def _questions(self, key: str) -> None:
        rows = [
            tables.values("survey_questions", q, {})
            for q in self.content["survey_questions"]
            if q["form"] == key
        ]
        self.many(tables.insert_sql("survey_questions"), rows)

    def forms(self) -> tuple[set[str], set[str]]:
        """As a laptop merges them (sync/receive.py `_merge_forms`): a form and its
        questions are one editable thing, and wait for their audit rows together.
        Returns the keys of the forms settled and of those held back."""
        settled: set[str] = set()
        held: set[str] = set()
        gate = self.gate
        local = {k for (k,) in self.q("SELECT key FROM survey_forms")}
        for f in self.content["survey_forms"]:
            questions = [q for q in self.content["survey_questions"] if q["form"] == f["key"]]
            complete = all([gate.check(SURVEY_QUESTIONS, q) for q in questions])
            if f["key"] not in local:
                if not (gate.allow(SURVEY_FORMS, f) and complete):
                    # Held back whole: its questions wait with it.
                    held.add(f["key"])
                    continue
                # Links to other forms are set below, once every form of the file is here.
                row = dict(f, derived_from=None, replaced_by=None)
                self.q(
                    tables.insert_sql("survey_forms"), list(tables.values("survey_forms", row, {}))
                )
                self._questions(f["key"])
                self.bump(self.result.added, "survey_forms")
            elif self.editable(
                SURVEY_FORMS, "key = ?", [f["key"]], f, f["name_th"], also_ok=complete
            ):
                # The other version won: its questions come with it.
                self.q("DELETE FROM survey_questions WHERE form = ?", [f["key"]])
                self._questions(f["key"])
            settled.add(f["key"])
        settle_form_links(self.q, self.content["survey_forms"], settled, gate)
        return settled, held

    def questions(self, settled: set[str], held: set[str]) -> None:
        cols = tables.columns("survey_questions")
        have = {u for (u,) in self.q("SELECT uuid FROM survey_questions")}
        for q in self.content["survey_questions"]:
            if q["form"] in held:
                self.bump(self.result.held_back_records, "survey_questions")
                continue
            if q["form"] in settled or q["uuid"] in have:
                self.bump(self.result.skipped, "survey_questions")
                continue
            if not self.gate.allow(SURVEY_QUESTIONS, q):
                continue
            cur = self.q(
                insert_ignore("postgres", "survey_questions", cols),
                list(tables.values("survey_questions", q, {})),
            )
            kind = self.result.added if cur.rowcount else self.result.skipped
            self.bump(kind, "survey_questions")

    def rounds(self, ids: dict[str, dict[str, int]]) -> set[str]:
        """The final rounds not held; returns those skipped as the same inspection."""
        have = {r[0] for r in self.q("SELECT uuid FROM rounds")}
        same = set(
            self.q(
                "SELECT point_id, inspected_at, inspector FROM rounds"
                " WHERE status = 'final' AND supersedes IS NULL"
            ).fetchall()
        )
        corrections: dict[str, str] = dict(
            self.q(
                "SELECT supersedes, uuid FROM rounds WHERE supersedes IS NOT NULL"
                " AND status = 'final'"
            ).fetchall()
        )
        codes = {i: c for c, i in self.q("SELECT code, id FROM points")}
        duplicates: set[str] = set()
        rows, with_notes = [], []
        for r in self.content["rounds"]:
            if r["uuid"] in have:
                self.bump(self.result.skipped, "rounds")
                continue
            if not self.refs_held(ROUNDS, r, ids):
                continue
            point_id = ids["points"][r["point"]]
            if inspection_key(r, point_id) in same:
                duplicates.add(r["uuid"])
                self.bump(self.result.skipped, "rounds")
                continue
            if not self.gate.allow(ROUNDS, r):
                continue
            if r["supersedes"] is not None:
                other = corrections.get(r["supersedes"])
                if other is not None and other != r["uuid"]:
                    label = f"{codes.get(point_id, '?')} {r['inspected_at'].replace('T', ' ')}"
                    self.result.conflicts.append(
                        Conflict(
                            "rounds",
                            r["uuid"],
                            label,
                            "both_corrections",
                            {"uuid": other},
                            {"uuid": r["uuid"], "reason": r["reason"]},
                        )
                    )
                else:
                    corrections[r["supersedes"]] = r["uuid"]
            rows.append(tables.values("rounds", r, ids))
            if r["notes"]:
                with_notes.append(r)
            have.add(r["uuid"])
        self.many(tables.insert_sql("rounds"), rows)
        self.bump(self.result.added, "rounds", len(rows))
        if with_notes:
            id_of = dict(
                self.q(
                    "SELECT uuid, id FROM rounds WHERE uuid = ANY(?)",
                    [[r["uuid"] for r in with_notes]],
                ).fetchall()
            )
            self.many(
                "INSERT INTO round_notes(round_id, no, note) VALUES (?, ?, ?)",
                [(id_of[r["uuid"]], no, note) for r in with_notes for no, note in r["notes"]],
            )
        return duplicates

    def actions(self, ids: dict[str, dict[str, int]], duplicates: set[str]) -> None:
        names = [*EDITABLE["corrective_actions"], "changed_at", "changed_on", "changed_base"]
        held = {
            r[0]: dict(zip(names, r[1:], strict=True))
            for r in self.q(f"SELECT uuid, {', '.join(names)} FROM corrective_actions")
        }
        codes = {i: c for c, i in self.q("SELECT code, id FROM points")}
        rows = []
        for a in self.content["actions"]:
            if not self.refs_held(ACTIONS, a, ids):
                continue
            label = f"{codes.get(ids['points'][a['point']], '?')} #{a['item_no']}"
            if a["uuid"] in held:
                self.editable(
                    ACTIONS,
                    "uuid = ?",
                    [a["uuid"]],
                    a,
                    label,
                    held[a["uuid"]],
                )
                continue
            if a["round_uuid"] in duplicates:
                # The same inspection is here under another key, with its own actions.
                self.bump(self.result.skipped, "actions")
                continue
            if not self.gate.allow(ACTIONS, a):
                continue
            rows.append(tables.values("actions", a, ids))
            held[a["uuid"]] = {n: a[n] for n in names}
        self.many(tables.insert_sql("actions"), rows)
        self.bump(self.result.added, "actions", len(rows))

    def survey(self, ids: dict[str, dict[str, int]]) -> None:
        have = {r[0] for r in self.q("SELECT uuid FROM survey_responses")}
        rows = []
        for s in self.content["survey_responses"]:
            if s["uuid"] in have:
                self.bump(self.result.skipped, "survey_responses")
                continue
            ok = self.refs_held(SURVEY_RESPONSES, s, ids)
            if not (ok and self.gate.allow(SURVEY_RESPONSES, s)):
                continue
            rows.append(tables.values("survey_responses", s, ids))
            have.add(s["uuid"])
        self.many(tables.insert_sql("survey_responses"), rows)
        self.bump(self.result.added, "survey_responses", len(rows))
        cols = tables.columns("survey_imports")
        for imp in self.content["survey_imports"]:
            cur = self.q(
                insert_ignore("postgres", "survey_imports", cols),
                list(tables.values("survey_imports", imp, {})),
            )
            self.bump(self.result.added if cur.rowcount else self.result.skipped, "survey_imports")

    def guard(self) -> None:
        reports = dict(self.q("SELECT uuid, id FROM guard_reports").fetchall())
        names = [*EDITABLE["guard_events"], "changed_at", "changed_on", "changed_base"]
        events = {
            r[0]: dict(zip(names, r[1:], strict=True))
            for r in self.q(f"SELECT uuid, {', '.join(names)} FROM guard_events")
        }
        # Signed reports standing for a day and shift: two laptops may each sign one.
        standing = {
            (d, s): (u, who)
            for d, s, u, who in self.q(
                "SELECT day, shift, uuid, supervisor FROM guard_reports"
                " WHERE status = 'signed' AND supersedes IS NULL"
            )
        }
        new, held = [], set()
        for rep in self.content["guard_reports"]:
            if rep["uuid"] in reports:
                continue
            if self.gate.allow(GUARD_REPORTS, rep):
                new.append(rep)
            else:
                # Its events wait with it.
                held.add(rep["uuid"])
                self.bump(self.result.held_back_records, "guard_events", len(rep["events"]))
        self.many(
            tables.insert_sql("guard_reports"),
            [tables.values("guard_reports", rep, {}) for rep in new],
        )
        if new:
            reports.update(
                self.q(
                    "SELECT uuid, id FROM guard_reports WHERE uuid = ANY(?)",
                    [[rep["uuid"] for rep in new]],
                ).fetchall()
            )
        fresh = {rep["uuid"] for rep in new}
        rows = []
        by_code = {shift.code: shift for shift in shifts(self.db)}
        for rep in self.content["guard_reports"]:
            if rep["uuid"] in held:
                continue
            if rep["uuid"] in fresh:
                self.bump(self.result.added, "guard_reports")
                self._double_report(rep, standing)
            else:
                self.bump(self.result.skipped, "guard_reports")
            for ev in rep["events"]:
                label = f"{rep['day']} {rep['shift']} {ev['at']} {ev['place']}"
                data = event_row(ev, rep)
                if ev["uuid"] in events:
                    self.editable(
                        GUARD_EVENTS, "uuid = ?", [ev["uuid"]], data, label, events[ev["uuid"]]
                    )
                    continue
                if not self.gate.allow(GUARD_EVENTS, data):
                    continue
                # The day it happened, from the report and the time (DOMAIN.md 7), by the
                # domain's own rule, as a laptop stores it.
                day = by_code[rep["shift"]].day_of(date.fromisoformat(rep["day"]),
                                                   time.fromisoformat(ev["at"]))  # fmt: skip
                rows.append((reports[rep["uuid"]], day.isoformat(), fiscal_year(day),
                             *tables.values("guard_events", ev, {})))  # fmt: skip
                events[ev["uuid"]] = {n: ev[n] for n in names}
        self.many(
            tables.insert_sql("guard_events", ("report_id", "occurred_on", "fiscal_year")), rows
        )
        self.bump(self.result.added, "guard_events", len(rows))

    def _double_report(self, rep: dict, standing: dict) -> None:
        if rep["supersedes"] is not None:
            return
        other = standing.get((rep["day"], rep["shift"]))
        if other is not None and other[0] != rep["uuid"]:
            self.result.conflicts.append(
                Conflict(
                    "guard_reports",
                    rep["uuid"],
                    f"{rep['day']} {rep['shift']}",
                    "both",
                    {"uuid": other[0], "supervisor": other[1]},
                    {"uuid": rep["uuid"], "supervisor": rep["supervisor"]},
                )
            )
        else:
            standing[(rep["day"], rep["shift"])] = (rep["uuid"], rep["supervisor"])

    def audit(self) -> None:
        """Rows join their device's chain only where they continue it (sync.rules)."""
        devices = sorted({r["device_id"] for r in self.content["audit"]})
        held: set[tuple[str, str]] = set()
        heads: dict[str, str] = {}
        if devices:
            held = set(
                self.q(
                    "SELECT device_id, hash FROM audit_log WHERE device_id = ANY(?)", [devices]
                ).fetchall()
            )
            heads = dict(
                self.q(
                    "SELECT DISTINCT ON (device_id) device_id, hash FROM audit_log"
                    " WHERE device_id = ANY(?) ORDER BY device_id, id DESC",
                    [devices],
                ).fetchall()
            )
        broken: set[str] = set()
        rows = []
        for r in self.content["audit"]:
            device = r["device_id"]
            if (device, r["hash"]) in held:
                self.bump(self.result.skipped, "audit")
                continue
            # The hub keeps no chain of its own: no device is "this computer" here.
            if not joins_chain(
                device, None, r["prev_hash"], heads.get(device, GENESIS), device in broken
            ):
                broken.add(device)
                self.result.held_back[device] = self.result.held_back.get(device, 0) + 1
                continue
            rows.append(tables.values("audit", r, {}))
            heads[device] = r["hash"]
            held.add((device, r["hash"]))
        self.many(tables.insert_sql("audit"), rows)
        self.bump(self.result.added, "audit", len(rows))

    def run(self) -> SyncResult:
        check_content(self.db, self.content)
        # The audit rows first: a record joins with the row that records it.
        self.audit()
        self.open_gate().check_all(self.content)
        points = self.points()
        ids = {"points": points, "standards": self.standards()}
        self.plan()
        settled, held = self.forms()
        self.questions(settled, held)
        duplicates = self.rounds(ids)
        self.actions(ids, duplicates)
        self.survey(ids)
        self.guard()
        return self.result


def _office_lock(conn: psycopg.Connection, code: str) -> None:
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"sala-hub:{code}"])


def receive_file(conn: psycopg.Connection, path: Path, trusted: TrustList) -> SyncResult:
    """Check one file (hub.intake.check_file), then merge it in one transaction: all of it,
    or nothing on any error. A file received before is reported, not merged again."""
    path = Path(path)
    sync_file = check_file(path, trusted)
    m = sync_file.manifest
    code = m.office.code
    try:
        with conn.transaction():
            _office_lock(conn, code)
            seen = conn.execute(
                "SELECT 1 FROM hub.receipts WHERE office = %s AND file_sha256 = %s",
                [code, sync_file.file_sha256],
            ).fetchone()
            if seen:
                result = SyncResult(m.device_id, sync_file.file_sha256, m.created_at)
                result.already_imported = True
                return result
            db = PgDatabase(conn, office_schema(code))
            result = _Merge(db, sync_file).run()
            _record(conn, sync_file, path.name, result)
            store_scores(conn, code)
    except (psycopg.IntegrityError, psycopg.DataError) as exc:
        # A record that breaks a rule of the office's tables (a unique key, a CHECK, a
        # number out of range, a NUL in a text): the whole file is rolled back.
        reason = str(exc).strip().splitlines()[0]
        raise InvalidInput("hub.clash", field="file", file=path.name, reason=reason) from None
    return result


def _record(conn: psycopg.Connection, sync_file: SyncFile, name: str, r: SyncResult) -> None:
    m = sync_file.manifest
    detail = {
        "added": r.added,
        "updated": r.updated,
        "skipped": r.skipped,
        "held_back": r.held_back,
        "held_back_records": r.held_back_records,
    }
    conn.execute(
        "INSERT INTO hub.receipts(office, file_sha256, file_name, device_id, file_created_at,"
        " since, added, updated, skipped, conflicts, detail)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            m.office.code,
            sync_file.file_sha256,
            name,
            m.device_id,
            m.created_at,
            m.since,
            r.total_added,
            r.total_updated,
            r.total_skipped,
            len(r.conflicts),
            json.dumps(detail, sort_keys=True),
        ],
    )
    # The office's names as its latest file gives them (an office renamed in Settings).
    conn.execute(
        "UPDATE hub.offices SET name_th = %s, name_en = %s, names_from = %s"
        " WHERE code = %s AND (names_from IS NULL OR names_from <= %s)",
        [m.office.name_th, m.office.name_en, m.created_at, m.office.code, m.created_at],
    )


def receive_files(
    conn: psycopg.Connection, paths: list[Path], trusted: TrustList
) -> list[tuple[Path, SyncResult | Exception]]:
    """Each file on its own: a refused file changes nothing and the others still go in."""
    out: list[tuple[Path, Any]] = []
    for path in paths:
        try:
            out.append((path, receive_file(conn, path, trusted)))
        except psycopg.OperationalError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported per file by the caller
            from core.errors import SalaError

            if not isinstance(exc, SalaError):
                raise
            out.append((path, exc))
    return out
