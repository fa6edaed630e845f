"""This computer's signing key (issue 14, point 3; DOMAIN.md section 8).

Each computer makes its own Ed25519 key pair on first start and signs every sync file
it writes. The private key is a file beside the database, in the user's data folder
(`sala-rounds.db.key` beside `sala-rounds.db`): never in the database, so never in a
backup or a sync file. The public key travels in each file's manifest; the computers
that receive it accept it once an administrator has trusted it (core/devices.py).

A key file that cannot be read is not replaced silently: a new key would make every
other computer refuse this one's files, so the person is told and decides.
"""

from __future__ import annotations

import os
import secrets
import weakref
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlite_utils import Database

from core.audit import audit, local_device
from core.db import transaction
from core.devices import fingerprint
from core.errors import SalaError

KEY_SUFFIX = ".key"


@dataclass(frozen=True)
class DeviceKey:
    private: Ed25519PrivateKey
    public_key: str  # 64 hex digits
    path: Path | None  # None: an in-memory database's key, for tests

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


# An in-memory database (tests, benchmarks) has no folder: its key lives as long as it.
_memory_keys: weakref.WeakKeyDictionary[Database, DeviceKey] = weakref.WeakKeyDictionary()


def key_path(db: Database) -> Path | None:
    """The key file beside the database file; None for an in-memory database."""
    for _, name, file in db.execute("PRAGMA database_list"):
        if name == "main":
            return Path(file + KEY_SUFFIX) if file else None
    return None


def _public_hex(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def _damaged(path: Path, why: str) -> SalaError:
    return SalaError("keys.cannot_read_computer_key_moving", field="key", path=path, why=why)


def _load(path: Path) -> DeviceKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _damaged(path, exc.strerror or str(exc)) from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise _damaged(path, str(exc) or type(exc).__name__) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise _damaged(path, "not an Ed25519 key")
    return DeviceKey(key, _public_hex(key), path)


def _create(path: Path) -> bool:
    """Write a new key file; False when another process wrote one first (its key wins)."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")
    # Readable by this account only (POSIX; on Windows the user's data folder is private).
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            # A hard link appears whole or not at all, and never replaces a key another
            # process (the window and a command at once) has just made.
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:
            # A file system without hard links (FAT on a USB stick).
            if path.exists():
                return False
            os.replace(tmp, path)
        return True
    finally:
        tmp.unlink(missing_ok=True)


def device_key(db: Database) -> DeviceKey:
    """This computer's key, made on first use (the window makes it at start); the making
    is audited with the public key, so every computer's history shows when a key began.

    Looked for and made under the database's write lock (a write reads nothing before
    it): the window and a command starting at once make one key, audited once."""
    with transaction(db):
        path = key_path(db)
        if path is None:
            if db not in _memory_keys:
                key = Ed25519PrivateKey.generate()
                _memory_keys[db] = DeviceKey(key, _public_hex(key), None)
                _audit_new_key(db, _memory_keys[db])
            return _memory_keys[db]
        if path.exists():
            return _load(path)
        made = _create(path)
        key = _load(path)
        if made:
            _audit_new_key(db, key)
        return key


def make_key_at_start(db: Database) -> DeviceKey | None:
    """The key made (or found) at first start; None when its file cannot be read or made:
    the Sync page explains that, and it must not stop the window from starting."""
    try:
        return device_key(db)
    except (SalaError, OSError):
        return None


def existing_key(db: Database) -> DeviceKey | None:
    """This computer's key if it has one; receiving a file never makes one."""
    path = key_path(db)
    if path is None:
        return _memory_keys.get(db)
    return _load(path) if path.exists() else None


def _audit_new_key(db: Database, key: DeviceKey) -> None:
    with transaction(db):
        audit(db, "create", "device_key", local_device(db), None,
              {"public_key": key.public_key, "fingerprint": key.fingerprint})  # fmt: skip


def verify(public_key: str, signature: bytes, data: bytes) -> bool:
    """Whether `signature` is the holder of `public_key`'s signature of `data`."""
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True
