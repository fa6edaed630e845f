"""The `.srsync` file: a zip of `manifest.json`, `content.jsonl` and `signature`.

The manifest names the format and its version, the source device and its public
key, the office whose records these are, when the file was made and the SHA-256 of
`content.jsonl` (one record a line, `["kind",{...}]`, audit rows with their role,
source and the digests of the records they write); `signature` is the source
computer's Ed25519 signature of the manifest's exact bytes (sync/keys.py). So the
signature covers the content too, and only the holder of the private key can make a
file that verifies.

Reading (`read_sync_file`) checks, before anyone merges anything: the zip's members
and their declared sizes (before inflating a byte), the manifest, the signature and
whether the computer is trusted (the trust list is data, so the city hub passes its
own), then the content's digest (inflated in chunks, kept nowhere), then each line
on its own, with bounded numbers and depth, its record's shape checked before the
next line is read and what the kept records cost counted against a budget. A hostile
file is refused with a message in Thai and English and nothing else happens: no
traceback, no unbounded memory (issue 14, point 4). What each record means is checked
after this, by the same functions that check it when typed or imported
(sync/validate.py), and whether its computer's audit rows vouch for it
(sync/receive.py).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Protocol

from core.audit import SYNC_FIELDS, expected_hash
from core.calendar import fiscal_year
from core.devices import fingerprint
from core.errors import InvalidInput
from core.i18n import Phrase
from core.instance import refuse_database_path
from core.office import Office, default_office, office_from
from core.records import BY_KIND, SYNCED, sync_fields
from core.values import UUID_TEXT

FORMAT = "sala-rounds-sync"
# 3 (issue 14): signed by the computer that made it, one record a line, and audit rows
# that carry the actor's role, where the action came from and the digests of the records
# they write. Files of version 1 (unsigned, no digests) and 2 (one of the two halves) are
# refused like a file of a newer version: the computer that made them is updated first.
VERSION = 3
SUFFIX = ".srsync"
MANIFEST, CONTENT, SIGNATURE = "manifest.json", "content.jsonl", "signature"
OLD_CONTENT = "content.json"  # versions 1 and 2: recognised, to say they are too old

# Bounds on a file from elsewhere (issue 14, point 4). A year of a busy office is a
# few megabytes of content (the demo year: 1 MB); the file on disk is a tenth of that.
MAX_FILE_BYTES = 256 << 20  # the zip itself
MAX_CONTENT_BYTES = 256 << 20  # content declared or inflated: refused before inflating
MAX_MANIFEST_BYTES = 64 << 10
MAX_SIGNATURE_BYTES = 1 << 10
# The content holds one record a line, parsed one line at a time: whatever a line holds
# (a million keys, a thousand levels of nesting) costs at most a few dozen times its
# length while it is parsed, and is refused or kept before the next line is read.
MAX_LINE = 1 << 20
# An audit row that writes many records holds their digests in one string (`covers`: a
# batch of 100,000 imported rounds is 8 MB of it). A line longer than MAX_LINE is read
# only when all of its length but MAX_LINE is inside strings (one object each, costing
# about their length), and within what is left of the budget below.
MAX_LONG_LINE = 32 << 20
# What the records kept so far may cost in memory (estimated per record, see
# _record_cost, above what CPython takes): the whole read stays within about 300 MB
# whatever the file holds. That is ten years of an office's rounds imported in bulk
# (74,000 rounds, 45 MB of content: received with a peak of 180 MB), about five of
# rounds typed in the window (two audit rows each); a larger history is sent in parts
# (`sync export --since`), as the refusal says.
HOLD_BUDGET = 200 << 20
CHUNK = 1 << 20
# No number the app keeps is near this; beyond it a number is an attack on int(),
# float() and SQLite's 64-bit integers (OverflowError), not data.
MAX_NUMBER = 10**15

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
    public_key: str  # the signer's Ed25519 public key, 64 hex digits
    # The office whose records these are (issue 18). A file made before offices existed
    # named none: it is the City Hall building office's, the default.
    office: Office = field(default_factory=default_office)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


@dataclass(frozen=True)
class SyncFile:
    manifest: Manifest
    content: dict[str, list[dict[str, Any]]]
    file_sha256: str
    # Its computer was not trusted yet and the caller accepted it (`--trust`): the
    # receiver adds it to the trust list in the merge's transaction.
    newly_trusted: bool = False
    # A new device id signing with a key trusted under another id (a restored database
    # of a trusted computer): the receiver adds the id to that key's trust.
    same_key: bool = False


class Signer(Protocol):
    """What writing needs of a key: sync.keys.DeviceKey is one."""

    public_key: str

    def sign(self, data: bytes) -> bytes: ...


def _refuse(path: Path, why: str, /, field: str = "file", **values: object) -> InvalidInput:
    return InvalidInput(
        "fileformat.refused", field=field, name=path.name, why=Phrase(why, **values)
    )


class UntrustedComputer(InvalidInput):
    """A file signed by a computer not trusted here (yet). The message shows the key's
    fingerprint; an administrator who recognises it trusts the computer (Sync page, or
    `sync import FILE --trust`) and the same file is then accepted."""

    def __init__(self, path: Path, manifest: Manifest) -> None:
        self.path, self.manifest = path, manifest
        device_id = self.device_id = manifest.device_id
        self.public_key = manifest.public_key
        self.fingerprint = manifest.fingerprint
        why = Phrase("fileformat.untrusted", device_id=device_id[:8], fingerprint=self.fingerprint)
        super().__init__("fileformat.refused", field="device", name=path.name, why=why)

    def at_row(self, row: int) -> InvalidInput:  # never a row of a file: keep the details
        return self


def write_sync_file(
    path: Path, device_id: str, created_at: str, since: str | None, content: dict,
    key: Signer, *, office: Office | None = None,
) -> str:  # fmt: skip
    """Write the file signed with `key` (atomically: a half-written file never has the
    final name); its SHA-256."""
    data = encode_content(content)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "device_id": device_id,
        "public_key": key.public_key,
        "created_at": created_at,
        "since": since,
        "content_sha256": hashlib.sha256(data).hexdigest(),
        "counts": {k: len(v) for k, v in content.items()},
    }
    if office is not None:
        # Code and names only: a file says whose records it holds, not who signs for them.
        manifest["office"] = {"code": office.code, "name_th": office.name_th,
                              "name_en": office.name_en}  # fmt: skip
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    path = Path(path)
    refuse_database_path(path, field="--out")
    tmp = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, manifest_bytes)
        zf.writestr(CONTENT, data)
        zf.writestr(SIGNATURE, key.sign(manifest_bytes).hex())
    tmp.replace(path)
    return _file_sha256(path)


def encode_content(content: dict[str, list[dict[str, Any]]]) -> bytes:
    """content.jsonl: one record a line, `["kind",{...}]`, the kinds in KINDS order."""
    lines = [
        json.dumps([kind, rec], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        for kind in KINDS
        for rec in content.get(kind, [])
    ]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def _check_rows(path: Path, kind: str, rows: object, where: str, start: int = 1) -> None:
    if not isinstance(rows, list):
        raise _refuse(path, "fileformat.part_not_list", where=where)
    fields = FIELDS[kind]
    for n, row in enumerate(rows, start=start):
        if not isinstance(row, dict) or set(row) != set(fields):
            raise _refuse(path, "fileformat.record_missing_unknown_fields", n=n, where=where)
        for name, types in fields.items():
            value = row[name]
            if isinstance(value, OutOfRange):
                raise _refuse(
                    path,
                    "fileformat.field_record_number_out_range",
                    field=name,
                    name=name,
                    n=n,
                    where=where,
                    value=value,
                )
            # JSON has no int/bool distinction worth trusting: a bool is not a number here.
            if isinstance(value, bool) or not isinstance(value, types):
                raise _refuse(
                    path,
                    "fileformat.field_record_wrong_type",
                    field=name,
                    name=name,
                    n=n,
                    where=where,
                )
        if "uuid" in fields and not UUID_TEXT.match(row["uuid"]):
            raise _refuse(path, "fileformat.record_malformed_uuid", n=n, where=where)


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
                        path, "fileformat.entry_malformed", name=child.name, kind=rec.kind
                    )
    # The records a record carries (a report's events).
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
            raise _refuse(path, "fileformat.date_fiscal_year_not_valid", kind=kind, uid=uid)
    for rep in content["guard_reports"]:
        for ev in rep["events"]:
            try:
                time.fromisoformat(ev["at"])
            except ValueError:
                raise _refuse(path, "fileformat.time_event_not_valid", uuid=ev["uuid"]) from None


def _check_audit(path: Path, rows: list[dict]) -> None:
    """Each device's rows in the file form an unbroken piece of its hash chain."""
    last: dict[str, str] = {}
    for n, r in enumerate(rows, start=1):
        expected = expected_hash(r, r["prev_hash"])
        device = r["device_id"]
        linked = device not in last or last[device] == r["prev_hash"]
        if r["hash"] != expected or not linked or not _SHA.match(r["prev_hash"]):
            raise _refuse(path, "fileformat.audit_rows_file_altered_row", n=n)
        last[device] = r["hash"]


