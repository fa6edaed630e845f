"""The computers this database trusts (issue 14, point 3; DOMAIN.md section 8).

A sync file is signed by the computer that wrote it (sync/keys.py). This computer
accepts files only from itself and from the computers an administrator has trusted,
each bound to the public key its files must be signed with. The same list decides
which annual-summary signatures count (summary/signing.py): one made on a computer
nobody here trusted is history, not a signature.

The list is plain data (device id -> public key), so the city hub can hand its own to
the same file checks (sync.fileformat.read_sync_file). No cryptography here: the key
is kept as 64 hex digits and shown by its fingerprint.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from core.audit import audit
from core.coverage import local_devices
from core.db import transaction
from core.errors import InvalidInput
from core.records import covering
from core.users import require
from core.values import UUID_TEXT

_KEY = re.compile(r"^[0-9a-f]{64}$")


def fingerprint(public_key: str) -> str:
    """What an administrator compares by eye or reads over the phone before trusting a
    computer: the first 128 bits of the SHA-256 of its public key, in eight groups."""
    digest = hashlib.sha256(bytes.fromhex(public_key)).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True)
class TrustedDevice:
    device_id: str
    public_key: str  # 64 hex digits: the raw Ed25519 public key
    trusted_at: str  # UTC, ISO
    trusted_by: str

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


def own_devices(db: Database) -> set[str]:
    """This database's device id and the ids it had before a restore (core.restore): files
    and signatures made under them were made on this computer."""
    return local_devices(db)


def trusted_devices(db: Database) -> list[TrustedDevice]:
    """The other computers an administrator trusted here, oldest first."""
    return [
        TrustedDevice(*r)
        for r in db.execute(
            "SELECT device_id, public_key, trusted_at, trusted_by FROM trusted_devices"
            " ORDER BY trusted_at, device_id"
        )
    ]


def trusted_device_ids(db: Database) -> set[str]:
    """Every device whose records and signatures count here: this one and the trusted."""
    return own_devices(db) | {d.device_id for d in trusted_devices(db)}


def _check(device_id: object, public_key: object) -> tuple[str, str]:
    if not isinstance(device_id, str) or not UUID_TEXT.match(device_id):
        raise InvalidInput("devices.computer_id_not_valid", field="device")
    if not isinstance(public_key, str) or not _KEY.match(public_key):
        raise InvalidInput("devices.computer_public_key_not_valid", field="key")
    return device_id, public_key


def trust_device(db: Database, device_id: str, public_key: str) -> TrustedDevice:
    """An administrator trusts another computer's key: its sync files are accepted from now.

    Checked here, not only on the Sync page (permission `sync.trust`), and audited with
    the key. Trusting again with the same key changes nothing. A computer trusted with
    another key is refused: that is what a forger's file looks like, and a computer
    that really made a new key (reinstalled) is first removed from the list, on purpose.
    Joins the caller's transaction when there is one (a file trusted with `--trust` is
    trusted only if it is merged). The row that trusts it covers the list's entry (issue
    14): `check` names an entry added or changed by hand.
    """
    actor = require(db, "sync.trust")
    device_id, public_key = _check(device_id, public_key)
    with transaction(db):
        if device_id in own_devices(db):
            raise InvalidInput("devices.computer_own_id", field="device")
        row = db.execute(
            "SELECT public_key FROM trusted_devices WHERE device_id = ?", [device_id]
        ).fetchone()
        if row is not None and row[0] != public_key:
            raise InvalidInput(
                "devices.computer_trusted_another_key_if",
                field="key",
                device_id=device_id[:8],
                fingerprint=fingerprint(row[0]),
            )
        if row is None:
            at = datetime.now(UTC).isoformat(timespec="seconds")
            db.execute(
                "INSERT INTO trusted_devices(device_id, public_key, trusted_at, trusted_by)"
                " VALUES (?, ?, ?, ?)",
                [device_id, public_key, at, actor.username],
            )
            audit(db, "trust", "device", device_id, None,
                  {"public_key": public_key, "fingerprint": fingerprint(public_key)},
                  covers=covering(db, trusted_devices=[device_id]))  # fmt: skip
        (found,) = [d for d in trusted_devices(db) if d.device_id == device_id]
    return found


def bind_device(db: Database, device_id: str, public_key: str) -> None:
    """A computer already trusted here, under a new device id: its database was restored
    from a backup (core.backup gives it a new id) but it signs with the same key. The
    key is what an administrator trusted, so the new id is added without asking again;
    audited, naming the id the key was trusted under. Joins the caller's transaction."""
    device_id, public_key = _check(device_id, public_key)
    with transaction(db):
        (first,) = [d for d in trusted_devices(db) if d.public_key == public_key][:1] or [None]
        if first is None:
            raise InvalidInput("devices.key_not_trusted_here", field="key")
        db.execute(
            "INSERT INTO trusted_devices(device_id, public_key, trusted_at, trusted_by)"
            " VALUES (?, ?, ?, ?)",
            [device_id, public_key, datetime.now(UTC).isoformat(timespec="seconds"),
             first.trusted_by],
        )  # fmt: skip
        audit(db, "trust", "device", device_id, None,
              {"public_key": public_key, "fingerprint": fingerprint(public_key),
               "same_key_as": first.device_id},
              covers=covering(db, trusted_devices=[device_id]))  # fmt: skip


def untrust_device(db: Database, device_id: str) -> None:
    """Stop accepting a computer's files (a laptop lost or replaced). Its records already
    merged stay; its annual-summary signatures no longer count here."""
    require(db, "sync.trust")
    with transaction(db):
        row = db.execute(
            "SELECT public_key FROM trusted_devices WHERE device_id = ?", [device_id]
        ).fetchone()
        if row is None:
            raise InvalidInput(
                "devices.computer_not_trusted_list", field="device", device_id=device_id[:8]
            )
        db.execute("DELETE FROM trusted_devices WHERE device_id = ?", [device_id])
        audit(db, "untrust", "device", device_id,
              {"public_key": row[0], "fingerprint": fingerprint(row[0])}, None,
              covers=covering(db, trusted_devices=[device_id]))  # fmt: skip
