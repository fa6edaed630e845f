"""Reading and checking a sync file at the hub: the one place where the hub accepts a file.

`check_file` checks a file exactly as `sync import` does on a laptop, and then what only
the hub knows: that the computer which made it is trusted here for the office it names.
The checks of the records against what the office already holds (the keys they point
to, the verdicts they state) run inside the merge's transaction (hub/merge.py), through
the same function a laptop calls, `sync.receive.check_content`.

Signatures (issue 14): when sync files are signed, the signature is verified here with
the public key the hub's own trust list holds for that computer (`TrustEntry.public_key`,
given to `check_file` as data), and a file not signed by that key is refused, as on a
laptop. Until then the trust list names computers by their device id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg

from core.errors import InvalidInput
from core.i18n import tr
from sync.fileformat import SyncFile, read_sync_file


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


def check_file(path: Path, trusted: TrustList) -> SyncFile:
    """The file read and checked whole (sync.fileformat.read_sync_file: format, SHA-256,
    every record's shape, dates and audit rows), then its computer's trust for the office
    it names. Raises InvalidInput naming the file; reads nothing but the file."""
    path = Path(path)
    sync_file = read_sync_file(path)
    m = sync_file.manifest
    entry = trusted.get((m.office.code, m.device_id))
    if entry is None:
        values = {
            "file": path.name,
            "device": m.device_id,
            "office": m.office.code,
            "name_th": m.office.name_th,
            "name_en": m.office.name_en,
        }
        raise InvalidInput(
            tr("hub.untrusted", "th", **values), tr("hub.untrusted", "en", **values), field="file"
        )
    # Issue 14's signature check goes here: verify sync_file against entry.public_key.
    return sync_file