# --- reading a file from elsewhere, bounded ------------------------------------------


class _Bad(Exception):
    """What the bounded JSON reader refuses outright: a key repeated in one object."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class OutOfRange:
    """A number in the file beyond any value the app keeps (or NaN, Infinity). It stands
    where the number stood, so the check of the record names the field that held it
    (a field typed as a number refuses anything but an int or a float)."""

    def __init__(self, text: str) -> None:
        self.text = text if len(text) <= 30 else text[:27] + "..."

    def __repr__(self) -> str:
        return self.text


def _bounded_int(text: str) -> int | OutOfRange:
    if len(text) > 17 or abs(value := int(text)) > MAX_NUMBER:
        return OutOfRange(text)
    return value


def _bounded_float(text: str) -> float | OutOfRange:
    value = float(text) if len(text) <= 40 else math.inf
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        return OutOfRange(text)
    return value


def _no_constant(name: str) -> OutOfRange:
    return OutOfRange(name)


def _record_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = {_FIELD_NAMES.get(k, k): v for k, v in pairs}
    if len(found) != len(pairs):
        # Two parsers may keep different copies of a repeated key: the meaning must not
        # depend on which one reads the file (the city hub reads it too).
        raise _Bad("fileformat.field_twice")
    return found


# One string object per field name for every record of a file (each line is parsed on
# its own, so the parser's own sharing of keys ends at the line).
_FIELD_NAMES = {name: name for fields in FIELDS.values() for name in fields}


def _loads(path: Path, text: str, part: str, field: str) -> Any:
    """JSON with bounded numbers (OutOfRange), no repeated keys, bounded depth."""
    try:
        return json.loads(text, parse_int=_bounded_int, parse_float=_bounded_float,
                          parse_constant=_no_constant, object_pairs_hook=_record_pairs)  # fmt: skip
    except _Bad as exc:
        raise _refuse(
            path, "fileformat.part_error", field=field, part=part, error=Phrase(exc.key)
        ) from None
    except RecursionError:
        # The C parser counts its depth against the interpreter's recursion limit: a
        # 200,000-deep array stops here, at about a thousand, not in a crash.
        raise _refuse(path, "fileformat.nested_too_deeply", field=field, part=part) from None
    except ValueError:  # JSONDecodeError
        raise _refuse(path, "fileformat.not_readable_json", field=field, part=part) from None


def _record_cost(record: object) -> int:
    """Bytes a parsed record may hold, above what CPython takes for it: a container's
    header and slots, a string's header and characters (four bytes each unless ASCII),
    a number. Walked without recursion: a line may nest a thousand levels."""
    cost, stack = 0, [record]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            cost += 56 + len(value) if value.isascii() else 80 + 4 * len(value)
        elif isinstance(value, dict):
            cost += 200 + 48 * len(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            cost += 64 + 16 * len(value)
            stack.extend(value)
        else:
            cost += 32
    return cost


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, sink: Any) -> int:
    """Inflate one member in chunks into `sink(chunk)`, never past its declared size or
    `limit` (zipfile itself stops at the declared size and checks the CRC)."""
    total = 0
    with zf.open(info) as fh:
        while chunk := fh.read(CHUNK):
            total += len(chunk)
            if total > min(info.file_size, limit):
                raise zipfile.BadZipFile("inflates past its declared size")
            sink(chunk)
    if total != info.file_size:
        raise zipfile.BadZipFile("shorter than its declared size")
    return total


def _digest(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    h = hashlib.sha256()
    _inflate(zf, info, MAX_CONTENT_BYTES, h.update)
    return h.hexdigest()


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    buf = bytearray()
    _inflate(zf, info, limit, buf.extend)
    return bytes(buf)


class _Records:
    """Receives the inflated content chunk by chunk and keeps each line's record once it
    is checked, counting what the kept records cost."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.content: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
        self.pending = bytearray()
        self.line = 0
        self.held = 0

    def feed(self, chunk: bytes) -> None:
        # What is pending holds no line end: only the new chunk is searched (a long line
        # arrives in many chunks).
        searched = len(self.pending)
        self.pending.extend(chunk)
        start = 0
        while (end := self.pending.find(b"\n", searched)) >= 0:
            self._take(bytes(self.pending[start:end]))
            start = searched = end + 1
        del self.pending[:start]
        if len(self.pending) > MAX_LONG_LINE:
            raise self._too_long()

    def finish(self) -> dict[str, list[dict[str, Any]]]:
        if self.pending:
            raise _refuse(self.path, "fileformat.last_line_content_incomplete", field=CONTENT)
        return self.content

    def _too_long(self) -> InvalidInput:
        return _refuse(
            self.path,
            "fileformat.record_line_longer_than_kb",
            field=CONTENT,
            value=self.line + 1,
            value2=MAX_LINE >> 10,
        )

    def _long_line_fits(self, raw: bytes) -> bool:
        """A line past MAX_LINE is parsed only if it makes no more values than a line of
        MAX_LINE could (values follow a `,`, `:`, `[` or `{`: counted in C, strings
        included, which only over-counts), and its bytes, text and strings, at most a
        dozen times its length, fit in what is left of the budget."""
        if len(raw) > MAX_LONG_LINE or self.held + 12 * len(raw) > HOLD_BUDGET:
            return False
        values = sum(raw.count(c) for c in (b",", b":", b"[", b"{"))
        return values <= MAX_LINE // 2

    def _take(self, raw: bytes) -> None:
        self.line += 1
        if len(raw) > MAX_LINE and not self._long_line_fits(raw):
            self.line -= 1
            raise self._too_long()
        where = f"{CONTENT} line {self.line}"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _refuse(self.path, "fileformat.not_utf_8", field=CONTENT, where=where) from None
        item = _loads(self.path, text, where, CONTENT)
        if not (isinstance(item, list) and len(item) == 2 and item[0] in KINDS):
            raise _refuse(self.path, "fileformat.not_known_record", field=CONTENT, where=where)
        kind, record = item
        rows = self.content[kind]
        _check_rows(self.path, kind, [record], kind, start=len(rows) + 1)
        self.held += _record_cost(record)
        if self.held > HOLD_BUDGET:
            raise _refuse(self.path, "fileformat.content_too_large_check_once", field=CONTENT)
        rows.append(record)


