"""Helpers of the sync tests: records written as an import does, a canonical dump."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlite_utils import Database

from core.audit import local_device
from core.db import transaction
from core.devices import trust_device
from core.records import Covers
from inspection.points import get_point
from inspection.rounds import audit_batch, next_batch, record_round

# Every table a sync file fills, with its integer references written as UUIDs. Left
# out: the moment each laptop seeded its points and standard (points.updated_at,
# standards.created_at), which is the laptop's set-up time, not shared content.
CANONICAL = {
    "points": "SELECT uuid, code, floor, kind, name_th, name_en, location, active, active_from,"
    " active_until, periods, changed_at, changed_on, changed_base FROM points ORDER BY uuid",
    "standards": "SELECT uuid, version, title_th, title_en, max_score, item_min, pass_total"
    " FROM standards ORDER BY uuid",
    "standard_items": "SELECT s.uuid, i.no, i.grp, i.text_th, i.text_en FROM standard_items i"
    " JOIN standards s ON s.id = i.standard_id ORDER BY 1, 2",
    "plan_projects": "SELECT * FROM plan_projects ORDER BY 1, 2",
    "plan_steps": "SELECT uuid, fiscal_year, project, step_no, title_th, title_en, weight,"
    " cumulative, months, floor, done_date, evidence, changed_at, changed_on, changed_base"
    " FROM plan_steps ORDER BY uuid",
    "survey_forms": "SELECT uuid, key, fiscal_year, name_th, name_en, derived_from, replaced_by,"
    " retired, changed_at, changed_on, changed_base FROM survey_forms ORDER BY key",
    "survey_questions": "SELECT uuid, fiscal_year, form, no, text_th, text_en"
    " FROM survey_questions ORDER BY uuid",
    "rounds": "SELECT r.uuid, p.uuid, s.uuid, r.inspected_at, r.fiscal_year, r.inspector,"
    " r.status, r.scores, r.total, r.passed, r.note, r.supersedes, r.reason, r.source,"
    " r.created_at, r.finalized_at, r.recorded_by FROM rounds r JOIN points p ON p.id = r.point_id"
    " JOIN standards s ON s.id = r.standard_id WHERE r.status = 'final' ORDER BY r.uuid",
    "round_notes": "SELECT r.uuid, n.no, n.note FROM round_notes n JOIN rounds r"
    " ON r.id = n.round_id WHERE r.status = 'final' ORDER BY 1, 2",
    "corrective_actions": "SELECT a.uuid, p.uuid, a.round_uuid, a.item_no, a.what, a.who,"
    " a.due_date, a.closed_date, a.created_at, a.changed_at, a.changed_on, a.changed_base"
    " FROM corrective_actions a JOIN points p ON p.id = a.point_id ORDER BY a.uuid",
    "survey_responses": "SELECT s.uuid, s.answered_on, s.fiscal_year, p.uuid, s.grp, s.ratings,"
    " s.satisfied, s.source, s.recorded_by, s.created_at, s.form FROM survey_responses s"
    " LEFT JOIN points p ON p.id = s.point_id ORDER BY s.uuid",
    "survey_imports": "SELECT * FROM survey_imports ORDER BY digest",
    "guard_reports": "SELECT uuid, day, fiscal_year, shift, supervisor, required, present, posts,"
    " patrols, note, status, supersedes, reason, source, recorded_by, created_at, signed_at"
    " FROM guard_reports ORDER BY uuid",
    "guard_events": "SELECT e.uuid, r.uuid, e.at, e.place, e.category, e.description,"
    " e.loss_value, e.action_taken, e.counts, e.reason, e.classified_by, e.classified_at,"
    " e.changed_at, e.changed_on, e.changed_base FROM guard_events e"
    " JOIN guard_reports r ON r.id = e.report_id ORDER BY e.uuid",
}


def canonical(db: Database) -> dict[str, list[list]]:
    return {name: [list(r) for r in db.execute(sql)] for name, sql in CANONICAL.items()}


def file_state(db: Database) -> str:
    """A hash of everything in the database, to prove a refused file changed nothing."""
    return hashlib.sha256("\n".join(db.conn.iterdump()).encode()).hexdigest()


def add_rounds(db: Database, rows: list[tuple[str, datetime, str, list[int]]]) -> list[str]:
    """Final rounds written as an import writes them (one audit row for the batch)."""
    uuids: list[str] = []
    with transaction(db):
        batch = next_batch(db)
        covers = Covers()
        for code, at, who, scores in rows:
            uuids.append(
                record_round(db, get_point(db, code), at, who, scores, batch=batch, covers=covers)
            )
        audit_batch(db, "import", batch, f"test-{batch}", {"file": "test"}, covers)
    return uuids


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def trust_each_other(*dbs: Database) -> None:
    """Each laptop's administrator trusts the others' keys (issue 14): the sync files of
    the tests then come from trusted computers."""
    from core.users import acting_as
    from sync.keys import device_key
    from tests.actors import ADMIN

    for a in dbs:
        for b in dbs:
            if a is not b:
                with acting_as(a, ADMIN):
                    trust_device(a, local_device(b), device_key(b).public_key)


def trust_laptop(db_path, other_path) -> None:
    """The administrator of the database at `db_path` trusts the laptop whose database is
    at `other_path` (its key made if it has none yet)."""
    from core.db import open_db

    db, other = open_db(db_path), open_db(other_path)
    try:
        trust_each_other(db, other)
    finally:
        db.close()
        other.close()


KEEP = object()


def key_of(db_path):
    """The signing key of the laptop whose database file is `db_path` (a forger who holds
    it: the file then verifies, and only the checks of its records can refuse it)."""
    from core.db import open_db
    from sync.keys import device_key

    db = open_db(db_path)
    try:
        return device_key(db)
    finally:
        db.close()


def decode_content(body: bytes) -> dict[str, list[dict]]:
    """The records of a file's content.jsonl, unchecked (a forger's reading)."""
    from sync.fileformat import KINDS

    content: dict[str, list[dict]] = {k: [] for k in KINDS}
    for line in body.decode("utf-8").splitlines():
        kind, record = json.loads(line)
        content[kind].append(record)
    return content


def load(path) -> tuple[dict, dict[str, list[dict]]]:
    """(manifest, content) of sync file `path`, unchecked."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("manifest.json")), decode_content(zf.read("content.jsonl"))


