"""`hub trust`: a hub administrator trusts a computer to send one office's files.

The hub keeps its own trust list, per office (hub.trust); trusting the first computer of
an office registers the office and makes its schema. Who is a hub administrator is
PostgreSQL's business: a member of the role sala_hub_admin (hub/schema.py). A computer
is trusted with the public key its files are signed with (issue 14): files it signs with
another key are refused at the hub.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg

from core.errors import InvalidInput
from hub.intake import TrustEntry, keys_for, trust_list
from hub.schema import ADMIN, create_office
from sync.fileformat import Manifest, read_sync_file


@dataclass(frozen=True)
class Trusted:
    entry: TrustEntry
    new_office: bool
    already: bool


def is_admin(conn: psycopg.Connection) -> bool:
    return bool(
        conn.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", [ADMIN]).fetchone()[0]
    )


def trust_file_device(conn: psycopg.Connection, path: Path) -> Trusted:
    """Trust the computer that made `path` for the office the file names, with the key the
    file is signed with (its fingerprint shown, to compare with that computer's Sync
    page). The file is read and checked whole first (a damaged or hostile file trusts
    nothing); a computer already trusted for the office with another key is refused, as
    a file that claims it but is signed by another key is."""
    user = conn.execute("SELECT current_user").fetchone()[0]
    if not is_admin(conn):
        raise InvalidInput("hub.not_admin", field="--pg", user=user, role=ADMIN)
    listed = trust_list(conn)

    def office_keys(m: Manifest) -> dict[str, str]:
        return keys_for(listed, m.office.code)

    sync_file = read_sync_file(Path(path), trusted=office_keys, accept_new=True)
    m = sync_file.manifest
    key, fingerprint = m.public_key, m.fingerprint
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("LOCK TABLE hub.offices IN SHARE ROW EXCLUSIVE MODE")
        known = cur.execute("SELECT 1 FROM hub.offices WHERE code = %s", [m.office.code]).fetchone()
        if not known:
            create_office(cur, m.office.code, m.office.name_th, m.office.name_en, m.created_at)
        # An entry made before files were signed has no key: the first signed file's
        # key is recorded with it.
        cur.execute(
            "INSERT INTO hub.trust(office, device_id, public_key, fingerprint)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (office, device_id) DO UPDATE"
            " SET public_key = EXCLUDED.public_key, fingerprint = EXCLUDED.fingerprint"
            " WHERE hub.trust.public_key IS NULL",
            [m.office.code, m.device_id, key, fingerprint],
        )
        already = cur.rowcount == 0
    entry = trust_list(conn)[(m.office.code, m.device_id)]
    return Trusted(entry, not known, already)