_EOCD = b"PK\x05\x06"


def _directory_is_small(fh: Any, size: int) -> bool:
    """The zip's end record, read before zipfile builds its directory: a file claiming
    millions of members (each a Python object once listed) is refused unread."""
    tail_len = min(size, 22 + 0xFFFF)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        return False
    entries = int.from_bytes(tail[at + 10 : at + 12], "little")
    directory = int.from_bytes(tail[at + 12 : at + 16], "little")
    return entries <= 3 and directory <= 4096


def _check_manifest(path: Path, manifest: object) -> Manifest:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(path, "fileformat.not_ours")
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _refuse(path, "fileformat.not_ours")
    if version > VERSION:
        raise _refuse(path, "db.made_newer_version_sala_rounds")
    if version < VERSION:
        # Unsigned (1), or without the audit rows' digests or the signature (2).
        raise _refuse(path, "sync.refused.old_version", field="version")  # fmt: skip
    device, created = manifest.get("device_id"), manifest.get("created_at")
    sha, since = manifest.get("content_sha256"), manifest.get("since")
    counts, key = manifest.get("counts"), manifest.get("public_key")
    if not (isinstance(device, str) and UUID_TEXT.match(device) and _is_moment(created)
            and isinstance(sha, str) and _SHA.match(sha) and isinstance(counts, dict)
            and (since is None or _is_moment(since)) and isinstance(key, str)
            and _SHA.match(key)):  # fmt: skip
        raise _refuse(path, "fileformat.manifest_incomplete")
    if set(counts) != set(KINDS) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts.values()
    ):
        raise _refuse(path, "fileformat.manifest_record_counts_not_valid")
    office = _manifest_office(path, manifest)
    return Manifest(device, created, since, sha, dict(counts), key, office)