def rewrite(src, out, *, manifest=None, content=None, key=KEEP) -> None:
    """A copy of sync file `src` with its manifest or content replaced (dicts or bytes), as
    a forger makes one. `key`: KEEP the original signature, None for no signature, or
    a key (sync.keys.DeviceKey) to sign the new manifest with."""
    import zipfile

    from sync.fileformat import encode_content

    with zipfile.ZipFile(src) as zf:
        m, c = zf.read("manifest.json"), zf.read("content.jsonl")
        sig = zf.read("signature") if "signature" in zf.namelist() else None
    if isinstance(content, dict):
        content = encode_content(content)
    elif isinstance(content, str):
        content = content.encode()
    if isinstance(manifest, dict):
        manifest = json.dumps(manifest, ensure_ascii=False).encode()
    elif isinstance(manifest, str):
        manifest = manifest.encode()
    m = manifest if manifest is not None else m
    c = content if content is not None else c
    if key is None:
        sig = None
    elif key is not KEEP:
        sig = key.sign(m).hex().encode()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", m)
        zf.writestr("content.jsonl", c)
        if sig is not None:
            zf.writestr("signature", sig)


def forge(src, out, edit, *, key=KEEP, manifest_changes=None, body=None, replace=None) -> None:
    """`src` with `edit(content)` applied and the manifest's digest and counts made to
    match, signed with `key` (see `rewrite`). `manifest_changes` (a device id, a public
    key) go into the manifest; `body` replaces the content's bytes outright; `replace`
    (old, new) is done on the content's bytes (a number JSON allows and Python would
    not write)."""
    from sync.fileformat import encode_content

    manifest, content = load(src)
    edit(content)
    manifest["counts"] = {k: len(v) for k, v in content.items()}
    if body is None:
        body = encode_content(content)
    if replace is not None:
        body = body.replace(*replace)
    manifest["content_sha256"] = hashlib.sha256(body).hexdigest()
    manifest.update(manifest_changes or {})
    rewrite(src, out, manifest=manifest, content=body, key=key)
