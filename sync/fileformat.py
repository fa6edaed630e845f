"""The `.srsync` file: a zip of `manifest.json` and `content.json`.

The manifest names the format and its version, the source device, when the
file was made and the SHA-256 of `content.json`. Reading checks all of it and
the shape of every record before anyone merges anything, so a truncated,
altered or foreign file is refused with a message in Thai and English.

The SHA-256 detects damage and careless edits, not a forger (who can recompute
it); forged history is caught by the audit chains (sync/receive.py) and, in the
end, by the head hashes printed on signed summaries.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from core.audit import SYNC_FIELDS, expected_hash
from core.calendar import fiscal_year
from core.errors import InvalidInput
from core.i18n import tr
from core.instance import refuse_database_path
from core.office import Office, default_office, office_from
from core.records import BY_KIND, SYNCED, sync_fields

FORMAT = "sala-rounds-sync"
# 2: audit rows carry the actor's role, where the action came from and the digests of the
# records they write (issue 14); a file of version 1 has no such rows to vouch for its
# records, so it is refused like a file of a newer version.
VERSION = 2
SUFFIX = ".srsync"
MANIFEST, CONTENT = "manifest.json", "content.json"
# A year of a busy office is a few megabytes; far beyond this is not a sync file.
MAX_CONTENT_BYTES = 1 << 30

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")

# Every record kind: field -> allowed JSON types, made from the descriptions (core.records);
# nested lists are checked below. An audit row travels with the fields of its format.
FIELDS: dict[str, dict[str, tuple[type, ...]]] = {**sync_fields(), "audit": SYNC_FIELDS}
# Events travel inside their report.
KINDS = tuple(k for k in FIELDS if k == "audit" or not BY_KIND[k].inside)


@dataclass(frozen=True)
class Manifest:
    device_id: str
    created_at: str
    since: str | None
    content_sha256: str
    counts: dict[str, int]
    # The office whose records these are (issue 18). A file made before offices existed
    # names none: it is the City Hall building office's, the default.
    office: Office = field(default_factory=default_office)


@dataclass(frozen=True)
class SyncFile:
    manifest: Manifest
    content: dict[str, list[dict[str, Any]]]
    file_sha256: str


def _refuse(path: Path, th: str, en: str) -> InvalidInput:
    return InvalidInput(
        f"ไม่รับไฟล์ {path.name}: {th} ไม่มีการเปลี่ยนแปลงข้อมูลใด ๆ",
        f"{path.name} is refused: {en}; nothing was changed",
        field="file",
    )


def write_sync_file(
    path: Path, device_id: str, created_at: str, since: str | None, content: dict,
    *, office: Office | None = None,
) -> str:  # fmt: skip
    """Write the file (atomically: a half-written file never has the final name); its SHA-256."""
    body = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = body.encode("utf-8")
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "device_id": device_id,
        "created_at": created_at,
        "since": since,
        "content_sha256": hashlib.sha256(data).hexdigest(),
        "counts": {k: len(v) for k, v in content.items()},
    }
    if office is not None:
        # Code and names only: a file says whose records it holds, not who signs for them.
        manifest["office"] = {"code": office.code, "name_th": office.name_th,
                              "name_en": office.name_en}  # fmt: skip
    path = Path(path)
    refuse_database_path(path, field="--out")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        zf.writestr(CONTENT, data)
    tmp.replace(path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_rows(path: Path, kind: str, rows: object, where: str) -> None:
    if not isinstance(rows, list):
        raise _refuse(path, f"ส่วน {where} ไม่ใช่รายการ", f"part {where} is not a list")
    fields = FIELDS[kind]
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or set(row) != set(fields):
            raise _refuse(
                path, f"รายการที่ {n} ของ {where} มีช่องไม่ครบหรือเกิน",
                f"record {n} of {where} has missing or unknown fields",
            )  # fmt: skip
        for name, types in fields.items():
            value = row[name]
            # JSON has no int/bool distinction worth trusting: a bool is not a number here.
            if isinstance(value, bool) or not isinstance(value, types):
                raise _refuse(
                    path, f"ช่อง {name} ของรายการที่ {n} ใน {where} ไม่ถูกต้อง",
                    f"field {name} of record {n} in {where} has the wrong type",
                )  # fmt: skip
        if "uuid" in fields and not _UUID.match(row["uuid"]):
            raise _refuse(
                path, f"รหัส uuid ของรายการที่ {n} ใน {where} ไม่ถูกต้อง",
                f"record {n} in {where} has a malformed uuid",
            )  # fmt: skip


def _child_ok(value: object, types: tuple[type, ...]) -> bool:
    if not isinstance(value, list) or len(value) != len(types):
        return False
    return all(isinstance(x, t) and not isinstance(x, bool)
               for x, t in zip(value, types, strict=True))  # fmt: skip


def _check_nested(path: Path, content: dict) -> None:
    # The lists a record carries (a standard's items, a round's notes), as described.
    for rec in SYNCED:
        for child in rec.children:
            for row in content[rec.kind]:
                if not all(_child_ok(x, child.types) for x in row[child.name]):
                    raise _refuse(
                        path, f"รายการ {child.name} ของ {rec.kind} ไม่ถูกต้อง",
                        f"a {child.name} entry of {rec.kind} is malformed",
                    )  # fmt: skip
    for rnd in content["rounds"]:
        digits = rnd["scores"]
        if not digits.isdigit() or sum(int(c) for c in digits) != rnd["total"]:
            raise _refuse(
                path, f"คะแนนของรอบตรวจ {rnd['uuid']} ไม่ตรงกับผลรวม",
                f"the scores of round {rnd['uuid']} do not add up to its total",
            )  # fmt: skip
    for rec in SYNCED:
        if rec.inside:
            outer = BY_KIND[rec.inside]
            for row in content[outer.kind]:
                _check_rows(path, rec.kind, row[outer.nested], rec.kind)
    _check_dates(path, content)


def _fiscal_year_of(text: str, *, moment: bool = False) -> int | None:
    """The fiscal year of an ISO date (or moment), None when the text is not one."""
    try:
        day = datetime.fromisoformat(text).date() if moment else date.fromisoformat(text)
    except ValueError:
        return None
    return fiscal_year(day)


def _check_dates(path: Path, content: dict) -> None:
    """Dates every screen parses, and the fiscal year each record is scored in.

    A record's fiscal year is stored beside its date so the year's score reads an
    index; one that disagrees with its date (1 October is the next year) would be
    scored in the wrong year, and a date that does not parse breaks every page
    that lists the record, long after the merge.
    """
    checks = (
        [("rounds", r["uuid"], r["inspected_at"], r["fiscal_year"], True)
         for r in content["rounds"]]
        + [("survey_responses", r["uuid"], r["answered_on"], r["fiscal_year"], False)
           for r in content["survey_responses"]]
        + [("guard_reports", r["uuid"], r["day"], r["fiscal_year"], False)
           for r in content["guard_reports"]]
    )  # fmt: skip
    for kind, uid, text, fy, moment in checks:
        if _fiscal_year_of(text, moment=moment) != fy:
            raise _refuse(
                path, f"วันที่หรือปีงบประมาณของ {kind} {uid} ไม่ถูกต้อง",
                f"the date or fiscal year of {kind} {uid} is not valid",
            )  # fmt: skip
    for rep in content["guard_reports"]:
        for ev in rep["events"]:
            try:
                time.fromisoformat(ev["at"])
            except ValueError:
                raise _refuse(
                    path, f"เวลาของเหตุการณ์ {ev['uuid']} ไม่ถูกต้อง",
                    f"the time of event {ev['uuid']} is not valid",
                ) from None  # fmt: skip


def _check_audit(path: Path, rows: list[dict]) -> None:
    """Each device's rows in the file form an unbroken piece of its hash chain."""
    last: dict[str, str] = {}
    for n, r in enumerate(rows, start=1):
        expected = expected_hash(r, r["prev_hash"])
        device = r["device_id"]
        linked = device not in last or last[device] == r["prev_hash"]
        if r["hash"] != expected or not linked or not _SHA.match(r["prev_hash"]):
            raise _refuse(
                path, f"ประวัติการแก้ไขในไฟล์ถูกเปลี่ยนแปลง (แถวที่ {n})",
                f"the audit rows in the file were altered (row {n})",
            )  # fmt: skip
        last[device] = r["hash"]