def _manifest_office(path: Path, manifest: dict) -> Office:
    """The office a manifest names, checked as Settings checks it; none named: the default."""
    given = manifest.get("office")
    if given is None:
        return default_office()
    keys = ("code", "name_th", "name_en")
    try:
        if not isinstance(given, dict) or set(given) != set(keys):
            raise InvalidInput("fileformat.manifest_names_no_valid_office")
        return office_from(*(given[k] for k in keys))
    except InvalidInput:
        raise _refuse(path, "fileformat.manifest_names_no_valid_office") from None


def _is_moment(text: object) -> bool:
    """An ISO 8601 date or moment, as the app writes them (ASCII digits only)."""
    if not (isinstance(text, str) and text.isascii() and len(text) <= 40):
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _unsigned(path: Path) -> InvalidInput:
    return _refuse(path, "fileformat.carries_no_signature_computer_made", field="signature")


Trusted = Mapping[str, str] | Callable[[Manifest], Mapping[str, str]]


def read_sync_file(path: Path, *, trusted: Trusted, accept_new: bool = False) -> SyncFile:
    """Open and check a sync file completely; raises InvalidInput and reads only.

    `trusted` maps each device id whose files are accepted to the public key (64 hex
    digits) they must be signed with: this computer's own ids and the trust list here
    (sync.receive), the hub's own list there (given as a function of the manifest: the
    hub trusts a computer for the office the file names). A file from a computer not in it raises
    UntrustedComputer, unless `accept_new` (an administrator's `--trust`): then the
    result says `newly_trusted` and the caller adds it to its list. The content is
    inflated only once the signature and the trust are settled, hashed whole before a
    line of it is parsed, and parsed a line at a time within bounds.
    """
    path = Path(path)
    # The database itself named as the file: reading it by an ordinary handle would drop
    # this process's locks on it.
    refuse_database_path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _refuse(path, "fileformat.larger_than_mb", value=MAX_FILE_BYTES >> 20)
        with open(path, "rb") as fh:
            if not _directory_is_small(fh, size):
                raise _refuse(path, "fileformat.not_ours")
            fh.seek(0)
            return _read_zip(path, fh, trusted, accept_new)
    except OSError as exc:
        raise _refuse(path, "fileformat.cannot_open", strerror=exc.strerror) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError, NotImplementedError,
            zlib.error, ValueError, RuntimeError):  # fmt: skip
        # zipfile reports a truncated, bit-flipped or forged archive through any of these.
        raise _refuse(path, "fileformat.not_ours") from None


