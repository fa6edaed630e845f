"""`hub trust`: a hub administrator trusts a computer to send one office's files.

The hub keeps its own trust list, per office (hub.trust); trusting the first computer of
an office registers the office and makes its schema. Who is a hub administrator is
PostgreSQL's business: a member of the role sala_hub_admin (hub/schema.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg

from core.errors import InvalidInput
from core.i18n import tr
from hub.intake import TrustEntry, trust_list
from hub.schema import ADMIN, create_office
from sync.fileformat import read_sync_file


@dataclass(frozen=True)
class Trusted:
    entry: TrustEntry
    new_office: bool
    already: bool


def is_admin(conn: psycopg.Connection) -> bool:
    return bool(
        conn.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", [ADMIN]).fetchone()[0]
    )


def public_key_of(path: Path) -> tuple[str | None, str | None]:
    """The public key a file was signed with and its fingerprint: (None, None) until sync
    files are signed (issue 14), when this reads them from the file."""
    return None, None


def trust_file_device(conn: psycopg.Connection, path: Path) -> Trusted:
    """Trust the computer that made `path` for the office the file names. The file is read
    and checked whole first (a damaged or hostile file trusts nothing)."""
    user = conn.execute("SELECT current_user").fetchone()[0]
    if not is_admin(conn):
        raise InvalidInput(
            tr("hub.not_admin", "th", user=user, role=ADMIN),
            tr("hub.not_admin", "en", user=user, role=ADMIN),
            field="--pg",
        )
    sync_file = read_sync_file(Path(path))
    m = sync_file.manifest
    key, fingerprint = public_key_of(Path(path))
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("LOCK TABLE hub.offices IN SHARE ROW EXCLUSIVE MODE")
        known = cur.execute("SELECT 1 FROM hub.offices WHERE code = %s", [m.office.code]).fetchone()
        if not known:
            create_office(cur, m.office.code, m.office.name_th, m.office.name_en, m.created_at)
        cur.execute(
            "INSERT INTO hub.trust(office, device_id, public_key, fingerprint)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (office, device_id) DO NOTHING",
            [m.office.code, m.device_id, key, fingerprint],
        )
        already = cur.rowcount == 0
    entry = trust_list(conn)[(m.office.code, m.device_id)]
    return Trusted(entry, not known, already)
