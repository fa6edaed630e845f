"""Reading and checking a sync file at the hub: the one place where the hub accepts a file.

`check_file` checks a file exactly as `sync import` does on a laptop, and then what only
the hub knows: that the computer which made it is trusted here for the office it names.
The checks of the records against what the office already holds (the keys they point
to, the verdicts they state) run inside the merge's transaction (hub/merge.py), through
the same function a laptop calls, `sync.receive.check_content`.

Signatures (issue 14): a file is signed by the computer that made it; the signature is
verified here with the public key the hub's own trust list holds for that computer and
office (`TrustEntry.public_key`, recorded by `hub trust`, given to `check_file` as
data), before a line of the content is read. A file not signed by that key is refused,
as on a laptop; so is one from a computer the hub does not trust for the office the
file names (or trusted before files were signed: no key recorded, `hub trust` again).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg

from core.errors import InvalidInput
from sync.fileformat import Manifest, SyncFile, UntrustedComputer, read_sync_file


@dataclass(frozen=True)
class TrustEntry:
    """A computer a hub administrator trusts to send one office's files."""

    office: str
    device_id: str
    public_key: str | None
    fingerprint: str | None
    trusted_by: str
    trusted_at: str


TrustList = dict[tuple[str, str], TrustEntry]  # (office code, device id) -> entry


def trust_list(conn: psycopg.Connection) -> TrustList:
    rows = conn.execute(
        "SELECT office, device_id, public_key, fingerprint, trusted_by, trusted_at::text"
        " FROM hub.trust"
    ).fetchall()
    return {(r[0], r[1]): TrustEntry(*r) for r in rows}


def keys_for(trusted: TrustList, office: str) -> dict[str, str]:
    """Device id -> the key its files for `office` must be signed with (entries trusted
    before files were signed have none: their computers are trusted again)."""
    return {e.device_id: e.public_key for (code, _), e in trusted.items()
            if code == office and e.public_key}  # fmt: skip


def check_file(path: Path, trusted: TrustList) -> SyncFile:
    """The file read and checked whole (sync.fileformat.read_sync_file: format, signature
    and its computer's trust for the office it names, SHA-256, every record's shape,
    dates and audit rows). Raises InvalidInput naming the file; reads nothing but the
    file."""
    path = Path(path)

    def office_keys(m: Manifest) -> dict[str, str]:
        return keys_for(trusted, m.office.code)

    try:
        sync_file = read_sync_file(path, trusted=office_keys)
    except UntrustedComputer as exc:
        raise _untrusted(path, exc.device_id, exc.manifest) from None
    m = sync_file.manifest
    if sync_file.same_key:
        # A trusted computer's key under a new device id (its database restored): the
        # hub's administrator trusts the new id with `hub trust`, as for any computer.
        raise _untrusted(path, m.device_id, m)
    return sync_file


def _untrusted(path: Path, device: str, m: Manifest) -> InvalidInput:
    values = {
        "file": path.name,
        "device": device,
        "office": m.office.code,
        "name_th": m.office.name_th,
        "name_en": m.office.name_en,
    }
    return InvalidInput("hub.untrusted", field="file", **values)