def _read_zip(path: Path, fh: Any, trusted: Trusted, accept_new: bool) -> SyncFile:
    with zipfile.ZipFile(fh) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        # An older version's file (content.json) is recognised, to be refused as too old.
        if len(names) != len(set(names)) or not {MANIFEST} <= set(names) <= {
            MANIFEST,
            CONTENT,
            SIGNATURE,
            OLD_CONTENT,
        }:
            raise _refuse(path, "fileformat.not_ours")
        limits = {MANIFEST: MAX_MANIFEST_BYTES, CONTENT: MAX_CONTENT_BYTES,
                  SIGNATURE: MAX_SIGNATURE_BYTES, OLD_CONTENT: MAX_CONTENT_BYTES}  # fmt: skip
        for info in infos:
            if info.flag_bits & 0x1 or info.compress_type not in (
                zipfile.ZIP_STORED,
                zipfile.ZIP_DEFLATED,
            ):
                raise _refuse(path, "fileformat.not_ours")
            if info.file_size > limits[info.filename]:
                # Refused on what the zip declares, before inflating a byte of it.
                raise _refuse(
                    path,
                    "fileformat.would_inflate_mb_beyond_limit",
                    field=info.filename,
                    filename=info.filename,
                    value=info.file_size >> 20,
                    value2=limits[info.filename] >> 20,
                )
        by_name = {i.filename: i for i in infos}
        manifest_bytes = _read_member(zf, by_name[MANIFEST], MAX_MANIFEST_BYTES)
        try:
            manifest_text = manifest_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise _refuse(path, "fileformat.not_ours") from None
        manifest = _check_manifest(path, _loads(path, manifest_text, MANIFEST, MANIFEST))
        if CONTENT not in by_name or OLD_CONTENT in by_name:
            raise _refuse(path, "fileformat.not_ours")
        if SIGNATURE not in by_name:
            raise _unsigned(path)
        signature = _read_member(zf, by_name[SIGNATURE], MAX_SIGNATURE_BYTES)
        _check_signature(path, manifest, manifest_bytes, signature)
        listed = trusted(manifest) if callable(trusted) else trusted
        trust = _check_trust(path, manifest, listed, accept_new)
        if _digest(zf, by_name[CONTENT]) != manifest.content_sha256:
            raise _refuse(path, "fileformat.content_does_not_match_sha")
        records = _Records(path)
        _inflate(zf, by_name[CONTENT], MAX_CONTENT_BYTES, records.feed)
        content = records.finish()
    for kind in KINDS:
        if manifest.counts.get(kind) != len(content[kind]):
            raise _refuse(path, "fileformat.record_counts_do_not_match")
    _check_nested(path, content)
    _check_audit(path, content["audit"])
    return SyncFile(manifest, content, _file_sha256(path), trust == "new", trust == "same_key")


def _check_signature(path: Path, manifest: Manifest, signed: bytes, signature: bytes) -> None:
    from sync.keys import verify  # cryptography loads only when a file is read

    try:
        raw = bytes.fromhex(signature.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        raw = b""
    if len(raw) != 64 or not verify(manifest.public_key, raw, signed):
        raise _refuse(path, "fileformat.signature_does_not_match_content", field="signature")


def _check_trust(
    path: Path, manifest: Manifest, trusted: Mapping[str, str], accept_new: bool
) -> str:
    """ "known"; "same_key" (a trusted key under a new device id: a trusted computer's
    restored database); "new" (accepted only with `accept_new`)."""
    known = trusted.get(manifest.device_id)
    if known is None:
        if manifest.public_key in trusted.values():
            return "same_key"
        if not accept_new:
            raise UntrustedComputer(path, manifest)
        return "new"
    if known != manifest.public_key:
        raise _refuse(
            path,
            "fileformat.claims_come_trusted_computer_but",
            field="signature",
            device_id=manifest.device_id[:8],
            fingerprint=manifest.fingerprint,
            fingerprint2=fingerprint(known),
        )
    return "known"