def _manifest_office(path: Path, manifest: dict) -> Office:
    """The office a manifest names, checked as Settings checks it; none named: the default."""
    given = manifest.get("office")
    if given is None:
        return default_office()
    keys = ("code", "name_th", "name_en")
    try:
        if not isinstance(given, dict) or set(given) != set(keys):
            raise InvalidInput("", "")
        return office_from(*(given[k] for k in keys))
    except InvalidInput:
        raise _refuse(
            path, "ส่วนหัวระบุหน่วยงานไม่ถูกต้อง", "its manifest names no valid office"
        ) from None


def read_sync_file(path: Path) -> SyncFile:
    """Open and check a sync file completely; raises InvalidInput, reads only."""
    path = Path(path)
    refuse_database_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _refuse(
            path, f"เปิดไฟล์ไม่ได้ ({exc.strerror})", f"cannot open it ({exc.strerror})"
        ) from None
    file_sha = hashlib.sha256(raw).hexdigest()
    not_ours = ("ไม่ใช่ไฟล์ซิงก์ของ Sala Rounds หรือไฟล์ไม่ครบ",
                "it is not a Sala Rounds sync file, or it is incomplete")  # fmt: skip
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            names = set(zf.namelist())
            if names != {MANIFEST, CONTENT}:
                raise _refuse(path, *not_ours)
            if zf.getinfo(CONTENT).file_size > MAX_CONTENT_BYTES:
                raise _refuse(path, "ไฟล์ใหญ่ผิดปกติ", "it is unreasonably large")
            manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
            data = zf.read(CONTENT)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, UnicodeDecodeError, ValueError,
            OSError, KeyError, NotImplementedError, zlib.error):  # fmt: skip
        # zipfile reports a truncated or bit-flipped archive through any of these.
        raise _refuse(path, *not_ours) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(path, *not_ours)
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _refuse(path, *not_ours)
    if version > VERSION:
        raise _refuse(
            path, "สร้างโดยโปรแกรมรุ่นใหม่กว่า โปรดปรับรุ่นโปรแกรม",
            "it was made by a newer version of Sala Rounds; update the app",
        )  # fmt: skip
    if version < VERSION:
        raise _refuse(path, tr("sync.refused.old_version", "th"),
                      tr("sync.refused.old_version", "en"))  # fmt: skip
    device, created = manifest.get("device_id"), manifest.get("created_at")
    sha, since = manifest.get("content_sha256"), manifest.get("since")
    counts = manifest.get("counts")
    if not (isinstance(device, str) and _UUID.match(device) and isinstance(created, str)
            and isinstance(sha, str) and _SHA.match(sha) and isinstance(counts, dict)
            and (since is None or isinstance(since, str))):  # fmt: skip
        raise _refuse(path, "ส่วนหัวของไฟล์ไม่ครบ", "its manifest is incomplete")
    if hashlib.sha256(data).hexdigest() != sha:
        raise _refuse(
            path, "เนื้อหาไม่ตรงกับรหัส SHA-256 ในส่วนหัว (ไฟล์ถูกแก้ไขหรือเสียหาย)",
            "its content does not match the SHA-256 in its manifest (altered or damaged)",
        )  # fmt: skip
    try:
        content = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _refuse(path, *not_ours) from None
    if not isinstance(content, dict) or set(content) != set(KINDS):
        raise _refuse(path, "โครงสร้างเนื้อหาไม่ถูกต้อง", "its content has the wrong structure")
    for kind in KINDS:
        _check_rows(path, kind, content[kind], kind)
        if counts.get(kind) != len(content[kind]):
            raise _refuse(path, "จำนวนรายการไม่ตรงกับส่วนหัว", "its record counts do not match")
    _check_nested(path, content)
    _check_audit(path, content["audit"])
    manifest_obj = Manifest(device, created, since, sha, {str(k): v for k, v in counts.items()},
                            _manifest_office(path, manifest))  # fmt: skip
    return SyncFile(manifest_obj, content, file_sha)
